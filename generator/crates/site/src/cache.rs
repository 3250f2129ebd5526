//! What one build leaves for the next: every stage's results, each with a fingerprint of the
//! inputs it was computed from. A later build reuses a result only when the fingerprint of its
//! inputs is unchanged, so an incremental build is the same pipeline as a full one and produces
//! the same bytes; it just skips work.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::last_build::LastBuild;
use crate::page_stages::PageCaches;
use crate::site::{BuildOptions, Stats, options_key};
use respi_sources::config::CONFIG_FILE;
use respi_sources::content::SourceEntry;
use respi_sources::fingerprint;

#[cfg(feature = "search")]
pub(crate) type SearchCache = respi_search::SearchCache;
#[cfg(not(feature = "search"))]
#[derive(Default)]
pub(crate) struct SearchCache;

/// The results of the builds of one site, for the next build to reuse.
#[derive(Default)]
pub struct BuildCache {
    /// Whether rendered outputs keep the fingerprint of their context, so that a later build
    /// re-renders only the outputs whose context changed (off for a build that is not followed
    /// by another: fingerprinting costs about as much as rendering).
    pub(crate) fingerprint_contexts: bool,
    /// Key of everything that invalidates the whole cache (site.toml, options).
    pub(crate) config_key: u64,
    /// Each Markdown file as read last time.
    pub(crate) sources: HashMap<PathBuf, SourceEntry>,
    /// The results of the stages that run on each page.
    pub(crate) pages: PageCaches,
    /// output path → the output rendered last
    pub(crate) outputs: HashMap<String, CachedOutput>,
    /// output path → (the output the ids were read from, the `id` attributes in it)
    pub(crate) ids: HashMap<String, (Arc<Vec<u8>>, HashSet<String>)>,
    /// The search index's batches of the last build.
    pub(crate) search: SearchCache,
    /// The last full build, kept whole so that an edit to page bodies can patch it.
    pub(crate) last: Option<Box<LastBuild>>,
    pub stats: Stats,
}

impl BuildCache {
    /// A cache for a series of builds (the preview server): outputs keep their fingerprints.
    pub fn new() -> Self {
        BuildCache {
            fingerprint_contexts: true,
            ..Self::default()
        }
    }

    /// A cache for one build that no other follows.
    pub fn one_shot() -> Self {
        Self::default()
    }

    /// Starts a full build of the site under `root`: drops every result when site.toml or the
    /// options differ from the last build's. The last build is dropped too; this one takes its
    /// place when it succeeds.
    pub(crate) fn begin(&mut self, root: &Path, options: &BuildOptions) {
        let config = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
        let key = fingerprint(&(&config, options_key(options)));
        if key != self.config_key {
            *self = BuildCache {
                config_key: key,
                fingerprint_contexts: self.fingerprint_contexts,
                ..BuildCache::default()
            };
        }
        self.stats = Stats::default();
        self.last = None;
    }
}

/// One rendered output and what it was rendered from.
pub(crate) struct CachedOutput {
    /// A fingerprint of the job's inputs: the page's source, every page's front matter, the
    /// theme, the configuration. While it is the same, the output is reused without a look.
    pub key: u64,
    /// A fingerprint of the job's template context ([`respi_render::Renderer::fingerprint`]):
    /// when the key changed but this did not, the output is still reused.
    pub print: Option<u64>,
    pub bytes: Arc<Vec<u8>>,
}
