//! Organisations of the network: offices, wider-network services and the institutions.

use std::str::FromStr;

use serde::Serialize;

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
}

impl OrganisationSource {
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationSource::Content => "content",
            OrganisationSource::Csv => "csv",
            OrganisationSource::Builtin => "builtin",
            OrganisationSource::Demo => "demo",
        }
    }

    pub fn label(value: &str) -> &'static str {
        match value {
            "content" => "Contenuti del portale",
            "csv" => "Elenco della rete (CSV)",
            "builtin" => "Configurazione",
            "demo" => "Dati di prova",
            _ => "Sconosciuta",
        }
    }
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
    fn slugs_are_ascii_and_stable() {
        assert_eq!(slugify("Comune di Mondovì"), "comune-di-mondovi");
        assert_eq!(
            slugify("  ASL CN1 – Distretto Sud "),
            "asl-cn1-distretto-sud"
        );
    }
}
