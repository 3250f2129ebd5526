//! The TOTP second factor: the code page after a correct password (`/login/codice`) and the
//! enrolment page (`/profilo/verifica`).

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::app::second_factor::{
    self, CodeOutcome, CodeRequest, EnrolForm, EnrolOutcome, pending_login,
};
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::auth::session::{self, CurrentSession, SessionOrigin};
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::login::redirect_with_cookie;
use crate::state::AppState;
use crate::templates::Page;

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
    let Some((session, _)) = pending_login(&current, state.clock.now()) else {
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
    let request = CodeRequest {
        code: form.code,
        client,
        origin,
    };
    match second_factor::log_in_with_code(&state, &current, request).await? {
        CodeOutcome::NoPendingLogin => Ok(Redirect::to(paths::LOGIN).into_response()),
        CodeOutcome::LoggedIn(issued) => Ok(redirect_with_cookie(
            paths::next_or_home(&form.next),
            session::cookie_header(&issued.cookie_value),
        )),
        CodeOutcome::Invalid(errors) => {
            let session = current.0.as_ref().ok_or(AppError::Csrf)?;
            render_code_form(&state, &session.csrf_token, &form.next, &errors)
        }
    }
}

/// The page where a factor is set up or, for an account that has one, replaced: `replace`
/// asks for the form of a new app even when the account has a factor.
async fn render_enrolment(
    state: &AppState,
    principal: &Principal,
    replace: bool,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let enrolment = second_factor::enrolment(state, principal, replace).await?;
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

pub async fn enrol_submit(
    State(state): State<AppState>,
    principal: Principal,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<EnrolForm>,
) -> Result<Response, AppError> {
    match second_factor::enrol(&state, &principal, client, form).await? {
        EnrolOutcome::Enabled => {
            Ok(Redirect::to(&paths::with_outcome(paths::PROFILE, "verifica")).into_response())
        }
        EnrolOutcome::Invalid { errors, replacing } => {
            render_enrolment(&state, &principal, replacing, &errors).await
        }
    }
}
