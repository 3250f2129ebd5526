//! Exports ask for the password again (and the TOTP code, for accounts that have one) when the
//! session's last login is older than `session.reauth_secs`; exports are audited.

use respi_tickets::domain::role::Role;

use crate::helpers::{Client, TestApp, now, spawn_app_with, totp_code};

async fn spawn_app_with_short_window(second_factor: bool) -> TestApp {
    spawn_app_with(move |settings, _| {
        settings.session.reauth_secs = 1;
        if second_factor {
            settings.login.second_factor_roles = vec![Role::Admin];
        }
    })
    .await
}

/// Moves the service's clock past the one-second window of a login made before the call.
fn let_the_window_pass(app: &TestApp) {
    app.clock.advance(2);
}

/// Opens the confirmation page that leads to `next` (as the export's redirect does) and
/// sends its form with `fields` typed.
async fn confirm(client: &mut Client, next: &str, fields: &[(&str, &str)]) -> crate::helpers::Page {
    let path = format!("/conferma-identita?next={}", next.replace('/', "%2F"));
    client.send_form(&path, "/conferma-identita", fields).await
}

#[tokio::test]
async fn an_export_right_after_login_needs_no_new_password() {
    let app = spawn_app_with(|_, _| {}).await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let (status, headers, bytes) = coordination.download("/lotti/1/pdf").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"));
}

#[tokio::test]
async fn an_old_login_types_the_password_again_before_a_batch_pdf() {
    let app = spawn_app_with_short_window(false).await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let_the_window_pass(&app);

    let (status, headers, bytes) = coordination.download("/lotti/1/pdf").await;
    assert_eq!(status, 303);
    assert_eq!(
        headers["location"],
        "/conferma-identita?next=%2Flotti%2F1%2Fpdf"
    );
    assert!(!bytes.starts_with(b"%PDF-"));

    let form = coordination
        .get("/conferma-identita?next=%2Flotti%2F1%2Fpdf")
        .await;
    assert!(form.body.contains("name=\"next\" value=\"/lotti/1/pdf\""));
    assert!(form.body.contains("autocomplete=\"current-password\""));
    assert!(
        !form.body.contains("name=\"code\""),
        "no TOTP on this account"
    );

    let wrong = confirm(
        &mut coordination,
        "/lotti/1/pdf",
        &[("password", "non-è-la-password")],
    )
    .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("<title>Errore: "));
    assert!(wrong.body.contains("href=\"#password\""));
    assert!(wrong.body.contains("aria-invalid=\"true\""));
    let (status, _, _) = coordination.download("/lotti/1/pdf").await;
    assert_eq!(status, 303, "a wrong password opens nothing");

    let password = app.password("demo.coordinamento");
    let right = confirm(
        &mut coordination,
        "/lotti/1/pdf",
        &[("password", &password)],
    )
    .await;
    assert_eq!(right.status, 303);
    assert_eq!(right.location(), Some("/lotti/1/pdf"));
    let (status, _, bytes) = coordination.download("/lotti/1/pdf").await;
    assert_eq!(status, 200);
    assert!(bytes.starts_with(b"%PDF-"));

    // Another site cannot be the destination, even from a link that names it.
    let off_site = confirm(
        &mut coordination,
        "//evil.example/",
        &[("password", &password)],
    )
    .await;
    assert_eq!(off_site.location(), Some("/"));

    let mut admin = app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Identità confermata prima di un"));
    assert!(audit.body.contains("identità non riuscita, tentativo n. 1"));
    assert!(audit.body.contains("lotto 1, PDF"));
}

#[tokio::test]
async fn the_audit_log_export_asks_for_the_code_too_and_is_audited() {
    let app = spawn_app_with_short_window(true).await;
    let mut admin = app.client();
    admin.login("demo.admin", &app.password("demo.admin")).await;
    let secret = app.totp_secrets["demo.admin"].clone();
    let login_code = totp_code(&secret, now());
    let page = admin
        .send_form("/login/codice", "/login/codice", &[("code", &login_code)])
        .await;
    assert_eq!(page.status, 303);
    let_the_window_pass(&app);

    let (status, headers, _) = admin.download("/admin/audit/esporta").await;
    assert_eq!(status, 303);
    assert_eq!(
        headers["location"],
        "/conferma-identita?next=%2Fadmin%2Faudit%2Fesporta"
    );
    let password = app.password("demo.admin");
    let next = "/admin/audit/esporta";
    let form = admin
        .get("/conferma-identita?next=%2Fadmin%2Faudit%2Fesporta")
        .await;
    assert!(form.body.contains("name=\"code\""));
    let without_code = confirm(&mut admin, next, &[("password", &password)]).await;
    assert_eq!(without_code.status, 422);
    assert!(without_code.body.contains("href=\"#code\""));
    let replayed = confirm(
        &mut admin,
        next,
        &[("password", &password), ("code", &login_code)],
    )
    .await;
    assert_eq!(
        replayed.status, 422,
        "the login's code cannot be used again"
    );

    // The next code (one step of clock drift is accepted).
    let code = totp_code(&secret, now() + 30);
    let right = confirm(
        &mut admin,
        next,
        &[("password", &password), ("code", &code)],
    )
    .await;
    assert_eq!(right.status, 303, "{}", right.body);
    assert_eq!(right.location(), Some(next));
    let (status, headers, bytes) = admin.download(next).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let csv = String::from_utf8(bytes).unwrap();
    assert!(csv.starts_with("numero,data_ora_utc,"));
    assert!(csv.contains("reauthenticated"));
    assert!(csv.contains("audit_exported"));
}

#[tokio::test]
async fn only_admins_export_the_audit_log() {
    let app = spawn_app_with(|_, _| {}).await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let (status, _, _) = coordination.download("/admin/audit/esporta").await;
    assert_eq!(status, 403);
}
