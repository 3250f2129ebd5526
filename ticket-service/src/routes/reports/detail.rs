//! `GET /segnalazioni/{id}`: one report with its answers, attachments, timeline and the forms of
//! the actions the transition table allows the principal. Internal notes are loaded only for
//! roles the permission table lets read them, so no other page can carry them by mistake.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::app::reports::actions::{NOTE_FIELD, text_field_of};
use crate::app::reports::detail::{self, OpenedReport};
use crate::auth::principal::Principal;
use crate::clock::local_time;
use crate::db::attachments::AttachmentRow;
use crate::db::timeline::TextRow;
use crate::domain::attachment::readable_size;
use crate::domain::permissions::Action;
use crate::domain::report::{self as workflow, ReportAction, ReportState};
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
    let opened = detail::open(state, principal, id).await?;
    let report = &opened.report;
    let (topic_answer, draft) = starting_answer(&opened, shown.standard_answer);
    let actions = action_forms(principal, report.state, shown.typed, &draft);
    let note_text = if shown.typed.action == NOTE_FIELD {
        shown.typed.text.clone()
    } else {
        String::new()
    };
    let page = Page::for_user(
        state,
        principal,
        &format!("Segnalazione {}", report.protocol),
        paths::REPORTS,
    )
    .with("actions", &actions)
    .with("current_state", &report.state.as_str())
    .with("has_standard_answer", &topic_answer.is_some())
    .with("note_text", &note_text);
    let page = with_report(page, state, principal, opened)
        .errors(shown.errors)
        .outcome(status_message(shown.outcome));
    let status = match shown.errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Ok((status, page.render(state, "report.html")?).into_response())
}

/// The report's standard answer (of its topic), and the text the answer forms start from: the
/// standard answer when asked, otherwise what the liaison recorded.
fn starting_answer(opened: &OpenedReport, standard: bool) -> (Option<String>, String) {
    let topic_answer = opened.report.topic_id.and_then(|topic| {
        opened
            .topics
            .iter()
            .find(|t| t.id == topic)
            .map(|t| t.standard_answer.clone())
            .filter(|text| !text.is_empty())
    });
    let draft = match (standard, &topic_answer) {
        (true, Some(answer)) => Some(answer.clone()),
        _ => opened.received.clone(),
    };
    (topic_answer, draft.unwrap_or_default())
}

/// The forms of the steps the principal may take from `current`, each with its text: what
/// was typed when the form comes back, the starting answer for the answer forms.
fn action_forms(
    principal: &Principal,
    current: ReportState,
    typed: &ActionTyped,
    draft: &str,
) -> Vec<ActionForm> {
    workflow::available_actions(current, principal.role)
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
                draft.to_owned()
            } else {
                String::new()
            },
        })
        .collect()
}

/// The report with its timeline, answers, notes, attachments and topic choice.
fn with_report(page: Page, state: &AppState, principal: &Principal, opened: OpenedReport) -> Page {
    let report = opened.report;
    // Disabled topics are not offered, except the one the report already has.
    let topic_options: Vec<OptionView> = opened
        .topics
        .iter()
        .filter(|topic| topic.active || report.topic_id == Some(topic.id))
        .map(|topic| OptionView {
            value: topic.id.to_string(),
            label: topic.name.clone(),
        })
        .collect();
    let selected_topic = report.topic_id.map(|id| id.to_string()).unwrap_or_default();
    let events: Vec<EventView> = opened
        .events
        .into_iter()
        .map(|event| EventView {
            when: local_time(event.at),
            who: format!("{} ({})", event.user_name, event.organisation_name),
            label: event_label(&event.action),
            comment: event.comment,
        })
        .collect();
    let attachments: Vec<AttachmentView> = opened
        .attachments
        .into_iter()
        .map(|row| AttachmentView {
            size_kb: (row.size + 1023) / 1024,
            row,
        })
        .collect();
    let texts = |rows: Vec<TextRow>| rows.into_iter().map(TextView::from).collect::<Vec<_>>();
    let can_attach = principal.can(Action::FileReport) || principal.can(Action::AssignTopics);
    let max_attachment = u64::try_from(state.settings.reports.attachment_max_bytes).unwrap_or(0);
    page.with(
        "report",
        &ReportView::new(report, &state.settings.reports, state.clock.today()),
    )
    .with("events", &events)
    .with("answers", &texts(opened.answers))
    .with("internal", &opened.internal)
    .with("faq_paths", &opened.faq_paths)
    .with("notes", &texts(opened.notes))
    .with("attachments", &attachments)
    .with("can_attach", &can_attach)
    .with("max_attachment", &readable_size(max_attachment))
    .with("can_assign_topic", &principal.can(Action::AssignTopics))
    .with("topics_options", &topic_options)
    .with("selected_topic", &selected_topic)
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
