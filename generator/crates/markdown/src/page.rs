//! The page being converted, as the conversion sees it.

use respi_sources::content::Page;

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
