//! `/argomenti`: the topics the coordination assigns to reports (the future FAQ categories)
//! and their standard answers: list, create, rename, rewrite the answer, disable.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::db::audit::{self, AuditEntry};
use crate::db::topics;
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::topic::{self, NAME_MAX_CHARS};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::outcome::OutcomeQuery;
use crate::routes::path_id::PathId;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct TopicForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    standard_answer: String,
    /// The checkbox of the edit form: present when ticked.
    #[serde(default)]
    active: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<OutcomeQuery>,
) -> Result<Html<String>, AppError> {
    principal.require(&state, Action::ManageTopics).await?;
    let rows = state.db.call(|conn| topics::list(conn)).await?;
    Page::for_user(&state, &principal, "Argomenti", paths::TOPICS)
        .with("topics", &rows)
        .outcome(query.message(&[
            ("creato", "Argomento creato."),
            ("salvato", "Argomento salvato."),
        ]))
        .render(&state, "topics.html")
}

/// The form, new (`id` None) or of an existing topic, with what was typed and its errors.
fn render_form(
    state: &AppState,
    principal: &Principal,
    id: Option<i64>,
    form: &TopicForm,
    errors: &FormErrors,
) -> Result<Response, AppError> {
    let title = if id.is_some() {
        "Modifica l'argomento"
    } else {
        "Nuovo argomento"
    };
    let html = Page::for_user(state, principal, title, paths::TOPICS)
        .with("topic_id", &id)
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
    let form = TopicForm {
        active: Some("1".to_owned()),
        ..TopicForm::default()
    };
    render_form(&state, &principal, None, &form, &FormErrors::default())
}

pub async fn edit_form(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageTopics).await?;
    let row = state
        .db
        .call(move |conn| topics::find(conn, id))
        .await?
        .ok_or(AppError::NotFound)?;
    let form = TopicForm {
        name: row.name,
        standard_answer: row.standard_answer,
        active: row.active.then(|| "1".to_owned()),
    };
    render_form(&state, &principal, Some(id), &form, &FormErrors::default())
}

/// Checks the form: the name and the answer by their rules, the name unique ignoring case.
async fn check(
    state: &AppState,
    form: &TopicForm,
    id: Option<i64>,
) -> Result<Result<(String, String), FormErrors>, AppError> {
    let mut errors = FormErrors::default();
    let name = errors.check("name", topic::parse_name(&form.name));
    let answer = errors.check(
        "standard_answer",
        topic::parse_standard_answer(&form.standard_answer),
    );
    if let Some(name) = &name {
        let lookup = name.clone();
        let taken = state
            .db
            .call(move |conn| topics::name_taken(conn, &lookup, id))
            .await?;
        if taken {
            errors.add(
                "name",
                "Esiste già un argomento con questo nome: scegline un altro o modifica quello esistente.",
            );
        }
    }
    Ok(match (name, answer) {
        (Some(name), Some(answer)) if errors.is_empty() => Ok((name, answer)),
        _ => Err(errors),
    })
}

/// The audit line of a change, written in the change's transaction.
fn saved(actor: i64, detail: String) -> AuditEntry {
    AuditEntry::new(AuditEvent::TopicSaved)
        .actor(actor)
        .detail(detail)
}

pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    CsrfForm(form): CsrfForm<TopicForm>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageTopics).await?;
    let (name, answer) = match check(&state, &form, None).await? {
        Ok(checked) => checked,
        Err(errors) => return render_form(&state, &principal, None, &form, &errors),
    };
    let actor = principal.user_id;
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let id = topics::insert(&tx, &name, &answer)?;
            let detail = format!("argomento {id} creato: {name}");
            audit::append(&tx, &saved(actor, detail), state.clock.now())?;
            tx.commit()
        })
        .await?;
    Ok(Redirect::to(&paths::with_outcome(paths::TOPICS, "creato")).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    CsrfForm(form): CsrfForm<TopicForm>,
) -> Result<Response, AppError> {
    principal.require(&state, Action::ManageTopics).await?;
    let exists = state.db.call(move |conn| topics::find(conn, id)).await?;
    let Some(before) = exists else {
        return Err(AppError::NotFound);
    };
    let (name, answer) = match check(&state, &form, Some(id)).await? {
        Ok(checked) => checked,
        Err(errors) => return render_form(&state, &principal, Some(id), &form, &errors),
    };
    let active = form.active.is_some();
    let mut changes = Vec::new();
    if before.name != name {
        changes.push(format!("rinominato da «{}» a «{name}»", before.name));
    }
    if before.active != active {
        changes.push(if active { "riattivato" } else { "disattivato" }.to_owned());
    }
    if changes.is_empty() {
        changes.push("risposta standard modificata o nessun cambiamento".to_owned());
    }
    let detail = format!("argomento {id}: {}", changes.join(", "));
    let actor = principal.user_id;
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            topics::update(&tx, id, &name, &answer, active)?;
            audit::append(&tx, &saved(actor, detail), state.clock.now())?;
            tx.commit()
        })
        .await?;
    Ok(Redirect::to(&paths::with_outcome(paths::TOPICS, "salvato")).into_response())
}
