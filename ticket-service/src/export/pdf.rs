//! A small writer of tagged PDF (ACCESSIBILITY.md F13): headings and paragraphs laid out on A4
//! pages with the standard Helvetica fonts, each block marked as a structure element (H1, H2,
//! H3, P) of a Document, with the document's title shown in the title bar and its language.
//! Decorations (answer boxes, page numbers) are marked as artifacts so that assistive
//! technology skips them.

use std::fmt::Write as _;

/// A piece of the document, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    H1(String),
    H2(String),
    H3(String),
    P(String),
    /// An empty framed box of this height in points, for a handwritten answer.
    AnswerSpace(f32),
    /// Starts a new page unless the current one is still empty.
    PageBreak,
}

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

/// One marked run of text lines on one page.
struct Run {
    mcid: usize,
    bold: bool,
    size: f32,
    lines: Vec<(f32, String)>,
}

#[derive(Default)]
struct PageLayout {
    runs: Vec<Run>,
    /// Artifact drawing operators (boxes).
    artifacts: String,
}

/// A structure element: its tag and where its content is (page index, MCID).
struct Element {
    tag: &'static str,
    parts: Vec<(usize, usize)>,
}

struct Layout {
    pages: Vec<PageLayout>,
    elements: Vec<Element>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Layout {
            pages: vec![PageLayout::default()],
            elements: Vec::new(),
            y: PAGE_HEIGHT - MARGIN,
        }
    }

    fn page_is_empty(&self) -> bool {
        self.pages
            .last()
            .is_some_and(|page| page.runs.is_empty() && page.artifacts.is_empty())
    }

    fn new_page(&mut self) {
        self.pages.push(PageLayout::default());
        self.y = PAGE_HEIGHT - MARGIN;
    }

    fn next_mcid(&self) -> usize {
        self.pages.last().map_or(0, |page| page.runs.len())
    }

    /// Lays out `text` as one structure element, continuing on new pages as needed.
    fn text(&mut self, tag: &'static str, text: &str, size: f32, bold: bool, space_before: f32) {
        let leading = size * 1.35;
        let lines = wrap(text, size);
        if self.y - space_before - leading < MARGIN {
            self.new_page();
        } else if !self.page_is_empty() {
            self.y -= space_before;
        }
        let mut element = Element {
            tag,
            parts: Vec::new(),
        };
        let mut run: Option<Run> = None;
        for line in lines {
            if self.y - leading < MARGIN {
                if let Some(done) = run.take() {
                    self.push_run(done, &mut element);
                }
                self.new_page();
            }
            self.y -= leading;
            let current = run.get_or_insert_with(|| Run {
                mcid: self.next_mcid(),
                bold,
                size,
                lines: Vec::new(),
            });
            current.lines.push((self.y, line));
        }
        if let Some(done) = run {
            self.push_run(done, &mut element);
        }
        self.elements.push(element);
    }

    fn push_run(&mut self, run: Run, element: &mut Element) {
        let page = self.pages.len() - 1;
        element.parts.push((page, run.mcid));
        self.pages[page].runs.push(run);
    }

    fn answer_space(&mut self, height: f32) {
        if self.y - height - 8.0 < MARGIN {
            self.new_page();
        }
        self.y -= height + 8.0;
        let y = self.y;
        if let Some(page) = self.pages.last_mut() {
            let _ = writeln!(
                page.artifacts,
                "/Artifact BMC 0.5 w {MARGIN} {y:.1} {TEXT_WIDTH} {height:.1} re S EMC"
            );
        }
    }
}

/// Splits `text` into lines that fit the text width at `size`, breaking at spaces; an
/// average Helvetica glyph is about half the font size wide.
fn wrap(text: &str, size: f32) -> Vec<String> {
    let per_line = ((TEXT_WIDTH / (size * 0.52)) as usize).max(10);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let fits = line.chars().count() + 1 + word.chars().count() <= per_line;
            if !line.is_empty() && !fits {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            // A word longer than a whole line is cut, rather than running off the page.
            while line.chars().count() > per_line {
                let head: String = line.chars().take(per_line).collect();
                line = line.chars().skip(per_line).collect();
                lines.push(head);
            }
        }
        lines.push(line);
    }
    lines
}

/// `text` in WinAnsiEncoding as a PDF literal string; characters outside it become `?`.
fn literal(text: &str) -> String {
    let mut out = String::from("(");
    for c in text.chars() {
        let byte: u8 = match c {
            '€' => 0x80,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '–' => 0x96,
            '—' => 0x97,
            c if (c as u32) < 0x100 && !c.is_control() => c as u8,
            _ => b'?',
        };
        match byte {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(byte as char);
            }
            0x20..=0x7e => out.push(byte as char),
            _ => {
                let _ = write!(out, "\\{byte:03o}");
            }
        }
    }
    out.push(')');
    out
}

/// A PDF text string in UTF-16BE with its byte order mark, for the title.
fn text_string(text: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The finished document.
pub fn render(title: &str, lang: &str, blocks: &[Block]) -> Vec<u8> {
    let mut layout = Layout::new();
    for block in blocks {
        match block {
            Block::H1(text) => layout.text("H1", text, 18.0, true, 0.0),
            Block::H2(text) => layout.text("H2", text, 14.0, true, 12.0),
            Block::H3(text) => layout.text("H3", text, 12.0, true, 10.0),
            Block::P(text) => layout.text("P", text, 11.0, false, 4.0),
            Block::AnswerSpace(height) => layout.answer_space(*height),
            Block::PageBreak => {
                if !layout.page_is_empty() {
                    layout.new_page();
                }
            }
        }
    }

    // Object numbers: fixed objects first, then a page and its content per page, then the
    // structure elements.
    const CATALOG: usize = 1;
    const PAGES: usize = 2;
    const INFO: usize = 3;
    const FONT: usize = 4;
    const FONT_BOLD: usize = 5;
    const STRUCT_ROOT: usize = 6;
    const DOCUMENT: usize = 7;
    const METADATA: usize = 8;
    let page_obj = |i: usize| 9 + 2 * i;
    let content_obj = |i: usize| 10 + 2 * i;
    let first_element = 9 + 2 * layout.pages.len();
    let element_obj = |i: usize| first_element + i;
    let count = first_element + layout.elements.len();

    let mut objects: Vec<Vec<u8>> = vec![Vec::new(); count];
    let lang_literal = literal(lang);
    objects[CATALOG] = format!(
        "<< /Type /Catalog /Pages {PAGES} 0 R /Lang {lang_literal} /MarkInfo << /Marked true >> \
         /StructTreeRoot {STRUCT_ROOT} 0 R /Metadata {METADATA} 0 R \
         /ViewerPreferences << /DisplayDocTitle true >> >>"
    )
    .into_bytes();
    let kids: Vec<String> = (0..layout.pages.len())
        .map(|i| format!("{} 0 R", page_obj(i)))
        .collect();
    objects[PAGES] = format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        layout.pages.len()
    )
    .into_bytes();
    objects[INFO] = format!(
        "<< /Title {} /Producer (respi-tickets) >>",
        text_string(title)
    )
    .into_bytes();
    objects[FONT] =
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec();
    objects[FONT_BOLD] =
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_vec();

    // The parent tree maps each page's MCIDs back to their structure elements.
    let mut parents: Vec<Vec<usize>> = layout
        .pages
        .iter()
        .map(|page| vec![0; page.runs.len()])
        .collect();
    for (index, element) in layout.elements.iter().enumerate() {
        for (page, mcid) in &element.parts {
            parents[*page][*mcid] = element_obj(index);
        }
    }
    let mut nums = String::new();
    for (page, refs) in parents.iter().enumerate() {
        let refs: Vec<String> = refs.iter().map(|r| format!("{r} 0 R")).collect();
        let _ = write!(nums, "{page} [{}] ", refs.join(" "));
    }
    objects[STRUCT_ROOT] = format!(
        "<< /Type /StructTreeRoot /K [{DOCUMENT} 0 R] /ParentTree << /Nums [{nums}] >> \
         /ParentTreeNextKey {} >>",
        layout.pages.len()
    )
    .into_bytes();
    let children: Vec<String> = (0..layout.elements.len())
        .map(|i| format!("{} 0 R", element_obj(i)))
        .collect();
    objects[DOCUMENT] = format!(
        "<< /Type /StructElem /S /Document /P {STRUCT_ROOT} 0 R /K [{}] >>",
        children.join(" ")
    )
    .into_bytes();
    let xmp = format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
         <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
         <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:title>\
         <dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>\
         </rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>",
        xml_escape(title),
        xml_escape(lang)
    );
    let mut metadata = format!(
        "<< /Type /Metadata /Subtype /XML /Length {} >>\nstream\n",
        xmp.len()
    )
    .into_bytes();
    metadata.extend_from_slice(xmp.as_bytes());
    metadata.extend_from_slice(b"\nendstream");
    objects[METADATA] = metadata;

    let total = layout.pages.len();
    for (i, page) in layout.pages.iter().enumerate() {
        let mut content = String::new();
        for run in &page.runs {
            let font = if run.bold { "F2" } else { "F1" };
            let tag = layout
                .elements
                .iter()
                .find(|element| element.parts.contains(&(i, run.mcid)))
                .map_or("P", |element| element.tag);
            let _ = writeln!(content, "/{tag} << /MCID {} >> BDC BT", run.mcid);
            let _ = writeln!(content, "/{font} {} Tf", run.size);
            for (y, line) in &run.lines {
                let _ = writeln!(content, "1 0 0 1 {MARGIN} {y:.1} Tm {} Tj", literal(line));
            }
            content.push_str("ET EMC\n");
        }
        content.push_str(&page.artifacts);
        let _ = writeln!(
            content,
            "/Artifact << /Type /Pagination >> BDC BT /F1 9 Tf 1 0 0 1 {MARGIN} 30 Tm {} Tj ET EMC",
            literal(&format!("{title} – pagina {} di {total}", i + 1))
        );
        objects[page_obj(i)] = format!(
            "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /Font << /F1 {FONT} 0 R /F2 {FONT_BOLD} 0 R >> >> \
             /Contents {} 0 R /StructParents {i} /Tabs /S >>",
            content_obj(i)
        )
        .into_bytes();
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content.as_bytes());
        stream.extend_from_slice(b"endstream");
        objects[content_obj(i)] = stream;
    }
    for (index, element) in layout.elements.iter().enumerate() {
        let kids: Vec<String> = element
            .parts
            .iter()
            .map(|(page, mcid)| {
                format!("<< /Type /MCR /Pg {} 0 R /MCID {mcid} >>", page_obj(*page))
            })
            .collect();
        objects[element_obj(index)] = format!(
            "<< /Type /StructElem /S /{} /P {DOCUMENT} 0 R /K [{}] >>",
            element.tag,
            kids.join(" ")
        )
        .into_bytes();
    }

    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = vec![0usize; count];
    for (number, body) in objects.iter().enumerate().skip(1) {
        offsets[number] = out.len();
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {count}\n0000000000 65535 f \n");
    for offset in &offsets[1..] {
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {count} /Root {CATALOG} 0 R /Info {INFO} 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    );
    out.extend_from_slice(table.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut blocks = vec![
            Block::H1("Lotto n. 3".to_owned()),
            Block::P("Segnalazioni: 2".to_owned()),
        ];
        for n in 0..2 {
            blocks.push(Block::PageBreak);
            blocks.push(Block::H2(format!("RESPI-2026-00000{n} – Questura")));
            blocks.push(Block::P(
                "Descrizione: città, perché (prova) \\ più".repeat(40),
            ));
            blocks.push(Block::H3("Risposta dell'ufficio".to_owned()));
            blocks.push(Block::AnswerSpace(200.0));
        }
        render("Lotto n. 3 – Segnalazioni", "it-IT", &blocks)
    }

    #[test]
    fn the_document_is_tagged_titled_and_in_italian() {
        let pdf = sample();
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.starts_with("%PDF-1.7"));
        assert!(text.contains("/Lang (it-IT)"));
        assert!(text.contains("/MarkInfo << /Marked true >>"));
        assert!(text.contains("/StructTreeRoot"));
        assert!(text.contains("/DisplayDocTitle true"));
        assert!(text.contains("/Title <FEFF"));
        assert!(text.contains("/S /H1"));
        assert!(text.contains("/S /H2"));
        assert!(text.contains("/H3 << /MCID"));
        assert!(text.contains("/Artifact BMC"));
        assert!(text.trim_end().ends_with("%%EOF"));
    }

    #[test]
    fn every_xref_offset_points_at_its_object() {
        let pdf = sample();
        let text = String::from_utf8_lossy(&pdf).into_owned();
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        // The offset counts bytes of the file, not characters of the lossy text.
        let table = std::str::from_utf8(&pdf[start..]).unwrap();
        let entries: Vec<&str> = table
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with("n "))
            .collect();
        assert!(entries.len() > 10);
        for (i, entry) in entries.iter().enumerate() {
            let offset: usize = entry[..10].parse().unwrap();
            let header = format!("{} 0 obj", i + 1);
            assert_eq!(&pdf[offset..offset + header.len()], header.as_bytes());
        }
    }

    #[test]
    fn long_texts_flow_onto_new_pages_and_breaks_start_sheets() {
        let text = String::from_utf8_lossy(&sample()).into_owned();
        let pages = text.matches("/Type /Page ").count();
        assert!(pages >= 3, "{pages} pages");
        assert!(text.contains("/Type /MCR"));
    }

    #[test]
    fn strings_are_escaped_and_encoded() {
        assert_eq!(literal("a(b)\\"), "(a\\(b\\)\\\\)");
        assert_eq!(literal("è–"), "(\\350\\226)");
        assert_eq!(literal("日"), "(?)");
        assert_eq!(text_string("Aè"), "<FEFF004100E8>");
        assert_eq!(wrap("uno due tre", 11.0), vec!["uno due tre"]);
    }
}
