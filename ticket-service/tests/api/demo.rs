//! Demo data never persists: `serve --demo` runs on a database of its own, and a real database
//! that ran the demo loses the demo's reports at the next start without `--demo`.

use respi_tickets::cli::{self, AddUser};
use respi_tickets::config::Settings;
use respi_tickets::db::{self, Db, reports};
use respi_tickets::domain::organisation::OrganisationKind;
use respi_tickets::startup::Application;

use crate::helpers::{spawn_app, spawn_app_with, test_settings};
use crate::steps::{PDF, file_report};

fn count(path: &std::path::Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

#[tokio::test]
async fn the_demo_runs_on_a_database_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let settings = test_settings(&dir);
    let demo = Application::build(settings.clone(), true).await.unwrap();
    drop(demo);
    let demo_file = settings.demo_database_path();
    assert_ne!(demo_file, settings.database);
    assert_eq!(count(&demo_file, "SELECT COUNT(*) FROM reports"), 2);
    assert!(
        !settings.database.exists(),
        "the demo wrote into the real database"
    );

    let real = Application::build(settings.clone(), false).await.unwrap();
    drop(real);
    assert_eq!(count(&settings.database, "SELECT COUNT(*) FROM reports"), 0);
    assert_eq!(
        count(
            &settings.database,
            "SELECT COUNT(*) FROM users WHERE demo = 1"
        ),
        0
    );
}

#[tokio::test]
async fn demo_reports_in_a_real_database_are_removed_at_a_normal_start() {
    let mut shared: Option<Settings> = None;
    let app = spawn_app_with(|settings, _| {
        // A database that ran the demo before the demo had a file of its own.
        settings.demo_database = Some(settings.database.clone());
        shared = Some(settings.clone());
    })
    .await;
    let settings = shared.unwrap();

    // The office files a report with an attachment through the demo.
    let mut office = app.logged_in("demo.sportello").await;
    let (id, _) = file_report(&mut office, "U3").await;
    let page = office.get(&format!("/segnalazioni/{id}")).await;
    let form =
        page.form(&format!("/segnalazioni/{id}/allegati"))
            .attach("file", "ricevuta.pdf", PDF);
    let upload = office.submit(&form).await;
    assert_eq!(upload.status, 303, "{}", upload.body);
    let stored = std::fs::read_dir(&settings.reports.attachment_dir)
        .unwrap()
        .count();
    assert_eq!(stored, 1);

    add_a_real_account_and_report(&settings.database);
    assert_eq!(count(&settings.database, "SELECT COUNT(*) FROM reports"), 4);

    let real = Application::build(settings.clone(), false).await.unwrap();
    drop(real);
    assert_only_the_real_report_is_left(&settings);
}

/// A real account, added from the command line, and a real report of it, in `database`.
fn add_a_real_account_and_report(database: &std::path::Path) {
    let real_db = Db::open(database).unwrap();
    cli::add_user(
        &real_db,
        &AddUser {
            username: "mario.bianchi",
            display_name: "Mario Bianchi",
            email: "mario.bianchi@ente.example.it",
            role: "sportello",
            organisation: "demo/sportello",
        },
    )
    .unwrap();
    real_db
        .call_blocking(|conn| {
            let user: (i64, i64) = conn.query_row(
                "SELECT id, organisation_id FROM users WHERE username = 'mario.bianchi'",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            let report = reports::NewReport {
                organisation_id: user.1,
                filed_by: user.0,
                kind: "stato_pratica".to_owned(),
                addressed_office: "questura_immigrazione".to_owned(),
                institution: OrganisationKind::Questura,
                file_kind: "permesso_soggiorno".to_owned(),
                file_reference: None,
                citizen_family_name: "Reale".to_owned(),
                citizen_given_name: "Persona".to_owned(),
                citizen_birth_date: None,
                citizen_tax_code: None,
                description: "Segnalazione vera.".to_owned(),
                urgency: "U3".to_owned(),
                urgency_reason: "Nessuna.".to_owned(),
                due_date: jiff::civil::date(2030, 1, 10),
                submission_key: "vera-segnalazione-000001".to_owned(),
            };
            let tx = conn.transaction()?;
            reports::insert(&tx, &report, 2026, db::now())?;
            tx.commit()
        })
        .unwrap();
    drop(real_db);
}

/// After a normal start: the real report alone, with nothing of the demo's left behind (rows,
/// timeline entries, files) and the removal in the audit log.
fn assert_only_the_real_report_is_left(settings: &Settings) {
    let path = &settings.database;
    assert_eq!(
        count(path, "SELECT COUNT(*) FROM reports"),
        1,
        "only the real report is left"
    );
    assert_eq!(
        count(
            path,
            "SELECT COUNT(*) FROM reports WHERE citizen_family_name = 'Reale'"
        ),
        1
    );
    for table in ["batches", "batch_reports", "attachments", "notifications"] {
        assert_eq!(
            count(path, &format!("SELECT COUNT(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    assert_eq!(
        count(
            path,
            "SELECT COUNT(*) FROM report_events e JOIN reports r ON r.id = e.report_id"
        ),
        count(path, "SELECT COUNT(*) FROM report_events"),
        "no timeline entry is left without its report"
    );
    assert_eq!(
        std::fs::read_dir(&settings.reports.attachment_dir)
            .unwrap()
            .count(),
        0,
        "the demo's attachment files are deleted"
    );
    assert_eq!(
        count(
            path,
            "SELECT COUNT(*) FROM audit_log WHERE event = 'demo_data_removed'"
        ),
        1
    );
    // The real timeline is still append-only.
    let conn = rusqlite::Connection::open(path).unwrap();
    assert!(conn.execute("DELETE FROM report_events", []).is_err());
}

#[tokio::test]
async fn the_demo_lists_its_pages_and_each_opens_for_exactly_its_logins() {
    let app = spawn_app().await;
    let mut anonymous = app.client();
    let listing = anonymous.get("/__routes").await;
    assert_eq!(listing.status, 200);
    assert_eq!(listing.header("content-type"), Some("application/json"));
    let logins = [
        "demo.sportello",
        "demo.servizio",
        "demo.coordinamento",
        "demo.interfaccia",
        "demo.questura",
        "demo.prefettura",
        "demo.admin",
    ];
    let mut clients = Vec::new();
    for login in logins {
        clients.push((login, app.logged_in(login).await));
    }
    let mut checked = 0;
    for entry in listing.body.split("{\"path\":\"").skip(1) {
        let path = &entry[..entry.find('"').unwrap()];
        let allowed = &entry[entry.find('[').unwrap()..entry.find(']').unwrap()];
        if allowed.len() == 1 {
            assert_eq!(anonymous.get(path).await.status, 200, "{path}");
            continue;
        }
        for (login, client) in &mut clients {
            let status = client.get(path).await.status;
            if allowed.contains(&format!("\"{login}\"")) {
                assert_eq!(status, 200, "{login} on {path}");
            } else {
                assert!(
                    status == 403 || status == 404,
                    "{login} on {path}: {status}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 50);
}

#[tokio::test]
async fn the_route_listing_exists_only_in_demo_mode() {
    let dir = tempfile::tempdir().unwrap();
    let settings = crate::helpers::test_settings(&dir);
    let app = respi_tickets::startup::Application::build(settings, false)
        .await
        .unwrap();
    let address = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    let response = reqwest::get(format!("{address}/__routes")).await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
}
