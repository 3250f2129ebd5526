//! Person-like names in free text, whoever they belong to: capitalised words after a word that
//! introduces a person ("la moglie", "sig.ra", "di nome"), and a known given name with the
//! capitalised words after it.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::kinds::{Kind, Span};

const GIVEN_NAMES: &str = include_str!("given_names.txt");

/// The given names, lowercase.
static GIVEN: LazyLock<HashSet<String>> = LazyLock::new(|| {
    GIVEN_NAMES
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_lowercase)
        .collect()
});

/// Words that are capitalised in the reports and answers but name no person: the
/// institutions, their offices and documents. A run of capitalised words after a person's
/// marker stops at one of them.
const NOT_NAMES: &[&str] = &[
    "Questura",
    "Prefettura",
    "Ufficio",
    "Sportello",
    "Unico",
    "Immigrazione",
    "Comune",
    "Provincia",
    "Ministero",
    "Interno",
    "Stato",
    "Repubblica",
    "Italia",
    "Polizia",
    "Portale",
    "ALI",
    "SPID",
    "CIE",
    "PEC",
    "INPS",
    "ASL",
    "SSN",
    "Agenzia",
    "Entrate",
    "Centro",
    "Impiego",
    "Regione",
    "Tribunale",
    "Consolato",
    "Ambasciata",
    "Cittadinanza",
    "Il",
    "La",
    "Lo",
    "Le",
    "Gli",
    "I",
    "Un",
    "Una",
    "In",
    "Per",
    "Con",
    "Da",
    "Dal",
    "Della",
    "Del",
    "Nel",
    "Nella",
    "Se",
    "Non",
    "Si",
    "Ha",
    "Ho",
    "Che",
    "E",
    "È",
    "Ma",
    "Dopo",
    "Prima",
    "Entro",
];

/// A capitalised word: `Grace`, `O'Neil`, `OKAFOR`.
const WORD: &str = r"(?:\p{Lu}[\p{Ll}’'\-]+|\p{Lu}{2,})";

static AFTER_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    let marker = r"(?i:sig\.ra|sig\.na|sig\.|signor[ae]?|sigg\.|dott\.ssa|dott\.|dr\.|avv\.|prof\.ssa|prof\.|moglie|marito|coniuge|compagn[oa]|figli[oa]?|madre|padre|genitori|fratello|sorella|nipote|suocer[oa]|cugin[oa]|cittadin[oa]|richiedente|intestatari[oa]|datore di lavoro|datrice di lavoro|di nome|chiamat[oa]|nominat[oa]|sposat[oa] con|signori)";
    Regex::new(&format!(
        r"\b{marker}\s+(?:(?:di|del|della|dei|la|il)\s+)?({WORD}(?:\s+{WORD}){{0,3}})"
    ))
    .expect("valid pattern")
});

static CAPITALISED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\b{WORD}(?:\s+{WORD}){{0,3}}\b")).expect("valid pattern")
});

fn is_name_word(word: &str) -> bool {
    !NOT_NAMES.contains(&word)
}

/// The leading words of `run` (at `start`) up to the first that names no person.
fn name_prefix(run: &str, start: usize) -> Option<Span> {
    let mut end = start;
    for (offset, word) in word_offsets(run) {
        if !is_name_word(word) {
            break;
        }
        end = start + offset + word.len();
    }
    (end > start).then_some(Span {
        start,
        end,
        kind: Kind::Name,
    })
}

fn word_offsets(run: &str) -> impl Iterator<Item = (usize, &str)> {
    run.split_whitespace()
        .map(move |word| (word.as_ptr() as usize - run.as_ptr() as usize, word))
}

/// Every person-like name in `text`.
pub(super) fn person_names(text: &str) -> Vec<Span> {
    let mut found: Vec<Span> = AFTER_MARKER
        .captures_iter(text)
        .filter_map(|c| {
            let run = c.get(1)?;
            name_prefix(run.as_str(), run.start())
        })
        .collect();
    // A run of capitalised words holding a known given name: the name and the words after it
    // (family names), up to a word that names no person.
    for run in CAPITALISED.find_iter(text) {
        let words: Vec<(usize, &str)> = word_offsets(run.as_str()).collect();
        if let Some(first) = words
            .iter()
            .position(|(_, w)| GIVEN.contains(&w.to_lowercase()))
        {
            let (offset, _) = words[first];
            if let Some(span) = name_prefix(&run.as_str()[offset..], run.start() + offset) {
                found.push(span);
            }
        }
    }
    found
}
