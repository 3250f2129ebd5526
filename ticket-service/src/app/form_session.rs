//! The session an anonymous form (login, forgotten password, activation and reset links) needs
//! for its CSRF token: the visitor's own, or a new anonymous one, which the per-address limit
//! keeps from being created without end.

use std::net::IpAddr;

use crate::auth::session::{self, IssuedSession, Session};
use crate::error::AppError;
use crate::state::AppState;

/// The CSRF token the form carries, and the session started for it, whose cookie goes with
/// the page.
pub struct FormSession {
    pub csrf_token: String,
    pub started: Option<IssuedSession>,
}

/// The visitor's session if there is one, otherwise a new anonymous session.
pub async fn for_form(
    state: &AppState,
    client: IpAddr,
    current: Option<&Session>,
) -> Result<FormSession, AppError> {
    if let Some(session) = current {
        return Ok(FormSession {
            csrf_token: session.csrf_token.clone(),
            started: None,
        });
    }
    if !state.login_form_limiter.try_attempt(client) {
        return Err(AppError::TooManyRequests);
    }
    let issued = session::start_anonymous(state).await?;
    Ok(FormSession {
        csrf_token: issued.csrf_token.clone(),
        started: Some(issued),
    })
}
