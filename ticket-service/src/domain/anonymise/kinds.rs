//! What the anonymiser looks for, what it is told, and what it finds.

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
pub(super) struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) kind: Kind,
}
