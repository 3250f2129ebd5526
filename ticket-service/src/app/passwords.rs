//! Choosing a new password: a logged-in user changing their own, or anyone choosing one
//! through an activation or reset link. Either way the other sessions of the account end.

use std::net::IpAddr;

use serde::Deserialize;

use crate::app::account_links::user_of_link;
use crate::auth::attempts::{self, Verdict};
use crate::auth::principal::Principal;
use crate::db::audit::{self, AuditEntry};
use crate::db::users::{self, UserRow};
use crate::db::{account_links, sessions};
use crate::domain::account_link::LinkPurpose;
use crate::domain::audit::AuditEvent;
use crate::domain::password::AccountWords;
use crate::domain::password_choice;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::mail::texts;
use crate::state::AppState;

/// Whether the account has a temporary password that must be changed before anything else.
pub async fn must_change(state: &AppState, user_id: i64) -> Result<bool, AppError> {
    Ok(state
        .db
        .read(move |conn| users::find_by_id(conn, user_id))
        .await?
        .is_some_and(|user| user.must_change_password))
}

/// The password change form as typed.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub enum PasswordChange {
    Changed,
    /// The form again, with what is wrong; `must_change` for a temporary password.
    Invalid {
        errors: FormErrors,
        must_change: bool,
    },
}

/// What to tell a logged-in user whose current password was not accepted, if it was not.
fn refusal(verdict: Verdict) -> Option<&'static str> {
    match verdict {
        Verdict::Accepted => None,
        Verdict::Locked { .. } => {
            Some("L'utenza è sospesa per troppi tentativi sbagliati: riprova tra qualche minuto.")
        }
        Verdict::Refused { .. } | Verdict::CodeReused { .. } => {
            Some("La password attuale non è corretta: riscrivila.")
        }
    }
}

/// A logged-in user changes their password: the current one is checked with the limits of the
/// login, the new one by the rule; every other session of the account ends (ASVS 3.3.3) in
/// the transaction that stores it, with the audit line, and the owner gets a mail.
pub async fn change_own(
    state: &AppState,
    principal: &Principal,
    client: IpAddr,
    form: PasswordForm,
) -> Result<PasswordChange, AppError> {
    principal.require(state, Action::ManageOwnAccount).await?;
    let id = principal.user_id;
    let account = state
        .db
        .read(move |conn| users::find_by_id(conn, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    if form.current_password.is_empty() {
        errors.add("current_password", "Scrivi la password attuale.");
    } else {
        // Guessing the current password here is guessing it at the login: the same limits.
        let current = form.current_password.clone();
        let what = "cambio della password";
        let verdict = attempts::confirm_identity(state, id, client, current, None, what).await?;
        if let Some(message) = refusal(verdict) {
            errors.add("current_password", message);
        }
    }
    let words = AccountWords::new(&account.username, &account.display_name, &account.email);
    let chosen = password_choice::check(
        &mut errors,
        &form.new_password,
        &form.confirm_password,
        words,
        Some(&form.current_password),
    );
    let Some(new_password) = chosen else {
        let must_change = account.must_change_password;
        return Ok(PasswordChange::Invalid {
            errors,
            must_change,
        });
    };
    let hash = state.hashing.hash(new_password).await?;
    let keep = principal.session_id_hash.clone();
    let entry = AuditEntry::new(AuditEvent::PasswordChanged)
        .actor(id)
        .subject(id);
    let now = state.clock.now();
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            users::set_password(&tx, id, &hash, false, now)?;
            sessions::delete_for_user(&tx, id, Some(&keep))?;
            audit::append(&tx, &entry, now)?;
            tx.commit()
        })
        .await?;
    tell_owner(state, &account);
    Ok(PasswordChange::Changed)
}

/// Mails the owner of an account that its password changed.
fn tell_owner(state: &AppState, account: &UserRow) {
    if let Some(mailer) = &state.mailer {
        mailer.send_in_background(texts::password_changed(
            &account.email,
            &account.display_name,
            &account.username,
        ));
    }
}

/// The form of an activation or reset link as typed.
#[derive(Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub enum LinkPassword {
    Set,
    /// The form again, with what is wrong, for the account the link belongs to.
    Invalid {
        errors: FormErrors,
        user: Box<UserRow>,
    },
}

/// Chooses the password of the account a one-time link (`raw`, the token of the address)
/// belongs to. The link is consumed in the transaction that stores the password, so it works
/// once even when two submissions race; every session of the account ends.
pub async fn set_with_link(
    state: &AppState,
    purpose: LinkPurpose,
    raw: &str,
    form: SetPasswordForm,
) -> Result<LinkPassword, AppError> {
    let (hash, user) = user_of_link(state, purpose, raw).await?;
    let mut errors = FormErrors::default();
    let words = AccountWords::new(&user.username, &user.display_name, &user.email);
    let chosen = password_choice::check(
        &mut errors,
        &form.new_password,
        &form.confirm_password,
        words,
        None,
    );
    let Some(new_password) = chosen else {
        return Ok(LinkPassword::Invalid {
            errors,
            user: Box::new(user),
        });
    };
    let password_hash = state.hashing.hash(new_password).await?;
    let user_id = user.id;
    let entry = AuditEntry::new(AuditEvent::PasswordChanged)
        .actor(user_id)
        .subject(user_id)
        .detail(match purpose {
            LinkPurpose::Activation => "con il collegamento di attivazione",
            LinkPurpose::Reset => "con il collegamento di reimpostazione",
        });
    let now = state.clock.now();
    let consumed = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            if !account_links::consume(&tx, &hash, now)? {
                return Ok(false);
            }
            users::set_password(&tx, user_id, &password_hash, false, now)?;
            sessions::delete_for_user(&tx, user_id, None)?;
            audit::append(&tx, &entry, now)?;
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if !consumed {
        return Err(AppError::LinkNotUsable);
    }
    if purpose == LinkPurpose::Reset {
        tell_owner(state, &user);
    }
    Ok(LinkPassword::Set)
}
