//! The TOTP second factor: the code page after a correct password (`/login/codice`) and the
//! enrolment page (`/profilo/verifica`).

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};
use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};

use crate::auth::attempts::{self, Code, Typed, Verdict};
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::auth::session::{self, CurrentSession, Session, SessionOrigin};
use crate::auth::totp;
use crate::auth::totp_key::TotpKey;
use crate::db::audit::{self, AuditEntry};
use crate::db::{sessions, users};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::second_factor::PENDING_LOGIN_SECS;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::login::redirect_with_cookie;
use crate::state::AppState;
use crate::templates::Page;

/// The half-logged-in session, if it is recent enough.
fn pending(current: &CurrentSession, now: i64) -> Option<(&Session, i64)> {
    let session = current.0.as_ref()?;
    let user_id = session.pending_user_id?;
    (now - session.created_at < PENDING_LOGIN_SECS).then_some((session, user_id))
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

fn render_code_form(
    state: &AppState,
    csrf: &str,
    next: &str,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let html = Page::anonymous(state, "Codice di verifica", Some(csrf))
        .with("next", &paths::safe_next(next).unwrap_or(""))
        .errors(errors)
        .render(state, "login_code.html")?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, html).into_response())
}

pub async fn code_form(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentSession>,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let Some((session, _)) = pending(&current, state.clock.now()) else {
        return Ok(Redirect::to(paths::LOGIN).into_response());
    };
    render_code_form(
        &state,
        &session.csrf_token,
        &query.next,
        &FormErrors::default(),
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

pub async fn code_submit(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    origin: SessionOrigin,
    Extension(current): Extension<CurrentSession>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, AppError> {
    if !state.login_limiter.try_attempt(client) {
        return Err(AppError::TooManyRequests);
    }
    let Some((session, user_id)) = pending(&current, state.clock.now()) else {
        return Ok(Redirect::to(paths::LOGIN).into_response());
    };
    let user = state
        .db
        .call(move |conn| users::find_by_id(conn, user_id))
        .await?
        .filter(|user| user.active && user.organisation_active)
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    let ip = Some(client.to_string());
    let code = user.totp_secret.as_deref().map_or(Code::Wrong, |sealed| {
        attempts::code_of(&state, sealed, &form.code, now)
    });
    let policy = state.settings.lockout_policy();
    let issued = session::issue();
    let (new_session, csrf) = (issued.id_hash.clone(), issued.csrf_token.clone());
    let pending_session = session.id_hash.clone();
    // The step is accepted, the failure counted or the session opened in one transaction.
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
    match verdict {
        Verdict::Accepted => Ok(redirect_with_cookie(
            paths::next_or_home(&form.next),
            session::cookie_header(&issued.cookie_value),
        )),
        refused => {
            if matches!(refused, Verdict::CodeReused { .. }) {
                attempts::tell_about_reused_code(&state, &user);
            }
            let mut errors = FormErrors::default();
            errors.add(
                "code",
                "Il codice non è corretto o è già stato usato: scrivi le 6 cifre che l'app mostra adesso.",
            );
            render_code_form(&state, &session.csrf_token, &form.next, &errors)
        }
    }
}

#[derive(Serialize)]
struct Enrolment {
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

/// The page where a factor is set up or, for an account that has one, replaced: `replace`
/// asks for the form of a new app even when the account has a factor.
async fn render_enrolment(
    state: &AppState,
    principal: &Principal,
    replace: bool,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let id = principal.user_id;
    let enrolled = state
        .db
        .call(move |conn| users::find_by_id(conn, id))
        .await?
        .is_some_and(|user| user.totp_secret.is_some());
    let enrolment = if enrolled && !replace {
        None
    } else {
        let key = enrolment_key(state)?;
        // The secret stays in the server-side session, sealed, until a code confirms it.
        let secret = match principal
            .enrolment_secret
            .as_deref()
            .and_then(|sealed| key.open(sealed))
        {
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
        Some(Enrolment {
            url: totp::otpauth_url(&secret, &state.site.short_title, &principal.username)
                .unwrap_or_default(),
            secret: totp::grouped(&secret),
            replacing: enrolled,
        })
    };
    let html = Page::for_user(
        state,
        principal,
        "Verifica in due passaggi",
        paths::SECOND_FACTOR,
    )
    .with("enrolment", &enrolment)
    .errors(errors)
    .render(state, "second_factor.html")?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, html).into_response())
}

pub async fn enrol_form(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageOwnAccount).await?;
    render_enrolment(&state, &principal, false, &FormErrors::default()).await
}

/// `GET /profilo/verifica/sostituisci`: a new app or phone for an account that has a factor.
pub async fn replace_form(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageOwnAccount).await?;
    render_enrolment(&state, &principal, true, &FormErrors::default()).await
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    code: String,
    /// Asked only when the account has a factor already.
    #[serde(default)]
    password: String,
}

pub async fn enrol_submit(
    State(state): State<AppState>,
    principal: Principal,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<EnrolForm>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageOwnAccount).await?;
    let user_id = principal.user_id;
    // Read now, not when the form was shown: another session may have set a factor since.
    let enrolled = state
        .db
        .call(move |conn| users::find_by_id(conn, user_id))
        .await?
        .ok_or(AppError::NotFound)?
        .totp_secret
        .is_some();
    let mut errors = FormErrors::default();
    if enrolled {
        // Replacing a factor is as strong as the factor: whoever holds only the session, or
        // a form opened before the factor was set, cannot swap in an app of their own.
        if form.password.is_empty() {
            errors.add(
                "password",
                "Scrivi la tua password per sostituire la verifica in due passaggi già attiva.",
            );
        } else {
            let verdict = attempts::confirm_identity(
                &state,
                user_id,
                client,
                form.password.clone(),
                None,
                "sostituzione della verifica in due passaggi",
            )
            .await?;
            match verdict {
                Verdict::Accepted => {}
                Verdict::Locked { .. } => errors.add(
                    "password",
                    "L'utenza è sospesa per troppi tentativi sbagliati: riprova tra qualche minuto.",
                ),
                Verdict::Refused { .. } | Verdict::CodeReused { .. } => {
                    errors.add("password", "La password non è corretta: riscrivila.");
                }
            }
        }
    }
    let now = state.clock.now();
    // The sealed secret of the session becomes the account's as it is.
    let sealed = principal.enrolment_secret.clone();
    let key = enrolment_key(&state)?;
    let step = sealed
        .as_deref()
        .and_then(|sealed| key.open(sealed))
        .and_then(|secret| totp::matching_step(&secret, &form.code, now));
    let (Some(step), Some(sealed)) = (step, sealed) else {
        errors.add(
            "code",
            "Il codice non è corretto: controlla di aver inserito la chiave nell'app e scrivi le 6 cifre che mostra adesso.",
        );
        return render_enrolment(&state, &principal, enrolled, &errors).await;
    };
    if !errors.is_empty() {
        return render_enrolment(&state, &principal, enrolled, &errors).await;
    }
    let id_hash = principal.session_id_hash.clone();
    let mut entry = AuditEntry::new(AuditEvent::SecondFactorEnabled)
        .actor(user_id)
        .subject(user_id);
    if enrolled {
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
    Ok(Redirect::to(&paths::with_outcome(paths::PROFILE, "verifica")).into_response())
}
