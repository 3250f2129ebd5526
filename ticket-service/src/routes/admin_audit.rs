//! `GET /admin/audit`: the newest lines of the security audit log.

use axum::extract::State;
use axum::response::Html;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::auth::principal::Principal;
use crate::db::audit;
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::startup::AppState;
use crate::templates::Page;

const LIMIT: u32 = 200;

#[derive(Serialize)]
struct EntryView {
    when: String,
    iso: String,
    label: String,
    actor: Option<String>,
    subject: Option<String>,
    ip: Option<String>,
    detail: String,
}

/// Times are stored in UTC and shown in Italian local time.
fn local_time(at: i64, zone: &TimeZone) -> (String, String) {
    match Timestamp::from_second(at) {
        Ok(timestamp) => (
            timestamp
                .to_zoned(zone.clone())
                .strftime("%d/%m/%Y %H:%M:%S")
                .to_string(),
            timestamp.to_string(),
        ),
        Err(_) => (at.to_string(), at.to_string()),
    }
}

pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Html<String>, AppError> {
    principal.require(&state, Action::ReadAuditLog).await?;
    let rows = state.db.call(|conn| audit::latest(conn, LIMIT)).await?;
    let zone = TimeZone::get("Europe/Rome").unwrap_or(TimeZone::UTC);
    let entries: Vec<EntryView> = rows
        .into_iter()
        .map(|row| {
            let (when, iso) = local_time(row.at, &zone);
            EntryView {
                when,
                iso,
                label: AuditEvent::label_of(&row.event),
                actor: row.actor,
                subject: row.subject,
                ip: row.ip,
                detail: row.detail,
            }
        })
        .collect();
    Page::for_user(&state, &principal, "Registro di sicurezza", "/admin/audit")
        .with("entries", &entries)
        .with("limit", &LIMIT)
        .render(&state, "audit.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_rome_with_summer_time() {
        let zone = TimeZone::get("Europe/Rome").unwrap();
        // 2026-07-01 10:00:00 UTC is noon in Rome (CEST).
        let (when, iso) = local_time(1_782_900_000, &zone);
        assert_eq!(when, "01/07/2026 12:00:00");
        assert_eq!(iso, "2026-07-01T10:00:00Z");
    }
}
