//! One batch of pages indexed: read from the files of a Pagefind index of its pages
//! (`read_batch`), or made from pages read here (`own_batch`), in the batch's own page
//! numbering.

use std::collections::{BTreeMap, HashMap};

use flate2::Compression;

use crate::error::{Error, Result};
use crate::format::{
    Entry, Files, FilterIndex, MetaIndex, PackedPage, decode, full_hash, pack, unpack,
};
use crate::postings::{BatchWord, Segment, read_words};
use crate::reader::{MetaWords, Occurrence, PageRead};

/// One batch's index, read (on the thread that made it): per language its pages, words and
/// filters in the batch's own page numbering.
pub struct Batch {
    pub languages: BTreeMap<String, BatchLanguage>,
}

impl Batch {
    /// The languages of the batch's pages.
    pub fn languages(&self) -> impl Iterator<Item = &String> {
        self.languages.keys()
    }
}

pub(crate) struct BatchLanguage {
    pub meta_fields: Vec<String>,
    /// The fragment's hash as the batch named it, the page's word count, the fragment file.
    pub pages: Vec<(String, u32, Vec<u8>)>,
    pub words: Vec<BatchWord>,
    pub filters: Vec<BatchFilter>,
}

/// A filter with its values and their pages.
pub(crate) type BatchFilter = (String, Vec<(String, Vec<u32>)>);

/// Reads one batch's files.
pub fn read_batch(files: Files) -> Result<Batch> {
    let mut files: HashMap<String, Vec<u8>> = files.into_iter().collect();
    let entry: Entry = serde_json::from_slice(
        files
            .get("pagefind-entry.json")
            .ok_or_else(|| Error::format("un gruppo di pagine non ha pagefind-entry.json"))?,
    )
    .map_err(|e| Error::format(format!("pagefind-entry.json non leggibile: {e}")))?;
    let mut languages = BTreeMap::new();
    for (code, lang) in &entry.languages {
        let meta: MetaIndex = decode(&files, &format!("pagefind.{}.pf_meta", lang.hash))?;
        if !meta.sorts.is_empty() {
            return Err(Error::format(
                "gli ordinamenti (data-pagefind-sort) non sono gestiti",
            ));
        }
        let mut pages = Vec::with_capacity(meta.pages.len());
        for page in meta.pages {
            let name = format!("fragment/{}.pf_fragment", page.hash);
            let fragment = files
                .remove(&name)
                .ok_or_else(|| Error::format(format!("manca {name} nell'indice di un gruppo")))?;
            pages.push((page.hash, page.word_count, fragment));
        }
        let mut words = Vec::new();
        for chunk in &meta.index_chunks {
            let name = format!("index/{}.pf_index", chunk.hash);
            let packed = files
                .get(&name)
                .ok_or_else(|| Error::format(format!("manca {name} nell'indice di un gruppo")))?;
            read_words(&unpack(packed)?, &mut words)
                .map_err(|e| Error::format(format!("{name} non leggibile: {e}")))?;
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
pub fn own_batch(pages: Vec<PageRead>) -> Batch {
    let mut by_language: BTreeMap<String, Vec<PageRead>> = BTreeMap::new();
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

fn own_language(code: &str, pages: Vec<PageRead>) -> BatchLanguage {
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
        add_body_words(&mut words, page.words, number);
        add_meta_words(&mut words, page.meta_words, &field_ids, number);
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

/// The words of page `number`'s text, each occurrence under the word's form with diacritics
/// when it has one.
fn add_body_words(
    words: &mut HashMap<String, OwnWord>,
    page_words: HashMap<String, Vec<Occurrence>>,
    number: u32,
) {
    for (text, occurrences) in page_words {
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
}

/// The words of page `number`'s metadata (`field_ids` numbers its fields in the batch's
/// fields), on the page's entries of the words.
fn add_meta_words(
    words: &mut HashMap<String, OwnWord>,
    meta_words: MetaWords,
    field_ids: &[u16],
    number: u32,
) {
    for (text, occurrences) in meta_words {
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
