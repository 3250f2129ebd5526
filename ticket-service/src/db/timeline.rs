//! What happens to a report after it is filed: state changes with their timeline entries,
//! internal notes, answers and the topic.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::domain::report::{ReportAction, ReportState};

/// The changes a transition makes besides the state.
#[derive(Debug, Clone, Default)]
pub struct TransitionEffects {
    /// A new due date (after a pause, or at reopening).
    pub due_date: Option<String>,
    /// Start the pause of the clock now.
    pub start_waiting: bool,
    /// End the pause, adding this many seconds to the time spent waiting.
    pub stop_waiting_after: Option<i64>,
    pub reopened: bool,
}

/// Moves report `id` from `from` to `to` and appends the timeline entry, in the caller's
/// transaction, only when the report is still in `from`: a form sent twice, or two people
/// acting at once, change it once. Returns whether the change was made.
#[allow(clippy::too_many_arguments)]
pub fn apply_transition(
    conn: &Transaction<'_>,
    id: i64,
    user_id: i64,
    action: ReportAction,
    from: ReportState,
    to: ReportState,
    comment: &str,
    effects: &TransitionEffects,
    now: i64,
) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE reports SET
             state = ?3,
             due_date = COALESCE(?4, due_date),
             waiting_since = CASE WHEN ?5 THEN ?8 WHEN ?6 IS NOT NULL THEN NULL ELSE waiting_since END,
             waited_secs = waited_secs + COALESCE(?6, 0),
             reopen_count = reopen_count + ?7,
             updated_at = ?8
         WHERE id = ?1 AND state = ?2",
        params![
            id,
            from.as_str(),
            to.as_str(),
            effects.due_date,
            effects.start_waiting,
            effects.stop_waiting_after,
            i64::from(effects.reopened),
            now,
        ],
    )?;
    if changed == 0 {
        return Ok(false);
    }
    append_event(
        conn,
        id,
        user_id,
        action.as_str(),
        Some(from),
        Some(to),
        comment,
        now,
    )?;
    Ok(true)
}

/// Appends a timeline entry; the table's triggers refuse any later change to it.
#[allow(clippy::too_many_arguments)]
pub fn append_event(
    conn: &Connection,
    report_id: i64,
    user_id: i64,
    action: &str,
    from: Option<ReportState>,
    to: Option<ReportState>,
    comment: &str,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO report_events (report_id, at, user_id, action, from_state, to_state, comment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            report_id,
            now,
            user_id,
            action,
            from.map(ReportState::as_str),
            to.map(ReportState::as_str),
            comment,
        ],
    )?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub at: i64,
    pub user_name: String,
    pub organisation_name: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub comment: String,
}

pub fn events(conn: &Connection, report_id: i64) -> rusqlite::Result<Vec<EventRow>> {
    let mut statement = conn.prepare_cached(
        "SELECT e.at, u.display_name, o.name, e.action, e.from_state, e.to_state, e.comment
         FROM report_events e
         JOIN users u ON u.id = e.user_id
         JOIN organisations o ON o.id = u.organisation_id
         WHERE e.report_id = ?1 ORDER BY e.id",
    )?;
    statement
        .query_map([report_id], |row| {
            Ok(EventRow {
                at: row.get(0)?,
                user_name: row.get(1)?,
                organisation_name: row.get(2)?,
                action: row.get(3)?,
                from_state: row.get(4)?,
                to_state: row.get(5)?,
                comment: row.get(6)?,
            })
        })?
        .collect()
}

/// A dated text by someone: an internal note or an answer.
#[derive(Debug, Clone, Serialize)]
pub struct TextRow {
    pub at: i64,
    pub user_name: String,
    pub body: String,
    pub stage: String,
}

pub fn add_note(
    conn: &Connection,
    report_id: i64,
    user_id: i64,
    body: &str,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO internal_notes (report_id, user_id, at, body) VALUES (?1, ?2, ?3, ?4)",
        params![report_id, user_id, now, body],
    )?;
    Ok(())
}

pub fn notes(conn: &Connection, report_id: i64) -> rusqlite::Result<Vec<TextRow>> {
    let mut statement = conn.prepare_cached(
        "SELECT n.at, u.display_name, n.body FROM internal_notes n
         JOIN users u ON u.id = n.user_id WHERE n.report_id = ?1 ORDER BY n.id",
    )?;
    statement
        .query_map([report_id], |row| {
            Ok(TextRow {
                at: row.get(0)?,
                user_name: row.get(1)?,
                body: row.get(2)?,
                stage: String::new(),
            })
        })?
        .collect()
}

/// Which answers a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerStages {
    /// Only what was published to the office.
    Published,
    /// Also what the liaison recorded, for the coordination and the liaison.
    All,
}

pub fn add_answer(
    conn: &Connection,
    report_id: i64,
    user_id: i64,
    stage: &str,
    body: &str,
    now: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO answers (report_id, stage, user_id, at, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![report_id, stage, user_id, now, body],
    )?;
    Ok(())
}

pub fn answers(
    conn: &Connection,
    report_id: i64,
    stages: AnswerStages,
) -> rusqlite::Result<Vec<TextRow>> {
    let mut statement = conn.prepare_cached(
        "SELECT a.at, u.display_name, a.body, a.stage FROM answers a
         JOIN users u ON u.id = a.user_id
         WHERE a.report_id = ?1 AND (?2 OR a.stage = 'pubblicata') ORDER BY a.id",
    )?;
    statement
        .query_map(params![report_id, stages == AnswerStages::All], |row| {
            Ok(TextRow {
                at: row.get(0)?,
                user_name: row.get(1)?,
                body: row.get(2)?,
                stage: row.get(3)?,
            })
        })?
        .collect()
}

/// The latest answer of `stage`, the starting text of the publishing form.
pub fn latest_answer(
    conn: &Connection,
    report_id: i64,
    stage: &str,
) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT body FROM answers WHERE report_id = ?1 AND stage = ?2 ORDER BY id DESC LIMIT 1",
    )?
    .query_row(params![report_id, stage], |row| row.get(0))
    .optional()
}

/// Sets the topic and appends the timeline entry, in the caller's transaction; returns false
/// when it was already that topic, so a repeated form says so.
pub fn set_topic(
    conn: &Transaction<'_>,
    report_id: i64,
    topic: &super::topics::TopicRow,
    user_id: i64,
    now: i64,
) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE reports SET topic_id = ?2, updated_at = ?3
         WHERE id = ?1 AND topic_id IS NOT ?2",
        params![report_id, topic.id, now],
    )?;
    if changed == 0 {
        return Ok(false);
    }
    append_event(
        conn,
        report_id,
        user_id,
        "argomento",
        None,
        None,
        &topic.name,
        now,
    )?;
    Ok(true)
}
