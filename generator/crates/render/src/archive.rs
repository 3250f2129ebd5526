//! The listings of the document archive: the documents of one year, kind or issuer, with the
//! links to every facet.

use serde::Serialize;

use crate::context::Output;
use crate::inputs::Inputs;
use crate::jobs::{ARCHIVE_PAGE_SIZE, ArchiveFacet, paginated};
use crate::values::{DocumentValue, FacetLink, Frame, Paginator, Summary};
use respi_sources::library::PageId;

/// The context of `archive.html`.
#[derive(Serialize)]
pub struct ArchiveContext {
    #[serde(flatten)]
    pub frame: Frame,
    pub archive: ArchiveListing,
    pub paginator: Option<Paginator>,
}

#[derive(Serialize)]
pub struct ArchiveListing {
    pub title: String,
    pub documents: Vec<DocumentSummary>,
    pub facets: FacetLinks,
}

/// A document in an archive listing: its page, and the file's format, size, date, issuer,
/// number.
#[derive(Serialize)]
pub struct DocumentSummary {
    #[serde(flatten)]
    pub summary: Summary,
    pub document: Option<DocumentValue>,
}

/// The links to every facet of the archive, by kind of facet.
#[derive(Serialize)]
pub struct FacetLinks {
    /// Newest first.
    pub years: Vec<FacetLink>,
    pub kinds: Vec<FacetLink>,
    pub issuers: Vec<FacetLink>,
}

/// The output of page `page_no` (from 1) of the listing of `facet`.
pub fn output(inputs: &Inputs<'_>, facet: &ArchiveFacet, page_no: usize) -> Output<ArchiveContext> {
    let lib = inputs.library;
    let lang = inputs.config.default_language.clone();
    let mut crumbs = inputs.home_crumbs(&lang);
    let archive_dir = inputs.archive_dir().unwrap_or_default();
    let section_title = lib.section(archive_dir, &lang).map(|sid| {
        let section = &lib.pages[sid];
        crumbs.push((section.title.clone(), inputs.url(&section.path)));
        section.title.clone()
    });
    let heading = match facet {
        ArchiveFacet::Year(y) => format!("{} {y}", inputs.t(&lang, "archive_year")),
        ArchiveFacet::Kind(k) => inputs.t(&lang, &format!("doc_kind_{k}")),
        ArchiveFacet::Issuer(i) => format!("{} {i}", inputs.t(&lang, "archive_issuer")),
    };
    let base = inputs.archive_path(facet);
    crumbs.push((heading.clone(), inputs.url(&base)));
    let docs = inputs
        .archive_facets()
        .get(facet)
        .cloned()
        .unwrap_or_default();
    let total = docs.len().div_ceil(ARCHIVE_PAGE_SIZE).max(1);
    let documents = docs
        .iter()
        .skip((page_no - 1) * ARCHIVE_PAGE_SIZE)
        .take(ARCHIVE_PAGE_SIZE)
        .map(|&id| document_summary(inputs, id))
        .collect();
    let mut title = inputs.full_title(&heading, section_title.as_deref());
    if page_no > 1 {
        title = format!("{title} ({} {page_no})", inputs.t(&lang, "page_n"));
    }
    let path = paginated(&base, page_no);
    let context = ArchiveContext {
        frame: inputs.listing_frame(&title, &path, &lang, &crumbs),
        archive: ArchiveListing {
            title: heading,
            documents,
            facets: facet_links(inputs, &lang, Some(facet)),
        },
        paginator: inputs.paginator(&base, page_no, total),
    };
    Output {
        template: "archive.html".into(),
        lang,
        context,
    }
}

fn document_summary(inputs: &Inputs<'_>, id: PageId) -> DocumentSummary {
    DocumentSummary {
        summary: inputs.summary(id),
        document: inputs.document_value(id),
    }
}

/// The links to every facet, `current` marked.
pub fn facet_links(inputs: &Inputs<'_>, lang: &str, current: Option<&ArchiveFacet>) -> FacetLinks {
    let mut links = FacetLinks {
        years: Vec::new(),
        kinds: Vec::new(),
        issuers: Vec::new(),
    };
    for (facet, docs) in inputs.archive_facets() {
        let label = match &facet {
            ArchiveFacet::Year(y) => y.to_string(),
            ArchiveFacet::Kind(k) => inputs.t(lang, &format!("doc_kind_{k}")),
            ArchiveFacet::Issuer(i) => i.clone(),
        };
        let link = FacetLink {
            label,
            url: inputs.url(&inputs.archive_path(facet)),
            count: docs.len(),
            current: current == Some(facet),
        };
        match facet {
            ArchiveFacet::Year(_) => links.years.push(link),
            ArchiveFacet::Kind(_) => links.kinds.push(link),
            ArchiveFacet::Issuer(_) => links.issuers.push(link),
        }
    }
    links.years.reverse();
    links
}
