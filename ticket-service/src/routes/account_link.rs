//! `/attiva/{token}` and `/reimposta/{token}`: choosing a password through a one-time link.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};

use crate::app::account_links::user_of_link;
use crate::app::form_session;
use crate::app::passwords::{self, LinkPassword, SetPasswordForm};
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::session::CurrentSession;
use crate::db::users::UserRow;
use crate::domain::account_link::LinkPurpose;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::login::with_started_session;
use crate::state::AppState;
use crate::templates::Page;

fn title(purpose: LinkPurpose) -> &'static str {
    match purpose {
        LinkPurpose::Activation => "Attiva l'utenza",
        LinkPurpose::Reset => "Reimposta la password",
    }
}

fn render(
    state: &AppState,
    purpose: LinkPurpose,
    csrf: &str,
    raw: &str,
    user: &UserRow,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let html = Page::anonymous(state, title(purpose), Some(csrf))
        .with("action", &format!("{}{raw}", paths::link_prefix(purpose)))
        .with("username", &user.username)
        .with("activation", &(purpose == LinkPurpose::Activation))
        .errors(errors)
        .render(state, "set_password.html")?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, html).into_response())
}

async fn show(
    state: AppState,
    client: std::net::IpAddr,
    current: CurrentSession,
    purpose: LinkPurpose,
    raw: String,
) -> Result<Response, AppError> {
    let (_, user) = user_of_link(&state, purpose, &raw).await?;
    let session = form_session::for_form(&state, client, current.0.as_ref()).await?;
    let no_errors = FormErrors::default();
    let page = render(
        &state,
        purpose,
        &session.csrf_token,
        &raw,
        &user,
        &no_errors,
    )?;
    Ok(with_started_session(page, session.started.as_ref()))
}

pub async fn show_activation(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Extension(current): Extension<CurrentSession>,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    show(state, client, current, LinkPurpose::Activation, raw).await
}

pub async fn show_reset(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    Extension(current): Extension<CurrentSession>,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    show(state, client, current, LinkPurpose::Reset, raw).await
}

async fn submit(
    state: AppState,
    current: CurrentSession,
    purpose: LinkPurpose,
    raw: String,
    form: SetPasswordForm,
) -> Result<Response, AppError> {
    match passwords::set_with_link(&state, purpose, &raw, form).await? {
        LinkPassword::Set => {
            Ok(Redirect::to(&paths::with_outcome(paths::LOGIN, "password")).into_response())
        }
        LinkPassword::Invalid { errors, user } => {
            let session = current.0.ok_or(AppError::Csrf)?;
            render(&state, purpose, &session.csrf_token, &raw, &user, &errors)
        }
    }
}

pub async fn submit_activation(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentSession>,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<SetPasswordForm>,
) -> Result<Response, AppError> {
    submit(state, current, LinkPurpose::Activation, raw, form).await
}

pub async fn submit_reset(
    State(state): State<AppState>,
    Extension(current): Extension<CurrentSession>,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<SetPasswordForm>,
) -> Result<Response, AppError> {
    submit(state, current, LinkPurpose::Reset, raw, form).await
}
