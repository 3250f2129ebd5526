//! The feedback of the public portal's readers: the forms of pages built by the generator from
//! the bundled portal, sent to the running service as a browser sends them from the portal's
//! origin, and what the coordination reads of them.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use jiff::ToSpan;
use reqwest::header::HeaderMap;
use respi_tickets::db::Db;

use crate::helpers::{Page, TestApp, spawn_app_with};

/// The portal's address, as `site.toml` gives it: its pages' forms carry addresses under it.
const PORTAL: &str = "https://www.provincia.cuneo.it/respi/";
pub(crate) const PORTAL_ORIGIN: &str = "https://www.provincia.cuneo.it";
/// A page of the portal with the question "was this page useful?", and the accessibility form.
pub(crate) const PAGE: &str = "accessibilita/index.html";
pub(crate) const ACCESSIBILITY_FORM: &str = "accessibilita/segnala/index.html";

pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Pages of the bundled portal, built once by the generator with the project's theme.
static BUILT: LazyLock<HashMap<&'static str, String>> = LazyLock::new(|| {
    let site = respi_site::build(&repo_root(), &respi_site::BuildOptions::default())
        .unwrap_or_else(|diagnostics| panic!("the bundled portal does not build:\n{diagnostics}"));
    [PAGE, ACCESSIBILITY_FORM]
        .into_iter()
        .map(|path| {
            let body = site.files[path].read().unwrap();
            (path, String::from_utf8(body).unwrap())
        })
        .collect()
});

/// A page of the built portal, as a browser received it.
pub(crate) fn portal_page(path: &str) -> Page {
    Page {
        path: format!("/respi/{}", path.trim_end_matches("index.html")),
        status: 200,
        headers: HeaderMap::new(),
        body: BUILT[path].clone(),
    }
}

/// The service reading the portal's `site.toml`, so it knows the portal's address.
pub(crate) async fn spawn_with_portal(feedback_burst: u32) -> TestApp {
    spawn_app_with(|settings, _| {
        settings.site_config = repo_root().join("site.toml");
        settings.feedback.ip_burst = feedback_burst;
    })
    .await
}

/// Seconds a person takes to read the service's page before confirming; the least the service
/// takes is 3 (`feedback.min_secs`).
pub(crate) const READING_SECS: i64 = 5;

/// How many feedback rows the service stored.
pub(crate) async fn stored(app: &TestApp) -> i64 {
    app.state
        .db
        .read(|conn| conn.query_row("SELECT count(*) FROM feedback", [], |row| row.get(0)))
        .await
        .unwrap()
}

/// The service's page asking to confirm a form sent from the portal: the form again with what
/// was typed, and `button` to send it. Nothing is stored yet.
pub(crate) async fn review_page(
    app: &TestApp,
    answer: &Page,
    button: &str,
) -> crate::helpers::Form {
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        stored(app).await,
        0,
        "nothing stored before the confirmation"
    );
    assert!(
        answer.header("set-cookie").is_none(),
        "no cookie for readers"
    );
    let form = answer.form_with_button(button);
    assert!(!form.value("gettone").unwrap().is_empty());
    form
}

/// Sends `form` from the portal, then confirms it on the service's page after a person's
/// reading time (the clock is moved, never waited for): the page after the confirmation.
async fn send_and_confirm(
    app: &TestApp,
    reader: &mut crate::helpers::Client,
    form: &crate::helpers::Form,
    button: &str,
) -> Page {
    let before = stored(app).await;
    let review = reader.submit_cross_site(form, PORTAL_ORIGIN).await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert_eq!(
        stored(app).await,
        before,
        "nothing stored before the confirmation"
    );
    let confirmation = review.form_with_button(button);
    app.clock.advance(READING_SECS);
    reader.submit(&confirmation).await
}

/// The page's "was this page useful?" form with `comment` typed and `button` pressed.
pub(crate) fn page_form(comment: &str, button: &str) -> crate::helpers::Form {
    let form = portal_page(PAGE).form_with_button(button);
    assert!(
        form.action.ends_with("/feedback"),
        "the portal's form posts to {}",
        form.action
    );
    form.set("commento", comment)
}

#[tokio::test]
async fn a_reader_answers_from_a_portal_page_and_the_coordination_counts_it() {
    let app = spawn_with_portal(100).await;
    let mut reader = app.client();
    let form = page_form("Manca l'orario del sabato.", "No");
    let review = reader.submit_cross_site(&form, PORTAL_ORIGIN).await;
    assert!(review.body.contains("Grazie: vuoi aggiungere un commento?"));
    // What the reader sent is on the page, as sent: the button as the answer chosen.
    let confirmation = review_page(&app, &review, "Invia il parere").await;
    assert_eq!(confirmation.value("utile").as_deref(), Some("no"));
    assert_eq!(
        confirmation.value("commento").as_deref(),
        Some("Manca l'orario del sabato.")
    );
    app.clock.advance(READING_SECS);
    let thanks = reader.submit(&confirmation).await;
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    assert_eq!(stored(&app).await, 1);
    assert!(thanks.body.contains("Grazie per il tuo parere"));
    assert!(thanks.body.contains(&format!(
        "<a href=\"{PORTAL}accessibilita/\">Torna alla pagina da cui sei arrivato</a>"
    )));
    assert!(
        thanks.header("set-cookie").is_none(),
        "no cookie for readers"
    );
    let yes = page_form("", "Sì");
    let thanks = send_and_confirm(&app, &mut reader, &yes, "Invia il parere").await;
    assert!(thanks.body.contains("Grazie per il tuo parere"));

    let mut coordination = app.logged_in("demo.coordinamento").await;
    let counts = coordination.get("/riscontri/pagine").await;
    assert_eq!(counts.status, 200);
    let link = format!("<a href=\"{PORTAL}accessibilita/\">/accessibilita/</a>");
    assert!(counts.body.contains(&link), "{}", counts.body);
    assert_eq!(
        counts.body.matches("<td>1</td>").count(),
        2,
        "one yes, one no"
    );
    let list = coordination.get("/riscontri").await;
    assert!(list.body.contains("orario del sabato."), "{}", list.body);
    assert!(list.body.contains("Pagina non utile"));
}

#[tokio::test]
async fn an_accessibility_report_is_due_in_thirty_days_for_the_coordination_only() {
    let app = spawn_with_portal(100).await;
    let mut reader = app.client();
    let form = portal_page(ACCESSIBILITY_FORM)
        .form_with_button("Invia la segnalazione")
        .set("oggetto", "Pagina dei contatti")
        .set(
            "descrizione",
            "Il numero di telefono non si legge con l'ingranditore.",
        )
        .set("email", "lettore@example.it");
    let review = reader.submit_cross_site(&form, PORTAL_ORIGIN).await;
    assert!(review.body.contains("<h1>Controlla e invia</h1>"));
    let confirmation = review_page(&app, &review, "Invia la segnalazione").await;
    assert_eq!(
        confirmation.value("email").as_deref(),
        Some("lettore@example.it")
    );
    app.clock.advance(READING_SECS);
    let thanks = reader.submit(&confirmation).await;
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    assert!(thanks.body.contains("Segnalazione ricevuta"));
    assert!(
        thanks
            .body
            .contains("Riceverai la risposta all'indirizzo e-mail")
    );
    assert!(
        thanks
            .body
            .contains(&format!("href=\"{PORTAL}accessibilita/segnala/\""))
    );
    // A page comment of the same day comes after the accessibility report all the same.
    let comment = page_form("Chiara.", "Sì");
    let thanks = send_and_confirm(&app, &mut reader, &comment, "Invia il parere").await;
    assert_eq!(thanks.status, 200, "{}", thanks.body);

    let due = app
        .clock
        .today()
        .checked_add(30.days())
        .unwrap()
        .strftime("%d/%m/%Y")
        .to_string();
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let list = coordination.get("/riscontri").await;
    assert_eq!(list.status, 200);
    let report = list
        .body
        .find("Problema di accessibilità")
        .expect(&list.body);
    let page_comment = list.body.find("Pagina utile").expect(&list.body);
    assert!(report < page_comment, "accessibility reports come first");
    assert!(list.body.contains(&due), "due {due}: {}", list.body);
    assert!(list.body.contains("lettore@example.it"));
    assert!(!list.body.contains("badge--overdue"));
    // What a reader typed as the page is shown, never made a link.
    assert!(list.body.contains("<td>Pagina dei contatti</td>"));

    app.clock.advance(31 * 86_400);
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let later = coordination.get("/riscontri").await;
    assert!(later.body.contains("Scaduta</strong>"), "{}", later.body);

    let mut office = app.logged_in("demo.sportello").await;
    assert_eq!(office.get("/riscontri").await.status, 403);
    assert_eq!(office.get("/riscontri/pagine").await.status, 403);
}

/// Sends the portal's accessibility form with `description`, and confirms it.
async fn report_accessibility(
    app: &TestApp,
    reader: &mut crate::helpers::Client,
    description: &str,
) {
    let form = portal_page(ACCESSIBILITY_FORM)
        .form_with_button("Invia la segnalazione")
        .set("oggetto", "Menu")
        .set("descrizione", description);
    let thanks = send_and_confirm(app, reader, &form, "Invia la segnalazione").await;
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    assert!(thanks.body.contains("Segnalazione ricevuta"));
}

#[tokio::test]
async fn the_coordination_answers_then_closes_an_accessibility_report() {
    let app = spawn_with_portal(100).await;
    let mut reader = app.client();
    report_accessibility(&app, &mut reader, "Il menu non si apre con la tastiera.").await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let list = coordination.get("/riscontri").await;
    assert!(list.body.contains("Da rispondere"), "{}", list.body);
    let answer = list.form("/riscontri/1/stato");
    assert!(answer.buttons()[0].starts_with("Segna come risposta"));
    let answered = coordination.submit(&answer).await;
    assert_eq!(answered.status, 303, "{}", answered.body);
    let list = coordination.get(answered.location().unwrap()).await;
    assert!(list.body.contains("Segnalazione segnata come risposta."));
    assert!(list.body.contains("Risposta inviata"));
    // The same form again changes nothing and says so.
    let twice = coordination.submit(&answer).await;
    assert_eq!(twice.status, 409);
    assert!(twice.body.contains("non è stato cambiato nulla"));
    // An answered report is not late any more, even past its due date.
    app.clock.advance(31 * 86_400);
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let later = coordination.get("/riscontri").await;
    assert!(!later.body.contains("badge--overdue"), "{}", later.body);
    let close = later.form("/riscontri/1/stato");
    assert!(close.buttons()[0].starts_with("Chiudi"));
    let closed = coordination.submit(&close).await;
    assert_eq!(closed.status, 303);
    let list = coordination.get("/riscontri").await;
    assert!(list.body.contains("<td>Chiusa</td>"), "{}", list.body);
    assert!(!list.body.contains("/riscontri/1/stato"));
    // Admins read the list without the buttons; the audit log has both steps.
    let mut admin = app.logged_in("demo.admin").await;
    let read_only = admin.get("/riscontri").await;
    assert_eq!(read_only.status, 200);
    assert!(!read_only.body.contains("/stato\""));
    let audit = admin.get("/admin/audit").await;
    assert_eq!(
        audit
            .body
            .matches("Segnalazione di accessibilità risposta o chiusa")
            .count(),
        2
    );
}

#[tokio::test]
async fn a_filled_trap_is_thanked_but_not_stored() {
    let app = spawn_with_portal(100).await;
    let mut program = app.client();
    // A program types into every text field, the one hidden from people included.
    let form = page_form("Offerta imperdibile", "Sì").set("sito_web", "casino");
    let answer = program.submit_cross_site(&form, PORTAL_ORIGIN).await;
    assert_eq!(answer.status, 200);
    assert!(answer.body.contains("Grazie per il tuo parere"));
    let report = portal_page(ACCESSIBILITY_FORM)
        .form_with_button("Invia la segnalazione")
        .set("descrizione", "Offerta imperdibile")
        .set("sito_web", "casino");
    let answer = program.submit_cross_site(&report, PORTAL_ORIGIN).await;
    assert_eq!(answer.status, 200);

    let mut coordination = app.logged_in("demo.coordinamento").await;
    let counts = coordination.get("/riscontri/pagine").await;
    assert!(counts.body.contains("Nessun lettore ha ancora risposto"));
    let list = coordination.get("/riscontri").await;
    assert!(
        list.body
            .contains("Non ci sono ancora segnalazioni né commenti")
    );
    assert!(!list.body.contains("Offerta imperdibile"));
}

#[tokio::test]
async fn an_address_sending_too_many_forms_gets_429() {
    // Each answer takes two forms: the portal's, then the confirmation.
    let app = spawn_with_portal(4).await;
    let mut reader = app.client();
    let form = page_form("", "Sì");
    for _ in 0..2 {
        let thanks = send_and_confirm(&app, &mut reader, &form, "Invia il parere").await;
        assert_eq!(thanks.status, 200, "{}", thanks.body);
    }
    let refused = reader.submit_cross_site(&form, PORTAL_ORIGIN).await;
    assert_eq!(refused.status, 429);
    assert!(refused.body.contains("Troppi invii in poco tempo"));
    assert!(
        refused
            .body
            .contains(&format!("href=\"{PORTAL}accessibilita/\""))
    );

    let mut coordination = app.logged_in("demo.coordinamento").await;
    let counts = coordination.get("/riscontri/pagine").await;
    assert!(counts.body.contains("<td>2</td>"), "{}", counts.body);
}

#[tokio::test]
async fn a_comment_with_a_web_address_or_too_long_comes_back_with_a_message() {
    let app = spawn_with_portal(100).await;
    let mut reader = app.client();
    let spam = page_form("Visitate https://spam.example", "No");
    let refused = reader.submit_cross_site(&spam, PORTAL_ORIGIN).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("<title>Errore: "));
    assert!(
        refused
            .body
            .contains("Il commento non può contenere indirizzi web")
    );
    assert!(
        refused.body.contains("href=\"#commento\""),
        "the summary links to the field"
    );
    assert!(refused.body.contains("aria-invalid=\"true\""));

    let long = page_form(&"a".repeat(1001), "No");
    let refused = reader.submit_cross_site(&long, PORTAL_ORIGIN).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("al massimo 1000 caratteri, ne hai scritti 1001"),
        "{}",
        refused.body
    );

    // The service's own form, with what was typed, is corrected and sent again once a
    // person has read it.
    let corrected = refused
        .form_with_button("Invia il parere")
        .set("commento", "Troppo lunga, ma chiara.");
    assert_eq!(corrected.value("utile").as_deref(), Some("no"));
    app.clock.advance(READING_SECS);
    let thanks = reader.submit(&corrected).await;
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    assert!(thanks.body.contains("Grazie per il tuo parere"));

    let two_links = portal_page(ACCESSIBILITY_FORM)
        .form_with_button("Invia la segnalazione")
        .set("oggetto", "https://www.provincia.cuneo.it/respi/contatti/")
        .set("descrizione", "Vedi anche https://altro.example/");
    let refused = reader.submit_cross_site(&two_links, PORTAL_ORIGIN).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("al massimo un indirizzo web"));
    let empty = portal_page(ACCESSIBILITY_FORM).form_with_button("Invia la segnalazione");
    let refused = reader.submit_cross_site(&empty, PORTAL_ORIGIN).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("Descrivi il problema che hai incontrato.")
    );

    let mut coordination = app.logged_in("demo.coordinamento").await;
    let list = coordination.get("/riscontri").await;
    assert!(!list.body.contains("spam.example"));
    assert!(list.body.contains("Troppo lunga, ma chiara."));
}

#[tokio::test]
async fn the_way_back_leads_only_to_the_portal() {
    let app = spawn_with_portal(100).await;
    let mut reader = app.client();
    // Tampered: no page of the portal sends another site's address.
    let form = portal_page(ACCESSIBILITY_FORM)
        .form_with_button("Invia la segnalazione")
        .set("descrizione", "Il menu non si apre con la tastiera.")
        .tamper("pagina", "https://evil.example/respi/");
    let review = reader.submit_cross_site(&form, PORTAL_ORIGIN).await;
    assert_eq!(review.status, 200);
    assert!(!review.body.contains("evil.example"), "{}", review.body);
    let confirmation = review.form_with_button("Invia la segnalazione");
    app.clock.advance(READING_SECS);
    let thanks = reader.submit(&confirmation).await;
    assert_eq!(thanks.status, 200);
    assert!(!thanks.body.contains("evil.example"));
    assert!(
        thanks
            .body
            .contains(&format!("<a href=\"{PORTAL}\">Vai al portale ReSPI</a>"))
    );
    // A page's answer must name a page of the portal: it is what the counts are about.
    let page = page_form("", "Sì").tamper("pagina", "https://evil.example/respi/");
    assert_eq!(
        reader.submit_cross_site(&page, PORTAL_ORIGIN).await.status,
        400
    );
}

#[tokio::test]
async fn only_small_url_encoded_forms_are_taken() {
    let app = spawn_with_portal(100).await;
    let client = reqwest::Client::new();
    let url = format!("{}/feedback", app.address);
    // Bodies written by hand: no page sends JSON or a body this large.
    let json = client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"utile\":\"si\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 415);
    let huge = client
        .post(&url)
        .form(&[("tipo", "pagina"), ("commento", &"a".repeat(40_000))])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
}

#[test]
fn the_feedback_table_has_no_column_for_who_sent_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("db.sqlite3")).unwrap();
    let columns: Vec<String> = db
        .call_blocking(|conn| {
            let mut statement = conn.prepare("SELECT name FROM pragma_table_info('feedback')")?;
            statement.query_map([], |row| row.get(0))?.collect()
        })
        .unwrap();
    assert_eq!(
        columns,
        [
            "id",
            "day",
            "kind",
            "page",
            "useful",
            "comment",
            "reply_email",
            "due_date",
            // Where an accessibility report stands for the coordination.
            "state"
        ]
    );
    for who in [
        "ip", "address", "agent", "cookie", "session", "user", "time",
    ] {
        assert!(
            !columns.iter().any(|c| c.contains(who)),
            "{who} in {columns:?}"
        );
    }
}
