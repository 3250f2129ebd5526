//! The aggregate queries of the monitoring report: counts of a period, never a row about a
//! person. Times are UTC seconds `[from, to)`; days are `YYYY-MM-DD`, both included.

use rusqlite::{Connection, params};

/// (label, count) rows, largest first.
fn counts(
    conn: &Connection,
    sql: &str,
    from: i64,
    to: i64,
) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut statement = conn.prepare(sql)?;
    statement
        .query_map(params![from, to], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect()
}

/// Reports filed in the period.
pub fn reports_filed(conn: &Connection, from: i64, to: i64) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COUNT(*) FROM reports WHERE created_at >= ?1 AND created_at < ?2",
        params![from, to],
        |row| row.get(0),
    )
}

/// Reports filed in the period, by the state they are in now.
pub fn reports_by_state(
    conn: &Connection,
    from: i64,
    to: i64,
) -> rusqlite::Result<Vec<(String, i64)>> {
    counts(
        conn,
        "SELECT state, COUNT(*) AS n FROM reports WHERE created_at >= ?1 AND created_at < ?2
         GROUP BY state ORDER BY n DESC, state",
        from,
        to,
    )
}

/// Reports filed in the period, by topic ('' for none yet).
pub fn reports_by_topic(
    conn: &Connection,
    from: i64,
    to: i64,
) -> rusqlite::Result<Vec<(String, i64)>> {
    counts(
        conn,
        "SELECT COALESCE(t.name, ''), COUNT(*) AS n FROM reports r
         LEFT JOIN topics t ON t.id = r.topic_id
         WHERE r.created_at >= ?1 AND r.created_at < ?2
         GROUP BY t.name ORDER BY n DESC, t.name",
        from,
        to,
    )
}

/// Reports filed in the period, by the territorial area of the organisation that filed them
/// ('' when it has none).
pub fn reports_by_area(
    conn: &Connection,
    from: i64,
    to: i64,
) -> rusqlite::Result<Vec<(String, i64)>> {
    counts(
        conn,
        "SELECT COALESCE(o.area, ''), COUNT(*) AS n FROM reports r
         JOIN organisations o ON o.id = r.organisation_id
         WHERE r.created_at >= ?1 AND r.created_at < ?2
         GROUP BY o.area ORDER BY n DESC, o.area",
        from,
        to,
    )
}

/// For each report whose answer was first published in the period, the days from filing to
/// that answer.
pub fn answer_days(conn: &Connection, from: i64, to: i64) -> rusqlite::Result<Vec<f64>> {
    let mut statement = conn.prepare(
        "SELECT (first.at - r.created_at) / 86400.0 FROM reports r
         JOIN (SELECT report_id, MIN(at) AS at FROM report_events
               WHERE action = 'pubblica_risposta' GROUP BY report_id) first
           ON first.report_id = r.id
         WHERE first.at >= ?1 AND first.at < ?2",
    )?;
    statement
        .query_map(params![from, to], |row| row.get(0))?
        .collect()
}

/// Appointments of the period's days, by kind and outcome.
pub fn appointments(
    conn: &Connection,
    first: &str,
    last: &str,
) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut statement = conn.prepare(
        "SELECT k.name || ' – ' || b.state, COUNT(*) AS n FROM bookings b
         JOIN appointment_kinds k ON k.id = b.kind_id
         WHERE substr(b.starts_at, 1, 10) BETWEEN ?1 AND ?2
         GROUP BY k.name, b.state ORDER BY k.name, b.state",
    )?;
    statement
        .query_map(params![first, last], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect()
}

/// The most read pages of the period's days.
pub fn most_read(
    conn: &Connection,
    first: &str,
    last: &str,
) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut statement = conn.prepare(
        "SELECT path, SUM(views) AS n FROM page_views WHERE day BETWEEN ?1 AND ?2
         GROUP BY path ORDER BY n DESC, path LIMIT 10",
    )?;
    statement
        .query_map(params![first, last], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect()
}
