//! Merging batches of pages into the files one Pagefind index of all the pages would have: the
//! same page numbers, words, locations, filters, chunks and file names (content hashes), so that
//! Pagefind's browser side reads them as its own. A batch is either read from the files of a
//! Pagefind index of its pages (`read_batch`) or made from pages read here (`own_batch`).
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
use std::sync::Arc;

use flate2::Compression;
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

/// A word index file, as `encode_chunk` writes it (the words' pages kept encoded).
#[cfg(test)]
#[derive(Encode, Decode)]
struct WordIndex {
    #[n(0)]
    words: Vec<PackedWord>,
}

#[cfg(test)]
#[derive(Encode, Decode)]
struct PackedWord {
    #[n(0)]
    word: String,
    #[n(1)]
    pages: Vec<PackedPage>,
    #[n(2)]
    additional_variants: Vec<PackedVariant>,
}

#[cfg(test)]
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

/// The pages of a word (or of one of its forms) in one batch, as the batch's index encodes them:
/// each page a CBOR item, its number the difference from the page before, the first one's from 0.
struct Segment {
    bytes: Vec<u8>,
    count: u64,
    /// The batch's numbers of the first and last page.
    first: u32,
    last: u32,
    /// Pagefind's measure of a chunk's size: locations, metadata locations and one per page.
    size: usize,
}

/// Pages of a word (or of one of its forms) in the merged index, as they will be written. Kept
/// encoded, a location takes a byte or two instead of the four of a number and the allocations
/// of a list per page.
#[derive(Default)]
struct Postings {
    bytes: Vec<u8>,
    count: u64,
    last_page: u32,
    size: usize,
}

impl Postings {
    /// Appends a batch's pages, which come after those already here; the batch's first page is
    /// `offset` in the merged numbering. `field_ids` renumbers metadata fields, when the batch
    /// numbers them otherwise than the merged index.
    fn append(
        &mut self,
        segment: &Segment,
        offset: u32,
        field_ids: Option<&[i32]>,
    ) -> Result<(), String> {
        if segment.count == 0 {
            return Ok(());
        }
        let renumbered;
        let segment = match field_ids {
            Some(ids) => {
                renumbered = renumber_fields(segment, ids)?;
                &renumbered
            }
            None => segment,
        };
        let mut d = minicbor::Decoder::new(&segment.bytes);
        let mut first: PackedPage = d.decode().map_err(|e| e.to_string())?;
        first.page_number = offset + segment.first - self.last_page;
        minicbor::encode(&first, &mut self.bytes).expect("encoding to memory");
        self.bytes.extend_from_slice(&segment.bytes[d.position()..]);
        self.count += segment.count;
        self.size += segment.size;
        self.last_page = offset + segment.last;
        Ok(())
    }

    /// Writes the pages as a CBOR array.
    fn write(&self, e: &mut minicbor::Encoder<Vec<u8>>) {
        e.array(self.count).expect("encoding to memory");
        e.writer_mut().extend_from_slice(&self.bytes);
    }
}

/// The segment with its metadata field markers (negative numbers) renumbered.
fn renumber_fields(segment: &Segment, field_ids: &[i32]) -> Result<Segment, String> {
    let mut d = minicbor::Decoder::new(&segment.bytes);
    let mut bytes = Vec::with_capacity(segment.bytes.len());
    for _ in 0..segment.count {
        let mut page: PackedPage = d.decode().map_err(|e| e.to_string())?;
        for loc in &mut page.meta_locs {
            if *loc < 0 {
                *loc = -(field_ids[(-*loc - 1) as usize] + 1);
            }
        }
        minicbor::encode(&page, &mut bytes).expect("encoding to memory");
    }
    Ok(Segment {
        bytes,
        count: segment.count,
        first: segment.first,
        last: segment.last,
        size: segment.size,
    })
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

/// One batch's index, read (on the thread that made it): per language its pages, words and
/// filters in the batch's own page numbering.
pub struct Batch {
    languages: BTreeMap<String, BatchLanguage>,
}

impl Batch {
    /// The languages of the batch's pages.
    pub fn languages(&self) -> impl Iterator<Item = &String> {
        self.languages.keys()
    }
}

struct BatchLanguage {
    meta_fields: Vec<String>,
    /// The fragment's hash as the batch named it, the page's word count, the fragment file.
    pages: Vec<(String, u32, Vec<u8>)>,
    words: Vec<BatchWord>,
    filters: Vec<BatchFilter>,
}

/// A word with its pages and its forms with diacritics, with theirs.
type BatchWord = (String, Segment, Vec<(String, Segment)>);
/// A filter with its values and their pages.
type BatchFilter = (String, Vec<(String, Vec<u32>)>);

/// Reads one batch's files.
pub fn read_batch(files: Files) -> Result<Batch, String> {
    let mut files: HashMap<String, Vec<u8>> = files.into_iter().collect();
    let entry: Entry = serde_json::from_slice(
        files
            .get("pagefind-entry.json")
            .ok_or("un gruppo di pagine non ha pagefind-entry.json")?,
    )
    .map_err(|e| format!("pagefind-entry.json non leggibile: {e}"))?;
    let mut languages = BTreeMap::new();
    for (code, lang) in &entry.languages {
        let meta: MetaIndex = decode(&files, &format!("pagefind.{}.pf_meta", lang.hash))?;
        if !meta.sorts.is_empty() {
            return Err("gli ordinamenti (data-pagefind-sort) non sono gestiti".into());
        }
        let mut pages = Vec::with_capacity(meta.pages.len());
        for page in meta.pages {
            let name = format!("fragment/{}.pf_fragment", page.hash);
            let fragment = files
                .remove(&name)
                .ok_or_else(|| format!("manca {name} nell'indice di un gruppo"))?;
            pages.push((page.hash, page.word_count, fragment));
        }
        let mut words = Vec::new();
        for chunk in &meta.index_chunks {
            let name = format!("index/{}.pf_index", chunk.hash);
            let packed = files
                .get(&name)
                .ok_or_else(|| format!("manca {name} nell'indice di un gruppo"))?;
            read_words(&unpack(packed)?, &mut words)
                .map_err(|e| format!("{name} non leggibile: {e}"))?;
        }
        let mut filters = Vec::new();
        for filter in &meta.filters {
            let index: FilterIndex = decode(&files, &format!("filter/{}.pf_filter", filter.hash))?;
            let values = index.values.into_iter().map(|v| (v.value, v.pages));
            filters.push((index.filter, values.collect()));
        }
        languages.insert(
            code.clone(),
            BatchLanguage {
                meta_fields: meta.meta_fields,
                pages,
                words,
                filters,
            },
        );
    }
    Ok(Batch { languages })
}

/// A batch made of pages read here (`reader`), as Pagefind's index of them would be read.
pub fn own_batch(pages: Vec<crate::reader::PageRead>) -> Batch {
    let mut by_language: BTreeMap<String, Vec<crate::reader::PageRead>> = BTreeMap::new();
    for page in pages {
        by_language
            .entry(page.language.clone())
            .or_default()
            .push(page);
    }
    let languages = by_language
        .into_iter()
        .map(|(code, pages)| {
            let part = own_language(&code, pages);
            (code, part)
        })
        .collect();
    Batch { languages }
}

/// A word's pages in a batch, and its forms with diacritics with theirs.
type OwnWord = (Vec<PackedPage>, Vec<(String, Vec<PackedPage>)>);

fn own_language(code: &str, pages: Vec<crate::reader::PageRead>) -> BatchLanguage {
    let mut meta_fields: Vec<String> = pages
        .iter()
        .flat_map(|p| p.fragment.meta.keys().cloned())
        .collect();
    meta_fields.sort();
    meta_fields.dedup();
    let mut words: HashMap<String, OwnWord> = HashMap::new();
    let mut filters: BTreeMap<String, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
    let mut fragments = Vec::with_capacity(pages.len());
    for (number, page) in pages.into_iter().enumerate() {
        let number = number as u32;
        let field_ids: Vec<u16> = page
            .fragment
            .meta
            .keys()
            .map(|name| meta_fields.binary_search(name).expect("field gathered") as u16)
            .collect();
        for (text, occurrences) in page.words {
            let mut plain = Vec::new();
            let mut forms: BTreeMap<String, Vec<(u32, u8)>> = BTreeMap::new();
            for o in occurrences {
                match o.original {
                    None => plain.push((o.position, o.weight)),
                    Some(form) => forms.entry(form).or_default().push((o.position, o.weight)),
                }
            }
            let word = words.entry(text).or_default();
            if !plain.is_empty() {
                word.0.push(located(plain, number));
            }
            for (form, at) in forms {
                let page = located(at, number);
                match word.1.iter_mut().find(|(f, _)| *f == form) {
                    Some((_, pages)) => pages.push(page),
                    None => word.1.push((form, vec![page])),
                }
            }
        }
        for (text, occurrences) in page.meta_words {
            let mut plain = Vec::new();
            let mut forms: BTreeMap<String, Vec<(u16, u32)>> = BTreeMap::new();
            for (field, position, original) in occurrences {
                let field = field_ids[field as usize];
                match original {
                    None => plain.push((field, position)),
                    Some(form) => forms.entry(form).or_default().push((field, position)),
                }
            }
            let word = words.entry(text).or_default();
            if !plain.is_empty() {
                set_meta_locs(&mut word.0, number, meta_located(plain));
            }
            for (form, at) in forms {
                let locs = meta_located(at);
                match word.1.iter_mut().find(|(f, _)| *f == form) {
                    Some((_, pages)) => set_meta_locs(pages, number, locs),
                    None => word.1.push((
                        form,
                        vec![PackedPage {
                            page_number: number,
                            locs: vec![],
                            meta_locs: locs,
                        }],
                    )),
                }
            }
        }
        for (name, values) in &page.fragment.filters {
            let filter = filters.entry(name.clone()).or_default();
            for value in values {
                filter.entry(value.clone()).or_default().push(number);
            }
        }
        let json = serde_json::to_string(&page.fragment).expect("a fragment serialises");
        let hash = format!("{code}_{}", full_hash(json.as_bytes()));
        fragments.push((
            hash,
            page.fragment.word_count as u32,
            pack(json.as_bytes(), Compression::best()),
        ));
    }
    BatchLanguage {
        meta_fields,
        pages: fragments,
        words: words
            .into_iter()
            .map(|(text, (pages, forms))| {
                let forms = forms
                    .into_iter()
                    .map(|(form, pages)| (form, Segment::from_pages(&pages)))
                    .collect();
                (text, Segment::from_pages(&pages), forms)
            })
            .collect(),
        filters: filters
            .into_iter()
            .map(|(name, values)| (name, values.into_iter().collect()))
            .collect(),
    }
}

/// The metadata locations of page `number`, on its entry if the body gave it one.
fn set_meta_locs(pages: &mut Vec<PackedPage>, number: u32, meta_locs: Vec<i32>) {
    match pages.iter_mut().find(|p| p.page_number == number) {
        Some(page) => page.meta_locs = meta_locs,
        None => pages.push(PackedPage {
            page_number: number,
            locs: vec![],
            meta_locs,
        }),
    }
}

/// A word's positions on a page, as Pagefind packs them: sorted by weight then position,
/// positions as differences, a change of weight as its negative (minus one) and an absolute
/// position. The common weight (25) would come first; no word has it (the default is 24).
fn located(mut at: Vec<(u32, u8)>, page_number: u32) -> PackedPage {
    at.sort_by_key(|&(position, weight)| (if weight == 25 { 0 } else { weight }, position));
    let mut current = 25;
    let mut last = 0;
    let mut locs = Vec::with_capacity(at.len() + 2);
    for (position, weight) in at {
        if weight != current {
            locs.push(-(weight as i32) - 1);
            locs.push(position as i32);
            current = weight;
        } else {
            locs.push((position - last) as i32);
        }
        last = position;
    }
    PackedPage {
        page_number,
        locs,
        meta_locs: vec![],
    }
}

/// Metadata positions: each field as its negative number (minus one), then its positions as
/// differences.
fn meta_located(mut at: Vec<(u16, u32)>) -> Vec<i32> {
    at.sort();
    let mut current = None;
    let mut last = 0;
    let mut out = Vec::with_capacity(at.len() + 2);
    for (field, position) in at {
        if current != Some(field) {
            out.push(-(field as i32 + 1));
            current = Some(field);
            last = 0;
        }
        out.push((position - last) as i32);
        last = position;
    }
    out
}

impl Segment {
    /// Pages in order (numbers of the batch), encoded as a batch's word index encodes them.
    fn from_pages(pages: &[PackedPage]) -> Segment {
        let mut bytes = Vec::new();
        let mut last = 0;
        let mut size = 0;
        for page in pages {
            let delta = PackedPage {
                page_number: page.page_number - last,
                locs: page.locs.clone(),
                meta_locs: page.meta_locs.clone(),
            };
            last = page.page_number;
            size += page.locs.len() + page.meta_locs.len() + 1;
            minicbor::encode(&delta, &mut bytes).expect("encoding to memory");
        }
        Segment {
            bytes,
            count: pages.len() as u64,
            first: pages.first().map_or(0, |p| p.page_number),
            last,
            size,
        }
    }
}

/// The words of a word index file, their pages left encoded.
fn read_words(raw: &[u8], words: &mut Vec<BatchWord>) -> Result<(), minicbor::decode::Error> {
    let mut d = minicbor::Decoder::new(raw);
    d.array()?;
    for _ in 0..definite(d.array()?)? {
        d.array()?;
        let word = d.str()?.to_string();
        let pages = read_segment(&mut d, raw)?;
        let count = definite(d.array()?)?;
        let mut variants = Vec::with_capacity(count as usize);
        for _ in 0..count {
            d.array()?;
            let form = d.str()?.to_string();
            variants.push((form, read_segment(&mut d, raw)?));
        }
        words.push((word, pages, variants));
    }
    Ok(())
}

/// A list of pages, from the decoder's position, as a segment of the bytes it is encoded in.
fn read_segment(
    d: &mut minicbor::Decoder<'_>,
    raw: &[u8],
) -> Result<Segment, minicbor::decode::Error> {
    let count = definite(d.array()?)?;
    let start = d.position();
    let (mut first, mut last, mut size) = (0, 0, 0);
    for i in 0..count {
        d.array()?;
        last += d.u32()?;
        if i == 0 {
            first = last;
        }
        for _ in 0..2 {
            let locs = definite(d.array()?)?;
            size += locs as usize;
            for _ in 0..locs {
                d.skip()?;
            }
        }
        size += 1;
    }
    Ok(Segment {
        bytes: raw[start..d.position()].to_vec(),
        count,
        first,
        last,
        size,
    })
}

fn definite(len: Option<u64>) -> Result<u64, minicbor::decode::Error> {
    len.ok_or_else(|| minicbor::decode::Error::message("lista di lunghezza indefinita"))
}

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
    pub fn from_files(files: Files) -> Result<Bundle, String> {
        let entry = files
            .iter()
            .find(|(name, _)| name == "pagefind-entry.json")
            .ok_or("manca pagefind-entry.json")?;
        let entry: Entry = serde_json::from_slice(&entry.1)
            .map_err(|e| format!("pagefind-entry.json non leggibile: {e}"))?;
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
) -> Result<Files, String> {
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

/// Adds one batch's pages, words and filters of a language, after those of the batches before.
fn add_batch(code: &str, lang: &mut Language, part: &BatchLanguage) -> Result<(), String> {
    let offset = u32::try_from(lang.pages.len()).map_err(|_| "troppe pagine".to_string())?;
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
) -> Result<(String, Option<String>, Files), String> {
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
        files.push((format!("filter/{hash}.pf_filter"), pack(&cbor, level)));
        meta.filters.push(MetaFilter { filter, hash });
    }

    let chunks = chunk_words(lang.words);
    meta.index_chunks = chunk_bounds(&chunks);
    let encoded: Vec<Result<(Vec<u8>, String), String>> = chunks
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

    let cbor = minicbor::to_vec(&meta).map_err(|e| e.to_string())?;
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

/// Gzip of the marker and `content`.
fn pack(content: &[u8], level: Compression) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), level);
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
