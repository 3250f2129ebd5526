//! The connections behind [`super::Db`]: one writer, a few readers opened on demand, and the
//! bounded queues in front of them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::DbError;

/// How many readers, and how long and how many requests may wait for a connection.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PoolSettings {
    /// Read connections beside the one writer.
    pub readers: usize,
    /// How long a request waits for a free connection before it gets "riprova tra poco".
    pub queue_wait_ms: u64,
    /// How many requests may wait at once for each kind of connection; more are turned away
    /// at once.
    pub queue_length: usize,
    /// `synchronous=FULL`: a commit is on disk before it is acknowledged, so a power cut loses
    /// no acknowledged report or audit line. `false` (NORMAL) is faster and may lose the last
    /// commits on power loss; the load benchmark measures the difference.
    pub durable_commits: bool,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            readers: 4,
            queue_wait_ms: 5_000,
            queue_length: 256,
            durable_commits: true,
        }
    }
}

/// One bounded queue: a semaphore with a count of those waiting on it.
struct Queue {
    slots: std::sync::Arc<Semaphore>,
    waiting: AtomicUsize,
}

impl Queue {
    fn new(size: usize) -> Self {
        Queue {
            slots: std::sync::Arc::new(Semaphore::new(size.max(1))),
            waiting: AtomicUsize::new(0),
        }
    }

    async fn enter(&self, settings: &PoolSettings) -> Result<OwnedSemaphorePermit, DbError> {
        if let Ok(permit) = self.slots.clone().try_acquire_owned() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= settings.queue_length {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(DbError::Busy);
        }
        let wait = Duration::from_millis(settings.queue_wait_ms);
        let permit = tokio::time::timeout(wait, self.slots.clone().acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        match permit {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) => Err(DbError::Interrupted),
            Err(_) => Err(DbError::Busy),
        }
    }
}

pub(super) struct Pool {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    write_queue: Queue,
    read_queue: Queue,
    settings: PoolSettings,
}

impl Pool {
    pub(super) fn new(path: &Path, writer: Connection, settings: &PoolSettings) -> Self {
        Pool {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            write_queue: Queue::new(1),
            read_queue: Queue::new(settings.readers),
            settings: settings.clone(),
        }
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    pub(super) async fn wait_for_writer(&self) -> Result<OwnedSemaphorePermit, DbError> {
        self.write_queue.enter(&self.settings).await
    }

    pub(super) async fn wait_for_reader(&self) -> Result<OwnedSemaphorePermit, DbError> {
        self.read_queue.enter(&self.settings).await
    }

    pub(super) fn with_writer<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, rusqlite::Error>,
    ) -> Result<T, DbError> {
        // A panic while holding the lock leaves the connection itself usable: SQLite rolls
        // back any open transaction, so the poison flag carries no information here.
        let mut conn = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        work(&mut conn).map_err(DbError::from)
    }

    /// Runs `work` on an idle reader, opening one when none is idle; the caller holds a
    /// reader permit, so at most `readers` exist.
    pub(super) fn with_reader<T>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, rusqlite::Error>,
    ) -> Result<T, DbError> {
        let idle = self
            .readers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        let conn = match idle {
            Some(conn) => conn,
            None => open_reader(&self.path)?,
        };
        let result = work(&conn).map_err(DbError::from);
        self.readers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(conn);
        result
    }
}

/// Opens the write connection: creates the file (and its folder) only when it does not exist,
/// refuses a damaged one, and sets WAL with full synchronous commits, so an acknowledged
/// write (an audit line included) survives a power loss.
pub(super) fn open_checked(path: &Path, durable: bool) -> Result<Connection, DbError> {
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
    // Transactions take the write lock when they begin, not at their first write: one that
    // read first and then found another process (a command run beside the service) writing
    // would fail at once with "database is locked"; this way it waits its turn (busy_timeout).
    conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
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
    conn.pragma_update(None, "synchronous", if durable { "FULL" } else { "NORMAL" })
        .map_err(unusable)?;
    tune(&conn).map_err(unusable)?;
    Ok(conn)
}

/// What every connection reads with: the file mapped into memory, so pages are read in place
/// rather than copied in for each query, a larger page cache than SQLite's 2 MB, and room for
/// the prepared queries of every page.
fn tune(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
    conn.pragma_update(None, "cache_size", -16 * 1024)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// A read connection: the same file, refusing writes.
fn open_reader(path: &Path) -> Result<Connection, DbError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "query_only", "ON")?;
    tune(&conn)?;
    Ok(conn)
}

/// Runs `work` with the write connection of `pool` on a blocking thread, once the writer's
/// queue lets it in.
pub(super) async fn on_writer<T, F>(pool: Arc<Pool>, work: F) -> Result<T, DbError>
where
    T: Send + 'static,
    F: FnOnce(&mut Connection) -> Result<T, rusqlite::Error> + Send + 'static,
{
    let permit = pool.wait_for_writer().await?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        pool.with_writer(work)
    })
    .await
    .map_err(|_| DbError::Interrupted)?
}
