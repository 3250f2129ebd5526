//! What editors write and how it is read: the parser's extensions, heading ids they can
//! predict, the marks for decorative images and for tables with row headers.

use pulldown_cmark::Options;

/// The parser's extensions: tables, footnotes, heading attributes, strikethrough.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
}

/// The alternative text that marks an image as decorative: the renderer writes `alt=""`.
/// CommonMark has no attribute syntax for images, so the mark lives where editors already
/// look, in the brackets: `![decorativa](fregio.png)`.
pub const DECORATIVE_ALT: &str = "decorativa";

/// Written at the end of a `Table:` caption line: the first column holds row headers.
pub const ROW_HEADERS_MARK: &str = "{righe}";

/// Heading id the way editors can predict it: the slug of the heading text.
pub fn heading_id(text: &str) -> String {
    let s = slug::slugify(text);
    if s.is_empty() { "sezione".into() } else { s }
}
