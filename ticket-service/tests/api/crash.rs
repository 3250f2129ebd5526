//! Crash safety: the real service, under a load of reports filed through their forms, is
//! killed with SIGKILL at a random moment, 20 times over. After each kill the database passes
//! SQLite's integrity check, and every report whose filing the service acknowledged is there.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::process::{Service, demo_database, try_file_report};

const ROUNDS: usize = 20;
const WRITERS: usize = 4;

/// A small generator of random delays; the seed is printed so a failing run can be repeated.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

fn seed() -> u64 {
    std::env::var("RESPI_CRASH_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        })
}

/// Files reports with numbered descriptions until the service goes away; the acknowledged
/// ones go into `acknowledged` (description → id).
async fn keep_filing(
    mut office: crate::helpers::Client,
    writer: usize,
    round: usize,
    acknowledged: Arc<Mutex<BTreeMap<String, String>>>,
) {
    for n in 0.. {
        let description = format!("Prova di arresto {round}-{writer}-{n}: rinnovo in attesa.");
        match try_file_report(&mut office, &description).await {
            Some(id) => {
                acknowledged.lock().unwrap().insert(description, id);
            }
            None => return,
        }
    }
}

fn check_database(path: &std::path::Path, acknowledged: &BTreeMap<String, String>, round: usize) {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok", "round {round}: integrity check");
    let mut find = conn
        .prepare("SELECT id FROM reports WHERE description = ?1")
        .unwrap();
    for (description, id) in acknowledged {
        let found: Option<i64> = find.query_row([description], |row| row.get(0)).ok();
        assert_eq!(
            found.map(|found| found.to_string()).as_deref(),
            Some(id.as_str()),
            "round {round}: the acknowledged report «{description}» is missing"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_reports_survive_twenty_kills() {
    let dir = tempfile::tempdir().unwrap();
    let seed = seed();
    println!("seme del generatore dei ritardi: RESPI_CRASH_SEED={seed}");
    let mut random = Random(seed);
    let acknowledged = Arc::new(Mutex::new(BTreeMap::new()));
    for round in 0..ROUNDS {
        let service = Service::start(dir.path());
        let mut writers = Vec::new();
        for writer in 0..WRITERS {
            let office = service.logged_in("demo.sportello").await;
            writers.push(tokio::spawn(keep_filing(
                office,
                writer,
                round,
                Arc::clone(&acknowledged),
            )));
        }
        tokio::time::sleep(Duration::from_millis(200 + random.below(1300))).await;
        service.kill();
        for writer in writers {
            writer.await.unwrap();
        }
        let acknowledged = acknowledged.lock().unwrap().clone();
        check_database(&demo_database(dir.path()), &acknowledged, round);
    }
    let total = acknowledged.lock().unwrap().len();
    println!("{total} segnalazioni confermate in {ROUNDS} arresti forzati, tutte presenti");
    assert!(
        total >= ROUNDS,
        "the load filed reports in most rounds ({total} in all)"
    );
}
