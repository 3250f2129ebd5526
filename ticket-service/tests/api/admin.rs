//! User management in the web interface: creation with a temporary password, the forced
//! change at first login, disabling.

use crate::helpers::{Client, spawn_app};

/// The id of a user, read from the link in the users list.
async fn user_id(admin: &mut Client, username: &str) -> String {
    let users = admin.get("/admin/utenti").await;
    let link = format!("\">{username}</a></th>");
    let end = users.body.find(&link).expect("the user is listed");
    let start = users.body[..end].rfind("/admin/utenti/").unwrap() + "/admin/utenti/".len();
    users.body[start..end].to_owned()
}

#[tokio::test]
async fn a_new_user_must_choose_a_password_at_first_login() {
    let app = spawn_app().await;
    let mut admin = app.logged_in("demo.admin").await;
    let form = admin.get("/admin/utenti/nuovo").await;
    let user = form
        .form("/admin/utenti/nuovo")
        .set("username", "Giulia.Verdi")
        .set("display_name", "Giulia Verdi")
        .set("email", "giulia.verdi@ente.example.it")
        .set("role", "coordinamento")
        .choose("organisation", "Coordinamento della rete");
    let page = admin.submit(&user).await;
    assert_eq!(page.status, 200);
    let marker = "<code class=\"secret\">";
    let start = page.body.find(marker).unwrap() + marker.len();
    let temporary = &page.body[start..start + 23];

    let mut giulia = app.client();
    assert_eq!(giulia.login("giulia.verdi", temporary).await.status, 303);
    let page = giulia.get("/").await;
    assert_eq!(page.location(), Some("/profilo/password"));
    let form = giulia.get("/profilo/password").await;
    assert!(form.body.contains("La password attuale è provvisoria"));
    let change = form
        .form("/profilo/password")
        .set("current_password", temporary)
        .set("new_password", "castagne di cuneo e marroni")
        .set("confirm_password", "castagne di cuneo e marroni");
    let page = giulia.submit(&change).await;
    assert_eq!(page.status, 303);
    assert_eq!(giulia.get("/").await.status, 200);

    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Utente creato"));
    assert!(audit.body.contains("ruolo: coordinamento"));
    assert!(audit.body.contains("Password cambiata"));
    assert!(
        !audit.body.contains(temporary),
        "no password in the audit log"
    );
}

#[tokio::test]
async fn invalid_input_is_explained_and_kept() {
    let app = spawn_app().await;
    let mut admin = app.logged_in("demo.admin").await;
    let form = admin.get("/admin/utenti/nuovo").await;
    let long_name = "A".repeat(101);
    // The organisation is tampered with: no option of the page has that id.
    let user = form
        .form("/admin/utenti/nuovo")
        .set("username", "demo.admin")
        .set("display_name", &long_name)
        .set("email", "not-an-address")
        .set("role", "questura")
        .tamper("organisation", "999999");
    let page = admin.submit(&user).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("<title>Errore: Nuovo utente"));
    for field in ["username", "display_name", "email", "organisation"] {
        assert!(page.body.contains(&format!("href=\"#{field}\"")), "{field}");
    }
    assert!(page.body.contains("Esiste già un utente con questo nome"));
    assert!(page.body.contains("value=\"not-an-address\""));
    assert!(page.body.contains("<option value=\"questura\" selected>"));
}

#[tokio::test]
async fn a_role_cannot_be_attached_to_the_wrong_organisation() {
    let app = spawn_app().await;
    let mut admin = app.logged_in("demo.admin").await;
    let form = admin.get("/admin/utenti/nuovo").await;
    // A Questura referent cannot belong to the coordination.
    let user = form
        .form("/admin/utenti/nuovo")
        .set("username", "luca.neri")
        .set("display_name", "Luca Neri")
        .set("email", "luca.neri@ente.example.it")
        .set("role", "questura")
        .choose("organisation", "Coordinamento della rete");
    let page = admin.submit(&user).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("non può appartenere"));
    assert!(!admin.get("/admin/utenti").await.body.contains("luca.neri"));
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions_and_login() {
    let app = spawn_app().await;
    let mut operator = app.logged_in("demo.sportello").await;
    let mut admin = app.logged_in("demo.admin").await;
    let id = user_id(&mut admin, "demo.sportello").await;
    let users = admin.get("/admin/utenti").await;
    let page = admin
        .submit(&users.form(&format!("/admin/utenti/{id}/disattiva")))
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(operator.get("/").await.status, 303);
    let login = app
        .client()
        .login("demo.sportello", &app.password("demo.sportello"))
        .await;
    assert_eq!(login.status, 422);
}

#[tokio::test]
async fn unknown_user_ids_are_404() {
    let app = spawn_app().await;
    let mut admin = app.logged_in("demo.admin").await;
    // Addresses no page links to, with bodies built by hand.
    let token = admin.get("/").await.csrf();
    let page = admin
        .post_raw("/admin/utenti/999999/disattiva", &[("csrf", &token)])
        .await;
    assert_eq!(page.status, 404);
    let page = admin
        .post_raw("/admin/utenti/abc/disattiva", &[("csrf", &token)])
        .await;
    assert_eq!(page.status, 404);
}

#[tokio::test]
async fn a_role_change_needs_the_admin_password_and_ends_the_users_sessions() {
    let app = spawn_app().await;
    let mut coordinator = app.logged_in("demo.coordinamento").await;
    let mut admin = app.logged_in("demo.admin").await;
    let id = user_id(&mut admin, "demo.coordinamento").await;
    let page = admin.get(&format!("/admin/utenti/{id}")).await;
    assert_eq!(page.status, 200);
    let path = format!("/admin/utenti/{id}/ruolo");
    let change = page
        .form(&path)
        .set("role", "interfaccia")
        .choose("organisation", "Coordinamento della rete");
    let page = admin
        .submit(&change.clone().set("admin_password", "not my password"))
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("href=\"#admin_password\""));
    assert!(
        page.body
            .contains("<option value=\"interfaccia\" selected>")
    );
    assert_eq!(
        coordinator.get("/").await.status,
        200,
        "nothing changed yet"
    );

    let page = admin
        .submit(&change.set("admin_password", &app.password("demo.admin")))
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(coordinator.get("/").await.status, 303, "sessions ended");
    let mut again = app.logged_in("demo.coordinamento").await;
    assert_eq!(
        again.get("/admin/organizzazioni").await.status,
        403,
        "now a liaison"
    );
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Ruolo cambiato"));
    assert!(
        audit
            .body
            .contains("da coordinamento (Coordinamento della rete) a interfaccia")
    );
}

#[tokio::test]
async fn admins_cannot_change_their_own_role_nor_disable_themselves() {
    let app = spawn_app().await;
    let mut admin = app.logged_in("demo.admin").await;
    let token = admin.get("/").await.csrf();
    let id = user_id(&mut admin, "demo.admin").await;
    // The admin's own page has neither form: bodies built by hand, refused by the server.
    let own = admin.get(&format!("/admin/utenti/{id}")).await;
    assert!(
        own.forms()
            .iter()
            .all(|form| !form.action.starts_with("/admin/utenti/"))
    );
    let page = admin
        .post_raw(
            &format!("/admin/utenti/{id}/ruolo"),
            &[
                ("csrf", &token),
                ("role", "sportello"),
                ("organisation", "1"),
                ("admin_password", &app.password("demo.admin")),
            ],
        )
        .await;
    assert_eq!(page.status, 409);
    let page = admin
        .post_raw(
            &format!("/admin/utenti/{id}/disattiva"),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(page.status, 409);
    assert_eq!(admin.get("/admin/utenti").await.status, 200);
}
