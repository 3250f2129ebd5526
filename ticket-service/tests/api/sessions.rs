//! Session ids: rotated at login, ended by inactivity, by age, and by a password change.

use crate::helpers::{Client, Page, TestApp, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_session_id_changes_at_login_and_the_old_one_is_dead() {
    let app = spawn_app().await;
    let mut client = app.client();
    client.get("/login").await;
    let anonymous = client
        .session
        .clone()
        .expect("the login form sets a session cookie");
    let page = client
        .login("demo.admin", &app.password("demo.admin"))
        .await;
    assert_eq!(page.status, 303);
    let logged_in = client.session.clone().unwrap();
    assert_ne!(anonymous, logged_in);
    assert_eq!(anonymous.len(), 22, "128 random bits, base64url");

    client.session = Some(anonymous);
    let page = client.get("/").await;
    assert_eq!(page.status, 303, "the pre-login id must not be logged in");
    client.session = Some(logged_in);
    assert_eq!(client.get("/").await.status, 200);
}

#[tokio::test]
async fn an_idle_session_expires_but_activity_keeps_it_alive() {
    let app = spawn_app_with(|settings, _| settings.session.idle_secs = 4).await;
    let mut client = app.logged_in("demo.sportello").await;
    // Four requests three seconds apart: twelve seconds in all, never four idle.
    for _ in 0..4 {
        app.clock.advance(3);
        assert_eq!(client.get("/").await.status, 200);
    }
    app.clock.advance(5);
    let page = client.get("/").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), Some("/login"));
}

#[tokio::test]
async fn a_busy_session_still_ends_at_its_absolute_lifetime() {
    let app = spawn_app_with(|settings, _| {
        settings.session.idle_secs = 60;
        settings.session.absolute_secs = 3;
    })
    .await;
    let mut client = app.logged_in("demo.sportello").await;
    assert_eq!(client.get("/").await.status, 200);
    for _ in 0..4 {
        app.clock.advance(1);
        client.get("/").await;
    }
    assert_eq!(client.get("/").await.status, 303);
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_only() {
    let app = spawn_app().await;
    let old_password = app.password("demo.prefettura");
    let mut laptop = app.logged_in("demo.prefettura").await;
    let mut phone = app.logged_in("demo.prefettura").await;

    let new_password = "nebbia sul tanaro a novembre";
    let page = laptop
        .send_form(
            "/profilo/password",
            "/profilo/password",
            &[
                ("current_password", &old_password),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), Some("/profilo?esito=password"));
    let profile = laptop.get("/profilo?esito=password").await;
    assert!(profile.body.contains("role=\"status\""));

    assert_eq!(phone.get("/").await.status, 303, "other sessions end");
    assert_eq!(
        app.client()
            .login("demo.prefettura", &old_password)
            .await
            .status,
        422
    );
    assert_eq!(
        app.client()
            .login("demo.prefettura", new_password)
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn a_weak_new_password_is_refused_with_a_reason() {
    let app = spawn_app().await;
    let mut client = app.logged_in("demo.interfaccia").await;
    let page = client
        .send_form(
            "/profilo/password",
            "/profilo/password",
            &[
                ("current_password", "wrong"),
                ("new_password", "Password2024!"),
                ("confirm_password", "something else"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("<title>Errore: Cambia la password"));
    assert!(page.body.contains("href=\"#current_password\""));
    assert!(
        page.body
            .contains("href=\"#new_password\">La password è troppo facile da indovinare")
    );
    assert!(page.body.contains("href=\"#confirm_password\""));
    assert!(
        page.body
            .contains("aria-describedby=\"new_password-hint new_password-error\"")
    );
    let page = app
        .client()
        .login("demo.interfaccia", &app.password("demo.interfaccia"))
        .await;
    assert_eq!(page.status, 303, "the old password still works");
}

#[tokio::test]
async fn a_new_password_made_of_ones_own_name_is_refused() {
    let app = spawn_app().await;
    let mut client = app.logged_in("demo.servizio").await;
    // The account's display name: a long passphrase that another account could choose.
    let chosen = "Prova Operatore di un servizio della rete";
    let page = client
        .send_form(
            "/profilo/password",
            "/profilo/password",
            &[
                ("current_password", &app.password("demo.servizio")),
                ("new_password", chosen),
                ("confirm_password", chosen),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body
            .contains("Contiene il tuo nome o una parte del tuo indirizzo e-mail"),
        "{}",
        page.body
    );
}

/// Logs `username` in from a browser that calls itself `agent`.
async fn logged_in_with_agent(app: &TestApp, username: &str, agent: &str) -> Client {
    let mut client = app.browser(agent);
    let page = client.login(username, &app.password(username)).await;
    assert_eq!(page.status, 303);
    client
}

/// The number of the session opened by `agent` in the list, from its "Chiudi" form.
fn session_number(list: &Page, agent: &str) -> String {
    let row = list
        .body
        .split("<tr>")
        .find(|row| row.contains(agent))
        .expect("the session is listed");
    let start = row.find("/profilo/sessioni/").expect("the row has a form") + 18;
    row[start..].split('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_user_lists_their_sessions_and_ends_one_or_all_the_others() {
    let app = spawn_app().await;
    let mut desk = logged_in_with_agent(&app, "demo.sportello", "Scrivania/1.0").await;
    let mut laptop = logged_in_with_agent(&app, "demo.sportello", "Portatile/2.0").await;
    let mut phone = logged_in_with_agent(&app, "demo.sportello", "Telefono/3.0").await;

    let list = desk.get("/profilo/sessioni").await;
    assert_eq!(list.status, 200);
    for agent in ["Scrivania/1.0", "Portatile/2.0", "Telefono/3.0"] {
        assert!(list.body.contains(agent), "{agent}");
    }
    assert!(list.body.contains("127.0.0.1"));
    assert_eq!(list.body.matches("Questa sessione").count(), 1);
    assert_eq!(
        list.body.matches("/termina\"").count(),
        2,
        "no form for the current one"
    );

    // Another user's session cannot be ended from here.
    let _admin_desk = logged_in_with_agent(&app, "demo.admin", "Ufficio/1.0").await;
    let mut admin = logged_in_with_agent(&app, "demo.admin", "Casa/1.0").await;
    let admin_list = admin.get("/profilo/sessioni").await;
    let foreign = session_number(&admin_list, "Ufficio/1.0");
    // Another user's session, by a body built by hand: no page shows it to this user.
    let refused = desk
        .post_raw(
            &format!("/profilo/sessioni/{foreign}/termina"),
            &[("csrf", &list.csrf())],
        )
        .await;
    assert_eq!(refused.status, 404);
    assert!(
        admin
            .get("/profilo/sessioni")
            .await
            .body
            .contains("Ufficio/1.0")
    );

    // Without the CSRF token (a body built by hand) nothing ends.
    let laptop_number = session_number(&list, "Portatile/2.0");
    let forged = desk
        .post_raw(&format!("/profilo/sessioni/{laptop_number}/termina"), &[])
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(laptop.get("/").await.status, 200);

    let end_laptop = list.form(&format!("/profilo/sessioni/{laptop_number}/termina"));
    let ended = desk.submit(&end_laptop).await;
    assert_eq!(ended.status, 303);
    assert_eq!(ended.location(), Some("/profilo/sessioni?esito=terminata"));
    assert_eq!(
        laptop.get("/").await.status,
        303,
        "the laptop is logged out"
    );
    assert_eq!(phone.get("/").await.status, 200);
    let again = desk.submit(&end_laptop).await;
    assert_eq!(again.status, 404, "an ended session is gone");

    let list = desk.get("/profilo/sessioni").await;
    let all = desk
        .submit(&list.form("/profilo/sessioni/termina-altre"))
        .await;
    assert_eq!(all.status, 303);
    assert_eq!(phone.get("/").await.status, 303);
    assert_eq!(all.location(), Some("/profilo/sessioni?esito=altre"));
    let list = desk.get("/profilo/sessioni?esito=altre").await;
    assert_eq!(list.status, 200, "the current session stays");
    assert!(list.body.contains("role=\"status\""));
    assert!(!list.body.contains("Telefono/3.0"));
    assert!(!list.body.contains("termina-altre"));

    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Sessioni chiuse dall"));
    assert!(audit.body.contains("tutte le altre (1)"));
}
