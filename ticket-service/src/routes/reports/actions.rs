//! `POST /segnalazioni/{id}/azione`, `/nota` and `/argomento`: the changes made from the
//! detail page. The use cases are in `app::reports::actions`; a form with a mistake shows the
//! page again with what was typed.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::app::reports::actions::{self, ActionRequest, NOTE_FIELD, Outcome};
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::path_id::PathId;
use crate::routes::reports::detail::{self, ActionTyped, Shown};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ActionFormData {
    #[serde(default)]
    action: String,
    /// The state the page showed; the change applies only from there.
    #[serde(default)]
    from: String,
    #[serde(default)]
    text: String,
}

pub async fn apply(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<ActionFormData>,
) -> Result<Response, AppError> {
    let request = ActionRequest {
        action: &form.action,
        shown_state: &form.from,
        text: &form.text,
    };
    match actions::apply(&state, &principal, id, request).await? {
        Outcome::Done => Ok(back_to_report(id, "fatto")),
        Outcome::Invalid(errors) => {
            let typed = ActionTyped {
                action: form.action,
                text: form.text,
            };
            show_again(&state, &principal, id, &errors, &typed).await
        }
    }
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    nota: String,
}

pub async fn add_note(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<Response, AppError> {
    match actions::add_note(&state, &principal, id, &form.nota).await? {
        Outcome::Done => Ok(back_to_report(id, "nota")),
        Outcome::Invalid(errors) => {
            let typed = ActionTyped {
                action: NOTE_FIELD.to_owned(),
                text: form.nota,
            };
            show_again(&state, &principal, id, &errors, &typed).await
        }
    }
}

#[derive(Deserialize)]
pub struct TopicForm {
    #[serde(default)]
    topic: String,
}

pub async fn set_topic(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<TopicForm>,
) -> Result<Response, AppError> {
    actions::set_topic(&state, &principal, id, &form.topic).await?;
    Ok(back_to_report(id, "argomento"))
}

fn back_to_report(id: i64, outcome: &str) -> Response {
    Redirect::to(&paths::with_outcome(&paths::report(id), outcome)).into_response()
}

/// The report's page again, answering 422, with the form's errors and what was typed.
async fn show_again(
    state: &AppState,
    principal: &Principal,
    id: i64,
    errors: &FormErrors,
    typed: &ActionTyped,
) -> Result<Response, AppError> {
    let shown = Shown {
        outcome: None,
        standard_answer: false,
        errors,
        typed,
    };
    detail::render(state, principal, id, shown).await
}
