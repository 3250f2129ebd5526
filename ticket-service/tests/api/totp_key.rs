//! The key of the TOTP secrets: secrets stored encrypted, the start refused without the key
//! when a second factor needs it or with a key that does not open them, secrets stored in
//! clear by older versions sealed at start, and the demo's own key.

use respi_tickets::auth::totp_key::TotpKey;
use respi_tickets::config::Settings;
use respi_tickets::domain::role::Role;
use respi_tickets::startup::Application;
use tempfile::TempDir;

use crate::hardening_auth::{
    pending_client, spawn_app_and_database, spawn_app_with_second_factor, user_column,
};
use crate::helpers::{now, test_settings, totp_code};

#[tokio::test]
async fn totp_secrets_are_stored_encrypted() {
    let (app, database) = spawn_app_with_second_factor().await;
    let secret = app.totp_secrets["demo.admin"].clone();
    let stored: String = user_column(&database, "demo.admin", "totp_secret");
    assert!(
        !stored.contains(&secret),
        "the secret is in the database in clear"
    );
    assert!(stored.starts_with("v1:"), "{stored}");
    let (mut client, code_form) = pending_client(&app, "demo.admin").await;
    let page = client
        .submit(&code_form.set("code", &totp_code(&secret, now())))
        .await;
    assert_eq!(page.status, 303, "the sealed secret still checks codes");
}

/// Settings of a real (not demo) start on `dir`, with no role needing a second factor.
fn real_settings(dir: &TempDir) -> Settings {
    let mut settings = test_settings(dir);
    settings.login.second_factor_roles = Vec::new();
    settings
}

/// Creates an account from the command line and gives it a TOTP secret stored in clear, as
/// versions before the key did.
fn account_with_clear_secret(settings: &Settings, secret: &str) {
    let db = respi_tickets::startup::prepare_database(settings).unwrap();
    respi_tickets::cli::add_user(
        &db,
        &respi_tickets::cli::AddUser {
            username: "vecchia.utenza",
            display_name: "Vecchia Utenza",
            email: "vecchia@ente.example.it",
            role: "admin",
            organisation: "coordinamento",
        },
    )
    .unwrap();
    db.call_blocking(|conn| {
        conn.execute(
            "UPDATE users SET totp_secret = ?1 WHERE username = 'vecchia.utenza'",
            [secret],
        )
    })
    .unwrap();
}

#[tokio::test]
async fn without_the_key_the_service_refuses_to_start_when_a_factor_needs_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = real_settings(&dir);
    settings.login.second_factor_roles = vec![Role::Admin];
    let error = Application::build(settings.clone(), false)
        .await
        .err()
        .expect("a role needs the key");
    let message = error.to_string();
    assert!(message.contains("login.totp_key"), "{message}");
    assert!(
        message.contains("RESPI_TICKETS_LOGIN__TOTP_KEY"),
        "{message}"
    );
    assert!(message.contains("admin"), "{message}");

    // No role needs it, but an account has a factor.
    settings.login.second_factor_roles = Vec::new();
    account_with_clear_secret(&settings, "JBSWY3DPEHPK3PXP");
    let message = Application::build(settings, false)
        .await
        .err()
        .expect("an account needs the key")
        .to_string();
    assert!(message.contains("1 utenze attive"), "{message}");
}

#[tokio::test]
async fn secrets_stored_in_clear_are_sealed_at_start_with_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = real_settings(&dir);
    account_with_clear_secret(&settings, "JBSWY3DPEHPK3PXP");
    let key_text = TotpKey::generate_text();
    settings.login.totp_key = Some(key_text.clone());
    drop(Application::build(settings.clone(), false).await.unwrap());
    let stored: String = user_column(&settings.database, "vecchia.utenza", "totp_secret");
    assert!(TotpKey::is_sealed(&stored), "{stored}");
    let key = TotpKey::parse(&key_text).unwrap();
    assert_eq!(key.open(&stored).as_deref(), Some("JBSWY3DPEHPK3PXP"));

    // Another key does not open it: the start is refused, naming the account.
    settings.login.totp_key = Some(TotpKey::generate_text());
    let message = Application::build(settings, false)
        .await
        .err()
        .expect("a wrong key is refused")
        .to_string();
    assert!(message.contains("vecchia.utenza"), "{message}");
}

#[tokio::test]
async fn the_demo_keeps_its_own_key_beside_its_database() {
    let mut key_path = None;
    let (app, database) = spawn_app_and_database(|settings, _| {
        settings.login.second_factor_roles = vec![Role::Admin];
        key_path = Some(settings.demo_totp_key_path());
    })
    .await;
    let key_path = key_path.unwrap();
    let key = TotpKey::parse(&std::fs::read_to_string(&key_path).unwrap()).unwrap();
    let stored: String = user_column(&database, "demo.admin", "totp_secret");
    assert_eq!(
        key.open(&stored).as_deref(),
        Some(app.totp_secrets["demo.admin"].as_str())
    );
}
