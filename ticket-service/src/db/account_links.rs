//! Queries on `account_links`.

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::account_link::{self, LinkPurpose};

/// Stores a new link for `user_id`, replacing any unused link with the same purpose, so only
/// the newest mail works.
pub fn create(
    conn: &Connection,
    user_id: i64,
    purpose: LinkPurpose,
    token_hash: &[u8],
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM account_links WHERE user_id = ?1 AND purpose = ?2 AND used_at IS NULL",
        params![user_id, purpose.as_str()],
    )?;
    conn.execute(
        "INSERT INTO account_links (user_id, purpose, token_hash, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            user_id,
            purpose.as_str(),
            token_hash,
            now,
            now + purpose.lifetime_secs()
        ],
    )?;
    Ok(())
}

/// Deletes every link of `user_id` not used yet, whatever its purpose.
pub fn delete_unused(conn: &Connection, user_id: i64) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM account_links WHERE user_id = ?1 AND used_at IS NULL",
        [user_id],
    )?;
    Ok(())
}

/// The user a usable link of this purpose belongs to.
pub fn find_usable(
    conn: &Connection,
    purpose: LinkPurpose,
    token_hash: &[u8],
    now: i64,
) -> rusqlite::Result<Option<i64>> {
    let found: Option<(i64, i64, Option<i64>)> = conn
        .query_row(
            "SELECT user_id, expires_at, used_at FROM account_links
             WHERE token_hash = ?1 AND purpose = ?2",
            params![token_hash, purpose.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    Ok(found
        .filter(|(_, expires_at, used_at)| account_link::is_usable(*expires_at, *used_at, now))
        .map(|(user_id, _, _)| user_id))
}

/// Marks a link as used; false if it was already used, so two tabs cannot both use it.
pub fn consume(conn: &Connection, token_hash: &[u8], now: i64) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE account_links SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL",
        params![token_hash, now],
    )?;
    Ok(changed == 1)
}
