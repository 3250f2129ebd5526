//! A page as the rules see it: its body parsed once, its links, and helpers to place
//! diagnostics and to find the files it links to.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use crate::pdf_info::PdfInfo;
use respi_markdown as markdown;
use respi_sources::content::Page;
use respi_sources::diagnostics::{Diagnostic, line_col};

/// What linked PDFs say about their own accessibility, each read once per build: a PDF linked
/// from many pages is read once.
#[derive(Default)]
pub(crate) struct PdfCache(Mutex<HashMap<PathBuf, Arc<Result<PdfInfo, String>>>>);

impl PdfCache {
    /// The PDF at `path`, read the first time it is asked for.
    pub fn get(&self, path: &Path) -> Arc<Result<PdfInfo, String>> {
        if let Some(info) = self.0.lock().expect("pdf cache").get(path) {
            return info.clone();
        }
        // Read outside the lock: parsing a large PDF must not block the other pages.
        let info = Arc::new(PdfInfo::read(path));
        self.0
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
    /// `content/` on disk.
    pub content_dir: &'a Path,
    pub pdfs: &'a PdfCache,
    pub events: Vec<(Event<'a>, Range<usize>)>,
    pub links: Vec<Link>,
}

impl<'a> PageContext<'a> {
    pub fn new(page: &'a Page, content_dir: &'a Path, pdfs: &'a PdfCache) -> PageContext<'a> {
        let events: Vec<_> = Parser::new_ext(page.body(), markdown::options())
            .into_offset_iter()
            .collect();
        let links = collect_links(&events);
        PageContext {
            page,
            content_dir,
            pdfs,
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
        respi_sources::frontmatter::key_position(&self.page.source[..self.page.body_offset], key)
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
        self.content_dir.join(rel)
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
