//! Activation and reset links, received by a real SMTP sink on loopback.

use std::time::Duration;

use respi_tickets::config::SmtpSecurity;

use crate::helpers::{SmtpSink, TestApp, link_token, spawn_app_with};

async fn spawn_app_with_mail() -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let port = sink.port;
    let app = spawn_app_with(move |settings, _| {
        settings.mail.smtp_host = Some("127.0.0.1".to_owned());
        settings.mail.smtp_port = port;
        settings.mail.smtp_security = SmtpSecurity::None;
    })
    .await;
    (app, sink)
}

#[tokio::test]
async fn a_new_user_activates_the_account_from_the_mail() {
    let (app, sink) = spawn_app_with_mail().await;
    let mut admin = app.logged_in("demo.admin").await;
    let form = admin.get("/admin/utenti/nuovo").await;
    let user = form
        .form("/admin/utenti/nuovo")
        .set("username", "sara.bianchi")
        .set("display_name", "Sara Bianchi")
        .set("email", "sara.bianchi@ente.example.it")
        .set("role", "coordinamento")
        .choose("organisation", "Coordinamento della rete");
    let page = admin.submit(&user).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("Abbiamo inviato a sara.bianchi@ente.example.it")
    );
    assert!(!page.body.contains("Password provvisoria"));

    let mail = sink.message(1).await;
    assert!(mail.contains("To: sara.bianchi@ente.example.it"));
    let token = link_token(&mail, "/attiva/");
    assert_eq!(token.len(), 43);

    let mut sara = app.client();
    let path = format!("/attiva/{token}");
    let form = sara.get(&path).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("sara.bianchi"));
    let weak = sara
        .send_form(
            &path,
            &path,
            &[
                ("new_password", "password123456"),
                ("confirm_password", "password123456"),
            ],
        )
        .await;
    assert_eq!(weak.status, 422);
    assert!(weak.body.contains("<title>Errore: Attiva l&#39;utenza"));
    let chosen = "tartufo bianco di alba in autunno";
    let done = sara
        .send_form(
            &path,
            &path,
            &[("new_password", chosen), ("confirm_password", chosen)],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location(), Some("/login?esito=password"));
    assert_eq!(app.client().login("sara.bianchi", chosen).await.status, 303);

    // The link works once.
    assert_eq!(sara.get(&format!("/attiva/{token}")).await.status, 410);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_mailed_link() {
    let (app, sink) = spawn_app_with_mail().await;
    let old_password = app.password("demo.sportello");
    let mut old_session = app.logged_in("demo.sportello").await;

    let mut visitor = app.client();
    let forgotten = "/password-dimenticata";
    let answer = visitor
        .send_form(forgotten, forgotten, &[("username", "Demo.Sportello")])
        .await;
    assert_eq!(answer.status, 200);
    assert!(answer.body.contains("role=\"status\""));
    let mail = sink.message(1).await;
    assert!(mail.contains("To: demo.sportello@example.invalid"));
    let token = link_token(&mail, "/reimposta/");

    let path = format!("/reimposta/{token}");
    let chosen = "polenta e funghi della valle stura";
    let done = visitor
        .send_form(
            &path,
            &path,
            &[("new_password", chosen), ("confirm_password", chosen)],
        )
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(old_session.get("/").await.status, 303, "sessions end");
    assert_eq!(
        app.client()
            .login("demo.sportello", &old_password)
            .await
            .status,
        422
    );
    assert_eq!(
        app.client().login("demo.sportello", chosen).await.status,
        303
    );

    let notice = sink.message(2).await;
    assert!(notice.contains("password"));
    assert!(!notice.contains(chosen));
}

#[tokio::test]
async fn unknown_users_get_the_same_answer_and_no_mail() {
    let (app, sink) = spawn_app_with_mail().await;
    let mut visitor = app.client();
    let forgotten = "/password-dimenticata";
    let unknown = visitor
        .send_form(forgotten, forgotten, &[("username", "nessuno.qui")])
        .await;
    let known = visitor
        .send_form(forgotten, forgotten, &[("username", "demo.questura")])
        .await;
    assert_eq!(unknown.status, known.status);
    let status = |body: &str| {
        body[body.find("role=\"status\"").unwrap()..]
            .split("</p>")
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(status(&unknown.body), status(&known.body));
    sink.message(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.count(), 1, "only the existing account gets a mail");
}

#[tokio::test]
async fn malformed_and_unknown_links_are_refused() {
    let (app, _sink) = spawn_app_with_mail().await;
    let mut visitor = app.client();
    assert_eq!(visitor.get("/attiva/short").await.status, 410);
    let unknown = "a".repeat(43);
    let page = visitor.get(&format!("/reimposta/{unknown}")).await;
    assert_eq!(page.status, 410);
    assert!(page.body.contains("Collegamento non valido"));
}

#[tokio::test]
async fn an_admin_can_send_a_new_link_and_it_is_audited() {
    let (app, sink) = spawn_app_with_mail().await;
    let mut admin = app.logged_in("demo.admin").await;
    let users = admin.get("/admin/utenti").await;
    let link = "\">demo.servizio</a></th>";
    let end = users.body.find(link).unwrap();
    let start = users.body[..end].rfind("/admin/utenti/").unwrap() + "/admin/utenti/".len();
    let id = &users.body[start..end];
    let page = admin.get(&format!("/admin/utenti/{id}")).await;
    let sent = admin
        .submit(&page.form(&format!("/admin/utenti/{id}/collegamento")))
        .await;
    assert_eq!(sent.status, 303);
    let mail = sink.message(1).await;
    assert!(mail.contains("/reimposta/"));
    let audit = admin.get("/admin/audit").await;
    assert!(
        audit
            .body
            .contains("Collegamento per impostare la password inviato")
    );
    assert!(!audit.body.contains(&link_token(&mail, "/reimposta/")));
}
