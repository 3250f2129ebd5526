//! `/admin/utenti`: list, create and disable users.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::auth::{links, password, token};
use crate::db;
use crate::db::audit::{self, AuditEntry};
use crate::db::users::{self, NewUser, UserRow};
use crate::domain::account_link::LinkPurpose;
use crate::domain::audit::AuditEvent;
use crate::domain::lockout::LockoutPolicy;
use crate::domain::password::NewPassword;
use crate::domain::permissions::Action;
use crate::domain::role::Role;
use crate::domain::user::{DisplayName, Email, Username};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::assignment::{check_assignment, organisation_groups, role_options};
use crate::routes::outcome::OutcomeQuery;
use crate::routes::pagination::{PageQuery, PageRequest};
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
        .call(move |conn| request.load(conn, users::count, users::page))
        .await?;
    let pages = paged.links(paths::USERS, &[]);
    let now = state.clock.now();
    let lifetime = state.settings.temporary_password_secs();
    let views: Vec<UserView> = paged
        .rows
        .into_iter()
        .map(|row| UserView {
            role_label: row.role().map_or("", Role::label),
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

/// What the admin typed, kept as text so the form can show it again next to its errors.
#[derive(Deserialize, Serialize, Default)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
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

#[derive(Serialize)]
struct Created {
    id: i64,
    username: String,
    display_name: String,
    email: String,
    /// The temporary password, when no mail can carry an activation link.
    password: Option<String>,
}

pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageUsers).await?;
    let mut errors = FormErrors::default();
    let username = errors.check("username", Username::parse(&form.username));
    let display_name = errors.check("display_name", DisplayName::parse(&form.display_name));
    let email = errors.check("email", Email::parse(&form.email));
    if let Some(username) = &username {
        let lookup = username.as_str().to_owned();
        let taken = state
            .db
            .call(move |conn| users::find_by_username(conn, &lookup))
            .await?
            .is_some();
        if taken {
            errors.add(
                "username",
                "Esiste già un utente con questo nome: scegline un altro.",
            );
        }
    }
    let assignment = check_assignment(&state, &form.role, &form.organisation, &mut errors).await?;
    let (Some(username), Some(display_name), Some(email), Some((role, organisation))) =
        (username, display_name, email, assignment)
    else {
        return render_new_form(&state, &principal, &form, &errors).await;
    };
    if !errors.is_empty() {
        return render_new_form(&state, &principal, &form, &errors).await;
    }

    // With mail, the person chooses the password through an activation link; without it, a
    // temporary password is shown once to the admin and must be changed at first login.
    let (initial, hash) = if state.mailer.is_some() {
        (None, password::UNUSABLE_HASH.to_owned())
    } else {
        let initial = token::initial_password();
        let hash = state
            .hashing
            .hash(
                NewPassword::parse(initial.clone(), username.as_str())
                    .expect("generated passwords follow the password rule"),
            )
            .await?;
        (Some(initial), hash)
    };
    let must_change_password = initial.is_some();
    let admin_id = principal.user_id;
    let detail = format!(
        "ruolo: {}, organizzazione: {}",
        role.as_str(),
        organisation.name
    );
    let now = state.clock.now();
    let inserted = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let id = users::insert(
                &tx,
                &NewUser {
                    username: &username,
                    display_name: &display_name,
                    email: &email,
                    role,
                    organisation_id: organisation.id,
                    password_hash: &hash,
                    must_change_password,
                    demo: false,
                },
                now,
            )?;
            let entry = AuditEntry::new(AuditEvent::UserCreated)
                .actor(admin_id)
                .subject(id)
                .detail(detail);
            audit::append(&tx, &entry, now)?;
            tx.commit()?;
            Ok(id)
        })
        .await;
    if let Err(db::DbError::Query(rusqlite::Error::SqliteFailure(failure, _))) = &inserted {
        // Two admins creating the same user name at once: the UNIQUE constraint decides.
        if failure.code == rusqlite::ErrorCode::ConstraintViolation {
            let mut errors = FormErrors::default();
            errors.add(
                "username",
                "Esiste già un utente con questo nome: scegline un altro.",
            );
            return render_new_form(&state, &principal, &form, &errors).await;
        }
    }
    let id = inserted?;
    let created_user = find_created(&state, id).await?;
    if let Some(mailer) = &state.mailer {
        let mail = links::issue(
            &state,
            mailer,
            &created_user,
            LinkPurpose::Activation,
            Some(admin_id),
        )
        .await?;
        mailer.send(&mail).await?;
    }
    Page::for_user(&state, &principal, "Utente creato", paths::NEW_USER)
        .with(
            "created",
            &Created {
                id,
                username: created_user.username,
                display_name: created_user.display_name,
                email: created_user.email,
                password: initial,
            },
        )
        .render(&state, "user_created.html")
        .map(IntoResponse::into_response)
}

async fn find_created(state: &AppState, id: i64) -> Result<UserRow, AppError> {
    state
        .db
        .call(move |conn| users::find_by_id(conn, id))
        .await?
        .ok_or(AppError::NotFound)
}
