//! Rendering: one job per output file, each job's context built from the library, run in parallel.

pub mod dates;
pub mod directory;
pub mod seo;

use serde_json::{Value, json};

use respi_sources::config::Config;
use std::collections::HashMap;
use std::sync::Arc;

use respi_markdown::Rendered;
use respi_sources::archive::DocumentFile;
use respi_sources::diagnostics::Diagnostic;
use respi_sources::library::{Library, PageId};
use respi_sources::network::{self, Network};
use respi_sources::theme::Theme;

pub const SITEMAP_PAGE: &str = "mappa-del-sito";
pub const SEARCH_PAGE: &str = "cerca";
pub const AZ_PAGE: &str = "indice-a-z";

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArchiveFacet {
    Year(i16),
    Kind(String),
    Issuer(String),
}

pub const ARCHIVE_PAGE_SIZE: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NetworkView {
    All,
    Kind(String),
    Area(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Special {
    Sitemap,
    Search,
    AtoZ,
}

impl Special {
    pub const ALL: [Special; 3] = [Special::Sitemap, Special::Search, Special::AtoZ];

    pub fn segment(self) -> &'static str {
        match self {
            Special::Sitemap => SITEMAP_PAGE,
            Special::Search => SEARCH_PAGE,
            Special::AtoZ => AZ_PAGE,
        }
    }

    fn template(self) -> &'static str {
        match self {
            Special::Sitemap => "sitemap.html",
            Special::Search => "search.html",
            Special::AtoZ => "az.html",
        }
    }

    fn title_key(self) -> &'static str {
        match self {
            Special::Sitemap => "sitemap",
            Special::Search => "search",
            Special::AtoZ => "az_index",
        }
    }
}
pub const PAGINATION_SEGMENT: &str = "pagina";

/// One output file to render.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    Page(PageId),
    /// A section page; `page_no` starts at 1.
    Section {
        id: PageId,
        page_no: usize,
    },
    TagIndex {
        lang: String,
    },
    Tag {
        lang: String,
        slug: String,
        page_no: usize,
    },
    /// A page the generator writes for every language: site map, search, A–Z index.
    Special {
        kind: Special,
        lang: String,
    },
    /// A listing of the document archive, by year, kind or issuer; `page_no` starts at 1.
    Archive {
        facet: ArchiveFacet,
        page_no: usize,
    },
    /// A listing of the wider network's services: all by area, or one kind, or one area.
    Network {
        view: NetworkView,
    },
    NotFound,
    Alias {
        from: String,
        to: PageId,
    },
}

/// The items of a list shown on page `page_no` (from 1) of a listing with `per` items a page
/// (`None` or 0: all on one page), and the number of pages.
pub fn page_slice(
    len: usize,
    per: Option<usize>,
    page_no: usize,
) -> (std::ops::Range<usize>, usize) {
    match per {
        Some(n) if n > 0 => {
            let start = ((page_no - 1) * n).min(len);
            (start..(start + n).min(len), len.div_ceil(n).max(1))
        }
        _ => (0..len, 1),
    }
}

pub struct Renderer<'a> {
    pub config: &'a Config,
    pub library: &'a Library,
    pub rendered: &'a [Arc<Rendered>],
    pub theme: &'a Theme,
    pub documents: &'a HashMap<PageId, DocumentFile>,
    pub network: Option<&'a Network>,
    pub live_reload: bool,
    base_url: String,
    base_path: String,
    shared: Shared,
    /// the archive's facets with their documents
    archive: std::collections::BTreeMap<ArchiveFacet, Vec<PageId>>,
}

/// What the contexts of thousands of pages share, converted to tera values once. It depends on
/// site.toml, the theme and the front matter of sections, never on a page's body.
#[derive(Default)]
pub struct Shared {
    /// (language, index of the active menu entry) → the `site` object
    site_values: HashMap<(String, Option<usize>), tera::Value>,
    /// language → the UI strings
    strings: HashMap<String, tera::Value>,
    /// language → the section folders of the menu entries, in menu order
    menu_dirs: HashMap<String, Vec<String>>,
    /// languages that have a news feed
    feed_langs: std::collections::HashSet<String>,
    /// a fingerprint of `site_values` and `strings`
    print: u64,
}

impl<'a> Renderer<'a> {
    pub fn new(
        config: &'a Config,
        library: &'a Library,
        rendered: &'a [Arc<Rendered>],
        theme: &'a Theme,
        documents: &'a HashMap<PageId, DocumentFile>,
        network: Option<&'a Network>,
        live_reload: bool,
    ) -> Self {
        let mut r = Self::with_shared(
            config,
            library,
            rendered,
            theme,
            documents,
            network,
            live_reload,
            Shared::default(),
        );
        // The site object and the UI strings are the same for thousands of pages: convert them
        // to tera values once, so each page only clones a reference to them.
        for lang in config.languages() {
            let v = r.site_value(&lang.code);
            let dirs: Vec<String> = v["menu"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|item| item["dir"].as_str().unwrap_or_default().to_string())
                .collect();
            let entries = dirs.len();
            r.shared.menu_dirs.insert(lang.code.clone(), dirs);
            for active in std::iter::once(None).chain((0..entries).map(Some)) {
                let mut site = v.clone();
                if let Value::Array(menu) = &mut site["menu"] {
                    for (i, item) in menu.iter_mut().enumerate() {
                        item["active"] = Value::Bool(Some(i) == active);
                    }
                }
                r.shared.site_values.insert(
                    (lang.code.clone(), active),
                    tera::Value::from_serializable(&site),
                );
            }
            r.shared.strings.insert(
                lang.code.clone(),
                tera::Value::from_serializable(&theme.strings[&lang.code]),
            );
            if !library
                .pages_under(&config.feed.section, &lang.code)
                .is_empty()
            {
                r.shared.feed_langs.insert(lang.code.clone());
            }
        }
        // tera's maps keep no fixed order: their JSON form (sorted keys) is fingerprinted.
        let mut shared: Vec<(String, u64)> = r
            .shared
            .site_values
            .iter()
            .map(|((lang, active), v)| (format!("{lang} {active:?}"), v))
            .chain(r.shared.strings.iter().map(|(lang, v)| (lang.clone(), v)))
            .map(|(k, v)| {
                let json = serde_json::to_value(v).expect("a template value converts to JSON");
                let mut h = std::collections::hash_map::DefaultHasher::new();
                hash_json(&mut h, &json);
                (k, std::hash::Hasher::finish(&h))
            })
            .collect();
        shared.sort();
        r.shared.print = respi_sources::fingerprint(&shared);
        r
    }

    /// A renderer with the values of [`Renderer::into_shared`] from a renderer of the same
    /// configuration, theme and front matter.
    #[allow(clippy::too_many_arguments)]
    pub fn with_shared(
        config: &'a Config,
        library: &'a Library,
        rendered: &'a [Arc<Rendered>],
        theme: &'a Theme,
        documents: &'a HashMap<PageId, DocumentFile>,
        network: Option<&'a Network>,
        live_reload: bool,
        shared: Shared,
    ) -> Self {
        let mut r = Renderer {
            config,
            library,
            rendered,
            theme,
            documents,
            network,
            live_reload,
            base_url: config.base_url(),
            base_path: config.base_path(),
            shared,
            archive: Default::default(),
        };
        r.archive = r.compute_archive_facets();
        r
    }

    /// The values converted for every page, to render again with [`Renderer::with_shared`].
    /// A fingerprint of the site-wide values every page gets (the `site` object, UI strings,
    /// which languages have a news feed).
    pub fn shared_key(&self) -> u64 {
        let mut feeds: Vec<&String> = self.shared.feed_langs.iter().collect();
        feeds.sort();
        respi_sources::fingerprint(&(self.shared.print, feeds))
    }

    pub fn into_shared(self) -> Shared {
        self.shared
    }

    /// Every job of a full build.
    pub fn jobs(&self) -> Vec<Job> {
        let lib = self.library;
        let mut jobs = Vec::new();
        for (id, p) in lib.pages.iter().enumerate() {
            jobs.extend(self.page_jobs(id));
            for alias in &p.fm.aliases {
                jobs.push(Job::Alias {
                    from: alias.clone(),
                    to: id,
                });
            }
        }
        for lang in self.config.languages() {
            if !lib
                .sections
                .contains_key(&(String::new(), lang.code.clone()))
            {
                continue;
            }
            // Every language with a home gets the tag index, the site map page and the other
            // pages the layout links to, even when none of its pages has a tag yet.
            jobs.push(Job::TagIndex {
                lang: lang.code.clone(),
            });
            for kind in Special::ALL {
                jobs.push(Job::Special {
                    kind,
                    lang: lang.code.clone(),
                });
            }
            for (slug, (_, pages)) in lib.tags.get(&lang.code).into_iter().flatten() {
                let per = self.config.taxonomies.paginate_by.max(1);
                for page_no in 1..=pages.len().div_ceil(per).max(1) {
                    jobs.push(Job::Tag {
                        lang: lang.code.clone(),
                        slug: slug.clone(),
                        page_no,
                    });
                }
            }
        }
        for (facet, docs) in self.archive_facets() {
            for page_no in 1..=docs.len().div_ceil(ARCHIVE_PAGE_SIZE).max(1) {
                jobs.push(Job::Archive {
                    facet: facet.clone(),
                    page_no,
                });
            }
        }
        if let Some(network) = self.network {
            jobs.push(Job::Network {
                view: NetworkView::All,
            });
            for kind in network.grouped(|s| &s.kind).into_keys() {
                jobs.push(Job::Network {
                    view: NetworkView::Kind(kind),
                });
            }
            for area in network.grouped(|s| &s.area).into_keys() {
                jobs.push(Job::Network {
                    view: NetworkView::Area(area),
                });
            }
        }
        jobs.push(Job::NotFound);
        jobs
    }

    /// The outputs that show a page's body: the page, or every page of a section's listing.
    pub fn page_jobs(&self, id: PageId) -> Vec<Job> {
        if self.library.pages[id].is_section {
            (1..=self.page_count(id))
                .map(|page_no| Job::Section { id, page_no })
                .collect()
        } else {
            vec![Job::Page(id)]
        }
    }

    fn page_count(&self, section: PageId) -> usize {
        let p = &self.library.pages[section];
        match p.fm.paginate_by {
            Some(n) if n > 0 => self
                .library
                .pages_in(&p.dir, &p.lang)
                .len()
                .div_ceil(n)
                .max(1),
            _ => 1,
        }
    }

    fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.config.default_language {
            String::new()
        } else {
            format!("{lang}/")
        }
    }

    /// Output path of a job, relative to the output folder.
    pub fn output_path(&self, job: &Job) -> String {
        let lib = self.library;
        let dir = match job {
            Job::Page(id) => lib.pages[*id].path.clone(),
            Job::Section { id, page_no } => paginated(&lib.pages[*id].path, *page_no),
            Job::TagIndex { lang } => format!(
                "{}{}/",
                self.lang_prefix(lang),
                self.config.taxonomies.tags_path
            ),
            Job::Tag {
                lang,
                slug,
                page_no,
            } => paginated(
                &format!(
                    "{}{}/{slug}/",
                    self.lang_prefix(lang),
                    self.config.taxonomies.tags_path
                ),
                *page_no,
            ),
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

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path)
    }

    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    fn t(&self, lang: &str, key: &str) -> String {
        self.theme
            .strings
            .get(lang)
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .unwrap_or(key)
            .to_string()
    }

    fn site_value(&self, lang: &str) -> Value {
        let c = self.config;
        let lib = self.library;
        let page_url = |rel: &str| {
            let key = rel.trim_end_matches(".md");
            lib.translations
                .get(key)
                .and_then(|ids| {
                    ids.iter()
                        .find(|&&i| lib.pages[i].lang == lang)
                        .or_else(|| {
                            ids.iter()
                                .find(|&&i| lib.pages[i].lang == c.default_language)
                        })
                })
                .map(|&i| self.url(&lib.pages[i].path))
        };
        let home = lib
            .section("", lang)
            .map(|id| lib.pages[id].path.clone())
            .unwrap_or_default();
        let menu: Vec<Value> = c
            .menu
            .iter()
            .filter_map(|dir| {
                let id = lib.section(dir, lang)?;
                Some(json!({ "title": lib.pages[id].title, "url": self.url(&lib.pages[id].path), "dir": dir }))
            })
            .collect();
        let languages: Vec<Value> = c
            .languages()
            .iter()
            .map(|l| json!({ "code": l.code, "name": l.name, "dir": l.dir }))
            .collect();
        json!({
            "title": c.title,
            "short_title": c.short_title,
            "owner": c.owner,
            "description": c.description,
            "base_url": self.base_url,
            "base_path": self.base_path,
            "home_url": self.url(&home),
            "accessibility_statement_url": c.accessibility_statement_url,
            "reserved_area_url": c.reserved_area_url,
            "feedback_url": c.feedback_url,
            "transparency_url": c.transparency_url,
            "privacy_url": page_url(&c.pages.privacy),
            "legal_url": page_url(&c.pages.legal),
            "contacts_url": page_url(&c.pages.contacts),
            "accessibility_url": page_url(&c.pages.accessibility),
            "sitemap_page_url": self.url(&format!("{}{SITEMAP_PAGE}/", self.lang_prefix(lang))),
            "search_url": self.url(&format!("{}{SEARCH_PAGE}/", self.lang_prefix(lang))),
            "az_url": self.url(&format!("{}{AZ_PAGE}/", self.lang_prefix(lang))),
            "tags_url": self.url(&format!("{}{}/", self.lang_prefix(lang), c.taxonomies.tags_path)),
            "contacts": {
                "address": c.contacts.address,
                "phone": c.contacts.phone,
                "email": c.contacts.email,
                "pec": c.contacts.pec,
                "tax_code": c.contacts.tax_code,
            },
            "languages": languages,
            "menu": menu,
        })
    }

    /// The listing entry of a page: what section, tag and home listings show.
    pub fn summary(&self, id: PageId) -> Value {
        let p = &self.library.pages[id];
        json!({
            "title": p.title,
            "url": self.url(&p.path),
            "description": p.fm.description,
            "date": p.fm.date.map(|d| dates::long(d, &p.lang)),
            "date_iso": p.fm.date.map(|d| d.to_string()),
            "updated": p.fm.updated.map(|d| dates::long(d, &p.lang)),
            "tags": self.tag_links(id),
        })
    }

    fn tag_links(&self, id: PageId) -> Vec<Value> {
        let p = &self.library.pages[id];
        p.fm
            .tags
            .iter()
            .filter_map(|t| {
                let slug = slug::slugify(t);
                (!slug.is_empty()).then(|| {
                    json!({ "name": t, "url": self.url(&format!("{}{}/{slug}/", self.lang_prefix(&p.lang), self.config.taxonomies.tags_path)) })
                })
            })
            .collect()
    }

    fn breadcrumbs(&self, id: PageId, lang: &str) -> Vec<(String, String)> {
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

    fn translations(&self, id: PageId) -> Vec<Value> {
        let lib = self.library;
        let p = &lib.pages[id];
        let ids = &lib.translations[&p.key];
        if ids.len() < 2 {
            return Vec::new();
        }
        ids.iter()
            .map(|&tid| {
                let t = &lib.pages[tid];
                let name = self.config.language(&t.lang).map(|l| l.name).unwrap_or_else(|| t.lang.clone());
                json!({ "code": t.lang, "name": name, "url": self.url(&t.path), "current": tid == id })
            })
            .collect()
    }

    fn page_value(&self, id: PageId) -> Value {
        let lib = self.library;
        let p = &lib.pages[id];
        let section = lib.parent_section(id).and_then(|dir| lib.section(&dir, &p.lang)).map(|sid| {
            json!({ "title": lib.pages[sid].title, "url": self.url(&lib.pages[sid].path) })
        });
        let office = p.fm.office.as_ref().map(|o| {
            let area = self.config.area(&o.area);
            json!({
                "kind": o.kind,
                "owner": o.owner,
                "area": { "id": o.area, "name": area.map(|a| a.name.clone()).unwrap_or_default() },
                "address": o.address,
                "phone": o.phone,
                "email": o.email,
                "languages": o.languages,
                "hours": o.hours.iter().map(|h| json!({
                    "days": h.days.iter().map(|d| d.italian()).collect::<Vec<_>>().join(", "),
                    "open": String::from(h.open),
                    "close": String::from(h.close),
                    "note": h.note,
                })).collect::<Vec<_>>(),
            })
        });
        let faq = p.fm.faq.as_ref().map(|f| {
            json!({
                "source": f.source,
                "validated": f.validated.map(|d| dates::long(d, &p.lang)),
                "validated_iso": f.validated.map(|d| d.to_string()),
                "report": f.report,
            })
        });
        let text = &self.rendered[id].text;
        let summary: String = text.chars().take(300).collect();
        json!({
            "title": p.title,
            "description": p.fm.description,
            "content": self.rendered[id].html,
            "url": self.url(&p.path),
            "permalink": self.permalink(&p.path),
            "date": p.fm.date.map(|d| dates::long(d, &p.lang)),
            "date_iso": p.fm.date.map(|d| d.to_string()),
            "updated": p.fm.updated.map(|d| dates::long(d, &p.lang)),
            "updated_iso": p.fm.updated.map(|d| d.to_string()),
            "tags": self.tag_links(id),
            "section": section,
            "faq": faq,
            "office": office,
            "document": self.document_value(id),
            "summary": summary,
            "extra": p.fm.extra,
        })
    }

    fn paginator(&self, base: &str, page_no: usize, total: usize) -> Value {
        if total <= 1 {
            return Value::Null;
        }
        let url = |n: usize| self.url(&paginated(base, n));
        json!({
            "current": page_no,
            "total": total,
            "prev_url": (page_no > 1).then(|| url(page_no - 1)),
            "next_url": (page_no < total).then(|| url(page_no + 1)),
            "pages": (1..=total).map(|n| json!({ "number": n, "url": url(n), "current": n == page_no })).collect::<Vec<_>>(),
        })
    }

    fn head(&self, h: Head<'_>) -> Value {
        let Head {
            title,
            description,
            path,
            lang,
            alternates,
            og_type,
            jsonld,
        } = h;
        let has_feed = self.shared.feed_langs.contains(lang);
        json!({
            "title": title,
            "description": description,
            "canonical": self.permalink(path),
            "alternates": alternates.iter().map(|(l, u)| json!({ "lang": l, "url": u })).collect::<Vec<_>>(),
            "og_type": og_type,
            "og_locale": seo::og_locale(lang),
            "feed_url": has_feed.then(|| self.url(&format!("{}atom.xml", self.lang_prefix(lang)))),
            "jsonld": jsonld,
        })
    }

    /// The `<head>`, breadcrumbs and (no) translations of a generated listing page.
    fn listing_head(
        &self,
        ctx: &mut Ctx,
        title: &str,
        path: &str,
        lang: &str,
        crumbs: &[(String, String)],
    ) {
        let jsonld = seo::breadcrumb_jsonld(self, crumbs);
        ctx.insert(
            "head",
            &self.head(Head {
                title,
                description: title,
                path,
                lang,
                alternates: &[],
                og_type: "website",
                jsonld,
            }),
        );
        ctx.insert("breadcrumbs", &crumbs_value(crumbs));
        ctx.insert("translations", &Vec::<Value>::new());
    }

    /// Breadcrumbs that start at the home page of `lang`.
    fn home_crumbs(&self, lang: &str) -> Vec<(String, String)> {
        let lib = self.library;
        lib.section("", lang)
            .map(|h| (lib.pages[h].title.clone(), self.url(&lib.pages[h].path)))
            .into_iter()
            .collect()
    }

    fn full_title(&self, title: &str, section: Option<&str>) -> String {
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

    /// Builds the context of a job and renders it.
    pub fn render(&self, job: &Job) -> Result<String, Box<Diagnostic>> {
        self.render_prepared(job, self.prepare(job, false))
    }

    /// A fingerprint of everything a prepared job's output is made from: the theme, the
    /// template's name, the job's context and the site-wide values it will get; `None` when the
    /// job was prepared without one. Templates read nothing else (the theme registers no function
    /// that reads the site), so two preparations with one fingerprint render the same bytes.
    pub fn fingerprint(&self, prepared: &Prepared) -> Option<u64> {
        use std::hash::Hasher;
        let mut h = prepared.ctx.hasher.clone()?;
        h.write_u64(self.theme.fingerprint);
        h.write_u64(self.shared.print);
        h.write(prepared.template.as_bytes());
        h.write_u8(0);
        h.write(prepared.lang.as_bytes());
        h.write_u64(prepared.active.map_or(0, |a| a as u64 + 1));
        Some(h.finish())
    }

    /// The template and context of a job, without the site-wide values every job shares.
    /// With `fingerprint`, the preparation also gets the fingerprint of its context.
    pub fn prepare(&self, job: &Job, fingerprint: bool) -> Prepared {
        let lib = self.library;
        let mut ctx = Ctx::new(fingerprint);
        for key in [
            "page",
            "section",
            "paginator",
            "tags",
            "tag",
            "redirect_to",
            "sitemap",
        ] {
            ctx.insert(key, &Value::Null);
        }
        ctx.insert("live_reload", &self.live_reload);
        let (template, lang): (String, String) = match job {
            Job::Page(id) | Job::Section { id, .. } => {
                let p = &lib.pages[*id];
                let lang = p.lang.clone();
                let page_no = match job {
                    Job::Section { page_no, .. } => *page_no,
                    _ => 1,
                };
                let path = paginated(&p.path, page_no);
                let crumbs = self.breadcrumbs(*id, &lang);
                let translations = self.translations(*id);
                let alternates: Vec<(String, String)> = if page_no == 1 && translations.len() > 1 {
                    lib.translations[&p.key]
                        .iter()
                        .map(|&t| {
                            (
                                lib.pages[t].lang.clone(),
                                self.permalink(&lib.pages[t].path),
                            )
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                let section_title = lib
                    .parent_section(*id)
                    .and_then(|d| lib.section(&d, &lang))
                    .map(|s| lib.pages[s].title.clone());
                let mut title = if p.dir.is_empty() && p.is_section {
                    format!("{} – {}", p.title, self.config.owner)
                } else {
                    self.full_title(&p.title, section_title.as_deref().filter(|_| !p.is_section))
                };
                if page_no > 1 {
                    title = format!("{} ({} {page_no})", title, self.t(&lang, "page_n"));
                }
                let jsonld = seo::jsonld(self, *id, &crumbs);
                let og_type = if p.is_section { "website" } else { "article" };
                ctx.insert(
                    "head",
                    &self.head(Head {
                        title: &title,
                        description: &p.fm.description,
                        path: &path,
                        lang: &lang,
                        alternates: &alternates,
                        og_type,
                        jsonld,
                    }),
                );
                ctx.insert("breadcrumbs", &crumbs_value(&crumbs));
                ctx.insert("translations", &translations);
                ctx.insert("page", &self.page_value(*id));
                if page_no == 1 {
                    let filters: Vec<Value> = self
                        .search_filters(*id)
                        .into_iter()
                        .map(|(name, value)| json!({ "name": name, "value": value }))
                        .collect();
                    ctx.insert("search", &json!({ "filters": filters }));
                }
                let template = if p.is_section {
                    let all = lib.pages_in(&p.dir, &lang);
                    let (shown, total) = page_slice(all.len(), p.fm.paginate_by, page_no);
                    let slice = &all[shown];
                    let subsections: Vec<Value> = lib
                        .subsections
                        .get(&p.dir)
                        .map(|subs| {
                            subs.iter()
                                .filter_map(|d| lib.section(d, &lang))
                                .map(|sid| {
                                    let s = &lib.pages[sid];
                                    json!({ "title": s.title, "url": self.url(&s.path), "description": s.fm.description, "count": lib.pages_under(&s.dir, &lang).len() })
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    ctx.insert(
                        "section",
                        &json!({
                            "title": p.title,
                            "description": p.fm.description,
                            "content": self.rendered[*id].html,
                            "url": self.url(&p.path),
                            "permalink": self.permalink(&p.path),
                            "pages": slice.iter().map(|&c| self.summary(c)).collect::<Vec<_>>(),
                            "subsections": subsections,
                        }),
                    );
                    ctx.insert("paginator", &self.paginator(&p.path, page_no, total));
                    if self.archive_dir().as_deref() == Some(p.dir.as_str())
                        && p.lang == self.config.default_language
                    {
                        ctx.insert(
                            "archive",
                            &json!({ "facets": self.archive_facet_links(&lang, None) }),
                        );
                    }
                    if all.iter().any(|&c| lib.pages[c].fm.office.is_some()) {
                        ctx.insert("directory", &self.directory(&all, &lang));
                    }
                    p.fm.template.clone().unwrap_or_else(|| {
                        if p.dir.is_empty() {
                            "index.html".into()
                        } else {
                            "section.html".into()
                        }
                    })
                } else {
                    p.fm.template.clone().unwrap_or_else(|| {
                        if p.fm.office.is_some() && self.theme.tera.contains_template("office.html")
                        {
                            "office.html".into()
                        } else if p.fm.faq.is_some()
                            && self.theme.tera.contains_template("faq.html")
                        {
                            "faq.html".into()
                        } else {
                            "page.html".into()
                        }
                    })
                };
                (template, lang)
            }
            Job::TagIndex { lang } | Job::Tag { lang, .. } => {
                let tags_path = format!(
                    "{}{}/",
                    self.lang_prefix(lang),
                    self.config.taxonomies.tags_path
                );
                let mut crumbs = self.home_crumbs(lang);
                let index_title = self.t(lang, "tags");
                crumbs.push((index_title.clone(), self.url(&tags_path)));
                let empty = Default::default();
                let all = lib.tags.get(lang).unwrap_or(&empty);
                let (title, path, template) = if let Job::Tag { slug, page_no, .. } = job {
                    let (name, pages) = &all[slug];
                    let base = format!("{tags_path}{slug}/");
                    let (shown, total) = page_slice(
                        pages.len(),
                        Some(self.config.taxonomies.paginate_by.max(1)),
                        *page_no,
                    );
                    let slice: Vec<Value> =
                        pages[shown].iter().map(|&id| self.summary(id)).collect();
                    ctx.insert(
                        "tag",
                        &json!({ "name": name, "url": self.url(&base), "pages": slice }),
                    );
                    ctx.insert("paginator", &self.paginator(&base, *page_no, total));
                    crumbs.push((name.clone(), self.url(&base)));
                    let mut title = self.full_title(name, Some(&index_title));
                    if *page_no > 1 {
                        title = format!("{title} ({} {page_no})", self.t(lang, "page_n"));
                    }
                    (title, paginated(&base, *page_no), "tag.html")
                } else {
                    let tags: Vec<Value> = all
                        .iter()
                        .map(|(slug, (name, pages))| json!({ "name": name, "url": self.url(&format!("{tags_path}{slug}/")), "count": pages.len() }))
                        .collect();
                    ctx.insert("tags", &tags);
                    (
                        self.full_title(&index_title, None),
                        tags_path.clone(),
                        "tags.html",
                    )
                };
                self.listing_head(&mut ctx, &title, &path, lang, &crumbs);
                (template.to_string(), lang.clone())
            }
            Job::Special { kind, lang } => {
                let path = format!("{}{}/", self.lang_prefix(lang), kind.segment());
                let title = self.t(lang, kind.title_key());
                let mut crumbs = self.home_crumbs(lang);
                crumbs.push((title.clone(), self.url(&path)));
                match kind {
                    Special::Sitemap => ctx.insert("sitemap", &self.sitemap_tree("", lang)),
                    Special::Search => ctx.insert("search_page", &self.search_page(lang, &path)),
                    Special::AtoZ => ctx.insert("az", &self.az_index(lang)),
                }
                let full = self.full_title(&title, None);
                self.listing_head(&mut ctx, &full, &path, lang, &crumbs);
                (kind.template().into(), lang.clone())
            }
            Job::Archive { facet, page_no } => {
                let lang = self.config.default_language.clone();
                let archive_dir = self.archive_dir().unwrap_or_default();
                let mut crumbs = self.home_crumbs(&lang);
                let section_title = lib.section(&archive_dir, &lang).map(|sid| {
                    crumbs.push((lib.pages[sid].title.clone(), self.url(&lib.pages[sid].path)));
                    lib.pages[sid].title.clone()
                });
                let heading = match facet {
                    ArchiveFacet::Year(y) => format!("{} {y}", self.t(&lang, "archive_year")),
                    ArchiveFacet::Kind(k) => self.t(&lang, &format!("doc_kind_{k}")),
                    ArchiveFacet::Issuer(i) => format!("{} {i}", self.t(&lang, "archive_issuer")),
                };
                let base = self.archive_path(facet);
                crumbs.push((heading.clone(), self.url(&base)));
                let docs = self
                    .archive_facets()
                    .get(facet)
                    .cloned()
                    .unwrap_or_default();
                let total = docs.len().div_ceil(ARCHIVE_PAGE_SIZE).max(1);
                let slice: Vec<Value> = docs
                    .iter()
                    .skip((page_no - 1) * ARCHIVE_PAGE_SIZE)
                    .take(ARCHIVE_PAGE_SIZE)
                    .map(|&id| self.document_summary(id))
                    .collect();
                ctx.insert(
                    "archive",
                    &json!({ "title": heading, "documents": slice, "facets": self.archive_facet_links(&lang, Some(facet)) }),
                );
                ctx.insert("paginator", &self.paginator(&base, *page_no, total));
                let mut title = self.full_title(&heading, section_title.as_deref());
                if *page_no > 1 {
                    title = format!("{title} ({} {page_no})", self.t(&lang, "page_n"));
                }
                let path = paginated(&base, *page_no);
                self.listing_head(&mut ctx, &title, &path, &lang, &crumbs);
                ("archive.html".into(), lang)
            }
            Job::Network { view } => {
                let lang = self.config.default_language.clone();
                let network = self
                    .network
                    .expect("network jobs exist only with a network");
                let all_title = self.t(&lang, "network_title");
                let mut crumbs = self.home_crumbs(&lang);
                let folder = network.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                if !folder.is_empty()
                    && let Some(sid) = lib.section(folder, &lang)
                {
                    crumbs.push((lib.pages[sid].title.clone(), self.url(&lib.pages[sid].path)));
                }
                crumbs.push((
                    all_title.clone(),
                    self.url(&self.network_path(&NetworkView::All)),
                ));
                let heading = match view {
                    NetworkView::All => all_title.clone(),
                    NetworkView::Kind(k) => format!("{all_title}: {}", network::kind_label(k)),
                    NetworkView::Area(a) => {
                        format!(
                            "{all_title}: {}",
                            self.config.area(a).map(|x| x.name.as_str()).unwrap_or(a)
                        )
                    }
                };
                let path = self.network_path(view);
                if !matches!(view, NetworkView::All) {
                    crumbs.push((heading.clone(), self.url(&path)));
                }
                ctx.insert("services", &self.network_value(network, view, &heading));
                let title = self.full_title(&heading, None);
                self.listing_head(&mut ctx, &title, &path, &lang, &crumbs);
                ("services.html".into(), lang)
            }
            Job::NotFound => {
                let lang = self.config.default_language.clone();
                let title = self.full_title(&self.t(&lang, "not_found_title"), None);
                ctx.insert(
                    "head",
                    &self.head(Head {
                        title: &title,
                        description: &title,
                        path: "404.html",
                        lang: &lang,
                        alternates: &[],
                        og_type: "website",
                        jsonld: "{}".into(),
                    }),
                );
                ctx.insert("breadcrumbs", &crumbs_value(&self.home_crumbs(&lang)));
                ctx.insert("translations", &Vec::<Value>::new());
                ("404.html".into(), lang)
            }
            Job::Alias { to, .. } => {
                let target = &lib.pages[*to];
                let lang = target.lang.clone();
                ctx.insert("redirect_to", &self.permalink(&target.path));
                ctx.insert(
                    "head",
                    &self.head(Head {
                        title: &target.title,
                        description: &target.fm.description,
                        path: &target.path,
                        lang: &lang,
                        alternates: &[],
                        og_type: "website",
                        jsonld: "{}".into(),
                    }),
                );
                ctx.insert("breadcrumbs", &Vec::<Value>::new());
                ctx.insert("translations", &Vec::<Value>::new());
                ctx.insert(
                    "page",
                    &json!({ "title": target.title, "url": self.url(&target.path) }),
                );
                ("alias.html".into(), lang)
            }
        };
        let dir = self
            .config
            .language(&lang)
            .map(|l| l.dir)
            .unwrap_or_else(|| "ltr".into());
        ctx.insert("lang", &lang);
        ctx.insert("dir", &dir);
        let current_dir = match job {
            Job::Page(id) | Job::Section { id, .. } => lib.pages[*id].dir.as_str(),
            _ => "",
        };
        let active = self.shared.menu_dirs[&lang].iter().position(|d| {
            current_dir == d
                || current_dir
                    .strip_prefix(d.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        });
        Prepared {
            template,
            lang,
            active,
            ctx,
        }
    }

    /// Renders a job from its preparation.
    pub fn render_prepared(
        &self,
        job: &Job,
        prepared: Prepared,
    ) -> Result<String, Box<Diagnostic>> {
        let lib = self.library;
        let Prepared {
            template,
            lang,
            active,
            ctx,
        } = prepared;
        let mut ctx = ctx.inner;
        ctx.insert_value(
            "site",
            self.shared.site_values[&(lang.clone(), active)].clone(),
        );
        ctx.insert_value("t", self.shared.strings[&lang].clone());
        self.theme.tera.render(&template, &ctx).map_err(|e| {
            let file = match job {
                Job::Page(id) | Job::Section { id, .. } | Job::Alias { to: id, .. } => lib.pages[*id].file.clone(),
                _ => std::path::PathBuf::from(format!("themes/{}/templates/{template}", self.config.theme)),
            };
            let help = if matches!(e.kind(), tera::ErrorKind::TemplateNotFound(_)) {
                format!("creare themes/{}/templates/{template} o correggere `template:` nel front matter", self.config.theme)
            } else {
                format!("correggere il modello `{template}` del tema")
            };
            Box::new(
                Diagnostic::error(file, 0, 0, format!("impossibile comporre la pagina con il modello `{template}`: {e}"))
                    .with_help(help),
            )
        })
    }

    /// The section that holds the archive's documents (the parent of the first document page).
    pub fn archive_dir(&self) -> Option<String> {
        let lib = self.library;
        self.documents
            .keys()
            .copied()
            .filter(|&id| lib.pages[id].lang == self.config.default_language)
            .min()
            .and_then(|id| lib.parent_section(id))
    }

    fn archive_path(&self, facet: &ArchiveFacet) -> String {
        let dir = self.archive_dir().unwrap_or_default();
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        match facet {
            ArchiveFacet::Year(y) => format!("{prefix}anno/{y}/"),
            ArchiveFacet::Kind(k) => format!("{prefix}tipo/{}/", slug::slugify(k)),
            ArchiveFacet::Issuer(i) => format!("{prefix}ente/{}/", slug::slugify(i)),
        }
    }

    /// Every facet of the archive with its documents, newest first (computed once per renderer).
    fn archive_facets(&self) -> &std::collections::BTreeMap<ArchiveFacet, Vec<PageId>> {
        &self.archive
    }

    fn compute_archive_facets(&self) -> std::collections::BTreeMap<ArchiveFacet, Vec<PageId>> {
        let lib = self.library;
        let mut ids: Vec<PageId> = self
            .documents
            .keys()
            .copied()
            .filter(|&id| lib.pages[id].lang == self.config.default_language)
            .collect();
        ids.sort_by(|&a, &b| {
            let (pa, pb) = (&lib.pages[a], &lib.pages[b]);
            pb.fm
                .date
                .cmp(&pa.fm.date)
                .then_with(|| pa.title.cmp(&pb.title))
        });
        let mut facets: std::collections::BTreeMap<ArchiveFacet, Vec<PageId>> = Default::default();
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

    fn archive_facet_links(&self, lang: &str, current: Option<&ArchiveFacet>) -> Value {
        let mut years = Vec::new();
        let mut kinds = Vec::new();
        let mut issuers = Vec::new();
        for (facet, docs) in self.archive_facets() {
            let label = match &facet {
                ArchiveFacet::Year(y) => y.to_string(),
                ArchiveFacet::Kind(k) => self.t(lang, &format!("doc_kind_{k}")),
                ArchiveFacet::Issuer(i) => i.clone(),
            };
            let link = json!({
                "label": label,
                "url": self.url(&self.archive_path(facet)),
                "count": docs.len(),
                "current": current == Some(facet),
            });
            match facet {
                ArchiveFacet::Year(_) => years.push(link),
                ArchiveFacet::Kind(_) => kinds.push(link),
                ArchiveFacet::Issuer(_) => issuers.push(link),
            }
        }
        years.reverse();
        json!({ "years": years, "kinds": kinds, "issuers": issuers })
    }

    /// A document in archive listings: its page, and the file's format, size, date, issuer, number.
    fn document_summary(&self, id: PageId) -> Value {
        let mut v = self.summary(id);
        v["document"] = self.document_value(id);
        v
    }

    /// The `document` object of a page: front matter and the file's URL, format and size.
    fn document_value(&self, id: PageId) -> Value {
        let p = &self.library.pages[id];
        json!(
            p.fm.document
                .as_ref()
                .zip(self.documents.get(&id))
                .map(|(d, f)| json!({
                    "file": d.file,
                    "kind": d.kind,
                    "issuer": d.issuer,
                    "number": d.number,
                    "lang": d.lang,
                    "url": self.url(&f.rel),
                    "format": f.format,
                    "size": f.size_label,
                }))
        )
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

    fn network_value(&self, network: &Network, view: &NetworkView, heading: &str) -> Value {
        let area_name = |id: &str| {
            self.config
                .area(id)
                .map(|a| a.name.clone())
                .unwrap_or_else(|| id.to_string())
        };
        let entry = |s: &network::Service| {
            json!({
                "name": s.name,
                "kind": network::kind_label(&s.kind),
                "area": area_name(&s.area),
                "municipality": s.municipality,
                "address": s.address,
                "phone": s.phone,
                "email": s.email,
                "website": s.website,
            })
        };
        // The full list and the per-kind lists are grouped by area; per-area lists by kind.
        let groups: Vec<Value> = match view {
            NetworkView::Area(a) => network
                .grouped(|s| &s.kind)
                .into_iter()
                .filter_map(|(k, list)| {
                    let list: Vec<Value> = list.into_iter().filter(|s| &s.area == a).map(entry).collect();
                    (!list.is_empty()).then(|| json!({ "heading": network::kind_label(&k), "anchor": slug::slugify(&k), "entries": list }))
                })
                .collect(),
            _ => self
                .config
                .areas
                .iter()
                .filter_map(|area| {
                    let list: Vec<Value> = network
                        .services
                        .iter()
                        .filter(|s| s.area == area.id)
                        .filter(|s| match view {
                            NetworkView::Kind(k) => &s.kind == k,
                            _ => true,
                        })
                        .map(entry)
                        .collect();
                    (!list.is_empty()).then(|| json!({ "heading": area.name, "anchor": slug::slugify(&area.id), "entries": list }))
                })
                .collect(),
        };
        let kinds: Vec<Value> = network
            .grouped(|s| &s.kind)
            .into_iter()
            .map(|(k, list)| {
                let v = NetworkView::Kind(k.clone());
                json!({ "label": network::kind_label(&k), "url": self.url(&self.network_path(&v)), "count": list.len(), "current": *view == v })
            })
            .collect();
        let areas: Vec<Value> = self
            .config
            .areas
            .iter()
            .filter_map(|a| {
                let count = network.services.iter().filter(|s| s.area == a.id).count();
                let v = NetworkView::Area(a.id.clone());
                (count > 0).then(|| json!({ "label": a.name, "url": self.url(&self.network_path(&v)), "count": count, "current": *view == v }))
            })
            .collect();
        let base = network.base_path();
        json!({
            "title": heading,
            "total": network.services.len(),
            "groups": groups,
            "kinds": kinds,
            "areas": areas,
            "all_url": self.url(&base),
            "is_all": *view == NetworkView::All,
            "csv_url": self.url(&network.rel),
            "json_url": self.url(&format!("{}.json", base.trim_end_matches('/'))),
        })
    }

    /// Offices of a section grouped by area, with the per-area opening-hours figures.
    fn directory(&self, pages: &[PageId], lang: &str) -> Value {
        let lib = self.library;
        let offices: Vec<(PageId, &respi_sources::frontmatter::Office)> = pages
            .iter()
            .filter_map(|&id| lib.pages[id].fm.office.as_ref().map(|o| (id, o)))
            .collect();
        let figures = directory::area_figures(self.config, offices.iter().map(|(_, o)| *o));
        let by_area: Vec<(String, Vec<Value>)> = figures
            .iter()
            .map(|f| {
                let list = offices
                    .iter()
                    .filter(|(_, o)| o.area == f.id)
                    .map(|(id, o)| {
                        json!({
                            "title": lib.pages[*id].title,
                            "url": self.url(&lib.pages[*id].path),
                            "owner": o.owner,
                            "address": o.address,
                            "weekly_hours": directory::italian_number(f64::from(directory::weekly_minutes(o)) / 60.0, 1),
                        })
                    })
                    .collect();
                (f.id.clone(), list)
            })
            .collect();
        directory::context(
            self.config,
            &figures,
            &by_area,
            &self.t(lang, "directory_caption"),
        )
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

    fn search_page(&self, lang: &str, path: &str) -> Value {
        let languages: Vec<Value> = self
            .config
            .languages()
            .iter()
            .filter(|l| {
                self.library
                    .sections
                    .contains_key(&(String::new(), l.code.clone()))
            })
            .map(|l| {
                json!({
                    "code": l.code,
                    "name": l.name,
                    "url": self.url(&format!("{}{SEARCH_PAGE}/", self.lang_prefix(&l.code))),
                    "current": l.code == lang,
                })
            })
            .collect();
        let filters: Vec<Value> = [
            ("tipo", "filter_kind"),
            ("area", "filter_area"),
            ("argomento", "filter_topic"),
        ]
        .iter()
        .map(|(name, key)| json!({ "name": name, "label": self.t(lang, key) }))
        .collect();
        json!({
            "url": self.url(path),
            "languages": if languages.len() > 1 { languages } else { Vec::new() },
            "filters": filters,
        })
    }

    /// The A–Z index: tags and page titles of one language, grouped by initial.
    fn az_index(&self, lang: &str) -> Value {
        let lib = self.library;
        let mut entries: Vec<(String, String, String, bool)> = Vec::new();
        for p in lib
            .pages
            .iter()
            .filter(|p| p.lang == lang && !(p.is_section && p.dir.is_empty()))
        {
            entries.push((
                sort_key(&p.title),
                p.title.clone(),
                self.url(&p.path),
                false,
            ));
        }
        for (slug, (name, _)) in lib.tags.get(lang).into_iter().flatten() {
            let url = self.url(&format!(
                "{}{}/{slug}/",
                self.lang_prefix(lang),
                self.config.taxonomies.tags_path
            ));
            entries.push((sort_key(name), name.clone(), url, true));
        }
        entries.sort();
        let mut groups: Vec<Value> = Vec::new();
        let mut current: Option<(String, Vec<Value>)> = None;
        for (key, title, url, is_tag) in entries {
            let letter = key
                .chars()
                .next()
                .map(|c| c.to_uppercase().to_string())
                .unwrap_or_else(|| "#".into());
            let letter = if letter.chars().all(char::is_alphabetic) {
                letter
            } else {
                "#".into()
            };
            if current.as_ref().is_none_or(|(l, _)| *l != letter) {
                if let Some((l, list)) = current.take() {
                    groups.push(az_group(&l, list));
                }
                current = Some((letter, Vec::new()));
            }
            if let Some((_, list)) = current.as_mut() {
                list.push(json!({ "title": title, "url": url, "is_tag": is_tag }));
            }
        }
        if let Some((l, list)) = current {
            groups.push(az_group(&l, list));
        }
        Value::Array(groups)
    }

    fn sitemap_tree(&self, dir: &str, lang: &str) -> Value {
        let lib = self.library;
        let Some(sid) = lib.section(dir, lang) else {
            return Value::Null;
        };
        let s = &lib.pages[sid];
        let children: Vec<Value> = lib
            .subsections
            .get(dir)
            .map(|subs| {
                subs.iter()
                    .map(|d| self.sitemap_tree(d, lang))
                    .filter(|v| !v.is_null())
                    .collect()
            })
            .unwrap_or_default();
        json!({
            "title": s.title,
            "url": self.url(&s.path),
            "pages": lib.pages_in(dir, lang).iter().map(|&id| json!({ "title": lib.pages[id].title, "url": self.url(&lib.pages[id].path) })).collect::<Vec<_>>(),
            "sections": children,
        })
    }
}

/// A job ready to render: its template and its own context, without `site` and `t`.
pub struct Prepared {
    template: String,
    lang: String,
    active: Option<usize>,
    ctx: Ctx,
}

/// A template context that can fingerprint what goes into it.
struct Ctx {
    inner: tera::Context,
    /// Fed with every key and value inserted, when the job's output is to be fingerprinted.
    hasher: Option<std::collections::hash_map::DefaultHasher>,
}

impl Ctx {
    fn new(fingerprint: bool) -> Ctx {
        Ctx {
            inner: tera::Context::new(),
            hasher: fingerprint.then(Default::default),
        }
    }

    fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if let Some(h) = &mut self.hasher {
            std::hash::Hasher::write(h, key.as_bytes());
            hash_json(h, value);
        }
        self.inner.insert(key, value);
    }
}

/// Feeds a value's JSON form into a hasher without building it. serde_json's maps sort their
/// keys; a map that serialises in no fixed order only makes fingerprints differ, which costs a
/// render, never a stale page.
fn hash_json<T: serde::Serialize + ?Sized>(h: &mut impl std::hash::Hasher, value: &T) {
    struct Sink<'h, H: std::hash::Hasher>(&'h mut H);
    impl<H: std::hash::Hasher> std::io::Write for Sink<'_, H> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    serde_json::to_writer(Sink(h), value).expect("a template value serialises");
}

/// The `<head>` facts of one output page.
struct Head<'h> {
    title: &'h str,
    description: &'h str,
    path: &'h str,
    lang: &'h str,
    alternates: &'h [(String, String)],
    og_type: &'h str,
    jsonld: String,
}

/// Key that sorts accented and capitalised titles as readers expect ("È" with "E").
fn sort_key(title: &str) -> String {
    slug::slugify(title)
}

fn az_group(letter: &str, entries: Vec<Value>) -> Value {
    let anchor = if letter == "#" {
        "altro".to_string()
    } else {
        slug::slugify(letter)
    };
    json!({ "letter": letter, "anchor": anchor, "entries": entries })
}

fn crumbs_value(crumbs: &[(String, String)]) -> Vec<Value> {
    crumbs
        .iter()
        .map(|(t, u)| json!({ "title": t, "url": u }))
        .collect()
}

/// The path of page `n` of a paginated listing at `base`.
pub fn paginated(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}{PAGINATION_SEGMENT}/{n}/")
    }
}
