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

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use crate::build::build_with_cache;
use crate::cache::{BuildCache, CachedOutput, MarkdownEntry};
use crate::indexing::{Pages, document_records, index_for_search};
use crate::last_build::{Files, LastBuild, Spare, anchor_targets};
use crate::links::check_page_links;
use crate::site::{Body, BuildOptions, Changes, Site, Stats, options_key};
use crate::timings::Timings;
use respi_markdown::{self as markdown, PageRef};
use respi_render::seo;
use respi_render::{Job, Renderer};
use respi_sources::archive;
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
fn known(last: &LastBuild, rel: &str) -> bool {
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
    last: &LastBuild,
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
    if last.options_key != options_key(options) {
        return None;
    }
    let Some(mut edits) = read_edits(root, options, &last, paths) else {
        cache.last = Some(last);
        return None;
    };
    cache.stats = Stats {
        files_parsed: edits.len(),
        patched: true,
        ..Stats::default()
    };
    for e in &edits {
        cache.sources.insert(
            e.path.clone(),
            SourceEntry {
                stamp: e.stamp,
                result: Ok(Some(e.page.clone())),
            },
        );
    }
    edits.retain(|e| e.page.source != last.library.pages[e.id].source);
    timings.lap("read");

    // The copy is the outputs before this patch; once it is joined, `files` is not shared.
    let copy = last.spare.take().and_then(Spare::take);
    let LastBuild {
        keys,
        job_count,
        anchor_links,
        files,
        config,
        theme,
        library,
        rendered,
        document_files,
        network,
        targets,
        findings,
        shared,
        search,
        ..
    } = &mut *last;
    let files = Arc::make_mut(files);
    for e in &edits {
        for path in anchor_targets(&rendered[e.id], files) {
            if let Some(ids) = anchor_links.get_mut(&path) {
                ids.remove(&e.id);
            }
        }
        let p = &e.page;
        let page = PageRef {
            file: &p.file,
            rel: &p.rel,
            lang: &p.lang,
            path: &p.path,
            body: p.body(),
            body_line: p.body_line,
            source: &p.source,
        };
        let (r, d) = markdown::render(&page, targets);
        let source = fingerprint(&*p.source);
        cache
            .source_hashes
            .insert(p.rel.clone(), (p.source.clone(), source));
        let key = fingerprint(&(source, keys.targets));
        let entry = MarkdownEntry::new(key, r, d.clone());
        rendered[e.id] = entry.rendered.clone();
        cache.markdown.insert(p.rel.clone(), entry);
        findings.markdown[e.id] = d;
        library.pages[e.id] = e.page.clone();
    }
    cache.stats.markdown_rendered = edits.len();
    timings.lap("markdown");

    let linter = respi_lint::Linter::new(root);
    for e in &edits {
        let p = &library.pages[e.id];
        let key = fingerprint(&(cache.source_hashes[&p.rel].1, keys.assets));
        let d = linter.check(p);
        cache.lint.insert(p.rel.clone(), (key, d.clone()));
        findings.lint[e.id] = d;
        let read = archive::read(root, p);
        findings.documents[e.id] = match &read {
            Err(d) => vec![(**d).clone()],
            Ok(_) => Vec::new(),
        };
        match &read {
            Ok(Some(f)) => document_files.insert(e.id, f.clone()),
            _ => document_files.remove(&e.id),
        };
        cache.documents.insert(p.rel.clone(), (key, read));
    }
    timings.lap("lint");

    let renderer = Renderer::with_shared(
        config,
        library,
        rendered,
        theme,
        document_files,
        network.as_ref(),
        options.live_reload,
        std::mem::take(shared),
    );
    let jobs: Vec<Job> = edits
        .iter()
        .flat_map(|e| renderer.page_jobs(e.id))
        .collect();
    let mut changed = Vec::with_capacity(jobs.len());
    for job in &jobs {
        let (Job::Page(id) | Job::Section { id, .. }) = job else {
            unreachable!("page_jobs gives pages and sections")
        };
        let prepared = renderer.prepare(job, cache.fingerprint_contexts);
        let print = renderer.fingerprint(&prepared);
        // The full build reports a template that fails, as it does every failure.
        let html = renderer.render_prepared(job, prepared).ok()?;
        let path = renderer.output_path(job);
        let key = fingerprint(&(keys.site, &path, &*library.pages[*id].source));
        let bytes = Arc::new(html.into_bytes());
        let output = CachedOutput {
            key,
            print,
            bytes: bytes.clone(),
        };
        cache.outputs.insert(path.clone(), output);
        replace_output(files, path, bytes, &mut changed);
    }
    for lang in config.languages() {
        if let Some((path, xml)) = seo::atom_feed(&renderer, &lang.code) {
            replace_output(files, path, Arc::new(xml.into_bytes()), &mut changed);
        }
    }
    timings.lap("render");

    let mut removed = Vec::new();
    if let Some(search) = search
        && !jobs.is_empty()
    {
        let pages = search
            .searchable
            .iter()
            .map(|(url, path)| match files.get(path) {
                Some(Body::Bytes(bytes)) => Some((url.clone(), bytes.clone())),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        let records = document_records(&renderer, document_files);
        let mut index = BTreeMap::new();
        let mut diags = Diagnostics::default();
        index_for_search(
            Pages::Memory(pages),
            records,
            &mut index,
            &mut diags,
            Some(&mut cache.search),
        );
        // The full build reports an index that fails.
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
                removed.push(path);
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
                changed.push(path);
            }
        }
        timings.lap("search");
    }
    *shared = renderer.into_shared();
    cache.stats.jobs_rendered = jobs.len();
    cache.stats.jobs_reused = *job_count - jobs.len();

    for e in &edits {
        for path in anchor_targets(&rendered[e.id], files) {
            anchor_links.entry(path).or_default().insert(e.id);
        }
    }
    let mut recheck: BTreeSet<PageId> = edits.iter().map(|e| e.id).collect();
    for path in &changed {
        recheck.extend(anchor_links.get(path).into_iter().flatten());
    }
    for id in recheck {
        findings.links[id] =
            check_page_links(&library.pages[id], &rendered[id], files, &mut cache.ids);
    }
    timings.lap("links");

    // The copy catches up with the outputs: it is handed over, or kept for the next patch.
    let mut copy = copy.map(|mut copy| {
        for path in &changed {
            copy.insert(path.clone(), files[path].clone());
        }
        for path in &removed {
            copy.remove(path);
        }
        copy
    });
    let diags = findings.collect();
    let result = if diags.has_errors() {
        Err(diags)
    } else {
        Ok(Site {
            config: config.clone(),
            files: copy.take().unwrap_or_else(|| files.clone()),
            diagnostics: diags,
            page_count: library.pages.len(),
            elapsed: started.elapsed(),
            stats: cache.stats,
        })
    };
    timings.lap("site");
    last.spare = match copy {
        Some(copy) => Some(Spare::Ready(copy)),
        None => Spare::copy(&last.files),
    };
    cache.last = Some(last);
    Some(result)
}

/// Puts a new output in place of the old one, unless a copied file took its path (a full build
/// copies files after rendering, so the file wins there too).
fn replace_output(files: &mut Files, path: String, bytes: Arc<Vec<u8>>, changed: &mut Vec<String>) {
    if matches!(files.get(&path), Some(Body::File(_))) {
        return;
    }
    files.insert(path.clone(), Body::Bytes(bytes));
    changed.push(path);
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
