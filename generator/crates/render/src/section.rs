//! The output of a section: its page, and the listing of its pages and subsections, with the
//! archive's facets in the archive's section and the offices' directory in a section of
//! offices.

use serde::Serialize;

use crate::archive::{self, FacetLinks};
use crate::context::Output;
use crate::events::{self, EventListing};
use crate::inputs::Inputs;
use crate::jobs::page_slice;
use crate::offices::{self, Directory};
use crate::page::{self, PageContext};
use crate::values::{Paginator, Summary};
use respi_sources::library::PageId;

/// The context of a section's template (`index.html` for the home page, `section.html`, or
/// its own).
#[derive(Serialize)]
pub struct SectionContext<'a> {
    #[serde(flatten)]
    pub page: PageContext<'a>,
    pub section: SectionValue<'a>,
    pub paginator: Option<Paginator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<ArchiveFacets>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<Directory>,
}

/// A section and what one page of its listing shows.
#[derive(Serialize)]
pub struct SectionValue<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub content: &'a str,
    pub url: String,
    pub permalink: String,
    pub pages: Vec<Summary>,
    pub subsections: Vec<Subsection<'a>>,
    /// Invented content, shown with a note saying so.
    pub example: bool,
    /// The training sessions and meetings under the section, upcoming and past.
    pub events: Option<EventListing>,
}

#[derive(Serialize)]
pub struct Subsection<'a> {
    pub title: &'a str,
    pub url: String,
    pub description: &'a str,
    /// The pages under it, its subsections' included.
    pub count: usize,
}

/// The archive's facets, which the archive's section links to.
#[derive(Serialize)]
pub struct ArchiveFacets {
    pub facets: FacetLinks,
}

/// The output of page `page_no` (from 1) of a section's listing.
pub fn output<'a>(
    inputs: &'a Inputs<'_>,
    id: PageId,
    page_no: usize,
) -> Output<SectionContext<'a>> {
    let lib = inputs.library;
    let p = &lib.pages[id];
    let lang = &p.lang;
    let all = lib.pages_in(&p.dir, lang);
    let (shown, total) = page_slice(all.len(), p.fm.paginate_by, page_no);
    let in_archive =
        inputs.archive_dir() == Some(p.dir.as_str()) && p.lang == inputs.config.default_language;
    let has_offices = all.iter().any(|&c| lib.pages[c].fm.office.is_some());
    let template = p.fm.template.clone().unwrap_or_else(|| {
        if p.dir.is_empty() {
            "index.html".into()
        } else {
            "section.html".into()
        }
    });
    let context = SectionContext {
        page: page::context(inputs, id, page_no),
        section: SectionValue {
            title: &p.title,
            description: &p.fm.description,
            content: &inputs.rendered[id].html,
            url: inputs.url(&p.path),
            permalink: inputs.permalink(&p.path),
            pages: all[shown].iter().map(|&c| inputs.summary(c)).collect(),
            subsections: subsections(inputs, id),
            example: p.fm.example,
            events: events::listing(inputs, &p.dir, lang),
        },
        paginator: inputs.paginator(&p.path, page_no, total),
        archive: in_archive.then(|| ArchiveFacets {
            facets: archive::facet_links(inputs, lang, None),
        }),
        directory: has_offices.then(|| offices::directory(inputs, &all, lang)),
    };
    Output {
        template,
        lang: lang.clone(),
        context,
    }
}

/// The subsections of a section in its language, with the number of pages under each.
fn subsections<'a>(inputs: &'a Inputs<'_>, id: PageId) -> Vec<Subsection<'a>> {
    let lib = inputs.library;
    let p = &lib.pages[id];
    lib.subsections
        .get(&p.dir)
        .map(|subs| {
            subs.iter()
                .filter_map(|d| lib.section(d, &p.lang))
                .map(|sid| {
                    let s = &lib.pages[sid];
                    Subsection {
                        title: &s.title,
                        url: inputs.url(&s.path),
                        description: &s.fm.description,
                        count: lib.pages_under(&s.dir, &p.lang).len(),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}
