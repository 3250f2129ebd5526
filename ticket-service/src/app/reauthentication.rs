//! Typing the password (and the TOTP code, for accounts that have one) again before an export,
//! when the session's last login is older than `session.reauth_secs` (ASVS 3.7.1). Mistakes
//! count towards the account's back-off like failed logins.

use std::net::IpAddr;

use crate::auth::attempts;
use crate::auth::principal::Principal;
use crate::db::audit::{self, AuditEntry};
use crate::db::{sessions, users};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::state::AppState;

/// Whether the account has a second factor, so its code is asked too.
pub async fn needs_code(state: &AppState, user_id: i64) -> Result<bool, AppError> {
    Ok(state
        .db
        .read(move |conn| users::find_by_id(conn, user_id))
        .await?
        .is_some_and(|user| user.totp_secret.is_some()))
}

/// What was typed on the confirmation page.
pub struct Secrets {
    pub password: String,
    pub code: String,
}

pub enum Reauthentication {
    /// The session counts as authenticated now.
    Confirmed,
    /// The page again, with what is wrong.
    Invalid(FormErrors),
}

/// Checks the secrets with the limits of the login; when right, marks the session as
/// authenticated now, with the audit line, in one transaction.
pub async fn confirm(
    state: &AppState,
    principal: &Principal,
    client: IpAddr,
    secrets: Secrets,
) -> Result<Reauthentication, AppError> {
    principal.require(state, Action::ManageOwnAccount).await?;
    let id = principal.user_id;
    let needs_code = needs_code(state, id).await?;
    let mut errors = FormErrors::default();
    if secrets.password.is_empty() {
        errors.add("password", "Scrivi la tua password.");
    }
    if needs_code && secrets.code.trim().is_empty() {
        errors.add(
            "code",
            "Scrivi il codice di 6 cifre che l'app di autenticazione mostra adesso.",
        );
    }
    if !errors.is_empty() {
        return Ok(Reauthentication::Invalid(errors));
    }
    let code = needs_code.then_some(secrets.code.as_str());
    let what = "conferma dell'identità non riuscita";
    let verdict =
        attempts::confirm_identity(state, id, client, secrets.password, code, what).await?;
    if !verdict.accepted() {
        let message = if needs_code {
            "La password o il codice non sono corretti, oppure l'utenza è sospesa per troppi tentativi. Controlla e riprova."
        } else {
            "La password non è corretta, oppure l'utenza è sospesa per troppi tentativi. Controlla e riprova."
        };
        errors.add("password", message);
        return Ok(Reauthentication::Invalid(errors));
    }
    let entry = AuditEntry::new(AuditEvent::Reauthenticated)
        .actor(id)
        .subject(id)
        .ip(Some(client.to_string()));
    let id_hash = principal.session_id_hash.clone();
    let now = state.clock.now();
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            sessions::set_authenticated(&tx, &id_hash, now)?;
            audit::append(&tx, &entry, now)?;
            tx.commit()
        })
        .await?;
    Ok(Reauthentication::Confirmed)
}
