//! Backups: one SQLite file holding a consistent copy of the database, made with SQLite's
//! online backup API while the service runs, and the attachment files its rows name.
//!
//! The copy is written beside its destination and renamed into place only once it is
//! complete and checked, so an interrupted backup never leaves a file that looks whole.

mod format;
mod restore;
pub mod schedule;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags, params};

pub use format::BackupError;
pub use restore::{RestoreReport, restore};

use format::{FILES_TABLE, META_TABLE, integrity, sync_and_rename};

/// What a backup holds, for the person who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub file: PathBuf,
    pub schema_version: i64,
    pub reports: i64,
    pub files: usize,
    /// Attachments a row names but the folder does not hold (already missing before).
    pub missing_files: Vec<String>,
    pub bytes: u64,
}

/// Copies the database at `database` and the attachments under `attachment_dir` into `dest`.
pub fn make(
    database: &Path,
    attachment_dir: &Path,
    dest: &Path,
    now: i64,
) -> Result<BackupReport, BackupError> {
    let partial = partial_path(dest);
    let _ = std::fs::remove_file(&partial);
    let sqlite = |source| BackupError::Sqlite {
        path: database.to_owned(),
        source,
    };
    let source = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite)?;
    source
        .busy_timeout(Duration::from_secs(5))
        .map_err(sqlite)?;
    let mut copy = Connection::open(&partial).map_err(sqlite)?;
    copy_pages(&source, &mut copy).map_err(sqlite)?;
    drop(source);
    let result = fill_copy(&mut copy, attachment_dir, now);
    drop(copy);
    let mut report = match result {
        Ok(report) => report,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
    };
    sync_and_rename(&partial, dest)?;
    report.file = dest.to_owned();
    report.bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
    Ok(report)
}

/// Copies every page in one step: the step reads one snapshot of the WAL database, so the
/// copy is consistent however many writes run meanwhile, and writers are never blocked.
fn copy_pages(source: &Connection, copy: &mut Connection) -> rusqlite::Result<()> {
    let backup = Backup::new(source, copy)?;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked => {
                std::thread::sleep(Duration::from_millis(50));
            }
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Adds the attachments and the backup's facts to the copy, then checks it.
fn fill_copy(
    copy: &mut Connection,
    attachment_dir: &Path,
    now: i64,
) -> Result<BackupReport, BackupError> {
    let sqlite = |source| BackupError::Sqlite {
        path: PathBuf::from("(copia)"),
        source,
    };
    copy.pragma_update(None, "journal_mode", "DELETE")
        .map_err(sqlite)?;
    let tx = copy.transaction().map_err(sqlite)?;
    tx.execute_batch(&format!(
        "CREATE TABLE {FILES_TABLE} (name TEXT PRIMARY KEY, bytes BLOB NOT NULL);
         CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    ))
    .map_err(sqlite)?;
    let names = attachment_names(&tx).map_err(sqlite)?;
    let mut files = 0;
    let mut missing_files = Vec::new();
    for name in names {
        let path = attachment_dir.join(&name);
        match std::fs::read(&path) {
            Ok(bytes) => {
                tx.execute(
                    &format!("INSERT INTO {FILES_TABLE} (name, bytes) VALUES (?1, ?2)"),
                    params![name, bytes],
                )
                .map_err(sqlite)?;
                files += 1;
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => missing_files.push(name),
            Err(source) => return Err(BackupError::ReadFile { path, source }),
        }
    }
    let schema_version: i64 = tx
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(sqlite)?;
    let reports: i64 = tx
        .query_row("SELECT count(*) FROM reports", [], |row| row.get(0))
        .map_err(sqlite)?;
    for (key, value) in [
        ("made_at", now.to_string()),
        ("schema_version", schema_version.to_string()),
        ("files", files.to_string()),
    ] {
        tx.execute(
            &format!("INSERT INTO {META_TABLE} (key, value) VALUES (?1, ?2)"),
            params![key, value],
        )
        .map_err(sqlite)?;
    }
    tx.commit().map_err(sqlite)?;
    let check = integrity(copy).map_err(sqlite)?;
    if check != "ok" {
        return Err(BackupError::Damaged {
            path: PathBuf::from("(copia)"),
            check,
        });
    }
    Ok(BackupReport {
        file: PathBuf::new(),
        schema_version,
        reports,
        files,
        missing_files,
        bytes: 0,
    })
}

/// The stored names of every attachment, sent or still in a form being written.
fn attachment_names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare(
        "SELECT stored_name FROM attachments
         UNION SELECT stored_name FROM draft_attachments ORDER BY 1",
    )?;
    let names = statement.query_map([], |row| row.get(0))?;
    names.collect()
}

fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_owned();
    name.push(".parziale");
    dest.with_file_name(name)
}
