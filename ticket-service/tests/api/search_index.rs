//! The search index against its database across crashes and restores: whatever happened
//! between the database's commit and the index's, the check at start finds the index behind,
//! missing, unreadable or ahead, and catches it up or rebuilds it.

use std::path::Path;

use respi_tickets::db::Db;
use respi_tickets::domain::report::ReportScope;
use respi_tickets::domain::search::{SearchReach, SearchRequest};
use respi_tickets::search::{self, Freshness, SearchIndex, Staleness};
use respi_tickets::startup::open_search_index;

/// A database with one office, one operator and no report.
fn database(dir: &Path) -> Db {
    let db = Db::open(&dir.join("tickets.sqlite3")).unwrap();
    db.call_blocking(|conn| {
        conn.execute_batch(
            "INSERT INTO organisations (id, slug, name, kind, source, updated_at)
                 VALUES (1, 'esempio/alba', 'Sportello di Alba (esempio)', 'office', 'manual', 0);
             INSERT INTO users (id, username, display_name, email, role, organisation_id,
                                password_hash, created_at, password_changed_at)
                 VALUES (1, 'op', 'Operatore (esempio)', 'op@example.invalid', 'sportello', 1,
                         '!', 0, 0);",
        )
    })
    .unwrap();
    db
}

/// A report written straight into the database, as a use case does before the index hears of
/// it: the moment a crash would leave the index behind.
fn write_report(db: &Db, id: i64, description: &str) {
    let description = description.to_owned();
    db.call_blocking(move |conn| {
        conn.execute(
            "INSERT INTO reports (id, year, sequence, protocol, organisation_id, filed_by, kind,
                 addressed_office, institution, file_kind, citizen_family_name,
                 citizen_given_name, description, urgency, urgency_reason, state, due_date,
                 submission_key, created_at, updated_at)
             VALUES (?1, 2026, ?1, 'RESPI-2026-00000' || ?1, 1, 1, 'parere',
                 'questura_immigrazione', 'questura', 'altro', 'Rossi', 'Ada', ?2, 'U3', 'x',
                 'nuova', '2026-12-31', 'chiave-' || ?1, 0, 0)",
            rusqlite::params![id, description],
        )
    })
    .unwrap();
}

fn hits(index: &SearchIndex, words: &str) -> usize {
    let reach = SearchReach {
        scope: ReportScope::All,
        notes: true,
        received_answers: true,
        citizen: false,
    };
    let request = SearchRequest {
        words: words.to_owned(),
        page: 1,
        ..SearchRequest::default()
    };
    index.search(&reach, &request, 10).unwrap().total
}

#[test]
fn a_change_committed_before_a_crash_is_indexed_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let path = dir.path().join("tickets.sqlite3");
    let index = open_search_index(&db, &path).unwrap();
    write_report(&db, 1, "Rinnovo del permesso fermo");
    index.catch_up(&db).unwrap();
    assert_eq!(hits(&index, "permessi"), 1);
    // The database commits, and the service stops before the index does.
    write_report(&db, 2, "Ricongiungimento familiare sospeso");
    drop(index);
    let index = SearchIndex::open(&search::folder_for(&path)).unwrap();
    assert_eq!(
        hits(&index, "ricongiungimento"),
        0,
        "the index on disk is behind"
    );
    assert_eq!(
        index.bring_up_to_date(&db, &mut |_, _| ()).unwrap(),
        Freshness::CaughtUp(1)
    );
    assert_eq!(hits(&index, "ricongiungimenti"), 1);
    assert_eq!(hits(&index, "permesso"), 1);
}

#[test]
fn a_missing_or_unreadable_index_is_rebuilt_from_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let path = dir.path().join("tickets.sqlite3");
    write_report(&db, 1, "Cittadinanza per residenza");
    write_report(&db, 2, "Cittadinanza per matrimonio");
    let folder = search::folder_for(&path);
    drop(open_search_index(&db, &path).unwrap());
    std::fs::remove_dir_all(&folder).unwrap();
    let index = SearchIndex::open(&folder).unwrap();
    assert_eq!(
        index.bring_up_to_date(&db, &mut |_, _| ()).unwrap(),
        Freshness::Rebuilt(Staleness::Missing, 2)
    );
    assert_eq!(hits(&index, "cittadinanza"), 2);
    drop(index);
    // Its files damaged: it is made again rather than trusted or refused.
    std::fs::write(folder.join("meta.json"), b"{ not json").unwrap();
    let index = open_search_index(&db, &path).unwrap();
    assert_eq!(hits(&index, "matrimonio"), 1);
}

#[test]
fn an_index_older_or_newer_than_the_database_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let path = dir.path().join("tickets.sqlite3");
    let folder = search::folder_for(&path);
    write_report(&db, 1, "Nulla osta al lavoro stagionale");
    drop(open_search_index(&db, &path).unwrap());
    let old_copy = dir.path().join("old-index");
    copy_folder(&folder, &old_copy);
    // Later changes are indexed; an old copy put back while the queue still holds them
    // catches up...
    let index = open_search_index(&db, &path).unwrap();
    write_report(&db, 2, "Nulla osta al lavoro subordinato");
    index.catch_up(&db).unwrap();
    drop(index);
    std::fs::remove_dir_all(&folder).unwrap();
    copy_folder(&old_copy, &folder);
    let index = SearchIndex::open(&folder).unwrap();
    assert_eq!(
        index.bring_up_to_date(&db, &mut |_, _| ()).unwrap(),
        Freshness::CaughtUp(1)
    );
    assert_eq!(hits(&index, "subordinato"), 1);
    // ...but the service forgets them when it stops.
    index.forget_applied(&db).unwrap();
    drop(index);
    // ...then an old copy of the index comes back: it cannot catch up, so it is rebuilt.
    std::fs::remove_dir_all(&folder).unwrap();
    copy_folder(&old_copy, &folder);
    let index = SearchIndex::open(&folder).unwrap();
    assert_eq!(
        index.bring_up_to_date(&db, &mut |_, _| ()).unwrap(),
        Freshness::Rebuilt(Staleness::Behind, 2)
    );
    assert_eq!(hits(&index, "subordinato"), 1);
    drop(index);

    // A database restored from before the index's last commit: the index is ahead of it.
    let restored = tempfile::tempdir().unwrap();
    let db = database(restored.path());
    write_report(&db, 1, "Nulla osta al lavoro stagionale");
    let index = SearchIndex::open(&folder).unwrap();
    assert!(matches!(
        index.bring_up_to_date(&db, &mut |_, _| ()).unwrap(),
        Freshness::Rebuilt(Staleness::Ahead | Staleness::Miscounted, 1)
    ));
    assert_eq!(hits(&index, "subordinato"), 0);
    assert_eq!(hits(&index, "stagionale"), 1);
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != ".tantivy-writer.lock" {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn a_second_process_on_the_same_database_leaves_the_writing_to_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path());
    let path = dir.path().join("tickets.sqlite3");
    let first = open_search_index(&db, &path).unwrap();
    // A command or a second instance started meanwhile: it starts, and may not write.
    let second = open_search_index(&db, &path).unwrap();
    assert!(matches!(
        second.catch_up(&db),
        Err(search::SearchError::Busy)
    ));
    write_report(&db, 1, "Convocazione per le impronte digitali");
    first.catch_up(&db).unwrap();
    assert_eq!(hits(&first, "impronte"), 1);
    // Once the first is gone, the second takes over from where the index is.
    drop(first);
    write_report(&db, 2, "Impronte digitali da ripetere");
    assert_eq!(second.catch_up(&db).unwrap(), 1);
    assert_eq!(hits(&second, "impronte"), 2);
}
