//! The output of a page: its `<head>`, breadcrumbs, translations, and the page itself with its
//! office, FAQ or document. Sections (module `section`) start from the same context.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::context::Output;
use crate::dates;
use crate::events::{self, EventValue};
use crate::inputs::Inputs;
use crate::jobs::paginated;
use crate::jsonld;
use crate::values::{DocumentValue, Frame, HeadFacts, Link, TagLink};
use respi_sources::frontmatter::{Faq, Office};
use respi_sources::library::PageId;

/// The context of a page's template (`page.html`, `office.html`, `faq.html`, or its own).
#[derive(Serialize)]
pub struct PageContext<'a> {
    #[serde(flatten)]
    pub frame: Frame,
    pub page: PageValue<'a>,
    /// The filters of the search index, on the first page of an output only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<SearchFilters>,
}

/// A page as its own template shows it.
#[derive(Serialize)]
pub struct PageValue<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The body in HTML.
    pub content: &'a str,
    pub url: String,
    pub permalink: String,
    pub date: Option<String>,
    pub date_iso: Option<String>,
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    pub tags: Vec<TagLink>,
    /// The section the page is listed in.
    pub section: Option<Link>,
    pub faq: Option<FaqValue<'a>>,
    /// Invented content, shown with a note saying so.
    pub example: bool,
    /// A training session or a meeting, with its materials.
    pub event: Option<EventValue>,
    /// For a document: the events it holds materials of.
    pub material_of: Vec<Link>,
    pub office: Option<OfficeValue<'a>>,
    pub document: Option<DocumentValue>,
    /// The first 300 characters of the text.
    pub summary: String,
    pub extra: &'a Map<String, Value>,
}

#[derive(Serialize)]
pub struct FaqValue<'a> {
    pub source: &'a str,
    pub validated: Option<String>,
    pub validated_iso: Option<String>,
    pub report: Option<&'a str>,
}

#[derive(Serialize)]
pub struct OfficeValue<'a> {
    pub kind: &'a str,
    pub owner: &'a str,
    pub area: AreaValue,
    pub address: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub languages: &'a [String],
    pub hours: Vec<HoursValue>,
}

#[derive(Serialize)]
pub struct AreaValue {
    pub id: String,
    pub name: String,
}

/// One line of an office's opening hours.
#[derive(Serialize)]
pub struct HoursValue {
    /// The days in Italian, separated by commas.
    pub days: String,
    pub open: String,
    pub close: String,
    pub note: String,
}

/// The Pagefind filters of a page, which the layout writes for the search index.
#[derive(Serialize)]
pub struct SearchFilters {
    pub filters: Vec<Filter>,
}

#[derive(Serialize)]
pub struct Filter {
    pub name: &'static str,
    pub value: String,
}

/// The output of a page that is not a section.
pub fn output<'a>(inputs: &'a Inputs<'_>, id: PageId) -> Output<PageContext<'a>> {
    let p = &inputs.library.pages[id];
    let template = p.fm.template.clone().unwrap_or_else(|| {
        let has = |name: &str| inputs.theme.tera.contains_template(name);
        if p.fm.office.is_some() && has("office.html") {
            "office.html".into()
        } else if p.fm.faq.is_some() && has("faq.html") {
            "faq.html".into()
        } else {
            "page.html".into()
        }
    });
    Output {
        template,
        lang: p.lang.clone(),
        context: context(inputs, id, 1),
    }
}

/// The context of page `page_no` (from 1) of a page's output: more than one for a section
/// whose listing has pages.
pub fn context<'a>(inputs: &'a Inputs<'_>, id: PageId, page_no: usize) -> PageContext<'a> {
    let p = &inputs.library.pages[id];
    let crumbs = inputs.breadcrumbs(id, &p.lang);
    let translations = inputs.translations(id);
    let alternates = if page_no == 1 && translations.len() > 1 {
        alternates(inputs, id)
    } else {
        Vec::new()
    };
    let path = paginated(&p.path, page_no);
    let title = title(inputs, id, page_no);
    let head = inputs.head(HeadFacts {
        title: &title,
        description: &p.fm.description,
        path: &path,
        lang: &p.lang,
        alternates: &alternates,
        og_type: if p.is_section { "website" } else { "article" },
        jsonld: jsonld::jsonld(inputs, id, &crumbs),
    });
    let search = (page_no == 1).then(|| SearchFilters {
        filters: inputs
            .search_filters(id)
            .into_iter()
            .map(|(name, value)| Filter { name, value })
            .collect(),
    });
    PageContext {
        frame: Frame {
            head,
            breadcrumbs: Link::crumbs(&crumbs),
            translations,
        },
        page: value(inputs, id),
        search,
    }
}

/// The page's translations, as (language, absolute URL).
fn alternates(inputs: &Inputs<'_>, id: PageId) -> Vec<(String, String)> {
    let lib = inputs.library;
    lib.translations[&lib.pages[id].key]
        .iter()
        .map(|&t| {
            let page = &lib.pages[t];
            (page.lang.clone(), inputs.permalink(&page.path))
        })
        .collect()
}

/// The `<title>` of page `page_no` of a page's output.
fn title(inputs: &Inputs<'_>, id: PageId, page_no: usize) -> String {
    let lib = inputs.library;
    let p = &lib.pages[id];
    let section_title = lib
        .parent_section(id)
        .and_then(|d| lib.section(&d, &p.lang))
        .map(|s| lib.pages[s].title.clone());
    let title = if p.dir.is_empty() && p.is_section {
        format!("{} – {}", p.title, inputs.config.owner)
    } else {
        let section = section_title.as_deref().filter(|_| !p.is_section);
        inputs.full_title(&p.title, section)
    };
    if page_no > 1 {
        format!("{} ({} {page_no})", title, inputs.t(&p.lang, "page_n"))
    } else {
        title
    }
}

/// The `page` object of a page's template.
pub fn value<'a>(inputs: &'a Inputs<'_>, id: PageId) -> PageValue<'a> {
    let lib = inputs.library;
    let p = &lib.pages[id];
    let section = lib
        .parent_section(id)
        .and_then(|dir| lib.section(&dir, &p.lang))
        .map(|sid| Link {
            title: lib.pages[sid].title.clone(),
            url: inputs.url(&lib.pages[sid].path),
        });
    let rendered = &inputs.rendered[id];
    PageValue {
        title: &p.title,
        description: &p.fm.description,
        content: &rendered.html,
        url: inputs.url(&p.path),
        permalink: inputs.permalink(&p.path),
        date: p.fm.date.map(|d| dates::long(d, &p.lang)),
        date_iso: p.fm.date.map(|d| d.to_string()),
        updated: p.fm.updated.map(|d| dates::long(d, &p.lang)),
        updated_iso: p.fm.updated.map(|d| d.to_string()),
        tags: inputs.tag_links(id),
        section,
        faq: p.fm.faq.as_ref().map(|f| faq(f, &p.lang)),
        example: p.fm.example,
        event: events::value(inputs, id),
        material_of: events::material_of(inputs, id),
        office: p.fm.office.as_ref().map(|o| office(inputs, o)),
        document: inputs.document_value(id),
        summary: rendered.text.chars().take(300).collect(),
        extra: &p.fm.extra,
    }
}

fn faq<'a>(f: &'a Faq, lang: &str) -> FaqValue<'a> {
    FaqValue {
        source: &f.source,
        validated: f.validated.map(|d| dates::long(d, lang)),
        validated_iso: f.validated.map(|d| d.to_string()),
        report: f.report.as_deref(),
    }
}

fn office<'a>(inputs: &Inputs<'_>, o: &'a Office) -> OfficeValue<'a> {
    let area = inputs.config.area(&o.area);
    OfficeValue {
        kind: &o.kind,
        owner: &o.owner,
        area: AreaValue {
            id: o.area.clone(),
            name: area.map(|a| a.name.clone()).unwrap_or_default(),
        },
        address: &o.address,
        phone: &o.phone,
        email: &o.email,
        languages: &o.languages,
        hours: o
            .hours
            .iter()
            .map(|h| HoursValue {
                days: h
                    .days
                    .iter()
                    .map(|d| d.italian())
                    .collect::<Vec<_>>()
                    .join(", "),
                open: String::from(h.open),
                close: String::from(h.close),
                note: h.note.clone(),
            })
            .collect(),
    }
}
