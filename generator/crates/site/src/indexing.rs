//! The search stage: the searchable pages and the text of the archive's documents, handed to
//! the index writer (crate respi-search, feature `search`).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use crate::cache::BuildCache;
use crate::last_build::SearchKept;
use crate::site::Body;
use respi_render::Renderer;
use respi_sources::archive::DocumentFile;
use respi_sources::content::CONTENT_DIR;
use respi_sources::diagnostics::{Diagnostic, Diagnostics};

#[cfg(feature = "search")]
pub(crate) type SearchRecord = respi_search::Record;
#[cfg(not(feature = "search"))]
pub(crate) type SearchRecord = ();

/// What the search index is made from: the searchable pages (URL, output path, HTML) and the
/// documents' text.
pub(crate) struct SearchInput {
    pub pages: Vec<(String, String, Arc<Vec<u8>>)>,
    pub records: Vec<SearchRecord>,
}

impl SearchInput {
    pub fn new(
        renderer: &Renderer<'_>,
        documents: &HashMap<usize, DocumentFile>,
        pages: Vec<(String, String, Arc<Vec<u8>>)>,
    ) -> SearchInput {
        SearchInput {
            pages,
            records: document_records(renderer, documents),
        }
    }

    /// Makes the index into `files`, its problem into `diags`. In a series of builds (the
    /// preview) the batches are kept for the next build, and so is what a patch needs to make
    /// the index again, which is returned.
    pub fn index_now(
        self,
        cache: &mut BuildCache,
        files: &mut BTreeMap<String, Body>,
        diags: &mut Diagnostics,
    ) -> Option<SearchKept> {
        let searchable: Option<Vec<(String, String)>> = cache.fingerprint_contexts.then(|| {
            self.pages
                .iter()
                .map(|(url, path, _)| (url.clone(), path.clone()))
                .collect()
        });
        let pages = self
            .pages
            .into_iter()
            .map(|(url, _, bytes)| (url, bytes))
            .collect();
        let search_cache = cache.fingerprint_contexts.then_some(&mut cache.search);
        let mut index = BTreeMap::new();
        index_for_search(
            Pages::Memory(pages),
            self.records,
            &mut index,
            diags,
            search_cache,
        );
        #[cfg(feature = "search")]
        {
            cache.stats.search_batches_indexed = cache.search.batches_indexed;
        }
        let kept = searchable.map(|searchable| SearchKept {
            index: index.keys().cloned().collect(),
            searchable,
        });
        files.extend(index);
        kept
    }
}

/// The searchable pages (URL and HTML) handed to the indexer.
// Without the `search` feature they are handed to nothing.
#[cfg_attr(not(feature = "search"), allow(dead_code))]
pub(crate) enum Pages {
    /// The pages' HTML in memory.
    Memory(Vec<(String, Arc<Vec<u8>>)>),
    /// Written already: read back one page at a time, so that the pages are not held in memory
    /// while the indexer holds its index.
    Written(Vec<(String, PathBuf)>),
}

/// The text of the archive's PDFs, indexed as search records pointing at the files.
#[cfg(feature = "search")]
pub(crate) fn document_records(
    renderer: &Renderer<'_>,
    document_files: &HashMap<usize, DocumentFile>,
) -> Vec<respi_search::Record> {
    let mut records: Vec<respi_search::Record> = document_files
        .iter()
        .filter_map(|(&id, f)| {
            let page = &renderer.inputs.library.pages[id];
            let text = f.text.clone()?;
            let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (name, value) in renderer.inputs.search_filters(id) {
                filters.entry(name.to_string()).or_default().push(value);
            }
            let lang = page
                .fm
                .document
                .as_ref()
                .and_then(|d| d.lang.clone())
                .unwrap_or_else(|| page.lang.clone());
            Some(respi_search::Record {
                url: renderer.inputs.url(&f.rel),
                text,
                lang,
                title: format!("{} ({})", page.title, f.format),
                filters,
            })
        })
        .collect();
    records.sort_by(|a, b| a.url.cmp(&b.url));
    records
}

#[cfg(not(feature = "search"))]
pub(crate) fn document_records(
    _: &Renderer<'_>,
    _: &HashMap<usize, DocumentFile>,
) -> Vec<SearchRecord> {
    Vec::new()
}

/// Makes the search index of `pages` and `records` into `files`; a failure is reported in
/// `diags`.
#[cfg(feature = "search")]
pub(crate) fn index_for_search(
    pages: Pages,
    records: Vec<SearchRecord>,
    files: &mut BTreeMap<String, Body>,
    diags: &mut Diagnostics,
    cache: Option<&mut crate::cache::SearchCache>,
) {
    use respi_search::PageHtml;
    let pages = match pages {
        Pages::Memory(pages) => pages
            .into_iter()
            .map(|(url, bytes)| (url, PageHtml::Memory(bytes)))
            .collect(),
        Pages::Written(pages) => pages
            .into_iter()
            .map(|(url, path)| (url, PageHtml::File(path)))
            .collect(),
    };
    match respi_search::build_index(pages, records, cache) {
        Ok(index) => {
            for (path, bytes) in index {
                files.insert(path, Body::Bytes(Arc::new(bytes)));
            }
        }
        Err(e) => diags.push(
            Diagnostic::error(
                CONTENT_DIR,
                0,
                0,
                format!("indice di ricerca non creato: {e}"),
            )
            .with_help("controllare il messaggio; la ricerca si può escludere con --no-search"),
        ),
    }
}

#[cfg(not(feature = "search"))]
pub(crate) fn index_for_search(
    _: Pages,
    _: Vec<SearchRecord>,
    _: &mut BTreeMap<String, Body>,
    diags: &mut Diagnostics,
    _: Option<&mut crate::cache::SearchCache>,
) {
    diags.push(
        Diagnostic::warning(
            CONTENT_DIR,
            0,
            0,
            "questo `respi` è compilato senza la ricerca: indice non creato",
        )
        .with_help("compilare con la funzionalità `search` o usare --no-search"),
    );
}
