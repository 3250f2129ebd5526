//! `/admin/utenti`: list, create and disable users.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;

use crate::app::users::{self, NewUserForm, UserCreation};
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::users::{self as db_users, UserRow};
use crate::domain::lockout::LockoutPolicy;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::pagination::{PageQuery, PageRequest};
use crate::paths;
use crate::routes::assignment::{organisation_groups, role_options};
use crate::routes::outcome::OutcomeQuery;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Serialize)]
struct UserView {
    #[serde(flatten)]
    row: UserRow,
    role_label: &'static str,
    locked: bool,
    temporary_password_expired: bool,
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<OutcomeQuery>,
    Query(page): Query<PageQuery>,
) -> Result<Html<String>, AppError> {
    principal.require(&state, Action::ManageUsers).await?;
    let request = PageRequest::new(&page, state.settings.page_size);
    let paged = state
        .db
        .read(move |conn| request.load(conn, db_users::count, db_users::page))
        .await?;
    let pages = paged.links(paths::USERS, &[]);
    let now = state.clock.now();
    let lifetime = state.settings.temporary_password_secs();
    let views: Vec<UserView> = paged
        .rows
        .into_iter()
        .map(|row| UserView {
            role_label: row.role.label(),
            locked: LockoutPolicy::is_locked(row.locked_until, now),
            temporary_password_expired: row.temporary_password_expired(lifetime, now),
            row,
        })
        .collect();
    Page::for_user(&state, &principal, "Utenti", paths::USERS)
        .with("users", &views)
        .with("pages", &pages)
        .with("current_user_id", &principal.user_id)
        .outcome(query.message(&[(
            "disattivato",
            "L'utente è stato disattivato e le sue sessioni sono state chiuse.",
        )]))
        .render(&state, "users.html")
}

async fn render_new_form(
    state: &AppState,
    principal: &Principal,
    form: &NewUserForm,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let groups = organisation_groups(state).await?;
    let roles = role_options();
    let html = Page::for_user(state, principal, "Nuovo utente", paths::NEW_USER)
        .with("form", form)
        .with("roles", &roles)
        .with("organisation_groups", &groups)
        .errors(errors)
        .render(state, "user_new.html")?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, html).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageUsers).await?;
    render_new_form(
        &state,
        &principal,
        &NewUserForm::default(),
        &FormErrors::default(),
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Result<Response, AppError> {
    match users::create(&state, &principal, &form).await? {
        UserCreation::Created(created) => {
            Page::for_user(&state, &principal, "Utente creato", paths::NEW_USER)
                .with("created", &created)
                .render(&state, "user_created.html")
                .map(IntoResponse::into_response)
        }
        UserCreation::Invalid(errors) => render_new_form(&state, &principal, &form, &errors).await,
    }
}
