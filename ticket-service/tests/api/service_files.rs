//! The service with its database file and attachment folder at hand, so a test can add a
//! trigger that makes a write fail, or look at what is stored.

use std::path::PathBuf;

use respi_tickets::config::Settings;

use crate::helpers::{TestApp, spawn_app_with};

pub(crate) struct Service {
    pub(crate) app: TestApp,
    database: PathBuf,
    attachments: PathBuf,
}

/// The service, with `configure` applied to its settings.
pub(crate) async fn spawn(configure: impl FnOnce(&mut Settings)) -> Service {
    let mut paths = None;
    let app = spawn_app_with(|settings, _| {
        configure(settings);
        paths = Some((
            settings.demo_database_path(),
            settings.reports.attachment_dir.clone(),
        ));
    })
    .await;
    let (database, attachments) = paths.unwrap();
    Service {
        app,
        database,
        attachments,
    }
}

impl Service {
    /// Runs SQL on the service's database, as an operator with the file would.
    pub(crate) fn sql(&self, statements: &str) {
        let conn = rusqlite::Connection::open(&self.database).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        conn.execute_batch(statements).unwrap();
    }

    pub(crate) fn number(&self, query: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.database).unwrap();
        conn.query_row(query, [], |row| row.get(0)).unwrap()
    }

    /// A trigger that makes every insert into `table` matching `when` fail.
    pub(crate) fn refuse_inserts(&self, table: &str, when: &str) {
        self.sql(&format!(
            "CREATE TRIGGER test_refuse_{table} BEFORE INSERT ON {table} WHEN {when}
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
        ));
    }

    pub(crate) fn allow_inserts(&self, table: &str) {
        self.sql(&format!("DROP TRIGGER test_refuse_{table};"));
    }

    pub(crate) fn stored_files(&self) -> usize {
        std::fs::read_dir(&self.attachments).map_or(0, |entries| entries.count())
    }
}
