//! The SQLite database: opening it safely, migrations, and the queries of each table.

pub mod account_links;
pub mod appointments;
pub mod attachment_usage;
pub mod attachments;
pub mod audit;
pub mod batches;
pub mod columns;
pub mod demo_rows;
pub mod drafts;
pub mod faq_exports;
pub mod feedback;
pub mod monitoring;
pub mod notifications;
pub mod organisations;
pub mod page_views;
pub mod reports;
pub mod sessions;
pub mod timeline;
pub mod topics;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

/// A handle to the database, cheap to clone.
///
/// SQLite allows one writer at a time, and the reserved area has a few dozen users, so one
/// connection behind a mutex is enough; the work runs on tokio's blocking threads so a slow
/// query never stalls the async workers.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "il database {path} non si può aprire o è danneggiato ({source}); il servizio non lo sostituisce con uno nuovo: ripristina una copia di sicurezza o sposta il file"
    )]
    Unusable {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("impossibile creare la cartella {path} per il database: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("aggiornamento dello schema del database {path} non riuscito: {source}")]
    Migration {
        path: PathBuf,
        source: rusqlite_migration::Error,
    },
    #[error("errore del database: {0}")]
    Query(#[from] rusqlite::Error),
    #[error("operazione sul database interrotta")]
    Interrupted,
}

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("migrations/0001_initial.sql")),
        M::up(include_str!("migrations/0002_account_links.sql")),
        M::up(include_str!("migrations/0003_second_factor.sql")),
        M::up(include_str!("migrations/0004_reports.sql")),
        M::up(include_str!("migrations/0005_demo_rows.sql")),
        M::up(include_str!("migrations/0006_session_details.sql")),
        M::up(include_str!("migrations/0007_topic_state.sql")),
        M::up(include_str!("migrations/0008_draft_attachments.sql")),
        M::up(include_str!("migrations/0009_manual_organisations.sql")).foreign_key_check(),
        M::up(include_str!("migrations/0010_attachment_quotas.sql")),
        M::up(include_str!("migrations/0011_appointments.sql")),
        M::up(include_str!("migrations/0012_feedback.sql")),
        M::up(include_str!("migrations/0016_faq_topics.sql")),
    ])
}

/// Applies the pending migrations, then turns foreign keys on. They are off while migrations
/// run, so a migration can rebuild a table that others point at; such migrations check every
/// reference before they commit.
fn migrate(conn: &mut Connection) -> Result<(), rusqlite_migration::Error> {
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    migrations().to_latest(conn)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

impl Db {
    /// Opens `path`, creating it (and its folder) only when it does not exist, checks it, sets
    /// WAL, foreign keys and a busy timeout, and applies pending migrations.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        let unusable = |source| DbError::Unusable {
            path: path.to_owned(),
            source,
        };
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        // An existing file is never opened with CREATE, so a path that turns out to be
        // unreadable is reported instead of being replaced by a fresh, empty database.
        if !path.exists() {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|source| DbError::CreateDir {
                    path: parent.to_owned(),
                    source,
                })?;
            }
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let mut conn = Connection::open_with_flags(path, flags).map_err(unusable)?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(unusable)?;
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |row| row.get(0))
            .map_err(unusable)?;
        if check != "ok" {
            return Err(unusable(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(check),
            )));
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(unusable)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(unusable)?;
        migrate(&mut conn).map_err(|source| DbError::Migration {
            path: path.to_owned(),
            source,
        })?;
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` with the connection on a blocking thread.
    pub async fn call<T, F>(&self, work: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock leaves the connection itself usable: SQLite rolls
            // back any open transaction, so the poison flag carries no information here.
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut conn)
        })
        .await
        .map_err(|_| DbError::Interrupted)?
        .map_err(DbError::from)
    }

    /// Runs `work` on the calling thread; for the command line, which has no runtime.
    pub fn call_blocking<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, rusqlite::Error>,
    ) -> Result<T, DbError> {
        let mut conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        work(&mut conn).map_err(DbError::from)
    }
}

/// The current time as UTC unix seconds, the unit of every time column.
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn rebuilding_organisations_keeps_rows_and_references() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations().to_version(&mut conn, 8).unwrap();
        conn.execute_batch(
            "INSERT INTO organisations (id, slug, name, kind, source, updated_at)
                 VALUES (7, 'sportelli/bra', 'Sportello di Bra', 'office', 'content', 1);
             INSERT INTO users (username, display_name, email, role, organisation_id,
                                password_hash, created_at, password_changed_at)
                 VALUES ('anna', 'Anna', 'anna@example.it', 'sportello', 7, 'x', 1, 1);",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let name: String = conn
            .query_row(
                "SELECT o.name FROM users u JOIN organisations o ON o.id = u.organisation_id",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(name, "Sportello di Bra");
        conn.execute(
            "INSERT INTO organisations (slug, name, kind, source, updated_at)
             VALUES ('manuale/cherasco', 'Cherasco', 'office', 'manual', 1)",
            [],
        )
        .unwrap();
        assert!(
            conn.execute(
                "INSERT INTO users (username, display_name, email, role, organisation_id,
                                    password_hash, created_at, password_changed_at)
                 VALUES ('x', 'X', 'x@example.it', 'sportello', 999, 'x', 1, 1)",
                [],
            )
            .is_err(),
            "references are enforced again"
        );
    }

    #[test]
    fn a_new_file_is_created_with_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/db.sqlite3");
        let db = Db::open(&path).unwrap();
        let mode: String = db
            .call_blocking(|c| c.query_row("PRAGMA journal_mode", [], |r| r.get(0)))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = db
            .call_blocking(|c| c.query_row("PRAGMA foreign_keys", [], |r| r.get(0)))
            .unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn a_corrupt_file_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.sqlite3");
        let garbage = b"this is not a database, just some bytes that happen to be here".repeat(100);
        std::fs::write(&path, &garbage).unwrap();
        let error = Db::open(&path)
            .err()
            .expect("a corrupt file must be refused");
        assert!(error.to_string().contains(&path.display().to_string()));
        assert_eq!(std::fs::read(&path).unwrap(), garbage);
    }

    #[test]
    fn the_audit_log_refuses_updates_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite3")).unwrap();
        db.call_blocking(|c| {
            c.execute(
                "INSERT INTO audit_log (at, event) VALUES (1, 'login_succeeded')",
                [],
            )
        })
        .unwrap();
        assert!(
            db.call_blocking(|c| c.execute("UPDATE audit_log SET event = 'x'", []))
                .is_err()
        );
        assert!(
            db.call_blocking(|c| c.execute("DELETE FROM audit_log", []))
                .is_err()
        );
    }
}
