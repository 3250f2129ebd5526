//! The build pipeline: config → content → library → Markdown → templates → extra files → link check.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::cache::{BuildCache, CachedOutput, MarkdownEntry};
use crate::findings::Findings;
use crate::indexing::{Pages, SearchRecord, document_records, index_for_search};
use crate::last_build::{Keys, LastBuild, SearchKept, Spare, anchor_links};
use crate::links::check_page_links;
use crate::site::{Body, BuildOptions, Site, options_key};
use crate::timings::Timings;
use respi_markdown::{self as markdown, LinkTargets, PageRef, Rendered};
use respi_render::seo;
use respi_render::{Job, Renderer, page_slice};
use respi_sources::archive;
use respi_sources::config::Config;
use respi_sources::content::{self, CONTENT_DIR};
use respi_sources::diagnostics::{Diagnostic, Diagnostics};
use respi_sources::fingerprint;
use respi_sources::frontmatter;
use respi_sources::library::Library;
use respi_sources::network;
use respi_sources::theme::Theme;

/// A page body in HTML with the problems found converting it.
type MarkdownOutput = (Rendered, Vec<Diagnostic>);

pub const LIVE_RELOAD_PATH: &str = "__respi/livereload.js";

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
    build_stages(root, options, cache, Indexing::Now).map(|(site, _)| site)
}

/// Why writing a build to disk failed.
#[derive(Debug)]
pub enum WriteError {
    /// The content, the theme or the search index has errors: nothing was written.
    Build(Diagnostics),
    /// The output folder could not be written: the previous output is untouched.
    Io(std::io::Error),
}

impl From<std::io::Error> for WriteError {
    fn from(e: std::io::Error) -> Self {
        WriteError::Io(e)
    }
}

/// What [`build_to_dir`] wrote.
pub struct Written {
    pub page_count: usize,
    pub file_count: usize,
    pub diagnostics: Diagnostics,
    pub elapsed: Duration,
}

/// Builds the site and writes it to `out_dir` through a staging folder that replaces the old
/// output only when everything, search index included, is written. The search index is made
/// after the pages are on disk and the rest of the build is freed, so the indexer's memory does
/// not add up with the build's.
pub fn build_to_dir(
    root: &Path,
    options: &BuildOptions,
    out_dir: &Path,
) -> Result<Written, WriteError> {
    let started = Instant::now();
    let (site, search) = {
        let mut cache = BuildCache::one_shot();
        build_stages(root, options, &mut cache, Indexing::Later).map_err(WriteError::Build)?
    };
    let mut timings = Timings::new();
    let staging = crate::output::Staging::create(out_dir)?;
    staging.write(&site.files)?;
    let Site {
        files,
        mut diagnostics,
        page_count,
        ..
    } = site;
    let mut file_count = files.len();
    drop(files);
    timings.lap("write");
    if let Some(input) = search {
        return_freed_memory();
        let pages = input
            .pages
            .into_iter()
            .map(|(url, path, _)| (url, staging.path().join(path)))
            .collect();
        let mut index = BTreeMap::new();
        index_for_search(
            Pages::Written(pages),
            input.records,
            &mut index,
            &mut diagnostics,
            None,
        );
        if diagnostics.has_errors() {
            diagnostics.sort();
            return Err(WriteError::Build(diagnostics));
        }
        file_count += index.len();
        staging.write(&index)?;
        timings.lap("search");
    }
    staging.publish()?;
    Ok(Written {
        page_count,
        file_count,
        diagnostics,
        elapsed: started.elapsed(),
    })
}

/// Hands the memory the build has freed back to the system before the search index is made.
/// glibc's allocator keeps freed memory in the arena of the thread that used it, where the
/// indexer's threads would not find it: they would take new memory beside it.
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only returns free pages of the allocator's arenas to the system;
        // it takes no pointer and leaves every allocation in place.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// What became of a job whose inputs changed since the last build.
enum Outcome {
    /// Its context is the same as last time: the output is too.
    Same,
    /// Rendered, with the fingerprint of its context.
    Rendered(String, Option<u64>),
    Failed(Box<Diagnostic>),
}

/// What a section lists, for the keys of its pages: the front matter of each page it lists,
/// and a hash of what else it shows of others (its subsections, the directory of offices).
struct Listing {
    listed: Vec<u64>,
    around: u64,
}

/// When a build that asks for the search index makes it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Indexing {
    /// Within the build: the index files join the site's files.
    Now,
    /// After the build: its input is handed back to the caller.
    Later,
}

/// What the search index is made from: the searchable pages (URL, output path, HTML) and the
/// documents' text.
struct SearchInput {
    pages: Vec<(String, String, Arc<Vec<u8>>)>,
    records: Vec<SearchRecord>,
}

fn build_stages(
    root: &Path,
    options: &BuildOptions,
    cache: &mut BuildCache,
    indexing: Indexing,
) -> Result<(Site, Option<SearchInput>), Diagnostics> {
    let started = Instant::now();
    let config_text =
        std::fs::read_to_string(root.join(respi_sources::config::CONFIG_FILE)).unwrap_or_default();
    cache.begin(fingerprint(&(&config_text, options_key(options))));
    // Saved again at the end when this build succeeds.
    cache.last = None;
    let mut timings = Timings::new();
    let mut config = Config::load(root)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url);
    }
    let mut diags = Diagnostics::default();
    let theme = Theme::load(root, &config);
    let loaded = content::load(
        root,
        &config,
        options.drafts,
        &mut cache.sources,
        &mut cache.stats.files_parsed,
    );
    let (theme, mut loaded) = match (theme, loaded) {
        (Ok(t), Ok(l)) => (t, l),
        (t, l) => {
            if let Err(d) = t {
                diags.extend(d.0);
            }
            match l {
                Err(d) => diags.extend(d.0),
                Ok(l) => diags.extend(l.diagnostics.0),
            }
            diags.sort();
            return Err(diags);
        }
    };
    diags.extend(std::mem::take(&mut loaded.diagnostics).0);
    let (library, library_diags) = Library::new(std::mem::take(&mut loaded.pages), &config);
    diags.extend(library_diags.0);
    let without_template = check_config_references(&config, &library, &theme, &mut diags);

    timings.lap("load");
    // Pages of this build: results cached for other (deleted, renamed) files are dropped.
    let present: HashSet<&str> = library.pages.iter().map(|p| p.rel.as_str()).collect();
    let targets = link_targets(root, &config, &library, &loaded);
    let assets_key = fingerprint(
        &loaded
            .assets
            .iter()
            .map(|a| (&a.rel, a.len, a.modified))
            .collect::<Vec<_>>(),
    );
    let targets_key = fingerprint(&(
        assets_key,
        &targets.base_path,
        library
            .pages
            .iter()
            .map(|p| (&p.rel, &p.key, &p.lang, &p.path))
            .collect::<Vec<_>>(),
    ));
    // Each page's source hashed once, for the keys of the stages below.
    let source_hashes: Vec<u64> = library
        .pages
        .par_iter()
        .map(|p| match cache.source_hashes.get(&p.rel) {
            Some((source, hash)) if Arc::ptr_eq(source, &p.source) => *hash,
            _ => fingerprint(&*p.source),
        })
        .collect();
    cache.source_hashes = library
        .pages
        .iter()
        .zip(&source_hashes)
        .map(|(p, &hash)| (p.rel.clone(), (p.source.clone(), hash)))
        .collect();
    let results: Vec<(u64, Option<MarkdownOutput>)> = library
        .pages
        .par_iter()
        .zip(&source_hashes)
        .map(|(p, &source)| {
            let key = fingerprint(&(source, targets_key));
            if cache.markdown.get(&p.rel).is_some_and(|m| m.key == key) {
                return (key, None);
            }
            let page = PageRef {
                file: &p.file,
                rel: &p.rel,
                lang: &p.lang,
                path: &p.path,
                body: p.body(),
                body_line: p.body_line,
                source: &p.source,
            };
            (key, Some(markdown::render(&page, &targets)))
        })
        .collect();
    let mut rendered = Vec::with_capacity(results.len());
    let mut rendered_prints = Vec::with_capacity(results.len());
    let mut markdown_diags = Vec::with_capacity(results.len());
    for (p, (key, fresh)) in library.pages.iter().zip(results) {
        if let Some((r, d)) = fresh {
            cache.stats.markdown_rendered += 1;
            cache
                .markdown
                .insert(p.rel.clone(), MarkdownEntry::new(key, r, d));
        }
        let m = &cache.markdown[&p.rel];
        rendered.push(m.rendered.clone());
        rendered_prints.push(m.print);
        markdown_diags.push(m.diagnostics.clone());
    }
    cache
        .markdown
        .retain(|rel, _| present.contains(rel.as_str()));
    // Content accessibility rules C1–C15 (respi-lint's README.md): they read the page and the files it
    // links to, so a result is reused while both are unchanged.
    timings.lap("markdown");
    let linter = respi_lint::Linter::new(root);
    let lint: Vec<(u64, Option<Vec<Diagnostic>>)> = library
        .pages
        .par_iter()
        .zip(&source_hashes)
        .map(|(p, &source)| {
            let key = fingerprint(&(source, assets_key));
            match cache.lint.get(&p.rel) {
                Some((k, _)) if *k == key => (key, None),
                _ => (key, Some(linter.check(p))),
            }
        })
        .collect();
    let mut lint_diags = Vec::with_capacity(lint.len());
    for (p, (key, fresh)) in library.pages.iter().zip(lint) {
        if let Some(d) = fresh {
            cache.lint.insert(p.rel.clone(), (key, d));
        }
        lint_diags.push(cache.lint[&p.rel].1.clone());
    }
    cache.lint.retain(|rel, _| present.contains(rel.as_str()));

    timings.lap("lint");
    let document_results: Vec<(u64, Option<archive::DocumentRead>)> = library
        .pages
        .par_iter()
        .zip(&source_hashes)
        .map(|(p, &source)| {
            let key = fingerprint(&(source, assets_key));
            match cache.documents.get(&p.rel) {
                Some((k, _)) if *k == key => (key, None),
                _ => (key, Some(archive::read(root, p))),
            }
        })
        .collect();
    let mut document_files = HashMap::new();
    let mut document_diags = Vec::with_capacity(document_results.len());
    for (id, (p, (key, fresh))) in library.pages.iter().zip(document_results).enumerate() {
        if let Some(r) = fresh {
            cache.documents.insert(p.rel.clone(), (key, r));
        }
        document_diags.push(match &cache.documents[&p.rel].1 {
            Ok(Some(f)) => {
                document_files.insert(id, f.clone());
                Vec::new()
            }
            Ok(None) => Vec::new(),
            Err(d) => vec![(**d).clone()],
        });
    }
    cache
        .documents
        .retain(|rel, _| present.contains(rel.as_str()));

    timings.lap("documents");
    let mut site_diags = Diagnostics::default();
    let network = match network::load(root, &config) {
        Ok(n) => n,
        Err(d) => {
            site_diags.extend(d.0);
            None
        }
    };
    let renderer = Renderer::new(
        &config,
        &library,
        &rendered,
        &theme,
        &document_files,
        network.as_ref(),
        options.live_reload,
    );
    let mut jobs = renderer.jobs();
    // Pages whose template is missing were reported already, with the line of `template:`.
    jobs.retain(|job| !matches!(job, Job::Page(id) | Job::Section { id, .. } if without_template.contains(id)));
    let mut files: BTreeMap<String, Body> = BTreeMap::new();
    let mut owners: HashMap<String, String> = HashMap::new();
    for job in &jobs {
        let out = renderer.output_path(job);
        let owner = match job {
            Job::Alias { to, .. } => {
                format!("l'alias di {}", library.pages[*to].file.display())
            }
            Job::Page(id) | Job::Section { id, .. } => {
                library.pages[*id].file.display().to_string()
            }
            _ => "una pagina generata".into(),
        };
        if let Some(previous) = owners.insert(out.clone(), owner.clone())
            && let Job::Alias { to, from } = job
        {
            let p = &library.pages[*to];
            let line = p
                .source
                .lines()
                .position(|l| l.contains(from.as_str()))
                .map(|i| i + 1)
                .unwrap_or(1);
            site_diags.push(
                Diagnostic::error(
                    &p.file,
                    line,
                    1,
                    format!("l'alias `{from}` coincide con l'indirizzo di {previous}"),
                )
                .with_help("scegliere un vecchio indirizzo che non sia usato da un'altra pagina")
                .with_source(&p.source),
            );
        }
    }
    // What every template may read besides the page's own body: the theme, every page's front
    // matter and address, the documents' sizes, the copied files (the network's CSV among them).
    let site_key = fingerprint(&(
        cache.config_key,
        theme.fingerprint,
        assets_key,
        library
            .pages
            .iter()
            .map(|p| (&p.rel, &p.source[..p.body_offset], &p.path))
            .collect::<Vec<_>>(),
    ));
    // A page that is not a section reads, besides itself (its source and its converted body,
    // which links to other pages change), only the sections above it (the breadcrumbs, its
    // section's title, the kind filter), its translations (the language switcher), its document
    // file and the site-wide values: its key is made of those, so that a change to another
    // page's front matter leaves it alone. Listings of sections and tags have keys of what they
    // list; the other generated pages keep the key of the whole site.
    let base_key = fingerprint(&(
        cache.config_key,
        theme.fingerprint,
        assets_key,
        renderer.shared_key(),
    ));
    // Each page's front matter and address, hashed once for the keys below.
    let fronts: Vec<u64> = library
        .pages
        .par_iter()
        .map(|p| fingerprint(&(&p.rel, &p.source[..p.body_offset], &p.path, &p.lang)))
        .collect();
    let front = |id: respi_sources::library::PageId| fronts[id];
    let page_key = |id: respi_sources::library::PageId, path: String| -> u64 {
        let p = &library.pages[id];
        let ancestors = library.ancestors(id);
        let sections: Vec<(&String, Vec<u64>)> = ancestors
            .iter()
            .map(|dir| {
                let ids = [
                    library.section(dir, &p.lang),
                    library.section(dir, &library.default_lang),
                ];
                (dir, ids.into_iter().flatten().map(front).collect())
            })
            .collect();
        let translations: Vec<u64> = library
            .translations
            .get(&p.key)
            .map(|ids| ids.iter().map(|&t| front(t)).collect())
            .unwrap_or_default();
        let document = document_files
            .get(&id)
            .map(|f| (&f.rel, &f.format, f.size, &f.size_label));
        fingerprint(&(
            base_key,
            path,
            source_hashes[id],
            rendered_prints[id],
            front(id),
            sections,
            translations,
            document,
        ))
    };
    // A section reads, besides what a page reads, the front matter of the pages it shows (and
    // their number, for the pagination) and of its subsections, with the number of pages under
    // each; the directory of offices, shown when one of its pages is an office, reads them
    // all. The archive's section also lists the archive's facets, made from every document, so
    // it keeps the key of the whole site.
    let archive_dir = renderer.archive_dir();
    let listings: HashMap<respi_sources::library::PageId, Listing> = library
        .pages
        .par_iter()
        .enumerate()
        .filter(|(_, p)| p.is_section && archive_dir.as_deref() != Some(p.dir.as_str()))
        .map(|(id, p)| {
            let listed = library.pages_in(&p.dir, &p.lang);
            let offices = listed.iter().any(|&c| library.pages[c].fm.office.is_some());
            let listed: Vec<u64> = listed.into_iter().map(front).collect();
            let subsections: Vec<(Option<u64>, usize)> = library
                .subsections
                .get(&p.dir)
                .into_iter()
                .flatten()
                .map(|dir| {
                    let count = library.pages_under(dir, &p.lang).len();
                    (library.section(dir, &p.lang).map(front), count)
                })
                .collect();
            let all = offices.then(|| fingerprint(&listed));
            let around = fingerprint(&(subsections, all));
            (id, Listing { listed, around })
        })
        .collect();
    let section_key = |id: respi_sources::library::PageId, page_no: usize, path: String| -> u64 {
        let p = &library.pages[id];
        match listings.get(&id) {
            Some(Listing { listed, around }) => {
                let (shown, total) = page_slice(listed.len(), p.fm.paginate_by, page_no);
                fingerprint(&(page_key(id, path), &listed[shown], total, around))
            }
            None => fingerprint(&(site_key, path, source_hashes[id], rendered_prints[id])),
        }
    };
    // A tag page reads the front matter of the pages it shows and their number; the tag index
    // every tag's name and count; both have the home page in their breadcrumbs.
    let tag_lists: HashMap<(&str, &str), (&String, Vec<u64>)> = library
        .tags
        .iter()
        .flat_map(|(lang, tags)| {
            tags.iter().map(move |(slug, (name, ids))| {
                let listed: Vec<u64> = ids.iter().map(|&id| front(id)).collect();
                ((lang.as_str(), slug.as_str()), (name, listed))
            })
        })
        .collect();
    let per_tag_page = Some(config.taxonomies.paginate_by.max(1));
    let home = |lang: &str| library.section("", lang).map(front);
    let job_key = |job: &Job| -> u64 {
        let path = renderer.output_path(job);
        match job {
            Job::Page(id) if !library.pages[*id].is_section => page_key(*id, path),
            Job::Page(id) => section_key(*id, 1, path),
            Job::Section { id, page_no } => section_key(*id, *page_no, path),
            Job::Tag {
                lang,
                slug,
                page_no,
            } => {
                let tag = tag_lists
                    .get(&(lang.as_str(), slug.as_str()))
                    .map(|(name, listed)| {
                        let (shown, total) = page_slice(listed.len(), per_tag_page, *page_no);
                        (name, &listed[shown], total)
                    });
                fingerprint(&(base_key, path, home(lang), tag))
            }
            Job::TagIndex { lang } => {
                let all: Vec<_> = library
                    .tags
                    .get(lang)
                    .into_iter()
                    .flatten()
                    .map(|(slug, (name, ids))| (slug, name, ids.len()))
                    .collect();
                fingerprint(&(base_key, path, home(lang), all))
            }
            _ => fingerprint(&(site_key, path)),
        }
    };
    let keys: Vec<(String, u64)> = jobs
        .par_iter()
        .map(|j| (renderer.output_path(j), job_key(j)))
        .collect();
    // A job whose key changed may still render the same bytes: a title shown only in its own
    // listing does not change the other pages. Such jobs have their context built and are
    // rendered only when the fingerprint of their context changed too.
    let stale: Vec<(&Job, &String, u64)> = jobs
        .iter()
        .zip(&keys)
        .filter(|(_, (path, key))| cache.outputs.get(path).is_none_or(|o| o.key != *key))
        .map(|(j, (path, key))| (j, path, *key))
        .collect();
    timings.lap("jobs");
    let fingerprinting = cache.fingerprint_contexts;
    let outputs = &cache.outputs;
    let outcomes: Vec<(&String, u64, Outcome)> = stale
        .into_par_iter()
        .map(|(job, path, key)| {
            let prepared = renderer.prepare(job, fingerprinting);
            let print = renderer.fingerprint(&prepared);
            if print.is_some() && outputs.get(path).is_some_and(|o| o.print == print) {
                return (path, key, Outcome::Same);
            }
            let outcome = match renderer.render_prepared(job, prepared) {
                Ok(html) => Outcome::Rendered(html, print),
                Err(d) => Outcome::Failed(d),
            };
            (path, key, outcome)
        })
        .collect();
    let mut render_failed = false;
    let mut fresh: HashMap<String, (String, Option<u64>)> = HashMap::new();
    cache.stats.jobs_rendered = 0;
    for (path, key, outcome) in outcomes {
        match outcome {
            Outcome::Same => {
                if let Some(o) = cache.outputs.get_mut(path) {
                    o.key = key;
                }
            }
            Outcome::Rendered(html, print) => {
                cache.stats.jobs_rendered += 1;
                // Two jobs with one output path are an error reported above; the first is shown.
                fresh.entry(path.clone()).or_insert((html, print));
            }
            Outcome::Failed(d) => {
                cache.stats.jobs_rendered += 1;
                render_failed = true;
                site_diags.push(*d);
            }
        }
    }
    cache.stats.jobs_reused = jobs.len() - cache.stats.jobs_rendered;
    timings.lap("render");
    let searchable: HashMap<String, String> = jobs
        .iter()
        .filter_map(|job| match job {
            Job::Page(id) | Job::Section { id, page_no: 1 } => Some((
                renderer.output_path(job),
                renderer.url(&library.pages[*id].path),
            )),
            _ => None,
        })
        .collect();
    let mut search_pages = Vec::new();
    for (path, key) in keys {
        if files.contains_key(&path) {
            continue;
        }
        let bytes = match fresh.remove(&path) {
            Some((html, print)) => {
                let bytes = Arc::new(html.into_bytes());
                cache.outputs.insert(
                    path.clone(),
                    CachedOutput {
                        key,
                        print,
                        bytes: bytes.clone(),
                    },
                );
                bytes
            }
            None => match cache.outputs.get(&path) {
                Some(o) => o.bytes.clone(),
                None => continue,
            },
        };
        if options.search
            && let Some(url) = searchable.get(&path)
        {
            search_pages.push((url.clone(), path.clone(), bytes.clone()));
        }
        files.insert(path, Body::Bytes(bytes));
    }
    if render_failed {
        // A template error may leave stale entries: the next build renders everything again.
        cache.outputs.clear();
    } else {
        cache.outputs.retain(|path, _| files.contains_key(path));
    }
    let mut findings = Findings {
        before: diags.0,
        markdown: markdown_diags,
        lint: lint_diags,
        documents: document_diags,
        site: site_diags.0,
        links: Vec::new(),
    };
    let mut search_input = None;
    let mut search_kept = None;
    if options.search && !findings.has_errors() {
        let records = document_records(&renderer, &document_files);
        match indexing {
            Indexing::Now => {
                // Kept for patching only when the build is followed by others (the preview).
                let searchable: Option<Vec<(String, String)>> =
                    cache.fingerprint_contexts.then(|| {
                        search_pages
                            .iter()
                            .map(|(url, path, _)| (url.clone(), path.clone()))
                            .collect()
                    });
                let pages = search_pages
                    .into_iter()
                    .map(|(url, _, bytes)| (url, bytes))
                    .collect();
                let mut search_diags = Diagnostics::default();
                let search_cache = cache.fingerprint_contexts.then_some(&mut cache.search);
                let mut index = BTreeMap::new();
                index_for_search(
                    Pages::Memory(pages),
                    records,
                    &mut index,
                    &mut search_diags,
                    search_cache,
                );
                #[cfg(feature = "search")]
                {
                    cache.stats.search_batches_indexed = cache.search.batches_indexed;
                }
                findings.site.extend(search_diags.0);
                search_kept = searchable.map(|searchable| SearchKept {
                    index: index.keys().cloned().collect(),
                    searchable,
                });
                files.extend(index);
            }
            Indexing::Later => {
                search_input = Some(SearchInput {
                    pages: search_pages,
                    records,
                })
            }
        }
    }

    // Generated listings (tags, archive, network, search, site map) join the sitemap, first pages only.
    if indexing == Indexing::Now {
        timings.lap("search");
    }
    let sitemap_extra: Vec<String> = jobs
        .iter()
        .filter(|job| match job {
            Job::TagIndex { .. } | Job::Special { .. } | Job::Network { .. } => true,
            Job::Tag { page_no, .. } | Job::Archive { page_no, .. } => *page_no == 1,
            Job::Page(_) | Job::Section { .. } | Job::Alias { .. } | Job::NotFound => false,
        })
        .map(|job| {
            renderer
                .output_path(job)
                .trim_end_matches("index.html")
                .to_string()
        })
        .collect();
    for lang in config.languages() {
        if let Some((path, xml)) = seo::atom_feed(&renderer, &lang.code) {
            files.insert(path, Body::Bytes(Arc::new(xml.into_bytes())));
        }
    }
    if let Some(n) = &network {
        files.insert(
            format!("{}.json", n.base_path().trim_end_matches('/')),
            Body::Bytes(Arc::new(n.json())),
        );
    }
    files.insert(
        "sitemap.xml".into(),
        Body::Bytes(Arc::new(
            seo::sitemap_xml(&renderer, &sitemap_extra).into_bytes(),
        )),
    );
    files.insert(
        "robots.txt".into(),
        Body::Bytes(Arc::new(seo::robots_txt(&renderer).into_bytes())),
    );
    let shared = renderer.into_shared();
    for asset in &loaded.assets {
        files.insert(asset.rel.clone(), Body::File(asset.path.clone()));
    }
    let static_dir = theme.static_dir();
    for entry in WalkDir::new(&static_dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(&static_dir)
                .expect("walked under static")
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(
                format!("static/{rel}"),
                Body::File(entry.path().to_path_buf()),
            );
        }
    }
    if options.live_reload {
        files.insert(
            LIVE_RELOAD_PATH.into(),
            Body::Bytes(Arc::new(LIVE_RELOAD_JS.as_bytes().to_vec())),
        );
    }

    timings.lap("extra files");
    findings.links = library
        .pages
        .iter()
        .zip(&rendered)
        .map(|(page, r)| check_page_links(page, r, &files, &mut cache.ids))
        .collect();
    timings.lap("links");
    let diags = findings.collect();
    if diags.has_errors() {
        return Err(diags);
    }
    let site = Site {
        config: config.clone(),
        files,
        diagnostics: diags,
        page_count: library.pages.len(),
        stats: cache.stats,
        elapsed: started.elapsed(),
    };
    // Kept for a series of builds (the preview).
    if cache.fingerprint_contexts {
        let files = Arc::new(site.files.clone());
        cache.last = Some(Box::new(LastBuild {
            options_key: options_key(options),
            keys: Keys {
                targets: targets_key,
                assets: assets_key,
                site: site_key,
            },
            job_count: jobs.len(),
            anchor_links: anchor_links(&rendered, &site.files),
            spare: Spare::copy(&files),
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
            search: search_kept,
        }));
    }
    Ok((site, search_input))
}

fn link_targets(
    root: &Path,
    config: &Config,
    library: &Library,
    loaded: &content::Loaded,
) -> LinkTargets {
    let mut by_rel = HashMap::new();
    let mut paths = HashMap::new();
    for p in &library.pages {
        by_rel.insert(p.rel.clone(), (p.key.clone(), p.lang.clone()));
        paths.insert((p.key.clone(), p.lang.clone()), p.path.clone());
    }
    LinkTargets {
        by_rel,
        paths,
        assets: loaded.assets.iter().map(|a| a.rel.clone()).collect(),
        unavailable: loaded.failed.clone(),
        base_path: config.base_path(),
        default_lang: config.default_language.clone(),
        content_dir: root.join(CONTENT_DIR),
    }
}

/// Things site.toml and front matter name that must exist: menu sections, required pages, templates.
fn check_config_references(
    config: &Config,
    library: &Library,
    theme: &Theme,
    diags: &mut Diagnostics,
) -> HashSet<usize> {
    let mut without_template = HashSet::new();
    for dir in &config.menu {
        if library.section(dir, &config.default_language).is_none() {
            diags.push(
                Diagnostic::error(
                    respi_sources::config::CONFIG_FILE,
                    0,
                    0,
                    format!("la voce di menu `{dir}` non corrisponde a nessuna sezione"),
                )
                .with_help(format!(
                    "creare {CONTENT_DIR}/{dir}/_index.md o togliere `{dir}` da `menu`"
                )),
            );
        }
    }
    for (what, rel) in [
        ("l'informativa privacy", &config.pages.privacy),
        ("le note legali", &config.pages.legal),
        ("i contatti", &config.pages.contacts),
        ("la pagina Accessibilità", &config.pages.accessibility),
    ] {
        if !library
            .translations
            .contains_key(rel.trim_end_matches(".md"))
        {
            diags.push(
                Diagnostic::error(
                    format!("{CONTENT_DIR}/{rel}"),
                    0,
                    0,
                    format!("manca {what}, obbligatoria per un sito della PA"),
                )
                .with_help(format!(
                    "creare {CONTENT_DIR}/{rel} o indicare un altro file in [pages] di site.toml"
                )),
            );
        }
    }
    for (id, p) in library.pages.iter().enumerate() {
        if let Some(t) = &p.fm.template
            && !theme.tera.contains_template(t)
        {
            without_template.insert(id);
            let line = frontmatter::key_position(&p.source, "template")
                .map(|(l, _)| l)
                .unwrap_or(1);
            diags.push(
                Diagnostic::error(
                    &p.file,
                    line,
                    1,
                    format!("il modello `{t}` non esiste nel tema `{}`", config.theme),
                )
                .with_help(format!(
                    "creare themes/{}/templates/{t} o togliere `template:`",
                    config.theme
                ))
                .with_source(&p.source),
            );
        }
    }
    without_template
}

const LIVE_RELOAD_JS: &str = r#"// Reloads the page when the preview server reports a new build.
(function () {
  var script = document.currentScript;
  var url = script.src.replace(/livereload\.js.*$/, "events");
  var source = new EventSource(url);
  var first = true;
  source.onmessage = function () {
    if (first) { first = false; return; }
    window.location.reload();
  };
})();
"#;
