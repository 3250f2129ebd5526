//! Queries on `audit_log`: append and read, nothing else. The table's triggers refuse UPDATE and
//! DELETE as well, so the log stays append-only whatever the code does.

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::domain::audit::AuditEvent;

/// One line to append. `detail` is for facts like a role name, never passwords, tokens or
/// citizens' data.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub event: AuditEvent,
    pub actor_user_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub ip: Option<String>,
    pub detail: String,
}

impl AuditEntry {
    pub fn new(event: AuditEvent) -> Self {
        AuditEntry {
            event,
            actor_user_id: None,
            subject_user_id: None,
            ip: None,
            detail: String::new(),
        }
    }

    pub fn actor(mut self, user_id: i64) -> Self {
        self.actor_user_id = Some(user_id);
        self
    }

    pub fn subject(mut self, user_id: i64) -> Self {
        self.subject_user_id = Some(user_id);
        self
    }

    pub fn ip(mut self, ip: Option<String>) -> Self {
        self.ip = ip;
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

pub fn append(conn: &Connection, entry: &AuditEntry, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, event, actor_user_id, subject_user_id, ip, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            now,
            entry.event.code(),
            entry.actor_user_id,
            entry.subject_user_id,
            entry.ip,
            entry.detail,
        ],
    )?;
    Ok(())
}

/// A stored line, with the user names resolved.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub event: String,
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

pub fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COUNT(*) FROM audit_log", [], |row| row.get(0))
}

/// `limit` lines from `offset`, newest first; a negative `limit` reads to the end.
pub fn page(conn: &Connection, limit: i64, offset: i64) -> rusqlite::Result<Vec<AuditRow>> {
    let mut stmt = conn.prepare(
        "SELECT a.id, a.at, a.event, actor.username, subject.username, a.ip, a.detail
         FROM audit_log a
         LEFT JOIN users actor ON actor.id = a.actor_user_id
         LEFT JOIN users subject ON subject.id = a.subject_user_id
         ORDER BY a.id DESC LIMIT ?1 OFFSET ?2",
    )?;
    stmt.query_map(params![limit, offset], |row| {
        Ok(AuditRow {
            id: row.get(0)?,
            at: row.get(1)?,
            event: row.get(2)?,
            actor: row.get(3)?,
            subject: row.get(4)?,
            ip: row.get(5)?,
            detail: row.get(6)?,
        })
    })?
    .collect()
}
