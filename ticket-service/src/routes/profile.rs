//! `GET /profilo` and the password change at `/profilo/password`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::app::passwords::{self, PasswordChange, PasswordForm};
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::users;
use crate::domain::permissions::Action;
use crate::domain::report_fields::Choice;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::outcome::OutcomeQuery;
use crate::state::AppState;
use crate::templates::Page;

pub async fn show(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<OutcomeQuery>,
) -> Result<Html<String>, AppError> {
    principal.require(&state, Action::ManageOwnAccount).await?;
    let id = principal.user_id;
    let (account, digest) = state
        .db
        .call(move |conn| {
            Ok((
                users::find_by_id(conn, id)?,
                crate::db::notifications::mail_digest(conn, id)?,
            ))
        })
        .await?;
    let account = account.ok_or(AppError::NotFound)?;
    let mut page = Page::for_user(&state, &principal, "Profilo", paths::PROFILE)
        .with("account", &account)
        .with("role_label", &principal.role.label())
        .with("mail_options", &MAIL_OPTIONS)
        .with(
            "mail_choice",
            &if digest { "giornaliero" } else { "subito" },
        );
    page = page.outcome(query.message(&[
        (
            "password",
            "La password è stata cambiata. Le altre sessioni aperte con la tua utenza sono state chiuse.",
        ),
        ("notifiche", "La scelta sulle e-mail di notifica è stata salvata."),
        (
            "notifiche-invariate",
            "La scelta sulle e-mail di notifica era già questa: non è cambiato nulla.",
        ),
        ("verifica", "La verifica in due passaggi è attiva."),
    ]));
    page.render(&state, "profile.html")
}

/// How the notifications reach the user by mail.
const MAIL_OPTIONS: [Choice; 2] = [
    Choice {
        value: "subito",
        label: "Un'e-mail per ogni notifica, subito",
    },
    Choice {
        value: "giornaliero",
        label: "Un'unica e-mail di riepilogo al giorno",
    },
];

#[derive(Deserialize)]
pub struct MailChoiceForm {
    #[serde(default)]
    mail: String,
}

/// `POST /profilo/notifiche`: the user's choice between one mail per notification and a
/// daily digest.
pub async fn set_mail_choice(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<MailChoiceForm>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageOwnAccount).await?;
    let digest = match form.mail.as_str() {
        "subito" => false,
        "giornaliero" => true,
        _ => return Err(AppError::BadForm),
    };
    let id = principal.user_id;
    let changed = state
        .db
        .call(move |conn| crate::db::notifications::set_mail_digest(conn, id, digest))
        .await?;
    let outcome = if changed {
        "notifiche"
    } else {
        "notifiche-invariate"
    };
    Ok(Redirect::to(&paths::with_outcome(paths::PROFILE, outcome)).into_response())
}

fn render_form(
    state: &AppState,
    principal: &Principal,
    must_change: bool,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let html = Page::for_user(
        state,
        principal,
        "Cambia la password",
        paths::CHANGE_PASSWORD,
    )
    .with("must_change", &must_change)
    .errors(errors)
    .render(state, "password.html")?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, html).into_response())
}

pub async fn password_form(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageOwnAccount).await?;
    let must_change = passwords::must_change(&state, principal.user_id).await?;
    render_form(&state, &principal, must_change, &FormErrors::default())
}

pub async fn change_password(
    State(state): State<AppState>,
    principal: Principal,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, AppError> {
    match passwords::change_own(&state, &principal, client, form).await? {
        PasswordChange::Changed => {
            Ok(Redirect::to(&paths::with_outcome(paths::PROFILE, "password")).into_response())
        }
        PasswordChange::Invalid {
            errors,
            must_change,
        } => render_form(&state, &principal, must_change, &errors),
    }
}
