//! The retention job: once a day, the citizens' identifiers and the attachments of reports
//! closed longer than `[retention] closed_after_days`, and the identities of bookings as old,
//! are deleted; one audit line counts what went.

use std::time::Duration;

use crate::attachment_store;
use crate::clock::local_date;
use crate::db::DbError;
use crate::db::audit::{self, AuditEntry};
use crate::db::retention::{self, Removed};
use crate::domain::audit::AuditEvent;
use crate::state::AppState;

/// Applies the retention period once, at the service's current time.
pub async fn apply(state: &AppState) -> Result<Removed, DbError> {
    let days = state.settings.retention.closed_after_days;
    if days == 0 {
        return Ok(Removed::default());
    }
    let now = state.clock.now();
    let closed_before = now - i64::from(days) * 86_400;
    let day_before = local_date(closed_before).to_string();
    let removed = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let removed = retention::remove_expired(&tx, closed_before, &day_before, now)?;
            if removed.reports + removed.bookings > 0 {
                let entry = AuditEntry::new(AuditEvent::RetentionApplied).detail(format!(
                    "{} segnalazioni, {} prenotazioni, {} allegati; periodo di conservazione: {days} giorni",
                    removed.reports,
                    removed.bookings,
                    removed.files.len()
                ));
                audit::append(&tx, &entry, now)?;
            }
            tx.commit()?;
            Ok(removed)
        })
        .await?;
    let folder = state.settings.reports.attachment_dir.clone();
    attachment_store::delete(&folder, removed.files.clone()).await;
    if removed.reports > 0 {
        // The names go from the search index too.
        crate::app::reports::search::update_index(state).await;
    }
    Ok(removed)
}

/// Runs [`apply`] at start and then once a day.
pub async fn run_daily(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(24 * 3600));
    loop {
        every.tick().await;
        match apply(&state).await {
            Ok(removed) if removed.reports + removed.bookings > 0 => tracing::info!(
                reports = removed.reports,
                bookings = removed.bookings,
                files = removed.files.len(),
                "retention applied"
            ),
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "retention job failed"),
        }
    }
}
