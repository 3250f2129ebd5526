//! Rebuilding after edits that change only the bodies of existing pages, by patching the
//! previous build instead of doing it again.
//!
//! A page's body is shown by the page's own outputs and by the news feeds, its headings are the
//! anchors other pages link to, and its text is checked by the content rules; everything else
//! a build makes (listings, tags, menus, site map, aliases) reads front matter only. So when
//! every changed file is a published page whose front matter is byte for byte the same, the
//! patch converts those bodies, checks them, renders their outputs and the feeds, checks the
//! links of the pages concerned, makes the search index again when the build makes one (only
//! the batches of the edited pages are read again), and keeps every other output. The result is
//! the one a full build gives; any other change, or a template that fails on the new body, is a
//! full build.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use crate::build::build_with_cache;
use crate::cache::{BuildCache, CachedOutput};
use crate::indexing::{Pages, document_records, index_for_search};
use crate::last_build::{Files, Kept, LastBuild, SearchKept, Spare, anchor_targets};
use crate::links::check_page_links;
use crate::page_stages::PageInputs;
use crate::site::{Body, BuildOptions, Changes, Site, Stats, options_key};
use crate::timings::Timings;
use respi_render::{Job, Renderer, feed};
use respi_sources::content::{self, CONTENT_DIR, Page, SourceEntry};
use respi_sources::diagnostics::Diagnostics;
use respi_sources::fingerprint;
use respi_sources::library::PageId;

/// A page file read again, with its body changed or not.
struct Edit {
    id: PageId,
    path: PathBuf,
    stamp: (SystemTime, u64),
    page: Page,
}

/// Whether the last build read `rel` under `content/`, or something inside it.
fn known(last: &Kept, rel: &str) -> bool {
    let folder = format!("{rel}/");
    let held = |r: &str| r == rel || r.starts_with(&folder);
    last.library.pages.iter().any(|p| held(&p.rel))
        || last.targets.assets.iter().any(|a| held(a))
        || last.targets.unavailable.iter().any(|a| held(a))
}

/// Reads the changed files when each is a published page of the last build with the same front
/// matter, or a file no build reads (hidden, or created and gone again, as editors' temporary
/// files are); `None` when a full build is needed.
fn read_edits(
    root: &Path,
    options: &BuildOptions,
    last: &Kept,
    paths: &BTreeSet<PathBuf>,
) -> Option<Vec<Edit>> {
    let content = root.join(CONTENT_DIR);
    let languages = last.config.languages();
    let mut edits = Vec::new();
    for path in paths {
        let rel = path
            .strip_prefix(&content)
            .ok()?
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if rel.is_empty() {
            return None;
        }
        let page = last
            .library
            .pages
            .binary_search_by(|p| p.rel.as_str().cmp(&rel))
            .ok();
        let meta = std::fs::symlink_metadata(path).ok();
        let Some((id, meta)) = page.zip(meta.filter(|m| m.is_file())) else {
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            let exists = std::fs::metadata(path).ok();
            match exists {
                // Loading skips hidden files, not what hidden folders hold.
                Some(m) if hidden && !m.is_dir() => continue,
                None if !known(last, &rel) => continue,
                _ => return None,
            }
        };
        let stamp = (meta.modified().ok()?, meta.len());
        let page = content::read_page(
            root,
            &rel,
            path,
            &last.config.default_language,
            &languages,
            options.drafts,
        )
        .ok()??;
        let old = &last.library.pages[id];
        if page.source[..page.body_offset] != old.source[..old.body_offset]
            || page.body_line != old.body_line
        {
            return None;
        }
        edits.push(Edit {
            id,
            path: path.clone(),
            stamp,
            page,
        });
    }
    Some(edits)
}

/// Patches the last build for a change to `paths`, or returns `None` when the change needs a
/// full build (see the module's documentation).
pub(crate) fn patch(
    root: &Path,
    options: &BuildOptions,
    cache: &mut BuildCache,
    paths: &BTreeSet<PathBuf>,
) -> Option<Result<Site, Diagnostics>> {
    let started = Instant::now();
    let mut timings = Timings::new();
    let mut last = cache.last.take()?;
    if last.kept.options_key != options_key(options) {
        return None;
    }
    let Some(mut edits) = read_edits(root, options, &last.kept, paths) else {
        cache.last = Some(last);
        return None;
    };
    record_reads(cache, &edits);
    edits.retain(|e| e.page.source != last.kept.library.pages[e.id].source);
    timings.lap("read");

    // The copy is the outputs before this patch; once it is joined, `files` is not shared.
    let copy = last.spare.take().and_then(Spare::take);
    let mut patched = Patched::default();
    let files = Arc::make_mut(&mut last.files);
    run_page_stages(
        root,
        cache,
        &mut last.kept,
        &mut last.anchor_links,
        files,
        &edits,
        &mut timings,
    );
    let live_reload = options.live_reload;
    let kept = &mut last.kept;
    let jobs = render_edits(
        live_reload,
        cache,
        kept,
        files,
        &edits,
        &mut patched,
        &mut timings,
    )?;
    cache.stats.jobs_rendered = jobs;
    cache.stats.jobs_reused = last.kept.job_count - jobs;
    check_links(cache, &mut last, &edits, &patched.changed);
    timings.lap("links");

    // The copy catches up with the outputs: it is handed over, or kept for the next patch.
    let mut copy = copy.map(|copy| patched.apply(copy, &last.files));
    let result = site(&last, &mut copy, started, cache.stats);
    timings.lap("site");
    last.spare = match copy {
        Some(copy) => Some(Spare::Ready(copy)),
        None => Spare::copy(&last.files),
    };
    cache.last = Some(last);
    Some(result)
}

/// The files read again, their count in the stats of this build.
fn record_reads(cache: &mut BuildCache, edits: &[Edit]) {
    cache.stats = Stats {
        files_parsed: edits.len(),
        patched: true,
        ..Stats::default()
    };
    for e in edits {
        let read = SourceEntry {
            stamp: e.stamp,
            result: Ok(Some(e.page.clone())),
        };
        cache.sources.insert(e.path.clone(), read);
    }
}

/// The patched build as a site, its files taken from `copy` when there is one, or its errors.
fn site(
    last: &LastBuild,
    copy: &mut Option<Files>,
    started: Instant,
    stats: Stats,
) -> Result<Site, Diagnostics> {
    let diags = last.kept.findings.collect();
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Site {
        config: last.kept.config.clone(),
        files: copy.take().unwrap_or_else(|| (*last.files).clone()),
        diagnostics: diags,
        page_count: last.kept.library.pages.len(),
        elapsed: started.elapsed(),
        stats,
    })
}

/// The outputs a patch changed and removed, to bring a copy of the outputs up to date.
#[derive(Default)]
struct Patched {
    changed: Vec<String>,
    removed: Vec<String>,
}

impl Patched {
    fn apply(&self, mut copy: Files, files: &Files) -> Files {
        for path in &self.changed {
            copy.insert(path.clone(), files[path].clone());
        }
        for path in &self.removed {
            copy.remove(path);
        }
        copy
    }
}

/// Converts and checks the edited pages again, through the stage caches of full builds, and
/// puts them in the last build in place of the old ones.
fn run_page_stages(
    root: &Path,
    cache: &mut BuildCache,
    kept: &mut Kept,
    anchor_links: &mut HashMap<String, BTreeSet<PageId>>,
    files: &Files,
    edits: &[Edit],
    timings: &mut Timings,
) {
    let hashes: Vec<u64> = edits
        .iter()
        .map(|e| cache.pages.hashes.of_one(&e.page))
        .collect();
    let pages: Vec<(&Page, u64)> = edits.iter().map(|e| &e.page).zip(hashes).collect();
    let inputs = PageInputs {
        root,
        targets: &kept.targets,
        keys: kept.keys,
    };
    cache.stats.markdown_rendered = cache.pages.update(&inputs, &pages, timings);
    for e in edits {
        // The page's anchor links are indexed again once its outputs are rendered.
        for path in anchor_targets(&kept.rendered[e.id], files) {
            if let Some(ids) = anchor_links.get_mut(&path) {
                ids.remove(&e.id);
            }
        }
        let result = cache.pages.result(&e.page);
        let findings = &mut kept.findings;
        findings.documents[e.id] = result.document_diagnostics();
        findings.markdown[e.id] = result.markdown;
        findings.lint[e.id] = result.lint;
        match result.document {
            Ok(Some(f)) => kept.document_files.insert(e.id, f),
            _ => kept.document_files.remove(&e.id),
        };
        kept.rendered[e.id] = result.rendered;
        kept.library.pages[e.id] = e.page.clone();
    }
}
/// Renders the outputs of the edited pages and the news feeds again, and the search index when
/// the build made one; returns how many jobs were rendered, or `None` when the change needs a
/// full build (a template or the index fails on the new body: a full build reports it).
fn render_edits(
    live_reload: bool,
    cache: &mut BuildCache,
    kept: &mut Kept,
    files: &mut Files,
    edits: &[Edit],
    patched: &mut Patched,
    timings: &mut Timings,
) -> Option<usize> {
    let Kept {
        config,
        theme,
        library,
        rendered,
        document_files,
        network,
        shared,
        search,
        site_key,
        ..
    } = kept;
    let renderer = Renderer::with_shared(
        config,
        library,
        rendered,
        theme,
        document_files,
        network.as_ref(),
        live_reload,
        std::mem::take(shared),
    );
    let jobs: Vec<Job> = edits
        .iter()
        .flat_map(|e| renderer.page_jobs(e.id))
        .collect();
    for job in &jobs {
        let (Job::Page(id) | Job::Section { id, .. }) = job else {
            unreachable!("page_jobs gives pages and sections")
        };
        let prepared = renderer.prepare(job, cache.fingerprint_contexts);
        let print = renderer.fingerprint(&prepared);
        let html = renderer.render_prepared(job, prepared).ok()?;
        let path = renderer.output_path(job);
        let key = fingerprint(&(*site_key, &path, &*library.pages[*id].source));
        let bytes = Arc::new(html.into_bytes());
        let output = CachedOutput {
            key,
            print,
            bytes: bytes.clone(),
        };
        cache.outputs.insert(path.clone(), output);
        replace_output(files, path, bytes, patched);
    }
    for lang in config.languages() {
        if let Some((path, xml)) = feed::atom_feed(&renderer.inputs, &lang.code) {
            replace_output(files, path, Arc::new(xml.into_bytes()), patched);
        }
    }
    timings.lap("render");
    if let Some(search) = search
        && !jobs.is_empty()
    {
        reindex(&renderer, search, cache, files, patched)?;
        timings.lap("search");
    }
    *shared = renderer.into_shared();
    Some(jobs.len())
}

/// Makes the search index again from the outputs: the batches of the edited pages are indexed
/// again, the others come from the last index. Word files whose content did not change keep
/// their bytes. `None` when the index fails.
fn reindex(
    renderer: &Renderer<'_>,
    search: &mut SearchKept,
    cache: &mut BuildCache,
    files: &mut Files,
    patched: &mut Patched,
) -> Option<()> {
    let pages = search
        .searchable
        .iter()
        .map(|(url, path)| match files.get(path) {
            Some(Body::Bytes(bytes)) => Some((url.clone(), bytes.clone())),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let records = document_records(renderer, renderer.inputs.documents);
    let mut index = BTreeMap::new();
    let mut diags = Diagnostics::default();
    let search_cache = Some(&mut cache.search);
    index_for_search(
        Pages::Memory(pages),
        records,
        &mut index,
        &mut diags,
        search_cache,
    );
    if diags.has_errors() {
        return None;
    }
    #[cfg(feature = "search")]
    {
        cache.stats.search_batches_indexed = cache.search.batches_indexed;
    }
    for path in std::mem::take(&mut search.index) {
        if !index.contains_key(&path) {
            files.remove(&path);
            patched.removed.push(path);
        }
    }
    for (path, body) in index {
        search.index.insert(path.clone());
        let same = match (files.get(&path), &body) {
            (Some(Body::Bytes(old)), Body::Bytes(new)) => old == new,
            _ => false,
        };
        if !same {
            files.insert(path.clone(), body);
            patched.changed.push(path);
        }
    }
    Some(())
}

/// Checks again the links of the edited pages, and of the pages that link to an anchor in an
/// output that changed.
fn check_links(cache: &mut BuildCache, last: &mut LastBuild, edits: &[Edit], changed: &[String]) {
    let LastBuild {
        kept,
        anchor_links,
        files,
        ..
    } = last;
    for e in edits {
        for path in anchor_targets(&kept.rendered[e.id], files) {
            anchor_links.entry(path).or_default().insert(e.id);
        }
    }
    let mut recheck: BTreeSet<PageId> = edits.iter().map(|e| e.id).collect();
    for path in changed {
        recheck.extend(anchor_links.get(path).into_iter().flatten());
    }
    for id in recheck {
        let (page, rendered) = (&kept.library.pages[id], &kept.rendered[id]);
        kept.findings.links[id] = check_page_links(page, rendered, files, &mut cache.ids);
    }
}

/// Puts a new output in place of the old one, unless a copied file took its path (a full build
/// copies files after rendering, so the file wins there too).
fn replace_output(files: &mut Files, path: String, bytes: Arc<Vec<u8>>, patched: &mut Patched) {
    if matches!(files.get(&path), Some(Body::File(_))) {
        return;
    }
    files.insert(path.clone(), Body::Bytes(bytes));
    patched.changed.push(path);
}
/// Builds like [`build_with_cache`], told what changed. When only page bodies changed, the
/// previous build is patched (see the module's documentation); anything else is a full build.
pub fn rebuild(
    root: &Path,
    options: &BuildOptions,
    cache: &mut BuildCache,
    changes: &Changes,
) -> Result<Site, Diagnostics> {
    if let Changes::Paths(paths) = changes
        && let Some(result) = patch(root, options, cache, paths)
    {
        return result;
    }
    build_with_cache(root, options, cache)
}
