//! Full-text search of the reports with tantivy, in files beside the database.
//!
//! The database stays the truth: its triggers queue every report whose text or filters change
//! (migration 0014), and the index catches up from that queue after each use case's commit.
//! Each index commit records the last queue entry it holds, so at start the index knows how far
//! behind it is; one that is missing, unreadable, of another version, older than the entries
//! already forgotten, or newer than the database is rebuilt from the database.

mod document;
pub mod faq;
mod query;
mod results;
pub mod schema;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use crate::db::search_source::{self, QueueState};
use crate::db::{Db, DbError};
use crate::domain::report::ReportScope;
use crate::domain::search::{SearchReach, SearchRequest};

pub use results::{Fragment, Hit, Hits, Part};
use schema::Fields;

/// Memory of the writer: tantivy's smallest (15 MB). Each commit starts a segment whose table is
/// sized from it, so a small one keeps the frequent small commits of the service cheap.
const WRITER_BYTES: usize = 15_000_000;
/// Reports read from the database at a time while rebuilding.
const REBUILD_CHUNK: i64 = 2_000;
/// Beyond this many changed reports, a rebuild is quicker than one update per report.
const CATCH_UP_LIMIT: usize = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("indice di ricerca {path}: {source}")]
    Index {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
    #[error("indice di ricerca: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error(
        "impossibile preparare la cartella dell'indice di ricerca {path}: {source}; controlla i permessi della cartella del database"
    )]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(
        "l'indice di ricerca è in uso da un altro processo (il servizio è avviato?): fermalo e riprova"
    )]
    Busy,
}

/// Why the index is rebuilt instead of caught up, for the log and the command's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staleness {
    /// No commit of this version: new, unreadable or written by another version.
    Missing,
    /// The queue entries after the index's last commit were already forgotten.
    Behind,
    /// The index holds changes the database does not have (the database was restored).
    Ahead,
    /// Caught up, it still does not hold one document per report.
    Miscounted,
}

impl Staleness {
    pub fn describe(self) -> &'static str {
        match self {
            Staleness::Missing => "indice assente, illeggibile o di un'altra versione",
            Staleness::Behind => "indice più vecchio delle modifiche già registrate",
            Staleness::Ahead => "indice più recente del database (database ripristinato?)",
            Staleness::Miscounted => "numero di documenti diverso da quello delle segnalazioni",
        }
    }
}

/// What the start-up check did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Caught up with this many changed reports.
    CaughtUp(usize),
    /// Rebuilt, for this reason, with this many reports.
    Rebuilt(Staleness, u64),
}

struct Writer {
    inner: IndexWriter,
    /// The last queue entry the index holds; `None` before its first commit of this version.
    applied: Option<i64>,
    /// The last queue entry this process forgot (`search_source::trim`).
    trimmed: i64,
}

/// How many queue entries the index may hold before the queue forgets them: each forgetting
/// is a commit of the database, which the requests' writes would wait for if it came with
/// every round of the index.
const TRIM_EVERY: i64 = 256;

/// The index of the reports, shared by every request.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Taken when first needed: tantivy lets one process write an index at a time, so a
    /// second process on the same database (a command, a second instance) searches and leaves
    /// the writing to the first.
    writer: Mutex<Option<Writer>>,
    /// The last queue entry searches see, once this process writes the index; -1 before.
    visible: std::sync::atomic::AtomicI64,
}

/// The folder of the index of the database at `database`: beside it, named after it.
pub fn folder_for(database: &Path) -> PathBuf {
    let mut name = database
        .file_name()
        .map(|name| name.to_os_string())
        .unwrap_or_default();
    name.push(".ricerca");
    database.with_file_name(name)
}

fn payload(applied: i64) -> String {
    format!("respi-ricerca v{} {applied}", schema::VERSION)
}

/// The queue entry an index commit holds, when it was written by this version.
fn applied_of(payload: Option<&str>) -> Option<i64> {
    let rest = payload?.strip_prefix(&format!("respi-ricerca v{} ", schema::VERSION))?;
    rest.parse().ok()
}

/// Opens the index at `path`, or creates it there when it is missing, unreadable or of another
/// schema (the database can always fill it again).
fn open_index(path: &Path, schema: &Schema) -> Result<Index, SearchError> {
    let folder = |source| SearchError::Folder {
        path: path.to_owned(),
        source,
    };
    let index_error = |source| SearchError::Index {
        path: path.to_owned(),
        source,
    };
    if path.exists() {
        match Index::open_in_dir(path) {
            Ok(index) if index.schema() == *schema => return Ok(index),
            Ok(_) => {
                tracing::warn!(path = %path.display(), "search index of another schema: recreated")
            }
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "search index unreadable: recreated")
            }
        }
        std::fs::remove_dir_all(path).map_err(folder)?;
    }
    std::fs::create_dir_all(path).map_err(folder)?;
    let directory = MmapDirectory::open(path).map_err(|error| index_error(error.into()))?;
    Index::open_or_create(directory, schema.clone()).map_err(index_error)
}

impl SearchIndex {
    /// Opens (or creates) the index at `path`. It is not checked against the database yet:
    /// [`SearchIndex::bring_up_to_date`] does that.
    pub fn open(path: &Path) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema::build();
        let index = open_index(path, &schema)?;
        schema::register(&index);
        // Reloaded at once after our own commits; on its own for those of another process.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|source| SearchError::Index {
                path: path.to_owned(),
                source,
            })?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            writer: Mutex::new(None),
            visible: std::sync::atomic::AtomicI64::new(-1),
        })
    }

    /// Runs `work` with the writer, taking it (and reading how far the index is) when this
    /// process does not hold it yet; [`SearchError::Busy`] while another process does. Calls
    /// wait for each other.
    fn with_writer<T>(
        &self,
        work: impl FnOnce(&mut Writer) -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        // A panic while indexing leaves at worst uncommitted documents, which the next commit
        // settles; the queue still holds what they were for.
        let mut slot = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if slot.is_none() {
            let inner = match self.index.writer_with_num_threads(1, WRITER_BYTES) {
                Ok(inner) => inner,
                Err(tantivy::TantivyError::LockFailure(..)) => return Err(SearchError::Busy),
                Err(error) => return Err(error.into()),
            };
            let applied = applied_of(self.index.load_metas()?.payload.as_deref());
            self.show_applied(applied);
            *slot = Some(Writer {
                inner,
                applied,
                trimmed: 0,
            });
        }
        match slot.as_mut() {
            Some(writer) => work(writer),
            None => Err(SearchError::Busy),
        }
    }

    /// Checks the index against the database and catches up, or rebuilds it when it cannot be
    /// trusted. Run at start, before any request.
    pub fn bring_up_to_date(
        &self,
        db: &Db,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Freshness, SearchError> {
        self.with_writer(|writer| {
            let queue = db.call_blocking(|conn| search_source::queue_state(conn))?;
            if let Some(staleness) = staleness(writer.applied, queue) {
                let rebuilt = self.rebuild_with(writer, db, progress)?;
                return Ok(Freshness::Rebuilt(staleness, rebuilt));
            }
            let caught_up = self.catch_up_with(writer, db)?;
            let reports = db.call_blocking(|conn| search_source::report_count(conn))?;
            if self.reader.searcher().num_docs() != reports {
                let rebuilt = self.rebuild_with(writer, db, progress)?;
                return Ok(Freshness::Rebuilt(Staleness::Miscounted, rebuilt));
            }
            Ok(Freshness::CaughtUp(caught_up))
        })
    }

    /// Applies the queued changes: each changed report is written again (or removed, when it
    /// is gone). Returns how many reports changed. Called after the commit of every use case
    /// that changes reports; calls wait for each other, so when one returns its own change is
    /// in the index.
    pub fn catch_up(&self, db: &Db) -> Result<usize, SearchError> {
        self.with_writer(|writer| self.catch_up_with(writer, db))
    }

    /// Writes the index again from every report of the database; `progress(done, total)` is
    /// called along the way. Returns the number of reports indexed.
    pub fn rebuild(&self, db: &Db, progress: &mut dyn FnMut(u64, u64)) -> Result<u64, SearchError> {
        self.with_writer(|writer| self.rebuild_with(writer, db, progress))
    }

    fn catch_up_with(&self, writer: &mut Writer, db: &Db) -> Result<usize, SearchError> {
        let Some(applied) = writer.applied else {
            self.rebuild_with(writer, db, &mut |_, _| ())?;
            return Ok(0);
        };
        // Read on a read connection: the writer stays free for the requests. A change
        // committed after this read has a later entry, which the next round applies.
        let (ids, last) =
            db.read_blocking(move |conn| search_source::changed_since(conn, applied))?;
        if ids.is_empty() {
            return Ok(0);
        }
        if ids.len() > CATCH_UP_LIMIT {
            self.rebuild_with(writer, db, &mut |_, _| ())?;
            return Ok(ids.len());
        }
        let documents = db.read_blocking(|conn| {
            let mut documents = Vec::with_capacity(ids.len());
            for &id in &ids {
                documents.extend(search_source::documents_between(conn, id, id)?);
            }
            Ok(documents)
        })?;
        for &id in &ids {
            writer
                .inner
                .delete_term(Term::from_field_u64(self.fields.id, id_term(id)));
        }
        for report in &documents {
            writer
                .inner
                .add_document(document::to_document(&self.fields, report))?;
        }
        self.commit(writer, last, db)?;
        Ok(ids.len())
    }

    fn rebuild_with(
        &self,
        writer: &mut Writer,
        db: &Db,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<u64, SearchError> {
        // Read before the reports: a change made meanwhile has a later entry, applied next.
        let queue = db.call_blocking(|conn| search_source::queue_state(conn))?;
        let total = db.call_blocking(|conn| search_source::report_count(conn))?;
        writer.inner.delete_all_documents()?;
        let mut done = 0;
        if let Some((first, last)) = db.call_blocking(|conn| search_source::id_range(conn))? {
            let mut from = first;
            while from <= last {
                let to = from.saturating_add(REBUILD_CHUNK - 1);
                let documents =
                    db.call_blocking(move |conn| search_source::documents_between(conn, from, to))?;
                for report in &documents {
                    writer
                        .inner
                        .add_document(document::to_document(&self.fields, report))?;
                }
                done += documents.len() as u64;
                progress(done, total);
                from = to.saturating_add(1);
            }
        }
        self.commit(writer, queue.last, db)?;
        Ok(done)
    }

    /// The page of reports within `reach` that `request` finds.
    pub fn search(
        &self,
        reach: &SearchReach,
        request: &SearchRequest,
        page_size: usize,
    ) -> Result<Hits, SearchError> {
        let searcher = self.reader.searcher();
        let fields = &self.fields;
        Ok(results::search(
            &searcher,
            &self.index,
            fields,
            reach,
            request,
            page_size,
        )?)
    }

    /// Up to `limit` answered reports within `scope` most like `text`, best first.
    pub fn similar(
        &self,
        scope: ReportScope,
        text: &str,
        limit: usize,
    ) -> Result<Vec<i64>, SearchError> {
        let searcher = self.reader.searcher();
        let fields = &self.fields;
        Ok(results::similar(
            &searcher,
            &self.index,
            fields,
            scope,
            text,
            limit,
        )?)
    }

    /// Commits with the last queue entry held, makes the commit visible to searches, then
    /// forgets the entries it holds.
    fn commit(&self, writer: &mut Writer, last: i64, db: &Db) -> Result<(), SearchError> {
        let mut prepared = writer.inner.prepare_commit()?;
        prepared.set_payload(&payload(last));
        prepared.commit()?;
        writer.applied = Some(last);
        self.reader.reload()?;
        self.show_applied(Some(last));
        self.forget(writer, db, TRIM_EVERY)
    }

    /// Forgets the queue entries the index holds, once there are at least `least` of them.
    fn forget(&self, writer: &mut Writer, db: &Db, least: i64) -> Result<(), SearchError> {
        let Some(applied) = writer.applied else {
            return Ok(());
        };
        if applied - writer.trimmed < least.max(1) {
            return Ok(());
        }
        db.call_blocking(move |conn| search_source::trim(conn, applied))?;
        writer.trimmed = applied;
        Ok(())
    }

    /// Forgets every queue entry the index holds: the index's rounds do it only every
    /// few hundred entries, the service when it stops. An older copy of the index put back
    /// afterwards cannot catch up and is rebuilt ([`Staleness::Behind`]).
    pub fn forget_applied(&self, db: &Db) -> Result<(), SearchError> {
        self.with_writer(|writer| self.forget(writer, db, 1))
    }
}

impl SearchIndex {
    fn show_applied(&self, applied: Option<i64>) {
        let mark = applied.unwrap_or(0).max(0);
        self.visible
            .store(mark, std::sync::atomic::Ordering::Release);
    }

    /// The last queue entry whose change searches see; `None` while this process does not
    /// write the index (another process does, or nothing has been written yet).
    pub fn visible_upto(&self) -> Option<i64> {
        let mark = self.visible.load(std::sync::atomic::Ordering::Acquire);
        (mark >= 0).then_some(mark)
    }
}

/// The index kept current by one task: use cases wake it after their commits, and searches
/// wait for the round that brings in what was committed before them.
#[derive(Default)]
pub struct IndexUpkeep {
    /// Wakes the task: changes are queued.
    pub wake: tokio::sync::Notify,
    /// Told by the task after each round.
    pub round_done: tokio::sync::Notify,
}

fn id_term(id: i64) -> u64 {
    u64::try_from(id).unwrap_or_default()
}

/// Why an index whose last commit holds queue entry `applied` cannot be caught up from
/// `queue`; `None` when it can.
fn staleness(applied: Option<i64>, queue: QueueState) -> Option<Staleness> {
    match applied {
        None => Some(Staleness::Missing),
        Some(applied) if applied < queue.trimmed_upto => Some(Staleness::Behind),
        Some(applied) if applied > queue.last => Some(Staleness::Ahead),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_names_its_version() {
        assert_eq!(applied_of(Some(&payload(42))), Some(42));
        assert_eq!(applied_of(Some("respi-ricerca v0 42")), None);
        assert_eq!(applied_of(None), None);
    }

    #[test]
    fn an_index_is_trusted_only_between_the_forgotten_and_the_last_entry() {
        let queue = QueueState {
            last: 10,
            trimmed_upto: 5,
        };
        assert_eq!(staleness(None, queue), Some(Staleness::Missing));
        assert_eq!(staleness(Some(4), queue), Some(Staleness::Behind));
        assert_eq!(staleness(Some(11), queue), Some(Staleness::Ahead));
        assert_eq!(staleness(Some(5), queue), None);
        assert_eq!(staleness(Some(10), queue), None);
    }

    #[test]
    fn the_folder_sits_beside_the_database() {
        assert_eq!(
            folder_for(Path::new("data/respi.sqlite3")),
            Path::new("data/respi.sqlite3.ricerca")
        );
    }
}
