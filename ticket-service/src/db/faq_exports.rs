//! The FAQ drafts exported from answered reports: which reports may become one, what they
//! hold for the draft, and the record of each export (the link from a report to its FAQ,
//! kept here and never in the public file).

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::db::columns;
use crate::db::reports::{self, ReportRow};
use crate::db::timeline;
use crate::domain::report::{ReportScope, ReportState};

/// An answered report, as the list of candidates shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateRow {
    pub id: i64,
    pub protocol: String,
    pub state: ReportState,
    pub topic_name: Option<String>,
    pub topic_folder: Option<String>,
    /// When the referent validated the answer (UTC seconds); `None` if not validated.
    pub validated_at: Option<i64>,
    /// The FAQ files already made of this report.
    pub exported: Option<String>,
}

/// Every answered report, validated ones first, then the newest.
pub fn candidates(conn: &Connection) -> rusqlite::Result<Vec<CandidateRow>> {
    // The answered states are those of `ReportState::is_answered`.
    let mut statement = conn.prepare_cached(
        "SELECT r.id, r.protocol, r.state, t.name AS topic_name, t.folder AS topic_folder,
                (SELECT MAX(e.at) FROM report_events e
                 WHERE e.report_id = r.id AND e.action = 'valida') AS validated_at,
                (SELECT group_concat(x.path, ', ') FROM faq_export_reports xr
                 JOIN faq_exports x ON x.id = xr.export_id WHERE xr.report_id = r.id) AS exported
         FROM reports r LEFT JOIN topics t ON t.id = r.topic_id
         WHERE r.state IN ('risposta_pubblicata', 'validata', 'chiusa')
         ORDER BY validated_at IS NULL, r.id DESC",
    )?;
    statement
        .query_map([], |row| {
            Ok(CandidateRow {
                id: row.get("id")?,
                protocol: row.get("protocol")?,
                state: columns::parsed(row, "state")?,
                topic_name: row.get("topic_name")?,
                topic_folder: row.get("topic_folder")?,
                validated_at: row.get("validated_at")?,
                exported: row.get("exported")?,
            })
        })?
        .collect()
}

/// What one answered report gives a draft.
#[derive(Debug, Clone)]
pub struct SourceReport {
    pub report: ReportRow,
    /// The latest answer the office read.
    pub answer: String,
    pub validated_at: Option<i64>,
}

/// The report `id` with its published answer, when it is answered; `None` otherwise.
pub fn source(conn: &Connection, id: i64) -> rusqlite::Result<Option<SourceReport>> {
    let Some(report) = reports::find(conn, ReportScope::All, id)? else {
        return Ok(None);
    };
    if !report.state.is_answered() {
        return Ok(None);
    }
    let Some(answer) = timeline::latest_answer(conn, id, "pubblicata")? else {
        return Ok(None);
    };
    let validated_at = conn
        .query_row(
            "SELECT MAX(at) FROM report_events WHERE report_id = ?1 AND action = 'valida'",
            [id],
            |row| row.get(0),
        )
        .optional()?
        .flatten();
    Ok(Some(SourceReport {
        report,
        answer,
        validated_at,
    }))
}

/// One export to record.
pub struct NewExport<'a> {
    pub user_id: Option<i64>,
    pub topic_id: i64,
    pub path: &'a str,
    pub title: &'a str,
    pub reports: &'a [i64],
}

pub fn record(tx: &Transaction<'_>, export: &NewExport<'_>, now: i64) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO faq_exports (at, user_id, topic_id, path, title) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            now,
            export.user_id,
            export.topic_id,
            export.path,
            export.title
        ],
    )?;
    let id = tx.last_insert_rowid();
    for report in export.reports {
        tx.execute(
            "INSERT INTO faq_export_reports (export_id, report_id) VALUES (?1, ?2)",
            params![id, report],
        )?;
    }
    Ok(id)
}

/// The FAQ files made of the report `id`, for its page in the reserved area.
pub fn paths_of_report(conn: &Connection, id: i64) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare_cached(
        "SELECT x.path FROM faq_exports x JOIN faq_export_reports xr ON xr.export_id = x.id
         WHERE xr.report_id = ?1 ORDER BY x.id",
    )?;
    statement.query_map([id], |row| row.get(0))?.collect()
}

/// The id of the report numbered `protocol` (`RESPI-2026-000123`), for the command line.
pub fn report_id(conn: &Connection, protocol: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM reports WHERE protocol = ?1",
        [protocol.trim().to_uppercase()],
        |row| row.get(0),
    )
    .optional()
}

/// The id of the topic of the section `faq/<folder>/`, for the command line.
pub fn topic_id(conn: &Connection, folder: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM topics WHERE folder = ?1",
        [folder.trim().trim_matches('/')],
        |row| row.get(0),
    )
    .optional()
}
