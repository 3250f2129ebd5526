//! Exporting the security audit log, which asks for a recent password and is recorded in the
//! log itself.

use std::net::IpAddr;

use crate::auth::principal::Principal;
use crate::db::audit::{self, AuditEntry, AuditRow};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::state::AppState;

/// The whole log, newest first; the export's own line, written in the same transaction, is
/// among the lines it returns.
pub async fn export(
    state: &AppState,
    principal: &Principal,
    client: IpAddr,
) -> Result<Vec<AuditRow>, AppError> {
    principal.require(state, Action::ReadAuditLog).await?;
    principal.require_recent_authentication(state)?;
    let entry = AuditEntry::new(AuditEvent::AuditExported)
        .actor(principal.user_id)
        .ip(Some(client.to_string()))
        .detail("CSV completo");
    let now = state.clock.now();
    let rows = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            audit::append(&tx, &entry, now)?;
            // A negative LIMIT reads the whole log.
            let rows = audit::page(&tx, -1, 0)?;
            tx.commit()?;
            Ok(rows)
        })
        .await?;
    Ok(rows)
}
