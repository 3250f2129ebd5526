//! A full build: its stages, in order, each taking what the stages before it made.
//!
//! load (site.toml, theme, `content/`, the library) → the per-page stages (Markdown, content
//! rules, documents) → jobs and their keys → render → search index → generated and copied files
//! → link check. Every stage reuses from the [`BuildCache`] what it made in the last build from
//! the same inputs, so a rebuild is the same pipeline as a clean build and gives the same bytes.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Instant;

use crate::cache::BuildCache;
use crate::extras;
use crate::findings::Findings;
use crate::indexing::SearchInput;
use crate::job_keys::JobKeys;
use crate::jobs;
use crate::last_build::{Kept, LastBuild, SearchKept};
use crate::links;
use crate::load::{self, Sources};
use crate::page_stages::{InputKeys, PageInputs, PageResults};
use crate::render::{self, Outputs};
use crate::site::{Body, BuildOptions, Site, options_key};
use crate::timings::Timings;
use respi_markdown::LinkTargets;
use respi_render::{Renderer, Shared};
use respi_sources::content::Page;
use respi_sources::diagnostics::Diagnostics;
use respi_sources::network::Network;

/// Builds the whole site under `root` in memory. Errors of every stage reachable are reported together.
pub fn build(root: &Path, options: &BuildOptions) -> Result<Site, Diagnostics> {
    build_with_cache(root, options, &mut BuildCache::one_shot())
}

/// Builds like [`build`], reusing from `cache` every result whose inputs did not change since
/// the build that filled it, and leaving this build's results in it.
pub fn build_with_cache(
    root: &Path,
    options: &BuildOptions,
    cache: &mut BuildCache,
) -> Result<Site, Diagnostics> {
    run(root, options, cache, Indexing::Now).map(|(site, _)| site)
}

/// When a build that asks for the search index makes it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Indexing {
    /// Within the build: the index files join the site's files.
    Now,
    /// After the build: its input is handed back to the caller.
    Later,
}

/// Runs the stages of a build.
pub(crate) fn run(
    root: &Path,
    options: &BuildOptions,
    cache: &mut BuildCache,
    indexing: Indexing,
) -> Result<(Site, Option<SearchInput>), Diagnostics> {
    let started = Instant::now();
    let mut timings = Timings::new();
    cache.begin(root, options);
    let stats = &mut cache.stats;
    let mut sources = load::sources(root, options, &mut cache.sources, &mut stats.files_parsed)?;
    timings.lap("load");
    let mut pages = PerPage::run(root, &sources, cache, &mut timings);
    let mut findings = pages
        .results
        .findings(std::mem::take(&mut sources.diagnostics));
    let network = load::network(root, &sources.config, &mut findings.site);
    let renderer = Renderer::new(
        &sources.config,
        &sources.library,
        &pages.results.rendered,
        &sources.theme,
        &pages.results.document_files,
        network.as_ref(),
        options.live_reload,
    );
    let mut outputs = Rendering {
        options,
        indexing,
        timings: &mut timings,
    }
    .run(renderer, &sources, &pages, cache, &mut findings);
    let mut files = std::mem::take(&mut outputs.files);
    let live_reload = options.live_reload;
    extras::add_copied(&sources.assets, &sources.theme, live_reload, &mut files);
    timings.lap("extra files");
    let library = &sources.library;
    let rendered = &pages.results.rendered;
    findings.links = links::check_all(library, rendered, &files, &mut cache.ids);
    timings.lap("links");

    let diagnostics = findings.collect();
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let site = Site {
        config: sources.config.clone(),
        files,
        diagnostics,
        page_count: library.pages.len(),
        stats: cache.stats,
        elapsed: started.elapsed(),
    };
    // Kept for a series of builds (the preview), which an edit to page bodies patches.
    if cache.fingerprint_contexts {
        let search_input = outputs.search_input.take();
        let kept = keep(options, sources, pages, outputs, network, findings);
        cache.last = Some(Box::new(LastBuild::new(kept, &site.files)));
        return Ok((site, search_input));
    }
    Ok((site, outputs.search_input))
}

/// What a build keeps of itself for a patch.
fn keep(
    options: &BuildOptions,
    sources: Sources,
    pages: PerPage,
    outputs: Rendered,
    network: Option<Network>,
    findings: Findings,
) -> Kept {
    Kept {
        options_key: options_key(options),
        keys: pages.keys,
        site_key: outputs.site_key,
        job_count: outputs.job_count,
        config: sources.config,
        theme: sources.theme,
        library: sources.library,
        rendered: pages.results.rendered,
        document_files: pages.results.document_files,
        network,
        targets: pages.targets,
        findings,
        shared: outputs.shared,
        search: outputs.search_kept,
    }
}

/// The stages that read the renderer: the jobs and their keys, rendering, the search index,
/// the files made from the whole site.
struct Rendering<'o, 't> {
    options: &'o BuildOptions,
    indexing: Indexing,
    timings: &'t mut Timings,
}

/// What the stages that read the renderer made.
struct Rendered {
    files: BTreeMap<String, Body>,
    shared: Shared,
    site_key: u64,
    job_count: usize,
    /// The search index's input, when it is made after the build.
    search_input: Option<SearchInput>,
    /// What a patch needs to make the search index again, when the build made it.
    search_kept: Option<SearchKept>,
}

impl Rendering<'_, '_> {
    fn run(
        self,
        renderer: Renderer<'_>,
        sources: &Sources,
        pages: &PerPage,
        cache: &mut BuildCache,
        findings: &mut Findings,
    ) -> Rendered {
        let mut diags = Diagnostics::default();
        let jobs = jobs::plan(&renderer, &sources.without_template, &mut diags);
        let (hashes, prints) = (&pages.hashes, &pages.results.prints);
        let keys = JobKeys::new(
            &renderer,
            cache.config_key,
            pages.keys.assets,
            hashes,
            prints,
        );
        let (site_key, keys_of_jobs) = (keys.site, keys.of_jobs(&jobs));
        self.timings.lap("jobs");
        let search = self.options.search;
        let outputs = render::render(&renderer, &jobs, keys_of_jobs, cache, search, &mut diags);
        let Outputs {
            mut files,
            searchable,
        } = outputs;
        findings.site.extend(diags.0);
        self.timings.lap("render");
        let mut search_input = None;
        let mut search_kept = None;
        if search && !findings.has_errors() {
            let input = SearchInput::new(&renderer, &pages.results.document_files, searchable);
            match self.indexing {
                Indexing::Now => {
                    let mut diags = Diagnostics::default();
                    search_kept = input.index_now(cache, &mut files, &mut diags);
                    findings.site.extend(diags.0);
                    self.timings.lap("search");
                }
                Indexing::Later => search_input = Some(input),
            }
        }
        extras::add_generated(&renderer, &jobs, renderer.inputs.network, &mut files);
        Rendered {
            files,
            shared: renderer.into_shared(),
            site_key,
            job_count: jobs.len(),
            search_input,
            search_kept,
        }
    }
}

/// The stages that run on each page on its own, and what they read.
struct PerPage {
    targets: LinkTargets,
    keys: InputKeys,
    /// Each page's source hashed, indexed like the library's pages.
    hashes: Vec<u64>,
    results: PageResults,
}

impl PerPage {
    fn run(root: &Path, sources: &Sources, cache: &mut BuildCache, timings: &mut Timings) -> Self {
        let library = &sources.library;
        let targets = LinkTargets::new(
            root,
            &sources.config,
            library,
            &sources.assets,
            &sources.failed,
        );
        let keys = InputKeys::new(&library.pages, &sources.assets, &targets);
        let hashes = cache.pages.hashes.of_all(&library.pages);
        let pages: Vec<(&Page, u64)> = library.pages.iter().zip(hashes.iter().copied()).collect();
        let inputs = PageInputs {
            root,
            targets: &targets,
            keys,
        };
        cache.stats.markdown_rendered = cache.pages.update(&inputs, &pages, timings);
        // Results kept for other (deleted, renamed) files are dropped.
        let present: HashSet<&str> = library.pages.iter().map(|p| p.rel.as_str()).collect();
        cache.pages.retain(&present);
        let results = PageResults::collect(&cache.pages, &library.pages);
        PerPage {
            targets,
            keys,
            hashes,
            results,
        }
    }
}
