//! `/argomenti`: the topics the coordination assigns to reports (the future FAQ categories)
//! and their standard answers: list, create, rename, rewrite the answer, disable.

use crate::app::topics::{self, TopicChange, TopicForm};
use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::topics as db_topics;
use crate::domain::permissions::Action;
use crate::domain::topic::NAME_MAX_CHARS;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::outcome::OutcomeQuery;
use crate::routes::path_id::PathId;
use crate::state::AppState;
use crate::templates::Page;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<OutcomeQuery>,
) -> Result<Html<String>, AppError> {
    principal.require(&state, Action::ManageTopics).await?;
    let rows = state.db.call(|conn| db_topics::list(conn)).await?;
    Page::for_user(&state, &principal, "Argomenti", paths::TOPICS)
        .with("topics", &rows)
        .outcome(query.message(&[
            ("creato", "Argomento creato."),
            ("salvato", "Argomento salvato."),
        ]))
        .render(&state, "topics.html")
}

/// The form, new (`id` None) or of an existing topic, with what was typed and its errors. A
/// topic of the portal's FAQ sections shows its section instead of the name and the tick.
async fn render_form(
    state: &AppState,
    principal: &Principal,
    id: Option<i64>,
    form: &TopicForm,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let section = match id {
        Some(id) => topics::find(&state.db, id).await?.imported_section(),
        None => None,
    };
    let title = if id.is_some() {
        "Modifica l'argomento"
    } else {
        "Nuovo argomento"
    };
    let html = Page::for_user(state, principal, title, paths::TOPICS)
        .with("topic_id", &id)
        .with("section", &section)
        .with("form", form)
        .with(
            "name_hint",
            &format!(
                "Al massimo {NAME_MAX_CHARS} caratteri, su una riga; diventa il titolo della sezione delle FAQ."
            ),
        )
        .errors(errors)
        .render(state, "topic_form.html")?;
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
    principal.require(&state, Action::ManageTopics).await?;
    let form = TopicForm::blank();
    render_form(&state, &principal, None, &form, &FormErrors::default()).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageTopics).await?;
    let form = TopicForm::from(topics::find(&state.db, id).await?);
    render_form(&state, &principal, Some(id), &form, &FormErrors::default()).await
}

pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<TopicForm>,
) -> Result<Response, AppError> {
    match topics::create(&state, &principal, &form).await? {
        TopicChange::Saved => {
            Ok(Redirect::to(&paths::with_outcome(paths::TOPICS, "creato")).into_response())
        }
        TopicChange::Invalid(errors) => render_form(&state, &principal, None, &form, &errors).await,
    }
}

pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<TopicForm>,
) -> Result<Response, AppError> {
    match topics::update(&state, &principal, id, &form).await? {
        TopicChange::Saved => {
            Ok(Redirect::to(&paths::with_outcome(paths::TOPICS, "salvato")).into_response())
        }
        TopicChange::Invalid(errors) => {
            render_form(&state, &principal, Some(id), &form, &errors).await
        }
    }
}
