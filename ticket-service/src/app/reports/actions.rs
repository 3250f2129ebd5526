//! Acting on one report from its page: a step of the state machine (looked up in the
//! transition table and applied only if the report is still in the state the form was shown
//! in, so a form sent twice changes nothing), an internal note, the topic.

use crate::app::reports::{audit, load, scope_of, search};
use crate::auth::principal::Principal;
use crate::clock::local_date;
use crate::config::ReportSettings;
use crate::db::reports::ReportRow;
use crate::db::timeline::{self, TransitionEffects};
use crate::db::topics;
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::report::{self as workflow, ReportAction, ReportState, TransitionError};
use crate::domain::report_fields::{MAX_LONG_TEXT, bounded_text};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::notify::{self, Notice};
use crate::state::AppState;

/// The message shown when the report is no longer where the form expected it.
pub const ALREADY_CHANGED: &str = "La segnalazione è già passata a un altro stato, per esempio perché il modulo è stato inviato due volte o perché qualcun altro l'ha appena aggiornata: non è stato cambiato nulla. Torna alla segnalazione per vederne lo stato attuale.";

/// The field of the internal note's form.
pub const NOTE_FIELD: &str = "nota";

/// What became of a change asked from the report's page.
pub enum Outcome {
    Done,
    /// Nothing changed; the form comes back with these errors.
    Invalid(FormErrors),
}

/// A step of the state machine asked from the report's page, as its form sent it.
pub struct ActionRequest<'a> {
    pub action: &'a str,
    /// The state the page showed; the change applies only from there.
    pub shown_state: &'a str,
    pub text: &'a str,
}

/// The request's words as the workflow's types; a form no page sends is a bad request.
fn parsed(request: &ActionRequest<'_>) -> Result<(ReportAction, ReportState), AppError> {
    let action = request.action.parse().map_err(|_| AppError::BadForm)?;
    let shown = request.shown_state.parse().map_err(|_| AppError::BadForm)?;
    Ok((action, shown))
}

/// The id of the text field of an action's form, for the error summary's link.
pub fn text_field_of(action: ReportAction) -> &'static str {
    match action {
        ReportAction::Reopen => "testo-riapri",
        ReportAction::RefuseValidation => "testo-rifiuta_validazione",
        ReportAction::RecordAnswer => "testo-registra_risposta",
        ReportAction::Publish => "testo-pubblica_risposta",
        _ => "testo",
    }
}

/// What the state change does to the due date and to the pause of the clock.
pub fn effects_of(
    settings: &ReportSettings,
    report: &ReportRow,
    from: ReportState,
    to: ReportState,
    now: i64,
) -> TransitionEffects {
    let calendar = settings.calendar();
    let mut effects = TransitionEffects {
        start_waiting: to == ReportState::AwaitingAnswer,
        ..TransitionEffects::default()
    };
    if from == ReportState::AwaitingAnswer
        && let Some(since) = report.waiting_since
    {
        let paused = calendar.business_days_between(local_date(since), local_date(now));
        effects.stop_waiting_after = Some((now - since).max(0));
        effects.due_date = Some(
            calendar
                .add_business_days(report.due_date, paused)
                .to_string(),
        );
    }
    if to == ReportState::Reopened {
        // A reopened report is a new request: it gets the full time of its urgency again.
        let days = settings
            .urgency(&report.urgency)
            .map_or(0, |urgency| urgency.business_days);
        effects.due_date = Some(
            calendar
                .add_business_days(local_date(now), days)
                .to_string(),
        );
        effects.reopened = true;
    }
    effects
}

/// Applies a step of the state machine to report `id`, with its timeline entry and answer in
/// one transaction, and tells who must know.
pub async fn apply(
    state: &AppState,
    principal: &Principal,
    id: i64,
    request: ActionRequest<'_>,
) -> Result<Outcome, AppError> {
    let scope = scope_of(state, principal).await?;
    let report = load(state, scope, id).await?;
    let (action, shown) = parsed(&request)?;
    if action.is_batch_action() {
        return Err(AppError::Refused(
            "Questa operazione si fa dalla pagina dei lotti, per tutte le segnalazioni del lotto insieme.",
        ));
    }
    let to = allowed_step(state, principal, &report, action, shown).await?;
    let text = match checked_text(action, request.text) {
        Ok(text) => text,
        Err(errors) => return Ok(Outcome::Invalid(errors)),
    };
    if !record(state, principal, &report, action, to, text).await? {
        return Err(AppError::Refused(ALREADY_CHANGED));
    }
    search::update_index(state).await;
    let notice = if action == ReportAction::RefuseValidation {
        Some(Notice::Refused)
    } else {
        Notice::for_state(to)
    };
    if let Some(notice) = notice {
        notify::announce(state, &report, notice).await?;
    }
    Ok(Outcome::Done)
}

/// The state `request` leads to from the report's current one; a role that may not take the
/// step is refused and audited, a report that moved on since the page was shown is left alone.
async fn allowed_step(
    state: &AppState,
    principal: &Principal,
    report: &ReportRow,
    action: ReportAction,
    shown: ReportState,
) -> Result<ReportState, AppError> {
    let to = match workflow::transition(report.state, action, principal.role) {
        Ok(to) => to,
        Err(TransitionError::RoleNotAllowed) => {
            let detail = format!("{} su {}", action.as_str(), report.protocol);
            audit(state, principal, AuditEvent::AccessDenied, detail).await?;
            return Err(AppError::Forbidden);
        }
        Err(TransitionError::WrongState) => return Err(AppError::Refused(ALREADY_CHANGED)),
    };
    if shown != report.state {
        return Err(AppError::Refused(ALREADY_CHANGED));
    }
    Ok(to)
}

/// The text of the step's form: a reason or an answer where the step needs one, bounded.
fn checked_text(action: ReportAction, text: &str) -> Result<String, FormErrors> {
    let field = text_field_of(action);
    let mut errors = FormErrors::default();
    match bounded_text(text, MAX_LONG_TEXT) {
        Ok(Some(text)) => return Ok(text),
        Ok(None) if action.needs_comment() => errors.add(
            field,
            "Scrivi il motivo: il coordinamento lo leggerà per riprendere la segnalazione.",
        ),
        Ok(None) if action.needs_answer() => errors.add(field, "Scrivi il testo della risposta."),
        Ok(None) => return Ok(String::new()),
        Err(problem) => errors.add(field, problem),
    }
    Err(errors)
}

/// Writes the step, its timeline entry and the answer it carries in one transaction; false
/// when the report had already moved on.
async fn record(
    state: &AppState,
    principal: &Principal,
    report: &ReportRow,
    action: ReportAction,
    to: ReportState,
    text: String,
) -> Result<bool, AppError> {
    let now = state.clock.now();
    let (id, from, user_id) = (report.id, report.state, principal.user_id);
    let effects = effects_of(&state.settings.reports, report, from, to, now);
    let comment = if action.needs_comment() {
        text.clone()
    } else {
        String::new()
    };
    let stage = match action {
        ReportAction::RecordAnswer => Some("ricevuta"),
        ReportAction::Publish => Some("pubblicata"),
        _ => None,
    };
    let applied = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let applied = timeline::apply_transition(
                &tx, id, user_id, action, from, to, &comment, &effects, now,
            )?;
            if let (true, Some(stage)) = (applied, stage) {
                timeline::add_answer(&tx, id, user_id, stage, &text, now)?;
            }
            tx.commit()?;
            Ok(applied)
        })
        .await?;
    Ok(applied)
}

/// Adds an internal note to report `id`; the same text sent twice is added once.
pub async fn add_note(
    state: &AppState,
    principal: &Principal,
    id: i64,
    text: &str,
) -> Result<Outcome, AppError> {
    principal
        .require(state, Action::HandleInternalNotes)
        .await?;
    let scope = scope_of(state, principal).await?;
    load(state, scope, id).await?;
    let mut errors = FormErrors::default();
    let body = match bounded_text(text, MAX_LONG_TEXT) {
        Ok(Some(body)) => body,
        Ok(None) => {
            errors.add(NOTE_FIELD, "Scrivi il testo della nota.");
            return Ok(Outcome::Invalid(errors));
        }
        Err(problem) => {
            errors.add(NOTE_FIELD, problem);
            return Ok(Outcome::Invalid(errors));
        }
    };
    let (user_id, now) = (principal.user_id, state.clock.now());
    let added = state
        .db
        .call(move |conn| {
            let notes = timeline::notes(conn, id)?;
            // The same text sent again is the same form sent twice.
            if notes.last().is_some_and(|last| last.body == body) {
                return Ok(false);
            }
            timeline::add_note(conn, id, user_id, &body, now)?;
            Ok(true)
        })
        .await?;
    if !added {
        return Err(AppError::Refused(
            "Questa nota è già stata aggiunta, forse perché il modulo è stato inviato due volte: non è stata aggiunta di nuovo.",
        ));
    }
    search::update_index(state).await;
    Ok(Outcome::Done)
}

/// Gives report `id` the topic `topic_id`, with its timeline entry.
pub async fn set_topic(
    state: &AppState,
    principal: &Principal,
    id: i64,
    topic: &str,
) -> Result<(), AppError> {
    principal.require(state, Action::AssignTopics).await?;
    let scope = scope_of(state, principal).await?;
    load(state, scope, id).await?;
    let topic_id: i64 = topic.trim().parse().map_err(|_| AppError::BadForm)?;
    let (user_id, now) = (principal.user_id, state.clock.now());
    let changed = state
        .db
        .call(move |conn| {
            let Some(topic) = topics::find(conn, topic_id)? else {
                return Ok(None);
            };
            if !topic.active {
                return Ok(Some(None));
            }
            let tx = conn.transaction()?;
            let changed = timeline::set_topic(&tx, id, &topic, user_id, now)?;
            tx.commit()?;
            Ok(Some(Some(changed)))
        })
        .await?
        .ok_or(AppError::BadForm)?
        .ok_or(AppError::Refused(
            "Questo argomento è stato disattivato e non si può più assegnare: scegline un altro.",
        ))?;
    if !changed {
        return Err(AppError::Refused(
            "La segnalazione ha già questo argomento: non è stato cambiato nulla.",
        ));
    }
    search::update_index(state).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::organisation::OrganisationKind;
    use crate::domain::report_fields::{FILE_KINDS, REPORT_KINDS, office_choices};

    fn report(due: &str, waiting_since: Option<i64>) -> ReportRow {
        ReportRow {
            id: 1,
            protocol: String::new(),
            organisation_id: 1,
            organisation_name: String::new(),
            filed_by: 1,
            filed_by_name: String::new(),
            kind: REPORT_KINDS[0],
            addressed_office: office_choices()[0],
            institution: OrganisationKind::Questura,
            file_kind: FILE_KINDS[0],
            file_reference: None,
            citizen_family_name: String::new(),
            citizen_given_name: String::new(),
            citizen_birth_date: None,
            citizen_tax_code: None,
            description: String::new(),
            urgency: "U1".to_owned(),
            urgency_reason: String::new(),
            state: ReportState::AwaitingAnswer,
            topic_id: None,
            topic_name: None,
            due_date: due.parse().unwrap(),
            waiting_since,
            waited_secs: 0,
            reopen_count: 0,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn the_due_date_moves_by_the_business_days_spent_waiting() {
        let settings = ReportSettings::default();
        // Waiting from Friday 20 Nov 2026 10:00 UTC to Tuesday 24 Nov 10:00 UTC: two
        // business days (Monday and Tuesday), so a due date of Wed 25 becomes Fri 27.
        let since = 1_795_168_800;
        let until = since + 4 * 86_400;
        let effects = effects_of(
            &settings,
            &report("2026-11-25", Some(since)),
            ReportState::AwaitingAnswer,
            ReportState::AnswerReceived,
            until,
        );
        assert_eq!(effects.due_date.as_deref(), Some("2026-11-27"));
        assert_eq!(effects.stop_waiting_after, Some(4 * 86_400));
        assert!(!effects.start_waiting);
    }

    #[test]
    fn handing_over_starts_the_pause() {
        let settings = ReportSettings::default();
        let effects = effects_of(
            &settings,
            &report("2026-11-25", None),
            ReportState::Batched,
            ReportState::AwaitingAnswer,
            0,
        );
        assert!(effects.start_waiting);
        assert!(effects.due_date.is_none());
    }
}
