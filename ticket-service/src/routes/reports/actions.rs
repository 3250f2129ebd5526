//! `POST /segnalazioni/{id}/azione`, `/nota` and `/argomento`: the changes made from the
//! detail page. State changes are looked up in the transition table and applied only if the
//! report is still in the state the form was shown in, so a form sent twice changes nothing
//! and the page says why.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::csrf::CsrfForm;
use crate::auth::principal::Principal;
use crate::clock::local_date;
use crate::config::ReportSettings;
use crate::db::reports::ReportRow;
use crate::db::timeline::TransitionEffects;
use crate::db::topics;
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::report::{self as workflow, ReportAction, ReportState, TransitionError};
use crate::domain::report_fields::{MAX_LONG_TEXT, bounded_text};
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::notify::{self, Notice};
use crate::paths;
use crate::routes::path_id::PathId;
use crate::routes::reports::detail::{self, ActionTyped, Shown, text_field_of};
use crate::routes::reports::{audit, load, scope_of};
use crate::state::AppState;

/// The message shown when the report is no longer where the form expected it.
pub const ALREADY_CHANGED: &str = "La segnalazione è già passata a un altro stato, per esempio perché il modulo è stato inviato due volte o perché qualcun altro l'ha appena aggiornata: non è stato cambiato nulla. Torna alla segnalazione per vederne lo stato attuale.";

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
    if from == ReportState::AwaitingAnswer {
        if let Some(since) = report.waiting_since {
            let paused = calendar.business_days_between(local_date(since), local_date(now));
            effects.stop_waiting_after = Some((now - since).max(0));
            effects.due_date = Some(
                calendar
                    .add_business_days(report.due_date, paused)
                    .to_string(),
            );
        }
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
    let scope = scope_of(&state, &principal).await?;
    let report = load(&state, scope, id).await?;
    let action: ReportAction = form.action.parse().map_err(|_| AppError::BadForm)?;
    let shown_state: ReportState = form.from.parse().map_err(|_| AppError::BadForm)?;
    if action.is_batch_action() {
        return Err(AppError::Refused(
            "Questa operazione si fa dalla pagina dei lotti, per tutte le segnalazioni del lotto insieme.",
        ));
    }
    let current = report.state;
    let to = match workflow::transition(current, action, principal.role) {
        Ok(to) => to,
        Err(TransitionError::RoleNotAllowed) => {
            let detail = format!("{} su {}", action.as_str(), report.protocol);
            audit(&state, &principal, AuditEvent::AccessDenied, detail).await?;
            return Err(AppError::Forbidden);
        }
        Err(TransitionError::WrongState) => return Err(AppError::Refused(ALREADY_CHANGED)),
    };
    if shown_state != current {
        return Err(AppError::Refused(ALREADY_CHANGED));
    }
    let field = text_field_of(action);
    let mut errors = FormErrors::default();
    let text = match bounded_text(&form.text, MAX_LONG_TEXT) {
        Ok(Some(text)) => text,
        Ok(None) if action.needs_comment() => {
            errors.add(
                field,
                "Scrivi il motivo: il coordinamento lo leggerà per riprendere la segnalazione.",
            );
            String::new()
        }
        Ok(None) if action.needs_answer() => {
            errors.add(field, "Scrivi il testo della risposta.");
            String::new()
        }
        Ok(None) => String::new(),
        Err(problem) => {
            errors.add(field, problem);
            String::new()
        }
    };
    if !errors.is_empty() {
        let typed = ActionTyped {
            action: action.as_str().to_owned(),
            text: form.text,
        };
        let shown = Shown {
            outcome: None,
            standard_answer: false,
            errors: &errors,
            typed: &typed,
        };
        return detail::render(&state, &principal, id, shown).await;
    }
    let now = state.clock.now();
    let effects = effects_of(&state.settings.reports, &report, current, to, now);
    let user_id = principal.user_id;
    let comment = if action.needs_comment() {
        text.clone()
    } else {
        String::new()
    };
    let applied = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let applied = crate::db::timeline::apply_transition(
                &tx, id, user_id, action, current, to, &comment, &effects, now,
            )?;
            if applied {
                match action {
                    ReportAction::RecordAnswer => {
                        crate::db::timeline::add_answer(&tx, id, user_id, "ricevuta", &text, now)?;
                    }
                    ReportAction::Publish => {
                        crate::db::timeline::add_answer(
                            &tx,
                            id,
                            user_id,
                            "pubblicata",
                            &text,
                            now,
                        )?;
                    }
                    _ => {}
                }
            }
            tx.commit()?;
            Ok(applied)
        })
        .await?;
    if !applied {
        return Err(AppError::Refused(ALREADY_CHANGED));
    }
    let notice = if action == ReportAction::RefuseValidation {
        Some(Notice::Refused)
    } else {
        Notice::for_state(to)
    };
    if let Some(notice) = notice {
        notify::announce(&state, &report, notice).await?;
    }
    Ok(Redirect::to(&paths::with_outcome(&paths::report(id), "fatto")).into_response())
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
    principal
        .require(&state, Action::HandleInternalNotes)
        .await?;
    let scope = scope_of(&state, &principal).await?;
    load(&state, scope, id).await?;
    let mut errors = FormErrors::default();
    let body = match bounded_text(&form.nota, MAX_LONG_TEXT) {
        Ok(Some(body)) => Some(body),
        Ok(None) => {
            errors.add("nota", "Scrivi il testo della nota.");
            None
        }
        Err(problem) => {
            errors.add("nota", problem);
            None
        }
    };
    let Some(body) = body else {
        let typed = ActionTyped {
            action: "nota".to_owned(),
            text: form.nota,
        };
        let shown = Shown {
            outcome: None,
            standard_answer: false,
            errors: &errors,
            typed: &typed,
        };
        return detail::render(&state, &principal, id, shown).await;
    };
    let user_id = principal.user_id;
    let added = state
        .db
        .call(move |conn| {
            let notes = crate::db::timeline::notes(conn, id)?;
            // The same text sent again is the same form sent twice.
            if notes.last().is_some_and(|last| last.body == body) {
                return Ok(false);
            }
            crate::db::timeline::add_note(conn, id, user_id, &body, state.clock.now())?;
            Ok(true)
        })
        .await?;
    if !added {
        return Err(AppError::Refused(
            "Questa nota è già stata aggiunta, forse perché il modulo è stato inviato due volte: non è stata aggiunta di nuovo.",
        ));
    }
    Ok(Redirect::to(&paths::with_outcome(&paths::report(id), "nota")).into_response())
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
    principal.require(&state, Action::AssignTopics).await?;
    let scope = scope_of(&state, &principal).await?;
    load(&state, scope, id).await?;
    let topic_id: i64 = form.topic.trim().parse().map_err(|_| AppError::BadForm)?;
    let user_id = principal.user_id;
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
            let changed =
                crate::db::timeline::set_topic(&tx, id, &topic, user_id, state.clock.now())?;
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
    Ok(Redirect::to(&paths::with_outcome(&paths::report(id), "argomento")).into_response())
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
