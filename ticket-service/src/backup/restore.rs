//! Putting a backup back: checked first, the current database kept aside, never overwritten.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::format::{BackupError, FILES_TABLE, META_TABLE, integrity, sync_and_rename};

/// What a restore put back, and where the database it replaced was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    pub schema_version: i64,
    pub reports: i64,
    pub files: usize,
    /// The database (and its WAL files) as they were before, renamed; none when there was none.
    pub previous: Option<PathBuf>,
}

/// Restores `backup` as the database at `database`, its files into `attachment_dir`. The
/// service must be stopped. The backup is checked (integrity, that it is one, its schema
/// version no newer than `supported_version`) before anything is touched; the database it
/// replaces is renamed with `.prima-del-ripristino-<now>`, not deleted.
pub fn restore(
    backup: &Path,
    database: &Path,
    attachment_dir: &Path,
    supported_version: i64,
    now: i64,
) -> Result<RestoreReport, BackupError> {
    let schema_version = check_backup(backup, supported_version)?;
    let staged = staged_path(database);
    let write = |path: &Path| {
        let path = path.to_owned();
        move |source| BackupError::Write { path, source }
    };
    if let Some(folder) = database.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(write(folder))?;
    }
    std::fs::copy(backup, &staged).map_err(write(&staged))?;
    let unpacked = unpack(&staged, attachment_dir);
    let (reports, files) = match unpacked {
        Ok(counts) => counts,
        Err(error) => {
            let _ = std::fs::remove_file(&staged);
            return Err(error);
        }
    };
    let previous = set_aside(database, now)?;
    sync_and_rename(&staged, database)?;
    Ok(RestoreReport {
        schema_version,
        reports,
        files,
        previous,
    })
}

/// Checks `backup` without changing it; its schema version.
fn check_backup(backup: &Path, supported_version: i64) -> Result<i64, BackupError> {
    let not_a_backup = |reason: String| BackupError::NotABackup {
        path: backup.to_owned(),
        reason,
    };
    if !backup.is_file() {
        return Err(not_a_backup("il file non esiste".to_owned()));
    }
    let conn = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|error| not_a_backup(error.to_string()))?;
    let check = integrity(&conn).map_err(|error| not_a_backup(error.to_string()))?;
    if check != "ok" {
        return Err(BackupError::Damaged {
            path: backup.to_owned(),
            check,
        });
    }
    let recorded: Option<String> = conn
        .query_row(
            &format!("SELECT value FROM {META_TABLE} WHERE key = 'schema_version'"),
            [],
            |row| row.get(0),
        )
        .map_err(|_| not_a_backup("mancano i dati della copia (tabella backup_meta)".to_owned()))
        .map(Some)?;
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(|error| not_a_backup(error.to_string()))?;
    if recorded.as_deref() != Some(found.to_string().as_str()) {
        return Err(not_a_backup(
            "la versione dello schema non corrisponde a quella registrata".to_owned(),
        ));
    }
    if found > supported_version {
        return Err(BackupError::TooNew {
            path: backup.to_owned(),
            found,
            supported: supported_version,
        });
    }
    Ok(found)
}

/// Writes the backup's files into `attachment_dir` and drops the backup's own tables from the
/// staged copy; the number of reports and files.
fn unpack(staged: &Path, attachment_dir: &Path) -> Result<(i64, usize), BackupError> {
    let sqlite = |source| BackupError::Sqlite {
        path: staged.to_owned(),
        source,
    };
    let conn = Connection::open(staged).map_err(sqlite)?;
    std::fs::create_dir_all(attachment_dir).map_err(|source| BackupError::Write {
        path: attachment_dir.to_owned(),
        source,
    })?;
    let mut files = 0;
    {
        let mut statement = conn
            .prepare(&format!("SELECT name, bytes FROM {FILES_TABLE}"))
            .map_err(sqlite)?;
        let mut rows = statement.query([]).map_err(sqlite)?;
        while let Some(row) = rows.next().map_err(sqlite)? {
            let name: String = row.get(0).map_err(sqlite)?;
            let bytes: Vec<u8> = row.get(1).map_err(sqlite)?;
            write_file(attachment_dir, &name, &bytes)?;
            files += 1;
        }
    }
    conn.execute_batch(&format!(
        "DROP TABLE {FILES_TABLE}; DROP TABLE {META_TABLE}; VACUUM;"
    ))
    .map_err(sqlite)?;
    let reports = conn
        .query_row("SELECT count(*) FROM reports", [], |row| row.get(0))
        .map_err(sqlite)?;
    Ok((reports, files))
}

/// Writes one attachment under its stored name; the names are random tokens, and one with a
/// path separator is refused rather than written outside the folder.
fn write_file(folder: &Path, name: &str, bytes: &[u8]) -> Result<(), BackupError> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(BackupError::NotABackup {
            path: folder.to_owned(),
            reason: format!("nome di allegato non valido «{name}»"),
        });
    }
    let path = folder.join(name);
    let partial = folder.join(format!(".{name}.parziale"));
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, &path))
        .map_err(|source| BackupError::Write { path, source })
}

/// Renames the current database and its WAL files aside; the new name of the main file.
fn set_aside(database: &Path, now: i64) -> Result<Option<PathBuf>, BackupError> {
    if !database.exists() {
        return Ok(None);
    }
    let suffix = format!(".prima-del-ripristino-{now}");
    let mut kept = None;
    for extra in ["", "-wal", "-shm"] {
        let from = with_suffix(database, extra);
        if !from.exists() {
            continue;
        }
        let to = with_suffix(&from, &suffix);
        std::fs::rename(&from, &to).map_err(|source| BackupError::Write {
            path: to.clone(),
            source,
        })?;
        if extra.is_empty() {
            kept = Some(to);
        }
    }
    Ok(kept)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(suffix);
    path.with_file_name(name)
}

fn staged_path(database: &Path) -> PathBuf {
    with_suffix(database, ".ripristino")
}
