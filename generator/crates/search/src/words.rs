//! Words as Pagefind's indexer makes them from the text of a page: split (compound words and
//! their parts, dotted names, katakana), normalised, stripped of diacritics, stemmed in the
//! page's language.

use std::collections::HashMap;
use std::sync::LazyLock;

use convert_case::{Case, Casing};
use pagefind_stem::{Algorithm, Stemmer};
use regex::Regex;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

static EMOJI: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\p{Emoji}").unwrap());

/// Pagefind's characters that belong to words (Unicode's connector punctuation).
pub const WORD_SYMBOLS: [char; 10] = ['_', '‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'];

/// Stems already computed, per language.
#[derive(Default)]
pub struct StemCache(pub(crate) HashMap<String, Stems>);

/// A language's stems, by word.
pub(crate) type Stems = HashMap<String, String>;

/// A word of the index, and its form with diacritics when it has one.
pub(crate) struct Indexable {
    pub stemmed: String,
    /// A part of a compound word, or a word from a dotted name.
    pub compound: bool,
    pub original: Option<String>,
}

/// The words of the index that `raw` (one word of the text) gives.
pub(crate) fn indexable_words(
    raw: &str,
    stemmer: Option<&Stemmer>,
    stems: &mut Stems,
) -> Vec<Indexable> {
    let mut out = Vec::new();
    let normalized = normalize_word(raw);
    if !normalized.is_empty() {
        out.push(stem_word(&normalized, stemmer, false, Some(stems)));
    }
    for suffix in katakana_suffixes(raw) {
        let plain = strip_diacritics(suffix);
        out.push(Indexable {
            stemmed: plain.clone().unwrap_or_else(|| suffix.to_string()),
            original: plain.map(|_| suffix.to_string()),
            compound: true,
        });
    }
    let possibly_compound =
        raw.chars().any(|c| !c.is_alphanumeric()) || raw.chars().skip(1).any(|c| c.is_uppercase());
    if !possibly_compound {
        return out;
    }
    let (parts, extras) = discrete_words(raw);
    if !normalized.is_empty()
        && (parts.contains(|c: char| c.is_whitespace()) || !normalized.starts_with(&parts))
    {
        for part in parts.split_whitespace().filter(|w| w.len() > 1) {
            let plain = strip_diacritics(part);
            let stemmed = match stemmer {
                Some(s) => s.stem(plain.as_deref().unwrap_or(part)).into_owned(),
                None => plain.clone().unwrap_or_else(|| part.to_string()),
            };
            out.push(Indexable {
                stemmed,
                original: plain.map(|_| part.to_string()),
                compound: true,
            });
        }
    }
    for extra in extras {
        out.push(Indexable {
            stemmed: extra,
            original: None,
            compound: false,
        });
    }
    out
}

/// The words a dotted name gives after each dot, besides `existing`.
pub(crate) fn dotted_tails(
    raw: &str,
    stemmer: Option<&Stemmer>,
    existing: &[Indexable],
) -> Vec<Indexable> {
    let mut tails: Vec<Indexable> = Vec::new();
    if !raw.contains('.') {
        return tails;
    }
    for (i, _) in raw.match_indices('.') {
        let rest = &raw[i + 1..];
        let tail = match rest.char_indices().nth(64) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        let compound = tail.chars().any(|c| !c.is_alphanumeric())
            || tail.chars().skip(1).any(|c| c.is_uppercase());
        if !compound {
            continue;
        }
        let normalized = normalize_word(tail);
        if normalized.chars().count() < 2 {
            continue;
        }
        let word = stem_word(&normalized, stemmer, true, None);
        if !existing.iter().any(|w| w.stemmed == word.stemmed)
            && !tails.iter().any(|w| w.stemmed == word.stemmed)
        {
            tails.push(word);
        }
    }
    tails
}

fn normalize_word(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for mut c in raw.chars() {
        if c.is_alphanumeric() || WORD_SYMBOLS.contains(&c) {
            c.make_ascii_lowercase();
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        }
    }
    out
}

fn stem_word(
    normalized: &str,
    stemmer: Option<&Stemmer>,
    compound: bool,
    stems: Option<&mut Stems>,
) -> Indexable {
    let plain = strip_diacritics(normalized);
    let key = plain.as_deref().unwrap_or(normalized);
    let stemmed = match (stemmer, stems) {
        (Some(s), Some(cache)) => match cache.get(key) {
            Some(stem) => stem.clone(),
            None => {
                let stem = s.stem(key).into_owned();
                cache.insert(key.to_string(), stem.clone());
                stem
            }
        },
        (Some(s), None) => s.stem(key).into_owned(),
        (None, _) => key.to_string(),
    };
    Indexable {
        stemmed,
        original: plain.map(|_| normalized.to_string()),
        compound,
    }
}

fn is_katakana(c: char) -> bool {
    matches!(c as u32, 0x30A1..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
}

fn katakana_suffixes(word: &str) -> Vec<&str> {
    if word.chars().count() < 3 || !word.chars().all(is_katakana) {
        return Vec::new();
    }
    let mut out: Vec<&str> = Vec::new();
    for (i, _) in word.char_indices().skip(1) {
        let rest = &word[i..];
        let suffix = match rest.char_indices().nth(16) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        if suffix.chars().count() >= 2 && !out.contains(&suffix) {
            out.push(suffix);
        }
    }
    out
}

/// The word without its combining marks (kana sound marks kept), when that differs.
fn strip_diacritics(word: &str) -> Option<String> {
    if word.is_ascii() || !has_decomposition(word) {
        return None;
    }
    let stripped: String = word
        .nfd()
        .filter(|c| {
            !unicode_normalization::char::is_combining_mark(*c)
                || matches!(*c, '\u{3099}' | '\u{309A}')
        })
        .collect();
    let out = if stripped
        .chars()
        .any(|c| matches!(c, '\u{3099}' | '\u{309A}'))
    {
        stripped.nfc().collect::<String>()
    } else {
        stripped
    };
    (out != word).then_some(out)
}

fn has_decomposition(word: &str) -> bool {
    word.chars().any(|c| {
        unicode_normalization::char::is_combining_mark(c) || {
            let mut decomposes = false;
            unicode_normalization::char::decompose_canonical(c, |part| {
                decomposes = decomposes || part != c;
            });
            decomposes
        }
    })
}

fn discrete_words(s: &str) -> (String, Vec<String>) {
    let words = s
        .replace(|c: char| c.is_ascii_punctuation(), " ")
        .to_case(Case::Lower)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let extras = if EMOJI.is_match(s) {
        s.graphemes(true)
            .filter(|g| emojis::get(g).is_some())
            .map(str::to_string)
            .collect()
    } else {
        Vec::new()
    };
    (words, extras)
}

/// Pagefind's stemmer of a language, if it has one.
pub(crate) fn stemmer(lang: &str) -> Option<Stemmer> {
    let algorithm = match lang.split('-').next().unwrap_or_default() {
        "ar" => Algorithm::Arabic,
        "hy" => Algorithm::Armenian,
        "eu" => Algorithm::Basque,
        "ca" => Algorithm::Catalan,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "eo" => Algorithm::Esperanto,
        "et" => Algorithm::Estonian,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hi" => Algorithm::Hindi,
        "hu" => Algorithm::Hungarian,
        "id" => Algorithm::Indonesian,
        "ga" => Algorithm::Irish,
        "it" => Algorithm::Italian,
        "lt" => Algorithm::Lithuanian,
        "nb" | "nn" | "no" => Algorithm::Norwegian,
        "ne" => Algorithm::Nepali,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sr" => Algorithm::Serbian,
        "pl" => Algorithm::Polish,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        "yi" => Algorithm::Yiddish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}
