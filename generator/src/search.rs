//! Browser search: a Pagefind index per language, built from the rendered HTML held in memory
//! (and from the text of documents), written under the site's `pagefind/` folder.

use std::collections::BTreeMap;
use std::sync::Arc;

/// A document that is not an HTML page (a PDF of the archive), indexed by its text.
pub struct Record {
    pub url: String,
    pub text: String,
    pub lang: String,
    pub title: String,
    pub filters: BTreeMap<String, Vec<String>>,
}

/// Indexes `pages` (URL with the base path, HTML) and `records`; returns the index files,
/// as paths relative to the output folder. Each page's HTML is copied for the indexer only while
/// it is being indexed, so a build holds one copy of the site's pages, not two.
pub fn build_index(
    pages: Vec<(String, Arc<Vec<u8>>)>,
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
            index
                .add_html_file(
                    None,
                    Some(url.clone()),
                    String::from_utf8_lossy(&html).into_owned(),
                )
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
