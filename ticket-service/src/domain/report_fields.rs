//! The fixed choices of the report form (kind, addressed office, kind of file), the protocol
//! number, and the length limits of its free-text fields.

use serde::Serialize;

use super::organisation::OrganisationKind;

/// A choice of a `<select>` or of a group of radio buttons: stored value and label.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

const fn choice(value: &'static str, label: &'static str) -> Choice {
    Choice { value, label }
}

pub const REPORT_KINDS: &[Choice] = &[
    choice(
        "stato_pratica",
        "Verifica dello stato di avanzamento di una pratica",
    ),
    choice("pratica_sospesa", "Motivi per cui una pratica è ferma"),
    choice("parere", "Richiesta di parere su un caso specifico"),
];

pub const FILE_KINDS: &[Choice] = &[
    choice("permesso_soggiorno", "Permesso di soggiorno"),
    choice("ricongiungimento", "Ricongiungimento familiare"),
    choice("cittadinanza", "Cittadinanza"),
    choice("nulla_osta_lavoro", "Nulla osta al lavoro"),
    choice("altro", "Altro"),
];

/// The offices a report can be addressed to, each with the institution whose referents see it.
pub const ADDRESSED_OFFICES: &[(Choice, OrganisationKind)] = &[
    (
        choice("questura_immigrazione", "Questura – Ufficio Immigrazione"),
        OrganisationKind::Questura,
    ),
    (
        choice(
            "prefettura_sui",
            "Prefettura – Sportello Unico Immigrazione",
        ),
        OrganisationKind::Prefettura,
    ),
    (
        choice(
            "prefettura_cittadinanza",
            "Prefettura – Ufficio Cittadinanza",
        ),
        OrganisationKind::Prefettura,
    ),
];

/// The label of `value` among `choices`, when it is one of them.
pub fn label_of(choices: &[Choice], value: &str) -> Option<&'static str> {
    choices
        .iter()
        .find(|choice| choice.value == value)
        .map(|choice| choice.label)
}

pub fn addressed_office(value: &str) -> Option<(Choice, OrganisationKind)> {
    ADDRESSED_OFFICES
        .iter()
        .find(|(choice, _)| choice.value == value)
        .copied()
}

pub fn office_choices() -> Vec<Choice> {
    ADDRESSED_OFFICES
        .iter()
        .map(|(choice, _)| *choice)
        .collect()
}

/// Longest accepted text of each free field, in characters.
pub const MAX_SHORT_TEXT: usize = 120;
pub const MAX_LONG_TEXT: usize = 4000;

/// The readable protocol number: `RESPI-2026-000123`.
pub fn protocol_number(year: i16, sequence: i64) -> String {
    format!("RESPI-{year}-{sequence:06}")
}

/// Trims `text` and checks its length; `None` when it is empty.
pub fn bounded_text(text: &str, max: usize) -> Result<Option<String>, String> {
    let trimmed = text.trim();
    if trimmed.chars().count() > max {
        return Err(format!(
            "Il testo è troppo lungo: al massimo {max} caratteri, ne hai scritti {}.",
            trimmed.chars().count()
        ));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_numbers_have_six_digits() {
        assert_eq!(protocol_number(2026, 123), "RESPI-2026-000123");
        assert_eq!(protocol_number(2027, 1), "RESPI-2027-000001");
    }

    #[test]
    fn every_prefettura_office_goes_to_the_prefettura() {
        assert_eq!(
            addressed_office("prefettura_cittadinanza").map(|(_, kind)| kind),
            Some(OrganisationKind::Prefettura)
        );
        assert!(addressed_office("comune").is_none());
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(bounded_text("  ", 5), Ok(None));
        assert_eq!(bounded_text(" ab ", 5), Ok(Some("ab".to_owned())));
        assert!(bounded_text("abcdef", 5).is_err());
        assert_eq!(label_of(FILE_KINDS, "cittadinanza"), Some("Cittadinanza"));
    }
}
