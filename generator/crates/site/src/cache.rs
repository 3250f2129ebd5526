//! What one build leaves for the next: every stage's results, each with a fingerprint of the
//! inputs it was computed from. A later build reuses a result only when the fingerprint of its
//! inputs is unchanged, so an incremental build is the same pipeline as a full one and produces
//! the same bytes; it just skips work.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::last_build::LastBuild;
use crate::site::Stats;
use respi_markdown::Rendered;
use respi_sources::archive::DocumentRead;
use respi_sources::content::SourceEntry;
use respi_sources::diagnostics::Diagnostic;
use respi_sources::fingerprint;

#[cfg(feature = "search")]
pub(crate) type SearchCache = respi_search::SearchCache;
#[cfg(not(feature = "search"))]
#[derive(Default)]
pub(crate) struct SearchCache;

/// A page's Markdown converted, with the key of its inputs (its source, the link targets).
pub(crate) struct MarkdownEntry {
    pub key: u64,
    pub rendered: Arc<Rendered>,
    pub diagnostics: Vec<Diagnostic>,
    /// A fingerprint of what the page's outputs show of it (HTML and text): links to other
    /// pages change it when those pages move or gain a translation, the source staying the same.
    pub print: u64,
}

impl MarkdownEntry {
    pub fn new(key: u64, rendered: Rendered, diagnostics: Vec<Diagnostic>) -> Self {
        let print = fingerprint(&(&rendered.html, &rendered.text));
        MarkdownEntry {
            key,
            rendered: Arc::new(rendered),
            diagnostics,
            print,
        }
    }
}

#[derive(Default)]
pub struct BuildCache {
    /// Whether rendered outputs keep the fingerprint of their context, so that a later build
    /// re-renders only the outputs whose context changed (off for a build that is not followed
    /// by another: fingerprinting costs about as much as rendering).
    pub(crate) fingerprint_contexts: bool,
    /// Key of everything that invalidates the whole cache (site.toml, options).
    pub(crate) config_key: u64,
    pub(crate) sources: HashMap<PathBuf, SourceEntry>,
    /// rel → a page's Markdown converted
    pub(crate) markdown: HashMap<String, MarkdownEntry>,
    pub(crate) lint: HashMap<String, (u64, Vec<Diagnostic>)>,
    pub(crate) documents: HashMap<String, (u64, DocumentRead)>,
    /// output path → the output rendered last
    pub(crate) outputs: HashMap<String, CachedOutput>,
    /// output path → (the output the ids were read from, the `id` attributes in it)
    pub(crate) ids: HashMap<String, (Arc<Vec<u8>>, HashSet<String>)>,
    /// rel → a page's source and its hash: a file that was not read again keeps its shared
    /// source, whose hash is then not computed again.
    pub(crate) source_hashes: HashMap<String, (Arc<str>, u64)>,
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

    /// Drops everything when `key` (configuration and options) differs from the last build's.
    pub(crate) fn begin(&mut self, key: u64) {
        if key != self.config_key {
            *self = BuildCache {
                config_key: key,
                fingerprint_contexts: self.fingerprint_contexts,
                ..BuildCache::default()
            };
        }
        self.stats = Stats::default();
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
