//! Merging batches of pages into the files one Pagefind index of all the pages would have: the
//! same page numbers, words, locations, filters, chunks and file names (content hashes), so that
//! Pagefind's browser side reads them as its own. A batch is either read from the files of a
//! Pagefind index of its pages (`read_batch`) or made from pages read here (`own_batch`).
//!

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use flate2::Compression;
use rayon::prelude::*;

use crate::batch::{Batch, BatchLanguage};
use crate::error::{Error, Result};
use crate::format::{
    Bundle, Entry, EntryLanguage, Files, FilterIndex, MetaChunk, MetaFilter, MetaIndex, MetaPage,
    PackedValue, full_hash, pack, short_hash, unpack,
};
use crate::postings::{Postings, Word, encode_chunk};

/// Pagefind's target size of a word index chunk: the locations it holds, roughly.
const CHUNK_SIZE: usize = 20_000;

/// One language of the merged index.
#[derive(Default)]
struct Language {
    version: String,
    wasm: Option<String>,
    /// Final fragment hash, word count and the fragment file, in page order.
    pages: Vec<(String, u32, Vec<u8>)>,
    used_page_hashes: HashSet<String>,
    words: HashMap<String, Word>,
    filters: BTreeMap<String, BTreeMap<String, Vec<u32>>>,
    meta_fields: Vec<String>,
}

/// Word files packed by an earlier merge, by the full hash of their content, for a series of
/// merges at one compression level (the preview's): a chunk whose words did not change is not
/// compressed again.
#[derive(Default)]
pub struct Packed(HashMap<String, Vec<u8>>);

/// Merges the batches, given in the order of their pages, into a bundle with Pagefind's other
/// files; the files made here are compressed at `level` (Pagefind's is the best). With
/// `packed`, word files packed by the last merge are reused, and this merge's are kept there.
pub fn merge(
    batches: &[Arc<Batch>],
    bundle: &Bundle,
    level: Compression,
    mut packed: Option<&mut Packed>,
) -> Result<Files> {
    let mut entry = Entry {
        version: bundle.version.clone(),
        languages: BTreeMap::new(),
        include_characters: bundle.include_characters.clone(),
    };
    // The metadata field names of all the batches number the fields.
    let mut languages: BTreeMap<String, Language> = BTreeMap::new();
    for batch in batches {
        for (code, part) in &batch.languages {
            let lang = languages.entry(code.clone()).or_default();
            lang.meta_fields.extend(part.meta_fields.iter().cloned());
        }
    }
    for (code, lang) in languages.iter_mut() {
        lang.meta_fields.sort();
        lang.meta_fields.dedup();
        lang.version.clone_from(&bundle.version);
        lang.wasm = bundle.wasm.get(code).cloned().flatten();
    }

    let mut out: Files = bundle.assets.clone();
    for batch in batches {
        for (code, part) in &batch.languages {
            let lang = languages.get_mut(code).expect("language seen above");
            add_batch(code, lang, part)?;
        }
    }

    let mut chunks = Packed::default();
    for (code, lang) in languages {
        let page_count = lang.pages.len();
        let earlier = packed.as_deref();
        let (meta_hash, wasm, files) = write_language(&code, lang, level, earlier, &mut chunks)?;
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
    if let Some(packed) = packed.as_mut() {
        **packed = chunks;
    }
    let entry_json = serde_json::to_string(&entry).map_err(|e| Error::format(e.to_string()))?;
    out.push(("pagefind-entry.json".into(), entry_json.into_bytes()));
    Ok(out)
}

/// Adds one batch's pages, words and filters of a language, after those of the batches before.
fn add_batch(code: &str, lang: &mut Language, part: &BatchLanguage) -> Result<()> {
    let offset = u32::try_from(lang.pages.len()).map_err(|_| Error::TooManyPages)?;
    let field_ids: Option<Vec<i32>> = (part.meta_fields != lang.meta_fields).then(|| {
        part.meta_fields
            .iter()
            .map(|name| {
                lang.meta_fields
                    .binary_search(name)
                    .map(|i| i as i32)
                    .expect("fields gathered from every batch")
            })
            .collect()
    });

    let short_len = code.len() + 8;
    for (batch_hash, word_count, fragment) in &part.pages {
        let mut hash = batch_hash[..short_len.min(batch_hash.len())].to_string();
        if lang.used_page_hashes.contains(&hash) {
            // Another page of another batch has the same short hash: lengthen it as Pagefind
            // does, one character at a time, from the full hash of the fragment.
            let full = format!("{code}_{}", full_hash(&unpack(fragment)?));
            let mut len = hash.len();
            while lang.used_page_hashes.contains(&hash) && len < full.len() {
                len += 1;
                hash = full[..len].to_string();
            }
        }
        lang.used_page_hashes.insert(hash.clone());
        lang.pages.push((hash, *word_count, fragment.clone()));
    }

    let ids = field_ids.as_deref();
    for (text, pages, variants) in &part.words {
        if !lang.words.contains_key(text) {
            lang.words.insert(text.clone(), Word::default());
        }
        let word = lang.words.get_mut(text).expect("inserted above");
        word.pages.append(pages, offset, ids)?;
        for (form, pages) in variants {
            let at = match word.variants.iter().position(|(f, _)| f == form) {
                Some(at) => at,
                None => {
                    word.variants.push((form.clone(), Postings::default()));
                    word.variants.len() - 1
                }
            };
            word.variants[at].1.append(pages, offset, ids)?;
        }
    }

    for (filter, values) in &part.filters {
        let merged = lang.filters.entry(filter.clone()).or_default();
        for (value, pages) in values {
            merged
                .entry(value.clone())
                .or_default()
                .extend(pages.iter().map(|p| p + offset));
        }
    }
    Ok(())
}

/// The files of one merged language: its meta file name's hash, its WebAssembly, its files.
/// Word files already in `earlier` are taken from there; every word file is added to `packed`.
fn write_language(
    code: &str,
    lang: Language,
    level: Compression,
    earlier: Option<&Packed>,
    packed: &mut Packed,
) -> Result<(String, Option<String>, Files)> {
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
        let cbor = minicbor::to_vec(&index).map_err(|e| Error::format(e.to_string()))?;
        let hash = short_hash(&format!("{code}_{}", full_hash(&cbor)), short_len, &used);
        used.insert(hash.clone());
        files.push((format!("filter/{hash}.pf_filter"), pack(&cbor, level)));
        meta.filters.push(MetaFilter { filter, hash });
    }

    let chunks = chunk_words(lang.words);
    meta.index_chunks = chunk_bounds(&chunks);
    let encoded: Vec<Result<(Vec<u8>, String)>> = chunks
        .into_par_iter()
        .map(|chunk| {
            let cbor = encode_chunk(&chunk);
            let hash = format!("{code}_{}", full_hash(&cbor));
            let bytes = match earlier.and_then(|e| e.0.get(&hash)) {
                Some(bytes) => bytes.clone(),
                None => pack(&cbor, level),
            };
            Ok((bytes, hash))
        })
        .collect();
    let mut used = HashSet::new();
    for (bounds, chunk) in meta.index_chunks.iter_mut().zip(encoded) {
        let (bytes, full) = chunk?;
        let hash = short_hash(&full, short_len, &used);
        used.insert(hash.clone());
        packed.0.insert(full, bytes.clone());
        files.push((format!("index/{hash}.pf_index"), bytes));
        bounds.hash = hash;
    }

    let cbor = minicbor::to_vec(&meta).map_err(|e| Error::format(e.to_string()))?;
    let meta_hash = format!("{code}_{}", &full_hash(&cbor)[..short_len]);
    files.push((format!("pagefind.{meta_hash}.pf_meta"), pack(&cbor, level)));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{PackedPage, PackedVariant, PackedWord, WordIndex};
    use crate::postings::{BatchWord, read_words};

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

    fn page(page_number: u32, locs: Vec<i32>, meta_locs: Vec<i32>) -> PackedPage {
        PackedPage {
            page_number,
            locs,
            meta_locs,
        }
    }

    /// A batch's word index file (pages delta-encoded from 0), read.
    fn batch_words(words: Vec<PackedWord>) -> Vec<BatchWord> {
        let raw = minicbor::to_vec(&WordIndex { words }).unwrap();
        let mut out = Vec::new();
        read_words(&raw, &mut out).unwrap();
        out
    }

    #[test]
    fn batches_appended_encode_as_pagefind_s_word_index_of_all_pages() {
        // Batch 1 (pages 0-9): "citta" on pages 2 and 5, its form "città" on page 5.
        // Batch 2 (pages 10-): "citta" on its pages 1 and 4 with metadata field 0, which is
        // field 1 of the merged index; a word with its accented form only.
        let first = batch_words(vec![PackedWord {
            word: "citta".into(),
            pages: vec![page(2, vec![1, 5], vec![]), page(3, vec![-49, 2], vec![])],
            additional_variants: vec![PackedVariant {
                form: "città".into(),
                pages: vec![page(5, vec![0], vec![])],
            }],
        }]);
        let second = batch_words(vec![
            PackedWord {
                word: "citta".into(),
                pages: vec![page(1, vec![3], vec![-1, 0]), page(3, vec![7], vec![])],
                additional_variants: vec![],
            },
            PackedWord {
                word: "perche".into(),
                pages: vec![],
                additional_variants: vec![PackedVariant {
                    form: "perché".into(),
                    pages: vec![page(4, vec![2], vec![])],
                }],
            },
        ]);
        let mut merged: BTreeMap<String, Word> = BTreeMap::new();
        for (batch, offset, ids) in [(first, 0, None), (second, 10, Some(&[1][..]))] {
            for (text, pages, variants) in batch {
                let word = merged.entry(text).or_default();
                word.pages.append(&pages, offset, ids).unwrap();
                for (form, pages) in variants {
                    if !word.variants.iter().any(|(f, _)| *f == form) {
                        word.variants.push((form.clone(), Postings::default()));
                    }
                    let at = word.variants.iter().position(|(f, _)| *f == form).unwrap();
                    word.variants[at].1.append(&pages, offset, ids).unwrap();
                }
            }
        }
        let chunk: Vec<(String, Word)> = merged.into_iter().collect();
        let expected = WordIndex {
            words: vec![
                PackedWord {
                    word: "citta".into(),
                    pages: vec![
                        page(2, vec![1, 5], vec![]),
                        page(3, vec![-49, 2], vec![]),
                        page(6, vec![3], vec![-2, 0]),
                        page(3, vec![7], vec![]),
                    ],
                    additional_variants: vec![PackedVariant {
                        form: "città".into(),
                        pages: vec![page(5, vec![0], vec![])],
                    }],
                },
                PackedWord {
                    word: "perche".into(),
                    pages: vec![],
                    additional_variants: vec![PackedVariant {
                        form: "perché".into(),
                        pages: vec![page(14, vec![2], vec![])],
                    }],
                },
            ],
        };
        assert_eq!(encode_chunk(&chunk), minicbor::to_vec(&expected).unwrap());
        // Pagefind's chunk size: locations, metadata locations, one per page and per form.
        assert_eq!(
            chunk[0].1.size(),
            (2 + 1) + (2 + 1) + (3 + 1) + (1 + 1) + (1 + 1) + 1
        );
    }
}
