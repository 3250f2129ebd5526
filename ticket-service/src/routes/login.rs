//! `GET/POST /login` and `POST /logout`.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::auth::session::{self, CurrentSession, SessionOrigin};
use crate::db::audit::{self, AuditEntry};
use crate::db::{self, drafts, sessions, users};
use crate::domain::audit::AuditEvent;
use crate::domain::lockout::LockoutPolicy;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::startup::AppState;
use crate::templates::Page;

/// Longest input accepted in the user name field; longer cannot be a user name.
const USERNAME_MAX_CHARS: usize = 64;

#[derive(Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    esito: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Where to go after login: only a path on this site (`/…`, not `//host` nor `/\host`), so the
/// login page cannot be used to send people elsewhere.
pub fn safe_next(next: &str) -> Option<&str> {
    let is_local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control())
        && next.len() <= 512;
    is_local.then_some(next)
}

pub fn redirect_with_cookie(location: &str, cookie: axum::http::HeaderValue) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = location.parse() {
        headers.insert(LOCATION, value);
    }
    headers.insert(SET_COOKIE, cookie);
    response
}

fn render_form(
    state: &AppState,
    csrf: &str,
    username: &str,
    next: &str,
    errors: &FormErrors,
    status_message: Option<&str>,
) -> Result<Response, AppError> {
    let mut page = Page::anonymous(state, "Accedi", Some(csrf))
        .with("username", &username)
        .with("next", &safe_next(next).unwrap_or(""))
        .with("free_attempts", &state.settings.login.free_attempts)
        .errors(errors);
    if let Some(message) = status_message {
        page = page.status_message(message);
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, page.render(state, "login.html")?).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Extension(current): Extension<CurrentSession>,
    Query(query): Query<LoginQuery>,
) -> Result<Response, AppError> {
    let status = match query.esito.as_deref() {
        Some("uscita") => Some("Sei uscito dall'area riservata."),
        Some("password") => Some("La password è stata salvata: ora puoi accedere."),
        _ => None,
    };
    match current.0 {
        Some(session) if session.user.is_some() => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            response.headers_mut().insert(
                LOCATION,
                safe_next(&query.next)
                    .unwrap_or("/")
                    .parse()
                    .map_err(|_| AppError::BadForm)?,
            );
            Ok(response)
        }
        Some(session) => render_form(
            &state,
            &session.csrf_token,
            "",
            &query.next,
            &FormErrors::default(),
            status,
        ),
        None => {
            // The login form needs a CSRF token, so it needs a session: an anonymous one,
            // replaced by a new id once the login succeeds.
            if !state.login_form_limiter.try_attempt(client) {
                return Err(AppError::TooManyRequests);
            }
            let issued = session::start_anonymous(&state).await?;
            let mut response = render_form(
                &state,
                &issued.csrf_token,
                "",
                &query.next,
                &FormErrors::default(),
                status,
            )?;
            response
                .headers_mut()
                .insert(SET_COOKIE, session::cookie_header(&issued.cookie_value));
            Ok(response)
        }
    }
}

enum Outcome {
    Success { user_id: i64, needs_code: bool },
    Failed,
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    origin: SessionOrigin,
    Extension(current): Extension<CurrentSession>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    if !state.login_limiter.try_attempt(client) {
        tracing::warn!(ip = %client, "login rate limit reached");
        return Err(AppError::TooManyRequests);
    }
    // CsrfForm only succeeds with a session, so this is the anonymous session of the form.
    let Some(old_session) = current.0 else {
        return Err(AppError::Csrf);
    };
    let ip = Some(client.to_string());
    let mut errors = FormErrors::default();
    let username = form.username.trim().to_lowercase();
    if username.is_empty() {
        errors.add("username", "Scrivi il nome utente.");
    }
    if form.password.is_empty() {
        errors.add("password", "Scrivi la password.");
    }
    if !errors.is_empty() {
        return render_form(
            &state,
            &old_session.csrf_token,
            &form.username,
            &form.next,
            &errors,
            None,
        );
    }

    let user = if username.chars().count() > USERNAME_MAX_CHARS {
        None
    } else {
        let lookup = username.clone();
        state
            .db
            .call(move |conn| users::find_by_username(conn, &lookup))
            .await?
    };
    let now = db::now();
    let policy = state.settings.lockout_policy();
    // The hash is always checked, for unknown and locked accounts too, so the time taken
    // says nothing about the account.
    let matches = state
        .hashing
        .verify(
            form.password.clone(),
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await;
    let (outcome, entry) = match &user {
        None => (
            Outcome::Failed,
            AuditEntry::new(AuditEvent::LoginFailed).detail("nome utente inesistente"),
        ),
        Some(user) if !user.active => (
            Outcome::Failed,
            AuditEntry::new(AuditEvent::LoginFailed)
                .subject(user.id)
                .detail("utenza disattivata"),
        ),
        Some(user) if LockoutPolicy::is_locked(user.locked_until, now) => (
            Outcome::Failed,
            AuditEntry::new(AuditEvent::LoginLocked).subject(user.id),
        ),
        Some(user) if matches => (
            Outcome::Success {
                user_id: user.id,
                needs_code: user.totp_secret.is_some(),
            },
            AuditEntry::new(AuditEvent::LoginSucceeded)
                .actor(user.id)
                .subject(user.id),
        ),
        Some(user) => {
            let failures = user.failed_logins.saturating_add(1);
            let lock = policy.lock_secs(failures);
            let (id, locked_until) = (user.id, lock.map(|secs| now + secs));
            state
                .db
                .call(move |conn| users::record_failure(conn, id, failures, locked_until))
                .await?;
            let detail = match lock {
                Some(secs) => format!("tentativo n. {failures}, utenza sospesa per {secs} s"),
                None => format!("tentativo n. {failures}"),
            };
            (
                Outcome::Failed,
                AuditEntry::new(AuditEvent::LoginFailed)
                    .subject(user.id)
                    .detail(detail),
            )
        }
    };
    let entry = entry.ip(ip);

    match outcome {
        Outcome::Failed => {
            state
                .db
                .call(move |conn| audit::append(conn, &entry, now))
                .await?;
            let mut errors = FormErrors::default();
            errors.add(
                "username",
                "Nome utente o password non corretti, oppure utenza sospesa per troppi tentativi. Controlla i dati e riprova.",
            );
            render_form(
                &state,
                &old_session.csrf_token,
                &form.username,
                &form.next,
                &errors,
                None,
            )
        }
        Outcome::Success {
            user_id,
            needs_code: true,
        } => {
            // The password was right; the login completes only with the TOTP code, in a new
            // session that carries no login until then.
            let issued = session::start_pending(&state, user_id).await?;
            let old_hash = old_session.id_hash;
            state
                .db
                .call(move |conn| sessions::delete(conn, &old_hash))
                .await?;
            let next = safe_next(&form.next).unwrap_or("/");
            Ok(redirect_with_cookie(
                &format!(
                    "/login/codice?next={}",
                    crate::error::form_urlencoded_component(next)
                ),
                session::cookie_header(&issued.cookie_value),
            ))
        }
        Outcome::Success {
            user_id,
            needs_code: false,
        } => {
            let issued = session::start_logged_in(&state, user_id, origin).await?;
            let old_hash = old_session.id_hash;
            let policy = state.settings.session_policy();
            let abandoned = state
                .db
                .call(move |conn| {
                    let tx = conn.transaction()?;
                    users::clear_failures(&tx, user_id)?;
                    sessions::delete(&tx, &old_hash)?;
                    sessions::purge_expired(&tx, policy.idle_secs, policy.absolute_secs, now)?;
                    let abandoned = drafts::purge_abandoned(&tx)?;
                    audit::append(&tx, &entry, now)?;
                    tx.commit()?;
                    Ok(abandoned)
                })
                .await?;
            let folder = &state.settings.reports.attachment_dir;
            crate::routes::reports::filing::delete_stored(folder, abandoned).await;
            let next = safe_next(&form.next).unwrap_or("/");
            Ok(redirect_with_cookie(
                next,
                session::cookie_header(&issued.cookie_value),
            ))
        }
    }
}

/// The logout form carries only the CSRF token.
#[derive(Deserialize)]
pub struct EmptyForm {}

pub async fn logout(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    principal: Principal,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    let entry = AuditEntry::new(AuditEvent::Logout)
        .actor(principal.user_id)
        .subject(principal.user_id)
        .ip(Some(client.to_string()));
    let id_hash = principal.session_id_hash.clone();
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            sessions::delete(&tx, &id_hash)?;
            audit::append(&tx, &entry, db::now())?;
            tx.commit()
        })
        .await?;
    Ok(redirect_with_cookie(
        "/login?esito=uscita",
        session::clear_cookie_header(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next("/admin/utenti"), Some("/admin/utenti"));
        assert_eq!(safe_next("/profilo?x=1"), Some("/profilo?x=1"));
        for bad in [
            "",
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "admin",
            "/a\nb",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }
}
