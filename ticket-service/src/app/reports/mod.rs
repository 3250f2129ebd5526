//! The report workflow's use cases: filing, the actions of the state machine, notes and
//! topics, attachments, batches. Every one starts from the principal's scope, so nobody acts
//! on a report they cannot see.

pub mod actions;
pub mod attachments;
pub mod batches;
pub mod detail;
pub mod filing;
pub mod list;
pub mod search;
pub mod similar;

use crate::auth::principal::Principal;
use crate::db::audit::AuditEntry;
use crate::db::reports::{self, ReportRow};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::domain::report::ReportScope;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::state::AppState;

/// The principal's slice of the reports, or 403 for roles outside the workflow.
pub async fn scope_of(state: &AppState, principal: &Principal) -> Result<ReportScope, AppError> {
    let action = match principal.role {
        Role::Office | Role::Service => Action::ViewOwnReports,
        Role::Questura | Role::Prefettura => Action::ViewAddressedReports,
        _ => Action::ViewAllReports,
    };
    principal.require(state, action).await?;
    ReportScope::for_role(principal.role, principal.organisation_id).ok_or(AppError::Forbidden)
}

/// Report `id` within the principal's scope; 404 when it does not exist or is someone else's.
pub async fn load(state: &AppState, scope: ReportScope, id: i64) -> Result<ReportRow, AppError> {
    state
        .db
        .read(move |conn| reports::find(conn, scope, id))
        .await?
        .ok_or(AppError::NotFound)
}

/// Appends `event` to the audit log, by the principal, with `detail` (never citizen data).
pub async fn audit(
    state: &AppState,
    principal: &Principal,
    event: AuditEvent,
    detail: String,
) -> Result<(), AppError> {
    let entry = AuditEntry::new(event)
        .actor(principal.user_id)
        .detail(detail);
    state.audit(entry).await?;
    Ok(())
}
