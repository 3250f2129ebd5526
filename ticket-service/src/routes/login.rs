//! `GET/POST /login` and `POST /logout`.

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::app::form_session;
use crate::app::login::{LoginOutcome, LoginRequest, log_in, log_out};
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::auth::session::{self, CurrentSession, IssuedSession, SessionOrigin};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::state::AppState;
use crate::templates::Page;

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

/// `response` with the cookie of the session started for its form, if one was.
pub fn with_started_session(mut response: Response, started: Option<&IssuedSession>) -> Response {
    if let Some(issued) = started {
        response
            .headers_mut()
            .insert(SET_COOKIE, session::cookie_header(&issued.cookie_value));
    }
    response
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
    if current
        .0
        .as_ref()
        .is_some_and(|session| session.user.is_some())
    {
        return Ok(Redirect::to(paths::next_or_home(&query.next)).into_response());
    }
    let status = match query.outcome.as_deref() {
        Some("uscita") => Some("Sei uscito dall'area riservata."),
        Some("password") => Some("La password è stata salvata: ora puoi accedere."),
        _ => None,
    };
    // The login form needs a CSRF token, so it needs a session: an anonymous one, replaced by
    // a new id once the login succeeds.
    let session = form_session::for_form(&state, client, current.0.as_ref()).await?;
    let no_errors = FormErrors::default();
    let page = render_form(
        &state,
        &session.csrf_token,
        "",
        &query.next,
        &no_errors,
        status,
    )?;
    Ok(with_started_session(page, session.started.as_ref()))
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    origin: SessionOrigin,
    Extension(current): Extension<CurrentSession>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    // CsrfForm only succeeds with a session, so this is the anonymous session of the form.
    let Some(form_session) = current.0 else {
        return Err(AppError::Csrf);
    };
    let request = LoginRequest {
        username: form.username.clone(),
        password: form.password,
        client,
        origin,
        form_session: form_session.id_hash,
    };
    let next = paths::next_or_home(&form.next);
    match log_in(&state, request).await? {
        LoginOutcome::Invalid(errors) => {
            let csrf = &form_session.csrf_token;
            render_form(&state, csrf, &form.username, &form.next, &errors, None)
        }
        LoginOutcome::CodeDue(issued) => Ok(redirect_with_cookie(
            &paths::with_next(paths::LOGIN_CODE, next),
            session::cookie_header(&issued.cookie_value),
        )),
        LoginOutcome::LoggedIn(issued) => Ok(redirect_with_cookie(
            next,
            session::cookie_header(&issued.cookie_value),
        )),
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
    log_out(&state, &principal, client).await?;
    Ok(redirect_with_cookie(
        &paths::with_outcome(paths::LOGIN, "uscita"),
        session::clear_cookie_header(),
    ))
}
