//! `/conferma-identita`: typing the password (and the TOTP code, for accounts that have one)
//! again before an export, when the session's last login is older than `session.reauth_secs`
//! (ASVS 3.7.1). Mistakes count towards the account's back-off like failed logins.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::attempts;
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::audit::{self, AuditEntry};
use crate::db::{sessions, users};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
pub struct ReauthenticationForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

async fn has_second_factor(state: &AppState, principal: &Principal) -> Result<bool, AppError> {
    let id = principal.user_id;
    Ok(state
        .db
        .call(move |conn| users::find_by_id(conn, id))
        .await?
        .is_some_and(|user| user.totp_secret.is_some()))
}

async fn render(
    state: &AppState,
    principal: &Principal,
    next: &str,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let html = Page::for_user(
        state,
        principal,
        "Conferma la tua identità",
        paths::REAUTHENTICATION,
    )
    .with("next", &paths::next_or_home(next))
    .with("needs_code", &has_second_factor(state, principal).await?)
    .with("minutes", &(state.settings.session.reauth_secs / 60).max(1))
    .errors(errors)
    .render(state, "reauthenticate.html")?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, html).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageOwnAccount).await?;
    render(&state, &principal, &query.next, &FormErrors::default()).await
}

pub async fn submit(
    State(state): State<AppState>,
    principal: Principal,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<ReauthenticationForm>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageOwnAccount).await?;
    let needs_code = has_second_factor(&state, &principal).await?;
    let mut errors = FormErrors::default();
    if form.password.is_empty() {
        errors.add("password", "Scrivi la tua password.");
    }
    if needs_code && form.code.trim().is_empty() {
        errors.add(
            "code",
            "Scrivi il codice di 6 cifre che l'app di autenticazione mostra adesso.",
        );
    }
    if !errors.is_empty() {
        return render(&state, &principal, &form.next, &errors).await;
    }
    let id = principal.user_id;
    let verdict = attempts::confirm_identity(
        &state,
        id,
        client,
        form.password.clone(),
        needs_code.then_some(form.code.as_str()),
        "conferma dell'identità non riuscita",
    )
    .await?;
    if verdict.accepted() {
        let entry = AuditEntry::new(AuditEvent::Reauthenticated)
            .actor(id)
            .subject(id)
            .ip(Some(client.to_string()));
        let id_hash = principal.session_id_hash.clone();
        state
            .db
            .call(move |conn| {
                let tx = conn.transaction()?;
                let now = state.clock.now();
                sessions::set_authenticated(&tx, &id_hash, now)?;
                audit::append(&tx, &entry, now)?;
                tx.commit()
            })
            .await?;
        return Ok(Redirect::to(paths::next_or_home(&form.next)).into_response());
    }
    let mut errors = FormErrors::default();
    let message = if needs_code {
        "La password o il codice non sono corretti, oppure l'utenza è sospesa per troppi tentativi. Controlla e riprova."
    } else {
        "La password non è corretta, oppure l'utenza è sospesa per troppi tentativi. Controlla e riprova."
    };
    errors.add("password", message);
    render(&state, &principal, &form.next, &errors).await
}
