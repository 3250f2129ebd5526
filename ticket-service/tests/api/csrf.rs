//! Forms without the session's CSRF token, with another session's token, or sent from another
//! site are refused, and nothing is written. Apart from the first test, these bodies are built
//! by hand on purpose: no page of the service sends them.

use crate::helpers::{Client, spawn_app};

const NEW_USER: [(&str, &str); 5] = [
    ("username", "mario.rossi"),
    ("display_name", "Mario Rossi"),
    ("email", "mario.rossi@ente.example.it"),
    ("role", "coordinamento"),
    ("organisation", "1"),
];

async fn user_exists(admin: &mut Client) -> bool {
    admin
        .get("/admin/utenti")
        .await
        .body
        .contains("mario.rossi")
}

fn with_token(token: &str) -> Vec<(&str, &str)> {
    let mut form = vec![("csrf", token)];
    form.extend(NEW_USER);
    form
}

#[tokio::test]
async fn a_valid_token_creates_the_user() {
    let app = spawn_app().await;
    let mut admin = app.logged_in("demo.admin").await;
    let form = admin.get("/admin/utenti/nuovo").await;
    let user = form
        .form("/admin/utenti/nuovo")
        .set("username", "mario.rossi")
        .set("display_name", "Mario Rossi")
        .set("email", "mario.rossi@ente.example.it")
        .set("role", "coordinamento")
        .choose("organisation", "Coordinamento della rete");
    let page = admin.submit(&user).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Password provvisoria"));
    assert!(user_exists(&mut admin).await);
}

#[tokio::test]
async fn a_missing_token_is_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let mut admin = app.logged_in("demo.admin").await;
    let page = admin.post_raw("/admin/utenti/nuovo", &NEW_USER).await;
    assert_eq!(page.status, 403);
    assert!(page.body.contains("non è stato registrato nulla"));
    assert!(!user_exists(&mut admin).await);
}

#[tokio::test]
async fn the_token_from_before_login_cannot_be_replayed_after_it() {
    let app = spawn_app().await;
    let mut admin = app.client();
    let login_form = admin.get("/login").await;
    let old_token = login_form.csrf();
    admin
        .post_raw(
            "/login",
            &[
                ("csrf", &old_token),
                ("username", "demo.admin"),
                ("password", &app.password("demo.admin")),
            ],
        )
        .await;
    let page = admin
        .post_raw("/admin/utenti/nuovo", &with_token(&old_token))
        .await;
    assert_eq!(page.status, 403);
    assert!(!user_exists(&mut admin).await);
}

#[tokio::test]
async fn another_sessions_token_is_refused() {
    let app = spawn_app().await;
    let mut admin = app.logged_in("demo.admin").await;
    let mut other_admin = app.logged_in("demo.admin").await;
    let foreign = other_admin.get("/admin/utenti/nuovo").await.csrf();
    let page = admin
        .post_raw("/admin/utenti/nuovo", &with_token(&foreign))
        .await;
    assert_eq!(page.status, 403);
    assert!(!user_exists(&mut admin).await);
}

#[tokio::test]
async fn a_token_from_a_logged_out_session_is_dead() {
    let app = spawn_app().await;
    let mut admin = app.logged_in("demo.admin").await;
    let session = admin.session.clone();
    let token = admin.get("/admin/utenti/nuovo").await.csrf();
    let home = admin.get("/").await;
    admin.submit(&home.form_with_button("Esci")).await;
    admin.session = session;
    let page = admin
        .post_raw("/admin/utenti/nuovo", &with_token(&token))
        .await;
    assert_eq!(page.status, 303, "no session: back to login");
    let mut again = app.logged_in("demo.admin").await;
    assert!(!user_exists(&mut again).await);
}

#[tokio::test]
async fn cross_site_requests_are_refused_even_with_the_token() {
    let app = spawn_app().await;
    let mut admin = app.logged_in("demo.admin").await;
    let token = admin.get("/admin/utenti/nuovo").await.csrf();
    let page = admin
        .post_with(
            "/admin/utenti/nuovo",
            &with_token(&token),
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(page.status, 403);
    let page = admin
        .post_with(
            "/admin/utenti/nuovo",
            &with_token(&token),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(!user_exists(&mut admin).await);
}

#[tokio::test]
async fn the_login_form_needs_its_token_too() {
    let app = spawn_app().await;
    let mut client = app.client();
    client.get("/login").await;
    let page = client
        .post_raw(
            "/login",
            &[
                ("username", "demo.admin"),
                ("password", &app.password("demo.admin")),
            ],
        )
        .await;
    assert_eq!(page.status, 403);
    assert_eq!(client.get("/").await.status, 303);
}
