//! The protections around reports and their data: attachment quotas and what a failed write
//! leaves behind, audited downloads, the password asked again before the batch print page,
//! ids that are not numbers, disabled organisations, settings that would switch a protection
//! off, lists a page at a time, and changes written together with their audit line.

use std::path::PathBuf;

use respi_tickets::config::Settings;
use respi_tickets::startup::Application;

use crate::helpers::{Client, Page, TestApp, spawn_app, spawn_app_with, test_settings};
use crate::reports;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// The service with its database file and attachment folder at hand, so a test can add a
/// trigger that makes a write fail, or look at what is stored.
struct Service {
    app: TestApp,
    database: PathBuf,
    attachments: PathBuf,
}

async fn spawn(configure: impl FnOnce(&mut Settings)) -> Service {
    let mut paths = None;
    let app = spawn_app_with(|settings, _| {
        configure(settings);
        paths = Some((
            settings.demo_database_path(),
            settings.reports.attachment_dir.clone(),
        ));
    })
    .await;
    let (database, attachments) = paths.unwrap();
    Service {
        app,
        database,
        attachments,
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

    /// A trigger that makes every insert into `table` matching `when` fail.
    fn refuse_inserts(&self, table: &str, when: &str) {
        self.sql(&format!(
            "CREATE TRIGGER test_refuse_{table} BEFORE INSERT ON {table} WHEN {when}
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
        ));
    }

    fn allow_inserts(&self, table: &str) {
        self.sql(&format!("DROP TRIGGER test_refuse_{table};"));
    }

    fn stored_files(&self) -> usize {
        std::fs::read_dir(&self.attachments).map_or(0, |entries| entries.count())
    }
}

/// Files a report through the form, its review page and the confirmation; returns its id.
async fn file_report(client: &mut Client, urgency: &str) -> String {
    reports::file_report(client, urgency).await.0
}

/// Sends the report form with `files` chosen and a mistake (no description), so the files
/// go to the draft and the form comes back; `continued` is the page of an earlier draft,
/// whose form carries on, otherwise a new form is opened.
async fn send_form_with_files(
    client: &mut Client,
    continued: Option<&Page>,
    files: &[&str],
) -> Page {
    let form = match continued {
        Some(page) => page.form("/segnalazioni/nuova"),
        None => client
            .get("/segnalazioni/nuova")
            .await
            .form("/segnalazioni/nuova"),
    };
    let mut form = reports::fill_report(form, "U3").set("description", "");
    for name in files {
        form = form.attach("attachments", name, PDF);
    }
    client.submit(&form).await
}

/// Attaches `name` from the report's page.
async fn attach(client: &mut Client, id: &str, name: &str) -> Page {
    reports::upload(client, id, name, PDF).await
}

/// The text of the error summary's link to `field`.
fn summary_message(page: &Page, field: &str) -> String {
    let marker = format!("<a href=\"#{field}\">");
    let start = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("the error summary links to #{field}: {}", page.body))
        + marker.len();
    let end = page.body[start..].find("</a>").unwrap() + start;
    page.body[start..end].to_owned()
}

// ---------------------------------------------------------------------------------------
// 1. Attachments

#[tokio::test]
async fn a_report_takes_attachments_up_to_its_quota_and_the_form_says_why_not() {
    let service = spawn(|settings| settings.reports.attachments_per_report = 2).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let id = file_report(&mut office, "U3").await;
    assert_eq!(attach(&mut office, &id, "uno.pdf").await.status, 303);
    assert_eq!(attach(&mut office, &id, "due.pdf").await.status, 303);
    let third = attach(&mut office, &id, "tre.pdf").await;
    assert_eq!(third.status, 422, "{}", third.body);
    assert!(third.body.contains("<title>Errore: "));
    let message = summary_message(&third, "file");
    assert!(message.contains("al massimo 2 allegati"), "{message}");
    assert!(third.body.contains("aria-invalid=\"true\""));
    assert_eq!(service.stored_files(), 2, "the refused file is not kept");

    // The report form counts its files against the same quota.
    let form = send_form_with_files(&mut office, None, &["a.pdf", "b.pdf", "c.pdf"]).await;
    assert_eq!(form.status, 422);
    let message = summary_message(&form, "attachments");
    assert!(message.contains("«c.pdf»"), "{message}");
    assert!(message.contains("al massimo 2 allegati"), "{message}");
    assert!(form.body.contains("Togli b.pdf"));
    assert!(!form.body.contains("Togli c.pdf"));
    assert_eq!(service.stored_files(), 4);
}

#[tokio::test]
async fn a_report_takes_no_more_attachment_bytes_than_its_quota() {
    let limit = PDF.len() * 2 - 1;
    let service = spawn(move |settings| settings.reports.attachment_bytes_per_report = limit).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let id = file_report(&mut office, "U3").await;
    assert_eq!(attach(&mut office, &id, "uno.pdf").await.status, 303);
    let second = attach(&mut office, &id, "due.pdf").await;
    assert_eq!(second.status, 422, "{}", second.body);
    let message = summary_message(&second, "file");
    assert!(message.contains("in tutto"), "{message}");
    assert_eq!(service.stored_files(), 1);
}

#[tokio::test]
async fn a_user_uploads_no_more_attachments_a_day_than_the_quota() {
    let service = spawn(|settings| {
        settings.reports.attachments_per_user_per_day = 3;
        settings.reports.attachment_bytes_per_user_per_day = PDF.len() * 10;
    })
    .await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let first = file_report(&mut office, "U3").await;
    let second = file_report(&mut office, "U3").await;
    assert_eq!(attach(&mut office, &first, "uno.pdf").await.status, 303);
    assert_eq!(attach(&mut office, &first, "due.pdf").await.status, 303);
    // Files on the report form count too.
    let form = send_form_with_files(&mut office, None, &["tre.pdf", "quattro.pdf"]).await;
    let message = summary_message(&form, "attachments");
    assert!(message.contains("«quattro.pdf»"), "{message}");
    assert!(message.contains("ultime 24 ore"), "{message}");
    assert!(form.body.contains("Togli tre.pdf"));
    let refused = attach(&mut office, &second, "cinque.pdf").await;
    assert_eq!(refused.status, 422);
    assert!(summary_message(&refused, "file").contains("ultime 24 ore"));
    assert_eq!(service.stored_files(), 3);

    // The quota is each user's own.
    let mut service_desk = service.app.logged_in("demo.servizio").await;
    let theirs = file_report(&mut service_desk, "U3").await;
    assert_eq!(
        attach(&mut service_desk, &theirs, "altro.pdf").await.status,
        303
    );
}

#[tokio::test]
async fn a_user_uploads_no_more_attachment_bytes_a_day_than_the_quota() {
    let limit = PDF.len() * 2;
    let service =
        spawn(move |settings| settings.reports.attachment_bytes_per_user_per_day = limit).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let id = file_report(&mut office, "U3").await;
    assert_eq!(attach(&mut office, &id, "uno.pdf").await.status, 303);
    assert_eq!(attach(&mut office, &id, "due.pdf").await.status, 303);
    let third = attach(&mut office, &id, "tre.pdf").await;
    assert_eq!(third.status, 422);
    assert!(summary_message(&third, "file").contains("ultime 24 ore"));
    assert_eq!(service.stored_files(), 2);
}

#[tokio::test]
async fn a_session_keeps_attachments_for_a_limited_number_of_unsent_reports() {
    let service = spawn(|settings| settings.reports.drafts_per_session = 1).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let first = send_form_with_files(&mut office, None, &["primo.pdf"]).await;
    assert_eq!(first.status, 422);
    assert!(first.body.contains("Togli primo.pdf"));
    assert_eq!(service.stored_files(), 1);

    // A second form of the same session: its files are refused, and the form says why.
    let second = send_form_with_files(&mut office, None, &["secondo.pdf"]).await;
    assert_eq!(second.status, 422);
    let message = summary_message(&second, "attachments");
    assert!(message.contains("non ancora inviate"), "{message}");
    assert!(!second.body.contains("Togli secondo.pdf"));
    assert_eq!(service.stored_files(), 1);

    // The first form still takes files.
    let again = send_form_with_files(&mut office, Some(&first), &["terzo.pdf"]).await;
    assert!(again.body.contains("Togli terzo.pdf"));
    assert_eq!(service.stored_files(), 2);
}

#[tokio::test]
async fn a_failed_database_write_leaves_no_attachment_file_behind() {
    let service = spawn(|_| {}).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let id = file_report(&mut office, "U3").await;

    service.refuse_inserts("attachments", "1");
    let upload = attach(&mut office, &id, "documento.pdf").await;
    assert_eq!(upload.status, 500);
    assert_eq!(service.stored_files(), 0, "no orphan file of an upload");
    service.allow_inserts("attachments");

    service.refuse_inserts("draft_attachments", "1");
    let form = send_form_with_files(&mut office, None, &["bozza.pdf"]).await;
    assert_eq!(form.status, 500);
    assert_eq!(service.stored_files(), 0, "no orphan file of a draft");
    service.allow_inserts("draft_attachments");

    assert_eq!(attach(&mut office, &id, "documento.pdf").await.status, 303);
    assert_eq!(service.stored_files(), 1);
}

#[tokio::test]
async fn every_attachment_download_is_in_the_audit_log_without_citizen_data() {
    let service = spawn(|_| {}).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let id = file_report(&mut office, "U3").await;
    assert_eq!(
        attach(&mut office, &id, "passaporto-Okafor.pdf")
            .await
            .status,
        303
    );
    let page = office.get(&format!("/segnalazioni/{id}")).await;
    let start = page.body.find("RESPI-").unwrap();
    let protocol = page.body[start..start + 17].to_owned();
    let marker = format!("/segnalazioni/{id}/allegati/");
    let link_start = page.body.find(&marker).unwrap();
    let link_end = page.body[link_start..].find('"').unwrap() + link_start;
    let link = page.body[link_start..link_end].to_owned();
    let attachment_id = link.trim_start_matches(&marker).to_owned();

    let mut coordination = service.app.logged_in("demo.coordinamento").await;
    assert_eq!(office.download(&link).await.0, 200);
    assert_eq!(coordination.download(&link).await.0, 200);

    let downloads =
        service.number("SELECT COUNT(*) FROM audit_log WHERE event = 'attachment_downloaded'");
    assert_eq!(downloads, 2, "each download is one line");
    let mut admin = service.app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Allegato scaricato"), "{}", audit.body);
    assert!(
        audit
            .body
            .contains(&format!("{protocol}, allegato {attachment_id}"))
    );
    let rows: Vec<&str> = audit
        .body
        .split("<tr>")
        .filter(|row| row.contains(&format!("{protocol}, allegato {attachment_id}")))
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().any(|row| row.contains("demo.coordinamento")));
    assert!(rows.iter().any(|row| row.contains("demo.sportello")));
    assert!(
        !audit.body.contains("Okafor"),
        "no citizen data, not even in file names"
    );
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
        .submit(&form.form("/conferma-identita").set("password", &password))
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
    let created = admin
        .send_form(
            "/admin/organizzazioni/nuova",
            "/admin/organizzazioni/nuova",
            &[("name", name), ("kind", "office")],
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
async fn settings_that_would_switch_a_protection_off_stop_the_start() {
    type Change = fn(&mut Settings);
    let refused: &[(&str, Change)] = &[
        ("session.idle_secs", |s| s.session.idle_secs = 0),
        ("session.idle_secs", |s| s.session.idle_secs = i64::MAX),
        ("session.absolute_secs", |s| s.session.absolute_secs = 0),
        ("session.absolute_secs", |s| {
            s.session.absolute_secs = 10 * 365 * 86_400
        }),
        ("session.reauth_secs", |s| s.session.reauth_secs = 0),
        ("session.reauth_secs", |s| s.session.reauth_secs = 86_400),
        ("login.free_attempts", |s| s.login.free_attempts = 0),
        ("login.free_attempts", |s| s.login.free_attempts = 1_000_000),
        ("login.lock_base_secs", |s| s.login.lock_base_secs = 0),
        ("login.lock_max_secs", |s| s.login.lock_max_secs = 0),
        ("login.ip_burst", |s| s.login.ip_burst = 0),
        ("login.ip_burst", |s| s.login.ip_burst = u32::MAX),
        ("login.ip_refill_secs", |s| s.login.ip_refill_secs = 0.0),
        ("login.ip_refill_secs", |s| {
            s.login.ip_refill_secs = f64::NAN
        }),
        ("max_body_bytes", |s| s.max_body_bytes = 0),
        ("reports.attachment_max_bytes", |s| {
            s.reports.attachment_max_bytes = 0
        }),
        ("reports.attachments_per_report", |s| {
            s.reports.attachments_per_report = 0
        }),
        ("reports.attachment_bytes_per_report", |s| {
            s.reports.attachment_bytes_per_report = 0
        }),
        ("reports.attachments_per_user_per_day", |s| {
            s.reports.attachments_per_user_per_day = 0
        }),
        ("reports.attachment_bytes_per_user_per_day", |s| {
            s.reports.attachment_bytes_per_user_per_day = 0
        }),
        ("reports.drafts_per_session", |s| {
            s.reports.drafts_per_session = 0
        }),
        ("page_size", |s| s.page_size = 0),
    ];
    for (key, change) in refused {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = test_settings(&dir);
        change(&mut settings);
        let Err(error) = Application::build(settings, false).await else {
            panic!("the service started with a wrong {key}");
        };
        let message = error.to_string();
        assert!(message.contains(key), "{key}: {message}");
        assert!(
            message.starts_with("configurazione non valida"),
            "{message}"
        );
        assert!(
            !dir.path().join("data").exists(),
            "{key}: refused before the database is touched"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 4. Lists a page at a time

/// The protocol numbers in the table's body, in order.
fn listed_protocols(page: &Page) -> Vec<String> {
    let body = &page.body[page.body.find("<tbody>").expect("a table")..];
    let body = &body[..body.find("</tbody>").unwrap()];
    body.match_indices(">RESPI-")
        .map(|(at, _)| body[at + 1..at + 18].to_owned())
        .collect()
}

/// The target of the link whose text is `label`, with HTML's `&amp;` undone.
fn link_to(page: &Page, label: &str) -> Option<String> {
    let end = page.body.find(&format!(">{label}</a>"))?;
    let start = page.body[..end].rfind("href=\"")? + "href=\"".len();
    let href = &page.body[start..end];
    Some(href[..href.find('"')?].replace("&amp;", "&"))
}

/// Every page of a list from `first`, following "Pagina successiva"; each page's rows are
/// given to `rows` and must number `size` but the last.
async fn walk_pages(
    client: &mut Client,
    first: &str,
    size: usize,
    rows: impl Fn(&Page) -> usize,
) -> Vec<Page> {
    let mut pages = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(path) = next {
        let page = client.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        next = link_to(&page, "Pagina successiva");
        let count = rows(&page);
        if next.is_some() {
            assert_eq!(count, size, "{path} shows exactly a page");
        } else {
            assert!(count >= 1 && count <= size, "{path}: {count} rows");
        }
        if !pages.is_empty() {
            assert!(link_to(&page, "Pagina precedente").is_some(), "{path}");
        }
        pages.push(page);
        assert!(pages.len() < 20, "the pages end");
    }
    pages
}

fn notification_rows(page: &Page) -> usize {
    let list = &page.body[page
        .body
        .find("<ul class=\"notifications\">")
        .expect("a list")..];
    list[..list.find("</ul>").unwrap()].matches("<li").count()
}

fn table_rows(page: &Page) -> usize {
    let body = &page.body[page.body.find("<tbody>").expect("a table")..];
    body[..body.find("</tbody>").unwrap()]
        .matches("<tr")
        .count()
}

#[tokio::test]
async fn the_report_list_comes_a_page_at_a_time_and_each_role_sees_only_its_own() {
    let service = spawn(|settings| settings.page_size = 2).await;
    let app = &service.app;
    let mut office = app.logged_in("demo.sportello").await;
    let mut desk = app.logged_in("demo.servizio").await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    file_report(&mut office, "U1").await;
    file_report(&mut office, "U3").await;
    file_report(&mut office, "U2").await;
    file_report(&mut desk, "U2").await;

    // The first page shows exactly a page, the order is kept from page to page.
    let first = office.get("/segnalazioni?ordina=scadenza").await;
    assert_eq!(listed_protocols(&first).len(), 2);
    let next = link_to(&first, "Pagina successiva").expect("a link to the next page");
    assert!(next.contains("ordina=scadenza"), "{next}");
    assert!(next.contains("pagina=2"), "{next}");
    assert!(first.body.contains("Pagina 1 di 3"));

    let office_pages = walk_pages(&mut office, "/segnalazioni?ordina=scadenza", 2, |page| {
        listed_protocols(page).len()
    })
    .await;
    let office_reports: Vec<String> = office_pages.iter().flat_map(listed_protocols).collect();
    // The demo's two reports and the three just filed, each once.
    assert_eq!(office_reports.len(), 5, "{office_reports:?}");
    let mut unique = office_reports.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5);

    let desk_pages = walk_pages(&mut desk, "/segnalazioni", 2, |page| {
        listed_protocols(page).len()
    })
    .await;
    let desk_reports: Vec<String> = desk_pages.iter().flat_map(listed_protocols).collect();
    assert_eq!(desk_reports.len(), 1);
    assert!(!office_reports.contains(&desk_reports[0]));

    let all_pages = walk_pages(&mut coordination, "/segnalazioni", 2, |page| {
        listed_protocols(page).len()
    })
    .await;
    let all: Vec<String> = all_pages.iter().flat_map(listed_protocols).collect();
    assert_eq!(all.len(), 6);

    // The coordination's queue by urgency: the U1 report comes first on the first page.
    let queue = coordination.get("/segnalazioni").await;
    assert!(
        queue.body[queue.body.find("<tbody>").unwrap()..]
            .split("</tr>")
            .next()
            .unwrap()
            .contains("U1"),
        "urgency first"
    );

    // A state filter is applied in the query and kept in the page links.
    let filtered = walk_pages(
        &mut coordination,
        "/segnalazioni?stato=nuova&ordina=scadenza",
        2,
        |page| listed_protocols(page).len(),
    )
    .await;
    let new_ones: Vec<String> = filtered.iter().flat_map(listed_protocols).collect();
    assert_eq!(new_ones.len(), 5, "all but the demo's batched report");
    let next = link_to(&filtered[0], "Pagina successiva").unwrap();
    assert!(
        next.contains("stato=nuova") && next.contains("ordina=scadenza"),
        "{next}"
    );
    for page in &filtered {
        let body = &page.body[page.body.find("<tbody>").unwrap()..];
        assert!(!body.contains("Inoltrata"));
    }
}

#[tokio::test]
async fn other_long_lists_come_a_page_at_a_time_too() {
    let service = spawn(|settings| settings.page_size = 2).await;
    let app = &service.app;
    let mut office = app.logged_in("demo.sportello").await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let mut admin = app.logged_in("demo.admin").await;

    // Seven demo users, five organisations, and an audit log of the three logins at least.
    for path in ["/admin/utenti", "/admin/organizzazioni", "/admin/audit"] {
        let pages = walk_pages(&mut admin, path, 2, table_rows).await;
        assert!(pages.len() >= 2, "{path}: {} pages", pages.len());
    }
    let users = walk_pages(&mut admin, "/admin/utenti", 2, table_rows).await;
    let names: usize = users
        .iter()
        .map(|page| {
            page.body
                .matches("<th scope=\"row\"><a href=\"/admin/utenti/")
                .count()
        })
        .sum();
    assert_eq!(names, 7);

    // Three urgent reports: three notifications for the coordination.
    let mut filed = Vec::new();
    for _ in 0..3 {
        filed.push(file_report(&mut office, "U1").await);
    }
    let notifications = walk_pages(&mut coordination, "/notifiche", 2, notification_rows).await;
    assert!(notifications.len() >= 2);

    // Batches: two more than the demo's one, a report each; the form offers only reports
    // taken in charge.
    for id in &filed {
        let taken = reports::act(&mut coordination, id, "Prendi in carico", "").await;
        assert_eq!(taken.status, 303);
    }
    for id in &filed[..2] {
        reports::batch_of(&mut coordination, id).await;
    }
    let batches = walk_pages(&mut coordination, "/lotti", 2, table_rows).await;
    assert_eq!(batches.len(), 2);
    let offered = batches[0].body.matches("name=\"report\"").count();
    assert_eq!(
        offered, 1,
        "only the report taken in charge and not batched"
    );
    assert!(
        batches[0]
            .body
            .contains(&format!("name=\"report\" value=\"{}\"", filed[2]))
    );
}

// ---------------------------------------------------------------------------------------
// 5. A change and its audit line or timeline entry, together or not at all

#[tokio::test]
async fn a_change_whose_audit_line_cannot_be_written_is_not_applied() {
    let service = spawn(|_| {}).await;
    let app = &service.app;
    let mut admin = app.logged_in("demo.admin").await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let mut office = app.logged_in("demo.sportello").await;

    // An organisation edited by hand.
    let id = add_organisation(&mut admin, "Sportello di Cherasco").await;
    service.refuse_inserts("audit_log", "NEW.event = 'organisation_saved'");
    let path = format!("/admin/organizzazioni/{id}");
    let renamed = admin
        .send_form(&path, &path, &[("name", "Sportello di Bra")])
        .await;
    assert_eq!(renamed.status, 500);
    let created = admin
        .send_form(
            "/admin/organizzazioni/nuova",
            "/admin/organizzazioni/nuova",
            &[("name", "Sportello di Alba"), ("kind", "office")],
        )
        .await;
    assert_eq!(created.status, 500);
    service.allow_inserts("audit_log");
    let list = admin.get("/admin/organizzazioni").await;
    assert!(list.body.contains("Sportello di Cherasco"));
    assert!(
        !list.body.contains("Sportello di Bra"),
        "the rename is undone"
    );
    assert!(
        !list.body.contains("Sportello di Alba"),
        "the new one is undone"
    );

    // A topic.
    service.refuse_inserts("audit_log", "NEW.event = 'topic_saved'");
    let topic = coordination
        .send_form(
            "/argomenti/nuovo",
            "/argomenti/nuovo",
            &[
                ("name", "Argomento di prova 7Q3"),
                ("standard_answer", "Serve il nulla osta."),
            ],
        )
        .await;
    assert_eq!(topic.status, 500);
    service.allow_inserts("audit_log");
    assert!(
        !coordination
            .get("/argomenti")
            .await
            .body
            .contains("Argomento di prova 7Q3")
    );

    // Ending one's other sessions.
    let other = app.logged_in("demo.sportello").await;
    service.refuse_inserts("audit_log", "NEW.event = 'sessions_ended'");
    let ended = office
        .send_form("/profilo/sessioni", "/profilo/sessioni/termina-altre", &[])
        .await;
    assert_eq!(ended.status, 500);
    service.allow_inserts("audit_log");
    let mut other = other;
    assert_eq!(
        other.get("/").await.status,
        200,
        "the other session lives on"
    );

    // A failed login's counter.
    service.refuse_inserts("audit_log", "NEW.event = 'login_failed'");
    let mut stranger = app.client();
    let failed = stranger
        .login("demo.servizio", "non è la password giusta")
        .await;
    assert_eq!(failed.status, 500);
    service.allow_inserts("audit_log");
    assert_eq!(
        service.number("SELECT failed_logins FROM users WHERE username = 'demo.servizio'"),
        0
    );

    // The timeline: a topic assigned and a file attached.
    let report = file_report(&mut office, "U3").await;
    service.refuse_inserts("report_events", "NEW.action IN ('argomento', 'allegato')");
    let assigned = coordination
        .send_form(
            &format!("/segnalazioni/{report}"),
            &format!("/segnalazioni/{report}/argomento"),
            &[("topic", "1")],
        )
        .await;
    assert_eq!(assigned.status, 500);
    assert_eq!(
        service.number(&format!(
            "SELECT COUNT(*) FROM reports WHERE id = {report} AND topic_id IS NOT NULL"
        )),
        0
    );
    let upload = attach(&mut office, &report, "documento.pdf").await;
    assert_eq!(upload.status, 500);
    assert_eq!(service.number("SELECT COUNT(*) FROM attachments"), 0);
    assert_eq!(service.stored_files(), 0);
    service.allow_inserts("report_events");
}

#[tokio::test]
async fn a_report_is_filed_with_the_attachments_of_its_form_or_not_at_all() {
    let service = spawn(|_| {}).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let before = service.number("SELECT COUNT(*) FROM reports");
    let draft = send_form_with_files(&mut office, None, &["ricevuta.pdf"]).await;
    assert_eq!(draft.status, 422);
    let corrected = draft.form("/segnalazioni/nuova").set(
        "description",
        "Rinnovo chiesto a giugno, nessuna convocazione.",
    );
    let review = office.submit(&corrected).await;
    assert_eq!(review.status, 200, "{}", review.body);
    let confirm = review.form_with_button("Invia la segnalazione");

    service.refuse_inserts("attachments", "1");
    let refused = office.submit(&confirm).await;
    assert_eq!(refused.status, 500);
    assert_eq!(
        service.number("SELECT COUNT(*) FROM reports"),
        before,
        "no report without its attachments"
    );
    service.allow_inserts("attachments");

    // The same confirmation sent again, once the database takes it.
    let filed = office.submit(&confirm).await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let page = office.get(filed.location().unwrap()).await;
    assert!(page.body.contains("ricevuta.pdf"));
    assert_eq!(service.stored_files(), 1);
}
