//! The authorisation matrix: every role against every route, and the anonymous visitor.

use crate::helpers::spawn_app;

const ROLES: [&str; 7] = [
    "sportello",
    "servizio",
    "coordinamento",
    "interfaccia",
    "questura",
    "prefettura",
    "admin",
];

/// Expected status of each page for each role, in the order of `ROLES`.
const PAGES: [(&str, [u16; 7]); 26] = [
    ("/", [200, 200, 200, 200, 200, 200, 200]),
    ("/profilo", [200, 200, 200, 200, 200, 200, 200]),
    ("/profilo/password", [200, 200, 200, 200, 200, 200, 200]),
    ("/profilo/sessioni", [200, 200, 200, 200, 200, 200, 200]),
    ("/admin/utenti", [403, 403, 403, 403, 403, 403, 200]),
    ("/admin/utenti/nuovo", [403, 403, 403, 403, 403, 403, 200]),
    ("/admin/organizzazioni", [403, 403, 200, 403, 403, 403, 200]),
    (
        "/admin/organizzazioni/nuova",
        [403, 403, 403, 403, 403, 403, 200],
    ),
    (
        "/admin/organizzazioni/1",
        [403, 403, 403, 403, 403, 403, 200],
    ),
    (
        "/admin/organizzazioni/999999",
        [403, 403, 403, 403, 403, 403, 404],
    ),
    ("/admin/audit", [403, 403, 403, 403, 403, 403, 200]),
    ("/admin/utenti/1", [403, 403, 403, 403, 403, 403, 200]),
    ("/segnalazioni", [200, 200, 200, 200, 200, 200, 403]),
    ("/segnalazioni/nuova", [200, 200, 403, 403, 403, 403, 403]),
    ("/segnalazioni/999999", [404, 404, 404, 404, 404, 404, 403]),
    ("/lotti", [403, 403, 200, 200, 403, 403, 403]),
    ("/notifiche", [200, 200, 200, 200, 200, 200, 200]),
    ("/argomenti", [403, 403, 200, 403, 403, 403, 200]),
    ("/argomenti/nuovo", [403, 403, 200, 403, 403, 403, 200]),
    ("/argomenti/1", [403, 403, 200, 403, 403, 403, 200]),
    ("/argomenti/999999", [403, 403, 404, 403, 403, 403, 404]),
    ("/conferma-identita", [200, 200, 200, 200, 200, 200, 200]),
    ("/admin/audit/esporta", [403, 403, 403, 403, 403, 403, 200]),
    ("/lotti/1/pdf", [403, 403, 200, 200, 403, 403, 403]),
    ("/riscontri", [403, 403, 200, 403, 403, 403, 200]),
    ("/riscontri/pagine", [403, 403, 200, 403, 403, 403, 200]),
];

#[tokio::test]
async fn every_role_gets_exactly_the_pages_the_table_allows() {
    let app = spawn_app().await;
    for (i, role) in ROLES.iter().enumerate() {
        let mut client = app.logged_in(&format!("demo.{role}")).await;
        for (path, expected) in PAGES {
            let page = client.get(path).await;
            assert_eq!(page.status, expected[i], "{role} on {path}");
        }
    }
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_the_login_page() {
    let app = spawn_app().await;
    let mut client = app.client();
    for (path, _) in PAGES {
        let page = client.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert!(page.location().unwrap().starts_with("/login"), "{path}");
    }
    // A body built by hand: without a session no page shows this form.
    let page = client
        .post_raw("/admin/utenti/nuovo", &[("username", "x")])
        .await;
    assert_eq!(
        page.status, 303,
        "a form post without login goes to the login page"
    );
    assert_eq!(page.location(), Some("/login"));
}

#[tokio::test]
async fn only_admins_can_post_to_admin_forms() {
    let app = spawn_app().await;
    for role in ROLES {
        let mut client = app.logged_in(&format!("demo.{role}")).await;
        // Bodies built by hand: only the admin's pages have these forms, and the server must
        // refuse them from every other login all the same.
        let token = client.get("/").await.csrf();
        let username = format!("nuovo.{role}");
        let create = client
            .post_raw(
                "/admin/utenti/nuovo",
                &[
                    ("csrf", &token),
                    ("username", &username),
                    ("display_name", "Nuovo Utente"),
                    ("email", "nuovo@ente.example.it"),
                    ("role", "coordinamento"),
                    ("organisation", "1"),
                ],
            )
            .await;
        let disable = client
            .post_raw("/admin/utenti/2/disattiva", &[("csrf", &token)])
            .await;
        let change = client
            .post_raw(
                "/admin/utenti/3/ruolo",
                &[("csrf", &token), ("role", "admin"), ("organisation", "1")],
            )
            .await;
        if role == "admin" {
            assert_eq!(create.status, 200, "{}", create.body);
            assert_eq!(disable.status, 303);
            assert_eq!(change.status, 422, "without the admin's password");
        } else {
            assert_eq!(create.status, 403, "{role} created a user");
            assert_eq!(disable.status, 403, "{role} disabled a user");
            assert_eq!(change.status, 403, "{role} changed a role");
        }
    }
    let mut admin = app.logged_in("demo.admin").await;
    let users = admin.get("/admin/utenti").await;
    assert!(users.body.contains("nuovo.admin"));
    assert!(!users.body.contains("nuovo.sportello"));
}

#[tokio::test]
async fn refusals_are_recorded_in_the_audit_log() {
    let app = spawn_app().await;
    let mut operator = app.logged_in("demo.sportello").await;
    assert_eq!(operator.get("/admin/audit").await.status, 403);
    let mut admin = app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Accesso negato a una funzione"));
    assert!(audit.body.contains("ReadAuditLog"));
}
