//! `GET /segnalazioni/{id}`: one report with its answers, attachments, timeline and the forms of
//! the actions the transition table allows the principal. Internal notes are loaded only for
//! roles the permission table lets read them, so no other page can carry them by mistake.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::app::reports::actions::text_field_of;
use crate::app::reports::{audit, load, scope_of};
use crate::auth::principal::Principal;
use crate::clock::local_time;
use crate::db::attachments::AttachmentRow;
use crate::db::timeline::{AnswerStages, TextRow};
use crate::db::topics;
use crate::domain::attachment::readable_size;
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::report::{self as workflow, ReportAction};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::paths;
use crate::routes::path_id::PathId;
use crate::routes::reports::ReportView;
use crate::state::AppState;
use crate::templates::Page;

#[derive(Deserialize)]
pub struct DetailQuery {
    #[serde(default)]
    #[serde(rename = "esito")]
    outcome: Option<String>,
    /// Asks to start the answer from the standard answer of the report's topic.
    #[serde(default)]
    risposta_standard: Option<String>,
}

#[derive(Serialize)]
struct EventView {
    when: String,
    who: String,
    label: String,
    comment: String,
}

#[derive(Serialize)]
struct TextView {
    when: String,
    who: String,
    body: String,
    published: bool,
}

impl From<TextRow> for TextView {
    fn from(row: TextRow) -> Self {
        TextView {
            when: local_time(row.at),
            who: row.user_name,
            published: row.stage == "pubblicata",
            body: row.body,
        }
    }
}

/// The form of one action of the transition table.
#[derive(Serialize)]
struct ActionForm {
    action: &'static str,
    label: &'static str,
    /// The id of its text field.
    field: &'static str,
    needs_comment: bool,
    needs_answer: bool,
    text_label: &'static str,
    /// What the text field shows: what was typed before an error, or the answer's draft.
    text: String,
}

/// A choice of a `<select>` built from the database.
#[derive(Serialize)]
struct OptionView {
    value: String,
    label: String,
}

#[derive(Serialize)]
struct AttachmentView {
    #[serde(flatten)]
    row: AttachmentRow,
    size_kb: i64,
}

/// How a timeline entry reads.
fn event_label(action: &str) -> String {
    match action {
        "inviata" => "Segnalazione inviata".to_owned(),
        "argomento" => "Argomento assegnato".to_owned(),
        "allegato" => "Allegato aggiunto".to_owned(),
        other => other
            .parse::<ReportAction>()
            .map_or_else(|_| other.to_owned(), |a| a.done_label().to_owned()),
    }
}

fn status_message(outcome: Option<&str>) -> Option<&'static str> {
    Some(match outcome? {
        "inviata" => "Segnalazione inviata. Puoi aggiungere gli allegati qui sotto.",
        "fatto" => "Operazione registrata.",
        "nota" => "Nota interna aggiunta.",
        "argomento" => "Argomento assegnato.",
        "allegato" => "Allegato aggiunto.",
        _ => return None,
    })
}

pub async fn show(
    State(state): State<AppState>,
    principal: Principal,
    PathId(id): PathId,
    Query(query): Query<DetailQuery>,
) -> Result<Response, AppError> {
    let shown = Shown {
        outcome: query.outcome.as_deref(),
        standard_answer: query.risposta_standard.is_some(),
        errors: &FormErrors::default(),
        typed: &ActionTyped::default(),
    };
    render(&state, &principal, id, shown).await
}

/// What the action form sent back with its errors: which action, and the text typed.
#[derive(Debug, Default, Serialize)]
pub struct ActionTyped {
    pub action: String,
    pub text: String,
}

/// How the page is shown besides the report itself.
pub struct Shown<'a> {
    pub outcome: Option<&'a str>,
    pub standard_answer: bool,
    pub errors: &'a FormErrors,
    pub typed: &'a ActionTyped,
}

/// The detail page; with errors it answers 422 and keeps what was typed.
pub async fn render(
    state: &AppState,
    principal: &Principal,
    id: i64,
    shown: Shown<'_>,
) -> Result<Response, AppError> {
    let scope = scope_of(state, principal).await?;
    let report = load(state, scope, id).await?;
    audit(
        state,
        principal,
        AuditEvent::ReportOpened,
        report.protocol.clone(),
    )
    .await?;
    let internal = principal.can(Action::HandleInternalNotes);
    let stages = if internal {
        AnswerStages::All
    } else {
        AnswerStages::Published
    };
    let user_id = principal.user_id;
    let now = state.clock.now();
    let (events, answers, notes, attachments, topics, received) = state
        .db
        .call(move |conn| {
            crate::db::notifications::mark_read(conn, user_id, id, now)?;
            let notes = if internal {
                crate::db::timeline::notes(conn, id)?
            } else {
                Vec::new()
            };
            Ok((
                crate::db::timeline::events(conn, id)?,
                crate::db::timeline::answers(conn, id, stages)?,
                notes,
                crate::db::attachments::attachments(conn, id)?,
                topics::list(conn)?,
                crate::db::timeline::latest_answer(conn, id, "ricevuta")?,
            ))
        })
        .await?;
    let state_now = report.state;
    // The publishing form starts from the standard answer when asked, otherwise from what
    // the liaison recorded.
    let topic_answer = report.topic_id.and_then(|topic| {
        topics
            .iter()
            .find(|t| t.id == topic)
            .map(|t| t.standard_answer.clone())
            .filter(|text| !text.is_empty())
    });
    let draft = if shown.standard_answer {
        topic_answer.clone().or(received)
    } else {
        received
    };
    let draft = draft.unwrap_or_default();
    let typed = shown.typed;
    let actions: Vec<ActionForm> = workflow::available_actions(state_now, principal.role)
        .into_iter()
        .filter(|action| !action.is_batch_action())
        .map(|action| ActionForm {
            action: action.as_str(),
            label: action.label(),
            field: text_field_of(action),
            needs_comment: action.needs_comment(),
            needs_answer: action.needs_answer(),
            text_label: if action.needs_comment() {
                "Motivo"
            } else {
                "Testo della risposta"
            },
            text: if typed.action == action.as_str() {
                typed.text.clone()
            } else if action.needs_answer() {
                draft.clone()
            } else {
                String::new()
            },
        })
        .collect();
    let note_text = if typed.action == "nota" {
        typed.text.clone()
    } else {
        String::new()
    };
    // Disabled topics are not offered, except the one the report already has.
    let topic_options: Vec<OptionView> = topics
        .iter()
        .filter(|topic| topic.active || report.topic_id == Some(topic.id))
        .map(|topic| OptionView {
            value: topic.id.to_string(),
            label: topic.name.clone(),
        })
        .collect();
    let selected_topic = report.topic_id.map(|id| id.to_string()).unwrap_or_default();
    let events: Vec<EventView> = events
        .into_iter()
        .map(|event| EventView {
            when: local_time(event.at),
            who: format!("{} ({})", event.user_name, event.organisation_name),
            label: event_label(&event.action),
            comment: event.comment,
        })
        .collect();
    let attachments: Vec<AttachmentView> = attachments
        .into_iter()
        .map(|row| AttachmentView {
            size_kb: (row.size + 1023) / 1024,
            row,
        })
        .collect();
    let can_attach = principal.can(Action::FileReport) || principal.can(Action::AssignTopics);
    let topics_in_use = principal.can(Action::AssignTopics);
    let view = ReportView::new(report, &state.settings.reports, state.clock.today());
    let title = format!("Segnalazione {}", view.row.protocol);
    let mut page = Page::for_user(state, principal, &title, paths::REPORTS)
        .with("report", &view)
        .with("events", &events)
        .with(
            "answers",
            &answers.into_iter().map(TextView::from).collect::<Vec<_>>(),
        )
        .with("internal", &internal)
        .with(
            "notes",
            &notes.into_iter().map(TextView::from).collect::<Vec<_>>(),
        )
        .with("attachments", &attachments)
        .with("can_attach", &can_attach)
        .with(
            "max_attachment",
            &readable_size(u64::try_from(state.settings.reports.attachment_max_bytes).unwrap_or(0)),
        )
        .with("actions", &actions)
        .with("current_state", &state_now.as_str())
        .with("has_standard_answer", &topic_answer.is_some())
        .with("can_assign_topic", &topics_in_use)
        .with("topics_options", &topic_options)
        .with("selected_topic", &selected_topic)
        .with("note_text", &note_text)
        .errors(shown.errors);
    if let Some(message) = status_message(shown.outcome) {
        page = page.status_message(message);
    }
    let html = page.render(state, "report.html")?;
    let status = if shown.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, html).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_entries_read_as_past_events() {
        assert_eq!(event_label("inviata"), "Segnalazione inviata");
        assert_eq!(event_label("riapri"), "Riaperta");
        assert_eq!(event_label("ignoto"), "ignoto");
    }
}
