//! Newtypes for the fields of an account; each can only hold a valid value.

use std::fmt;

/// A login name: 3 to 32 characters among lowercase letters, digits, `.`, `-` and `_`,
/// starting with a letter. Stored lowercase so "Mario.Rossi" and "mario.rossi" are one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, FieldProblem> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err(FieldProblem("Scrivi il nome utente."));
        }
        let len = value.chars().count();
        let first_is_letter = value.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let allowed = value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
        if !(3..=32).contains(&len) || !first_is_letter || !allowed {
            return Err(FieldProblem(
                "Il nome utente deve avere da 3 a 32 caratteri, iniziare con una lettera e contenere solo lettere senza accenti, cifre, punto, trattino o trattino basso (es. mario.rossi).",
            ));
        }
        Ok(Username(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown in the interface and in the audit log, 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, FieldProblem> {
        let value = input.trim();
        if value.is_empty() {
            return Err(FieldProblem("Scrivi nome e cognome."));
        }
        if value.chars().count() > 100 {
            return Err(FieldProblem(
                "Nome e cognome possono avere al massimo 100 caratteri.",
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(FieldProblem(
                "Nome e cognome non possono contenere caratteri di controllo.",
            ));
        }
        Ok(DisplayName(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A work e-mail address: one `@`, a dot in the domain, no spaces, at most 254 characters.
/// Deliverability is proven later by the activation mail, not guessed here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, FieldProblem> {
        let value = input.trim();
        if value.is_empty() {
            return Err(FieldProblem("Scrivi l'indirizzo e-mail."));
        }
        let well_formed = value.chars().count() <= 254
            && !value.chars().any(|c| c.is_whitespace() || c.is_control())
            && match value.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if !well_formed {
            return Err(FieldProblem(
                "Scrivi un indirizzo e-mail nella forma nome@ente.it.",
            ));
        }
        Ok(Email(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A user name as typed at the login or in the forgotten-password form: trimmed and lowercase,
/// like the stored ones. Only its shape on the way to a lookup is checked here: whether it
/// names an account is for the database to say, in the same time either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedUsername(String);

impl TypedUsername {
    /// Longest input looked up; longer cannot be a user name.
    pub const MAX_CHARS: usize = 64;

    pub fn parse(input: &str) -> Result<Self, FieldProblem> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err(FieldProblem("Scrivi il nome utente."));
        }
        Ok(TypedUsername(value))
    }

    /// The name to look up, or `None` when it is too long to name any account.
    pub fn lookup(&self) -> Option<&str> {
        (self.0.chars().count() <= Self::MAX_CHARS).then_some(self.0.as_str())
    }
}

/// Why an account whose password is right still may not log in, for the audit log.
pub fn inactive_reason(user_active: bool, organisation_active: bool) -> Option<&'static str> {
    if !user_active {
        Some("utenza disattivata")
    } else if !organisation_active {
        Some("organizzazione disattivata")
    } else {
        None
    }
}

/// What is wrong with a field, in words that tell the person how to fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FieldProblem(pub &'static str);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_to_lowercase() {
        assert_eq!(
            Username::parse(" Mario.Rossi ").unwrap().as_str(),
            "mario.rossi"
        );
    }

    #[test]
    fn typed_usernames_are_looked_up_lowercase_unless_too_long() {
        let typed = TypedUsername::parse("  Mario.Rossi ").unwrap();
        assert_eq!(typed.lookup(), Some("mario.rossi"));
        assert_eq!(
            TypedUsername::parse("  "),
            Err(FieldProblem("Scrivi il nome utente."))
        );
        let longest = "à".repeat(TypedUsername::MAX_CHARS);
        assert!(TypedUsername::parse(&longest).unwrap().lookup().is_some());
        let too_long = format!("{longest}a");
        assert_eq!(TypedUsername::parse(&too_long).unwrap().lookup(), None);
    }

    #[test]
    fn a_disabled_account_or_organisation_cannot_log_in() {
        assert_eq!(inactive_reason(true, true), None);
        assert_eq!(inactive_reason(false, true), Some("utenza disattivata"));
        assert_eq!(inactive_reason(false, false), Some("utenza disattivata"));
        assert_eq!(
            inactive_reason(true, false),
            Some("organizzazione disattivata")
        );
    }

    #[test]
    fn bad_usernames_are_refused() {
        for input in [
            "",
            "ab",
            "1mario",
            "mario rossi",
            "màrio",
            "a".repeat(33).as_str(),
            "x'--",
        ] {
            assert!(Username::parse(input).is_err(), "{input:?}");
        }
        assert!(Username::parse("demo.admin").is_ok());
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Anna Bianchi ").unwrap().as_str(),
            "Anna Bianchi"
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"a".repeat(101)).is_err());
        assert!(DisplayName::parse("Anna\u{0}").is_err());
    }

    #[test]
    fn emails_need_a_local_part_and_a_domain_with_a_dot() {
        assert!(Email::parse("anna.bianchi@comune.example.it").is_ok());
        for input in [
            "",
            "anna",
            "anna@",
            "@ente.it",
            "anna@ente",
            "a b@ente.it",
            "a@b@ente.it",
            "anna@ente.it.",
        ] {
            assert!(Email::parse(input).is_err(), "{input:?}");
        }
    }
}
