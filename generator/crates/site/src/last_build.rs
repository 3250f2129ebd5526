//! What a successful full build leaves for the next one to patch: its inputs, results and
//! outputs (see module `incremental`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::findings::Findings;
use crate::links::link_output;
use crate::page_stages::InputKeys;
use crate::site::Body;
use respi_markdown::{LinkTargets, Rendered};
use respi_render::Shared;
use respi_sources::archive::DocumentFile;
use respi_sources::config::Config;
use respi_sources::library::{Library, PageId};
use respi_sources::network::Network;
use respi_sources::theme::Theme;

/// What a full build read and made, kept whole for a patch.
pub(crate) struct Kept {
    pub options_key: u64,
    /// The keys the per-page stages ran with, under which a patched page's results are kept.
    pub keys: InputKeys,
    /// The key of the site's front matter, under which a patched page's outputs are kept.
    pub site_key: u64,
    pub job_count: usize,
    pub config: Config,
    pub theme: Theme,
    pub library: Library,
    pub rendered: Vec<Arc<Rendered>>,
    pub document_files: HashMap<PageId, DocumentFile>,
    pub network: Option<Network>,
    pub targets: LinkTargets,
    pub findings: Findings,
    pub shared: Shared,
    /// When the build made the search index.
    pub search: Option<SearchKept>,
}

/// What a successful full build leaves for patching: what it read and made, and its outputs.
pub(crate) struct LastBuild {
    pub kept: Kept,
    /// output path → the pages with a link to an anchor in it
    pub anchor_links: HashMap<String, BTreeSet<PageId>>,
    /// The outputs of the last build, and a copy of them made in the background, which the
    /// next patch updates and hands over: on a large site, copying every path is most of a
    /// patch's work.
    pub files: Arc<Files>,
    pub spare: Option<Spare>,
}

impl LastBuild {
    pub fn new(kept: Kept, files: &Files) -> LastBuild {
        let shared = Arc::new(files.clone());
        LastBuild {
            anchor_links: anchor_links(&kept.rendered, files),
            spare: Spare::copy(&shared),
            files: shared,
            kept,
        }
    }
}

/// What a patch needs to make the search index again: only the batches of the edited pages are
/// indexed again (their cache is the build cache's), then all of them are merged.
pub(crate) struct SearchKept {
    /// The searchable pages in the order the full build indexed them: URL, output path.
    pub searchable: Vec<(String, String)>,
    /// The index's files among the outputs.
    pub index: BTreeSet<String>,
}

/// Output path → content.
pub(crate) type Files = BTreeMap<String, Body>;

/// A copy of the outputs for the next patch.
pub(crate) enum Spare {
    Ready(Files),
    /// Being made on another thread.
    Copying(std::thread::JoinHandle<Files>),
}

impl Spare {
    /// Starts copying `files`.
    pub(crate) fn copy(files: &Arc<Files>) -> Option<Spare> {
        let files = files.clone();
        std::thread::Builder::new()
            .name("respi-spare".into())
            .spawn(move || (*files).clone())
            .ok()
            .map(Spare::Copying)
    }

    pub(crate) fn take(self) -> Option<Files> {
        match self {
            Spare::Ready(files) => Some(files),
            Spare::Copying(handle) => handle.join().ok(),
        }
    }
}

/// The outputs a page's anchor links lead to.
pub(crate) fn anchor_targets(rendered: &Rendered, files: &Files) -> Vec<String> {
    rendered
        .links
        .iter()
        .filter(|l| l.fragment.is_some())
        .filter_map(|l| link_output(l, files).map(|(path, _)| path.clone()))
        .collect()
}

/// For every output, the pages that link to an anchor in it.
pub(crate) fn anchor_links(
    rendered: &[Arc<Rendered>],
    files: &Files,
) -> HashMap<String, BTreeSet<PageId>> {
    let mut index: HashMap<String, BTreeSet<PageId>> = HashMap::new();
    for (id, r) in rendered.iter().enumerate() {
        for path in anchor_targets(r, files) {
            index.entry(path).or_default().insert(id);
        }
    }
    index
}
