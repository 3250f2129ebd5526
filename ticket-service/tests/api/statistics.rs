//! The statistics page and its CSV files against figures computed by hand on a small fixture:
//! four reports taken through the real service's pages with the clock moved between steps,
//! and four bookings written into the database (no page sets a booking's creation time or its
//! attendance days apart without waiting for them).

use std::path::Path;

use rusqlite::{Connection, params};

use crate::hardening_auth::spawn_app_and_database;
use crate::helpers::{Client, Page, TestApp};
use crate::steps::{act, batch_of, fill_report};

const DAY: i64 = 86_400;
/// Monday 3 March 2031, 09:00 in Rome (UTC+1): no holiday that week nor the week before.
const MONDAY: i64 = 1_930_291_200;

/// Moves the service's clock to `at` (UTC seconds).
fn set_clock(app: &TestApp, at: i64) {
    app.clock.advance(at - app.clock.now());
}

/// Files a report through the form and its review page, addressed to `office`.
async fn file(client: &mut Client, urgency: &str, office: &str) -> String {
    let page = client.get("/segnalazioni/nuova").await;
    let form =
        fill_report(page.form("/segnalazioni/nuova"), urgency).choose("addressed_office", office);
    let review = client.submit(&form).await;
    assert_eq!(review.status, 200, "{}", review.body);
    let filed = client
        .submit(&review.form_with_button("Invia la segnalazione"))
        .await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let location = filed.location().unwrap();
    location
        .trim_start_matches("/segnalazioni/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

async fn press(client: &mut Client, id: &str, label: &str, text: &str) {
    let page = act(client, id, label, text).await;
    assert_eq!(page.status, 303, "{label} on {id}: {}", page.body);
}

/// Batches the report and hands the batch over as the liaison.
async fn hand_over(coordination: &mut Client, liaison: &mut Client, id: &str) {
    let batch = batch_of(coordination, id).await;
    let open = liaison.get(&batch).await;
    let handed = liaison
        .submit(&open.form_with_button("Segna il lotto come consegnato"))
        .await;
    assert_eq!(handed.status, 303, "{}", handed.body);
}

const QUESTURA: &str = "Questura – Ufficio Immigrazione";
const PREFETTURA: &str = "Prefettura – Sportello Unico Immigrazione";

/// The fixture's reports, filed on Monday 3 March 2031 at 09:00:
/// - R1 (U1, Questura): handed over at once, answer recorded and published on Wednesday
///   (2 days), validated on Friday;
/// - R2 (U3, Questura): taken in charge, the standard answer published on Tuesday (1 day),
///   reopened by the office on Friday;
/// - R3 (U2, Prefettura): handed over at once, answer recorded and published on Friday
///   (4 days), refused by the Prefettura and published again;
/// - R4 (U1, Questura), filed by the service: never touched, due on Wednesday (two business
///   days), overdue on Friday.
async fn file_the_reports(app: &TestApp) {
    let [r1, r2, r3] = monday(app).await;
    set_clock(app, MONDAY + DAY);
    let mut coordination = app.logged_in("demo.coordinamento").await;
    press(
        &mut coordination,
        &r2,
        "Pubblica la risposta",
        "Risposta standard.",
    )
    .await;

    set_clock(app, MONDAY + 2 * DAY);
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let mut liaison = app.logged_in("demo.interfaccia").await;
    press(
        &mut liaison,
        &r1,
        "Registra la risposta ricevuta",
        "In lavorazione.",
    )
    .await;
    press(
        &mut coordination,
        &r1,
        "Pubblica la risposta",
        "In lavorazione.",
    )
    .await;

    set_clock(app, MONDAY + 4 * DAY);
    friday(app, [&r1, &r2, &r3]).await;
}

/// Monday: the four reports filed, three taken in charge, R1 and R3 handed over.
async fn monday(app: &TestApp) -> [String; 3] {
    set_clock(app, MONDAY);
    let mut office = app.logged_in("demo.sportello").await;
    let mut service = app.logged_in("demo.servizio").await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let mut liaison = app.logged_in("demo.interfaccia").await;
    let r1 = file(&mut office, "U1", QUESTURA).await;
    let r2 = file(&mut office, "U3", QUESTURA).await;
    let r3 = file(&mut office, "U2", PREFETTURA).await;
    file(&mut service, "U1", QUESTURA).await;
    for id in [&r1, &r2, &r3] {
        press(&mut coordination, id, "Prendi in carico", "").await;
    }
    hand_over(&mut coordination, &mut liaison, &r1).await;
    hand_over(&mut coordination, &mut liaison, &r3).await;
    [r1, r2, r3]
}

/// Friday: R3 answered, published, refused and published again; R1 validated; R2 reopened.
async fn friday(app: &TestApp, [r1, r2, r3]: [&str; 3]) {
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let mut liaison = app.logged_in("demo.interfaccia").await;
    let mut office = app.logged_in("demo.sportello").await;
    let mut questura = app.logged_in("demo.questura").await;
    let mut prefettura = app.logged_in("demo.prefettura").await;
    press(
        &mut liaison,
        r3,
        "Registra la risposta ricevuta",
        "Nulla osta rilasciato.",
    )
    .await;
    press(
        &mut coordination,
        r3,
        "Pubblica la risposta",
        "Nulla osta rilasciato.",
    )
    .await;
    press(&mut prefettura, r3, "Rifiuta la risposta", "Manca la data.").await;
    press(
        &mut coordination,
        r3,
        "Pubblica la risposta",
        "Rilasciato il 6 marzo.",
    )
    .await;
    press(&mut questura, r1, "Valida la risposta", "").await;
    press(&mut office, r2, "Riapri la segnalazione", "Nessuna novità.").await;
}

/// Four bookings of the demo's "Consegna di documenti", all made on Saturday 1 March 2031 at
/// 09:00: Tuesday 09:00 (came: lead 3 days), Wednesday 10:00 (did not come: 4 days and 1
/// hour), Thursday 11:00 (not yet recorded: 5 days and 2 hours), Thursday 11:30 (cancelled).
fn book_the_appointments(database: &Path) {
    let conn = Connection::open(database).unwrap();
    let (kind, organisation, user): (i64, i64, i64) = conn
        .query_row(
            "SELECT k.id, u.organisation_id, u.id FROM appointment_kinds k, users u
             WHERE k.code = 'consegna_documenti' AND u.username = 'demo.sportello'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    let booked_at = MONDAY - 2 * DAY;
    for (n, (starts, state)) in [
        ("2031-03-04T09:00:00", "presente"),
        ("2031-03-05T10:00:00", "assente"),
        ("2031-03-06T11:00:00", "attiva"),
        ("2031-03-06T11:30:00", "annullata"),
    ]
    .into_iter()
    .enumerate()
    {
        conn.execute(
            "INSERT INTO bookings (kind_id, starts_at, person_key, person_name, organisation_id,
                                   booked_by, state, created_at)
             VALUES (?1, ?2, ?3, 'Persona di prova (esempio)', ?4, ?5, ?6, ?7)",
            params![
                kind,
                starts,
                format!("pratica:K10/{n}"),
                organisation,
                user,
                state,
                booked_at
            ],
        )
        .unwrap();
    }
}

/// The name of the organisation of `username`, and its area ("Senza bacino" without one).
fn organisation_of(database: &Path, username: &str) -> (String, String) {
    let conn = Connection::open(database).unwrap();
    conn.query_row(
        "SELECT o.name, COALESCE(o.area, 'Senza bacino') FROM users u
         JOIN organisations o ON o.id = u.organisation_id WHERE u.username = ?1",
        [username],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .unwrap()
}

/// The cells of the row headed `label` in the section `id` of the page.
fn cells(page: &Page, id: &str, label: &str) -> Vec<String> {
    let start = page
        .body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let section = &page.body[start..];
    let section = &section[..section[4..]
        .find("<h2")
        .map_or(section.len(), |end| end + 4)];
    let header = format!("<th scope=\"row\">{label}</th>");
    let at = section
        .find(&header)
        .unwrap_or_else(|| panic!("no row «{label}» in {id}"));
    let row = &section[at + header.len()..];
    let row = &row[..row.find("</tr>").unwrap()];
    row.split("<td>")
        .skip(1)
        .map(|cell| cell[..cell.find("</td>").unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn the_statistics_match_the_figures_computed_by_hand() {
    let (app, database) = spawn_app_and_database(|_, _| {}).await;
    file_the_reports(&app).await;
    book_the_appointments(&database);
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let home = coordination.get("/statistiche").await;
    assert_eq!(home.status, 200, "{}", home.body);
    let form = home
        .form("/statistiche")
        .set("dal", "2031-03-03")
        .set("al", "2031-03-09");
    let page = coordination.submit(&form).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("dal 03/03/2031 al 09/03/2031"));
    // The previous period has as many days and ends the day before: 24 February to 2 March.
    assert!(page.body.contains("dal 24/02/2031 al 02/03/2031"));

    report_indicators(&page);
    dimensions(&page, &database);
    appointments(&page);
}

/// The indicators of the reports, against the fixture's story.
fn report_indicators(page: &Page) {
    // 4 reports this week, none the week before: a change of +4.
    assert_eq!(
        cells(page, "indicatori", "Segnalazioni inviate"),
        ["4", "0", "+4"]
    );
    // R1, R2 and R3 got an answer.
    assert_eq!(
        cells(
            page,
            "indicatori",
            "Segnalazioni con una risposta pubblicata"
        )[0],
        "3"
    );
    // First answers after 1, 2 and 4 days: median 2; 90th percentile of rank ⌈0.9 × 3⌉ = 3: 4.
    let first = "Tempo dall’invio alla prima risposta";
    assert_eq!(
        cells(page, "indicatori", &format!("{first}: mediana (giorni)")),
        ["2,0", "–", "–"]
    );
    assert_eq!(
        cells(
            page,
            "indicatori",
            &format!("{first}: 90° percentile (giorni)")
        )[0],
        "4,0"
    );
    // R1 waited 2 days on the Questura, R3 4 days on the Prefettura.
    assert_eq!(
        cells(
            page,
            "indicatori",
            "Attesa presso la Questura: mediana (giorni)"
        )[0],
        "2,0"
    );
    assert_eq!(
        cells(
            page,
            "indicatori",
            "Attesa presso la Prefettura: 90° percentile (giorni)"
        )[0],
        "4,0"
    );
    // Of the 3 answered: R2 reopened, R1 validated, R3 refused once: a third each.
    for label in [
        "Riaperte, tra quelle con risposta (%)",
        "Risposte validate, tra quelle con risposta (%)",
        "Risposte rifiutate almeno una volta (%)",
    ] {
        assert_eq!(cells(page, "indicatori", label)[0], "33,3 %", "{label}");
    }
    // R4 is overdue (due Wednesday, today Friday); R2's reopening gave it a new due date.
    assert_eq!(
        cells(page, "indicatori", "In ritardo oggi, sul totale (%)")[0],
        "25,0 %"
    );
}

/// The counts by month and dimension.
fn dimensions(page: &Page, database: &Path) {
    // By state, urgency, addressed office, organisation, topic and month.
    assert_eq!(cells(page, "stato", "Risposta validata"), ["1", "0", "+1"]);
    assert_eq!(cells(page, "stato", "Riaperta")[0], "1");
    assert_eq!(cells(page, "stato", "Risposta pubblicata")[0], "1");
    assert_eq!(cells(page, "stato", "Nuova")[0], "1");
    assert_eq!(
        cells(page, "urgenza", "U1 – Urgente: scadenza imminente")[0],
        "2"
    );
    assert_eq!(cells(page, "urgenza", "U2 – Prioritaria")[0], "1");
    assert_eq!(cells(page, "destinatario", QUESTURA)[0], "3");
    assert_eq!(cells(page, "destinatario", PREFETTURA)[0], "1");
    assert_eq!(cells(page, "argomento", "Senza argomento")[0], "4");
    assert_eq!(cells(page, "mese", "marzo 2031"), ["4"]);
    // R1–R3 come from the office, R4 from the service; their areas as the database has them.
    let (office, office_area) = organisation_of(database, "demo.sportello");
    let (service, service_area) = organisation_of(database, "demo.servizio");
    assert_eq!(cells(page, "organizzazione", &office)[0], "3");
    assert_eq!(cells(page, "organizzazione", &service)[0], "1");
    if office_area == service_area {
        assert_eq!(cells(page, "bacino", &office_area)[0], "4");
    } else {
        assert_eq!(cells(page, "bacino", &office_area)[0], "3");
        assert_eq!(cells(page, "bacino", &service_area)[0], "1");
    }
}

/// The appointment figures of the week and of the week before.
fn appointments(page: &Page) {
    // Appointments. Seats of the week: "Consegna di documenti" Monday to Thursday, 6 slots
    // of 2 seats = 48; "Giuramento" on Wednesday, 2 slots of 3 seats = 6. Used: 3 (the
    // cancelled one frees its seat), so 45 and 51 left free. No-shows: 1 of the 2 recorded.
    // Leads: 3 days, 4 days 1 hour (4.04), 5 days 2 hours (5.08): median 4.0, 90th 5.1.
    let documents = cells(page, "appuntamenti", "Consegna di documenti (esempio)");
    assert_eq!(
        documents,
        ["48", "3", "45", "1", "1", "1", "50,0 %", "4,0", "5,1"]
    );
    assert_eq!(
        cells(page, "appuntamenti", "Totale")[..3],
        ["54", "3", "51"]
    );
    // The week before offered as many seats, and none was booked.
    assert_eq!(
        cells(page, "indicatori", "Appuntamenti: posti offerti"),
        ["54", "54", "0"]
    );
    assert_eq!(
        cells(page, "indicatori", "Appuntamenti: posti rimasti liberi"),
        ["51", "54", "−3"]
    );
    assert_eq!(
        cells(
            page,
            "indicatori",
            "Appuntamenti: assenze, tra le presenze registrate (%)"
        )[0],
        "50,0 %"
    );
}

/// The fixture, and the coordination's page for its week.
async fn week_page(app: &TestApp, login: &str) -> (Client, Page) {
    let mut client = app.logged_in(login).await;
    let home = client.get("/statistiche").await;
    assert_eq!(home.status, 200, "{login}: {}", home.body);
    let form = home
        .form("/statistiche")
        .set("dal", "2031-03-03")
        .set("al", "2031-03-09");
    let page = client.submit(&form).await;
    assert_eq!(page.status, 200);
    (client, page)
}

#[tokio::test]
async fn the_csv_files_start_with_a_bom_and_hold_only_aggregates_for_admins() {
    let (app, _database) = spawn_app_and_database(|_, _| {}).await;
    file_the_reports(&app).await;

    let (mut coordination, page) = week_page(&app, "demo.coordinamento").await;
    // The page draws its charts as images with a title and a description, beside tables.
    assert!(
        page.body
            .contains("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"")
    );
    assert!(page.body.contains("<title id=\"grafico-stato-titolo\">"));
    assert!(
        page.body
            .contains("<caption>Segnalazioni per stato, periodo")
    );
    let italian = coordination
        .submit(&page.form("/statistiche/dati.csv"))
        .await;
    assert_eq!(italian.status, 200);
    assert_eq!(
        italian.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert!(italian.body.starts_with('\u{feff}'), "UTF-8 with a BOM");
    let lines: Vec<&str> = italian
        .body
        .trim_start_matches('\u{feff}')
        .lines()
        .collect();
    assert_eq!(
        lines[0],
        "sezione;voce;dal 2031-03-03 al 2031-03-09;dal 2031-02-24 al 2031-03-02"
    );
    assert!(lines.contains(&"indicatori;Segnalazioni inviate;4;0"));
    assert!(
        lines.contains(&"indicatori;Tempo dall’invio alla prima risposta: mediana (giorni);2,0;")
    );
    assert!(lines.contains(&"stato;Nuova;1;0"));
    let comma = page
        .form("/statistiche/dati.csv")
        .set("separatore", "virgola");
    let english = coordination.submit(&comma).await;
    assert!(
        english
            .body
            .contains("\nindicatori,Tempo dall’invio alla prima risposta: mediana (giorni),2.0,\n")
    );

    // One line per report for the coordination, with no citizen data.
    let per_report = coordination
        .submit(&page.form("/statistiche/segnalazioni.csv"))
        .await;
    assert_eq!(per_report.status, 200, "{}", per_report.body);
    assert!(per_report.body.starts_with('\u{feff}'));
    assert_eq!(
        per_report.body.lines().count(),
        5,
        "a header and four reports"
    );
    assert!(per_report.body.contains("RESPI-2031-"));
    assert!(!per_report.body.contains("Okafor") && !per_report.body.contains("Grace"));

    // An admin sees no single report: small cells hidden, no per-report file.
    let (mut admin, page) = week_page(&app, "demo.admin").await;
    assert!(page.body.contains("meno di 3"));
    assert!(!page.body.contains("/statistiche/segnalazioni.csv"));
    let aggregates = admin.submit(&page.form("/statistiche/dati.csv")).await;
    let lines: Vec<&str> = aggregates.body.lines().collect();
    assert!(
        lines.contains(&"indicatori;Segnalazioni inviate;4;0"),
        "4 is not a small cell"
    );
    assert!(lines.contains(&"stato;Nuova;meno di 3;0"));
    // One report waited on the Questura: its median is one report's time, so hidden.
    assert!(lines.contains(&"indicatori;Attesa presso la Questura: mediana (giorni);meno di 3;"));
    let refused = admin
        .get("/statistiche/segnalazioni.csv?dal=2031-03-03&al=2031-03-09")
        .await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn only_the_roles_with_the_permission_open_the_statistics() {
    let (app, _database) = spawn_app_and_database(|_, _| {}).await;
    for (login, status) in [
        ("demo.coordinamento", 200),
        ("demo.admin", 200),
        ("demo.sportello", 403),
        ("demo.servizio", 403),
        ("demo.interfaccia", 403),
        ("demo.questura", 403),
        ("demo.prefettura", 403),
    ] {
        let mut client = app.logged_in(login).await;
        assert_eq!(client.get("/statistiche").await.status, status, "{login}");
        let csv = client.get("/statistiche/dati.csv").await;
        assert_eq!(csv.status, status, "{login}");
    }
    assert_eq!(app.client().get("/statistiche").await.status, 303);
}

#[tokio::test]
async fn a_wrong_period_comes_back_with_its_message() {
    let (app, _database) = spawn_app_and_database(|_, _| {}).await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let home = coordination.get("/statistiche").await;
    let reversed = home
        .form("/statistiche")
        .set("dal", "2026-05-01")
        .set("al", "2026-04-01");
    let page = coordination.submit(&reversed).await;
    assert!(page.body.contains("<title>Errore: Statistiche"));
    assert!(
        page.body
            .contains("La data di inizio viene dopo quella di fine")
    );
    assert!(page.body.contains("aria-invalid=\"true\""));
    let typed = home.form("/statistiche").set("dal", "31/02/2026");
    let page = coordination.submit(&typed).await;
    assert!(page.body.contains("La data «31/02/2026» non è valida"));
    assert!(
        page.body.contains("value=\"31/02/2026\""),
        "what was typed stays"
    );
}
