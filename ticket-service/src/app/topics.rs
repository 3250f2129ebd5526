//! The topics the coordination assigns to reports (the future FAQ categories) and their
//! standard answers: creating, renaming, rewriting the answer, disabling.

use serde::{Deserialize, Serialize};

use crate::auth::principal::Principal;
use crate::db::Db;
use crate::db::audit::{self, AuditEntry};
use crate::db::topics::{self, TopicRow};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::topic;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::state::AppState;

/// The topic `id`, or 404.
pub async fn find(db: &Db, id: i64) -> Result<TopicRow, AppError> {
    db.call(move |conn| topics::find(conn, id))
        .await?
        .ok_or(AppError::NotFound)
}

/// The topic form as typed.
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

impl TopicForm {
    /// The form of a new topic: empty, active.
    pub fn blank() -> Self {
        TopicForm {
            active: Some("1".to_owned()),
            ..TopicForm::default()
        }
    }
}

impl From<TopicRow> for TopicForm {
    fn from(row: TopicRow) -> Self {
        TopicForm {
            name: row.name,
            standard_answer: row.standard_answer,
            active: row.active.then(|| "1".to_owned()),
        }
    }
}

pub enum TopicChange {
    Saved,
    /// The form again, with what is wrong.
    Invalid(FormErrors),
}

/// Checks the form: the name and the answer by their rules, the name unique ignoring case
/// (`id` is the topic being edited, which may keep its own).
async fn check(
    db: &Db,
    form: &TopicForm,
    id: Option<i64>,
) -> Result<Result<(String, String), FormErrors>, AppError> {
    check_named(db, &form.name, form, id).await
}

/// [`check`] with the name given apart: an imported topic keeps the name of its section.
async fn check_named(
    db: &Db,
    name: &str,
    form: &TopicForm,
    id: Option<i64>,
) -> Result<Result<(String, String), FormErrors>, AppError> {
    let mut errors = FormErrors::default();
    let name = errors.check("name", topic::parse_name(name));
    let answer = errors.check(
        "standard_answer",
        topic::parse_standard_answer(&form.standard_answer),
    );
    if let Some(lookup) = name.clone() {
        let taken = db
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
    state: &AppState,
    principal: &Principal,
    form: &TopicForm,
) -> Result<TopicChange, AppError> {
    principal.require(state, Action::ManageTopics).await?;
    let (name, answer) = match check(&state.db, form, None).await? {
        Ok(checked) => checked,
        Err(errors) => return Ok(TopicChange::Invalid(errors)),
    };
    let actor = principal.user_id;
    let now = state.clock.now();
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let id = topics::insert(&tx, &name, &answer)?;
            let detail = format!("argomento {id} creato: {name}");
            audit::append(&tx, &saved(actor, detail), now)?;
            tx.commit()
        })
        .await?;
    Ok(TopicChange::Saved)
}

pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: i64,
    form: &TopicForm,
) -> Result<TopicChange, AppError> {
    principal.require(state, Action::ManageTopics).await?;
    let before = find(&state.db, id).await?;
    // A topic of the portal's FAQ sections is named, and retired, in the portal: its form
    // has neither field, and a name or a tick sent all the same is ignored.
    let name = if before.imported {
        before.name.clone()
    } else {
        form.name.clone()
    };
    let (name, answer) = match check_named(&state.db, &name, form, Some(id)).await? {
        Ok(checked) => checked,
        Err(errors) => return Ok(TopicChange::Invalid(errors)),
    };
    let active = if before.imported {
        before.active
    } else {
        form.active.is_some()
    };
    let detail = format!("argomento {id}: {}", changes(&before, &name, active));
    let actor = principal.user_id;
    let now = state.clock.now();
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            topics::update(&tx, id, &name, &answer, active)?;
            audit::append(&tx, &saved(actor, detail), now)?;
            tx.commit()
        })
        .await?;
    // A new name is in the text of every report of the topic.
    crate::app::reports::search::update_index(state).await;
    Ok(TopicChange::Saved)
}

/// What an edit changes, as the audit log reads it.
fn changes(before: &TopicRow, name: &str, active: bool) -> String {
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
    changes.join(", ")
}
