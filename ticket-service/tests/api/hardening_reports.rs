//! The protections around reports and their data: attachment quotas and what a failed write
//! leaves behind, audited downloads, the password asked again before the batch print page,
//! ids that are not numbers, disabled organisations, settings that would switch a protection
//! off, lists a page at a time, and changes written together with their audit line.

use std::path::PathBuf;

use respi_tickets::config::Settings;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

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
