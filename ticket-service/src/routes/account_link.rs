//! `/attiva/{token}` and `/reimposta/{token}`: choosing a password through a one-time link.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::links::looks_like_token;
use crate::auth::session::{self, CurrentSession};
use crate::auth::token;
use crate::db::audit::{self, AuditEntry};
use crate::db::users::{self, UserRow};
use crate::db::{account_links, sessions};
use crate::domain::account_link::LinkPurpose;
use crate::domain::audit::AuditEvent;
use crate::domain::password::{AccountWords, NewPassword};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::mail::texts;
use crate::paths;
use crate::state::AppState;
use crate::templates::Page;

fn title(purpose: LinkPurpose) -> &'static str {
    match purpose {
        LinkPurpose::Activation => "Attiva l'utenza",
        LinkPurpose::Reset => "Reimposta la password",
    }
}

/// The active user a usable link belongs to.
async fn user_of_link(
    state: &AppState,
    purpose: LinkPurpose,
    raw: &str,
) -> Result<(Vec<u8>, UserRow), AppError> {
    if !looks_like_token(raw) {
        return Err(AppError::LinkNotUsable);
    }
    let hash = token::digest(raw);
    let lookup = hash.clone();
    let now = state.clock.now();
    let user = state
        .db
        .call(
            move |conn| match account_links::find_usable(conn, purpose, &lookup, now)? {
                Some(user_id) => users::find_by_id(conn, user_id),
                None => Ok(None),
            },
        )
        .await?
        .filter(|user| user.active)
        .ok_or(AppError::LinkNotUsable)?;
    Ok((hash, user))
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
    let errors = FormErrors::default();
    match current.0 {
        Some(session) => render(&state, purpose, &session.csrf_token, &raw, &user, &errors),
        None => {
            if !state.login_form_limiter.try_attempt(client) {
                return Err(AppError::TooManyRequests);
            }
            let issued = session::start_anonymous(&state).await?;
            let mut response = render(&state, purpose, &issued.csrf_token, &raw, &user, &errors)?;
            response
                .headers_mut()
                .insert(SET_COOKIE, session::cookie_header(&issued.cookie_value));
            Ok(response)
        }
    }
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

#[derive(Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn submit(
    state: AppState,
    current: CurrentSession,
    purpose: LinkPurpose,
    raw: String,
    form: SetPasswordForm,
) -> Result<Response, AppError> {
    let (hash, user) = user_of_link(&state, purpose, &raw).await?;
    let csrf = current
        .0
        .map(|session| session.csrf_token)
        .ok_or(AppError::Csrf)?;
    let mut errors = FormErrors::default();
    let words = AccountWords::new(&user.username, &user.display_name, &user.email);
    let new_password = errors.check(
        "new_password",
        NewPassword::parse_for(form.new_password.clone(), words),
    );
    if form.confirm_password != form.new_password {
        errors.add(
            "confirm_password",
            "Le due password non coincidono: riscrivi la nuova password in entrambi i campi.",
        );
    }
    let new_password = match new_password {
        Some(password) if errors.is_empty() => password,
        _ => return render(&state, purpose, &csrf, &raw, &user, &errors),
    };
    let password_hash = state.hashing.hash(new_password).await?;
    let user_id = user.id;
    let entry = AuditEntry::new(AuditEvent::PasswordChanged)
        .actor(user_id)
        .subject(user_id)
        .detail(match purpose {
            LinkPurpose::Activation => "con il collegamento di attivazione",
            LinkPurpose::Reset => "con il collegamento di reimpostazione",
        });
    let now = state.clock.now();
    let consumed = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            // Consuming inside the same transaction makes the link single-use even when two
            // submissions race.
            if !account_links::consume(&tx, &hash, now)? {
                return Ok(false);
            }
            users::set_password(&tx, user_id, &password_hash, false, now)?;
            sessions::delete_for_user(&tx, user_id, None)?;
            audit::append(&tx, &entry, now)?;
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if !consumed {
        return Err(AppError::LinkNotUsable);
    }
    if purpose == LinkPurpose::Reset
        && let Some(mailer) = &state.mailer
    {
        mailer.send_in_background(texts::password_changed(
            &user.email,
            &user.display_name,
            &user.username,
        ));
    }
    Ok(Redirect::to(&paths::with_outcome(paths::LOGIN, "password")).into_response())
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
