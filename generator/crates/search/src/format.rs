//! The files of a Pagefind index, as Pagefind 1.6 writes them and as this crate reads and
//! writes them.
//!
//! The layout, per language `xx`:
//! - `pagefind.xx_HASH.pf_meta`: the pages (fragment hash, word count), the word index chunks
//!   (first word, last word, hash), the filters (name, hash) and the metadata field names;
//! - `index/xx_HASH.pf_index`: words in order, each with its pages (page numbers delta-encoded)
//!   and their locations (weight changes as negative numbers), metadata locations and the forms
//!   of the word with diacritics;
//! - `filter/xx_HASH.pf_filter`: one filter, each value with its pages;
//! - `fragment/xx_HASH.pf_fragment`: one page's JSON (URL, text, metadata, filters, anchors);
//! - `pagefind-entry.json`: languages, their meta file and page count.
//!
//! Binary files are CBOR after the bytes `pagefind_dcd`, gzip-compressed. A hash is the SHA-1 of
//! the uncompressed content in hexadecimal, each byte without leading zero, cut to eight
//! characters after the language and lengthened when two files of a kind would share one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Write};

use flate2::Compression;
use minicbor::{Decode, Encode};
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

use crate::error::{Error, Result};

/// The files of one batch: paths relative to the bundle folder, contents as written.
pub type Files = Vec<(String, Vec<u8>)>;

/// What the content of every binary file starts with.
const MAGIC: &[u8] = b"pagefind_dcd";

#[derive(Encode, Decode)]
pub(crate) struct MetaIndex {
    #[n(0)]
    pub version: String,
    #[n(1)]
    pub pages: Vec<MetaPage>,
    #[n(2)]
    pub index_chunks: Vec<MetaChunk>,
    #[n(3)]
    pub filters: Vec<MetaFilter>,
    #[n(4)]
    pub sorts: Vec<MetaSort>,
    #[n(5)]
    pub meta_fields: Vec<String>,
}

#[derive(Encode, Decode)]
pub(crate) struct MetaPage {
    #[n(0)]
    pub hash: String,
    #[n(1)]
    pub word_count: u32,
    #[n(2)]
    pub group_hash: String,
}

#[derive(Encode, Decode)]
pub(crate) struct MetaChunk {
    #[n(0)]
    pub from: String,
    #[n(1)]
    pub to: String,
    #[n(2)]
    pub hash: String,
}

#[derive(Encode, Decode)]
pub(crate) struct MetaFilter {
    #[n(0)]
    pub filter: String,
    #[n(1)]
    pub hash: String,
}

#[derive(Encode, Decode)]
pub(crate) struct MetaSort {
    #[n(0)]
    pub sort: String,
    #[n(1)]
    pub pages: Vec<u32>,
}

/// A word index file, as `encode_chunk` writes it (the words' pages kept encoded).
#[cfg(test)]
#[derive(Encode, Decode)]
pub(crate) struct WordIndex {
    #[n(0)]
    pub words: Vec<PackedWord>,
}

#[cfg(test)]
#[derive(Encode, Decode)]
pub(crate) struct PackedWord {
    #[n(0)]
    pub word: String,
    #[n(1)]
    pub pages: Vec<PackedPage>,
    #[n(2)]
    pub additional_variants: Vec<PackedVariant>,
}

#[cfg(test)]
#[derive(Encode, Decode)]
pub(crate) struct PackedVariant {
    #[n(0)]
    pub form: String,
    #[n(1)]
    pub pages: Vec<PackedPage>,
}

#[derive(Encode, Decode)]
pub(crate) struct PackedPage {
    #[n(0)]
    pub page_number: u32,
    #[n(1)]
    pub locs: Vec<i32>,
    #[n(2)]
    pub meta_locs: Vec<i32>,
}

#[derive(Encode, Decode)]
pub(crate) struct FilterIndex {
    #[n(0)]
    pub filter: String,
    #[n(1)]
    pub values: Vec<PackedValue>,
}

#[derive(Encode, Decode)]
pub(crate) struct PackedValue {
    #[n(0)]
    pub value: String,
    #[n(1)]
    pub pages: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Entry {
    pub version: String,
    pub languages: BTreeMap<String, EntryLanguage>,
    pub include_characters: Vec<char>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct EntryLanguage {
    pub hash: String,
    pub wasm: Option<String>,
    pub page_count: usize,
}

/// What Pagefind writes whatever the pages: scripts, styles, WebAssembly (per language), its
/// version and the characters it keeps in words.
pub struct Bundle {
    pub assets: Files,
    pub version: String,
    pub include_characters: Vec<char>,
    /// Each language's WebAssembly (`wasm.LANG.pagefind`), when Pagefind has one for it.
    pub wasm: BTreeMap<String, Option<String>>,
}

impl Bundle {
    /// The bundle of Pagefind's files for the languages indexed by `files` (an index's output).
    pub fn from_files(files: Files) -> Result<Bundle> {
        let entry = files
            .iter()
            .find(|(name, _)| name == "pagefind-entry.json")
            .ok_or_else(|| Error::format("manca pagefind-entry.json"))?;
        let entry: Entry = serde_json::from_slice(&entry.1)
            .map_err(|e| Error::format(format!("pagefind-entry.json non leggibile: {e}")))?;
        Ok(Bundle {
            assets: files.into_iter().filter(|(n, _)| !is_indexed(n)).collect(),
            version: entry.version,
            include_characters: entry.include_characters,
            wasm: entry
                .languages
                .into_iter()
                .map(|(code, lang)| (code, lang.wasm))
                .collect(),
        })
    }
}

/// Whether a bundle file holds pages' data (rather than the same in every index).
pub(crate) fn is_indexed(name: &str) -> bool {
    name.ends_with(".pf_meta")
        || name.starts_with("index/")
        || name.starts_with("filter/")
        || name.starts_with("fragment/")
        || name == "pagefind-entry.json"
}

/// The first `len` characters of `full`, lengthened two at a time while another file of the
/// same kind uses them (Pagefind's rule for word and filter files).
pub(crate) fn short_hash(full: &str, len: usize, used: &HashSet<String>) -> String {
    let mut hash = &full[..len.min(full.len())];
    while used.contains(hash) {
        let longer = (hash.len() + 2).min(full.len());
        hash = &full[..longer];
        if longer == full.len() {
            break;
        }
    }
    hash.to_string()
}

/// SHA-1 in hexadecimal as Pagefind writes it: each byte without its leading zero.
pub(crate) fn full_hash(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = Sha1::digest(bytes);
    let mut out = String::with_capacity(40);
    for b in digest {
        let _ = write!(out, "{b:x}");
    }
    out
}

/// Gzip of the marker and `content`.
pub(crate) fn pack(content: &[u8], level: Compression) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), level);
    gz.write_all(MAGIC).expect("writing to memory");
    gz.write_all(content).expect("writing to memory");
    gz.finish().expect("writing to memory")
}

/// The content of a packed file, without its marker.
pub(crate) fn unpack(packed: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(packed.len() * 4);
    flate2::read::GzDecoder::new(packed)
        .read_to_end(&mut out)
        .map_err(|e| Error::format(format!("file dell'indice non leggibile: {e}")))?;
    match out.strip_prefix(MAGIC) {
        Some(_) => Ok(out.split_off(MAGIC.len())),
        None => Err(Error::format(
            "file dell'indice senza il marcatore di Pagefind",
        )),
    }
}

/// A binary file of `files`, unpacked and decoded.
pub(crate) fn decode<T: for<'b> Decode<'b, ()>>(
    files: &HashMap<String, Vec<u8>>,
    name: &str,
) -> Result<T> {
    let packed = files
        .get(name)
        .ok_or_else(|| Error::format(format!("manca {name} nell'indice di un gruppo")))?;
    minicbor::decode(&unpack(packed)?)
        .map_err(|e| Error::format(format!("{name} non leggibile: {e}")))
}
