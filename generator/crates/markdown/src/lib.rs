//! Markdown to HTML: heading ids, table captions and headers, internal links resolved to URLs.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use respi_sources::config::Config;
use respi_sources::content::{Asset, CONTENT_DIR, Page};
use respi_sources::diagnostics::{Diagnostic, line_col};
use respi_sources::library::Library;

/// Where internal links can point: pages by their content path, and copied files.
pub struct LinkTargets {
    /// content-relative `.md` path → (translation key, language)
    pub by_rel: HashMap<String, (String, String)>,
    /// (translation key, language) → output path relative to the base path
    pub paths: HashMap<(String, String), String>,
    /// content-relative paths of the copied files
    pub assets: HashSet<String>,
    /// `.md` files that failed to load: their problem is already reported
    pub unavailable: HashSet<String>,
    pub base_path: String,
    pub default_lang: String,
    /// `content/` on disk: the renderer measures linked documents to label them (C6).
    pub content_dir: std::path::PathBuf,
}

impl LinkTargets {
    /// The targets of a site: its pages (`library`), the files copied from `content/`
    /// (`assets`) and the Markdown files that could not be read (`unavailable`, whose problem
    /// is reported already).
    pub fn new(
        root: &Path,
        config: &Config,
        library: &Library,
        assets: &[Asset],
        unavailable: &HashSet<String>,
    ) -> LinkTargets {
        let mut by_rel = HashMap::new();
        let mut paths = HashMap::new();
        for p in &library.pages {
            by_rel.insert(p.rel.clone(), (p.key.clone(), p.lang.clone()));
            paths.insert((p.key.clone(), p.lang.clone()), p.path.clone());
        }
        LinkTargets {
            by_rel,
            paths,
            assets: assets.iter().map(|a| a.rel.clone()).collect(),
            unavailable: unavailable.clone(),
            base_path: config.base_path(),
            default_lang: config.default_language.clone(),
            content_dir: root.join(CONTENT_DIR),
        }
    }
}

/// A link found in a page body, to be checked against the finished output.
#[derive(Debug, Clone)]
pub struct LinkRef {
    /// Output path relative to the base path, without fragment (`faq/a/`, `file.pdf`).
    pub path: String,
    pub fragment: Option<String>,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub html: String,
    /// The text without markup, for summaries, search and structured data.
    pub text: String,
    pub links: Vec<LinkRef>,
}

/// What the renderer needs to know about the page being rendered.
pub struct PageRef<'a> {
    pub file: &'a std::path::Path,
    /// content-relative path of the Markdown file
    pub rel: &'a str,
    pub lang: &'a str,
    /// output path of the page itself, for `#anchor` links
    pub path: &'a str,
    pub body: &'a str,
    pub body_line: usize,
    pub source: &'a str,
}

/// The alternative text that marks an image as decorative: the renderer writes `alt=""`.
/// CommonMark has no attribute syntax for images, so the mark lives where editors already
/// look, in the brackets: `![decorativa](fregio.png)`.
pub const DECORATIVE_ALT: &str = "decorativa";

impl<'a> From<&'a Page> for PageRef<'a> {
    fn from(p: &'a Page) -> Self {
        PageRef {
            file: &p.file,
            rel: &p.rel,
            lang: &p.lang,
            path: &p.path,
            body: p.body(),
            body_line: p.body_line,
            source: &p.source,
        }
    }
}

/// Written at the end of a `Table:` caption line: the first column holds row headers.
pub const ROW_HEADERS_MARK: &str = "{righe}";

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
}

pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Heading id the way editors can predict it: the slug of the heading text.
pub fn heading_id(text: &str) -> String {
    let s = slug::slugify(text);
    if s.is_empty() { "sezione".into() } else { s }
}

pub fn render(page: &PageRef<'_>, targets: &LinkTargets) -> (Rendered, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let events: Vec<(Event<'_>, std::ops::Range<usize>)> = Parser::new_ext(page.body, options())
        .into_offset_iter()
        .collect();
    let position = |offset: usize| {
        let (l, c) = line_col(page.body, offset);
        (l + page.body_line - 1, c)
    };

    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut text = String::new();
    let mut links = Vec::new();
    let mut used_ids: HashSet<String> = HashSet::new();
    let mut in_table_head = false;
    // A table whose caption line ends with `{righe}` has its first column as row headers.
    let mut row_headers = false;
    let mut cell_index = 0;
    let mut document_label: Option<String> = None;
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let end = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map(|p| p + i)
                    .unwrap_or(events.len());
                let heading_text: String = events[i + 1..end]
                    .iter()
                    .filter_map(|(e, _)| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let base = id
                    .as_deref()
                    .map(str::to_owned)
                    .unwrap_or_else(|| heading_id(&heading_text));
                let mut unique = base.clone();
                let mut n = 1;
                while !used_ids.insert(unique.clone()) {
                    unique = format!("{base}-{n}");
                    n += 1;
                }
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(unique)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::Start(Tag::Paragraph) => {
                if let Some((caption, next)) = table_caption(&events, i) {
                    let Event::Start(Tag::Table(_)) = &events[next].0 else {
                        unreachable!()
                    };
                    let (caption, marked) = match caption.strip_suffix(ROW_HEADERS_MARK) {
                        Some(c) => (c.trim_end().to_string(), true),
                        None => (caption, false),
                    };
                    row_headers = marked;
                    out.push(Event::Html(CowStr::from(format!(
                        "<table>\n<caption>{}</caption>\n",
                        escape_html(&caption)
                    ))));
                    text.push_str(&caption);
                    text.push(' ');
                    i = next + 1;
                    continue;
                }
                out.push(event.clone());
            }
            Event::Start(Tag::Table(_)) => {
                row_headers = false;
                out.push(Event::Html("<table>\n".into()));
            }
            Event::End(TagEnd::Table) => out.push(Event::Html("</tbody>\n</table>\n".into())),
            Event::Start(Tag::TableHead) => {
                in_table_head = true;
                out.push(Event::Html("<thead>\n<tr>".into()));
            }
            Event::End(TagEnd::TableHead) => {
                in_table_head = false;
                out.push(Event::Html("</tr>\n</thead>\n<tbody>\n".into()));
            }
            Event::Start(Tag::TableRow) => {
                cell_index = 0;
                out.push(Event::Html("<tr>".into()));
            }
            Event::End(TagEnd::TableRow) => out.push(Event::Html("</tr>\n".into())),
            Event::Start(Tag::TableCell) => out.push(Event::Html(
                if in_table_head {
                    "<th scope=\"col\">"
                } else if row_headers && cell_index == 0 {
                    "<th scope=\"row\">"
                } else {
                    "<td>"
                }
                .into(),
            )),
            Event::End(TagEnd::TableCell) => {
                let close = if in_table_head || (row_headers && cell_index == 0) {
                    "</th>"
                } else {
                    "</td>"
                };
                cell_index += 1;
                out.push(Event::Html(close.into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (line, column) = position(range.start);
                let dest = resolve(
                    page, targets, dest_url, line, column, &mut links, &mut diags,
                );
                out.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
                document_label = link_label(&targets.content_dir, page.rel, dest_url);
            }
            Event::End(TagEnd::Link) => {
                // C6: "(PDF, 240 kB)" goes inside the link, so it is part of the link's name.
                if let Some(label) = document_label.take() {
                    text.push_str(&label);
                    out.push(Event::Text(CowStr::from(label)));
                }
                out.push(event.clone());
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let (line, column) = position(range.start);
                let dest = resolve(
                    page, targets, dest_url, line, column, &mut links, &mut diags,
                );
                out.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
                if let Some(end) = decorative_image_end(&events, i) {
                    out.push(Event::End(TagEnd::Image));
                    i = end + 1;
                    continue;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                text.push_str(t);
                out.push(event.clone());
            }
            Event::SoftBreak | Event::HardBreak => {
                text.push(' ');
                out.push(event.clone());
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                text.push(' ');
                out.push(event.clone());
            }
            _ => out.push(event.clone()),
        }
        i += 1;
    }
    let mut html = String::with_capacity(page.body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (Rendered { html, text, links }, diags)
}

/// `![decorativa](x.png)` renders `alt=""` (C1): the index of the image's end event.
fn decorative_image_end(
    events: &[(Event<'_>, std::ops::Range<usize>)],
    start: usize,
) -> Option<usize> {
    match (events.get(start + 1), events.get(start + 2)) {
        (Some((Event::Text(alt), _)), Some((Event::End(TagEnd::Image), _)))
            if alt.as_ref() == DECORATIVE_ALT =>
        {
            Some(start + 2)
        }
        _ => None,
    }
}

/// A paragraph `Table: caption` directly followed by a table gives the table its caption.
fn table_caption(
    events: &[(Event<'_>, std::ops::Range<usize>)],
    start: usize,
) -> Option<(String, usize)> {
    let mut caption = String::new();
    let mut j = start + 1;
    while j < events.len() {
        match &events[j].0 {
            Event::Text(t) => caption.push_str(t),
            Event::SoftBreak => caption.push(' '),
            Event::End(TagEnd::Paragraph) => break,
            _ => return None,
        }
        j += 1;
    }
    let caption = caption.strip_prefix("Table:")?.trim().to_string();
    let next = j + 1;
    match events.get(next) {
        Some((Event::Start(Tag::Table(_)), _)) if !caption.is_empty() => Some((caption, next)),
        _ => None,
    }
}

/// Extensions of the files readers download rather than read in the browser.
const DOCUMENT_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "odt", "xls", "xlsx", "ods", "ppt", "pptx", "odp", "zip", "rtf",
];

/// The lower-case extension of a link to a document, if it is one.
pub fn document_extension(dest: &str) -> Option<String> {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    DOCUMENT_EXTENSIONS.contains(&ext.as_str()).then_some(ext)
}

/// " (PDF, 240 kB)" for a link from the page `from_rel` to a document under `content_dir`;
/// `None` for other links and for files that do not exist (reported elsewhere).
pub fn link_label(content_dir: &Path, from_rel: &str, dest: &str) -> Option<String> {
    let ext = document_extension(dest)?;
    if is_external(dest) {
        return None;
    }
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let rel = join_content_path(from_rel, &percent_decode(path))?;
    let size = std::fs::metadata(content_dir.join(rel)).ok()?.len();
    Some(format!(
        " ({}, {})",
        ext.to_ascii_uppercase(),
        respi_sources::archive::format_size(size)
    ))
}

pub fn is_external(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(colon) => {
            let scheme = &url[..colon];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !url[..colon].contains('/')
        }
        None => false,
    }
}

/// Joins `rel` (relative to the folder of `from`, or to `content/` when it starts with `/`).
pub fn join_content_path(from: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        from.rsplit_once('/')
            .map(|(dir, _)| dir.split('/').collect())
            .unwrap_or_default()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn resolve<'a>(
    page: &PageRef<'_>,
    targets: &LinkTargets,
    dest: &CowStr<'a>,
    line: usize,
    column: usize,
    links: &mut Vec<LinkRef>,
    diags: &mut Vec<Diagnostic>,
) -> CowStr<'a> {
    let url = dest.as_ref();
    if url.is_empty() || is_external(url) {
        return dest.clone();
    }
    let (path_part, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (url, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    if path_part.is_empty() {
        links.push(LinkRef {
            path: page.path.to_string(),
            fragment,
            line,
            column,
        });
        return dest.clone();
    }
    let decoded = percent_decode(path_part);
    let Some(rel) = join_content_path(page.rel, &decoded) else {
        diags.push(
            Diagnostic::error(
                page.file,
                line,
                column,
                format!("il collegamento `{url}` esce dalla cartella content/"),
            )
            .with_help("usare un percorso relativo a un file dentro content/")
            .with_source(page.source),
        );
        return dest.clone();
    };
    let frag_suffix = fragment
        .as_deref()
        .map(|f| format!("#{f}"))
        .unwrap_or_default();
    if rel.ends_with(".md") {
        let Some((key, explicit_lang)) = targets.by_rel.get(&rel) else {
            if targets.unavailable.contains(&rel) {
                return dest.clone();
            }
            diags.push(
                Diagnostic::error(page.file, line, column, format!("collegamento interno a `{decoded}`, che non esiste"))
                    .with_help(format!(
                        "il percorso è relativo al file ({}) o, se inizia con `/`, a content/: correggerlo o creare content/{rel}",
                        page.rel
                    ))
                    .with_source(page.source),
            );
            return dest.clone();
        };
        // A link to the Italian file leads to the reader's language when a translation exists.
        let written_with_lang = rel
            .trim_end_matches(".md")
            .rsplit_once('.')
            .is_some_and(|(_, l)| l == explicit_lang);
        let target_path = if written_with_lang {
            targets.paths.get(&(key.clone(), explicit_lang.clone()))
        } else {
            targets
                .paths
                .get(&(key.clone(), page.lang.to_string()))
                .or_else(|| targets.paths.get(&(key.clone(), explicit_lang.clone())))
        };
        let Some(target_path) = target_path else {
            diags.push(
                Diagnostic::error(page.file, line, column, format!("collegamento a `{decoded}`, che è una bozza o non viene pubblicato"))
                    .with_help("togliere `draft: true` dalla pagina di destinazione o togliere il collegamento")
                    .with_source(page.source),
            );
            return dest.clone();
        };
        links.push(LinkRef {
            path: target_path.clone(),
            fragment,
            line,
            column,
        });
        return CowStr::from(format!(
            "{}{}{}",
            targets.base_path, target_path, frag_suffix
        ));
    }
    if !path_part.starts_with('/') && !targets.assets.contains(&rel) {
        diags.push(
            Diagnostic::error(
                page.file,
                line,
                column,
                format!("collegamento al file `{decoded}`, che non esiste in content/"),
            )
            .with_help(format!(
                "mettere il file in content/{rel} o correggere il percorso"
            ))
            .with_source(page.source),
        );
        return dest.clone();
    }
    let mut out_path = rel;
    if path_part.ends_with('/') && !out_path.is_empty() {
        out_path.push('/');
    }
    links.push(LinkRef {
        path: out_path.clone(),
        fragment,
        line,
        column,
    });
    CowStr::from(format!("{}{}{}", targets.base_path, out_path, frag_suffix))
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn targets() -> LinkTargets {
        let mut by_rel = HashMap::new();
        let mut paths = HashMap::new();
        for (rel, key, lang, path) in [
            ("faq/a.md", "faq/a", "it", "faq/a/"),
            ("faq/a.en.md", "faq/a", "en", "en/faq/a/"),
            ("faq/b.md", "faq/b", "it", "faq/b/"),
        ] {
            by_rel.insert(rel.to_string(), (key.to_string(), lang.to_string()));
            paths.insert((key.to_string(), lang.to_string()), path.to_string());
        }
        LinkTargets {
            by_rel,
            paths,
            assets: ["faq/doc.pdf".to_string()].into_iter().collect(),
            unavailable: HashSet::new(),
            base_path: "/respi/".into(),
            default_lang: "it".into(),
            content_dir: std::path::PathBuf::from("/nonexistent"),
        }
    }

    fn render_body(body: &str, rel: &str, lang: &str) -> (Rendered, Vec<Diagnostic>) {
        let page = PageRef {
            file: Path::new("content/x.md"),
            rel,
            lang,
            path: "faq/x/",
            body,
            body_line: 5,
            source: body,
        };
        render(&page, &targets())
    }

    #[test]
    fn resolves_md_links_to_urls_in_the_readers_language() {
        let (r, d) = render_body("[A](a.md#sez) e [B](/faq/b.md)", "faq/b.en.md", "en");
        assert!(d.is_empty(), "{d:?}");
        assert!(
            r.html.contains("href=\"/respi/en/faq/a/#sez\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"/respi/faq/b/\""), "{}", r.html);
        assert_eq!(r.links[0].fragment.as_deref(), Some("sez"));
    }

    #[test]
    fn broken_link_names_line_and_column() {
        let (_, d) = render_body("Testo\n\nvedi [la pagina](manca.md)", "faq/x.md", "it");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].line, d[0].column), (7, 6));
        assert!(d[0].message.contains("manca.md"));
    }

    #[test]
    fn headings_get_predictable_unique_ids() {
        let (r, _) = render_body(
            "## Quali documenti servono?\n\n## Quali documenti servono?",
            "faq/x.md",
            "it",
        );
        assert!(
            r.html.contains("<h2 id=\"quali-documenti-servono\">"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<h2 id=\"quali-documenti-servono-1\">"),
            "{}",
            r.html
        );
    }

    #[test]
    fn tables_get_caption_and_column_headers() {
        let (r, _) = render_body(
            "Table: Orari\n\n| Giorno | Ore |\n|---|---|\n| lun | 9 |\n",
            "faq/x.md",
            "it",
        );
        assert!(r.html.contains("<caption>Orari</caption>"), "{}", r.html);
        assert!(
            r.html.contains("<th scope=\"col\">Giorno</th>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<td>lun</td>"), "{}", r.html);
        assert!(!r.html.contains("Table:"));
    }

    #[test]
    fn decorative_images_get_empty_alt() {
        let (r, _) = render_body(
            "![decorativa](fregio.png) ![Mappa](m.png)",
            "faq/x.md",
            "it",
        );
        assert!(r.html.contains("alt=\"\""), "{}", r.html);
        assert!(r.html.contains("alt=\"Mappa\""), "{}", r.html);
        assert!(!r.text.contains("decorativa"));
    }

    #[test]
    fn marked_tables_get_row_headers() {
        let (r, _) = render_body(
            "Table: Orari {righe}\n\n| Giorno | Ore |\n|---|---|\n| lunedì | 9–12 |\n| martedì | 14–17 |\n",
            "faq/x.md",
            "it",
        );
        assert!(r.html.contains("<caption>Orari</caption>"), "{}", r.html);
        assert!(
            r.html
                .contains("<tr><th scope=\"row\">lunedì</th><td>9–12</td></tr>"),
            "{}",
            r.html
        );
        assert!(
            r.html.contains("<th scope=\"row\">martedì</th>"),
            "{}",
            r.html
        );
        let (plain, _) = render_body(
            "Table: Orari\n\n| Giorno | Ore |\n|---|---|\n| lunedì | 9–12 |\n",
            "faq/x.md",
            "it",
        );
        assert!(plain.html.contains("<td>lunedì</td>"), "{}", plain.html);
    }

    #[test]
    fn external_links_and_assets() {
        let (r, d) = render_body(
            "[x](https://normattiva.it) [y](doc.pdf) [z](mailto:a@b.it)",
            "faq/x.md",
            "it",
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(r.html.contains("href=\"https://normattiva.it\""));
        assert!(r.html.contains("href=\"/respi/faq/doc.pdf\""));
        let (_, d) = render_body("[y](assente.pdf)", "faq/x.md", "it");
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn label_reads_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("guide")).unwrap();
        std::fs::write(dir.path().join("guide/modulo.pdf"), vec![0u8; 240_000]).unwrap();
        let label = link_label(dir.path(), "guide/pagina.md", "modulo.pdf");
        assert_eq!(label.as_deref(), Some(" (PDF, 240 kB)"));
        assert_eq!(
            link_label(dir.path(), "altro/p.md", "/guide/modulo.pdf#page=2").as_deref(),
            Some(" (PDF, 240 kB)")
        );
        assert_eq!(link_label(dir.path(), "guide/p.md", "assente.pdf"), None);
        assert_eq!(
            link_label(dir.path(), "guide/p.md", "https://x.it/a.pdf"),
            None
        );
        assert_eq!(link_label(dir.path(), "guide/p.md", "pagina.md"), None);
    }
}
