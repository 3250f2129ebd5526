//! Backups and restores of the running service, the retention job, and a person's export and
//! erasure: what keeps the data safe and what keeps it no longer than allowed.

use std::collections::BTreeMap;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::Connection;

use crate::helpers::{Client, spawn_app_with};
use crate::process::{Service, attachment_dir, command, demo_database, try_file_report};
use crate::steps::{PDF, file_report_with_attachment};

fn run(mut command: std::process::Command) -> Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn descriptions(path: &std::path::Path) -> Vec<String> {
    let conn = Connection::open(path).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let mut statement = conn.prepare("SELECT description FROM reports").unwrap();
    statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The address of the first attachment linked from a report's page.
fn attachment_link(page: &str, id: &str) -> String {
    let prefix = format!("/segnalazioni/{id}/allegati/");
    let start = page.find(&prefix).expect("a link to the attachment");
    let end = start + page[start..].find('"').unwrap();
    page[start..end].to_owned()
}

/// Restores `backup` as the demo database of a service under `folder`, and checks that it
/// holds the reports `filed` and one attachment, without the backup's own tables.
fn restore_elsewhere<'a>(
    folder: &std::path::Path,
    backup: &std::path::Path,
    filed: impl Iterator<Item = &'a String>,
) {
    let mut restore_command = command(folder);
    restore_command
        .env("RESPI_TICKETS_DATABASE", demo_database(folder))
        .arg("restore")
        .arg(backup);
    let restored = run(restore_command);
    assert!(String::from_utf8_lossy(&restored.stdout).contains("Ripristino completato"));
    let found = descriptions(&demo_database(folder));
    for description in filed {
        assert!(found.contains(description), "{description} is in the copy");
    }
    let stored: Vec<_> = std::fs::read_dir(attachment_dir(folder)).unwrap().collect();
    assert_eq!(stored.len(), 1, "the attachment is restored");
    let conn = Connection::open(demo_database(folder)).unwrap();
    let backup_tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE 'backup_%'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(backup_tables, 0, "the copy's own tables are gone");
    drop(conn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_made_while_reports_are_filed_restores_them_with_their_files() {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::start(dir.path());
    let mut office = service.logged_in("demo.sportello").await;
    let (id, protocol) = file_report_with_attachment(&mut office, "U3").await;

    let acknowledged = Arc::new(Mutex::new(BTreeMap::new()));
    let mut writers = Vec::new();
    for writer in 0..3 {
        let mut client = service.logged_in("demo.sportello").await;
        let acknowledged = Arc::clone(&acknowledged);
        writers.push(tokio::spawn(async move {
            for n in 0..40 {
                let description = format!("Durante la copia {writer}-{n}: pratica ferma.");
                if let Some(id) = try_file_report(&mut client, &description).await {
                    acknowledged.lock().unwrap().insert(description, id);
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before_backup = acknowledged.lock().unwrap().clone();
    let backup = dir.path().join("copie/oggi.sqlite3");
    std::fs::create_dir_all(backup.parent().unwrap()).unwrap();
    let mut backup_command = command(dir.path());
    backup_command
        .env("RESPI_TICKETS_DATABASE", demo_database(dir.path()))
        .arg("backup")
        .arg(&backup);
    let made = run(backup_command);
    let printed = String::from_utf8_lossy(&made.stdout);
    assert!(printed.contains("Copia completata"), "{printed}");
    assert!(printed.contains("1 allegati"), "{printed}");
    for writer in writers {
        writer.await.unwrap();
    }
    assert!(
        acknowledged.lock().unwrap().len() > before_backup.len(),
        "reports were filed while the copy was made"
    );
    service.kill();

    // Restored into another installation, it holds every report acknowledged before the copy
    // began, and the file; the service runs on it and serves the attachment.
    let elsewhere = tempfile::tempdir().unwrap();
    restore_elsewhere(elsewhere.path(), &backup, before_backup.keys());
    let service = Service::start(elsewhere.path());
    let mut office = service.logged_in("demo.sportello").await;
    let page = office.get(&format!("/segnalazioni/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&protocol));
    let link = attachment_link(&page.body, &id);
    let (status, _, bytes) = office.download(&link).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, PDF);
}

#[test]
fn a_restore_checks_the_copy_and_keeps_the_database_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("data/tickets.sqlite3");
    let mut first = command(dir.path());
    first.args([
        "user",
        "add",
        "--username",
        "prima.admin",
        "--name",
        "Prima Admin",
        "--email",
        "prima.admin@ente.example.it",
        "--role",
        "admin",
        "--organisation",
        "coordinamento",
    ]);
    run(first);
    let backup = dir.path().join("copia.sqlite3");
    let mut make = command(dir.path());
    make.arg("backup").arg(&backup);
    run(make);

    // Not a backup: refused, nothing touched.
    let before = std::fs::read(&database).unwrap();
    let mut wrong = command(dir.path());
    wrong.arg("restore").arg(&database);
    let refused = wrong.output().unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("non è una copia di sicurezza"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let damaged = dir.path().join("danneggiata.sqlite3");
    let mut bytes = std::fs::read(&backup).unwrap();
    // The second page is a table's root: garbage there breaks the tree.
    bytes[4096..8192].fill(0x5a);
    std::fs::write(&damaged, &bytes).unwrap();
    let mut broken = command(dir.path());
    broken.arg("restore").arg(&damaged);
    let refused = broken.output().unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("danneggiata"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(std::fs::read(&database).unwrap(), before, "left alone");

    // A copy from a newer version of the program is refused too.
    let newer = dir.path().join("futura.sqlite3");
    std::fs::copy(&backup, &newer).unwrap();
    let conn = Connection::open(&newer).unwrap();
    conn.execute_batch(
        "PRAGMA user_version = 999; UPDATE backup_meta SET value = '999' WHERE key = 'schema_version';",
    )
    .unwrap();
    drop(conn);
    let mut future = command(dir.path());
    future.arg("restore").arg(&newer);
    let refused = future.output().unwrap();
    assert!(String::from_utf8_lossy(&refused.stderr).contains("versione più recente"));

    let mut restore = command(dir.path());
    restore.arg("restore").arg(&backup);
    let output = run(restore);
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("prima-del-ripristino"), "{printed}");
    let kept: Vec<_> = std::fs::read_dir(dir.path().join("data"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("tickets.sqlite3.prima-del-ripristino-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
}

/// Reports are closed at the end of a long workflow (the report story walks it); here only
/// the state and the day of closing matter, so they are set in the database.
fn close_report(database: &std::path::Path, id: &str, at: i64) {
    let conn = Connection::open(database).unwrap();
    conn.execute(
        "UPDATE reports SET state = 'chiusa', updated_at = ?2 WHERE id = ?1",
        rusqlite::params![id, at],
    )
    .unwrap();
}

fn citizen_of(database: &std::path::Path, id: &str) -> (String, Option<String>, i64) {
    let conn = Connection::open(database).unwrap();
    conn.query_row(
        "SELECT citizen_family_name, file_reference,
                (SELECT count(*) FROM attachments WHERE report_id = reports.id)
         FROM reports WHERE id = ?1",
        [id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )
    .unwrap()
}

#[tokio::test]
async fn closed_reports_lose_personal_data_after_the_retention_period() {
    let app = spawn_app_with(|settings, _| settings.retention.closed_after_days = 30).await;
    let mut office = app.logged_in("demo.sportello").await;
    let (old, _) = file_report_with_attachment(&mut office, "U3").await;
    let (recent, _) = file_report_with_attachment(&mut office, "U3").await;
    let database = app.database();
    close_report(&database, &old, app.clock.now());
    app.clock.advance(20 * 86_400);
    close_report(&database, &recent, app.clock.now());
    app.clock.advance(11 * 86_400);

    let removed = respi_tickets::app::retention::apply(&app.state)
        .await
        .unwrap();
    assert_eq!((removed.reports, removed.files.len()), (1, 1));
    assert_eq!(citizen_of(&database, &old), (String::new(), None, 0));
    assert_eq!(
        citizen_of(&database, &recent),
        ("Okafor".to_owned(), Some("PS-2026-4411".to_owned()), 1),
        "closed 11 days ago: kept"
    );
    let files = std::fs::read_dir(&app.state.settings.reports.attachment_dir)
        .unwrap()
        .count();
    assert_eq!(files, 1, "the old report's file is deleted");

    let mut office = app.logged_in("demo.sportello").await;
    let page = office.get(&format!("/segnalazioni/{old}")).await;
    assert_eq!(page.status, 200, "the report stays, for the statistics");
    assert!(!page.body.contains("Okafor"));
    // The search for the person finds only the report that keeps her name.
    let search = office.get("/segnalazioni/cerca").await;
    let form = search
        .form("/segnalazioni/cerca/persona")
        .set("persona", "okafor grace");
    let results = office.submit(&form).await;
    assert_eq!(results.status, 200);
    assert!(results.body.contains(&format!("/segnalazioni/{recent}\"")));
    assert!(!results.body.contains(&format!("/segnalazioni/{old}\"")));

    let again = respi_tickets::app::retention::apply(&app.state)
        .await
        .unwrap();
    assert_eq!(again.reports, 0, "nothing twice");
    let mut admin = app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert_eq!(
        audit
            .body
            .matches("Dati personali di segnalazioni chiuse da tempo cancellati")
            .count(),
        1
    );
    assert!(
        audit
            .body
            .contains("1 segnalazioni, 0 prenotazioni, 1 allegati")
    );
}

#[tokio::test]
async fn a_person_gets_their_data_and_has_it_erased_on_request() {
    let app = spawn_app_with(|_, _| {}).await;
    let mut office = app.logged_in("demo.sportello").await;
    let (id, protocol) = file_report_with_attachment(&mut office, "U3").await;
    let person_command = |action: &str| {
        let mut command = command(app.folder());
        command
            .env("RESPI_TICKETS_DATABASE", app.database())
            .env(
                "RESPI_TICKETS_REPORTS__ATTACHMENT_DIR",
                &app.state.settings.reports.attachment_dir,
            )
            .args(["persona", action, "--pratica", "ps-2026-4411"]);
        command
    };
    let mut missing = person_command("esporta");
    let refused = missing.output().unwrap();
    assert!(
        !refused.status.success(),
        "the request's reference is required"
    );

    let mut export = person_command("esporta");
    export.args(["--richiesta", "Domanda 12/2026"]);
    let exported = run(export);
    let json: serde_json::Value = serde_json::from_slice(&exported.stdout).unwrap();
    let records = json["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["reference"], protocol.as_str());
    assert_eq!(records[0]["name"], "Okafor Grace");

    let mut erase = person_command("cancella");
    erase.args(["--richiesta", "Domanda 13/2026"]);
    let erased = run(erase);
    assert!(
        String::from_utf8_lossy(&erased.stdout)
            .contains("1 segnalazioni, 0 prenotazioni, 1 allegati")
    );
    assert_eq!(citizen_of(&app.database(), &id), (String::new(), None, 0));
    let page = Client::get(&mut office, &format!("/segnalazioni/{id}")).await;
    assert!(!page.body.contains("Okafor"));

    let mut admin = app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert!(
        audit
            .body
            .contains("Dati di una persona esportati su sua richiesta")
    );
    assert!(
        audit
            .body
            .contains("richiesta Domanda 12/2026: 1 registrazioni")
    );
    assert!(
        audit
            .body
            .contains("Dati di una persona cancellati su sua richiesta")
    );
    assert!(
        !audit.body.contains("PS-2026-4411"),
        "the log names the request, not the person"
    );
}
