//! `GET /admin/audit`: the security audit log, newest first, a page at a time, and
//! `GET /admin/audit/esporta`: the whole log as CSV, after the password is confirmed.

use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::app::audit_log;
use crate::auth::client_ip::ClientIp;
use crate::auth::principal::Principal;
use crate::db::audit::{self, AuditRow};
use crate::domain::audit::AuditEvent;
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::pagination::{PageQuery, PageRequest};
use crate::paths;
use crate::state::AppState;
use crate::templates::Page;

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
    Query(page): Query<PageQuery>,
) -> Result<Html<String>, AppError> {
    principal.require(&state, Action::ReadAuditLog).await?;
    let request = PageRequest::new(&page, state.settings.page_size);
    let paged = state
        .db
        .read(move |conn| request.load(conn, audit::count, audit::page))
        .await?;
    let pages = paged.links(paths::AUDIT, &[]);
    let zone = TimeZone::get("Europe/Rome").unwrap_or(TimeZone::UTC);
    let entries: Vec<EntryView> = paged
        .rows
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
    Page::for_user(&state, &principal, "Registro di sicurezza", paths::AUDIT)
        .with("entries", &entries)
        .with("pages", &pages)
        .render(&state, "audit.html")
}

/// A spreadsheet must not take a cell for a formula (CSV injection): such cells get a `'`.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn to_csv(rows: &[AuditRow]) -> Result<Vec<u8>, csv::Error> {
    let zone = TimeZone::get("Europe/Rome").unwrap_or(TimeZone::UTC);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "numero",
        "data_ora_utc",
        "data_ora_italiana",
        "codice_evento",
        "evento",
        "eseguito_da",
        "utente_interessato",
        "indirizzo_ip",
        "dettagli",
    ])?;
    for row in rows {
        let (when, iso) = local_time(row.at, &zone);
        writer.write_record([
            row.id.to_string(),
            iso,
            when,
            row.event.clone(),
            AuditEvent::label_of(&row.event),
            spreadsheet_safe(row.actor.as_deref().unwrap_or("")),
            spreadsheet_safe(row.subject.as_deref().unwrap_or("")),
            row.ip.clone().unwrap_or_default(),
            spreadsheet_safe(&row.detail),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

/// `GET /admin/audit/esporta`: the whole audit log as a CSV download; the export itself is
/// its last line.
pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    ClientIp(client): ClientIp,
) -> Result<Response, AppError> {
    let rows = audit_log::export(&state, &principal, client).await?;
    let bytes = to_csv(&rows).map_err(|error| {
        tracing::error!(%error, "audit CSV not written");
        AppError::Refused("Non è stato possibile preparare il file. Riprova più tardi.")
    })?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"registro-sicurezza.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
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

    #[test]
    fn cells_that_look_like_formulas_are_neutralised() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("-1"), "'-1");
        assert_eq!(spreadsheet_safe("mario.rossi"), "mario.rossi");
    }
}
