//! The jobs of a build: one per output file that a template renders, and the addresses of the
//! pages of a listing.

use respi_sources::library::PageId;

/// The folders of the pages the generator writes for every language (under its prefix).
pub const SITEMAP_PAGE: &str = "mappa-del-sito";
pub const SEARCH_PAGE: &str = "cerca";
pub const AZ_PAGE: &str = "indice-a-z";

/// A listing of the document archive: the documents of one year, one kind or one issuer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArchiveFacet {
    Year(i16),
    Kind(String),
    Issuer(String),
}

/// Documents on each page of an archive listing.
pub const ARCHIVE_PAGE_SIZE: usize = 20;

/// A listing of the wider network's services: all of them by area, one kind, or one area.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NetworkView {
    All,
    Kind(String),
    Area(String),
}

/// A page the generator writes for every language: site map, search, A–Z index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Special {
    Sitemap,
    Search,
    AtoZ,
}

impl Special {
    pub const ALL: [Special; 3] = [Special::Sitemap, Special::Search, Special::AtoZ];

    /// The page's folder.
    pub fn segment(self) -> &'static str {
        match self {
            Special::Sitemap => SITEMAP_PAGE,
            Special::Search => SEARCH_PAGE,
            Special::AtoZ => AZ_PAGE,
        }
    }

    pub(crate) fn template(self) -> &'static str {
        match self {
            Special::Sitemap => "sitemap.html",
            Special::Search => "search.html",
            Special::AtoZ => "az.html",
        }
    }

    pub(crate) fn title_key(self) -> &'static str {
        match self {
            Special::Sitemap => "sitemap",
            Special::Search => "search",
            Special::AtoZ => "az_index",
        }
    }
}

/// The folder of the second and later pages of a listing (`notizie/pagina/2/`).
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

/// The path of page `n` of a paginated listing at `base`.
pub fn paginated(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}{PAGINATION_SEGMENT}/{n}/")
    }
}
