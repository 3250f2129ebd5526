//! The TOTP second factor for the roles that need it: code after the password, replay
//! protection, and enrolment.

use respi_tickets::domain::role::Role;

use crate::helpers::{TestApp, now, spawn_app_with, totp_code};

async fn spawn_app_with_second_factor() -> TestApp {
    spawn_app_with(|settings, _| {
        settings.login.second_factor_roles = vec![Role::Admin, Role::Coordination];
    })
    .await
}

#[tokio::test]
async fn an_admin_logs_in_with_password_then_code() {
    let app = spawn_app_with_second_factor().await;
    let mut client = app.client();
    let page = client
        .login("demo.admin", &app.password("demo.admin"))
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), Some("/login/codice?next=%2F"));
    let pending = client.session.clone().unwrap();
    assert_eq!(
        client.get("/").await.status,
        303,
        "no login before the code"
    );

    let form = client.get("/login/codice").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("autocomplete=\"one-time-code\""));
    let code_form = form.form("/login/codice");
    let wrong = client
        .submit(&code_form.clone().set("code", "000000"))
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("href=\"#code\""));

    let code = totp_code(&app.totp_secrets["demo.admin"], now());
    let page = client.submit(&code_form.set("code", &code)).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), Some("/"));
    assert_ne!(
        client.session.as_deref(),
        Some(pending.as_str()),
        "new id after the code"
    );
    assert_eq!(client.get("/admin/utenti").await.status, 200);
}

#[tokio::test]
async fn a_used_code_cannot_be_replayed() {
    let app = spawn_app_with_second_factor().await;
    let secret = app.totp_secrets["demo.coordinamento"].clone();
    let password = app.password("demo.coordinamento");
    let code = totp_code(&secret, now());

    let mut first = app.client();
    first.login("demo.coordinamento", &password).await;
    let page = first
        .send_form("/login/codice", "/login/codice", &[("code", &code)])
        .await;
    assert_eq!(page.status, 303);

    let mut second = app.client();
    second.login("demo.coordinamento", &password).await;
    let form = second.get("/login/codice").await.form("/login/codice");
    let replay = second.submit(&form.clone().set("code", &code)).await;
    assert_eq!(replay.status, 422, "the same code twice");
    let next_code = totp_code(&secret, now() + 30);
    let page = second.submit(&form.set("code", &next_code)).await;
    assert_eq!(page.status, 303, "the next step's code is still accepted");
}

#[tokio::test]
async fn roles_without_second_factor_log_in_with_the_password() {
    let app = spawn_app_with_second_factor().await;
    assert!(!app.totp_secrets.contains_key("demo.sportello"));
    let page = app
        .client()
        .login("demo.sportello", &app.password("demo.sportello"))
        .await;
    assert_eq!(page.location(), Some("/"));
}

#[tokio::test]
async fn a_new_coordinator_must_enrol_before_anything_else() {
    let app = spawn_app_with_second_factor().await;
    let mut admin = app.client();
    admin.login("demo.admin", &app.password("demo.admin")).await;
    let code = totp_code(&app.totp_secrets["demo.admin"], now());
    admin
        .send_form("/login/codice", "/login/codice", &[("code", &code)])
        .await;
    let form = admin.get("/admin/utenti/nuovo").await;
    let user = form
        .form("/admin/utenti/nuovo")
        .set("username", "elena.costa")
        .set("display_name", "Elena Costa")
        .set("email", "elena.costa@ente.example.it")
        .set("role", "coordinamento")
        .choose("organisation", "Coordinamento della rete");
    let created = admin.submit(&user).await;
    let marker = "<code class=\"secret\">";
    let start = created.body.find(marker).unwrap() + marker.len();
    let temporary = created.body[start..start + 23].to_owned();

    let mut elena = app.client();
    assert_eq!(elena.login("elena.costa", &temporary).await.status, 303);
    let chosen = "nocciole delle langhe tonde";
    elena
        .send_form(
            "/profilo/password",
            "/profilo/password",
            &[
                ("current_password", &temporary),
                ("new_password", chosen),
                ("confirm_password", chosen),
            ],
        )
        .await;
    let page = elena.get("/").await;
    assert_eq!(page.location(), Some("/profilo/verifica"));

    let enrol = elena.get("/profilo/verifica").await;
    assert_eq!(enrol.status, 200);
    let start = enrol.body.find(marker).unwrap() + marker.len();
    let end = enrol.body[start..].find("</code>").unwrap() + start;
    let secret = enrol.body[start..end].replace(' ', "");
    assert!(enrol.body.contains("otpauth://totp/"));
    let again = elena.get("/profilo/verifica").await;
    assert!(
        again.body.contains(&enrol.body[start..end]),
        "same secret until confirmed"
    );

    let confirm = enrol.form("/profilo/verifica");
    let wrong = elena.submit(&confirm.clone().set("code", "123456")).await;
    assert_eq!(wrong.status, 422);
    let page = elena
        .submit(&confirm.set("code", &totp_code(&secret, now())))
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(elena.get("/").await.status, 200);

    let page = app.client().login("elena.costa", chosen).await;
    assert!(page.location().unwrap().starts_with("/login/codice"));
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Verifica in due passaggi attivata"));
}
