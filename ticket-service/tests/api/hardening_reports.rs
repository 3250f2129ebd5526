//! The protections around reports and their data: attachment quotas and what a failed write
//! leaves behind, audited downloads, the password asked again before the batch print page,
//! ids that are not numbers, disabled organisations, settings that would switch a protection
//! off, lists a page at a time, and changes written together with their audit line.

use std::path::PathBuf;

use respi_tickets::config::Settings;

use crate::helpers::{Client, TestApp, spawn_app, spawn_app_with};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// The service with its database file at hand, so a test can change what an operator with
/// the file could.
struct Service {
    app: TestApp,
    database: PathBuf,
}

async fn spawn(configure: impl FnOnce(&mut Settings)) -> Service {
    let mut database = None;
    let app = spawn_app_with(|settings, _| {
        configure(settings);
        database = Some(settings.demo_database_path());
    })
    .await;
    Service {
        app,
        database: database.unwrap(),
    }
}

impl Service {
    /// Runs SQL on the service's database, as an operator with the file would.
    fn sql(&self, statements: &str) {
        let conn = rusqlite::Connection::open(&self.database).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        conn.execute_batch(statements).unwrap();
    }

    fn number(&self, query: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.database).unwrap();
        conn.query_row(query, [], |row| row.get(0)).unwrap()
    }
}

// ---------------------------------------------------------------------------------------
// 2. The batch print page

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
        .post(
            "/conferma-identita",
            &[
                ("csrf", &form.csrf()),
                ("password", &password),
                ("next", "/lotti/1"),
            ],
        )
        .await;
    assert_eq!(confirmed.location(), Some("/lotti/1"));
    let print = coordination.get("/lotti/1").await;
    assert_eq!(print.status, 200);
    assert!(print.body.contains("Lotto n. 1"));
}

// ---------------------------------------------------------------------------------------
// 3. Ids, organisations, settings

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
            let page = clients[who].post(&path, &[("csrf", &tokens[who])]).await;
            assert_eq!(page.status, 404, "POST {path}");
        }
        let path = format!("/segnalazioni/{bad}/allegati");
        let upload = clients[OFFICE]
            .post_file(&path, &[("csrf", &tokens[OFFICE])], "documento.pdf", PDF)
            .await;
        assert_eq!(upload.status, 404, "POST {path}");
    }
}

/// The id in the "Modifica"/"Dettagli" link of the row of `name` in the organisations list.
fn organisation_id(list: &str, name: &str) -> String {
    let row = list
        .split("<tr>")
        .find(|row| row.contains(&format!("<th scope=\"row\">{name}</th>")))
        .unwrap_or_else(|| panic!("{name} is listed"));
    let start = row.find("/admin/organizzazioni/").unwrap() + "/admin/organizzazioni/".len();
    row[start..].split('"').next().unwrap().to_owned()
}

/// An organisation added by hand, through its form; returns its id.
async fn add_organisation(admin: &mut Client, name: &str) -> String {
    let form = admin.get("/admin/organizzazioni/nuova").await;
    let created = admin
        .post(
            "/admin/organizzazioni/nuova",
            &[("csrf", &form.csrf()), ("name", name), ("kind", "office")],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let list = admin.get("/admin/organizzazioni").await;
    organisation_id(&list.body, name)
}

#[tokio::test]
async fn disabling_an_organisation_logs_its_users_out() {
    let service = spawn(|_| {}).await;
    let app = &service.app;
    let mut admin = app.logged_in("demo.admin").await;
    let organisation = add_organisation(&mut admin, "Sportello di Cherasco").await;

    let form = admin.get("/admin/utenti/nuovo").await;
    let created = admin
        .post(
            "/admin/utenti/nuovo",
            &[
                ("csrf", &form.csrf()),
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
    let form = operator.get("/profilo/password").await;
    let new_password = "castagne di cuneo e marroni";
    let changed = operator
        .post(
            "/profilo/password",
            &[
                ("csrf", &form.csrf()),
                ("current_password", &temporary),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    assert_eq!(changed.status, 303);
    assert_eq!(operator.get("/").await.status, 200);

    let edit = admin
        .get(&format!("/admin/organizzazioni/{organisation}"))
        .await;
    let saved = admin
        .post(
            &format!("/admin/organizzazioni/{organisation}"),
            &[
                ("csrf", &edit.csrf()),
                ("name", "Sportello di Cherasco"),
                ("kind", "office"),
            ],
        )
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
