//! Cookie flags, security headers, caching, body limit and the error page.

use crate::helpers::{spawn_app, spawn_app_with};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

#[tokio::test]
async fn the_session_cookie_has_the_host_prefix_and_all_flags() {
    let app = spawn_app().await;
    let mut client = app.client();
    let page = client.get("/login").await;
    let cookie = page.header("set-cookie").unwrap();
    assert!(cookie.starts_with("__Host-sid="));
    for flag in ["; Path=/", "; Secure", "; HttpOnly", "; SameSite=Lax"] {
        assert!(cookie.contains(flag), "{flag} missing in {cookie}");
    }
    assert!(!cookie.contains("Domain"));
    let page = client
        .login("demo.admin", &app.password("demo.admin"))
        .await;
    let cookie = page.header("set-cookie").unwrap();
    assert!(cookie.contains("; Secure; HttpOnly; SameSite=Lax"));
}

#[tokio::test]
async fn pages_carry_the_security_headers_and_are_never_cached() {
    let app = spawn_app().await;
    let mut client = app.logged_in("demo.admin").await;
    for path in ["/login", "/", "/admin/utenti", "/pagina-inesistente"] {
        let page = client.get(path).await;
        assert_eq!(page.header("content-security-policy"), Some(CSP), "{path}");
        assert_eq!(
            page.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            page.header("referrer-policy"),
            Some("same-origin"),
            "{path}"
        );
        assert_eq!(page.header("cache-control"), Some("no-store"), "{path}");
        assert!(page.header("strict-transport-security").is_none());
    }
    let html = client.get("/").await;
    assert_eq!(
        html.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let css = client.get("/assets/tickets.css").await;
    assert_eq!(css.status, 200);
    assert_ne!(css.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn hsts_is_sent_when_the_service_runs_behind_tls() {
    let app = spawn_app_with(|settings, _| settings.behind_tls = true).await;
    let page = app.client().get("/login").await;
    assert_eq!(
        page.header("strict-transport-security"),
        Some("max-age=31536000; includeSubDomains")
    );
}

#[tokio::test]
async fn error_pages_are_generic_and_show_the_request_id() {
    let app = spawn_app().await;
    let page = app.client().get("/non-esiste").await;
    assert_eq!(page.status, 404);
    let id = page.header("x-request-id").unwrap().to_owned();
    assert!(page.body.contains(&id));
    assert!(page.body.contains("<h1>Pagina non trovata</h1>"));
    assert!(page.body.contains("<main id=\"main\""));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = spawn_app_with(|settings, _| settings.max_body_bytes = 4096).await;
    let mut client = app.client();
    let token = client.get("/login").await.csrf();
    let big = "x".repeat(10_000);
    // An oversized body built by hand.
    let page = client
        .post_raw(
            "/login",
            &[("csrf", &token), ("username", &big), ("password", "p")],
        )
        .await;
    assert_eq!(page.status, 413);
    assert!(page.body.contains("troppo grandi"));
}

#[tokio::test]
async fn static_files_of_the_portal_theme_are_served_without_listing() {
    let app = spawn_app_with(|settings, dir| {
        std::fs::create_dir_all(dir.path().join("static/css")).unwrap();
        std::fs::write(dir.path().join("static/css/respi.css"), "body{}").unwrap();
        settings.static_dir = dir.path().join("static");
    })
    .await;
    let mut client = app.client();
    let css = client.get("/static/css/respi.css").await;
    assert_eq!(css.status, 200);
    assert_eq!(css.body, "body{}");
    assert_eq!(client.get("/static/css/").await.status, 404);
    assert_eq!(
        client.get("/static/../data/tickets.sqlite3").await.status,
        404
    );
}

#[tokio::test]
async fn healthz_answers_without_login() {
    let app = spawn_app().await;
    let page = app.client().get("/healthz").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body, "ok");
}

#[tokio::test]
async fn readyz_answers_when_the_database_is_ready() {
    let app = spawn_app().await;
    let page = app.client().get("/readyz").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body, "pronto");
}
