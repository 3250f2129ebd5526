//! Server-side sessions in SQLite behind the `__Host-sid` cookie.
//!
//! The cookie holds 128 random bits; the database keeps only their SHA-256. A new id is issued
//! at login (the anonymous session of the login page is deleted), logout deletes the row, and a
//! session ends after the configured idle time or absolute lifetime. Each session carries its
//! own synchronizer CSRF token.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{COOKIE, HeaderMap, HeaderValue, USER_AGENT};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use crate::auth::client_ip::ClientIp;
use crate::auth::token;
use crate::db::sessions;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::state::AppState;

pub use crate::db::sessions::{SessionOrigin, SessionUser};

/// Longest browser description kept for the list of sessions.
const USER_AGENT_MAX_CHARS: usize = 200;

impl FromRequestParts<AppState> for SessionOrigin {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.chars().take(USER_AGENT_MAX_CHARS).collect::<String>())
            .filter(|value| !value.trim().is_empty());
        Ok(SessionOrigin {
            ip: Some(ip.to_string()),
            user_agent,
        })
    }
}

/// The `__Host-` prefix makes browsers insist on `Secure`, `Path=/` and no `Domain`, so no other
/// host can plant or read the cookie.
pub const COOKIE_NAME: &str = "__Host-sid";

/// The session of the current request, if its cookie names a live one.
#[derive(Debug, Clone)]
pub struct Session {
    pub id_hash: Vec<u8>,
    pub csrf_token: String,
    pub created_at: i64,
    /// When the password (and code) was last typed in this session.
    pub authenticated_at: Option<i64>,
    pub user: Option<SessionUser>,
    /// True when the user's role requires a TOTP second factor that is not set up yet.
    pub second_factor_missing: bool,
    /// Set between a correct password and the TOTP code.
    pub pending_user_id: Option<i64>,
    /// A TOTP secret being enrolled, sealed with the key.
    pub enrolment_secret: Option<String>,
}

/// Request extension set by [`load_session`] on every request.
#[derive(Debug, Clone, Default)]
pub struct CurrentSession(pub Option<Session>);

/// A session just written to the database, with the cookie value to hand to the browser.
pub struct IssuedSession {
    pub cookie_value: String,
    pub id_hash: Vec<u8>,
    pub csrf_token: String,
}

/// A new session id and CSRF token, not yet stored: the caller writes the row in its own
/// transaction.
pub fn issue() -> IssuedSession {
    let cookie_value = token::random_token::<16>();
    IssuedSession {
        id_hash: token::digest(&cookie_value),
        cookie_value,
        csrf_token: token::random_token::<32>(),
    }
}

/// Creates an anonymous session: the login form needs a CSRF token too.
pub async fn start_anonymous(state: &AppState) -> Result<IssuedSession, AppError> {
    let issued = issue();
    let (id_hash, csrf) = (issued.id_hash.clone(), issued.csrf_token.clone());
    let now = state.clock.now();
    state
        .db
        .call(move |conn| {
            sessions::insert(conn, &id_hash, None, &csrf, &SessionOrigin::default(), now)
        })
        .await?;
    Ok(issued)
}

/// The `Set-Cookie` value for a session id. No `Max-Age`: the browser forgets it when closed,
/// and the server enforces the lifetimes anyway.
pub fn cookie_header(value: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={value}; Path=/; Secure; HttpOnly; SameSite=Lax"
    ))
    .expect("session ids are URL-safe base64")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie_header() -> HeaderValue {
    HeaderValue::from_static("__Host-sid=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The session id in the request's cookies, if well formed.
fn cookie_value(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
        .filter(|value| {
            value.len() == 22
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Middleware: finds the request's session, ends it if it has expired, otherwise marks it as
/// used now, and stores the outcome as a [`CurrentSession`] extension.
pub async fn load_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let current = match cookie_value(request.headers()) {
        Some(value) => {
            let id_hash = token::digest(&value);
            let now = state.clock.now();
            load(&state, id_hash, now).await?
        }
        None => None,
    };
    request.extensions_mut().insert(CurrentSession(current));
    Ok(next.run(request).await)
}

/// The session with id hash `id_hash` as of `now`: read on a read connection; written only
/// to end an expired one or, now and then, to record its use.
async fn load(state: &AppState, id_hash: Vec<u8>, now: i64) -> Result<Option<Session>, AppError> {
    let policy = state.settings.session_policy();
    let second_factor_roles = state.settings.login.second_factor_roles.clone();
    let lookup = id_hash.clone();
    let Some(row) = state
        .db
        .read(move |conn| sessions::find(conn, &lookup))
        .await?
    else {
        return Ok(None);
    };
    if policy.has_expired(row.created_at, row.last_seen_at, now) {
        state
            .db
            .call(move |conn| sessions::delete(conn, &id_hash))
            .await?;
        return Ok(None);
    }
    if policy.needs_touch(row.last_seen_at, now) {
        let touched = id_hash.clone();
        state
            .db
            .call(move |conn| sessions::touch(conn, &touched, now))
            .await?;
    }
    let second_factor_missing = row.user.as_ref().is_some_and(|user| {
        !user.has_second_factor
            && user
                .role
                .parse::<Role>()
                .is_ok_and(|role| second_factor_roles.contains(&role))
    });
    Ok(Some(Session {
        id_hash,
        csrf_token: row.csrf_token,
        created_at: row.created_at,
        authenticated_at: row.authenticated_at,
        user: row.user,
        second_factor_missing,
        pending_user_id: row.pending_user_id,
        enrolment_secret: row.totp_enrolment_secret,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_session_cookie_is_read() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("other=1; __Host-sid=abcdefghijklmnopqrstuv; x=y"),
        );
        assert_eq!(
            cookie_value(&headers).as_deref(),
            Some("abcdefghijklmnopqrstuv")
        );
        headers.insert(COOKIE, HeaderValue::from_static("__Host-sid=short"));
        assert_eq!(cookie_value(&headers), None);
        headers.insert(
            COOKIE,
            HeaderValue::from_static("sid=abcdefghijklmnopqrstuv"),
        );
        assert_eq!(cookie_value(&headers), None);
    }

    #[test]
    fn the_cookie_has_the_host_prefix_flags() {
        let header = cookie_header("abcdefghijklmnopqrstuv");
        let header = header.to_str().unwrap();
        for flag in [
            "__Host-sid=",
            "Path=/",
            "Secure",
            "HttpOnly",
            "SameSite=Lax",
        ] {
            assert!(header.contains(flag), "{flag}");
        }
        assert!(!header.contains("Domain"));
    }
}
