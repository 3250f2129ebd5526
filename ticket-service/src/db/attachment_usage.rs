//! How much is stored in attachments, for the quotas: by a report, by the draft of a report
//! form, by a user since a given time (attachments and drafts alike), and how many unsent
//! report forms with files a session holds.

use rusqlite::{Connection, params};

use crate::db::drafts::DraftOwner;
use crate::domain::attachment::Usage;

fn usage(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<Usage> {
    conn.query_row(sql, params, |row| {
        let files: i64 = row.get(0)?;
        let bytes: i64 = row.get(1)?;
        Ok(Usage {
            files: u64::try_from(files).unwrap_or(0),
            bytes: u64::try_from(bytes).unwrap_or(0),
        })
    })
}

/// The attachments of a report.
pub fn of_report(conn: &Connection, report_id: i64) -> rusqlite::Result<Usage> {
    usage(
        conn,
        "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM attachments WHERE report_id = ?1",
        [report_id],
    )
}

/// The files of one report form, not yet sent.
pub fn of_draft(conn: &Connection, owner: &DraftOwner) -> rusqlite::Result<Usage> {
    usage(
        conn,
        "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM draft_attachments
         WHERE draft_key = ?1 AND user_id = ?2 AND session_hash = ?3",
        params![owner.key, owner.user_id, owner.session_hash],
    )
}

/// What a user uploaded from `since` on: attachments of reports and files of report forms.
/// A form's files become the report's with their upload time, so nothing counts twice.
pub fn of_user_since(conn: &Connection, user_id: i64, since: i64) -> rusqlite::Result<Usage> {
    usage(
        conn,
        "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM (
             SELECT size FROM attachments WHERE uploaded_by = ?1 AND uploaded_at > ?2
             UNION ALL
             SELECT size FROM draft_attachments WHERE user_id = ?1 AND uploaded_at > ?2
         )",
        params![user_id, since],
    )
}

/// The other report forms of the session that hold files, besides the one of `owner`.
pub fn other_drafts_of_session(conn: &Connection, owner: &DraftOwner) -> rusqlite::Result<u64> {
    let drafts: i64 = conn.query_row(
        "SELECT COUNT(DISTINCT draft_key) FROM draft_attachments
         WHERE session_hash = ?1 AND draft_key <> ?2",
        params![owner.session_hash, owner.key],
        |row| row.get(0),
    )?;
    Ok(u64::try_from(drafts).unwrap_or(0))
}
