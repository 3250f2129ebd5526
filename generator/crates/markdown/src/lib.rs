//! Markdown to HTML: heading ids, table captions and headers, internal links resolved to URLs.
//!
//! Modules: `conventions` (what editors write), `page` (the page converted), `links` (link
//! targets and document labels), `convert` (the conversion).

mod conventions;
mod convert;
mod links;
mod page;

pub use conventions::{DECORATIVE_ALT, ROW_HEADERS_MARK, heading_id, options};
pub use convert::{Rendered, escape_html, render};
pub use links::{
    LinkRef, LinkTargets, document_extension, is_external, join_content_path, link_label,
    percent_decode,
};
pub use page::PageRef;
