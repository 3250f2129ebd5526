//! The SQLite database: opening it safely, migrations, and the queries of each table.

pub mod account_links;
pub mod appointment_plans;
pub mod appointments;
pub mod attachment_usage;
pub mod attachments;
pub mod audit;
pub mod batches;
pub mod booking_moves;
pub mod booking_quotas;
pub mod calendar_feeds;
pub mod columns;
pub mod demo_rows;
pub mod drafts;
mod error;
pub mod faq_exports;
pub mod feedback;
pub mod form_keys;
pub mod monitoring;
pub mod notifications;
pub mod open_order;
pub mod organisations;
pub mod page_views;
mod pool;
pub mod report_list;
pub mod reports;
pub mod retention;
pub mod search_source;
pub mod sessions;
mod shared_commit;
pub mod similar_checks;
pub mod statistics;
pub mod timeline;
pub mod topics;
pub mod users;

use std::path::Path;
use std::sync::Arc;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

pub use error::DbError;
pub use pool::PoolSettings;

/// A handle to the database, cheap to clone.
///
/// One write connection and a small pool of read connections (WAL lets readers run beside
/// the writer), each reached through a bounded queue: a request that waits longer than the
/// configured time gets [`DbError::Busy`] and a "riprova tra poco" page instead of a hang.
/// The work runs on tokio's blocking threads so a slow query never stalls the async workers.
#[derive(Clone)]
pub struct Db {
    pool: Arc<pool::Pool>,
    /// The writes waiting to share a commit (see `shared_commit`).
    shared: shared_commit::SharedCommits,
    /// The report list's order of the reports still to be answered, between requests.
    open_orders: Arc<open_order::OpenOrders>,
}

fn migrations() -> Migrations<'static> {
    Migrations::new(migration_list())
}

/// The schema version a database has once every migration of this program ran (SQLite's
/// `user_version`).
pub fn latest_schema_version() -> i64 {
    i64::try_from(migration_list().len()).expect("a few dozen migrations")
}

fn migration_list() -> Vec<M<'static>> {
    vec![
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
        M::up(include_str!("migrations/0013_appointment_plans.sql")),
        M::up(include_str!("migrations/0014_search.sql")),
        M::up(include_str!("migrations/0015_report_figures.sql")),
        M::up(include_str!("migrations/0016_faq_topics.sql")),
        M::up(include_str!("migrations/0018_retention.sql")),
        M::up(include_str!("migrations/0019_form_keys.sql")),
        M::up(include_str!("migrations/0020_report_list_indexes.sql")),
        M::up(include_str!("migrations/0021_reports_version.sql")),
    ]
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
    /// WAL, foreign keys, full synchronous commits and a busy timeout, and applies pending
    /// migrations. Readers are opened on first use.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        Db::open_with(path, &PoolSettings::default())
    }

    /// [`Db::open`] with the pool's size and queue time.
    pub fn open_with(path: &Path, settings: &PoolSettings) -> Result<Db, DbError> {
        let mut writer = pool::open_checked(path, settings.durable_commits)?;
        migrate(&mut writer).map_err(|source| DbError::Migration {
            path: path.to_owned(),
            source,
        })?;
        Ok(Db {
            pool: Arc::new(pool::Pool::new(path, writer, settings)),
            shared: Default::default(),
            open_orders: Default::default(),
        })
    }

    /// Runs `work` with the write connection on a blocking thread. Everything that changes
    /// the database goes through here, one at a time.
    pub async fn call<T, F>(&self, work: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    {
        pool::on_writer(Arc::clone(&self.pool), work).await
    }

    /// Runs `work` in a commit shared with the other writes queued by this method meanwhile;
    /// returns once that commit is done. A failing `work` is rolled back alone (its
    /// savepoint) and gets its error; the others still commit.
    pub async fn write_shared<F>(&self, work: F) -> Result<(), DbError>
    where
        F: FnOnce(&Connection) -> rusqlite::Result<()> + Send + 'static,
    {
        self.shared.write(&self.pool, work).await
    }

    /// Runs `work` with a read connection on a blocking thread. The connection refuses
    /// writes (`query_only`), so a query that would change data fails loudly in tests.
    pub async fn read<T, F>(&self, work: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, rusqlite::Error> + Send + 'static,
    {
        let pool = Arc::clone(&self.pool);
        let permit = pool.wait_for_reader().await?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            pool.with_reader(work)
        })
        .await
        .map_err(|_| DbError::Interrupted)?
    }

    /// Runs `work` with the write connection on the calling thread; for the command line,
    /// which has no runtime.
    pub fn call_blocking<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, rusqlite::Error>,
    ) -> Result<T, DbError> {
        self.pool.with_writer(work)
    }

    /// Runs `work` with a read connection on the calling thread, outside the readers' queue:
    /// for background work already on a blocking thread (the search index's upkeep), which
    /// so leaves the writer to the requests. It may open one read connection beyond
    /// `[pool] readers`.
    pub fn read_blocking<T>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, rusqlite::Error>,
    ) -> Result<T, DbError> {
        self.pool.with_reader(work)
    }

    /// The report list's order of the reports still to be answered, kept between requests
    /// (`report_list::page`).
    pub fn open_orders(&self) -> Arc<open_order::OpenOrders> {
        Arc::clone(&self.open_orders)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        self.pool.path()
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

    #[tokio::test]
    async fn readers_refuse_writes_and_run_beside_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite3")).unwrap();
        let refused = db
            .read(|c| c.execute("INSERT INTO audit_log (at, event) VALUES (1, 'x')", []))
            .await;
        assert!(refused.is_err(), "a read connection refuses writes");
        // A write transaction held open does not stop a read.
        let (hold, release) = std::sync::mpsc::channel::<()>();
        let writer = db.clone();
        let writing = tokio::spawn(async move {
            writer
                .call(move |c| {
                    let tx = c.transaction()?;
                    tx.execute("INSERT INTO audit_log (at, event) VALUES (1, 'x')", [])?;
                    release.recv().ok();
                    tx.commit()
                })
                .await
        });
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let seen: i64 = db
            .read(|c| c.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)))
            .await
            .unwrap();
        assert_eq!(
            seen, 0,
            "the reader sees the last commit, not the open write"
        );
        hold.send(()).unwrap();
        writing.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn a_full_queue_turns_requests_away_instead_of_hanging() {
        let dir = tempfile::tempdir().unwrap();
        let settings = PoolSettings {
            readers: 1,
            queue_wait_ms: 100,
            queue_length: 8,
            durable_commits: true,
        };
        let db = Db::open_with(&dir.path().join("db.sqlite3"), &settings).unwrap();
        let slow = db.clone();
        let busy = tokio::spawn(async move {
            slow.read(|_| {
                std::thread::sleep(std::time::Duration::from_millis(600));
                Ok(())
            })
            .await
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let started = std::time::Instant::now();
        let turned_away = db.read(|_| Ok(())).await;
        assert!(matches!(turned_away, Err(DbError::Busy)), "{turned_away:?}");
        assert!(started.elapsed() < std::time::Duration::from_millis(500));
        busy.await.unwrap().unwrap();
        db.read(|_| Ok(())).await.expect("free again");

        let none_waiting = PoolSettings {
            queue_length: 0,
            ..settings.clone()
        };
        let db = Db::open_with(&dir.path().join("other.sqlite3"), &none_waiting).unwrap();
        let slow = db.clone();
        let busy = tokio::spawn(async move {
            slow.call(|_| {
                std::thread::sleep(std::time::Duration::from_millis(300));
                Ok(())
            })
            .await
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(matches!(db.call(|_| Ok(())).await, Err(DbError::Busy)));
        busy.await.unwrap().unwrap();
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
        let synchronous: i64 = db
            .call_blocking(|c| c.query_row("PRAGMA synchronous", [], |r| r.get(0)))
            .unwrap();
        assert_eq!(
            synchronous, 2,
            "FULL: a commit is on disk before it is acknowledged"
        );
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
