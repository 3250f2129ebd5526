//! The roles a login can have, with their Italian names.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::organisation::OrganisationKind;

/// What a login is in the network; it decides what the login may do (see `permissions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An operator of one of the network's offices.
    #[serde(rename = "sportello")]
    Office,
    /// An operator of a wider-network service (municipality, consortium, job centre, …).
    #[serde(rename = "servizio")]
    Service,
    /// The network's coordination.
    #[serde(rename = "coordinamento")]
    Coordination,
    /// The liaison who carries reports to the Questura and the Prefettura.
    #[serde(rename = "interfaccia")]
    Liaison,
    /// The Questura's referent.
    Questura,
    /// The Prefettura's referent.
    Prefettura,
    /// Manages users, organisations and settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Office,
        Role::Service,
        Role::Coordination,
        Role::Liaison,
        Role::Questura,
        Role::Prefettura,
        Role::Admin,
    ];

    /// The value stored in the database and used in forms and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Office => "sportello",
            Role::Service => "servizio",
            Role::Coordination => "coordinamento",
            Role::Liaison => "interfaccia",
            Role::Questura => "questura",
            Role::Prefettura => "prefettura",
            Role::Admin => "admin",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Office => "Operatore di sportello",
            Role::Service => "Operatore di un servizio della rete",
            Role::Coordination => "Coordinamento",
            Role::Liaison => "Operatore interfaccia Questura–Prefettura",
            Role::Questura => "Referente della Questura",
            Role::Prefettura => "Referente della Prefettura",
            Role::Admin => "Amministratore",
        }
    }

    /// The kinds of organisation a login with this role can belong to: an office operator works
    /// for an office, a Questura referent for the Questura, and so on. Keeping this rule here
    /// means a form cannot attach a role to an organisation that would widen what it sees.
    pub fn organisation_kinds(self) -> &'static [OrganisationKind] {
        match self {
            Role::Office => &[OrganisationKind::Office],
            Role::Service => &[OrganisationKind::Service],
            Role::Coordination | Role::Admin => &[OrganisationKind::Coordination],
            Role::Liaison => &[
                OrganisationKind::Coordination,
                OrganisationKind::Questura,
                OrganisationKind::Prefettura,
            ],
            Role::Questura => &[OrganisationKind::Questura],
            Role::Prefettura => &[OrganisationKind::Prefettura],
        }
    }

    pub fn may_belong_to(self, kind: OrganisationKind) -> bool {
        self.organisation_kinds().contains(&kind)
    }

    /// The role chosen in a form's role field, or what to tell the person.
    pub fn parse_choice(text: &str) -> Result<Role, String> {
        if text.is_empty() {
            return Err("Scegli il ruolo.".to_owned());
        }
        text.parse()
            .map_err(|problem: UnknownRole| problem.to_string())
    }

    /// Whether a login with this role may belong to the organisation called `name`, of `kind`
    /// (`None` for a kind that is not known), with the reason for the form when it may not.
    pub fn check_membership(
        self,
        kind: Option<OrganisationKind>,
        name: &str,
    ) -> Result<(), String> {
        if kind.is_some_and(|kind| self.may_belong_to(kind)) {
            return Ok(());
        }
        Err(format!(
            "Un utente con ruolo «{}» non può appartenere a «{name}»: scegli un'organizzazione adatta al ruolo.",
            self.label()
        ))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours widths such as `{:<14}` in the table printed by `serve --demo`.
        f.pad(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "ruolo sconosciuto «{0}»: i ruoli sono sportello, servizio, coordinamento, interfaccia, questura, prefettura, admin"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("Admin".parse::<Role>().is_err());
        assert!("".parse::<Role>().is_err());
    }

    #[test]
    fn a_role_is_chosen_in_a_form_by_its_name() {
        assert_eq!(Role::parse_choice("interfaccia"), Ok(Role::Liaison));
        assert_eq!(Role::parse_choice(""), Err("Scegli il ruolo.".to_owned()));
        assert!(
            Role::parse_choice("Admin")
                .unwrap_err()
                .contains("ruolo sconosciuto")
        );
    }

    #[test]
    fn a_membership_that_would_widen_what_a_role_sees_is_refused_in_words() {
        let questura = Some(OrganisationKind::Questura);
        assert_eq!(
            Role::Questura.check_membership(questura, "Questura"),
            Ok(())
        );
        let problem = Role::Office
            .check_membership(questura, "Questura di Cuneo")
            .unwrap_err();
        assert!(problem.contains("«Operatore di sportello»"));
        assert!(problem.contains("«Questura di Cuneo»"));
        assert!(Role::Admin.check_membership(None, "?").is_err());
    }

    #[test]
    fn an_office_operator_cannot_belong_to_the_questura() {
        assert!(Role::Office.may_belong_to(OrganisationKind::Office));
        assert!(!Role::Office.may_belong_to(OrganisationKind::Questura));
        assert!(!Role::Questura.may_belong_to(OrganisationKind::Prefettura));
        assert!(Role::Liaison.may_belong_to(OrganisationKind::Prefettura));
    }
}
