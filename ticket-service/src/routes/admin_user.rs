//! `/admin/utenti/{id}`: one user's page, the role change (which asks the admin's password
//! again, ASVS 3.7.1) and disabling.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::app::account_links;
use crate::auth::attempts::{self, Verdict};
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::audit::{self, AuditEntry};
use crate::db::sessions;
use crate::db::users::{self, UserRow};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::assignment::{check_assignment, organisation_groups, role_options};
use crate::routes::outcome::OutcomeQuery;
use crate::routes::path_id::PathId;
use crate::state::AppState;
use crate::templates::Page;

async fn find_user(state: &AppState, id: i64) -> Result<UserRow, AppError> {
    state
        .db
        .call(move |conn| users::find_by_id(conn, id))
        .await?
        .ok_or(AppError::NotFound)
}

/// The role change form as typed; the password is never shown again.
#[derive(Deserialize, Serialize, Default)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
    #[serde(default, skip_serializing)]
    admin_password: String,
}

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
        .with("role_label", &user.role().map_or("", Role::label))
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
    let user = find_user(&state, id).await?;
    let form = RoleForm {
        role: user.role.clone(),
        organisation: user.organisation_id.to_string(),
        admin_password: String::new(),
    };
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
    render(
        &state,
        &principal,
        &user,
        &form,
        &FormErrors::default(),
        message,
    )
    .await
}

pub async fn change_role(
    State(state): State<AppState>,
    principal: Principal,
    ClientIp(client): ClientIp,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageUsers).await?;
    let user = find_user(&state, id).await?;
    if user.id == principal.user_id {
        return Err(AppError::Refused(
            "Non puoi cambiare il tuo stesso ruolo: chiedi a un altro amministratore.",
        ));
    }
    let mut errors = FormErrors::default();
    let assignment = check_assignment(&state, &form.role, &form.organisation, &mut errors).await?;
    if form.admin_password.is_empty() {
        errors.add(
            "admin_password",
            "Scrivi la tua password per confermare il cambio di ruolo.",
        );
    } else {
        // The admin's password gets the limits of the login: a stolen session cannot guess it.
        let verdict = attempts::confirm_identity(
            &state,
            principal.user_id,
            client,
            form.admin_password.clone(),
            None,
            "conferma di un cambio di ruolo",
        )
        .await?;
        match verdict {
            Verdict::Accepted => {}
            Verdict::Locked { .. } => errors.add(
                "admin_password",
                "La tua utenza è sospesa per troppi tentativi sbagliati: riprova tra qualche minuto.",
            ),
            Verdict::Refused { .. } | Verdict::CodeReused { .. } => errors.add(
                "admin_password",
                "La password non è corretta: scrivi la password con cui sei entrato.",
            ),
        }
    }
    let Some((role, organisation)) = assignment.filter(|_| errors.is_empty()) else {
        return render(&state, &principal, &user, &form, &errors, None).await;
    };
    if user.role == role.as_str() && user.organisation_id == organisation.id {
        return Ok(Redirect::to(&paths::user(user.id)).into_response());
    }
    let entry = AuditEntry::new(AuditEvent::RoleChanged)
        .actor(principal.user_id)
        .subject(user.id)
        .detail(format!(
            "da {} ({}) a {} ({})",
            user.role,
            user.organisation_name,
            role.as_str(),
            organisation.name
        ));
    let target = user.id;
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            users::set_role(&tx, target, role, organisation.id)?;
            // What the user may see has changed: they start again from a fresh login.
            sessions::delete_for_user(&tx, target, None)?;
            audit::append(&tx, &entry, state.clock.now())?;
            tx.commit()
        })
        .await?;
    Ok(Redirect::to(&paths::with_outcome(&paths::user(target), "ruolo")).into_response())
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
    principal.require(&state, Action::ManageUsers).await?;
    if id == principal.user_id {
        return Err(AppError::Refused(
            "Non puoi disattivare la tua stessa utenza: chiedi a un altro amministratore.",
        ));
    }
    let admin_id = principal.user_id;
    let found = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let Some(user) = users::find_by_id(&tx, id)? else {
                return Ok(false);
            };
            if user.active {
                users::set_active(&tx, id, false)?;
                sessions::delete_for_user(&tx, id, None)?;
                let entry = AuditEntry::new(AuditEvent::UserDisabled)
                    .actor(admin_id)
                    .subject(id);
                audit::append(&tx, &entry, state.clock.now())?;
            }
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
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
