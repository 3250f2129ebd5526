//! Hardening of authentication: failures counted atomically under concurrency, TOTP steps
//! accepted once, second factors replaced only with the password, current-password checks
//! limited like the login, reset links and temporary passwords that expire, and request ids
//! the service makes itself.

use std::path::PathBuf;

use respi_tickets::config::Settings;
use tempfile::TempDir;

use crate::helpers::{TestApp, spawn_app_with};

/// Starts the demo service and returns it with the path of its database file.
async fn spawn_app_and_database(
    configure: impl FnOnce(&mut Settings, &TempDir),
) -> (TestApp, PathBuf) {
    let mut database = None;
    let app = spawn_app_with(|settings, dir| {
        configure(settings, dir);
        database = Some(settings.demo_database_path());
    })
    .await;
    (app, database.expect("the settings name the database"))
}

#[tokio::test]
async fn a_request_id_sent_by_the_client_is_not_the_one_the_service_logs() {
    let (app, _) = spawn_app_and_database(|_, _| {}).await;
    let forged = "forged-by-the-client-0001";
    // The helper client sends no such header: a plain request carries the forged one.
    let response = reqwest::Client::new()
        .get(format!("{}/non-esiste", app.address))
        .header("x-request-id", forged)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = response.text().await.unwrap();
    assert_ne!(id, forged);
    assert!(body.contains(&id), "the error page shows the service's id");
    assert!(!body.contains(forged));
}
