//! Logging in and out, failures, lockout with back-off, and the per-address limit.

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn a_correct_password_opens_the_dashboard() {
    let app = spawn_app().await;
    let mut client = app.client();
    let page = client
        .login("demo.sportello", &app.password("demo.sportello"))
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), Some("/"));
    let home = client.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Prova Operatore di sportello"));
    assert!(home.body.contains("Inviare segnalazioni"));
}

#[tokio::test]
async fn the_user_name_is_not_case_sensitive() {
    let app = spawn_app().await;
    let page = app
        .client()
        .login("Demo.Admin", &app.password("demo.admin"))
        .await;
    assert_eq!(page.status, 303);
}

#[tokio::test]
async fn a_wrong_password_shows_an_accessible_error_and_keeps_the_user_name() {
    let app = spawn_app().await;
    let mut client = app.client();
    let page = client
        .login("demo.sportello", "not the right password")
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("<title>Errore: Accedi"));
    assert!(page.body.contains("role=\"alert\""));
    assert!(page.body.contains("href=\"#username\""));
    assert!(
        page.body
            .contains("aria-invalid=\"true\" aria-describedby=\"username-error\"")
    );
    assert!(page.body.contains("value=\"demo.sportello\""));
    assert!(!page.body.contains("not the right password"));
    assert_eq!(client.get("/").await.status, 303);
}

#[tokio::test]
async fn empty_fields_are_reported_one_by_one() {
    let app = spawn_app().await;
    let mut client = app.client();
    let page = client.login("", "").await;
    assert_eq!(page.status, 422);
    assert!(
        page.body
            .contains("href=\"#username\">Scrivi il nome utente.")
    );
    assert!(page.body.contains("href=\"#password\">Scrivi la password."));
}

#[tokio::test]
async fn an_unknown_user_gets_the_same_answer_as_a_wrong_password() {
    let app = spawn_app().await;
    let known = app.client().login("demo.admin", "wrong password 123").await;
    let unknown = app
        .client()
        .login("nobody.here", "wrong password 123")
        .await;
    assert_eq!(known.status, unknown.status);
    let message = |body: &str| {
        let start = body.find("<ul>").unwrap();
        body[start..body[start..].find("</ul>").unwrap() + start].to_owned()
    };
    assert_eq!(message(&known.body), message(&unknown.body));
}

#[tokio::test]
async fn repeated_failures_lock_the_account_then_the_lock_expires() {
    let app = spawn_app_with(|settings, _| {
        settings.login.free_attempts = 3;
        settings.login.lock_base_secs = 2;
    })
    .await;
    let password = app.password("demo.questura");
    for _ in 0..3 {
        let page = app
            .client()
            .login("demo.questura", "wrong password 123")
            .await;
        assert_eq!(page.status, 422);
    }
    // Locked: even the right password is refused.
    let page = app.client().login("demo.questura", &password).await;
    assert_eq!(page.status, 422, "a locked account must not log in");

    app.clock.advance(2);
    let page = app.client().login("demo.questura", &password).await;
    assert_eq!(page.status, 303, "the lock should have expired");

    let mut admin = app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("utenza sospesa per 2 s"));
    assert!(
        audit
            .body
            .contains("Accesso rifiutato: utenza sospesa per troppi tentativi")
    );
}

#[tokio::test]
async fn each_further_failure_doubles_the_lock() {
    let app = spawn_app_with(|settings, _| {
        settings.login.free_attempts = 1;
        settings.login.lock_base_secs = 2;
    })
    .await;
    let password = app.password("demo.servizio");
    app.client()
        .login("demo.servizio", "wrong password 1")
        .await;
    app.clock.advance(2);
    // Second failure: locked for 4 s.
    app.client()
        .login("demo.servizio", "wrong password 2")
        .await;
    app.clock.advance(2);
    let page = app.client().login("demo.servizio", &password).await;
    assert_eq!(page.status, 422, "still inside the doubled lock");
    app.clock.advance(3);
    let page = app.client().login("demo.servizio", &password).await;
    assert_eq!(page.status, 303);
}

#[tokio::test]
async fn one_address_cannot_hammer_the_login_form() {
    let app = spawn_app_with(|settings, _| {
        settings.login.ip_burst = 3;
        settings.login.ip_refill_secs = 3600.0;
    })
    .await;
    for _ in 0..3 {
        let page = app.client().login("demo.admin", "wrong password 123").await;
        assert_eq!(page.status, 422);
    }
    let page = app
        .client()
        .login("demo.admin", &app.password("demo.admin"))
        .await;
    assert_eq!(page.status, 429);
    assert!(page.body.contains("Troppi tentativi"));
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let mut client = app.logged_in("demo.coordinamento").await;
    let session = client.session.clone();
    let home = client.get("/").await;
    let page = client.submit(&home.form_with_button("Esci")).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), Some("/login?esito=uscita"));
    assert!(page.header("set-cookie").unwrap().contains("Max-Age=0"));
    // Replaying the old cookie does not bring the session back.
    client.session = session;
    assert_eq!(client.get("/").await.status, 303);
}

#[tokio::test]
async fn after_login_the_user_goes_back_to_the_page_asked_for_but_never_off_site() {
    let app = spawn_app().await;
    let mut client = app.client();
    let page = client.get("/admin/audit").await;
    assert_eq!(page.location(), Some("/login?next=%2Fadmin%2Faudit"));
    let credentials = [
        ("username", "demo.admin"),
        ("password", &app.password("demo.admin")),
    ];
    let page = client
        .send_form("/login?next=%2Fadmin%2Faudit", "/login", &credentials)
        .await;
    assert_eq!(page.location(), Some("/admin/audit"));

    // A link that names another site as the destination.
    let mut other = app.client();
    let page = other
        .send_form("/login?next=%2F%2Fevil.example%2F", "/login", &credentials)
        .await;
    assert_eq!(page.location(), Some("/"));
}

#[tokio::test]
async fn one_address_cannot_flood_the_database_with_login_forms() {
    let app = spawn_app_with(|settings, _| {
        settings.login.ip_burst = 2;
        settings.login.ip_refill_secs = 3600.0;
    })
    .await;
    let mut browser = app.client();
    assert_eq!(browser.get("/login").await.status, 200);
    for _ in 0..5 {
        assert_eq!(app.client().get("/login").await.status, 200);
    }
    assert_eq!(app.client().get("/login").await.status, 429);
    // A browser that kept its cookie reuses its session and is not counted again.
    assert_eq!(browser.get("/login").await.status, 200);
}

/// Sends a wrong login from the form of `client`, claiming to come from `forwarded`: a
/// header written by hand, as a client that lies about its address does.
async fn failed_login_from(client: &mut crate::helpers::Client, forwarded: &str) -> u16 {
    let form = client.get("/login").await;
    client
        .post_with(
            "/login",
            &[
                ("csrf", &form.csrf()),
                ("username", "nessuno"),
                ("password", "sbagliata-di-sicuro"),
            ],
            &[("x-forwarded-for", forwarded)],
        )
        .await
        .status
}

#[tokio::test]
async fn a_forged_forwarded_address_does_not_get_round_the_address_limit() {
    let app = spawn_app_with(|settings, _| {
        settings.login.ip_burst = 3;
        settings.login.ip_refill_secs = 3600.0;
    })
    .await;
    // Logged in before the address uses up its allowance.
    let mut admin = app.logged_in("demo.admin").await;
    let mut client = app.client();
    // The admin's login took one of the three attempts of 127.0.0.1.
    for n in 1..=2 {
        let status = failed_login_from(&mut client, &format!("203.0.113.{n}")).await;
        assert_eq!(status, 422);
    }
    assert_eq!(
        failed_login_from(&mut client, "203.0.113.99").await,
        429,
        "a new X-Forwarded-For each time must not open a new allowance"
    );
    // The audit log keeps the real address, not the claimed one.
    let entries = audit_ips(&mut admin).await;
    assert!(entries.iter().all(|ip| ip == "127.0.0.1"), "{entries:?}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_client() {
    let app = spawn_app_with(|settings, _| {
        settings.login.ip_burst = 3;
        settings.login.ip_refill_secs = 3600.0;
        settings.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let mut admin = app.logged_in("demo.admin").await;
    let mut client = app.client();
    for _ in 0..3 {
        assert_eq!(failed_login_from(&mut client, "203.0.113.7").await, 422);
    }
    assert_eq!(failed_login_from(&mut client, "203.0.113.7").await, 429);
    // Another person behind the same proxy has an allowance of their own; an address the
    // client wrote left of the proxy's entry changes nothing.
    assert_eq!(
        failed_login_from(&mut client, "203.0.113.7, 198.51.100.23").await,
        422
    );
    let entries = audit_ips(&mut admin).await;
    assert!(entries.contains(&"203.0.113.7".to_owned()), "{entries:?}");
    assert!(entries.contains(&"198.51.100.23".to_owned()), "{entries:?}");
    assert!(!entries.contains(&"127.0.0.1".to_owned()), "{entries:?}");
}

/// The addresses of the failed logins in the audit log, read as the admin sees them.
async fn audit_ips(admin: &mut crate::helpers::Client) -> Vec<String> {
    let page = admin.get("/admin/audit").await;
    page.body
        .split("<tr>")
        .filter(|row| row.contains("Accesso non riuscito"))
        .filter_map(|row| {
            // The fifth cell is the address.
            let cell = row.split("<td>").nth(5)?;
            Some(cell[..cell.find("</td>")?].trim().to_owned())
        })
        .collect()
}
