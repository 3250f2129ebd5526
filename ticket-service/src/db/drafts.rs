//! Queries on `draft_attachments`: files attached on the report form, held until the report
//! is sent. Every query names the draft, the user and the session, so a draft key copied into
//! another session finds nothing.

use rusqlite::{Connection, Transaction, params};
use serde::Serialize;

/// Who a draft belongs to: its key, the user and the session it was started in.
#[derive(Debug, Clone)]
pub struct DraftOwner {
    pub key: String,
    pub user_id: i64,
    pub session_hash: Vec<u8>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DraftAttachment {
    pub id: i64,
    #[serde(skip)]
    pub stored_name: String,
    pub original_name: String,
    pub content_type: String,
    pub size: i64,
}

pub fn list(conn: &Connection, owner: &DraftOwner) -> rusqlite::Result<Vec<DraftAttachment>> {
    let mut statement = conn.prepare(
        "SELECT id, stored_name, original_name, content_type, size FROM draft_attachments
         WHERE draft_key = ?1 AND user_id = ?2 AND session_hash = ?3 ORDER BY id",
    )?;
    statement
        .query_map(
            params![owner.key, owner.user_id, owner.session_hash],
            |row| {
                Ok(DraftAttachment {
                    id: row.get(0)?,
                    stored_name: row.get(1)?,
                    original_name: row.get(2)?,
                    content_type: row.get(3)?,
                    size: row.get(4)?,
                })
            },
        )?
        .collect()
}

pub fn add(
    conn: &Connection,
    owner: &DraftOwner,
    stored_name: &str,
    original_name: &str,
    content_type: &str,
    size: i64,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO draft_attachments
             (draft_key, user_id, session_hash, stored_name, original_name, content_type, size,
              uploaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            owner.key,
            owner.user_id,
            owner.session_hash,
            stored_name,
            original_name,
            content_type,
            size,
            now
        ],
    )?;
    Ok(())
}

/// Removes one file of the draft; returns its stored name for the caller to delete.
pub fn remove(conn: &Connection, owner: &DraftOwner, id: i64) -> rusqlite::Result<Option<String>> {
    let mut statement = conn.prepare(
        "DELETE FROM draft_attachments
         WHERE id = ?1 AND draft_key = ?2 AND user_id = ?3 AND session_hash = ?4
         RETURNING stored_name",
    )?;
    let mut rows = statement.query(params![id, owner.key, owner.user_id, owner.session_hash])?;
    rows.next()?.map(|row| row.get(0)).transpose()
}

/// Makes the draft's files attachments of the report being filed, in the transaction that
/// files it; the files stay where they are.
pub fn attach_to_report(
    tx: &Transaction<'_>,
    owner: &DraftOwner,
    report_id: i64,
) -> rusqlite::Result<usize> {
    let moved = tx.execute(
        "INSERT INTO attachments
             (report_id, stored_name, original_name, content_type, size, uploaded_by, uploaded_at)
         SELECT ?1, stored_name, original_name, content_type, size, user_id, uploaded_at
         FROM draft_attachments
         WHERE draft_key = ?2 AND user_id = ?3 AND session_hash = ?4 ORDER BY id",
        params![report_id, owner.key, owner.user_id, owner.session_hash],
    )?;
    tx.execute(
        "DELETE FROM draft_attachments
         WHERE draft_key = ?1 AND user_id = ?2 AND session_hash = ?3",
        params![owner.key, owner.user_id, owner.session_hash],
    )?;
    Ok(moved)
}

/// Deletes the drafts whose session has ended (logged out, expired, ended by a password
/// change or by the demo's reset); returns the stored names of their files.
pub fn purge_abandoned(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare(
        "DELETE FROM draft_attachments
         WHERE session_hash NOT IN (SELECT id_hash FROM sessions)
         RETURNING stored_name",
    )?;
    statement.query_map([], |row| row.get(0))?.collect()
}
