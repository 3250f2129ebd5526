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
mod findings;
pub mod fingerprint;
pub mod frontmatter;
mod incremental;
mod indexing;
mod last_build;
pub mod library;
mod links;
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
pub mod site;
pub mod theme;
mod timings;

pub use build::{WriteError, Written, build, build_to_dir, build_with_cache};
pub use cache::BuildCache;
pub use diagnostics::{Diagnostic, Diagnostics};
pub use incremental::rebuild;
pub use site::{Body, BuildOptions, Changes, Site, Stats};
