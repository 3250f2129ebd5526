//! Opening a report: the principal's scope, the audit line of who read it, its notifications
//! marked read, and everything its page shows.

use crate::app::reports::{load, scope_of};
use crate::auth::principal::Principal;
use crate::db::attachments::{self, AttachmentRow};
use crate::db::audit::{self as audit_log, AuditEntry};
use crate::db::faq_exports;
use crate::db::notifications;
use crate::db::reports::ReportRow;
use crate::db::timeline::{self, AnswerStages, EventRow, TextRow};
use crate::db::topics::{self, TopicRow};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::state::AppState;

/// A report as its page shows it to the principal.
pub struct OpenedReport {
    pub report: ReportRow,
    pub events: Vec<EventRow>,
    /// The answers the principal may read: all for the coordination, the published ones
    /// for the others.
    pub answers: Vec<TextRow>,
    /// Internal notes, only for those who handle them.
    pub internal: bool,
    pub notes: Vec<TextRow>,
    pub attachments: Vec<AttachmentRow>,
    pub topics: Vec<TopicRow>,
    /// The latest answer the liaison recorded, the start of the publishing form.
    pub received: Option<String>,
    /// The FAQ drafts made of the report (paths under `content/`), for the coordination: the
    /// link from a report to its FAQ lives here, never in the public file.
    pub faq_paths: Vec<String>,
}

/// Opens report `id` for the principal: audited (by protocol number), its notifications read.
pub async fn open(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<OpenedReport, AppError> {
    let scope = scope_of(state, principal).await?;
    let report = load(state, scope, id).await?;
    let (user_id, now) = (principal.user_id, state.clock.now());
    // One write, its commit shared with the other views of the moment: the audit line and the
    // report's notifications read, together.
    let entry = AuditEntry::new(AuditEvent::ReportOpened)
        .actor(user_id)
        .detail(report.protocol.clone());
    state
        .db
        .write_shared(move |conn| {
            audit_log::append(conn, &entry, now)?;
            notifications::mark_read(conn, user_id, id, now)
        })
        .await?;
    let internal = principal.can(Action::HandleInternalNotes);
    let faq = principal.can(Action::ExportFaq);
    let stages = if internal {
        AnswerStages::All
    } else {
        AnswerStages::Published
    };
    let (events, answers, notes, attachments, topics, received, faq_paths) = state
        .db
        .read(move |conn| {
            let notes = if internal {
                timeline::notes(conn, id)?
            } else {
                Vec::new()
            };
            Ok((
                timeline::events(conn, id)?,
                timeline::answers(conn, id, stages)?,
                notes,
                attachments::attachments(conn, id)?,
                topics::choices(conn)?,
                timeline::latest_answer(conn, id, "ricevuta")?,
                if faq {
                    faq_exports::paths_of_report(conn, id)?
                } else {
                    Vec::new()
                },
            ))
        })
        .await?;
    Ok(OpenedReport {
        report,
        events,
        answers,
        internal,
        notes,
        attachments,
        topics,
        received,
        faq_paths,
    })
}
