//! Queries on printed batches: the reports the coordination hands to the liaison at once.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct BatchRow {
    pub id: i64,
    pub created_at: i64,
    pub created_by_name: String,
    pub forwarded_at: Option<i64>,
    pub forwarded_by_name: Option<String>,
    pub report_count: i64,
}

/// SQL from literals only (`concat!`), see `organisations.rs`.
macro_rules! select_batches {
    ($rest:literal) => {
        concat!(
            "SELECT b.id, b.created_at, c.display_name, b.forwarded_at,
            f.display_name, (SELECT COUNT(*) FROM batch_reports br WHERE br.batch_id = b.id)
     FROM batches b
     JOIN users c ON c.id = b.created_by
     LEFT JOIN users f ON f.id = b.forwarded_by ",
            $rest
        )
    };
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<BatchRow> {
    Ok(BatchRow {
        id: row.get(0)?,
        created_at: row.get(1)?,
        created_by_name: row.get(2)?,
        forwarded_at: row.get(3)?,
        forwarded_by_name: row.get(4)?,
        report_count: row.get(5)?,
    })
}

/// A new, empty batch; the caller adds the reports in the same transaction.
pub fn insert(conn: &Connection, user_id: i64, now: i64) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO batches (created_by, created_at) VALUES (?1, ?2)",
        params![user_id, now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn add_report(conn: &Connection, batch_id: i64, report_id: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO batch_reports (batch_id, report_id) VALUES (?1, ?2)",
        params![batch_id, report_id],
    )?;
    Ok(())
}

pub fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COUNT(*) FROM batches", [], |row| row.get(0))
}

/// `limit` batches from `offset`, newest first.
pub fn page(conn: &Connection, limit: i64, offset: i64) -> rusqlite::Result<Vec<BatchRow>> {
    let mut statement = conn.prepare(select_batches!("ORDER BY b.id DESC LIMIT ?1 OFFSET ?2"))?;
    statement
        .query_map(params![limit, offset], from_row)?
        .collect()
}

pub fn find(conn: &Connection, id: i64) -> rusqlite::Result<Option<BatchRow>> {
    conn.query_row(select_batches!("WHERE b.id = ?1"), [id], from_row)
        .optional()
}

pub fn report_ids(conn: &Connection, batch_id: i64) -> rusqlite::Result<Vec<i64>> {
    let mut statement =
        conn.prepare("SELECT report_id FROM batch_reports WHERE batch_id = ?1 ORDER BY report_id")?;
    statement.query_map([batch_id], |row| row.get(0))?.collect()
}

/// Marks the batch as handed over; false when it already was, so a repeated form says so.
pub fn mark_forwarded(
    conn: &Connection,
    id: i64,
    user_id: i64,
    now: i64,
) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE batches SET forwarded_by = ?2, forwarded_at = ?3
         WHERE id = ?1 AND forwarded_at IS NULL",
        params![id, user_id, now],
    )?;
    Ok(changed == 1)
}
