//! The files attached to reports.

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::Serialize;

use crate::db::timeline::append_event;

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentRow {
    pub id: i64,
    pub report_id: i64,
    #[serde(skip)]
    pub stored_name: String,
    pub original_name: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_at: i64,
}

fn attachment_from_row(row: &Row<'_>) -> rusqlite::Result<AttachmentRow> {
    Ok(AttachmentRow {
        id: row.get(0)?,
        report_id: row.get(1)?,
        stored_name: row.get(2)?,
        original_name: row.get(3)?,
        content_type: row.get(4)?,
        size: row.get(5)?,
        uploaded_at: row.get(6)?,
    })
}

/// Records an attachment of a report and its timeline entry, in the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub fn add_attachment(
    conn: &Transaction<'_>,
    report_id: i64,
    stored_name: &str,
    original_name: &str,
    content_type: &str,
    size: i64,
    user_id: i64,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO attachments
             (report_id, stored_name, original_name, content_type, size, uploaded_by, uploaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            report_id,
            stored_name,
            original_name,
            content_type,
            size,
            user_id,
            now
        ],
    )?;
    append_event(
        conn,
        report_id,
        user_id,
        "allegato",
        None,
        None,
        original_name,
        now,
    )
}

pub fn attachments(conn: &Connection, report_id: i64) -> rusqlite::Result<Vec<AttachmentRow>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, report_id, stored_name, original_name, content_type, size, uploaded_at
         FROM attachments WHERE report_id = ?1 ORDER BY id",
    )?;
    statement
        .query_map([report_id], attachment_from_row)?
        .collect()
}

pub fn find_attachment(
    conn: &Connection,
    report_id: i64,
    id: i64,
) -> rusqlite::Result<Option<AttachmentRow>> {
    conn.query_row(
        "SELECT id, report_id, stored_name, original_name, content_type, size, uploaded_at
         FROM attachments WHERE report_id = ?1 AND id = ?2",
        params![report_id, id],
        attachment_from_row,
    )
    .optional()
}
