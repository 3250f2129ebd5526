//! Queries on `topics`: the FAQ categories the coordination assigns to reports, each with the
//! standard answer offered as the start of an answer.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct TopicRow {
    pub id: i64,
    pub name: String,
    pub standard_answer: String,
    /// False once disabled: not offered any more, still shown on the reports that have it.
    pub active: bool,
    /// How many reports have this topic.
    pub reports: i64,
}

const SELECT: &str = "SELECT t.id, t.name, t.standard_answer, t.active,
        (SELECT COUNT(*) FROM reports r WHERE r.topic_id = t.id)
     FROM topics t";

fn from_row(row: &Row<'_>) -> rusqlite::Result<TopicRow> {
    Ok(TopicRow {
        id: row.get(0)?,
        name: row.get(1)?,
        standard_answer: row.get(2)?,
        active: row.get(3)?,
        reports: row.get(4)?,
    })
}

/// Every topic, in alphabetical order.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<TopicRow>> {
    let mut statement = conn.prepare(&format!("{SELECT} ORDER BY t.name COLLATE NOCASE"))?;
    statement.query_map([], from_row)?.collect()
}

pub fn find(conn: &Connection, id: i64) -> rusqlite::Result<Option<TopicRow>> {
    conn.query_row(&format!("{SELECT} WHERE t.id = ?1"), [id], from_row)
        .optional()
}

/// Whether another topic than `except` already has this name, ignoring case.
pub fn name_taken(conn: &Connection, name: &str, except: Option<i64>) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM topics
                        WHERE lower(name) = lower(?1) AND id IS NOT ?2)",
        params![name, except],
        |row| row.get(0),
    )
}

pub fn insert(conn: &Connection, name: &str, standard_answer: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO topics (name, standard_answer, active) VALUES (?1, ?2, 1)",
        params![name, standard_answer],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Renames, rewrites the standard answer and enables or disables; false for an unknown id.
pub fn update(
    conn: &Connection,
    id: i64,
    name: &str,
    standard_answer: &str,
    active: bool,
) -> rusqlite::Result<bool> {
    conn.execute(
        "UPDATE topics SET name = ?2, standard_answer = ?3, active = ?4 WHERE id = ?1",
        params![id, name, standard_answer, active],
    )
    .map(|changed| changed > 0)
}
