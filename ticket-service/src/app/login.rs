//! Logging in with user name and password, and logging out.
//!
//! The password step decides in one transaction with the account's failure counter, so
//! concurrent wrong guesses all count and none passes a lock it did not see; on success the
//! new session (logged in, or waiting for the TOTP code) is written in the same transaction.

use std::net::IpAddr;

use rusqlite::{Connection, TransactionBehavior};

use crate::attachment_store;
use crate::auth::attempts::{self, Code, Typed};
use crate::auth::principal::Principal;
use crate::auth::session::{self, IssuedSession, SessionOrigin};
use crate::db::audit::{self, AuditEntry};
use crate::db::{drafts, sessions, users};
use crate::domain::audit::AuditEvent;
use crate::domain::lockout::LockoutPolicy;
use crate::domain::session::SessionPolicy;
use crate::domain::user::{TypedUsername, inactive_reason};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::state::AppState;

/// One message for every refusal, so the page does not tell which part was wrong.
const REFUSED: &str = "Nome utente o password non corretti, oppure utenza sospesa per troppi tentativi. Controlla i dati e riprova.";

/// A login as typed, from the address and browser it came from.
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    pub client: IpAddr,
    pub origin: SessionOrigin,
    /// The id hash of the login form's anonymous session, replaced by a new one on success.
    pub form_session: Vec<u8>,
}

pub enum LoginOutcome {
    /// The form again, with what is wrong.
    Invalid(FormErrors),
    /// The password was right; the TOTP code is due in this new, not yet logged-in session.
    CodeDue(IssuedSession),
    LoggedIn(IssuedSession),
}

fn refused() -> LoginOutcome {
    let mut errors = FormErrors::default();
    errors.add("username", REFUSED);
    LoginOutcome::Invalid(errors)
}

/// The password step of a login: the address limit, the hash (checked for unknown and locked
/// accounts too, so the time taken says nothing about the account), then [`decide`].
pub async fn log_in(state: &AppState, request: LoginRequest) -> Result<LoginOutcome, AppError> {
    if !state.login_limiter.try_attempt(request.client) {
        tracing::warn!(ip = %request.client, "login rate limit reached");
        return Err(AppError::TooManyRequests);
    }
    let mut errors = FormErrors::default();
    let username = errors.check("username", TypedUsername::parse(&request.username));
    if request.password.is_empty() {
        errors.add("password", "Scrivi la password.");
    }
    let Some(username) = username.filter(|_| errors.is_empty()) else {
        return Ok(LoginOutcome::Invalid(errors));
    };
    let user = match username.lookup().map(str::to_owned) {
        Some(name) => {
            state
                .db
                .read(move |conn| users::find_by_username(conn, &name))
                .await?
        }
        None => None,
    };
    let password_ok = state
        .hashing
        .verify(
            request.password,
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await;
    let now = state.clock.now();
    let ip = Some(request.client.to_string());
    let Some(user) = user else {
        let entry = AuditEntry::new(AuditEvent::LoginFailed)
            .detail("nome utente inesistente")
            .ip(ip);
        state.audit(entry).await?;
        return Ok(refused());
    };
    let attempt = Attempt {
        user_id: user.id,
        password_ok,
        form_session: request.form_session,
        origin: request.origin,
        ip,
        now,
    };
    let issued = session::issue();
    Ok(match decide(state, attempt, &issued).await? {
        Decision::Refused => refused(),
        Decision::CodeDue => LoginOutcome::CodeDue(issued),
        Decision::LoggedIn { abandoned } => {
            let folder = &state.settings.reports.attachment_dir;
            attachment_store::delete(folder, abandoned).await;
            LoginOutcome::LoggedIn(issued)
        }
    })
}

/// A login whose password has been checked, for [`decide`].
struct Attempt {
    user_id: i64,
    password_ok: bool,
    form_session: Vec<u8>,
    origin: SessionOrigin,
    ip: Option<String>,
    now: i64,
}

/// The settings a login is decided by.
struct LoginRules {
    lockout: LockoutPolicy,
    lifetimes: SessionPolicy,
    temporary_password_secs: i64,
}

/// What the login transaction decided.
enum Decision {
    Refused,
    CodeDue,
    /// Logged in; the stored files of report forms abandoned in ended sessions, to delete.
    LoggedIn {
        abandoned: Vec<String>,
    },
}

/// Decides the login in one immediate transaction.
async fn decide(
    state: &AppState,
    attempt: Attempt,
    issued: &IssuedSession,
) -> Result<Decision, AppError> {
    let rules = LoginRules {
        lockout: state.settings.lockout_policy(),
        lifetimes: state.settings.session_policy(),
        temporary_password_secs: state.settings.temporary_password_secs(),
    };
    let new_session = (issued.id_hash.clone(), issued.csrf_token.clone());
    let decision = state
        .db
        .call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let decision = settle(&tx, &rules, &attempt, &new_session)?;
            tx.commit()?;
            Ok(decision)
        })
        .await?;
    Ok(decision)
}

/// The body of [`decide`]'s transaction: the failure counter, the audit line, and on success
/// the new session (`(id hash, CSRF token)`) in place of the form's.
fn settle(
    tx: &Connection,
    rules: &LoginRules,
    attempt: &Attempt,
    (id_hash, csrf): &(Vec<u8>, String),
) -> rusqlite::Result<Decision> {
    let (user_id, now, ip) = (attempt.user_id, attempt.now, &attempt.ip);
    // Read again here: the account may have changed while the hash ran.
    let Some(user) = users::find_by_id(tx, user_id)? else {
        return Ok(Decision::Refused);
    };
    if let Some(why) = inactive_reason(user.active, user.organisation_active) {
        let entry = AuditEntry::new(AuditEvent::LoginFailed)
            .subject(user_id)
            .detail(why)
            .ip(ip.clone());
        audit::append(tx, &entry, now)?;
        return Ok(Decision::Refused);
    }
    let code_due = user.totp_secret.is_some();
    // An expired temporary password is no password: refused like a wrong one.
    let expired =
        attempt.password_ok && user.temporary_password_expired(rules.temporary_password_secs, now);
    let typed = Typed {
        password_ok: attempt.password_ok && !expired,
        code: if code_due {
            Code::Later
        } else {
            Code::NotAsked
        },
    };
    let verdict = attempts::settle(tx, user_id, &rules.lockout, typed, now)?;
    let what = if expired {
        "password provvisoria scaduta"
    } else {
        ""
    };
    if let Some(entry) = attempts::failure_entry(verdict, user_id, what) {
        audit::append(tx, &entry.ip(ip.clone()), now)?;
        return Ok(Decision::Refused);
    }
    sessions::delete(tx, &attempt.form_session)?;
    if code_due {
        sessions::insert_pending(tx, id_hash, user_id, csrf, now)?;
        return Ok(Decision::CodeDue);
    }
    sessions::insert(tx, id_hash, Some(user_id), csrf, &attempt.origin, now)?;
    let lifetimes = rules.lifetimes;
    sessions::purge_expired(tx, lifetimes.idle_secs, lifetimes.absolute_secs, now)?;
    let abandoned = drafts::purge_abandoned(tx)?;
    let entry = AuditEntry::new(AuditEvent::LoginSucceeded)
        .actor(user_id)
        .subject(user_id)
        .ip(ip.clone());
    audit::append(tx, &entry, now)?;
    Ok(Decision::LoggedIn { abandoned })
}

/// Ends the session of the request, with its audit line.
pub async fn log_out(
    state: &AppState,
    principal: &Principal,
    client: IpAddr,
) -> Result<(), AppError> {
    let entry = AuditEntry::new(AuditEvent::Logout)
        .actor(principal.user_id)
        .subject(principal.user_id)
        .ip(Some(client.to_string()));
    let id_hash = principal.session_id_hash.clone();
    let now = state.clock.now();
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            sessions::delete(&tx, &id_hash)?;
            audit::append(&tx, &entry, now)?;
            tx.commit()
        })
        .await?;
    Ok(())
}
