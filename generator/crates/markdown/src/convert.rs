//! The conversion of a page's Markdown to HTML: headings get ids editors can predict, tables a
//! caption and headers with their scope, links the URLs of their targets (and documents their
//! format and size), decorative images an empty `alt`; the text without markup is kept for
//! summaries, search and structured data.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

use crate::conventions::{DECORATIVE_ALT, ROW_HEADERS_MARK, heading_id, options};
use crate::links::{LinkRef, LinkTargets, link_label, resolve};
use crate::page::PageRef;
use respi_sources::diagnostics::{Diagnostic, line_col};

#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub html: String,
    /// The text without markup, for summaries, search and structured data.
    pub text: String,
    pub links: Vec<LinkRef>,
}

/// Escapes text for HTML (and XML): `& < > " '`.
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

/// A parsed event with its byte range in the body.
type Located<'b> = (Event<'b>, Range<usize>);

/// Converts a page's body.
pub fn render(page: &PageRef<'_>, targets: &LinkTargets) -> (Rendered, Vec<Diagnostic>) {
    let events: Vec<Located<'_>> = Parser::new_ext(page.body, options())
        .into_offset_iter()
        .collect();
    let mut c = Conversion {
        page,
        targets,
        events: &events,
        out: Vec::with_capacity(events.len()),
        text: String::new(),
        links: Vec::new(),
        diags: Vec::new(),
        used_ids: HashSet::new(),
        table: Table::default(),
        document_label: None,
    };
    let mut i = 0;
    while i < events.len() {
        i = c.convert(i);
    }
    let mut html = String::with_capacity(page.body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, c.out.into_iter());
    let text = c.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let rendered = Rendered {
        html,
        text,
        links: c.links,
    };
    (rendered, c.diags)
}

/// The state of a table being converted.
#[derive(Default)]
struct Table {
    in_head: bool,
    /// A table whose caption line ends with `{righe}` has its first column as row headers.
    row_headers: bool,
    cell_index: usize,
}

/// A page's body being converted, event by event.
struct Conversion<'c, 'b> {
    page: &'c PageRef<'c>,
    targets: &'c LinkTargets,
    events: &'c [Located<'b>],
    out: Vec<Event<'b>>,
    /// The text without markup.
    text: String,
    links: Vec<LinkRef>,
    diags: Vec<Diagnostic>,
    used_ids: HashSet<String>,
    table: Table,
    /// "(PDF, 240 kB)" for the link being converted, when it leads to a document.
    document_label: Option<String>,
}

impl<'b> Conversion<'_, 'b> {
    /// Converts the event at `i`; returns the index of the next one.
    fn convert(&mut self, i: usize) -> usize {
        let (event, range) = &self.events[i];
        match event {
            Event::Start(Tag::Heading { .. }) => self.heading(i),
            Event::Start(Tag::Paragraph) => {
                if let Some(next) = self.captioned_table(i) {
                    return next;
                }
                self.out.push(event.clone());
            }
            Event::Start(Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell)
            | Event::End(
                TagEnd::Table | TagEnd::TableHead | TagEnd::TableRow | TagEnd::TableCell,
            ) => self.table_event(event),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = self.resolve(dest_url, range.start);
                self.out.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
                let (content_dir, rel) = (&self.targets.content_dir, self.page.rel);
                self.document_label = link_label(content_dir, rel, dest_url);
            }
            Event::End(TagEnd::Link) => {
                // C6: "(PDF, 240 kB)" goes inside the link, so it is part of the link's name.
                if let Some(label) = self.document_label.take() {
                    self.text.push_str(&label);
                    self.out.push(Event::Text(CowStr::from(label)));
                }
                self.out.push(event.clone());
            }
            Event::Start(Tag::Image { .. }) => return self.image(i),
            Event::Text(t) | Event::Code(t) => {
                self.text.push_str(t);
                self.out.push(event.clone());
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                self.text.push(' ');
                self.out.push(event.clone());
            }
            _ => self.out.push(event.clone()),
        }
        i + 1
    }

    /// A heading gets the id written for it, or its text as a slug; made unique in the page.
    fn heading(&mut self, i: usize) {
        let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = &self.events[i].0
        else {
            unreachable!("called on a heading")
        };
        let end = self.events[i..]
            .iter()
            .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
            .map(|p| p + i)
            .unwrap_or(self.events.len());
        let heading_text: String = self.events[i + 1..end]
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
        while !self.used_ids.insert(unique.clone()) {
            unique = format!("{base}-{n}");
            n += 1;
        }
        self.out.push(Event::Start(Tag::Heading {
            level: *level,
            id: Some(CowStr::from(unique)),
            classes: classes.clone(),
            attrs: attrs.clone(),
        }));
    }

    /// A paragraph `Table: caption` before a table becomes the table's caption: the index of
    /// the event after the table's start, or `None` for any other paragraph.
    fn captioned_table(&mut self, i: usize) -> Option<usize> {
        let (caption, next) = table_caption(self.events, i)?;
        let (caption, marked) = match caption.strip_suffix(ROW_HEADERS_MARK) {
            Some(c) => (c.trim_end().to_string(), true),
            None => (caption, false),
        };
        self.table.row_headers = marked;
        self.out.push(Event::Html(CowStr::from(format!(
            "<table>\n<caption>{}</caption>\n",
            escape_html(&caption)
        ))));
        self.text.push_str(&caption);
        self.text.push(' ');
        Some(next + 1)
    }

    /// Tables are written here, so that header cells get their scope.
    fn table_event(&mut self, event: &Event<'b>) {
        let table = &mut self.table;
        let html = match event {
            Event::Start(Tag::Table(_)) => {
                table.row_headers = false;
                "<table>\n"
            }
            Event::End(TagEnd::Table) => "</tbody>\n</table>\n",
            Event::Start(Tag::TableHead) => {
                table.in_head = true;
                "<thead>\n<tr>"
            }
            Event::End(TagEnd::TableHead) => {
                table.in_head = false;
                "</tr>\n</thead>\n<tbody>\n"
            }
            Event::Start(Tag::TableRow) => {
                table.cell_index = 0;
                "<tr>"
            }
            Event::End(TagEnd::TableRow) => "</tr>\n",
            Event::Start(Tag::TableCell) if table.in_head => "<th scope=\"col\">",
            Event::Start(Tag::TableCell) if table.row_headers && table.cell_index == 0 => {
                "<th scope=\"row\">"
            }
            Event::Start(Tag::TableCell) => "<td>",
            Event::End(TagEnd::TableCell) => {
                let header = table.in_head || (table.row_headers && table.cell_index == 0);
                table.cell_index += 1;
                if header { "</th>" } else { "</td>" }
            }
            _ => unreachable!("called on table events"),
        };
        self.out.push(Event::Html(html.into()));
    }

    /// An image gets the URL of its file; a decorative one an empty `alt`. Returns the index of
    /// the next event.
    fn image(&mut self, i: usize) -> usize {
        let (
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }),
            range,
        ) = &self.events[i]
        else {
            unreachable!("called on an image")
        };
        let dest = self.resolve(dest_url, range.start);
        self.out.push(Event::Start(Tag::Image {
            link_type: *link_type,
            dest_url: dest,
            title: title.clone(),
            id: id.clone(),
        }));
        match decorative_image_end(self.events, i) {
            Some(end) => {
                self.out.push(Event::End(TagEnd::Image));
                end + 1
            }
            None => i + 1,
        }
    }

    /// The URL a link or image written at byte `offset` of the body leads to.
    fn resolve(&mut self, dest: &CowStr<'b>, offset: usize) -> CowStr<'b> {
        let (line, column) = line_col(self.page.body, offset);
        let at = (line + self.page.body_line - 1, column);
        resolve(
            self.page,
            self.targets,
            dest,
            at,
            &mut self.links,
            &mut self.diags,
        )
    }
}

/// `![decorativa](x.png)` renders `alt=""` (C1): the index of the image's end event.
fn decorative_image_end(events: &[Located<'_>], start: usize) -> Option<usize> {
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
fn table_caption(events: &[Located<'_>], start: usize) -> Option<(String, usize)> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
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
}
