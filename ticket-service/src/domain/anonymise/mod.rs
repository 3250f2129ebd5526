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
mod kinds;
mod names;
mod rules;

pub use kinds::{Kind, KnownIdentifiers, Removal, Scrubbed};

use kinds::Span;

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
