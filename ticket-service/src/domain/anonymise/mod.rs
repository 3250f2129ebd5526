//! The anonymiser of the FAQ export: scrubs personal data from free text before it can reach
//! the public portal. It cannot be turned off; the editor sees what it removed.
//!
//! It removes the identifiers recorded on the reports (the citizen's names, fiscal code, date
//! of birth, file reference) wherever they appear, and what looks like personal data whoever it
//! belongs to: person-like names, fiscal codes, file and permit numbers, phone numbers, e-mail
//! addresses, IBANs, dates of birth and street addresses. Each is replaced by a mark in square
//! brackets (`[nome]`, `[telefono]`, …) that the editor rewrites into a general form.
//! It errs on the side of removing: a law's date or number may go too, never a person's.

mod fiscal_code;
mod names;
mod rules;

use serde::Serialize;

/// What kind of personal data a removed piece of text was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Kind {
    Name,
    FiscalCode,
    FileNumber,
    Phone,
    Email,
    Iban,
    BirthDate,
    Address,
}

impl Kind {
    /// The mark that takes the removed text's place.
    pub fn mark(self) -> &'static str {
        match self {
            Kind::Name => "[nome]",
            Kind::FiscalCode => "[codice fiscale]",
            Kind::FileNumber => "[numero di pratica]",
            Kind::Phone => "[telefono]",
            Kind::Email => "[e-mail]",
            Kind::Iban => "[IBAN]",
            Kind::BirthDate => "[data di nascita]",
            Kind::Address => "[indirizzo]",
        }
    }

    /// What the editor reads beside the removed text.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Name => "nome di persona",
            Kind::FiscalCode => "codice fiscale",
            Kind::FileNumber => "numero di pratica, di permesso o di protocollo",
            Kind::Phone => "numero di telefono",
            Kind::Email => "indirizzo e-mail",
            Kind::Iban => "IBAN",
            Kind::BirthDate => "data di nascita",
            Kind::Address => "indirizzo",
        }
    }
}

/// The identifiers recorded on a report, removed wherever they appear.
#[derive(Debug, Clone, Default)]
pub struct KnownIdentifiers {
    /// Family and given names, as recorded.
    pub names: Vec<String>,
    /// Fiscal code, file reference and other codes, as recorded.
    pub codes: Vec<String>,
    /// The date of birth, `YYYY-MM-DD`.
    pub birth_dates: Vec<jiff::civil::Date>,
}

/// One piece of text the anonymiser removed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Removal {
    pub kind: Kind,
    pub label: &'static str,
    pub text: String,
}

/// A text with its personal data replaced by marks, and what was removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Scrubbed {
    pub text: String,
    pub removed: Vec<Removal>,
}

/// A stretch of the text to remove, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    kind: Kind,
}

/// Scrubs `text` of the `known` identifiers and of everything that looks like personal data.
pub fn scrub(text: &str, known: &KnownIdentifiers) -> Scrubbed {
    let mut spans = rules::known_values(text, known);
    spans.extend(rules::patterns(text));
    spans.extend(names::person_names(text));
    let spans = merge(spans);
    let mut out = String::with_capacity(text.len());
    let mut removed = Vec::new();
    let mut at = 0;
    for span in spans {
        out.push_str(&text[at..span.start]);
        out.push_str(span.kind.mark());
        removed.push(Removal {
            kind: span.kind,
            label: span.kind.label(),
            text: text[span.start..span.end].to_owned(),
        });
        at = span.end;
    }
    out.push_str(&text[at..]);
    removed.sort();
    removed.dedup();
    Scrubbed { text: out, removed }
}

/// Overlapping spans become one, of the kind of the longest among them.
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut merged: Vec<(Span, usize)> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some((last, longest)) if span.start < last.end => {
                if span.end - span.start > *longest {
                    *longest = span.end - span.start;
                    last.kind = span.kind;
                }
                last.end = last.end.max(span.end);
            }
            _ => merged.push((span, span.end - span.start)),
        }
    }
    merged.into_iter().map(|(span, _)| span).collect()
}

#[cfg(test)]
mod tests;
