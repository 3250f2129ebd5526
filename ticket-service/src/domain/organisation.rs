//! Organisations of the network: offices, wider-network services and the institutions.

use std::str::FromStr;

use serde::Serialize;

use super::user::{Email, FieldProblem};

/// What an organisation is; it bounds which roles its people can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrganisationKind {
    /// One of the network's public offices for immigrants.
    Office,
    /// A wider-network service: municipality, consortium, job centre, health agency…
    Service,
    /// The network's coordination.
    Coordination,
    Questura,
    Prefettura,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 5] = [
        OrganisationKind::Office,
        OrganisationKind::Service,
        OrganisationKind::Coordination,
        OrganisationKind::Questura,
        OrganisationKind::Prefettura,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::Office => "office",
            OrganisationKind::Service => "service",
            OrganisationKind::Coordination => "coordination",
            OrganisationKind::Questura => "questura",
            OrganisationKind::Prefettura => "prefettura",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrganisationKind::Office => "Sportello",
            OrganisationKind::Service => "Servizio della rete",
            OrganisationKind::Coordination => "Coordinamento",
            OrganisationKind::Questura => "Questura",
            OrganisationKind::Prefettura => "Prefettura",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("tipo di organizzazione sconosciuto «{0}»")]
pub struct UnknownOrganisationKind(pub String);

impl FromStr for OrganisationKind {
    type Err = UnknownOrganisationKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrganisationKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| UnknownOrganisationKind(s.to_owned()))
    }
}

/// Where an organisation's record comes from. Imported records are refreshed at every start, so
/// the portal's content stays the single source of truth for offices and services.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganisationSource {
    /// `content/sportelli/*.md`.
    Content,
    /// The wider-network CSV under `content/`.
    Csv,
    /// The coordination, the Questura and the Prefettura, named in the configuration.
    Builtin,
    /// Made up by `serve --demo`.
    Demo,
    /// Added by an administrator in the web interface; the imports never touch it.
    Manual,
}

impl OrganisationSource {
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationSource::Content => "content",
            OrganisationSource::Csv => "csv",
            OrganisationSource::Builtin => "builtin",
            OrganisationSource::Demo => "demo",
            OrganisationSource::Manual => "manual",
        }
    }

    pub fn label(value: &str) -> &'static str {
        match value {
            "content" => "Contenuti del portale",
            "csv" => "Elenco della rete (CSV)",
            "builtin" => "Configurazione",
            "demo" => "Dati di prova",
            "manual" => "Inserita dall'amministrazione",
            _ => "Sconosciuta",
        }
    }
}

/// Where an imported organisation is changed, for the note on its read-only page; `None` for
/// those the web interface edits.
pub fn edited_in(source: &str) -> Option<&'static str> {
    match source {
        "content" => Some(
            "la pagina dello sportello in content/sportelli/ del portale (chiave office: e titolo)",
        ),
        "csv" => Some("l'elenco dei servizi della rete, content/rete/servizi.csv"),
        "builtin" => Some("la sezione [network] della configurazione del servizio"),
        "demo" => Some("nessun luogo: è un dato di prova della modalità dimostrativa"),
        _ => None,
    }
}

/// The kinds an administrator may give an organisation added by hand: the coordination, the
/// Questura and the Prefettura are one each and come from the configuration.
pub const MANUAL_KINDS: [OrganisationKind; 2] =
    [OrganisationKind::Office, OrganisationKind::Service];

/// An organisation as the administrator's form describes it, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationFields {
    pub name: String,
    pub kind: OrganisationKind,
    pub service_kind: Option<String>,
    pub owner: Option<String>,
    pub area: Option<String>,
    pub municipality: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// The text of a field of the form: trimmed, on one line, at most `max` characters; `None`
/// when empty.
pub fn optional_line(text: &str, max: usize) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.chars().any(char::is_control) {
        return Err("Scrivi il testo su una riga.".to_owned());
    }
    let count = text.chars().count();
    if count > max {
        return Err(format!(
            "Il testo è troppo lungo: al massimo {max} caratteri, ne hai scritti {count}."
        ));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// The name of an organisation: required, one line, at most 120 characters.
pub fn parse_name(text: &str) -> Result<String, String> {
    optional_line(text, 120)?.ok_or_else(|| "Scrivi il nome dell'organizzazione.".to_owned())
}

/// The kind chosen for an organisation added by hand: one of [`MANUAL_KINDS`].
pub fn parse_manual_kind(text: &str) -> Result<OrganisationKind, &'static str> {
    text.parse::<OrganisationKind>()
        .ok()
        .filter(|kind| MANUAL_KINDS.contains(kind))
        .ok_or("Scegli se è uno sportello o un servizio della rete.")
}

/// An optional e-mail address: `None` when empty, otherwise a well-formed one.
pub fn optional_email(text: &str) -> Result<Option<String>, FieldProblem> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    Email::parse(text).map(|email| Some(email.as_str().to_owned()))
}

/// A telephone number as people write it: digits, spaces, `+`, `/`, `.`, `-`, at most 30.
pub fn optional_phone(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    let allowed = |c: char| c.is_ascii_digit() || " +/.-()".contains(c);
    if text.chars().count() > 30 || !text.chars().all(allowed) {
        return Err(
            "Il numero di telefono può contenere solo cifre, spazi e i segni + / . - ( ), al massimo 30 caratteri."
                .to_owned(),
        );
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// Turns a name into the stable identifier used to match imported records across restarts.
pub fn slugify(name: &str) -> String {
    slug::slugify(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in OrganisationKind::ALL {
            assert_eq!(kind.as_str().parse::<OrganisationKind>(), Ok(kind));
        }
        assert!("sportello".parse::<OrganisationKind>().is_err());
    }

    #[test]
    fn form_fields_are_one_line_and_bounded() {
        assert_eq!(optional_line("  Bra ", 10).unwrap().as_deref(), Some("Bra"));
        assert_eq!(optional_line("   ", 10).unwrap(), None);
        assert!(optional_line("a\nb", 10).is_err());
        assert!(optional_line("abcdefghijk", 10).is_err());
        assert_eq!(
            optional_phone("+39 0172 123456").unwrap().as_deref(),
            Some("+39 0172 123456")
        );
        assert!(optional_phone("chiamami").is_err());
    }

    #[test]
    fn a_name_is_required_and_the_kind_is_an_office_or_a_service() {
        assert_eq!(parse_name("  Comune di Bra ").unwrap(), "Comune di Bra");
        assert_eq!(
            parse_name("  ").unwrap_err(),
            "Scrivi il nome dell'organizzazione."
        );
        assert!(parse_name(&"a".repeat(121)).is_err());
        assert_eq!(parse_manual_kind("office"), Ok(OrganisationKind::Office));
        assert_eq!(parse_manual_kind("service"), Ok(OrganisationKind::Service));
        assert!(parse_manual_kind("questura").is_err());
        assert!(parse_manual_kind("").is_err());
    }

    #[test]
    fn the_e_mail_address_may_be_left_empty() {
        assert_eq!(optional_email("  "), Ok(None));
        assert_eq!(
            optional_email(" info@comune.bra.cn.it ")
                .unwrap()
                .as_deref(),
            Some("info@comune.bra.cn.it")
        );
        assert!(optional_email("info").is_err());
    }

    #[test]
    fn only_imported_organisations_point_elsewhere() {
        assert!(edited_in("content").is_some());
        assert!(edited_in("csv").is_some());
        assert!(edited_in("builtin").is_some());
        assert_eq!(edited_in("manual"), None);
    }

    #[test]
    fn slugs_are_ascii_and_stable() {
        assert_eq!(slugify("Comune di Mondovì"), "comune-di-mondovi");
        assert_eq!(
            slugify("  ASL CN1 – Distretto Sud "),
            "asl-cn1-distretto-sud"
        );
    }
}
