//! The ReSPI portal generator: Markdown and YAML front matter in, an accessible static portal out.
//!
//! The pipeline runs forward only: [`config`] → [`content`] → [`library`] → [`markdown`] →
//! [`render`] → [`seo`] → [`output`], orchestrated by [`build`].

pub mod build;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostics;
pub mod frontmatter;
pub mod library;
pub mod markdown;
pub mod new_page;
pub mod output;
pub mod render;
pub mod seo;
#[cfg(feature = "serve")]
pub mod serve;
pub mod theme;

pub use build::{BuildOptions, Site, build};
pub use diagnostics::{Diagnostic, Diagnostics};
