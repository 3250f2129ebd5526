//! The ReSPI portal generator: Markdown and YAML front matter in, an accessible static portal out.
//!
//! This crate is the `respi` program and a facade over the generator's crates, which run one
//! way, each using only those before it:
//! [`sources`](respi_sources) → [`markdown`] → [`lint`] → [`render`] → [`search`] →
//! [`site`](respi_site), which names the stages of a build and runs them.

pub use respi_lint as lint;
pub use respi_markdown as markdown;
pub use respi_render as render;
#[cfg(feature = "search")]
pub use respi_search as search;
pub use respi_site::{
    Body, BuildCache, BuildOptions, Changes, Site, Stats, WriteError, Written, build, build_to_dir,
    build_with_cache, output, rebuild,
};
pub use respi_sources::diagnostics::{Diagnostic, Diagnostics};
pub use respi_sources::{
    archive, config, content, diagnostics, frontmatter, library, network, theme,
};
