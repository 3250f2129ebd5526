//! Queries on `feedback`: what readers of the portal sent, and how many found each page
//! useful. The table holds no address, cookie or browser of the sender.

use jiff::civil::Date;
use rusqlite::{Connection, Row, params};

use crate::db::columns::{parsed, parsed_optional};
use crate::domain::feedback::{Feedback, FeedbackKind};

/// One reader's feedback, as the coordination reads it.
#[derive(Debug, Clone)]
pub struct FeedbackRow {
    pub id: i64,
    pub day: Date,
    pub kind: FeedbackKind,
    pub page: String,
    pub useful: Option<bool>,
    pub comment: String,
    pub reply_email: Option<String>,
    pub due_date: Option<Date>,
    /// For an accessibility report: 'aperta', 'risposta' or 'chiusa'.
    pub state: Option<String>,
}

/// How many readers found a page useful and how many did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCounts {
    pub page: String,
    pub useful: i64,
    pub not_useful: i64,
}

pub fn insert(conn: &Connection, feedback: &Feedback) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO feedback (day, kind, page, useful, comment, reply_email, due_date, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?2 = 'accessibilita' THEN 'aperta' END)",
        params![
            feedback.day.to_string(),
            feedback.kind.as_str(),
            feedback.page,
            feedback.useful,
            feedback.comment,
            feedback.reply_email,
            feedback.due_date.map(|day| day.to_string()),
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<FeedbackRow> {
    Ok(FeedbackRow {
        id: row.get("id")?,
        day: parsed(row, "day")?,
        kind: parsed(row, "kind")?,
        page: row.get("page")?,
        useful: row.get("useful")?,
        comment: row.get("comment")?,
        reply_email: row.get("reply_email")?,
        due_date: parsed_optional(row, "due_date")?,
        state: row.get("state")?,
    })
}

/// What the list shows: accessibility reports, and the pages' feedback that has a comment;
/// the bare answers are in the counts.
const TO_READ: &str = "kind = 'accessibilita' OR comment <> ''";

/// How many entries the list has.
pub fn count_to_read(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        &format!("SELECT COUNT(*) FROM feedback WHERE {TO_READ}"),
        [],
        |row| row.get(0),
    )
}

/// `limit` entries of the list from `offset`: accessibility reports first, then the newest.
pub fn page_to_read(
    conn: &Connection,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<FeedbackRow>> {
    let mut statement = conn.prepare(&format!(
        "SELECT id, day, kind, page, useful, comment, reply_email, due_date, state
         FROM feedback WHERE {TO_READ}
         ORDER BY kind = 'accessibilita' DESC, state = 'chiusa', day DESC, id DESC
         LIMIT ?1 OFFSET ?2"
    ))?;
    statement
        .query_map(params![limit, offset], from_row)?
        .collect()
}

/// How many pages have answers.
pub fn count_pages(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COUNT(DISTINCT page) FROM feedback WHERE kind = 'pagina'",
        [],
        |row| row.get(0),
    )
}

/// `limit` pages from `offset` with their counts: those found not useful most often first.
pub fn page_counts(
    conn: &Connection,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<PageCounts>> {
    let mut statement = conn.prepare(
        "SELECT page, SUM(useful), SUM(1 - useful) FROM feedback WHERE kind = 'pagina'
         GROUP BY page
         ORDER BY SUM(1 - useful) DESC, COUNT(*) DESC, page
         LIMIT ?1 OFFSET ?2",
    )?;
    statement
        .query_map(params![limit, offset], |row| {
            Ok(PageCounts {
                page: row.get(0)?,
                useful: row.get(1)?,
                not_useful: row.get(2)?,
            })
        })?
        .collect()
}

/// Moves the accessibility report `id` from `from` to `to`; false when it is not in `from`
/// (a form sent twice, or another kind of feedback).
pub fn move_item(conn: &Connection, id: i64, from: &str, to: &str) -> rusqlite::Result<bool> {
    conn.execute(
        "UPDATE feedback SET state = ?3 WHERE id = ?1 AND kind = 'accessibilita' AND state = ?2",
        params![id, from, to],
    )
    .map(|changed| changed == 1)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::db::Db;

    fn vote(page: &str, useful: bool, comment: &str) -> Feedback {
        Feedback {
            day: date(2026, 11, 20),
            kind: FeedbackKind::Page,
            page: page.to_owned(),
            useful: Some(useful),
            comment: comment.to_owned(),
            reply_email: None,
            due_date: None,
        }
    }

    #[test]
    fn accessibility_reports_come_first_and_bare_answers_only_count() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite3")).unwrap();
        db.call_blocking(|conn| {
            insert(conn, &vote("/faq/", true, ""))?;
            insert(conn, &vote("/faq/", false, "poco chiara"))?;
            insert(
                conn,
                &Feedback {
                    day: date(2026, 11, 1),
                    kind: FeedbackKind::Accessibility,
                    page: "Contatti".to_owned(),
                    useful: None,
                    comment: "Contrasto basso".to_owned(),
                    reply_email: Some("anna@example.it".to_owned()),
                    due_date: Some(date(2026, 12, 1)),
                },
            )?;
            insert(conn, &vote("/contatti/", false, ""))?;
            insert(conn, &vote("/contatti/", false, ""))?;
            assert_eq!(count_to_read(conn)?, 2);
            let rows = page_to_read(conn, 10, 0)?;
            assert_eq!(rows[0].kind, FeedbackKind::Accessibility);
            assert_eq!(rows[0].due_date, Some(date(2026, 12, 1)));
            assert_eq!(rows[1].comment, "poco chiara");
            assert_eq!(count_pages(conn)?, 2);
            let counts = page_counts(conn, 10, 0)?;
            let expected = |page: &str, useful, not_useful| PageCounts {
                page: page.to_owned(),
                useful,
                not_useful,
            };
            assert_eq!(
                counts,
                vec![expected("/contatti/", 0, 2), expected("/faq/", 1, 1)]
            );
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn the_rules_of_the_table_hold_whatever_the_code_does() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite3")).unwrap();
        for sql in [
            "INSERT INTO feedback (day, kind, page) VALUES ('2026-11-20', 'pagina', '/')",
            "INSERT INTO feedback (day, kind, page, useful, due_date)
             VALUES ('2026-11-20', 'pagina', '/', 1, '2026-12-20')",
            "INSERT INTO feedback (day, kind, page) VALUES ('2026-11-20', 'accessibilita', '')",
            "INSERT INTO feedback (day, kind, page, useful) VALUES ('2026-11-20', 'altro', '/', 1)",
        ] {
            assert!(db.call_blocking(|c| c.execute(sql, [])).is_err(), "{sql}");
        }
    }
}
