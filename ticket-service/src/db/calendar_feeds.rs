//! The private calendar feeds of the Prefettura's staff: one secret address per user, of which
//! only the SHA-256 digest is kept. Making a new one replaces the old; revoking deletes it.

use rusqlite::{Connection, OptionalExtension, params};

use crate::db::audit::{self, AuditEntry};

/// When the user's feed address was made, if they have one.
pub fn created_at(conn: &Connection, user_id: i64) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT created_at FROM calendar_feeds WHERE user_id = ?1",
        [user_id],
        |row| row.get(0),
    )
    .optional()
}

/// Stores the digest of the user's new feed address over the old one, with its audit line.
pub fn replace(
    conn: &mut Connection,
    user_id: i64,
    digest: &[u8],
    entry: &AuditEntry,
    now: i64,
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,
                                             created_at = excluded.created_at",
        params![user_id, digest, now],
    )?;
    audit::append(&tx, entry, now)?;
    tx.commit()
}

/// Deletes the user's feed address, with its audit line; false when there was none.
pub fn revoke(
    conn: &mut Connection,
    user_id: i64,
    entry: &AuditEntry,
    now: i64,
) -> rusqlite::Result<bool> {
    let tx = conn.transaction()?;
    let deleted = tx.execute("DELETE FROM calendar_feeds WHERE user_id = ?1", [user_id])?;
    if deleted == 1 {
        audit::append(&tx, entry, now)?;
    }
    tx.commit()?;
    Ok(deleted == 1)
}

/// The user whose feed address has this digest, if any.
pub fn owner(conn: &Connection, digest: &[u8]) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT user_id FROM calendar_feeds WHERE token_hash = ?1",
        [digest],
        |row| row.get(0),
    )
    .optional()
}
