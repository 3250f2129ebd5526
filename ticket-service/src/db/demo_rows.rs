//! Removing what `serve --demo` left behind: the reports filed by the demo accounts, with
//! everything that hangs on them, and the batches that held only such reports.

use rusqlite::Transaction;

/// What a purge removed; the files of the attachments are for the caller to delete.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PurgedDemo {
    pub reports: usize,
    pub batches: usize,
    /// Stored names of the removed attachments, under the attachment folder.
    pub stored_files: Vec<String>,
}

/// Deletes the demo reports and their timeline, notes, answers, attachments, notifications
/// and batch places, then the batches left empty, in the caller's transaction (which writes
/// the audit line too). The statements name the demo reports through the same sub-query, so
/// each one is plain, fixed SQL.
pub fn purge(tx: &Transaction<'_>) -> rusqlite::Result<PurgedDemo> {
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS purge_reports (id INTEGER PRIMARY KEY);
         CREATE TEMP TABLE IF NOT EXISTS purge_batches (id INTEGER PRIMARY KEY);
         DELETE FROM purge_reports;
         DELETE FROM purge_batches;
         INSERT INTO purge_reports (id)
             SELECT r.id FROM reports r JOIN users u ON u.id = r.filed_by WHERE u.demo = 1;
         INSERT INTO purge_batches (id)
             SELECT DISTINCT batch_id FROM batch_reports
             WHERE report_id IN (SELECT id FROM purge_reports);",
    )?;
    let stored_files: Vec<String> = tx
        .prepare(
            "SELECT stored_name FROM attachments
             WHERE report_id IN (SELECT id FROM purge_reports)",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    tx.execute_batch(
        "DELETE FROM faq_export_reports WHERE report_id IN (SELECT id FROM purge_reports);
         DELETE FROM notifications WHERE report_id IN (SELECT id FROM purge_reports);
         DELETE FROM answers WHERE report_id IN (SELECT id FROM purge_reports);
         DELETE FROM internal_notes WHERE report_id IN (SELECT id FROM purge_reports);
         DELETE FROM attachments WHERE report_id IN (SELECT id FROM purge_reports);
         DELETE FROM batch_reports WHERE report_id IN (SELECT id FROM purge_reports);
         DELETE FROM report_events WHERE report_id IN (SELECT id FROM purge_reports);",
    )?;
    let reports = tx.execute(
        "DELETE FROM reports WHERE id IN (SELECT id FROM purge_reports)",
        [],
    )?;
    let batches = tx.execute(
        "DELETE FROM batches WHERE id IN (SELECT id FROM purge_batches)
           AND NOT EXISTS (SELECT 1 FROM batch_reports b WHERE b.batch_id = batches.id)",
        [],
    )?;
    tx.execute_batch("DELETE FROM purge_reports; DELETE FROM purge_batches;")?;
    Ok(PurgedDemo {
        reports,
        batches,
        stored_files,
    })
}
