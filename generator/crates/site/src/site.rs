//! What a build is asked for and what it gives: the options, the finished site in memory (output
//! path → content), and what changed since the last build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use respi_sources::config::Config;
use respi_sources::diagnostics::Diagnostics;
use respi_sources::fingerprint;

/// What a build is asked for.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub drafts: bool,
    /// Replaces `base_url` of site.toml.
    pub base_url: Option<String>,
    /// Adds the live-reload script (preview server only).
    pub live_reload: bool,
    /// Builds the browser search index (needs the `search` feature).
    pub search: bool,
}

/// The key of the options a build depends on besides site.toml.
pub(crate) fn options_key(options: &BuildOptions) -> u64 {
    fingerprint(&(
        options.drafts,
        &options.base_url,
        options.live_reload,
        options.search,
    ))
}

/// The content of one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Shared, so that a rebuild can hand over unchanged outputs without copying them.
    Bytes(Arc<Vec<u8>>),
    /// A file copied as is (theme assets, documents).
    File(PathBuf),
}

impl Body {
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Body::Bytes(b) => Ok(b.to_vec()),
            Body::File(p) => std::fs::read(p),
        }
    }
}

/// A finished build, held in memory: output path → content.
pub struct Site {
    pub config: Config,
    pub files: BTreeMap<String, Body>,
    pub diagnostics: Diagnostics,
    pub page_count: usize,
    pub elapsed: Duration,
    /// How much work this build did and how much it reused.
    pub stats: Stats,
}

/// What changed on disk since the build that filled a cache, as a file watcher saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// Not known (the first build, a watcher that lost events): every file is looked at.
    Unknown,
    /// Only these files (or folders) were written, created, removed or renamed.
    Paths(BTreeSet<PathBuf>),
}

/// Counters of one build, to show (and test) how much work a change caused.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Markdown files read and parsed from disk.
    pub files_parsed: usize,
    /// Page bodies converted from Markdown.
    pub markdown_rendered: usize,
    /// Output files rendered with templates.
    pub jobs_rendered: usize,
    /// Output files taken from the previous build.
    pub jobs_reused: usize,
    /// The previous build was patched, not built again: only page bodies changed.
    pub patched: bool,
    /// In a series of builds, batches of pages indexed for search (the others were taken from
    /// the previous build).
    pub search_batches_indexed: usize,
}
