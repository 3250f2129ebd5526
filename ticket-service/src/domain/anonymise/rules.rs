//! The patterns of personal data that are not names: codes, contacts, dates and addresses, and
//! the identifiers recorded on the reports.

use std::sync::LazyLock;

use regex::Regex;

use super::fiscal_code;
use super::kinds::{Kind, KnownIdentifiers, Span};

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the anonymiser's patterns are valid")
}

const MONTHS: &str =
    "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre";

static FISCAL_CODE: LazyLock<Regex> = LazyLock::new(|| regex(r"\b[A-Za-z0-9]{16}\b"));
static EMAIL: LazyLock<Regex> = LazyLock::new(|| regex(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"));
/// Country, check digits, then groups of four, spaced or not (uppercase, as IBANs are written).
static IBAN: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b"));
/// Digits with spaces, dots, dashes or slashes between them, optionally after +CC or 00CC.
static PHONE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?:\+|\b00)?\b\d(?:[ .\-/]?\d){7,13}\b"));
/// A code with letters and digits (`PS-2026-4411`, `I12345678`) or digits alone.
static CODE: LazyLock<Regex> = LazyLock::new(|| regex(r"\b[\p{L}\d]+(?:[\-/.][\p{L}\d]+)*\b"));
/// The words that introduce a number of a file, permit, receipt or protocol.
static FILE_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b(?:n\.|n°|nr\.?|num\.|numero|prot\.|protocollo|pratica|fascicolo|ricevuta|permesso|codice|cod\.|id)\s*:?\s*$",
    )
});
static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\b(\d{1,2})[./\-](\d{1,2})[./\-](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
});
static WORDED_DATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)\b(\d{{1,2}})(?:°|º)?\s+(?:{MONTHS})\s+(\d{{4}})\b"
    ))
});
static BIRTH_MARKER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\b(?:nat[oaie]|nascita|classe|d\.n\.)\b[^.;\n]{0,40}$"));
static STREET: LazyLock<Regex> = LazyLock::new(|| {
    let particle = r"(?:(?:d[ei]|del|dell[oae]|dei|degli|san|santa|delle)\s+|d[’']|dell[’'])?";
    let word = r"(?:\p{Lu}[\p{L}’'.]*|\d{1,2}\s+(?:[Ss]ettembre|[Aa]prile|[Mm]aggio|[Nn]ovembre))";
    regex(&format!(
        r"\b(?i:via|viale|v\.le|corso|c\.so|piazza|p\.zza|piazzale|largo|vicolo|strada|str\.|borgo|frazione|fraz\.|località|loc\.|regione|contrada)\s+{particle}{word}(?:\s+{particle}{word}){{0,4}}(?:,?\s*(?:n\.\s*|n°\s*)?\d+[A-Za-z]?(?:/\d+)?\b)?"
    ))
});
/// A postcode and the town after it: `12100 Cuneo`.
static POSTCODE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b\d{5}\s+\p{Lu}[\p{L}’']+(?:\s+\(\p{Lu}{2}\))?"));

fn spans(re: &Regex, text: &str, kind: Kind) -> impl Iterator<Item = Span> {
    re.find_iter(text).map(move |m| Span {
        start: m.start(),
        end: m.end(),
        kind,
    })
}

/// Every pattern of personal data that is not a name.
pub(super) fn patterns(text: &str) -> Vec<Span> {
    let mut found: Vec<Span> = FISCAL_CODE
        .find_iter(text)
        .filter(|m| fiscal_code::looks_like(m.as_str()))
        .map(|m| Span {
            start: m.start(),
            end: m.end(),
            kind: Kind::FiscalCode,
        })
        .collect();
    found.extend(spans(&EMAIL, text, Kind::Email));
    found.extend(spans(&IBAN, text, Kind::Iban));
    found.extend(spans(&STREET, text, Kind::Address));
    found.extend(spans(&POSTCODE, text, Kind::Address));
    let dates = dates(text);
    found.extend(phones(text, &dates));
    found.extend(file_numbers(text, &dates));
    found.extend(
        dates
            .into_iter()
            .filter(|date| date.year < 2010 || BIRTH_MARKER.is_match(&text[..date.span.start]))
            .map(|date| date.span),
    );
    found
}

/// A full date written in the text.
struct WrittenDate {
    span: Span,
    year: i32,
}

fn dates(text: &str) -> Vec<WrittenDate> {
    let numeric = NUMERIC_DATE.captures_iter(text).map(|c| {
        let year = c.get(3).or_else(|| c.get(4)).map_or("0", |m| m.as_str());
        (c.get(0).unwrap(), year.to_owned())
    });
    let worded = WORDED_DATE
        .captures_iter(text)
        .map(|c| (c.get(0).unwrap(), c[2].to_owned()));
    numeric
        .chain(worded)
        .map(|(m, year)| WrittenDate {
            span: Span {
                start: m.start(),
                end: m.end(),
                kind: Kind::BirthDate,
            },
            year: year.parse().unwrap_or(0),
        })
        .collect()
}

fn inside_a_date(dates: &[WrittenDate], start: usize, end: usize) -> bool {
    dates
        .iter()
        .any(|d| d.span.start <= start && end <= d.span.end)
}

fn digit_count(text: &str) -> usize {
    text.chars().filter(char::is_ascii_digit).count()
}

/// Phone numbers: 9 to 14 digits, starting with +, 00, 0 (landlines) or 3 (mobiles), not a date.
fn phones<'a>(text: &'a str, dates: &'a [WrittenDate]) -> impl Iterator<Item = Span> + 'a {
    PHONE.find_iter(text).filter_map(move |m| {
        let digits = digit_count(m.as_str());
        let first = m.as_str().chars().next()?;
        let plausible = matches!(first, '+' | '0' | '3') && (9..=14).contains(&digits);
        (plausible && !inside_a_date(dates, m.start(), m.end())).then_some(Span {
            start: m.start(),
            end: m.end(),
            kind: Kind::Phone,
        })
    })
}

/// Numbers of files, permits, receipts and protocols: a code mixing letters and at least four
/// digits, seven digits or more, or any code with three digits after a word that introduces one
/// ("pratica n. 4411/2026", "permesso 123"). Plain numbers such as years, days or a law's
/// "91/1992" stay.
fn file_numbers<'a>(text: &'a str, dates: &'a [WrittenDate]) -> impl Iterator<Item = Span> + 'a {
    CODE.find_iter(text).filter_map(move |m| {
        let code = m.as_str();
        let digits = digit_count(code);
        let letters = code.chars().any(char::is_alphabetic);
        let marked = FILE_MARKER.is_match(&text[..m.start()]);
        let is_code = (letters && digits >= 4) || digits >= 7 || (marked && digits >= 3);
        (is_code && !inside_a_date(dates, m.start(), m.end())).then_some(Span {
            start: m.start(),
            end: m.end(),
            kind: Kind::FileNumber,
        })
    })
}

/// The identifiers recorded on the reports, wherever they appear, ignoring case; a name of
/// several words also word by word, and a date of birth in the ways it is commonly written.
pub(super) fn known_values(text: &str, known: &KnownIdentifiers) -> Vec<Span> {
    let mut wanted: Vec<(String, Kind)> = Vec::new();
    for name in &known.names {
        wanted.push((name.trim().to_owned(), Kind::Name));
        for word in name.split_whitespace().filter(|w| w.chars().count() >= 2) {
            wanted.push((word.to_owned(), Kind::Name));
        }
    }
    for code in &known.codes {
        let kind = if fiscal_code::looks_like(code.trim()) {
            Kind::FiscalCode
        } else {
            Kind::FileNumber
        };
        wanted.push((code.trim().to_owned(), kind));
    }
    for date in &known.birth_dates {
        for written in date_forms(*date) {
            wanted.push((written, Kind::BirthDate));
        }
    }
    wanted.retain(|(value, _)| value.chars().count() >= 2);
    wanted
        .iter()
        .flat_map(|(value, kind)| {
            // A short name ("Li") is also an Italian word: only as written, with its capital.
            let case = if *kind == Kind::Name && value.chars().count() <= 3 {
                ""
            } else {
                "(?i)"
            };
            let pattern = format!(r"{case}(?:^|\b|\W){}(?:$|\b|\W)", regex::escape(value));
            let re = cached_regex(&pattern);
            let kind = *kind;
            re.find_iter(text)
                .map(move |m| trim_to(text, m.start(), m.end(), value, kind))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The pattern of a recorded value, compiled once per thread: an export scrubs each text of
/// its reports with the same values, and compiling a Unicode pattern costs far more than
/// running it. The cache is emptied when it grows past a few hundred patterns.
fn cached_regex(pattern: &str) -> Regex {
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<String, Regex>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(re) = cache.get(pattern) {
            return re.clone();
        }
        if cache.len() >= 512 {
            cache.clear();
        }
        let re = regex(pattern);
        cache.insert(pattern.to_owned(), re.clone());
        re
    })
}

/// The span of `value` inside a match that may have taken one character either side.
fn trim_to(text: &str, start: usize, end: usize, value: &str, kind: Kind) -> Span {
    let found = text[start..end].to_lowercase().find(&value.to_lowercase());
    let offset = found.unwrap_or(0);
    let len = value.len().min(end - start - offset);
    Span {
        start: start + offset,
        end: start + offset + len,
        kind,
    }
}

/// A date as people write it: 1990-05-31, 31/05/1990, 31/5/1990, 31-05-1990, 31.05.1990,
/// 31 maggio 1990.
fn date_forms(date: jiff::civil::Date) -> Vec<String> {
    let (y, m, d) = (date.year(), date.month(), date.day());
    let month = MONTHS
        .split('|')
        .nth(usize::try_from(m - 1).unwrap_or(0))
        .unwrap_or("");
    let mut forms = vec![format!("{y:04}-{m:02}-{d:02}"), format!("{d} {month} {y}")];
    for sep in ['/', '-', '.'] {
        forms.push(format!("{d:02}{sep}{m:02}{sep}{y}"));
        forms.push(format!("{d}{sep}{m}{sep}{y}"));
    }
    forms.sort();
    forms.dedup();
    forms
}
