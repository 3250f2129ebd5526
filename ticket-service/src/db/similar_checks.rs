//! What the "similar questions" step showed for each report form, by its submission key, and
//! whether the report filed from it had been shown any suggestion (`reports.similar_shown`).

use rusqlite::{Connection, Transaction, params};

/// Unsent forms older than this are forgotten.
const KEEP_SECS: i64 = 7 * 86_400;

/// Records that the form `key` showed `faq` FAQ and `reports` answered reports; a form checked
/// several times keeps the most it was shown.
pub fn record(
    conn: &Connection,
    key: &str,
    user_id: i64,
    faq: usize,
    reports: usize,
    now: i64,
) -> rusqlite::Result<()> {
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    conn.execute(
        "INSERT INTO similar_checks (submission_key, user_id, at, faq_shown, reports_shown)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (submission_key) DO UPDATE SET
             at = excluded.at,
             faq_shown = MAX(faq_shown, excluded.faq_shown),
             reports_shown = MAX(reports_shown, excluded.reports_shown)
         WHERE user_id = excluded.user_id",
        params![key, user_id, now, count(faq), count(reports)],
    )?;
    conn.execute(
        "DELETE FROM similar_checks WHERE at < ?1",
        [now.saturating_sub(KEEP_SECS)],
    )?;
    Ok(())
}

/// Marks report `report_id`, just filed from form `key`, with whether a suggestion had been
/// shown, in the filing's transaction, and forgets the form's checks.
pub fn mark_filed(tx: &Transaction<'_>, report_id: i64, key: &str) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE reports SET similar_shown = COALESCE(
             (SELECT faq_shown + reports_shown > 0 FROM similar_checks WHERE submission_key = ?2),
             0)
         WHERE id = ?1",
        params![report_id, key],
    )?;
    tx.execute(
        "DELETE FROM similar_checks WHERE submission_key = ?1",
        [key],
    )?;
    Ok(())
}

/// Of the reports filed since the step exists, how many had been shown a suggestion, and how
/// many there are.
pub fn shown_share(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row(
        "SELECT COALESCE(SUM(similar_shown), 0), COUNT(similar_shown) FROM reports",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
}
