//! Queries on `form_keys`: the keys the service signs its form tokens with.

use rusqlite::{Connection, OptionalExtension, params};

/// The key called `name`; `candidate`, fresh random bytes, becomes it when there is none yet.
/// Two requests racing on the first use agree on whichever was stored first.
pub fn load_or_create(
    conn: &Connection,
    name: &str,
    candidate: &[u8],
) -> rusqlite::Result<Vec<u8>> {
    let stored = conn
        .query_row(
            "SELECT secret FROM form_keys WHERE name = ?1",
            [name],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(secret) = stored {
        return Ok(secret);
    }
    conn.execute(
        "INSERT OR IGNORE INTO form_keys (name, secret) VALUES (?1, ?2)",
        params![name, candidate],
    )?;
    conn.query_row(
        "SELECT secret FROM form_keys WHERE name = ?1",
        [name],
        |row| row.get(0),
    )
}
