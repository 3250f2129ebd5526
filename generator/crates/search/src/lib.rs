//! Browser search: a Pagefind index per language, built from the rendered pages (and from the
//! text of documents), written under the site's `pagefind/` folder.
//!
//! The pages are cut down to what Pagefind reads of them (`searchable_part`) and split into
//! batches, indexed on every processor. A batch of pages of this theme is read here (`reader`)
//! as Pagefind's indexer reads them; any other batch (documents, pages with other Pagefind
//! attributes) is indexed by Pagefind's library. The batches are merged (`merge`) into the files
//! one Pagefind index of all the pages would have written, byte for byte: the browser side is
//! Pagefind's own, and `tests/search_index.rs` compares the two on the bundled portal.
//!
//! The crate depends on nothing of the generator: it takes pages (URL and HTML) and records
//! (text), and gives the index files. Its README says how to use it and what it checks.

mod batch;
mod error;
mod format;
mod input;
mod merge;
mod pagefind_index;
mod parse;
mod postings;
mod reader;
mod searchable;
mod words;
mod workers;

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use batch::Batch;
pub use error::{Error, Result};
use format::Bundle;
use input::{Item, PageHashes, batch_key};
pub use input::{PageHtml, Record};
pub use searchable::searchable_part;

/// Fewest and most pages in a batch: a batch costs a few milliseconds of its own (the scripts
/// Pagefind writes with every index); a large one holds more in memory.
const MIN_BATCH: usize = 50;
const MAX_BATCH: usize = 100;

/// The batches of the last index, for a series of builds (the preview server): a batch whose
/// pages are the same is not indexed again, and the merged files are compressed at the fastest
/// level.
#[derive(Default)]
pub struct SearchCache {
    batches: HashMap<u64, Arc<Batch>>,
    bundle: Option<(Vec<String>, Bundle)>,
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
) -> Result<Vec<(String, Vec<u8>)>> {
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
) -> Result<Vec<(String, Vec<u8>)>> {
    let items: Vec<Item> = pages
        .into_iter()
        .map(|(url, html)| Item::Page(url, html))
        .chain(records.into_iter().map(Item::Record))
        .collect();
    let batches = in_batches(items, per_batch);
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
    // The batches whose pages are those of a batch of the last index are taken from it.
    let mut done: Vec<Option<Arc<Batch>>> = vec![None; batches.len()];
    let mut queue = VecDeque::new();
    for (n, batch) in batches.into_iter().enumerate() {
        match cache.as_ref().and_then(|c| c.batches.get(&keys[n])) {
            Some(cached) => done[n] = Some(Arc::clone(cached)),
            None => queue.push_back((n, batch)),
        }
    }
    let to_index = queue.len();
    let batches = workers::index_batches(queue, done, threads, cache.is_none())?;
    let (languages, bundle) = bundle(&batches, cache.as_deref_mut())?;
    // The preview's index is written again at each change: it is compressed at the fastest
    // level. A build's is compressed at the best level, as Pagefind compresses its own.
    let level = match cache {
        Some(_) => flate2::Compression::fast(),
        None => flate2::Compression::best(),
    };
    let packed = cache.as_mut().map(|c| &mut c.packed);
    let files = merge::merge(&batches, &bundle, level, packed)?;
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

/// `items` cut into batches of `per_batch`, in order.
fn in_batches(mut items: Vec<Item>, per_batch: usize) -> Vec<Vec<Item>> {
    let mut batches = Vec::new();
    while !items.is_empty() {
        let rest = items.split_off(per_batch.max(1).min(items.len()));
        batches.push(std::mem::replace(&mut items, rest));
    }
    batches
}

/// Pagefind's scripts, styles and WebAssembly for the languages of the pages (from the last
/// index when it had the same languages), with those languages.
fn bundle(
    batches: &[Arc<Batch>],
    cache: Option<&mut SearchCache>,
) -> Result<(Vec<String>, Bundle)> {
    let mut languages: Vec<String> = batches
        .iter()
        .flat_map(|b| b.languages().cloned())
        .collect();
    languages.sort();
    languages.dedup();
    let kept = cache
        .and_then(|c| c.bundle.take())
        .filter(|(langs, _)| *langs == languages);
    let bundle = match kept {
        Some((_, bundle)) => bundle,
        None => pagefind_index::probe(&languages)?,
    };
    Ok((languages, bundle))
}

#[cfg(test)]
mod tests {
    use super::*;

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
