//! Browser search: a Pagefind index per language, built from the rendered pages (and from the
//! text of documents), written under the site's `pagefind/` folder.
//!
//! The pages are cut down to what Pagefind reads of them (`searchable_part`) and split into
//! batches, indexed on every processor. A batch of pages of this theme is read here (`reader`)
//! as Pagefind's indexer reads them; any other batch (documents, pages with other Pagefind
//! attributes) is indexed by Pagefind's library. The batches are merged (`merge`) into the files
//! one Pagefind index of all the pages would have written, byte for byte: the browser side is
//! Pagefind's own, and `tests/search_index.rs` compares the two on the bundled portal.

mod merge;
mod reader;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Where the indexer finds a page's HTML.
pub enum PageHtml {
    Memory(Arc<Vec<u8>>),
    /// Written already: read back one page at a time, so that the pages are not held in memory
    /// while the indexer holds its index.
    File(PathBuf),
}

/// A document that is not an HTML page (a PDF of the archive), indexed by its text.
pub struct Record {
    pub url: String,
    pub text: String,
    pub lang: String,
    pub title: String,
    pub filters: BTreeMap<String, Vec<String>>,
}

/// Fewest and most pages in a batch: a batch costs a few milliseconds of its own (the scripts
/// Pagefind writes with every index); a large one holds more in memory.
const MIN_BATCH: usize = 50;
const MAX_BATCH: usize = 100;

enum Item {
    Page(String, PageHtml),
    Record(Record),
}

/// The batches of the last index, for a series of builds (the preview server): a batch whose
/// pages are the same is not indexed again, and the merged files are compressed at the fastest
/// level.
#[derive(Default)]
pub struct SearchCache {
    batches: HashMap<u64, Arc<merge::Batch>>,
    bundle: Option<(Vec<String>, merge::Bundle)>,
    /// The hash of each page's HTML, by the address of the HTML it was given with, which it
    /// holds: a page that has not changed comes again as the same shared HTML.
    page_hashes: PageHashes,
    packed: merge::Packed,
    /// Batches indexed by the last build (the others came from the cache).
    pub batches_indexed: usize,
}

/// Indexes `pages` (URL with the base path, HTML) and `records`; returns the index files,
/// as paths relative to the output folder. Each page's HTML is read or copied for the indexer
/// only while it is being indexed.
pub fn build_index(
    pages: Vec<(String, PageHtml)>,
    records: Vec<Record>,
    cache: Option<&mut SearchCache>,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_batch = (pages.len() + records.len())
        .div_ceil(threads)
        .clamp(MIN_BATCH, MAX_BATCH);
    build_index_in_batches(pages, records, per_batch, threads, cache)
}

/// [`build_index`] with batches of `per_batch` pages indexed by `threads` threads.
pub fn build_index_in_batches(
    pages: Vec<(String, PageHtml)>,
    records: Vec<Record>,
    per_batch: usize,
    threads: usize,
    mut cache: Option<&mut SearchCache>,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut items: Vec<Item> = pages
        .into_iter()
        .map(|(url, html)| Item::Page(url, html))
        .chain(records.into_iter().map(Item::Record))
        .collect();
    let mut batches = Vec::new();
    while !items.is_empty() {
        let rest = items.split_off(per_batch.max(1).min(items.len()));
        batches.push(std::mem::replace(&mut items, rest));
    }
    let keys: Vec<u64> = match cache.as_mut() {
        Some(cache) => {
            let mut hashes = HashMap::new();
            let keys = batches
                .iter()
                .map(|batch| batch_key(batch, &cache.page_hashes, &mut hashes))
                .collect();
            cache.page_hashes = hashes;
            keys
        }
        None => Vec::new(),
    };
    let mut done: Vec<Option<Arc<merge::Batch>>> = vec![None; batches.len()];
    let mut queue = VecDeque::new();
    for (n, batch) in batches.into_iter().enumerate() {
        match cache.as_ref().and_then(|c| c.batches.get(&keys[n])) {
            Some(cached) => done[n] = Some(Arc::clone(cached)),
            None => queue.push_back((n, batch)),
        }
    }
    let to_index = queue.len();
    let progress = Progress::new(
        cache.is_none() && to_index > 1,
        queue.iter().map(|(_, batch)| batch.len()).sum(),
    );
    let done = Mutex::new(done);
    let queue = Mutex::new(queue);
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let failed = AtomicBool::new(false);

    // Pagefind's library is async: each thread runs a runtime of its own, which also keeps
    // it apart from the caller's (the preview server's), where blocking on one panics.
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1).min(to_index) {
            scope.spawn(|| {
                let mut stems = reader::StemCache::default();
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        fail(
                            &failure,
                            &failed,
                            format!("impossibile avviare l'indicizzazione: {e}"),
                        );
                        return;
                    }
                };
                loop {
                    let Some((n, batch)) = queue.lock().expect("queue").pop_front() else {
                        return;
                    };
                    if failed.load(Ordering::Relaxed) {
                        return;
                    }
                    let items = batch.len();
                    let read = runtime.block_on(index_batch(batch, &mut stems));
                    match read {
                        Ok(batch) => {
                            done.lock().expect("batches")[n] = Some(Arc::new(batch));
                            progress.advance(items);
                        }
                        Err(e) => {
                            fail(&failure, &failed, e);
                            return;
                        }
                    }
                }
            });
        }
    });
    progress.finish();
    if let Some(e) = failure.into_inner().expect("failure") {
        return Err(e);
    }
    let batches: Vec<Arc<merge::Batch>> = done
        .into_inner()
        .expect("batches")
        .into_iter()
        .map(|batch| batch.ok_or("l'indicizzazione si è interrotta"))
        .collect::<Result<_, _>>()?;
    // Pagefind's scripts, styles and WebAssembly for the languages of the pages.
    let mut languages: Vec<String> = batches
        .iter()
        .flat_map(|b| b.languages().cloned())
        .collect();
    languages.sort();
    languages.dedup();
    let kept = cache
        .as_mut()
        .and_then(|c| c.bundle.take())
        .filter(|(langs, _)| *langs == languages);
    let bundle = match kept {
        Some((_, bundle)) => bundle,
        None => probe(&languages)?,
    };
    // The preview's index is written again at each change: it is compressed at the fastest
    // level. A build's is compressed at the best level, as Pagefind compresses its own.
    let level = match cache {
        Some(_) => flate2::Compression::fast(),
        None => flate2::Compression::best(),
    };
    let files = merge::merge(
        &batches,
        &bundle,
        level,
        cache.as_mut().map(|c| &mut c.packed),
    )?;
    if let Some(cache) = cache {
        cache.batches = keys.into_iter().zip(batches).collect();
        cache.bundle = Some((languages, bundle));
        cache.batches_indexed = to_index;
    }
    Ok(files
        .into_iter()
        .map(|(name, bytes)| (format!("pagefind/{name}"), bytes))
        .collect())
}

/// Address of a page's shared HTML → that HTML (held, so that the address is not reused) and
/// its hash.
type PageHashes = HashMap<usize, (Arc<Vec<u8>>, u64)>;

/// What a batch's index depends on: its pages and records, in order. The hashes of pages' HTML
/// are taken from `known` when the same HTML was hashed last time, and kept in `hashes`.
fn batch_key(items: &[Item], known: &PageHashes, hashes: &mut PageHashes) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    for item in items {
        match item {
            Item::Page(url, html) => {
                0u8.hash(&mut h);
                url.hash(&mut h);
                match html {
                    PageHtml::Memory(bytes) => {
                        let at = Arc::as_ptr(bytes) as usize;
                        let hash = match known.get(&at) {
                            Some((_, hash)) => *hash,
                            None => {
                                let mut page = std::hash::DefaultHasher::new();
                                bytes.hash(&mut page);
                                page.finish()
                            }
                        };
                        hashes.insert(at, (Arc::clone(bytes), hash));
                        hash.hash(&mut h);
                    }
                    PageHtml::File(path) => std::fs::read(path).unwrap_or_default().hash(&mut h),
                }
            }
            Item::Record(r) => {
                1u8.hash(&mut h);
                (&r.url, &r.text, &r.lang, &r.title, &r.filters).hash(&mut h);
            }
        }
    }
    h.finish()
}

/// Pages indexed so far, shown on one line of a terminal during a build (not in the preview
/// server's log, nor where the output is not a terminal).
struct Progress {
    shown: bool,
    total: usize,
    done: Mutex<usize>,
}

impl Progress {
    fn new(wanted: bool, total: usize) -> Self {
        use std::io::IsTerminal;
        Progress {
            shown: wanted && std::io::stderr().is_terminal(),
            total,
            done: Mutex::new(0),
        }
    }

    fn advance(&self, items: usize) {
        if self.shown {
            let mut done = self.done.lock().expect("progress");
            *done += items;
            eprint!(
                "\rIndice di ricerca: {}/{} pagine e documenti",
                *done, self.total
            );
        }
    }

    fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}

fn fail(failure: &Mutex<Option<String>>, failed: &AtomicBool, e: String) {
    failed.store(true, Ordering::Relaxed);
    failure.lock().expect("failure").get_or_insert(e);
}

/// A batch indexed: read here when every page is one `reader` reads as Pagefind would (see
/// [`reader::supported`]), by a Pagefind index of its own otherwise.
async fn index_batch(
    items: Vec<Item>,
    stems: &mut reader::StemCache,
) -> Result<merge::Batch, String> {
    let mut prepared = Vec::with_capacity(items.len());
    for item in items {
        prepared.push(match item {
            Item::Page(url, html) => {
                let html = match html {
                    PageHtml::Memory(bytes) => searchable_part(&String::from_utf8_lossy(&bytes)),
                    PageHtml::File(path) => searchable_part(
                        &std::fs::read_to_string(&path)
                            .map_err(|e| format!("lettura di {}: {e}", path.display()))?,
                    ),
                };
                Prepared::Page(url, html)
            }
            Item::Record(r) => Prepared::Record(r),
        });
    }
    let readable = prepared
        .iter()
        .all(|p| matches!(p, Prepared::Page(_, html) if reader::supported(html)));
    if readable {
        let pages = prepared
            .iter()
            .filter_map(|p| match p {
                Prepared::Page(url, html) => reader::read(url, html, stems),
                Prepared::Record(_) => None,
            })
            .collect();
        return Ok(merge::own_batch(pages));
    }
    merge::read_batch(pagefind_files(prepared).await?)
}

enum Prepared {
    Page(String, String),
    Record(Record),
}

/// One Pagefind index of `items`; its files as paths relative to the bundle folder.
async fn pagefind_files(items: Vec<Prepared>) -> Result<merge::Files, String> {
    let options = pagefind::options::PagefindServiceConfig::builder().build();
    let mut index = pagefind::api::PagefindIndex::new(Some(options))
        .map_err(|e| format!("configurazione della ricerca: {e}"))?;
    for item in items {
        match item {
            Prepared::Page(url, html) => {
                index
                    .add_html_file(None, Some(url.clone()), html)
                    .await
                    .map_err(|e| format!("indicizzazione di {url}: {e}"))?;
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
                    .map_err(|e| format!("indicizzazione di {}: {e}", r.url))?;
            }
        }
    }
    let files = index
        .get_files()
        .await
        .map_err(|e| format!("scrittura dell'indice: {e}"))?;
    Ok(files
        .into_iter()
        .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
        .collect())
}

/// Pagefind's files that do not depend on the pages (scripts, styles, the WebAssembly of each
/// of `languages`), from an index of one short record per language.
fn probe(languages: &[String]) -> Result<merge::Bundle, String> {
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
                    .map_err(|e| format!("impossibile avviare l'indicizzazione: {e}"))?
                    .block_on(pagefind_files(records))
            })
            .join()
            .unwrap_or_else(|_| Err("l'indicizzazione si è interrotta".into()))
    })?;
    merge::Bundle::from_files(files)
}

/// What Pagefind reads of a page of this theme: the `html` start tag (the language), the
/// `title`, and the `main` element marked `data-pagefind-body` (text, headings and their
/// anchors, filters). Header, navigation and footer are left out: Pagefind would parse them only
/// to skip them, and it would take the footer's logo for the image of every result. A page
/// without such an element is handed over whole.
pub fn searchable_part(html: &str) -> String {
    cut_to_body(html).unwrap_or_else(|| html.to_string())
}

fn cut_to_body(html: &str) -> Option<String> {
    let marker = html.find(" data-pagefind-body")?;
    let start = html[..marker].rfind('<')?;
    if !html[start..marker].starts_with("<main") {
        return None;
    }
    let end = html.rfind("</main>")? + "</main>".len();
    if end <= marker {
        return None;
    }
    let html_start = html.find("<html")?;
    let html_tag = &html[html_start..html_start + html[html_start..].find('>')? + 1];
    let title = html
        .find("<title>")
        .and_then(|s| Some(&html[s..s + html[s..].find("</title>")? + "</title>".len()]))
        .unwrap_or("");
    Some(format!(
        "<!DOCTYPE html>\n{html_tag}<head>{title}</head><body>{}</body></html>",
        &html[start..end]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_searchable_part_keeps_language_title_and_main_only() {
        let page = "<!DOCTYPE html>\n<html lang=\"it\" dir=\"ltr\"><head><meta charset=\"utf-8\">\
            <title>Permesso | ReSPI</title></head><body><header><a href=\"/\">ReSPI</a></header>\
            <main id=\"main\" class=\"main\" data-pagefind-body><h1>Permesso</h1><p>Testo</p></main>\
            <footer><img src=\"/logo.svg\" alt=\"\"></footer></body></html>";
        assert_eq!(
            searchable_part(page),
            "<!DOCTYPE html>\n<html lang=\"it\" dir=\"ltr\"><head><title>Permesso | ReSPI</title>\
            </head><body><main id=\"main\" class=\"main\" data-pagefind-body><h1>Permesso</h1>\
            <p>Testo</p></main></body></html>"
        );
        let unmarked = "<html lang=\"it\"><body><main><p>Testo</p></main></body></html>";
        assert_eq!(searchable_part(unmarked), unmarked);
        let other = "<html lang=\"it\"><body><div data-pagefind-body><p>T</p></div></body></html>";
        assert_eq!(searchable_part(other), other);
    }

    #[test]
    fn no_page_gives_pagefind_s_empty_bundle() {
        let files = build_index_in_batches(Vec::new(), Vec::new(), 10, 2, None).unwrap();
        let entry = files
            .iter()
            .find(|(name, _)| name == "pagefind/pagefind-entry.json")
            .expect("entry file");
        let entry: serde_json::Value = serde_json::from_slice(&entry.1).unwrap();
        assert_eq!(entry["languages"], serde_json::json!({}));
        assert!(files.iter().any(|(name, _)| name == "pagefind/pagefind.js"));
    }
}
