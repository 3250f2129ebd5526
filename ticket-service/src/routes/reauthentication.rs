//! `/conferma-identita`: the page where the password (and the TOTP code, for accounts that
//! have one) is typed again before an export; `app::reauthentication` checks them.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::app::reauthentication::{self, Reauthentication, Secrets};
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
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
    .with(
        "needs_code",
        &reauthentication::needs_code(state, principal.user_id).await?,
    )
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
    let secrets = Secrets {
        password: form.password,
        code: form.code,
    };
    match reauthentication::confirm(&state, &principal, client, secrets).await? {
        Reauthentication::Confirmed => {
            Ok(Redirect::to(paths::next_or_home(&form.next)).into_response())
        }
        Reauthentication::Invalid(errors) => render(&state, &principal, &form.next, &errors).await,
    }
}
