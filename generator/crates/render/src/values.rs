//! The values that templates of every kind receive: links, breadcrumbs, a page's summary in a
//! listing, its tags and translations, the paginator, the facts of the `<head>`. Each is a typed
//! struct, so a field renamed here fails to compile instead of rendering nothing; the theme's
//! README lists them as the templates see them.

use serde::Serialize;

use crate::dates;
use crate::inputs::Inputs;
use crate::jobs::paginated;
use crate::jsonld;
use respi_sources::events;
use respi_sources::library::PageId;

/// A title and its URL (breadcrumbs, a page's section, an alias's target).
#[derive(Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

impl Link {
    pub fn crumbs(crumbs: &[(String, String)]) -> Vec<Link> {
        crumbs
            .iter()
            .map(|(title, url)| Link {
                title: title.clone(),
                url: url.clone(),
            })
            .collect()
    }
}

/// What every output's template gets: its `<head>`, breadcrumbs and translations.
#[derive(Serialize)]
pub struct Frame {
    pub head: Head,
    pub breadcrumbs: Vec<Link>,
    pub translations: Vec<Translation>,
}

/// A tag of a page, with its page.
#[derive(Serialize)]
pub struct TagLink {
    pub name: String,
    pub url: String,
}

/// A page as listings (sections, tags, the home page) show it.
#[derive(Serialize)]
pub struct Summary {
    pub title: String,
    pub url: String,
    pub description: String,
    pub date: Option<String>,
    pub date_iso: Option<String>,
    pub updated: Option<String>,
    pub tags: Vec<TagLink>,
    /// Date, place and state, for a training session or a meeting.
    pub event: Option<EventBrief>,
}

/// What a listing shows of a training session or a meeting.
#[derive(Serialize)]
pub struct EventBrief {
    pub kind_label: String,
    pub date: Option<String>,
    pub date_iso: Option<String>,
    pub place: String,
    pub status_label: String,
}

/// The same page in another language, for the language switcher.
#[derive(Serialize)]
pub struct Translation {
    pub code: String,
    pub name: String,
    pub url: String,
    pub current: bool,
}

/// The pages of a listing.
#[derive(Serialize)]
pub struct Paginator {
    pub current: usize,
    pub total: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageNumber>,
}

/// One page of a listing, in the paginator.
#[derive(Serialize)]
pub struct PageNumber {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// A link to a listing with the number of its entries (archive and network facets).
#[derive(Serialize)]
pub struct FacetLink {
    pub label: String,
    pub url: String,
    pub count: usize,
    pub current: bool,
}

/// The `<head>` of an output.
#[derive(Serialize)]
pub struct Head {
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub alternates: Vec<Alternate>,
    pub og_type: &'static str,
    pub og_locale: &'static str,
    pub feed_url: Option<String>,
    /// Structured data, ready for a `<script type="application/ld+json">`.
    pub jsonld: String,
}

/// The address of a translation, for `hreflang` alternates.
#[derive(Serialize)]
pub struct Alternate {
    pub lang: String,
    pub url: String,
}

/// What the `<head>` of an output says, before it is made into [`Head`].
pub struct HeadFacts<'h> {
    pub title: &'h str,
    pub description: &'h str,
    pub path: &'h str,
    pub lang: &'h str,
    /// (language, absolute URL) of each translation
    pub alternates: &'h [(String, String)],
    pub og_type: &'static str,
    pub jsonld: String,
}

/// The document of a page of the archive: its front matter, and the file's URL, format, size.
#[derive(Serialize)]
pub struct DocumentValue {
    pub file: String,
    pub kind: String,
    pub issuer: String,
    pub number: String,
    pub lang: Option<String>,
    pub url: String,
    pub format: String,
    pub size: String,
}

impl Inputs<'_> {
    /// The frame of a generated listing: a `<head>` of its own with the breadcrumbs as
    /// structured data, the breadcrumbs, no translations.
    pub fn listing_frame(
        &self,
        title: &str,
        path: &str,
        lang: &str,
        crumbs: &[(String, String)],
    ) -> Frame {
        let jsonld = jsonld::breadcrumb_jsonld(self, crumbs);
        Frame {
            head: self.head(HeadFacts {
                title,
                description: title,
                path,
                lang,
                alternates: &[],
                og_type: "website",
                jsonld,
            }),
            breadcrumbs: Link::crumbs(crumbs),
            translations: Vec::new(),
        }
    }

    /// The listing entry of a page: what section, tag and home listings show.
    pub fn summary(&self, id: PageId) -> Summary {
        let p = &self.library.pages[id];
        Summary {
            title: p.title.clone(),
            url: self.url(&p.path),
            description: p.fm.description.clone(),
            date: p.fm.date.map(|d| dates::long(d, &p.lang)),
            date_iso: p.fm.date.map(|d| d.to_string()),
            updated: p.fm.updated.map(|d| dates::long(d, &p.lang)),
            tags: self.tag_links(id),
            event: self.event_brief(id),
        }
    }

    /// What a listing shows of a training session or a meeting.
    fn event_brief(&self, id: PageId) -> Option<EventBrief> {
        let p = &self.library.pages[id];
        let e = p.fm.event.as_ref()?;
        Some(EventBrief {
            kind_label: events::kind_label(&e.kind).to_string(),
            date: e.date.map(|d| dates::long(d, &p.lang)),
            date_iso: e.date.map(|d| d.to_string()),
            place: e.place.clone(),
            status_label: events::status_label(&e.status).to_string(),
        })
    }

    pub fn tag_links(&self, id: PageId) -> Vec<TagLink> {
        let p = &self.library.pages[id];
        p.fm.tags
            .iter()
            .filter_map(|t| {
                let slug = slug::slugify(t);
                (!slug.is_empty()).then(|| TagLink {
                    name: t.clone(),
                    url: self.url(&format!("{}{slug}/", self.tags_path(&p.lang))),
                })
            })
            .collect()
    }

    /// The page in every language, when it has translations.
    pub fn translations(&self, id: PageId) -> Vec<Translation> {
        let lib = self.library;
        let p = &lib.pages[id];
        let ids = &lib.translations[&p.key];
        if ids.len() < 2 {
            return Vec::new();
        }
        ids.iter()
            .map(|&tid| {
                let t = &lib.pages[tid];
                let name = self
                    .config
                    .language(&t.lang)
                    .map(|l| l.name)
                    .unwrap_or_else(|| t.lang.clone());
                Translation {
                    code: t.lang.clone(),
                    name,
                    url: self.url(&t.path),
                    current: tid == id,
                }
            })
            .collect()
    }

    /// The paginator of page `page_no` of `total` of the listing at `base`; none for a listing
    /// of one page.
    pub fn paginator(&self, base: &str, page_no: usize, total: usize) -> Option<Paginator> {
        if total <= 1 {
            return None;
        }
        let url = |n: usize| self.url(&paginated(base, n));
        Some(Paginator {
            current: page_no,
            total,
            prev_url: (page_no > 1).then(|| url(page_no - 1)),
            next_url: (page_no < total).then(|| url(page_no + 1)),
            pages: (1..=total)
                .map(|n| PageNumber {
                    number: n,
                    url: url(n),
                    current: n == page_no,
                })
                .collect(),
        })
    }

    pub fn head(&self, h: HeadFacts<'_>) -> Head {
        let has_feed = self.has_feed(h.lang);
        Head {
            title: h.title.to_string(),
            description: h.description.to_string(),
            canonical: self.permalink(h.path),
            alternates: h
                .alternates
                .iter()
                .map(|(lang, url)| Alternate {
                    lang: lang.clone(),
                    url: url.clone(),
                })
                .collect(),
            og_type: h.og_type,
            og_locale: og_locale(h.lang),
            feed_url: has_feed.then(|| self.url(&format!("{}atom.xml", self.lang_prefix(h.lang)))),
            jsonld: h.jsonld,
        }
    }

    /// The `document` object of a page: front matter and the file's URL, format and size.
    pub fn document_value(&self, id: PageId) -> Option<DocumentValue> {
        let p = &self.library.pages[id];
        let (d, f) = p.fm.document.as_ref().zip(self.documents.get(&id))?;
        Some(DocumentValue {
            file: d.file.clone(),
            kind: d.kind.clone(),
            issuer: d.issuer.clone(),
            number: d.number.clone(),
            lang: d.lang.clone(),
            url: self.url(&f.rel),
            format: f.format.clone(),
            size: f.size_label.clone(),
        })
    }
}

/// The Open Graph locale of a language.
pub fn og_locale(lang: &str) -> &'static str {
    match lang {
        "it" => "it_IT",
        "en" => "en_GB",
        "fr" => "fr_FR",
        "ar" => "ar_AR",
        "es" => "es_ES",
        "de" => "de_DE",
        _ => "it_IT",
    }
}
