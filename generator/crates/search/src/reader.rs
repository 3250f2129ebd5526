//! Reading a page of this theme for the search index as Pagefind's indexer reads it: the text
//! of the element marked `data-pagefind-body` with its blocks, headings (and their weights) and
//! anchors, its filters and title (`parse`), then its words as Pagefind splits, normalises and
//! stems them (`words`). Pages that use other Pagefind attributes go to Pagefind's library
//! instead (`supported`).

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use pagefind_stem::Stemmer;
use regex::Regex;
use serde::Serialize;

use crate::parse::{normalize, parse};
use crate::words::{StemCache, Stems, dotted_tails, indexable_words, stemmer};

static PRIVATE: LazyLock<Regex> = LazyLock::new(|| Regex::new("___PAGEFIND_[\\S]+\\s?").unwrap());

/// Whether this reader reads `html` as Pagefind would: a language, a `data-pagefind-body`
/// element, and no other Pagefind attribute than `data-pagefind-filter` with a plain name.
pub fn supported(html: &str) -> bool {
    let Some(start) = html.find("<html") else {
        return false;
    };
    let tag_end = html[start..].find('>').map_or(start, |e| start + e);
    if !html[start..tag_end].contains(" lang=\"") {
        return false;
    }
    html.match_indices("data-pagefind-").all(|(at, _)| {
        let rest = &html[at + "data-pagefind-".len()..];
        rest.starts_with("body") || {
            rest.starts_with("filter=\"")
                && rest["filter=\"".len()..]
                    .split('"')
                    .next()
                    .is_some_and(|name| name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        }
    }) && html.contains(" data-pagefind-body")
}

/// One anchor of a page: an element with an `id`, its text and the word it starts at.
#[derive(Serialize)]
pub struct Anchor {
    element: String,
    id: String,
    text: String,
    location: u32,
}

/// A page's fragment, as Pagefind's browser side reads it.
#[derive(Serialize)]
pub struct Fragment {
    pub url: String,
    pub content: String,
    pub word_count: usize,
    pub filters: BTreeMap<String, Vec<String>>,
    pub meta: BTreeMap<String, String>,
    pub anchors: Vec<Anchor>,
}

/// A word's occurrence: position, weight, and the form with diacritics when it differs.
pub struct Occurrence {
    pub position: u32,
    pub weight: u8,
    pub original: Option<String>,
}

/// Words of the metadata: (field number in the page's sorted fields, position, form).
pub type MetaWords = HashMap<String, Vec<(u16, u32, Option<String>)>>;

/// A page as the index takes it.
pub struct PageRead {
    pub language: String,
    pub fragment: Fragment,
    pub words: HashMap<String, Vec<Occurrence>>,
    pub meta_words: MetaWords,
}

/// Reads a page (see [`supported`]); `None` when it has no words.
pub fn read(url: &str, html: &str, stems: &mut StemCache) -> Option<PageRead> {
    let (digest, parsed) = parse(html);
    let language = parsed.language.clone().filter(|l| !l.is_empty())?;
    let stemmer = stemmer(&language);
    let stems = stems.0.entry(language.clone()).or_default();
    let (content, words, anchors, word_count) =
        digest_words(&digest, &parsed.anchor_content, stemmer.as_ref(), stems);
    if words.is_empty() {
        return None;
    }
    let mut filters = parsed.filters;
    for values in filters.values_mut() {
        for v in values.iter_mut() {
            *v = PRIVATE.replace_all(v, "").into_owned();
        }
    }
    let mut meta = parsed.meta;
    for v in meta.values_mut() {
        *v = PRIVATE.replace_all(v, "").into_owned();
    }
    let mut meta_words: MetaWords = HashMap::new();
    for (field, value) in meta.values().enumerate() {
        for (position, word) in value.split_whitespace().enumerate() {
            for w in indexable_words(word, stemmer.as_ref(), stems) {
                meta_words.entry(w.stemmed).or_default().push((
                    field as u16,
                    position as u32,
                    w.original,
                ));
            }
        }
    }
    Some(PageRead {
        language,
        fragment: Fragment {
            url: url.to_string(),
            content,
            word_count,
            filters,
            meta,
            anchors,
        },
        words,
        meta_words,
    })
}

type Digest = (String, HashMap<String, Vec<Occurrence>>, Vec<Anchor>, usize);

/// The content, the words with their positions and weights, the anchors and the word count.
fn digest_words(
    digest: &str,
    anchor_content: &BTreeMap<String, String>,
    stemmer: Option<&Stemmer>,
    stems: &mut Stems,
) -> Digest {
    const MULTIPLIER: f32 = 24.0;
    let mut words: HashMap<String, Vec<Occurrence>> = HashMap::new();
    let mut anchors = Vec::new();
    let mut content = String::with_capacity(digest.len());
    let mut index: usize = 0;
    let mut max_index = 0;
    let mut weights: Vec<u8> = vec![MULTIPLIER as u8];
    for word in digest.split_whitespace() {
        if word.starts_with('_') {
            if let Some(rest) = word.strip_prefix("___PAGEFIND_ANCHOR___") {
                if let Some((element, anchor)) = rest.split_once(':') {
                    let text = anchor_content
                        .get(anchor)
                        .map(|t| normalize(t))
                        .unwrap_or_default();
                    if let Some((_, id)) = anchor.split_once(':') {
                        anchors.push(Anchor {
                            element: element.to_string(),
                            id: id.to_string(),
                            text: normalize(&text),
                            location: index as u32,
                        });
                    }
                }
                continue;
            }
            if let Some(rest) = word.strip_prefix("___PAGEFIND_AUTO_WEIGHT___") {
                if weights.len() == 1 {
                    let w = rest.parse::<f32>().unwrap_or(1.0);
                    weights.push((w.clamp(0.0, 10.0) * MULTIPLIER) as u8);
                } else {
                    weights.push(weights.last().copied().unwrap_or_default());
                }
                continue;
            }
            if word.starts_with("___END_PAGEFIND_WEIGHT___") {
                weights.pop();
                continue;
            }
        }
        let base = word.replace('\u{200B}', "");
        if base.is_empty() {
            continue;
        }
        content.push_str(&base);
        content.push(' ');
        let weight = *weights.last().unwrap_or(&1);
        let mut found = indexable_words(&base, stemmer, stems);
        let tails = dotted_tails(&base, stemmer, &found);
        found.extend(tails);
        let compound = found.iter().filter(|w| w.compound).count();
        let partial = if compound > 0 && weight > 0 {
            (weight / u8::try_from(compound).unwrap_or(u8::MAX)).max(1)
        } else {
            0
        };
        for w in found {
            words.entry(w.stemmed).or_default().push(Occurrence {
                position: index as u32,
                weight: if w.compound { partial } else { weight },
                original: w.original,
            });
        }
        max_index = index;
        index += 1;
    }
    if content.ends_with(' ') {
        content.pop();
    }
    (content, words, anchors, max_index + 1)
}
