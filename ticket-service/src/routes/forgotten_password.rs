//! `/password-dimenticata`: asks for a reset link by user name. The answer is the same whether
//! or not the account exists, and the mail leaves in the background, so neither the page nor
//! its timing tells which user names exist.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::links;
use crate::auth::session::{self, CurrentSession};
use crate::db::users;
use crate::domain::account_link::LinkPurpose;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::mail::Mailer;
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
    let no_errors = FormErrors::default();
    match current.0 {
        Some(session) => render(&state, &session.csrf_token, "", &no_errors, false),
        None => {
            if !state.login_form_limiter.try_attempt(client) {
                return Err(AppError::TooManyRequests);
            }
            let issued = session::start_anonymous(&state).await?;
            let mut response = render(&state, &issued.csrf_token, "", &no_errors, false)?;
            response
                .headers_mut()
                .insert(SET_COOKIE, session::cookie_header(&issued.cookie_value));
            Ok(response)
        }
    }
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
    // Shares the login budget of the address: both guess at accounts.
    if !state.login_limiter.try_attempt(client) {
        return Err(AppError::TooManyRequests);
    }
    let Some(mailer) = state.mailer.clone() else {
        return render(&state, &csrf, "", &FormErrors::default(), false);
    };
    let username = form.username.trim().to_lowercase();
    if username.is_empty() {
        let mut errors = FormErrors::default();
        errors.add("username", "Scrivi il nome utente.");
        return render(&state, &csrf, &form.username, &errors, false);
    }
    if username.chars().count() <= 64 {
        // The whole lookup runs after the answer, so the time taken says nothing either.
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(error) = send_reset_link(&state, &mailer, username).await {
                tracing::error!(%error, "reset link not sent");
            }
        });
    }
    render(&state, &csrf, "", &FormErrors::default(), true)
}

async fn send_reset_link(
    state: &AppState,
    mailer: &Mailer,
    username: String,
) -> Result<(), AppError> {
    let user = state
        .db
        .call(move |conn| users::find_by_username(conn, &username))
        .await?
        .filter(|user| user.active);
    if let Some(user) = user {
        let mail = links::issue(state, mailer, &user, LinkPurpose::Reset, None).await?;
        mailer.send(&mail).await?;
    }
    Ok(())
}
