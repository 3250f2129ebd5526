//! The key of each output's inputs: an output whose key is the one it had in the last build is
//! taken over without a look. Each key sums up what the output's template reads, and no more,
//! so that an edit renders again only the outputs that show what changed.

use std::collections::HashMap;

use rayon::prelude::*;

use respi_render::{Job, Renderer, page_slice};
use respi_sources::events;
use respi_sources::fingerprint;
use respi_sources::library::{Library, PageId};

/// What a section lists, for the keys of its pages: the front matter of each page it lists,
/// and a hash of what else it shows of others (its subsections, the directory of offices).
struct Listing {
    listed: Vec<u64>,
    around: u64,
}

/// The keys of the outputs of one build.
pub(crate) struct JobKeys<'k, 'r> {
    renderer: &'k Renderer<'r>,
    library: &'r Library,
    /// What every template may read besides the page's own body: the theme, every page's front
    /// matter and address, the documents' sizes, the copied files (the network's CSV among
    /// them). The outputs that have no narrower key have this one.
    pub site: u64,
    /// The site-wide values every page gets (configuration, theme, UI strings, menus).
    base: u64,
    /// Each page's front matter and address, hashed once.
    fronts: Vec<u64>,
    /// Each page's source hashed, and its converted body's fingerprint.
    sources: &'k [u64],
    prints: &'k [u64],
    listings: HashMap<PageId, Listing>,
    /// (language, tag slug) → the tag's name and the front matter of its pages
    tags: HashMap<(&'r str, &'r str), (&'r String, Vec<u64>)>,
}

impl<'k, 'r> JobKeys<'k, 'r> {
    /// `config_key` and `assets_key` sum up site.toml with the options, and the copied files;
    /// `sources` and `prints` are indexed like the library's pages.
    pub fn new(
        renderer: &'k Renderer<'r>,
        config_key: u64,
        assets_key: u64,
        sources: &'k [u64],
        prints: &'k [u64],
    ) -> Self {
        let library = renderer.inputs.library;
        let theme = renderer.inputs.theme.fingerprint;
        let site = fingerprint(&(
            config_key,
            theme,
            assets_key,
            library
                .pages
                .iter()
                .map(|p| (&p.rel, &p.source[..p.body_offset], &p.path))
                .collect::<Vec<_>>(),
        ));
        let base = fingerprint(&(config_key, theme, assets_key, renderer.shared_key()));
        let fronts: Vec<u64> = library
            .pages
            .par_iter()
            .map(|p| fingerprint(&(&p.rel, &p.source[..p.body_offset], &p.path, &p.lang)))
            .collect();
        let listings = listings(library, &fronts, renderer.inputs.archive_dir());
        let tags = library
            .tags
            .iter()
            .flat_map(|(lang, tags)| {
                let fronts = &fronts;
                tags.iter().map(move |(slug, (name, ids))| {
                    let listed: Vec<u64> = ids.iter().map(|&id| fronts[id]).collect();
                    ((lang.as_str(), slug.as_str()), (name, listed))
                })
            })
            .collect();
        JobKeys {
            renderer,
            library,
            site,
            base,
            fronts,
            sources,
            prints,
            listings,
            tags,
        }
    }

    /// Each job's output path and key, in the order of `jobs`.
    pub fn of_jobs(&self, jobs: &[Job]) -> Vec<(String, u64)> {
        jobs.par_iter()
            .map(|j| (self.renderer.output_path(j), self.job(j)))
            .collect()
    }

    fn job(&self, job: &Job) -> u64 {
        let path = self.renderer.output_path(job);
        let home = |lang: &str| self.library.section("", lang).map(|id| self.fronts[id]);
        match job {
            Job::Page(id) if !self.library.pages[*id].is_section => self.page(*id, path),
            Job::Page(id) => self.section(*id, 1, path),
            Job::Section { id, page_no } => self.section(*id, *page_no, path),
            // A tag page reads the front matter of the pages it shows and their number; the
            // tag index every tag's name and count; both have the home page in their
            // breadcrumbs.
            Job::Tag {
                lang,
                slug,
                page_no,
            } => {
                let per_page = Some(self.renderer.inputs.config.taxonomies.paginate_by.max(1));
                let tag = self
                    .tags
                    .get(&(lang.as_str(), slug.as_str()))
                    .map(|(name, listed)| {
                        let (shown, total) = page_slice(listed.len(), per_page, *page_no);
                        (name, &listed[shown], total)
                    });
                fingerprint(&(self.base, path, home(lang), tag))
            }
            Job::TagIndex { lang } => {
                let all: Vec<_> = self
                    .library
                    .tags
                    .get(lang)
                    .into_iter()
                    .flatten()
                    .map(|(slug, (name, ids))| (slug, name, ids.len()))
                    .collect();
                fingerprint(&(self.base, path, home(lang), all))
            }
            _ => fingerprint(&(self.site, path)),
        }
    }

    /// A page that is not a section reads, besides itself (its source and its converted body,
    /// which links to other pages change), only the sections above it (the breadcrumbs, its
    /// section's title, the kind filter), its translations (the language switcher), its
    /// document file, the pages it links as an event's materials or as the events a document
    /// is material of, and the site-wide values: its key is made of those, so that a change to
    /// another page's front matter leaves it alone.
    fn page(&self, id: PageId, path: String) -> u64 {
        let library = self.library;
        let front = |id: PageId| self.fronts[id];
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
        let document = self
            .renderer
            .inputs
            .documents
            .get(&id)
            .map(|f| (&f.rel, &f.format, f.size, &f.size_label));
        let related: Vec<u64> = related(library, id).into_iter().map(front).collect();
        fingerprint(&(
            self.base,
            path,
            self.sources[id],
            self.prints[id],
            front(id),
            sections,
            translations,
            document,
            related,
        ))
    }

    /// A section reads, besides what a page reads, what it lists ([`listings`]); the archive's
    /// section, which lists facets made from every document, keeps the key of the whole site.
    fn section(&self, id: PageId, page_no: usize, path: String) -> u64 {
        let p = &self.library.pages[id];
        match self.listings.get(&id) {
            Some(Listing { listed, around }) => {
                let (shown, total) = page_slice(listed.len(), p.fm.paginate_by, page_no);
                // The upcoming and past events of every subsection are listed too.
                let events: Vec<u64> = (self.library.pages_under(&p.dir, &p.lang).into_iter())
                    .filter(|&e| self.library.pages[e].fm.event.is_some())
                    .map(|e| self.fronts[e])
                    .collect();
                let page = self.page(id, path);
                fingerprint(&(page, &listed[shown], total, around, events))
            }
            None => fingerprint(&(self.site, path, self.sources[id], self.prints[id])),
        }
    }
}

/// The pages whose front matter a page shows besides its own: an event's materials, and the
/// events a document is material of.
fn related(library: &Library, id: PageId) -> Vec<PageId> {
    let p = &library.pages[id];
    let mut ids: Vec<PageId> =
        p.fm.event
            .iter()
            .flat_map(|e| e.materials.iter())
            .filter_map(|m| events::material(library, m, &p.lang))
            .collect();
    if p.fm.document.is_some() {
        ids.extend(events::events_of(library, id, &p.lang));
    }
    ids
}

/// What each section lists: the front matter of the pages it shows (and their number, for the
/// pagination) and of its subsections, with the number of pages under each; the directory of
/// offices, shown when one of its pages is an office, reads them all. The archive's section
/// (`archive_dir`) is left out.
fn listings(
    library: &Library,
    fronts: &[u64],
    archive_dir: Option<&str>,
) -> HashMap<PageId, Listing> {
    library
        .pages
        .par_iter()
        .enumerate()
        .filter(|(_, p)| p.is_section && archive_dir != Some(p.dir.as_str()))
        .map(|(id, p)| {
            let listed = library.pages_in(&p.dir, &p.lang);
            let offices = listed.iter().any(|&c| library.pages[c].fm.office.is_some());
            let listed: Vec<u64> = listed.into_iter().map(|c| fronts[c]).collect();
            let subsections: Vec<(Option<u64>, usize)> = library
                .subsections
                .get(&p.dir)
                .into_iter()
                .flatten()
                .map(|dir| {
                    let count = library.pages_under(dir, &p.lang).len();
                    (library.section(dir, &p.lang).map(|s| fronts[s]), count)
                })
                .collect();
            let all = offices.then(|| fingerprint(&listed));
            let around = fingerprint(&(subsections, all));
            (id, Listing { listed, around })
        })
        .collect()
}
