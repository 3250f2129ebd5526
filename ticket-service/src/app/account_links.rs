//! The one-time links that let a person choose a password: which account a link opens, a link
//! asked for by user name when the password is forgotten, and a link an administrator sends.

use std::net::IpAddr;

use crate::auth::links::{self, looks_like_token};
use crate::auth::principal::Principal;
use crate::auth::{password, token};
use crate::db::account_links;
use crate::db::users::{self, UserRow};
use crate::domain::account_link::LinkPurpose;
use crate::domain::permissions::Action;
use crate::domain::user::TypedUsername;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::mail::Mailer;
use crate::state::AppState;

/// The digest of a usable link's token (`raw`) and the active account it belongs to.
pub async fn user_of_link(
    state: &AppState,
    purpose: LinkPurpose,
    raw: &str,
) -> Result<(Vec<u8>, UserRow), AppError> {
    if !looks_like_token(raw) {
        return Err(AppError::LinkNotUsable);
    }
    let hash = token::digest(raw);
    let lookup = hash.clone();
    let now = state.clock.now();
    let user = state
        .db
        .read(
            move |conn| match account_links::find_usable(conn, purpose, &lookup, now)? {
                Some(user_id) => users::find_by_id(conn, user_id),
                None => Ok(None),
            },
        )
        .await?
        .filter(|user| user.active)
        .ok_or(AppError::LinkNotUsable)?;
    Ok((hash, user))
}

pub enum ResetRequest {
    /// No mail can be sent: the page says so and asks nothing.
    Unavailable,
    /// The form again, with what is wrong.
    Invalid(FormErrors),
    /// The same answer whether or not the account exists.
    Requested,
}

/// Asks for a reset link by user name. The answer is the same whether or not the account
/// exists, and the lookup and the mail happen after it, so neither the page nor its timing
/// tells which user names exist.
pub async fn request_reset(
    state: &AppState,
    client: IpAddr,
    username: &str,
) -> Result<ResetRequest, AppError> {
    // Shares the login budget of the address: both guess at accounts.
    if !state.login_limiter.try_attempt(client) {
        return Err(AppError::TooManyRequests);
    }
    let Some(mailer) = state.mailer.clone() else {
        return Ok(ResetRequest::Unavailable);
    };
    let username = match TypedUsername::parse(username) {
        Ok(username) => username,
        Err(problem) => {
            let mut errors = FormErrors::default();
            errors.add("username", problem.to_string());
            return Ok(ResetRequest::Invalid(errors));
        }
    };
    if let Some(name) = username.lookup() {
        let (state, name) = (state.clone(), name.to_owned());
        tokio::spawn(async move {
            if let Err(error) = send_reset_link(&state, &mailer, name).await {
                tracing::error!(%error, "reset link not sent");
            }
        });
    }
    Ok(ResetRequest::Requested)
}

async fn send_reset_link(
    state: &AppState,
    mailer: &Mailer,
    username: String,
) -> Result<(), AppError> {
    let user = state
        .db
        .read(move |conn| users::find_by_username(conn, &username))
        .await?
        .filter(|user| user.active);
    if let Some(user) = user {
        let mail = links::issue(state, mailer, &user, LinkPurpose::Reset, None).await?;
        mailer.send(&mail).await?;
    }
    Ok(())
}

/// An administrator mails a user a link to choose a password: an activation link while the
/// account has never had a password, a reset link afterwards.
pub async fn send_to_user(
    state: &AppState,
    principal: &Principal,
    user_id: i64,
) -> Result<(), AppError> {
    principal.require(state, Action::ManageUsers).await?;
    let user = state
        .db
        .read(move |conn| users::find_by_id(conn, user_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(mailer) = state.mailer.clone() else {
        return Err(AppError::Refused(
            "L'invio di e-mail non è configurato: usa il comando «respi-tickets user reset».",
        ));
    };
    if !user.active {
        return Err(AppError::Refused(
            "L'utente è disattivato: riattivalo prima di inviargli un collegamento.",
        ));
    }
    let purpose = if user.password_hash == password::UNUSABLE_HASH {
        LinkPurpose::Activation
    } else {
        LinkPurpose::Reset
    };
    let mail = links::issue(state, &mailer, &user, purpose, Some(principal.user_id)).await?;
    mailer.send(&mail).await?;
    Ok(())
}
