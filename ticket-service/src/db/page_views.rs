//! The page counter's table: views per (day, path, language), and what the reserved area
//! shows of them.

use rusqlite::{Connection, params};
use serde::Serialize;

/// One more view of `path` in `lang` on `day`.
pub fn count(conn: &Connection, day: &str, path: &str, lang: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO page_views (day, path, lang, views) VALUES (?1, ?2, ?3, 1)
         ON CONFLICT (day, path, lang) DO UPDATE SET views = views + 1",
        params![day, path, lang],
    )?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PageTotal {
    pub path: String,
    pub views: i64,
}

/// The most read pages from `since` (a day, included), all languages together.
pub fn most_read(conn: &Connection, since: &str, limit: i64) -> rusqlite::Result<Vec<PageTotal>> {
    let mut statement = conn.prepare(
        "SELECT path, SUM(views) AS total FROM page_views WHERE day >= ?1
         GROUP BY path ORDER BY total DESC, path LIMIT ?2",
    )?;
    statement
        .query_map(params![since, limit], |row| {
            Ok(PageTotal {
                path: row.get(0)?,
                views: row.get(1)?,
            })
        })?
        .collect()
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DayTotal {
    pub day: String,
    pub views: i64,
}

/// The views of each day from `since`, oldest first; days without views are absent.
pub fn per_day(conn: &Connection, since: &str) -> rusqlite::Result<Vec<DayTotal>> {
    let mut statement = conn.prepare(
        "SELECT day, SUM(views) FROM page_views WHERE day >= ?1 GROUP BY day ORDER BY day",
    )?;
    statement
        .query_map([since], |row| {
            Ok(DayTotal {
                day: row.get(0)?,
                views: row.get(1)?,
            })
        })?
        .collect()
}

/// The views between two days (both included), for the monitoring reports.
pub fn total_between(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COALESCE(SUM(views), 0) FROM page_views WHERE day BETWEEN ?1 AND ?2",
        params![from, to],
        |row| row.get(0),
    )
}
