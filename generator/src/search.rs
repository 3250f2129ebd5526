//! Browser search: a Pagefind index per language, built from the rendered HTML held in memory
//! (and from the text of documents), written under the site's `pagefind/` folder.

use std::collections::BTreeMap;

use crate::build::PageHtml;

/// A document that is not an HTML page (a PDF of the archive), indexed by its text.
pub struct Record {
    pub url: String,
    pub text: String,
    pub lang: String,
    pub title: String,
    pub filters: BTreeMap<String, Vec<String>>,
}

/// Indexes `pages` (URL with the base path, HTML) and `records`; returns the index files,
/// as paths relative to the output folder. Each page's HTML is read or copied for the indexer
/// only while it is being indexed.
pub fn build_index(
    pages: Vec<(String, PageHtml)>,
    records: Vec<Record>,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    // Pagefind's library is async. Its runtime runs on a thread of its own, because the caller
    // may be a task of another runtime (the preview server), where blocking on one panics.
    std::thread::scope(|scope| {
        scope
            .spawn(|| index_on_this_thread(pages, records))
            .join()
            .unwrap_or_else(|_| Err("l'indicizzazione si è interrotta".into()))
    })
}

fn index_on_this_thread(
    pages: Vec<(String, PageHtml)>,
    records: Vec<Record>,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("impossibile avviare l'indicizzazione: {e}"))?;
    runtime.block_on(async move {
        let options = pagefind::options::PagefindServiceConfig::builder().build();
        let mut index = pagefind::api::PagefindIndex::new(Some(options))
            .map_err(|e| format!("configurazione della ricerca: {e}"))?;
        for (url, html) in pages {
            let html = match html {
                PageHtml::Memory(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                PageHtml::File(path) => std::fs::read_to_string(&path)
                    .map_err(|e| format!("lettura di {}: {e}", path.display()))?,
            };
            index
                .add_html_file(None, Some(url.clone()), html)
                .await
                .map_err(|e| format!("indicizzazione di {url}: {e}"))?;
        }
        for r in records {
            let meta = BTreeMap::from([("title".to_string(), r.title)]);
            index
                .add_custom_record(
                    r.url.clone(),
                    r.text,
                    r.lang,
                    Some(meta),
                    Some(r.filters),
                    None,
                )
                .await
                .map_err(|e| format!("indicizzazione di {}: {e}", r.url))?;
        }
        let files = index
            .get_files()
            .await
            .map_err(|e| format!("scrittura dell'indice: {e}"))?;
        Ok(files
            .into_iter()
            .map(|f| {
                (
                    format!(
                        "pagefind/{}",
                        f.filename.to_string_lossy().replace('\\', "/")
                    ),
                    f.contents,
                )
            })
            .collect())
    })
}
