//! Starting the service: a corrupt database is refused by name, never replaced, and settings
//! that would switch a protection off stop the start.

use std::process::Command;

use respi_tickets::config::Settings;
use respi_tickets::startup::Application;

use crate::helpers::test_settings;

#[test]
fn a_corrupt_database_file_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("corrupt.sqlite3");
    let garbage = b"definitely not an SQLite database ".repeat(200);
    std::fs::write(&database, &garbage).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_respi-tickets"))
        .arg("serve")
        .current_dir(dir.path())
        .env("RESPI_TICKETS_DATABASE", &database)
        .env("RESPI_TICKETS_BIND", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&database.display().to_string()),
        "the error names the file: {stderr}"
    );
    assert!(stderr.contains("non lo sostituisce"), "{stderr}");
    assert_eq!(
        std::fs::read(&database).unwrap(),
        garbage,
        "the file is left alone"
    );
}

#[test]
fn a_missing_configuration_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_respi-tickets"))
        .args(["serve", "--config", "missing.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.toml"));
}

#[test]
fn the_first_admin_is_created_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_respi-tickets"))
        .args([
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
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Utenza prima.admin creata"));
    assert!(dir.path().join("data/respi-tickets.sqlite3").is_file());
}

#[tokio::test]
async fn settings_that_would_switch_a_protection_off_stop_the_start() {
    type Change = fn(&mut Settings);
    let refused: &[(&str, Change)] = &[
        ("session.idle_secs", |s| s.session.idle_secs = 0),
        ("session.idle_secs", |s| s.session.idle_secs = i64::MAX),
        ("session.absolute_secs", |s| s.session.absolute_secs = 0),
        ("session.absolute_secs", |s| {
            s.session.absolute_secs = 10 * 365 * 86_400
        }),
        ("session.reauth_secs", |s| s.session.reauth_secs = 0),
        ("session.reauth_secs", |s| s.session.reauth_secs = 86_400),
        ("login.free_attempts", |s| s.login.free_attempts = 0),
        ("login.free_attempts", |s| s.login.free_attempts = 1_000_000),
        ("login.lock_base_secs", |s| s.login.lock_base_secs = 0),
        ("login.lock_max_secs", |s| s.login.lock_max_secs = 0),
        ("login.ip_burst", |s| s.login.ip_burst = 0),
        ("login.ip_burst", |s| s.login.ip_burst = u32::MAX),
        ("login.ip_refill_secs", |s| s.login.ip_refill_secs = 0.0),
        ("login.ip_refill_secs", |s| {
            s.login.ip_refill_secs = f64::NAN
        }),
        ("max_body_bytes", |s| s.max_body_bytes = 0),
        ("reports.attachment_max_bytes", |s| {
            s.reports.attachment_max_bytes = 0
        }),
        ("reports.attachments_per_report", |s| {
            s.reports.attachments_per_report = 0
        }),
        ("reports.attachment_bytes_per_report", |s| {
            s.reports.attachment_bytes_per_report = 0
        }),
        ("reports.attachments_per_user_per_day", |s| {
            s.reports.attachments_per_user_per_day = 0
        }),
        ("reports.attachment_bytes_per_user_per_day", |s| {
            s.reports.attachment_bytes_per_user_per_day = 0
        }),
        ("reports.drafts_per_session", |s| {
            s.reports.drafts_per_session = 0
        }),
        ("page_size", |s| s.page_size = 0),
    ];
    for (key, change) in refused {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = test_settings(&dir);
        change(&mut settings);
        let Err(error) = Application::build(settings, false).await else {
            panic!("the service started with a wrong {key}");
        };
        let message = error.to_string();
        assert!(message.contains(key), "{key}: {message}");
        assert!(
            message.starts_with("configurazione non valida"),
            "{message}"
        );
        assert!(
            !dir.path().join("data").exists(),
            "{key}: refused before the database is touched"
        );
    }
}
