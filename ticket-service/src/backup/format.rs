//! What a backup file is: the copied database plus two tables of its own, and the errors of
//! making or restoring one.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("copia del database {path} non riuscita: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("impossibile leggere l'allegato {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("impossibile scrivere {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} non è una copia di sicurezza dell'area riservata: {reason}")]
    NotABackup { path: PathBuf, reason: String },
    #[error(
        "la copia {path} è danneggiata (controllo di integrità: {check}); il database attuale non è stato toccato"
    )]
    Damaged { path: PathBuf, check: String },
    #[error(
        "la copia {path} viene da una versione più recente del servizio (schema {found}, questa versione arriva a {supported}): aggiorna il programma prima di ripristinarla"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
}

/// The tables a backup adds to the copied database.
pub(super) const FILES_TABLE: &str = "backup_files";
pub(super) const META_TABLE: &str = "backup_meta";

pub(super) fn integrity(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))
}

/// Flushes `partial` to disk and renames it to `dest`, flushing the folder too.
pub(super) fn sync_and_rename(partial: &Path, dest: &Path) -> Result<(), BackupError> {
    let write = |source| BackupError::Write {
        path: dest.to_owned(),
        source,
    };
    std::fs::File::open(partial)
        .and_then(|file| file.sync_all())
        .map_err(write)?;
    std::fs::rename(partial, dest).map_err(write)?;
    if let Some(folder) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        // Makes the rename itself durable; not every platform can open a folder.
        if let Ok(folder) = std::fs::File::open(folder) {
            let _ = folder.sync_all();
        }
    }
    Ok(())
}
