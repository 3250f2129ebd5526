//! What every output is made from: the configuration, the library of pages with their bodies
//! converted, the theme's UI strings, the archive's documents, the wider network; and the
//! addresses and words that outputs of every kind share.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde_json::Value;

use crate::jobs::{ArchiveFacet, Job, NetworkView, paginated};
use respi_markdown::Rendered;
use respi_sources::archive::DocumentFile;
use respi_sources::config::Config;
use respi_sources::library::{Library, PageId};
use respi_sources::network::Network;
use respi_sources::theme::Theme;

/// The inputs of a build's outputs, with what is computed once for all of them.
pub struct Inputs<'a> {
    pub config: &'a Config,
    pub library: &'a Library,
    /// Each page's body in HTML, indexed like `library.pages`.
    pub rendered: &'a [Arc<Rendered>],
    pub theme: &'a Theme,
    /// The file of each document page.
    pub documents: &'a HashMap<PageId, DocumentFile>,
    pub network: Option<&'a Network>,
    base_url: String,
    base_path: String,
    /// The section that holds the archive's documents.
    archive_dir: Option<String>,
    /// The archive's facets with their documents, newest first.
    archive: BTreeMap<ArchiveFacet, Vec<PageId>>,
    /// The languages that have a news feed.
    feed_langs: HashSet<String>,
}

impl<'a> Inputs<'a> {
    pub fn new(
        config: &'a Config,
        library: &'a Library,
        rendered: &'a [Arc<Rendered>],
        theme: &'a Theme,
        documents: &'a HashMap<PageId, DocumentFile>,
        network: Option<&'a Network>,
    ) -> Self {
        let feed_langs = config
            .languages()
            .into_iter()
            .map(|l| l.code)
            .filter(|lang| !library.pages_under(&config.feed.section, lang).is_empty())
            .collect();
        let mut inputs = Inputs {
            config,
            library,
            rendered,
            theme,
            documents,
            network,
            base_url: config.base_url(),
            base_path: config.base_path(),
            archive_dir: None,
            archive: BTreeMap::new(),
            feed_langs,
        };
        inputs.archive_dir = inputs
            .first_document()
            .and_then(|id| library.parent_section(id));
        inputs.archive = inputs.archive_facets_by_date();
        inputs
    }

    /// The URL of an output path: under the base path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path)
    }

    /// The absolute URL of an output path.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// The folder of a language's outputs: none for the default language.
    pub fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.config.default_language {
            String::new()
        } else {
            format!("{lang}/")
        }
    }

    /// A UI string of the theme in `lang` (the key itself when the theme has none).
    pub fn t(&self, lang: &str, key: &str) -> String {
        self.theme
            .strings
            .get(lang)
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .unwrap_or(key)
            .to_string()
    }

    /// Whether `lang` has a news feed.
    pub fn has_feed(&self, lang: &str) -> bool {
        self.feed_langs.contains(lang)
    }

    /// The languages that have a news feed, sorted.
    pub fn feed_langs(&self) -> Vec<&String> {
        let mut langs: Vec<&String> = self.feed_langs.iter().collect();
        langs.sort();
        langs
    }

    /// A title for the `<title>` element: the page's, its section's, the site's, the owner's.
    pub fn full_title(&self, title: &str, section: Option<&str>) -> String {
        let mut parts = vec![title];
        if let Some(s) = section
            && s != title
        {
            parts.push(s);
        }
        if title != self.config.short_title {
            parts.push(&self.config.short_title);
        }
        parts.push(&self.config.owner);
        parts.join(" – ")
    }

    /// Breadcrumbs from the home page down to a page, each a title and a URL.
    pub fn breadcrumbs(&self, id: PageId, lang: &str) -> Vec<(String, String)> {
        let lib = self.library;
        let mut crumbs: Vec<(String, String)> = lib
            .ancestors(id)
            .iter()
            .filter_map(|dir| lib.section(dir, lang))
            .map(|sid| (lib.pages[sid].title.clone(), self.url(&lib.pages[sid].path)))
            .collect();
        let p = &lib.pages[id];
        crumbs.push((p.title.clone(), self.url(&p.path)));
        crumbs
    }

    /// Breadcrumbs that start at the home page of `lang`.
    pub fn home_crumbs(&self, lang: &str) -> Vec<(String, String)> {
        let lib = self.library;
        lib.section("", lang)
            .map(|h| (lib.pages[h].title.clone(), self.url(&lib.pages[h].path)))
            .into_iter()
            .collect()
    }

    /// The folder of the tag pages of `lang`.
    pub fn tags_path(&self, lang: &str) -> String {
        format!(
            "{}{}/",
            self.lang_prefix(lang),
            self.config.taxonomies.tags_path
        )
    }

    /// Output path of a job, relative to the output folder.
    pub fn output_path(&self, job: &Job) -> String {
        let lib = self.library;
        let dir = match job {
            Job::Page(id) => lib.pages[*id].path.clone(),
            Job::Section { id, page_no } => paginated(&lib.pages[*id].path, *page_no),
            Job::TagIndex { lang } => self.tags_path(lang),
            Job::Tag {
                lang,
                slug,
                page_no,
            } => paginated(&format!("{}{slug}/", self.tags_path(lang)), *page_no),
            Job::Special { kind, lang } => format!("{}{}/", self.lang_prefix(lang), kind.segment()),
            Job::Network { view } => self.network_path(view),
            Job::Archive { facet, page_no } => paginated(&self.archive_path(facet), *page_no),
            Job::NotFound => return "404.html".into(),
            Job::Alias { from, .. } => {
                let trimmed = from.trim_matches('/');
                if trimmed.is_empty() {
                    String::new()
                } else {
                    format!("{trimmed}/")
                }
            }
        };
        format!("{dir}index.html")
    }

    /// Output folder of a network listing.
    pub fn network_path(&self, view: &NetworkView) -> String {
        let base = self.network.map(Network::base_path).unwrap_or_default();
        match view {
            NetworkView::All => base,
            NetworkView::Kind(k) => format!("{base}tipo/{}/", slug::slugify(k)),
            NetworkView::Area(a) => format!("{base}bacino/{}/", slug::slugify(a)),
        }
    }

    /// The section that holds the archive's documents (the parent of the first document page).
    pub fn archive_dir(&self) -> Option<&str> {
        self.archive_dir.as_deref()
    }

    /// Output folder of an archive listing.
    pub fn archive_path(&self, facet: &ArchiveFacet) -> String {
        let prefix = match self.archive_dir() {
            None | Some("") => String::new(),
            Some(dir) => format!("{dir}/"),
        };
        match facet {
            ArchiveFacet::Year(y) => format!("{prefix}anno/{y}/"),
            ArchiveFacet::Kind(k) => format!("{prefix}tipo/{}/", slug::slugify(k)),
            ArchiveFacet::Issuer(i) => format!("{prefix}ente/{}/", slug::slugify(i)),
        }
    }

    /// Every facet of the archive with its documents, newest first.
    pub fn archive_facets(&self) -> &BTreeMap<ArchiveFacet, Vec<PageId>> {
        &self.archive
    }

    /// The document pages in the default language.
    fn archive_pages(&self) -> impl Iterator<Item = PageId> + '_ {
        self.documents
            .keys()
            .copied()
            .filter(|&id| self.library.pages[id].lang == self.config.default_language)
    }

    fn first_document(&self) -> Option<PageId> {
        self.archive_pages().min()
    }

    fn archive_facets_by_date(&self) -> BTreeMap<ArchiveFacet, Vec<PageId>> {
        let lib = self.library;
        let mut ids: Vec<PageId> = self.archive_pages().collect();
        ids.sort_by(|&a, &b| {
            let (pa, pb) = (&lib.pages[a], &lib.pages[b]);
            pb.fm
                .date
                .cmp(&pa.fm.date)
                .then_with(|| pa.title.cmp(&pb.title))
        });
        let mut facets: BTreeMap<ArchiveFacet, Vec<PageId>> = BTreeMap::new();
        for id in ids {
            let p = &lib.pages[id];
            let Some(doc) = &p.fm.document else { continue };
            if let Some(date) = p.fm.date {
                facets
                    .entry(ArchiveFacet::Year(date.year()))
                    .or_default()
                    .push(id);
            }
            facets
                .entry(ArchiveFacet::Kind(doc.kind.clone()))
                .or_default()
                .push(id);
            facets
                .entry(ArchiveFacet::Issuer(doc.issuer.clone()))
                .or_default()
                .push(id);
        }
        facets
    }

    /// The Pagefind filters of a page: kind of content, area, topic.
    pub fn search_filters(&self, id: PageId) -> Vec<(&'static str, String)> {
        let lib = self.library;
        let p = &lib.pages[id];
        let mut filters = Vec::new();
        let top = p.dir.split('/').next().unwrap_or_default();
        let is_root_page = p.dir.is_empty() || (!p.is_section && !p.dir.contains('/'));
        if !is_root_page && let Some(s) = lib.section(top, &p.lang) {
            filters.push(("tipo", lib.pages[s].title.clone()));
        }
        if let Some(office) = &p.fm.office
            && let Some(area) = self.config.area(&office.area)
        {
            filters.push(("area", area.name.clone()));
        }
        if p.fm.faq.is_some()
            && let Some(topic) = lib
                .parent_section(id)
                .and_then(|d| lib.section(&d, &p.lang))
        {
            filters.push(("argomento", lib.pages[topic].title.clone()));
        }
        for tag in &p.fm.tags {
            filters.push(("argomento", tag.clone()));
        }
        filters
    }
}
