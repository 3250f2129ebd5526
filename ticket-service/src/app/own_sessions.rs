//! A user ending their own sessions: one of the others, or all of them but the current one
//! (ASVS 3.3.4), each with its audit line in the same transaction.

use std::net::IpAddr;

use crate::auth::principal::Principal;
use crate::db::audit::{self, AuditEntry};
use crate::db::sessions;
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::state::AppState;

/// The audit line of sessions ended by their user.
fn ended(principal: &Principal, client: IpAddr) -> AuditEntry {
    AuditEntry::new(AuditEvent::SessionsEnded)
        .actor(principal.user_id)
        .subject(principal.user_id)
        .ip(Some(client.to_string()))
}

/// Ends the user's session numbered `number`; someone else's session, the current one or one
/// already ended is 404.
pub async fn end_one(
    state: &AppState,
    principal: &Principal,
    client: IpAddr,
    number: i64,
) -> Result<(), AppError> {
    principal.require(state, Action::ManageOwnAccount).await?;
    let (id, current) = (principal.user_id, principal.session_id_hash.clone());
    let entry = ended(principal, client).detail("una sessione");
    let now = state.clock.now();
    let found = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            if !sessions::delete_own(&tx, id, number, &current)? {
                return Ok(false);
            }
            audit::append(&tx, &entry, now)?;
            tx.commit()?;
            Ok(true)
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Ends every session of the user but the current one.
pub async fn end_others(
    state: &AppState,
    principal: &Principal,
    client: IpAddr,
) -> Result<(), AppError> {
    principal.require(state, Action::ManageOwnAccount).await?;
    let (id, current) = (principal.user_id, principal.session_id_hash.clone());
    let entry = ended(principal, client);
    let now = state.clock.now();
    state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let count = sessions::delete_for_user(&tx, id, Some(&current))?;
            let entry = entry.detail(format!("tutte le altre ({count})"));
            audit::append(&tx, &entry, now)?;
            tx.commit()
        })
        .await?;
    Ok(())
}
