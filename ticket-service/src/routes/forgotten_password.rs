//! `/password-dimenticata`: asks for a reset link by user name. The answer is the same whether
//! or not the account exists, and the mail leaves in the background, so neither the page nor
//! its timing tells which user names exist.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::app::account_links::{self, ResetRequest};
use crate::app::form_session;
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::session::CurrentSession;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::routes::login::with_started_session;
use crate::state::AppState;
use crate::templates::Page;

const TITLE: &str = "Password dimenticata";

fn render(
    state: &AppState,
    csrf: &str,
    username: &str,
    errors: &FormErrors,
    sent: bool,
) -> Result<Response, AppError> {
    let mut page = Page::anonymous(state, TITLE, Some(csrf))
        .with("username", &username)
        .with("available", &state.mailer.is_some())
        .errors(errors);
    if sent {
        page = page.status_message(
            "Se il nome utente corrisponde a un'utenza attiva, abbiamo inviato all'indirizzo e-mail dell'utenza un collegamento per scegliere una nuova password, valido un'ora.",
        );
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, page.render(state, "forgotten_password.html")?).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Extension(current): Extension<CurrentSession>,
) -> Result<Response, AppError> {
    let session = form_session::for_form(&state, client, current.0.as_ref()).await?;
    let page = render(
        &state,
        &session.csrf_token,
        "",
        &FormErrors::default(),
        false,
    )?;
    Ok(with_started_session(page, session.started.as_ref()))
}

#[derive(Deserialize)]
pub struct ForgottenForm {
    #[serde(default)]
    username: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Extension(current): Extension<CurrentSession>,
    CsrfForm(form): CsrfForm<ForgottenForm>,
) -> Result<Response, AppError> {
    let csrf = current
        .0
        .map(|session| session.csrf_token)
        .ok_or(AppError::Csrf)?;
    let no_errors = FormErrors::default();
    match account_links::request_reset(&state, client, &form.username).await? {
        ResetRequest::Unavailable => render(&state, &csrf, "", &no_errors, false),
        ResetRequest::Invalid(errors) => render(&state, &csrf, &form.username, &errors, false),
        ResetRequest::Requested => render(&state, &csrf, "", &no_errors, true),
    }
}
