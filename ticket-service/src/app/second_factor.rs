//! The TOTP second factor: the code that finishes a login, and setting up (or replacing) the
//! app that makes the codes.

use std::net::IpAddr;

use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};

use crate::app::typed_password::{self, PasswordField};
use crate::auth::attempts::{self, Code, Typed, Verdict};
use crate::auth::principal::Principal;
use crate::auth::session::{self, CurrentSession, IssuedSession, Session, SessionOrigin};
use crate::auth::totp;
use crate::auth::totp_key::TotpKey;
use crate::db::audit::{self, AuditEntry};
use crate::db::{sessions, users};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::second_factor::pending_login_open;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::state::AppState;

/// The half-logged-in session of `current`, and its user, if it is recent enough.
pub fn pending_login(current: &CurrentSession, now: i64) -> Option<(&Session, i64)> {
    let session = current.0.as_ref()?;
    let user_id = session.pending_user_id?;
    pending_login_open(session.created_at, now).then_some((session, user_id))
}

/// The code typed on the code page, from the address and browser it came from.
pub struct CodeRequest {
    pub code: String,
    pub client: IpAddr,
    pub origin: SessionOrigin,
}

pub enum CodeOutcome {
    /// No login waits for a code in this session (any more): back to the login page.
    NoPendingLogin,
    /// The code page again, with what is wrong.
    Invalid(FormErrors),
    LoggedIn(IssuedSession),
}

/// Finishes a login with its TOTP code: the step is accepted, the failure counted or the
/// session opened in one transaction, with the audit line.
pub async fn log_in_with_code(
    state: &AppState,
    current: &CurrentSession,
    request: CodeRequest,
) -> Result<CodeOutcome, AppError> {
    if !state.login_limiter.try_attempt(request.client) {
        return Err(AppError::TooManyRequests);
    }
    let Some((session, user_id)) = pending_login(current, state.clock.now()) else {
        return Ok(CodeOutcome::NoPendingLogin);
    };
    let user = state
        .db
        .read(move |conn| users::find_by_id(conn, user_id))
        .await?
        .filter(|user| user.active && user.organisation_active)
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let ip = Some(request.client.to_string());
    let code = user.totp_secret.as_deref().map_or(Code::Wrong, |sealed| {
        attempts::code_of(state, sealed, &request.code, now)
    });
    let policy = state.settings.lockout_policy();
    let issued = session::issue();
    let (new_session, csrf) = (issued.id_hash.clone(), issued.csrf_token.clone());
    let (pending_session, origin) = (session.id_hash.clone(), request.origin);
    let verdict = state
        .db
        .call(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let typed = Typed {
                password_ok: true,
                code,
            };
            let verdict = attempts::settle(&tx, user_id, &policy, typed, now)?;
            match attempts::failure_entry(verdict, user_id, "codice di verifica") {
                Some(entry) => audit::append(&tx, &entry.ip(ip), now)?,
                None => {
                    sessions::delete(&tx, &pending_session)?;
                    sessions::insert(&tx, &new_session, Some(user_id), &csrf, &origin, now)?;
                    let entry = AuditEntry::new(AuditEvent::LoginSucceeded)
                        .actor(user_id)
                        .subject(user_id)
                        .ip(ip)
                        .detail("con codice di verifica");
                    audit::append(&tx, &entry, now)?;
                }
            }
            tx.commit()?;
            Ok(verdict)
        })
        .await?;
    if verdict.accepted() {
        return Ok(CodeOutcome::LoggedIn(issued));
    }
    if matches!(verdict, Verdict::CodeReused { .. }) {
        attempts::tell_about_reused_code(state, &user);
    }
    let mut errors = FormErrors::default();
    errors.add(
        "code",
        "Il codice non è corretto o è già stato usato: scrivi le 6 cifre che l'app mostra adesso.",
    );
    Ok(CodeOutcome::Invalid(errors))
}

/// What the enrolment page shows to set up an app.
#[derive(Serialize)]
pub struct Enrolment {
    secret: String,
    url: String,
    /// The account has a factor already: the new one replaces it only with the password.
    replacing: bool,
}

/// The key that seals the secrets; without one, no factor can be set up.
fn enrolment_key(state: &AppState) -> Result<&TotpKey, AppError> {
    state.totp_key.as_ref().ok_or(AppError::Refused(
        "La verifica in due passaggi non è disponibile: manca la chiave dei segreti TOTP nella configurazione del servizio. Avvisa l'amministratore.",
    ))
}

/// Whether the account has a second factor, read now.
async fn enrolled(state: &AppState, user_id: i64) -> Result<Option<bool>, AppError> {
    Ok(state
        .db
        .read(move |conn| users::find_by_id(conn, user_id))
        .await?
        .map(|user| user.totp_secret.is_some()))
}

/// The app to set up, or `None` when the account has a factor and `replace` does not ask for
/// a new one. The secret stays in the server-side session, sealed, until a code confirms it.
pub async fn enrolment(
    state: &AppState,
    principal: &Principal,
    replace: bool,
) -> Result<Option<Enrolment>, AppError> {
    let enrolled = enrolled(state, principal.user_id).await? == Some(true);
    if enrolled && !replace {
        return Ok(None);
    }
    let key = enrolment_key(state)?;
    let opened = principal
        .enrolment_secret
        .as_deref()
        .and_then(|sealed| key.open(sealed));
    let secret = match opened {
        Some(secret) => secret,
        None => {
            let secret = totp::new_secret();
            let (id_hash, sealed) = (principal.session_id_hash.clone(), key.seal(&secret));
            state
                .db
                .call(move |conn| sessions::set_enrolment_secret(conn, &id_hash, Some(&sealed)))
                .await?;
            secret
        }
    };
    Ok(Some(Enrolment {
        url: totp::otpauth_url(&secret, &state.site.short_title, &principal.username)
            .unwrap_or_default(),
        secret: totp::grouped(&secret),
        replacing: enrolled,
    }))
}

/// The enrolment form as typed.
#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    code: String,
    /// Asked only when the account has a factor already.
    #[serde(default)]
    password: String,
}

pub enum EnrolOutcome {
    Enabled,
    /// The page again with what is wrong; `replacing` when the account has a factor already.
    Invalid {
        errors: FormErrors,
        replacing: bool,
    },
}

/// Confirms the app of the session's enrolment with a code and makes it the account's second
/// factor, with its audit line; replacing a factor also asks for the password.
pub async fn enrol(
    state: &AppState,
    principal: &Principal,
    client: IpAddr,
    form: EnrolForm,
) -> Result<EnrolOutcome, AppError> {
    principal.require(state, Action::ManageOwnAccount).await?;
    let user_id = principal.user_id;
    // Read now, not when the form was shown: another session may have set a factor since.
    let replacing = enrolled(state, user_id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    if replacing {
        // Replacing a factor is as strong as the factor: whoever holds only the session, or
        // a form opened before the factor was set, cannot swap in an app of their own.
        let field = PasswordField {
            name: "password",
            missing: "Scrivi la tua password per sostituire la verifica in due passaggi già attiva.",
            wrong: "La password non è corretta: riscrivila.",
            confirms: "sostituzione della verifica in due passaggi",
        };
        typed_password::check(state, user_id, client, form.password, &field, &mut errors).await?;
    }
    let now = state.clock.now();
    // The sealed secret of the session becomes the account's as it is.
    let sealed = principal.enrolment_secret.clone();
    let key = enrolment_key(state)?;
    let step = sealed
        .as_deref()
        .and_then(|sealed| key.open(sealed))
        .and_then(|secret| totp::matching_step(&secret, &form.code, now));
    let (Some(step), Some(sealed)) = (step, sealed) else {
        errors.add(
            "code",
            "Il codice non è corretto: controlla di aver inserito la chiave nell'app e scrivi le 6 cifre che mostra adesso.",
        );
        return Ok(EnrolOutcome::Invalid { errors, replacing });
    };
    if !errors.is_empty() {
        return Ok(EnrolOutcome::Invalid { errors, replacing });
    }
    let id_hash = principal.session_id_hash.clone();
    let mut entry = AuditEntry::new(AuditEvent::SecondFactorEnabled)
        .actor(user_id)
        .subject(user_id);
    if replacing {
        entry = entry.detail("sostituita con una nuova app");
    }
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            users::set_second_factor(&tx, user_id, Some(&sealed), Some(step))?;
            sessions::set_enrolment_secret(&tx, &id_hash, None)?;
            audit::append(&tx, &entry, now)?;
            tx.commit()
        })
        .await?;
    Ok(EnrolOutcome::Enabled)
}
