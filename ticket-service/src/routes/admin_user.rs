//! `/admin/utenti/{id}`: one user's page, the role change (which asks the admin's password
//! again, ASVS 3.7.1) and disabling.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::app::account_links;
use crate::app::users::{self, RoleChange, RoleForm};
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::users::UserRow;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::assignment::{organisation_groups, role_options};
use crate::routes::outcome::OutcomeQuery;
use crate::routes::path_id::PathId;
use crate::state::AppState;
use crate::templates::Page;

async fn render(
    state: &AppState,
    principal: &Principal,
    user: &UserRow,
    form: &RoleForm,
    errors: &FormErrors,
    status_message: Option<&str>,
) -> Result<Response, AppError> {
    let path = paths::user(user.id);
    let mut page = Page::for_user(state, principal, &user.username, &path)
        .with("account", user)
        .with("role_label", &user.role.label())
        .with("is_self", &(user.id == principal.user_id))
        .with("mail_available", &state.mailer.is_some())
        .with("form", form)
        .with("roles", &role_options())
        .with("organisation_groups", &organisation_groups(state).await?)
        .errors(errors);
    if let Some(message) = status_message {
        page = page.status_message(message);
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, page.render(state, "user.html")?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    Query(query): Query<OutcomeQuery>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageUsers).await?;
    let user = users::find(&state.db, id).await?;
    let message = query.message(&[
        (
            "ruolo",
            "Il ruolo è stato cambiato e le sessioni dell'utente sono state chiuse.",
        ),
        (
            "collegamento",
            "Il collegamento è stato inviato all'indirizzo dell'utente.",
        ),
    ]);
    let (form, no_errors) = (RoleForm::from(&user), FormErrors::default());
    render(&state, &principal, &user, &form, &no_errors, message).await
}

pub async fn change_role(
    State(state): State<AppState>,
    principal: Principal,
    ClientIp(client): ClientIp,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Response, AppError> {
    match users::change_role(&state, &principal, client, id, &form).await? {
        RoleChange::Changed => {
            Ok(Redirect::to(&paths::with_outcome(&paths::user(id), "ruolo")).into_response())
        }
        RoleChange::Unchanged => Ok(Redirect::to(&paths::user(id)).into_response()),
        RoleChange::Invalid { errors, user } => {
            render(&state, &principal, &user, &form, &errors, None).await
        }
    }
}

/// The disable button carries only the CSRF token.
#[derive(Deserialize)]
pub struct EmptyForm {}

pub async fn disable(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    users::disable(&state, &principal, id).await?;
    Ok(Redirect::to(&paths::with_outcome(paths::USERS, "disattivato")).into_response())
}

/// Mails the user a link to choose a password: an activation link while the account has never
/// had a password, a reset link afterwards.
pub async fn send_link(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, AppError> {
    account_links::send_to_user(&state, &principal, id).await?;
    Ok(Redirect::to(&paths::with_outcome(&paths::user(id), "collegamento")).into_response())
}
