//! Who reaches which report and what: internal notes never reach an office, another office's
//! report is not found, ids that are not numbers are not found either, the batch print page
//! asks for the password again, a disabled organisation's users are logged out, and a form's
//! files belong to its session.

use crate::helpers::{spawn_app, spawn_app_with};
use crate::service_files::spawn;
use crate::steps::{NOTE, PDF, act, add_organisation, batch_of, file_report, fill_report, upload};

#[tokio::test]
async fn no_internal_note_reaches_an_office_login() {
    let app = spawn_app().await;
    let mut office = app.logged_in("demo.sportello").await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let (id, _) = file_report(&mut office, "U2").await;
    let added = upload(&mut office, &id, "documento.pdf", PDF).await;
    assert_eq!(added.status, 303);
    assert_eq!(
        act(&mut coordination, &id, "Prendi in carico", "")
            .await
            .status,
        303
    );
    let note = coordination
        .send_form(
            &format!("/segnalazioni/{id}"),
            &format!("/segnalazioni/{id}/nota"),
            &[("nota", NOTE)],
        )
        .await;
    assert_eq!(note.status, 303);
    let batch = batch_of(&mut coordination, &id).await;
    assert!(!coordination.get(&batch).await.body.contains(NOTE));

    let detail = office.get(&format!("/segnalazioni/{id}")).await;
    let link_start = detail
        .body
        .find(&format!("/segnalazioni/{id}/allegati/"))
        .unwrap();
    let link_end = detail.body[link_start..].find('"').unwrap() + link_start;
    let attachment = detail.body[link_start..link_end].to_owned();
    let pages = [
        "/".to_owned(),
        "/segnalazioni".to_owned(),
        "/segnalazioni?ordina=scadenza".to_owned(),
        format!("/segnalazioni/{id}"),
        format!("/segnalazioni/{id}?risposta_standard=1"),
        "/notifiche".to_owned(),
        "/lotti".to_owned(),
        batch.clone(),
        "/profilo".to_owned(),
    ];
    for path in &pages {
        let page = office.get(path).await;
        assert!(!page.body.contains(NOTE), "the note leaked on {path}");
        assert!(!page.body.contains("Note interne"), "{path}");
    }
    let (_, _, bytes) = office.download(&attachment).await;
    assert!(!String::from_utf8_lossy(&bytes).contains(NOTE));
    assert_eq!(
        office.get(&batch).await.status,
        403,
        "prints are not theirs"
    );
    // A note cannot be written by an office either: its page has no such form, and a body
    // built by hand is refused.
    assert!(
        detail
            .forms()
            .iter()
            .all(|form| !form.action.ends_with("/nota"))
    );
    let page = office
        .post_raw(
            &format!("/segnalazioni/{id}/nota"),
            &[("csrf", &detail.csrf()), ("nota", "tentativo")],
        )
        .await;
    assert_eq!(page.status, 403);
    let mut service = app.logged_in("demo.servizio").await;
    for path in &pages {
        assert!(!service.get(path).await.body.contains(NOTE), "{path}");
    }
}

const OFFICE_A: &str = "---\ntitle: \"Sportello immigrati di Alba\"\noffice:\n  kind: sportello\n  owner: Comune di Alba\n---\n\nTesto.\n";
const OFFICE_B: &str = "---\ntitle: \"Sportello immigrati di Cuneo\"\noffice:\n  kind: sportello\n  owner: Comune di Cuneo\n---\n\nTesto.\n";

#[tokio::test]
async fn an_office_gets_404_on_another_offices_report() {
    let app = spawn_app_with(|_, dir| {
        let offices = dir.path().join("content/sportelli");
        std::fs::create_dir_all(&offices).unwrap();
        std::fs::write(offices.join("alba.md"), OFFICE_A).unwrap();
        std::fs::write(offices.join("cuneo.md"), OFFICE_B).unwrap();
    })
    .await;
    let mut office_a = app.logged_in("demo.sportello").await;
    let (id, protocol) = file_report(&mut office_a, "U2").await;

    // An operator of the other office, created by the administrator.
    let mut admin = app.logged_in("demo.admin").await;
    let form = admin.get("/admin/utenti/nuovo").await;
    let own = office_a.get("/").await;
    let (mine, other) = if own.body.contains("Sportello immigrati di Alba") {
        ("Alba", "Sportello immigrati di Cuneo")
    } else {
        ("Cuneo", "Sportello immigrati di Alba")
    };
    assert!(!mine.is_empty());
    let user = form
        .form("/admin/utenti/nuovo")
        .set("username", "operatore.b")
        .set("display_name", "Operatore B")
        .set("email", "operatore.b@ente.example.it")
        .set("role", "sportello")
        .choose("organisation", other);
    let created = admin.submit(&user).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let marker = "<code class=\"secret\">";
    let start = created.body.find(marker).unwrap() + marker.len();
    let temporary = created.body[start..start + 23].to_owned();
    let mut office_b = app.client();
    assert_eq!(office_b.login("operatore.b", &temporary).await.status, 303);
    let changed = office_b
        .send_form(
            "/profilo/password",
            "/profilo/password",
            &[
                ("current_password", &temporary),
                ("new_password", "castagne di cuneo e marroni"),
                ("confirm_password", "castagne di cuneo e marroni"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303);

    assert_eq!(
        office_b.get(&format!("/segnalazioni/{id}")).await.status,
        404
    );
    assert!(!office_b.get("/segnalazioni").await.body.contains(&protocol));
    // A reopening form for a report the office cannot see, built by hand: no page shows it.
    let page = office_b.get("/segnalazioni").await;
    let reopen = office_b
        .post_raw(
            &format!("/segnalazioni/{id}/azione"),
            &[
                ("csrf", &page.csrf()),
                ("action", "riapri"),
                ("from", "nuova"),
                ("text", "x"),
            ],
        )
        .await;
    assert_eq!(reopen.status, 404);
    // A service of the network is another organisation too.
    let mut service = app.logged_in("demo.servizio").await;
    assert_eq!(
        service.get(&format!("/segnalazioni/{id}")).await.status,
        404
    );
    // A made-up id looks the same as someone else's.
    assert_eq!(office_b.get("/segnalazioni/999999").await.status, 404);
}

#[tokio::test]
async fn ids_that_are_not_numbers_are_not_found_like_missing_ones() {
    let app = &spawn_app().await;
    const OFFICE: usize = 0;
    const COORDINATION: usize = 1;
    const ADMIN: usize = 2;
    let mut clients = [
        app.logged_in("demo.sportello").await,
        app.logged_in("demo.coordinamento").await,
        app.logged_in("demo.admin").await,
    ];
    // The last one exists nowhere, as a number: the others must be treated the same.
    let bad_ids = ["abc", "1x", "-", "99999999999999999999", "1.5", "999999"];

    for bad in bad_ids {
        let pages = [
            (COORDINATION, format!("/segnalazioni/{bad}")),
            (COORDINATION, format!("/segnalazioni/{bad}/allegati/1")),
            (COORDINATION, format!("/segnalazioni/1/allegati/{bad}")),
            (COORDINATION, format!("/lotti/{bad}")),
            (COORDINATION, format!("/lotti/{bad}/pdf")),
            (COORDINATION, format!("/argomenti/{bad}")),
            (ADMIN, format!("/admin/utenti/{bad}")),
            (ADMIN, format!("/admin/organizzazioni/{bad}")),
        ];
        for (who, path) in pages {
            let page = clients[who].get(&path).await;
            assert_eq!(page.status, 404, "GET {path}");
            assert!(page.body.contains("non esiste"), "GET {path}");
        }
    }

    // No rendered form posts to a made-up id: these bodies are written by hand, with the
    // session's token, so that only the id is wrong.
    let mut tokens = Vec::new();
    for client in &mut clients {
        tokens.push(client.get("/profilo").await.csrf());
    }
    for bad in bad_ids {
        let forms = [
            (COORDINATION, format!("/segnalazioni/{bad}/azione")),
            (COORDINATION, format!("/segnalazioni/{bad}/nota")),
            (COORDINATION, format!("/segnalazioni/{bad}/argomento")),
            (COORDINATION, format!("/lotti/{bad}/consegnato")),
            (COORDINATION, format!("/argomenti/{bad}")),
            (COORDINATION, format!("/profilo/sessioni/{bad}/termina")),
            (ADMIN, format!("/admin/utenti/{bad}/ruolo")),
            (ADMIN, format!("/admin/utenti/{bad}/disattiva")),
            (ADMIN, format!("/admin/utenti/{bad}/collegamento")),
            (ADMIN, format!("/admin/organizzazioni/{bad}")),
        ];
        for (who, path) in forms {
            let page = clients[who]
                .post_raw(&path, &[("csrf", &tokens[who])])
                .await;
            assert_eq!(page.status, 404, "POST {path}");
        }
        let path = format!("/segnalazioni/{bad}/allegati");
        let upload = clients[OFFICE]
            .post_multipart_raw(
                &path,
                &[("csrf", &tokens[OFFICE])],
                &[("file", "documento.pdf", PDF)],
            )
            .await;
        assert_eq!(upload.status, 404, "POST {path}");
    }
}

#[tokio::test]
async fn the_batch_print_page_asks_for_the_password_again_like_the_pdf() {
    let service = spawn(|_| {}).await;
    let mut coordination = service.app.logged_in("demo.coordinamento").await;
    assert_eq!(
        coordination.get("/lotti/1").await.status,
        200,
        "right after login the password counts as typed"
    );

    // The password was typed long ago in this session.
    service.sql(
        "UPDATE sessions SET authenticated_at = authenticated_at - 86400
         WHERE user_id = (SELECT id FROM users WHERE username = 'demo.coordinamento')",
    );
    let page = coordination.get("/lotti/1").await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location(),
        Some("/conferma-identita?next=%2Flotti%2F1")
    );
    assert!(!page.body.contains("Risposta dell"));

    let form = coordination
        .get("/conferma-identita?next=%2Flotti%2F1")
        .await;
    assert!(form.body.contains("name=\"next\" value=\"/lotti/1\""));
    let password = service.app.password("demo.coordinamento");
    let confirmed = coordination
        .submit(&form.form("/conferma-identita").set("password", &password))
        .await;
    assert_eq!(confirmed.location(), Some("/lotti/1"));
    let print = coordination.get("/lotti/1").await;
    assert_eq!(print.status, 200);
    assert!(print.body.contains("Lotto n. 1"));
}

#[tokio::test]
async fn disabling_an_organisation_logs_its_users_out() {
    let service = spawn(|_| {}).await;
    let app = &service.app;
    let mut admin = app.logged_in("demo.admin").await;
    let organisation = add_organisation(&mut admin, "Sportello di Cherasco").await;

    let created = admin
        .send_form(
            "/admin/utenti/nuovo",
            "/admin/utenti/nuovo",
            &[
                ("username", "operatore.cherasco"),
                ("display_name", "Operatore Cherasco"),
                ("email", "operatore@cherasco.example.it"),
                ("role", "sportello"),
                ("organisation", &organisation),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let marker = "<code class=\"secret\">";
    let start = created.body.find(marker).unwrap() + marker.len();
    let temporary = created.body[start..start + 23].to_owned();
    let mut operator = app.client();
    assert_eq!(
        operator
            .login("operatore.cherasco", &temporary)
            .await
            .status,
        303
    );
    let new_password = "castagne di cuneo e marroni";
    let changed = operator
        .send_form(
            "/profilo/password",
            "/profilo/password",
            &[
                ("current_password", &temporary),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(changed.status, 303);
    assert_eq!(operator.get("/").await.status, 200);

    let path = format!("/admin/organizzazioni/{organisation}");
    let edit = admin.get(&path).await;
    let saved = admin
        .submit(&edit.form(&path).check("active", "1", false))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    let next = operator.get("/segnalazioni").await;
    assert_eq!(next.status, 303, "the session has ended");
    assert!(next.location().unwrap().starts_with("/login"));
    let again = operator.login("operatore.cherasco", new_password).await;
    assert_ne!(
        again.status, 303,
        "no new login for a disabled organisation"
    );
    assert_eq!(
        service.number(
            "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE u.username = 'operatore.cherasco'"
        ),
        0
    );
}

#[tokio::test]
async fn form_attachments_belong_to_their_session_and_go_when_it_ends() {
    let mut folder = None;
    let app = spawn_app_with(|settings, _| {
        folder = Some(settings.reports.attachment_dir.clone());
    })
    .await;
    let folder = folder.unwrap();
    let stored = || std::fs::read_dir(&folder).map_or(0, |entries| entries.count());

    let mut desk = app.logged_in("demo.sportello").await;
    let page = desk.get("/segnalazioni/nuova").await;
    let form = fill_report(page.form("/segnalazioni/nuova"), "U3")
        .set("description", "")
        .attach("attachments", "ricevuta.pdf", PDF);
    let kept = desk.submit(&form).await;
    assert_eq!(kept.status, 422);
    let key = kept.hidden("submission_key");
    assert_eq!(stored(), 1);

    // The same user in another session cannot pick up the draft by its key, even with the
    // key copied into the form (a tampered hidden field).
    let mut laptop = app.logged_in("demo.sportello").await;
    let page = laptop.get("/segnalazioni/nuova").await;
    let form = fill_report(page.form("/segnalazioni/nuova"), "U3").tamper("submission_key", &key);
    let review = laptop.submit(&form).await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(!review.body.contains("ricevuta.pdf"));
    let filed = laptop
        .submit(&review.form_with_button("Invia la segnalazione"))
        .await;
    assert_eq!(filed.status, 303);
    let page = laptop.get(filed.location().unwrap()).await;
    assert!(!page.body.contains("ricevuta.pdf"));

    // Once the session that holds the draft ends, the draft and its file go.
    let home = desk.get("/").await;
    let logout = desk.submit(&home.form_with_button("Esci")).await;
    assert_eq!(logout.status, 303);
    assert_eq!(stored(), 1);
    app.logged_in("demo.coordinamento").await;
    assert_eq!(stored(), 0, "the abandoned draft's file is deleted");
}
