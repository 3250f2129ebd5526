//! `GET/POST /login` and `POST /logout`.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::response::{IntoResponse, Response};
use rusqlite::TransactionBehavior;
use serde::Deserialize;

use crate::auth::attempts::{self, Code, Typed};
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::auth::session::{self, CurrentSession, IssuedSession, SessionOrigin};
use crate::db::audit::{self, AuditEntry};
use crate::db::{drafts, sessions, users};
use crate::domain::audit::AuditEvent;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::state::AppState;
use crate::templates::Page;

/// Longest input accepted in the user name field; longer cannot be a user name.
const USERNAME_MAX_CHARS: usize = 64;

#[derive(Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    #[serde(rename = "esito")]
    outcome: Option<String>,
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
        .with("next", &paths::safe_next(next).unwrap_or(""))
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
    let status = match query.outcome.as_deref() {
        Some("uscita") => Some("Sei uscito dall'area riservata."),
        Some("password") => Some("La password è stata salvata: ora puoi accedere."),
        _ => None,
    };
    match current.0 {
        Some(session) if session.user.is_some() => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            response.headers_mut().insert(
                LOCATION,
                paths::next_or_home(&query.next)
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

/// What the login transaction decided.
enum Outcome {
    Refused,
    /// The password was right; the TOTP code is due in the new, not yet logged-in session.
    CodeDue,
    /// Logged in; the stored files of report forms abandoned in ended sessions, to delete.
    LoggedIn {
        abandoned: Vec<String>,
    },
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
    // The hash is always checked, for unknown and locked accounts too, so the time taken
    // says nothing about the account.
    let password_ok = state
        .hashing
        .verify(
            form.password.clone(),
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await;
    let now = state.clock.now();
    let issued = session::issue();
    let outcome = match user {
        Some(user) => {
            let attempt = Attempt {
                user_id: user.id,
                password_ok,
                old_session: old_session.id_hash.clone(),
                origin,
                ip,
                now,
            };
            decide(&state, attempt, &issued).await?
        }
        None => {
            let entry = AuditEntry::new(AuditEvent::LoginFailed)
                .detail("nome utente inesistente")
                .ip(ip);
            state
                .db
                .call(move |conn| audit::append(conn, &entry, now))
                .await?;
            Outcome::Refused
        }
    };

    let next = paths::next_or_home(&form.next);
    let cookie = session::cookie_header(&issued.cookie_value);
    match outcome {
        Outcome::Refused => {
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
        Outcome::CodeDue => Ok(redirect_with_cookie(
            &paths::with_next(paths::LOGIN_CODE, next),
            cookie,
        )),
        Outcome::LoggedIn { abandoned } => {
            let folder = &state.settings.reports.attachment_dir;
            crate::attachment_store::delete(folder, abandoned).await;
            Ok(redirect_with_cookie(next, cookie))
        }
    }
}

/// A login whose password has been checked, for [`decide`].
struct Attempt {
    user_id: i64,
    password_ok: bool,
    /// The anonymous session of the login form, replaced by a new one on success.
    old_session: Vec<u8>,
    origin: SessionOrigin,
    ip: Option<String>,
    now: i64,
}

/// Decides the login in one transaction with the failure counter, so concurrent wrong guesses
/// all count and none passes a lock it did not see; on success the new session (logged in, or
/// waiting for the TOTP code) is written in the same transaction.
async fn decide(
    state: &AppState,
    attempt: Attempt,
    issued: &IssuedSession,
) -> Result<Outcome, AppError> {
    let policy = state.settings.lockout_policy();
    let lifetimes = state.settings.session_policy();
    let temporary_lifetime = state.settings.temporary_password_secs();
    let (new_session, csrf) = (issued.id_hash.clone(), issued.csrf_token.clone());
    let Attempt {
        user_id,
        password_ok,
        old_session,
        origin,
        ip,
        now,
    } = attempt;
    let outcome = state
        .db
        .call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Read again here: the account may have changed while the hash ran.
            let Some(user) = users::find_by_id(&tx, user_id)? else {
                return Ok(Outcome::Refused);
            };
            let inactive = if !user.active {
                Some("utenza disattivata")
            } else if !user.organisation_active {
                Some("organizzazione disattivata")
            } else {
                None
            };
            if let Some(why) = inactive {
                let entry = AuditEntry::new(AuditEvent::LoginFailed)
                    .subject(user_id)
                    .detail(why)
                    .ip(ip);
                audit::append(&tx, &entry, now)?;
                tx.commit()?;
                return Ok(Outcome::Refused);
            }
            let code_due = user.totp_secret.is_some();
            let code = if code_due {
                Code::Later
            } else {
                Code::NotAsked
            };
            // An expired temporary password is no password: refused like a wrong one.
            let expired = password_ok && user.temporary_password_expired(temporary_lifetime, now);
            let typed = Typed {
                password_ok: password_ok && !expired,
                code,
            };
            let verdict = attempts::settle(&tx, user_id, &policy, typed, now)?;
            let what = if expired {
                "password provvisoria scaduta"
            } else {
                ""
            };
            if let Some(entry) = attempts::failure_entry(verdict, user_id, what) {
                audit::append(&tx, &entry.ip(ip), now)?;
                tx.commit()?;
                return Ok(Outcome::Refused);
            }
            sessions::delete(&tx, &old_session)?;
            let outcome = if code_due {
                sessions::insert_pending(&tx, &new_session, user_id, &csrf, now)?;
                Outcome::CodeDue
            } else {
                sessions::insert(&tx, &new_session, Some(user_id), &csrf, &origin, now)?;
                sessions::purge_expired(&tx, lifetimes.idle_secs, lifetimes.absolute_secs, now)?;
                let abandoned = drafts::purge_abandoned(&tx)?;
                let entry = AuditEntry::new(AuditEvent::LoginSucceeded)
                    .actor(user_id)
                    .subject(user_id)
                    .ip(ip);
                audit::append(&tx, &entry, now)?;
                Outcome::LoggedIn { abandoned }
            };
            tx.commit()?;
            Ok(outcome)
        })
        .await?;
    Ok(outcome)
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
            audit::append(&tx, &entry, state.clock.now())?;
            tx.commit()
        })
        .await?;
    Ok(redirect_with_cookie(
        &paths::with_outcome(paths::LOGIN, "uscita"),
        session::clear_cookie_header(),
    ))
}
