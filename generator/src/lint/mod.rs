//! Content accessibility rules C1–C15 (see ACCESSIBILITY.md), checked on each page's Markdown and front matter.
//!
//! [`Linter::check`] parses a page body once and hands the events to one small module per
//! rule. Every diagnostic names the rule, the place and how to fix it, in Italian, because the
//! people who fix them are the portal's editors. The conventions editors must know (decorative
//! images, captions of tables, `lang` spans, `audience`) are described in `README.md` beside
//! this file.

pub(crate) mod documents;
mod front_matter;
mod headings;
mod html;
mod images;
mod language;
mod links;
mod lists;
mod media;
mod pdf;
mod raw_html;
mod readability;
mod sensory;
mod tables;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use crate::content::{CONTENT_DIR, Page};
use crate::diagnostics::{Diagnostic, Severity, line_col};
use crate::markdown;

pub use documents::link_label;
pub use images::DECORATIVE_ALT;

/// Checks pages against the content rules; shared by all pages of a build so that a PDF linked
/// from many pages is read once.
pub struct Linter {
    content_dir: PathBuf,
    pdfs: Mutex<HashMap<PathBuf, Arc<Result<pdf::PdfInfo, String>>>>,
}

impl Linter {
    /// A linter for the site whose `content/` folder is under `root`.
    pub fn new(root: &Path) -> Linter {
        Linter {
            content_dir: root.join(CONTENT_DIR),
            pdfs: Mutex::new(HashMap::new()),
        }
    }

    /// Every rule's diagnostics for one page.
    pub fn check(&self, page: &Page) -> Vec<Diagnostic> {
        let ctx = PageContext::new(self, page);
        let mut out = Vec::new();
        front_matter::check(&ctx, &mut out);
        images::check(&ctx, &mut out);
        headings::check(&ctx, &mut out);
        links::check(&ctx, &mut out);
        documents::check(&ctx, &mut out);
        pdf::check(&ctx, &mut out);
        tables::check(&ctx, &mut out);
        language::check(&ctx, &mut out);
        lists::check(&ctx, &mut out);
        raw_html::check(&ctx, &mut out);
        media::check(&ctx, &mut out);
        sensory::check(&ctx, &mut out);
        readability::check(&ctx, &mut out);
        if page.fm.draft {
            // A draft is not published: its problems must not stop the preview of the rest of
            // the site, but the editor sees them while writing.
            for d in &mut out {
                if d.is_error() {
                    d.severity = Severity::Warning;
                    d.message
                        .push_str(" (bozza: sarà un errore quando la pagina verrà pubblicata)");
                }
            }
        }
        out
    }

    /// What a linked PDF says about its own accessibility, read once per build.
    fn pdf(&self, path: &Path) -> Arc<Result<pdf::PdfInfo, String>> {
        if let Some(info) = self.pdfs.lock().expect("pdf cache").get(path) {
            return info.clone();
        }
        // Read outside the lock: parsing a large PDF must not block the other pages.
        let info = Arc::new(pdf::PdfInfo::read(path));
        self.pdfs
            .lock()
            .expect("pdf cache")
            .insert(path.to_path_buf(), info.clone());
        info
    }
}

/// A link (or autolink) written in the body.
pub(crate) struct Link {
    pub dest: String,
    pub title: String,
    /// The visible text, images' alternative text included.
    pub text: String,
    pub has_image: bool,
    pub autolink: bool,
    /// Byte offset in the body.
    pub offset: usize,
}

/// One page as the rules see it: the parsed body and helpers to place diagnostics.
pub(crate) struct PageContext<'a> {
    pub page: &'a Page,
    pub linter: &'a Linter,
    pub events: Vec<(Event<'a>, Range<usize>)>,
    pub links: Vec<Link>,
}

impl<'a> PageContext<'a> {
    fn new(linter: &'a Linter, page: &'a Page) -> PageContext<'a> {
        let events: Vec<_> = Parser::new_ext(page.body(), markdown::options())
            .into_offset_iter()
            .collect();
        let links = collect_links(&events);
        PageContext {
            page,
            linter,
            events,
            links,
        }
    }

    pub fn body(&self) -> &'a str {
        self.page.body()
    }

    /// Line and column in the file of a byte offset in the body.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let (l, c) = line_col(self.body(), offset);
        (l + self.page.body_line - 1, c)
    }

    pub fn error(
        &self,
        rule: &'static str,
        offset: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = self.position(offset);
        self.error_at(rule, line, column, message)
    }

    pub fn warning(
        &self,
        rule: &'static str,
        offset: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = self.position(offset);
        Diagnostic::warning(&self.page.file, line, column, message)
            .with_rule(rule)
            .with_source(&self.page.source)
    }

    /// An error at a line and column of the file (front matter problems).
    pub fn error_at(
        &self,
        rule: &'static str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(&self.page.file, line, column, message)
            .with_rule(rule)
            .with_source(&self.page.source)
    }

    /// Line of a top-level front-matter key, or the opening `---` when the key is absent.
    pub fn key_line(&self, key: &str) -> usize {
        crate::frontmatter::key_position(&self.page.source[..self.page.body_offset], key)
            .map(|(l, _)| l)
            .unwrap_or(1)
    }

    /// The content-relative path an internal link points to, or `None` for external links.
    pub fn content_path(&self, dest: &str) -> Option<String> {
        if dest.is_empty() || markdown::is_external(dest) {
            return None;
        }
        let path = dest.split(['#', '?']).next().unwrap_or("");
        if path.is_empty() {
            return None;
        }
        markdown::join_content_path(&self.page.rel, &markdown::percent_decode(path))
    }

    /// The file on disk a content-relative path names.
    pub fn content_file(&self, rel: &str) -> PathBuf {
        self.linter.content_dir.join(rel)
    }

    /// The ids the renderer gives the body's headings, for `#anchor` references.
    pub fn heading_ids(&self) -> HashSet<String> {
        let mut ids = HashSet::new();
        for (i, (event, _)) in self.events.iter().enumerate() {
            if let Event::Start(Tag::Heading { id, .. }) = event {
                let base = id
                    .as_deref()
                    .map(str::to_owned)
                    .unwrap_or_else(|| markdown::heading_id(&text_until_end(&self.events, i)));
                let mut unique = base.clone();
                let mut n = 1;
                while !ids.insert(unique.clone()) {
                    unique = format!("{base}-{n}");
                    n += 1;
                }
            }
        }
        ids
    }
}

/// The text (and code) inside the element that starts at `start`.
pub(crate) fn text_until_end(events: &[(Event<'_>, Range<usize>)], start: usize) -> String {
    let mut depth = 0usize;
    let mut text = String::new();
    for (event, _) in &events[start..] {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

fn collect_links(events: &[(Event<'_>, Range<usize>)]) -> Vec<Link> {
    let mut links = Vec::new();
    let mut current: Option<Link> = None;
    for (event, range) in events {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                current = Some(Link {
                    dest: dest_url.to_string(),
                    title: title.to_string(),
                    text: String::new(),
                    has_image: false,
                    autolink: matches!(link_type, LinkType::Autolink),
                    offset: range.start,
                });
            }
            Event::End(TagEnd::Link) => links.extend(current.take()),
            Event::Start(Tag::Image { .. }) => {
                if let Some(l) = current.as_mut() {
                    l.has_image = true;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(l) = current.as_mut() {
                    l.text.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(l) = current.as_mut() {
                    l.text.push(' ');
                }
            }
            _ => {}
        }
    }
    links
}

/// Lower-case letters and digits only, single-spaced: how link texts and alt texts compare.
pub(crate) fn normalize(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `phrase` occurs in `text` as whole words; returns its byte offset.
pub(crate) fn find_phrase(text: &str, phrase: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(phrase) {
        let start = from + i;
        let end = start + phrase.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return Some(start);
        }
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

#[cfg(test)]
pub(crate) mod testing {
    //! Pages built in memory for the rules' unit tests.

    use std::path::{Path, PathBuf};

    use crate::content::Page;
    use crate::diagnostics::Diagnostic;
    use crate::frontmatter;

    use super::Linter;

    pub const FRONT: &str =
        "---\ntitle: \"Prova\"\ndescription: \"Una pagina\"\nupdated: 2026-10-01\n---\n";

    pub fn page(source: &str, rel: &str, lang: &str) -> Page {
        let split = frontmatter::split(source).expect("front matter");
        let fm = frontmatter::parse(Path::new(rel), source, &split).expect("valid front matter");
        Page {
            file: PathBuf::from("content").join(rel),
            rel: rel.into(),
            key: rel.trim_end_matches(".md").into(),
            lang: lang.into(),
            is_section: false,
            parent: String::new(),
            dir: String::new(),
            path: String::new(),
            title: fm.title.clone().unwrap_or_default(),
            body_line: split.body_line,
            body_offset: source.len() - split.body.len(),
            fm,
            source: source.into(),
        }
    }

    /// Diagnostics of `rule` for a page whose body is `body` under the standard front matter.
    pub fn lint_body(rule: &str, body: &str, lang: &str) -> Vec<Diagnostic> {
        lint_source(
            rule,
            &format!("{FRONT}{body}"),
            lang,
            Path::new("/nonexistent"),
        )
    }

    pub fn lint_source(rule: &str, source: &str, lang: &str, root: &Path) -> Vec<Diagnostic> {
        let rel = if lang == "it" {
            "pagina.md".to_string()
        } else {
            format!("pagina.{lang}.md")
        };
        Linter::new(root)
            .check(&page(source, &rel, lang))
            .into_iter()
            .filter(|d| d.rule == Some(rule))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_match_whole_words_only() {
        assert_eq!(find_phrase("vai a destra.", "a destra"), Some(4));
        assert_eq!(find_phrase("la destra", "destra"), Some(3));
        assert_eq!(find_phrase("ambidestra", "destra"), None);
    }

    #[test]
    fn normalize_drops_punctuation_and_case() {
        assert_eq!(normalize("  Clicca QUI! "), "clicca qui");
        assert_eq!(normalize("Leggi tutto…"), "leggi tutto");
    }

    #[test]
    fn errors_on_drafts_are_warnings() {
        let source = "---\ntitle: \"Bozza\"\ndescription: \"\"\ndraft: true\n---\n![](x.png)\n";
        let d = Linter::new(Path::new("/x")).check(&testing::page(source, "b.md", "it"));
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d.iter().all(|d| !d.is_error()));
        assert!(d[0].message.ends_with("quando la pagina verrà pubblicata)"));
    }

    #[test]
    fn diagnostics_point_into_the_file() {
        let d = testing::lint_body("C4", "Testo.\n\n# Titolo\n", "it");
        assert_eq!((d[0].line, d[0].column), (8, 1), "{}", d[0]);
        assert!(d[0].to_string().contains("[C4]"));
    }
}
