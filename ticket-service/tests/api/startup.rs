//! Starting the binary: a corrupt database is refused by name, never replaced.

use std::process::Command;

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
