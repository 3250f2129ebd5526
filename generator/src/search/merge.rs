//! Merging the index files of several Pagefind indexes, each made from a batch of the pages, into
//! the files one index of all the pages would have: the same page numbers, words, locations,
//! filters, chunks and file names (content hashes), so that Pagefind's browser side reads them
//! as its own.
//!
//! Pagefind 1.x bundle layout, per language `xx`:
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

use minicbor::{Decode, Encode};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

/// The files of one batch: paths relative to the bundle folder, contents as written.
pub type Files = Vec<(String, Vec<u8>)>;

/// Pagefind's target size of a word index chunk: the locations it holds, roughly.
const CHUNK_SIZE: usize = 20_000;
const MAGIC: &[u8] = b"pagefind_dcd";

#[derive(Encode, Decode)]
struct MetaIndex {
    #[n(0)]
    version: String,
    #[n(1)]
    pages: Vec<MetaPage>,
    #[n(2)]
    index_chunks: Vec<MetaChunk>,
    #[n(3)]
    filters: Vec<MetaFilter>,
    #[n(4)]
    sorts: Vec<MetaSort>,
    #[n(5)]
    meta_fields: Vec<String>,
}

#[derive(Encode, Decode)]
struct MetaPage {
    #[n(0)]
    hash: String,
    #[n(1)]
    word_count: u32,
    #[n(2)]
    group_hash: String,
}

#[derive(Encode, Decode)]
struct MetaChunk {
    #[n(0)]
    from: String,
    #[n(1)]
    to: String,
    #[n(2)]
    hash: String,
}

#[derive(Encode, Decode)]
struct MetaFilter {
    #[n(0)]
    filter: String,
    #[n(1)]
    hash: String,
}

#[derive(Encode, Decode)]
struct MetaSort {
    #[n(0)]
    sort: String,
    #[n(1)]
    pages: Vec<u32>,
}

#[derive(Encode, Decode)]
struct WordIndex {
    #[n(0)]
    words: Vec<PackedWord>,
}

#[derive(Encode, Decode)]
struct PackedWord {
    #[n(0)]
    word: String,
    #[n(1)]
    pages: Vec<PackedPage>,
    #[n(2)]
    additional_variants: Vec<PackedVariant>,
}

#[derive(Encode, Decode)]
struct PackedVariant {
    #[n(0)]
    form: String,
    #[n(1)]
    pages: Vec<PackedPage>,
}

#[derive(Encode, Decode)]
struct PackedPage {
    #[n(0)]
    page_number: u32,
    #[n(1)]
    locs: Vec<i32>,
    #[n(2)]
    meta_locs: Vec<i32>,
}

#[derive(Encode, Decode)]
struct FilterIndex {
    #[n(0)]
    filter: String,
    #[n(1)]
    values: Vec<PackedValue>,
}

#[derive(Encode, Decode)]
struct PackedValue {
    #[n(0)]
    value: String,
    #[n(1)]
    pages: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    version: String,
    languages: BTreeMap<String, EntryLanguage>,
    include_characters: Vec<char>,
}

#[derive(Serialize, Deserialize)]
struct EntryLanguage {
    hash: String,
    wasm: Option<String>,
    page_count: usize,
}

/// Pages of a word (or of one of its forms) as they will be written: each page CBOR-encoded,
/// its number as the difference from the page before. Kept encoded, a location takes a byte or
/// two instead of the four of a number and the allocations of a list per page.
#[derive(Default)]
struct Postings {
    bytes: Vec<u8>,
    count: u64,
    last_page: u32,
    /// Pagefind's measure of a chunk's size: locations, metadata locations and one per page.
    size: usize,
}

impl Postings {
    /// Appends a page; pages come in page order.
    fn push(&mut self, mut page: PackedPage) {
        let number = page.page_number;
        page.page_number = number - self.last_page;
        self.last_page = number;
        self.count += 1;
        self.size += page.locs.len() + page.meta_locs.len() + 1;
        minicbor::encode(&page, &mut self.bytes).expect("encoding to memory");
    }

    /// Writes the pages as a CBOR array.
    fn write(&self, e: &mut minicbor::Encoder<Vec<u8>>) {
        e.array(self.count).expect("encoding to memory");
        e.writer_mut().extend_from_slice(&self.bytes);
    }
}

/// A word of the merged index: its pages, and its forms with diacritics in order of appearance.
#[derive(Default)]
struct Word {
    pages: Postings,
    variants: Vec<(String, Postings)>,
}

impl Word {
    fn size(&self) -> usize {
        self.pages.size + self.variants.iter().map(|(_, p)| p.size + 1).sum::<usize>()
    }
}

/// One language of the merged index.
#[derive(Default)]
struct Language {
    version: String,
    wasm: Option<String>,
    /// Final fragment hash and the fragment file, in page order.
    pages: Vec<(String, u32, Vec<u8>)>,
    used_page_hashes: HashSet<String>,
    words: HashMap<String, Word>,
    filters: BTreeMap<String, BTreeMap<String, Vec<u32>>>,
    meta_fields: Vec<String>,
}

/// Merges the batches' files, given in the order of their pages.
pub fn merge(batches: Vec<Files>) -> Result<Files, String> {
    let mut batches: Vec<HashMap<String, Vec<u8>>> = batches
        .into_iter()
        .map(|files| files.into_iter().collect())
        .collect();
    let entries = batches
        .iter()
        .map(|files| {
            let bytes = files
                .get("pagefind-entry.json")
                .ok_or("un gruppo di pagine non ha pagefind-entry.json")?;
            serde_json::from_slice::<Entry>(bytes)
                .map_err(|e| format!("pagefind-entry.json non leggibile: {e}"))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let first = entries.first().ok_or("nessun gruppo di pagine da unire")?;
    let (version, include_characters) = (first.version.clone(), first.include_characters.clone());

    // The batches' metadata first: the metadata field names of all of them number the fields.
    let mut metas: Vec<BTreeMap<String, MetaIndex>> = Vec::with_capacity(batches.len());
    let mut languages: BTreeMap<String, Language> = BTreeMap::new();
    for (entry, files) in entries.iter().zip(&batches) {
        let mut batch_metas = BTreeMap::new();
        for (code, lang) in &entry.languages {
            let meta: MetaIndex = decode(files, &format!("pagefind.{}.pf_meta", lang.hash))?;
            if !meta.sorts.is_empty() {
                return Err("gli ordinamenti (data-pagefind-sort) non sono gestiti".into());
            }
            let merged = languages.entry(code.clone()).or_default();
            merged.version = meta.version.clone();
            merged.wasm = merged.wasm.take().or(lang.wasm.clone());
            merged.meta_fields.extend(meta.meta_fields.iter().cloned());
            batch_metas.insert(code.clone(), meta);
        }
        metas.push(batch_metas);
    }
    for lang in languages.values_mut() {
        lang.meta_fields.sort();
        lang.meta_fields.dedup();
    }

    for (files, batch_metas) in batches.iter_mut().zip(metas) {
        for (code, meta) in batch_metas {
            let lang = languages.get_mut(&code).expect("language seen above");
            add_batch(&code, lang, files, meta)?;
        }
    }

    let mut out: Files = Vec::new();
    let mut entry = Entry {
        version,
        languages: BTreeMap::new(),
        include_characters,
    };
    for (code, lang) in languages {
        let page_count = lang.pages.len();
        let (meta_hash, wasm, files) = write_language(&code, lang)?;
        out.extend(files);
        entry.languages.insert(
            code,
            EntryLanguage {
                hash: meta_hash,
                wasm,
                page_count,
            },
        );
    }
    // The files that do not depend on the pages (scripts, styles, WebAssembly) from the batches.
    let mut seen = HashSet::new();
    for files in batches {
        for (name, bytes) in files {
            if !is_indexed(&name) && seen.insert(name.clone()) {
                out.push((name, bytes));
            }
        }
    }
    let entry_json = serde_json::to_string(&entry).map_err(|e| e.to_string())?;
    out.push(("pagefind-entry.json".into(), entry_json.into_bytes()));
    Ok(out)
}

/// Whether a bundle file holds pages' data (rather than the same in every index).
fn is_indexed(name: &str) -> bool {
    name.ends_with(".pf_meta")
        || name.starts_with("index/")
        || name.starts_with("filter/")
        || name.starts_with("fragment/")
        || name == "pagefind-entry.json"
}

/// A script or style of the bundle: the same whatever the pages.
pub fn is_asset(name: &str) -> bool {
    !is_indexed(name) && !name.starts_with("wasm.")
}

/// Adds one batch's pages, words and filters of a language, after those of the batches before.
fn add_batch(
    code: &str,
    lang: &mut Language,
    files: &mut HashMap<String, Vec<u8>>,
    meta: MetaIndex,
) -> Result<(), String> {
    let offset = u32::try_from(lang.pages.len()).map_err(|_| "troppe pagine".to_string())?;
    let field_ids: Vec<i32> = meta
        .meta_fields
        .iter()
        .map(|name| {
            lang.meta_fields
                .binary_search(name)
                .map(|i| i as i32)
                .expect("fields gathered from every batch")
        })
        .collect();

    let short_len = code.len() + 8;
    for page in meta.pages {
        let name = format!("fragment/{}.pf_fragment", page.hash);
        let fragment = files
            .remove(&name)
            .ok_or_else(|| format!("manca {name} nell'indice di un gruppo"))?;
        let mut hash = page.hash[..short_len.min(page.hash.len())].to_string();
        if lang.used_page_hashes.contains(&hash) {
            // Another page of another batch has the same short hash: lengthen it as Pagefind
            // does, one character at a time, from the full hash of the fragment.
            let full = format!("{code}_{}", full_hash(&unpack(&fragment)?));
            let mut len = hash.len();
            while lang.used_page_hashes.contains(&hash) && len < full.len() {
                len += 1;
                hash = full[..len].to_string();
            }
        }
        lang.used_page_hashes.insert(hash.clone());
        lang.pages.push((hash, page.word_count, fragment));
    }

    for chunk in &meta.index_chunks {
        let index: WordIndex = decode(files, &format!("index/{}.pf_index", chunk.hash))?;
        for packed in index.words {
            let word = lang.words.entry(packed.word).or_default();
            for page in renumber(packed.pages, offset, &field_ids) {
                word.pages.push(page);
            }
            for variant in packed.additional_variants {
                let at = match word.variants.iter().position(|(f, _)| *f == variant.form) {
                    Some(at) => at,
                    None => {
                        word.variants.push((variant.form, Postings::default()));
                        word.variants.len() - 1
                    }
                };
                for page in renumber(variant.pages, offset, &field_ids) {
                    word.variants[at].1.push(page);
                }
            }
        }
    }

    for filter in &meta.filters {
        let index: FilterIndex = decode(files, &format!("filter/{}.pf_filter", filter.hash))?;
        let merged = lang.filters.entry(index.filter).or_default();
        for value in index.values {
            merged
                .entry(value.value)
                .or_default()
                .extend(value.pages.into_iter().map(|p| p + offset));
        }
    }
    Ok(())
}

/// Page numbers from the batch's delta encoding to absolute ones after `offset`; metadata field
/// markers (negative numbers) to the merged field numbering.
fn renumber(pages: Vec<PackedPage>, offset: u32, field_ids: &[i32]) -> Vec<PackedPage> {
    let mut last = 0;
    pages
        .into_iter()
        .map(|mut page| {
            last += page.page_number;
            page.page_number = last + offset;
            for loc in &mut page.meta_locs {
                if *loc < 0 {
                    *loc = -(field_ids[(-*loc - 1) as usize] + 1);
                }
            }
            page
        })
        .collect()
}

/// The files of one merged language: its meta file name's hash, its WebAssembly, its files.
fn write_language(code: &str, lang: Language) -> Result<(String, Option<String>, Files), String> {
    let mut files: Files = Vec::new();
    let short_len = code.len() + 8;

    let mut meta = MetaIndex {
        version: lang.version,
        pages: Vec::with_capacity(lang.pages.len()),
        index_chunks: Vec::new(),
        filters: Vec::new(),
        sorts: Vec::new(),
        meta_fields: lang.meta_fields,
    };
    for (hash, word_count, fragment) in lang.pages {
        files.push((format!("fragment/{hash}.pf_fragment"), fragment));
        meta.pages.push(MetaPage {
            hash,
            word_count,
            group_hash: String::new(),
        });
    }

    let mut used = HashSet::new();
    for (filter, values) in lang.filters {
        let index = FilterIndex {
            filter: filter.clone(),
            values: values
                .into_iter()
                .map(|(value, pages)| PackedValue { value, pages })
                .collect(),
        };
        let cbor = minicbor::to_vec(&index).map_err(|e| e.to_string())?;
        let hash = short_hash(&format!("{code}_{}", full_hash(&cbor)), short_len, &used);
        used.insert(hash.clone());
        files.push((format!("filter/{hash}.pf_filter"), pack(&cbor)));
        meta.filters.push(MetaFilter { filter, hash });
    }

    let chunks = chunk_words(lang.words);
    meta.index_chunks = chunk_bounds(&chunks);
    let encoded: Vec<Result<(Vec<u8>, String), String>> = chunks
        .into_par_iter()
        .map(|chunk| {
            let cbor = encode_chunk(&chunk);
            let hash = format!("{code}_{}", full_hash(&cbor));
            Ok((pack(&cbor), hash))
        })
        .collect();
    let mut used = HashSet::new();
    for (bounds, chunk) in meta.index_chunks.iter_mut().zip(encoded) {
        let (packed, full) = chunk?;
        let hash = short_hash(&full, short_len, &used);
        used.insert(hash.clone());
        files.push((format!("index/{hash}.pf_index"), packed));
        bounds.hash = hash;
    }

    let cbor = minicbor::to_vec(&meta).map_err(|e| e.to_string())?;
    let meta_hash = format!("{code}_{}", &full_hash(&cbor)[..short_len]);
    files.push((format!("pagefind.{meta_hash}.pf_meta"), pack(&cbor)));
    Ok((meta_hash, lang.wasm, files))
}

/// Words in order, cut into chunks of about `CHUNK_SIZE` locations as Pagefind cuts them.
fn chunk_words(words: HashMap<String, Word>) -> Vec<Vec<(String, Word)>> {
    let mut words: Vec<(String, Word)> = words.into_iter().collect();
    words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut chunks = Vec::new();
    let mut chunk = Vec::new();
    let mut size = 0;
    for word in words {
        size += word.1.size();
        chunk.push(word);
        if size >= CHUNK_SIZE {
            chunks.push(std::mem::take(&mut chunk));
            size = 0;
        }
    }
    if !chunk.is_empty() {
        chunks.push(chunk);
    }
    chunks
}

/// A word index file's content: what `WordIndex` encodes to, from the words' encoded pages.
fn encode_chunk(chunk: &[(String, Word)]) -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    let fail = "encoding to memory";
    e.array(1)
        .expect(fail)
        .array(chunk.len() as u64)
        .expect(fail);
    for (text, word) in chunk {
        e.array(3).expect(fail).str(text).expect(fail);
        word.pages.write(&mut e);
        e.array(word.variants.len() as u64).expect(fail);
        for (form, pages) in &word.variants {
            e.array(2).expect(fail).str(form).expect(fail);
            pages.write(&mut e);
        }
    }
    e.into_writer()
}

/// The word range of each chunk, shortened to the prefixes that tell neighbouring chunks apart.
fn chunk_bounds(chunks: &[Vec<(String, Word)>]) -> Vec<MetaChunk> {
    let mut bounds: Vec<MetaChunk> = chunks
        .iter()
        .map(|chunk| MetaChunk {
            from: chunk.first().map(|w| w.0.clone()).unwrap_or_default(),
            to: chunk.last().map(|w| w.0.clone()).unwrap_or_default(),
            hash: String::new(),
        })
        .collect();
    for i in 1..bounds.len() {
        let (to, from) = distinguishing_prefixes(&bounds[i - 1].to, &bounds[i].from);
        // The end of a chunk is shortened only where it stays after the chunk's start.
        if to >= bounds[i - 1].from {
            bounds[i - 1].to = to;
        }
        bounds[i].from = from;
    }
    bounds
}

/// The shortest prefixes of `a` and `b` one character longer than their common prefix.
fn distinguishing_prefixes(a: &str, b: &str) -> (String, String) {
    let common = b.chars().zip(a.chars()).take_while(|(x, y)| x == y).count();
    (
        a.chars().take(common + 1).collect(),
        b.chars().take(common + 1).collect(),
    )
}

/// The first `len` characters of `full`, lengthened two at a time while another file of the
/// same kind uses them (Pagefind's rule for word and filter files).
fn short_hash(full: &str, len: usize, used: &HashSet<String>) -> String {
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
fn full_hash(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = Sha1::digest(bytes);
    let mut out = String::with_capacity(40);
    for b in digest {
        let _ = write!(out, "{b:x}");
    }
    out
}

/// Gzip of the marker and `content`, at the best level as Pagefind writes its files.
fn pack(content: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(MAGIC).expect("writing to memory");
    gz.write_all(content).expect("writing to memory");
    gz.finish().expect("writing to memory")
}

/// The content of a packed file, without its marker.
fn unpack(packed: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(packed.len() * 4);
    flate2::read::GzDecoder::new(packed)
        .read_to_end(&mut out)
        .map_err(|e| format!("file dell'indice non leggibile: {e}"))?;
    match out.strip_prefix(MAGIC) {
        Some(_) => Ok(out.split_off(MAGIC.len())),
        None => Err("file dell'indice senza il marcatore di Pagefind".into()),
    }
}

fn decode<T: for<'b> Decode<'b, ()>>(
    files: &HashMap<String, Vec<u8>>,
    name: &str,
) -> Result<T, String> {
    let packed = files
        .get(name)
        .ok_or_else(|| format!("manca {name} nell'indice di un gruppo"))?;
    minicbor::decode(&unpack(packed)?).map_err(|e| format!("{name} non leggibile: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_written_without_leading_zeros() {
        // SHA-1("abc") = a9993e36 4706816a ba3e2571 7850c26c 9cd0d89d
        assert_eq!(full_hash(b"abc"), "a9993e36476816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn a_taken_short_hash_grows_two_characters_at_a_time() {
        let full = "it_0123456789abcdef";
        let mut used = HashSet::new();
        assert_eq!(short_hash(full, 11, &used), "it_01234567");
        used.insert("it_01234567".to_string());
        assert_eq!(short_hash(full, 11, &used), "it_0123456789");
        used.insert("it_0123456789".to_string());
        assert_eq!(short_hash(full, 11, &used), "it_0123456789ab");
    }

    #[test]
    fn chunk_bounds_are_the_prefixes_that_tell_chunks_apart() {
        let word = |w: &str| (w.to_string(), Word::default());
        let chunks = vec![
            vec![word("abaco"), word("casa")],
            vec![word("casale"), word("dado")],
            vec![word("dadi"), word("zucca")],
        ];
        let bounds = chunk_bounds(&chunks);
        let pairs: Vec<(&str, &str)> = bounds
            .iter()
            .map(|b| (b.from.as_str(), b.to.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![("abaco", "casa"), ("casal", "dado"), ("dadi", "zucca")]
        );
    }

    #[test]
    fn page_numbers_come_back_absolute_and_fields_renumbered() {
        let pages = vec![
            PackedPage {
                page_number: 2,
                locs: vec![1],
                meta_locs: vec![-1, 0, -2, 3],
            },
            PackedPage {
                page_number: 3,
                locs: vec![4],
                meta_locs: vec![],
            },
        ];
        let out = renumber(pages, 10, &[1, 4]);
        assert_eq!(out[0].page_number, 12);
        assert_eq!(out[1].page_number, 15);
        assert_eq!(out[0].meta_locs, vec![-2, 0, -5, 3]);
    }

    #[test]
    fn encoded_pages_are_what_pagefind_s_word_index_encodes_to() {
        let page = |page_number, locs: Vec<i32>| PackedPage {
            page_number,
            locs,
            meta_locs: vec![],
        };
        let mut word = Word::default();
        word.pages.push(page(12, vec![1, 5]));
        word.pages.push(page(15, vec![-49, 2]));
        let mut variant = Postings::default();
        variant.push(page(15, vec![0]));
        word.variants.push(("città".into(), variant));
        let expected = WordIndex {
            words: vec![PackedWord {
                word: "citta".into(),
                pages: vec![page(12, vec![1, 5]), page(3, vec![-49, 2])],
                additional_variants: vec![PackedVariant {
                    form: "città".into(),
                    pages: vec![page(15, vec![0])],
                }],
            }],
        };
        assert_eq!(
            encode_chunk(&[("citta".into(), word)]),
            minicbor::to_vec(&expected).unwrap()
        );
    }
}
