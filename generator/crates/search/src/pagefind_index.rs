//! Pagefind's own indexer (its library), for the batches this crate does not read itself and
//! for the files every index has (scripts, styles, WebAssembly).

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::format::{Bundle, Files};
use crate::input::{Prepared, Record};

/// One Pagefind index of `items`; its files as paths relative to the bundle folder.
pub(crate) async fn pagefind_files(items: Vec<Prepared>) -> Result<Files> {
    let options = pagefind::options::PagefindServiceConfig::builder().build();
    let mut index = pagefind::api::PagefindIndex::new(Some(options))
        .map_err(|e| pagefind_error("configurazione della ricerca", e))?;
    for item in items {
        match item {
            Prepared::Page(url, html) => {
                index
                    .add_html_file(None, Some(url.clone()), html)
                    .await
                    .map_err(|e| pagefind_error(&format!("indicizzazione di {url}"), e))?;
            }
            Prepared::Record(r) => {
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
                    .map_err(|e| pagefind_error(&format!("indicizzazione di {}", r.url), e))?;
            }
        }
    }
    let files = index
        .get_files()
        .await
        .map_err(|e| pagefind_error("scrittura dell'indice", e))?;
    Ok(files
        .into_iter()
        .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
        .collect())
}

/// Pagefind's files that do not depend on the pages (scripts, styles, the WebAssembly of each
/// of `languages`), from an index of one short record per language.
pub(crate) fn probe(languages: &[String]) -> Result<Bundle> {
    let records = languages
        .iter()
        .map(|lang| {
            Prepared::Record(Record {
                url: format!("/{lang}/"),
                text: "respi".into(),
                lang: lang.clone(),
                title: String::new(),
                filters: BTreeMap::new(),
            })
        })
        .collect();
    // On a thread of its own, apart from the caller's runtime (the preview server's).
    let files = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(Error::Start)?
                    .block_on(pagefind_files(records))
            })
            .join()
            .unwrap_or(Err(Error::Interrupted))
    })?;
    Bundle::from_files(files)
}

fn pagefind_error(doing: &str, e: impl std::fmt::Display) -> Error {
    Error::Pagefind {
        doing: doing.to_string(),
        message: e.to_string(),
    }
}
