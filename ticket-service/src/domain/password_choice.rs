//! Choosing a new password in a form: the password rule, typed twice alike and, when it
//! replaces a password typed in the same form, different from it.

use super::password::{AccountWords, NewPassword};
use crate::forms::FormErrors;

/// The new password (field `new_password`) once it passes the rule for the account's words and
/// matches its confirmation (`confirm_password`); `current` is the password typed as the
/// current one, when the form asks for it. Problems go to `errors`; `None` when there is any,
/// there or before.
pub fn check(
    errors: &mut FormErrors,
    new: &str,
    confirm: &str,
    account: AccountWords<'_>,
    current: Option<&str>,
) -> Option<NewPassword> {
    let password = errors.check(
        "new_password",
        NewPassword::parse_for(new.to_owned(), account),
    );
    if password.is_some() && current == Some(new) {
        errors.add(
            "new_password",
            "La nuova password deve essere diversa da quella attuale.",
        );
    }
    if confirm != new {
        errors.add(
            "confirm_password",
            "Le due password non coincidono: riscrivi la nuova password in entrambi i campi.",
        );
    }
    password.filter(|_| errors.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "torre vento pane quattro";

    fn anna() -> AccountWords<'static> {
        AccountWords::new(
            "anna.bianchi",
            "Anna Bianchi",
            "anna.bianchi@comune.example.it",
        )
    }

    fn fields(errors: &FormErrors) -> Vec<&'static str> {
        errors.summary.iter().map(|error| error.field).collect()
    }

    #[test]
    fn a_good_password_typed_twice_is_chosen() {
        let mut errors = FormErrors::default();
        let chosen = check(&mut errors, GOOD, GOOD, anna(), Some("vecchia"));
        assert_eq!(chosen.map(|p| p.expose().to_owned()).as_deref(), Some(GOOD));
        assert!(errors.is_empty());
    }

    #[test]
    fn the_two_fields_must_match() {
        let mut errors = FormErrors::default();
        assert!(check(&mut errors, GOOD, "altro", anna(), None).is_none());
        assert_eq!(fields(&errors), ["confirm_password"]);
    }

    #[test]
    fn the_new_password_must_differ_from_the_current_one() {
        let mut errors = FormErrors::default();
        assert!(check(&mut errors, GOOD, GOOD, anna(), Some(GOOD)).is_none());
        assert_eq!(fields(&errors), ["new_password"]);
        assert!(errors.fields["new_password"].contains("diversa"));
    }

    #[test]
    fn the_password_rule_comes_first_and_earlier_errors_stop_the_choice() {
        let mut errors = FormErrors::default();
        assert!(check(&mut errors, "corta", "corta", anna(), None).is_none());
        assert_eq!(fields(&errors), ["new_password"]);

        let mut errors = FormErrors::default();
        errors.add("current_password", "Scrivi la password attuale.");
        assert!(check(&mut errors, GOOD, GOOD, anna(), Some("")).is_none());
        assert_eq!(fields(&errors), ["current_password"]);
    }
}
