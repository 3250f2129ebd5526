//! Small writes that share one commit: the audit line of every page view, above all. Each of
//! them alone would take the writer and wait for its own commit to reach the disk; those that
//! arrive while the writer is busy are instead run together, each in a savepoint of one
//! transaction, and committed once. A write still returns only after its commit, so nothing
//! acknowledged is lost: only the waiting is shared.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::error::DbError;
use super::pool::{Pool, on_writer};

/// One write waiting for a commit.
type Job = Box<dyn FnOnce(&Connection) -> rusqlite::Result<()> + Send>;

struct Waiting {
    job: Job,
    done: oneshot::Sender<Result<(), DbError>>,
}

/// The writes waiting for the next shared commit.
#[derive(Default, Clone)]
pub(super) struct SharedCommits {
    waiting: Arc<Mutex<Vec<Waiting>>>,
    /// How many shared commits ran, for the tests.
    commits: Arc<AtomicU64>,
}

impl SharedCommits {
    /// Queues a write; true when the queue was empty, so its caller leads the next commit.
    fn push(&self, waiting: Waiting) -> bool {
        let mut queue = self.lock();
        queue.push(waiting);
        queue.len() == 1
    }

    fn take(&self) -> Vec<Waiting> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        // A panic while holding the lock leaves a plain list behind.
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SharedCommits {
    /// Queues `work` for the next commit shared on the writer of `pool` and waits for it
    /// (`Db::write_shared`).
    pub(super) async fn write<F>(&self, pool: &Arc<Pool>, work: F) -> Result<(), DbError>
    where
        F: FnOnce(&Connection) -> rusqlite::Result<()> + Send + 'static,
    {
        let (done, outcome) = oneshot::channel();
        let leads = self.push(Waiting {
            job: Box::new(work),
            done,
        });
        if leads {
            // Writes queued until the writer is free join this commit.
            let batch = self.clone();
            let ran = on_writer(Arc::clone(pool), move |conn| {
                batch.commits.fetch_add(1, Ordering::Relaxed);
                commit_together(conn, batch.take())
            })
            .await;
            if let Err(error) = ran {
                // The writer was never reached: those of this commit still wait.
                let message = error.to_string();
                for waiting in self.take() {
                    let _ = waiting.done.send(Err(failure(&message)));
                }
            }
        }
        outcome.await.map_err(|_| DbError::Interrupted)?
    }
}

/// Runs each write in its own savepoint of one transaction, commits, then tells each how it
/// went.
fn commit_together(conn: &mut Connection, batch: Vec<Waiting>) -> rusqlite::Result<()> {
    let mut tx = conn.transaction()?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for waiting in batch {
        let savepoint = tx.savepoint()?;
        let outcome = (waiting.job)(&savepoint);
        if outcome.is_ok() {
            savepoint.commit()?;
        }
        // A savepoint dropped without commit rolls back to where it began.
        outcomes.push((waiting.done, outcome));
    }
    match tx.commit() {
        Ok(()) => {
            for (done, outcome) in outcomes {
                let _ = done.send(outcome.map_err(DbError::from));
            }
        }
        Err(error) => {
            let message = error.to_string();
            for (done, _) in outcomes {
                let _ = done.send(Err(failure(&message)));
            }
        }
    }
    Ok(())
}

/// The error each write of a failed shared commit gets.
fn failure(message: &str) -> DbError {
    DbError::Query(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
        Some(message.to_owned()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("db.sqlite3")).unwrap();
        db.call_blocking(|c| c.execute_batch("CREATE TABLE lines (n INTEGER NOT NULL UNIQUE)"))
            .unwrap();
        (dir, db)
    }

    fn lines(db: &Db) -> Vec<i64> {
        db.call_blocking(|c| {
            let mut statement = c.prepare("SELECT n FROM lines ORDER BY n")?;
            statement.query_map([], |row| row.get(0))?.collect()
        })
        .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn writes_made_at_once_share_commits_and_a_failing_one_is_rolled_back_alone() {
        let (_dir, db) = db();
        let mut writes = Vec::new();
        for n in 0..200_i64 {
            let db = db.clone();
            writes.push(tokio::spawn(async move {
                db.write_shared(move |c| {
                    // 77 twice: the second insert breaks the UNIQUE rule and fails alone.
                    c.execute(
                        "INSERT INTO lines (n) VALUES (?1)",
                        [if n == 78 { 77 } else { n }],
                    )?;
                    Ok(())
                })
                .await
            }));
        }
        let mut failed = 0;
        for write in writes {
            if write.await.unwrap().is_err() {
                failed += 1;
            }
        }
        assert_eq!(failed, 1, "only the repeated 77 fails");
        let stored = lines(&db);
        assert_eq!(stored.len(), 199);
        assert!(!stored.contains(&78));
        let commits = db.shared.commits.load(Ordering::Relaxed);
        assert!(
            commits < 200,
            "{commits} commits for 200 writes made at once"
        );
    }
}
