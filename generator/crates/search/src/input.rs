//! What an index is made from: pages (their URL and HTML) and records (documents indexed by
//! their text), cut into batches, each with the key of what it holds.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

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

/// A page or a record, in the order of the index.
pub(crate) enum Item {
    Page(String, PageHtml),
    Record(Record),
}

/// A page with its HTML cut down to what Pagefind reads of it, or a record.
pub(crate) enum Prepared {
    Page(String, String),
    Record(Record),
}

/// Address of a page's shared HTML → that HTML (held, so that the address is not reused) and
/// its hash.
pub(crate) type PageHashes = HashMap<usize, (Arc<Vec<u8>>, u64)>;

/// What a batch's index depends on: its pages and records, in order. The hashes of pages' HTML
/// are taken from `known` when the same HTML was hashed last time, and kept in `hashes`.
pub(crate) fn batch_key(items: &[Item], known: &PageHashes, hashes: &mut PageHashes) -> u64 {
    let mut h = DefaultHasher::new();
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
                                let mut page = DefaultHasher::new();
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
