//! The ReSPI portal generator: Markdown and YAML front matter in, an accessible static portal out.
//!
//! The pipeline runs forward only: [`config`] → [`content`] → [`library`] → [`markdown`] →
//! [`render`] → [`seo`] → [`output`], orchestrated by [`build`].

pub mod build;
pub mod cache;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostics;
pub mod directory;
pub mod documents;
pub mod frontmatter;
mod incremental;
pub mod library;
pub mod lint;
pub mod markdown;
pub mod network;
pub mod new_page;
pub mod output;
pub mod render;
#[cfg(feature = "search")]
pub mod search;
pub mod seo;
#[cfg(feature = "serve")]
pub mod serve;
pub mod theme;

pub use build::{BuildOptions, Site, build};
pub use diagnostics::{Diagnostic, Diagnostics};
