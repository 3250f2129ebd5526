//! The password asked again inside a form (before replacing a second factor, before a role
//! change): checked with the limits and back-off of the login, its problems reported on the
//! form's field.

use std::net::IpAddr;

use crate::auth::attempts::{self, Verdict};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::state::AppState;

/// The field that holds the password and what the form says about it.
pub struct PasswordField {
    pub name: &'static str,
    /// Shown when the field is empty.
    pub missing: &'static str,
    /// Shown when the password is wrong.
    pub wrong: &'static str,
    /// What the password confirms, for the audit log.
    pub confirms: &'static str,
}

/// Checks the password of `user_id` typed in `field`; a problem goes to `errors`.
pub async fn check(
    state: &AppState,
    user_id: i64,
    client: IpAddr,
    password: String,
    field: &PasswordField,
    errors: &mut FormErrors,
) -> Result<(), AppError> {
    if password.is_empty() {
        errors.add(field.name, field.missing);
        return Ok(());
    }
    let verdict =
        attempts::confirm_identity(state, user_id, client, password, None, field.confirms).await?;
    match verdict {
        Verdict::Accepted => {}
        Verdict::Locked { .. } => errors.add(
            field.name,
            "La tua utenza è sospesa per troppi tentativi sbagliati: riprova tra qualche minuto.",
        ),
        Verdict::Refused { .. } | Verdict::CodeReused { .. } => errors.add(field.name, field.wrong),
    }
    Ok(())
}
