//! `GET /profilo` and the password change at `/profilo/password`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::auth::attempts::{self, Verdict};
use crate::auth::client_ip::ClientIp;
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::audit::{self, AuditEntry};
use crate::db::{sessions, users};
use crate::domain::audit::AuditEvent;
use crate::domain::password::{AccountWords, NewPassword};
use crate::domain::permissions::Action;
use crate::domain::report_fields::Choice;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::mail::texts;
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

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

/// What to tell a logged-in user whose current password was not accepted, if it was not.
fn refusal(verdict: Verdict) -> Option<&'static str> {
    match verdict {
        Verdict::Accepted => None,
        Verdict::Locked { .. } => {
            Some("L'utenza è sospesa per troppi tentativi sbagliati: riprova tra qualche minuto.")
        }
        Verdict::Refused { .. } | Verdict::CodeReused { .. } => {
            Some("La password attuale non è corretta: riscrivila.")
        }
    }
}

async fn must_change(state: &AppState, user_id: i64) -> Result<bool, AppError> {
    Ok(state
        .db
        .call(move |conn| users::find_by_id(conn, user_id))
        .await?
        .is_some_and(|user| user.must_change_password))
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
    let must_change = must_change(&state, principal.user_id).await?;
    render_form(&state, &principal, must_change, &FormErrors::default())
}

pub async fn change_password(
    State(state): State<AppState>,
    principal: Principal,
    ClientIp(client): ClientIp,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageOwnAccount).await?;
    let id = principal.user_id;
    let account = state
        .db
        .call(move |conn| users::find_by_id(conn, id))
        .await?
        .ok_or(AppError::NotFound)?;

    let mut errors = FormErrors::default();
    if form.current_password.is_empty() {
        errors.add("current_password", "Scrivi la password attuale.");
    } else {
        // Guessing the current password here is guessing it at the login: the same limits.
        let verdict = attempts::confirm_identity(
            &state,
            id,
            client,
            form.current_password.clone(),
            None,
            "cambio della password",
        )
        .await?;
        if let Some(message) = refusal(verdict) {
            errors.add("current_password", message);
        }
    }
    let words = AccountWords::new(&account.username, &account.display_name, &account.email);
    let new_password = errors.check(
        "new_password",
        NewPassword::parse_for(form.new_password.clone(), words),
    );
    if new_password.is_some() && form.new_password == form.current_password {
        errors.add(
            "new_password",
            "La nuova password deve essere diversa da quella attuale.",
        );
    }
    if form.confirm_password != form.new_password {
        errors.add(
            "confirm_password",
            "Le due password non coincidono: riscrivi la nuova password in entrambi i campi.",
        );
    }
    let new_password = match new_password {
        Some(password) if errors.is_empty() => password,
        _ => return render_form(&state, &principal, account.must_change_password, &errors),
    };

    let hash = state.hashing.hash(new_password).await?;
    let keep = principal.session_id_hash.clone();
    let entry = AuditEntry::new(AuditEvent::PasswordChanged)
        .actor(id)
        .subject(id);
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let now = state.clock.now();
            users::set_password(&tx, id, &hash, false, now)?;
            // ASVS 3.3.3: a changed password ends every other session of the account.
            sessions::delete_for_user(&tx, id, Some(&keep))?;
            audit::append(&tx, &entry, now)?;
            tx.commit()
        })
        .await?;
    if let Some(mailer) = &state.mailer {
        mailer.send_in_background(texts::password_changed(
            &account.email,
            &account.display_name,
            &account.username,
        ));
    }
    Ok(Redirect::to(&paths::with_outcome(paths::PROFILE, "password")).into_response())
}
