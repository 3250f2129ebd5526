//! Opening a report: the principal's scope, the audit line of who read it, its notifications
//! marked read, and everything its page shows.

use crate::app::reports::scope_of;
use crate::auth::principal::Principal;
use crate::db::attachments::{self, AttachmentRow};
use crate::db::audit::{self as audit_log, AuditEntry};
use crate::db::faq_exports;
use crate::db::notifications;
use crate::db::reports::{self, ReportRow};
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
/// Everything the page shows is read at once; the audit line is then written, its commit
/// shared with the other views of the moment, before anything is shown.
pub async fn open(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<OpenedReport, AppError> {
    let scope = scope_of(state, principal).await?;
    let internal = principal.can(Action::HandleInternalNotes);
    let faq = principal.can(Action::ExportFaq);
    let stages = if internal {
        AnswerStages::All
    } else {
        AnswerStages::Published
    };
    let opened = state
        .db
        .read(move |conn| {
            let Some(report) = reports::find(conn, scope, id)? else {
                return Ok(None);
            };
            Ok(Some(OpenedReport {
                report,
                events: timeline::events(conn, id)?,
                answers: timeline::answers(conn, id, stages)?,
                internal,
                notes: if internal {
                    timeline::notes(conn, id)?
                } else {
                    Vec::new()
                },
                attachments: attachments::attachments(conn, id)?,
                topics: topics::choices(conn)?,
                received: timeline::latest_answer(conn, id, "ricevuta")?,
                faq_paths: if faq {
                    faq_exports::paths_of_report(conn, id)?
                } else {
                    Vec::new()
                },
            }))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let (user_id, now) = (principal.user_id, state.clock.now());
    let entry = AuditEntry::new(AuditEvent::ReportOpened)
        .actor(user_id)
        .detail(opened.report.protocol.clone());
    state
        .db
        .write_shared(move |conn| {
            audit_log::append(conn, &entry, now)?;
            notifications::mark_read(conn, user_id, id, now)
        })
        .await?;
    Ok(opened)
}
