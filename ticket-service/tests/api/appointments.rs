//! Booking an appointment at the Prefettura's citizenship office through the pages: the kinds,
//! the days and times of the demo's plan, the review page, the receipt; bad input; and many
//! operators racing for the last seat of a slot.

use std::path::Path;

use tokio::task::JoinSet;

use crate::batch_pdf;
use crate::hardening_auth::spawn_app_and_database;
use crate::helpers::{Client, Form, Page};

/// The address of the first link whose target starts with `prefix`, `&amp;` undone.
pub(crate) fn first_link(page: &Page, prefix: &str) -> String {
    let marker = format!("href=\"{prefix}");
    let start = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("a link to {prefix}: {}", page.body))
        + "href=\"".len();
    let end = page.body[start..].find('"').unwrap() + start;
    page.body[start..end].replace("&amp;", "&")
}

/// The values of the radio buttons `name` on the page, in order.
pub(crate) fn radio_values(page: &Page, name: &str) -> Vec<String> {
    let marker = format!("name=\"{name}\" value=\"");
    page.body
        .match_indices(&marker)
        .map(|(at, _)| {
            let rest = &page.body[at + marker.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

/// The first kind's page: its days, and the first day's times with the booking form.
pub(crate) async fn first_kind(office: &mut Client) -> Page {
    let start = office.get("/appuntamenti").await;
    assert_eq!(start.status, 200, "{}", start.body);
    assert!(start.body.contains("Consegna di documenti (esempio)"));
    let kind = office.get(&first_link(&start, "/appuntamenti?tipo=")).await;
    assert_eq!(kind.status, 200);
    assert!(kind.body.contains("orari liberi"), "{}", kind.body);
    kind
}

pub(crate) fn booking_form(page: &Page, slot: &str, identifier: (&str, &str)) -> Form {
    page.form("/appuntamenti/prenota")
        .set("slot", slot)
        .set("family_name", "Okafor")
        .set("given_name", "Grace")
        .set("id_kind", identifier.0)
        .set("identifier", identifier.1)
}

pub(crate) fn active_bookings(database: &Path, slot: &str) -> i64 {
    let conn = rusqlite::Connection::open(database).unwrap();
    conn.query_row(
        "SELECT COUNT(*) FROM bookings WHERE starts_at = ?1 AND state = 'attiva'",
        [slot],
        |row| row.get(0),
    )
    .unwrap()
}

#[tokio::test]
async fn an_office_books_a_slot_for_a_person_and_gets_a_receipt() {
    let (app, database) = spawn_app_and_database(|_, _| {}).await;
    let mut office = app.logged_in("demo.sportello").await;
    let dashboard = office.get("/").await;
    assert!(dashboard.body.contains("href=\"/appuntamenti\""));
    let kind = first_kind(&mut office).await;
    let slots = radio_values(&kind, "slot");
    assert!(!slots.is_empty());

    // A fiscal code with a wrong check character: the form comes back, nothing is booked.
    let wrong = office
        .submit(&booking_form(&kind, &slots[0], ("cf", "RSSMRA85T10A562T")))
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("href=\"#identifier\""));
    assert!(wrong.body.contains("dovrebbe essere «S»"));

    let review = office
        .submit(&booking_form(&wrong, &slots[0], ("cf", "rssmra85t10a562s")))
        .await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(review.body.contains("Controlla la prenotazione"));
    assert!(review.body.contains("Okafor Grace"));
    assert_eq!(
        active_bookings(&database, &slots[0]),
        0,
        "not booked before confirming"
    );

    let booked = office
        .submit(&review.form_with_button("Conferma la prenotazione"))
        .await;
    assert_eq!(booked.status, 303, "{}", booked.body);
    let receipt = office.get(booked.location().unwrap()).await;
    assert_eq!(receipt.status, 200);
    assert!(receipt.body.contains("Prenotazione fatta."));
    assert!(receipt.body.contains("Okafor Grace"));
    assert!(receipt.body.contains("Consegna di documenti (esempio)"));
    assert_eq!(active_bookings(&database, &slots[0]), 1);

    // The same person again, at another time of the same kind: refused.
    let again = office
        .submit(&booking_form(&kind, &slots[1], ("cf", "RSSMRA85T10A562S")))
        .await;
    let again = office
        .submit(&again.form_with_button("Conferma la prenotazione"))
        .await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("ha già un appuntamento"));

    // A time that is not offered (in the past) is refused on the review, by hand.
    let tampered =
        booking_form(&kind, &slots[0], ("pratica", "K10/C-1")).tamper("day", "2020-01-07");
    let past = office
        .submit(&tampered.tamper("slot", "2020-01-07T09:00:00"))
        .await;
    assert_eq!(past.status, 422);
    assert!(past.body.contains("href=\"#slot\""));

    let calendar = receipt_calendar(&mut office, booked.location().unwrap(), &slots[0]).await;
    receipt_pdf(&mut office, booked.location().unwrap()).await;
    assert!(
        calendar.contains("\"summary\": \"Consegna di documenti (esempio)\""),
        "{calendar}"
    );

    // The receipt is the office's: a login without bookings does not reach it.
    let mut service = app.logged_in("demo.servizio").await;
    assert_eq!(service.get("/appuntamenti").await.status, 403);
    let mut prefettura = app.logged_in("demo.prefettura").await;
    let seen = prefettura.get(booked.location().unwrap()).await;
    assert_eq!(seen.status, 200);
}

/// Downloads the receipt as PDF and reads it with lopdf, apart from the service: tagged, in
/// Italian, titled, with a heading and paragraphs.
async fn receipt_pdf(office: &mut Client, receipt: &str) {
    let path = receipt.split('?').next().unwrap();
    let (status, headers, body) = office.download(&format!("{path}/ricevuta.pdf")).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    let document = lopdf::Document::load_mem(&body).expect("the receipt PDF parses");
    let catalog = document.catalog().unwrap();
    let lang = lopdf::decode_text_string(catalog.get(b"Lang").unwrap()).unwrap();
    assert_eq!(lang, "it-IT");
    let info = batch_pdf::dictionary(&document, document.trailer.get(b"Info").unwrap());
    let title = lopdf::decode_text_string(info.get(b"Title").unwrap()).unwrap();
    assert!(title.starts_with("Prenotazione n. "), "{title}");
    let root = batch_pdf::dictionary(&document, catalog.get(b"StructTreeRoot").unwrap());
    let mut types = Vec::new();
    batch_pdf::structure_types(&document, root.get(b"K").unwrap(), &mut types);
    for expected in ["Document", "H1", "P"] {
        assert!(
            types.iter().any(|t| t == expected),
            "no {expected}: {types:?}"
        );
    }
}

/// The iCalendar file at `path`, downloaded and read by `tests/tools/read_ics.py`, an
/// independent parser; what it prints (JSON).
pub(crate) async fn read_ics(client: &mut Client, path: &str) -> String {
    let (status, headers, body) = client.download(path).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/calendar; charset=utf-8");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("calendario.ics");
    std::fs::write(&file, &body).unwrap();
    let reader = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/read_ics.py");
    let output = std::process::Command::new("python3")
        .arg(reader)
        .arg(&file)
        .output()
        .expect("python3 runs (scripts/test installs the icalendar package)");
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    printed
}

/// Downloads the receipt's calendar file and reads it with Python's `icalendar`, apart from
/// the service: one event in Europe/Rome, at the booked time, lasting the slot.
pub(crate) async fn receipt_calendar(office: &mut Client, receipt: &str, slot: &str) -> String {
    let path = receipt.split('?').next().unwrap();
    let printed = read_ics(office, &format!("{path}/calendario.ics")).await;
    let start = slot.parse::<jiff::civil::DateTime>().unwrap();
    let utc = |at: jiff::civil::DateTime| {
        let instant = at.in_tz("Europe/Rome").unwrap().timestamp();
        instant.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string()
    };
    let end = start.checked_add(jiff::Span::new().minutes(30)).unwrap();
    for expected in [
        "\"version\": \"2.0\"".to_owned(),
        "\"zones\": [\"Europe/Rome\"]".to_owned(),
        "\"tzid\": \"Europe/Rome\"".to_owned(),
        format!("\"start_utc\": \"{}\"", utc(start)),
        format!("\"end_utc\": \"{}\"", utc(end)),
        "\"location\": \"Prefettura \\u2013 Ufficio Cittadinanza\"".to_owned(),
    ] {
        assert!(printed.contains(&expected), "{expected} in {printed}");
    }
    assert_eq!(printed.matches("\"uid\"").count(), 1, "one event");
    printed
}

/// Sends the booking form, then confirms on the review page; returns the receipt's address.
pub(crate) async fn book(office: &mut Client, form: &Form) -> String {
    let review = office.submit(form).await;
    let booked = office
        .submit(&review.form_with_button("Conferma la prenotazione"))
        .await;
    assert_eq!(booked.status, 303, "{}", booked.body);
    booked.location().unwrap().to_owned()
}

#[tokio::test]
async fn an_office_cancels_up_to_the_notice_and_the_seat_is_free_again() {
    let (app, database) = spawn_app_and_database(|_, _| {}).await;
    let mut office = app.logged_in("demo.sportello").await;
    let kind = first_kind(&mut office).await;
    let slot = radio_values(&kind, "slot")[0].clone();
    let receipt = book(
        &mut office,
        &booking_form(&kind, &slot, ("pratica", "K10/C-9")),
    )
    .await;
    let page = office.get(&receipt).await;
    let cancelled = office
        .submit(&page.form_with_button("Annulla la prenotazione"))
        .await;
    assert_eq!(cancelled.status, 303);
    let page = office.get(cancelled.location().unwrap()).await;
    assert!(
        page.body
            .contains("Prenotazione annullata: il posto è di nuovo libero.")
    );
    assert!(!page.has_button("Annulla la prenotazione"));
    assert_eq!(active_bookings(&database, &slot), 0);

    // The same person books again; later, inside the notice, the office can no longer cancel.
    let receipt = book(
        &mut office,
        &booking_form(&kind, &slot, ("pratica", "K10/C-9")),
    )
    .await;
    let page = office.get(&receipt).await;
    assert!(page.has_button("Annulla la prenotazione"));
    let start = slot.parse::<jiff::civil::DateTime>().unwrap();
    let starts = start.in_tz("Europe/Rome").unwrap().timestamp().as_second();
    let to_an_hour_before = starts - jiff::Timestamp::now().as_second() - 3600;
    app.clock.advance(to_an_hour_before);
    // Days have passed: the session has ended, the office logs in again.
    let mut office = app.logged_in("demo.sportello").await;
    assert!(
        !office
            .get(&receipt)
            .await
            .has_button("Annulla la prenotazione")
    );
    // No page shows the cancel form past the cut-off: the request is written by hand.
    let token = office.get("/").await.csrf();
    let path = format!("{}/annulla", receipt.split('?').next().unwrap());
    let late = office.post_raw(&path, &[("csrf", &token)]).await;
    assert_eq!(late.status, 409);
    assert!(late.body.contains("non si può più annullare"));
    assert_eq!(active_bookings(&database, &slot), 1);
    let mut admin = app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert_eq!(
        audit
            .body
            .matches("Prenotazione di un appuntamento annullata")
            .count(),
        1
    );
}

#[tokio::test]
async fn two_hundred_operators_racing_for_the_last_seat_make_one_booking() {
    let (app, database) = spawn_app_and_database(|_, _| {}).await;
    let mut office = app.logged_in("demo.sportello").await;
    let kind = first_kind(&mut office).await;
    let slot = radio_values(&kind, "slot")[0].clone();

    // The demo's slots take two people: one seat is taken first.
    let first = office
        .submit(&booking_form(&kind, &slot, ("pratica", "K10/C-0")))
        .await;
    let taken = office
        .submit(&first.form_with_button("Conferma la prenotazione"))
        .await;
    assert_eq!(taken.status, 303);

    // Two hundred review pages, for two hundred people, all for the last seat.
    let mut confirmations = Vec::new();
    for n in 1..=200 {
        let review = office
            .submit(&booking_form(
                &kind,
                &slot,
                ("pratica", &format!("K10/C-{n}")),
            ))
            .await;
        assert_eq!(review.status, 200, "{}", review.body);
        confirmations.push(review.form_with_button("Conferma la prenotazione"));
    }
    let mut tasks = JoinSet::new();
    for confirmation in confirmations {
        let mut operator = app.client();
        operator.session.clone_from(&office.session);
        tasks.spawn(async move { operator.submit(&confirmation).await });
    }
    let (mut booked, mut told) = (0, 0);
    while let Some(page) = tasks.join_next().await {
        let page = page.unwrap();
        match page.status {
            303 => booked += 1,
            409 => {
                assert!(
                    page.body
                        .contains("è stato prenotato da un altro sportello")
                );
                assert!(
                    page.body.contains("name=\"slot\""),
                    "the free times are shown"
                );
                told += 1;
            }
            other => panic!("unexpected status {other}: {}", page.body),
        }
    }
    assert_eq!((booked, told), (1, 199));
    assert_eq!(active_bookings(&database, &slot), 2);
}

#[tokio::test]
async fn the_booking_is_mailed_with_its_calendar_file_to_the_operator_and_the_person() {
    let (app, sink) = crate::steps::spawn_app_with_mail().await;
    let mut office = app.logged_in("demo.sportello").await;
    let kind = first_kind(&mut office).await;
    let slot = radio_values(&kind, "slot")[0].clone();
    let form = booking_form(&kind, &slot, ("pratica", "K10/C-77"))
        .set("contact", "grace.okafor@example.invalid");
    let receipt = book(&mut office, &form).await;
    let id = receipt
        .trim_start_matches("/appuntamenti/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let attachment = format!("prenotazione-{id}.ics");
    for to in [
        "demo.sportello@example.invalid",
        "grace.okafor@example.invalid",
    ] {
        let mail = sink
            .find(&[&format!("To: {to}"), "text/calendar", &attachment])
            .await;
        assert!(mail.contains("multipart/mixed"), "{mail}");
        assert!(mail.contains("Appuntamento in Prefettura"), "{mail}");
    }

    // A contact that is a phone number gets no mail; the operator still does.
    let before = sink.count();
    let form = booking_form(&kind, &slot, ("pratica", "K10/C-78")).set("contact", "0171 123456");
    let second = book(&mut office, &form).await;
    let id = second
        .trim_start_matches("/appuntamenti/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let attachment = format!("prenotazione-{id}.ics");
    sink.find(&["To: demo.sportello@example.invalid", &attachment])
        .await;
    assert_eq!(sink.count(), before + 1, "one mail: the operator's");
    assert!(!sink.any_contains("To: 0171"));
}

#[tokio::test]
async fn the_prefettura_lists_the_day_and_records_who_came() {
    let (app, database) = spawn_app_and_database(|_, _| {}).await;
    let mut office = app.logged_in("demo.sportello").await;
    let kind = first_kind(&mut office).await;
    let slot = radio_values(&kind, "slot")[0].clone();
    book(
        &mut office,
        &booking_form(&kind, &slot, ("pratica", "K10/C-5")),
    )
    .await;
    let day = &slot[..10];
    let list_path = format!("/appuntamenti/giornata?data={day}");
    assert_eq!(office.get(&list_path).await.status, 403);

    let mut prefettura = app.logged_in("demo.prefettura").await;
    let list = prefettura.get(&list_path).await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Okafor Grace"));
    assert!(list.body.contains("Atteso"));
    let time = &slot[11..16];
    let button = format!("Presente: Okafor Grace alle {time}");
    let early = prefettura.submit(&list.form_with_button(&button)).await;
    assert_eq!(early.status, 409, "not before the appointment begins");

    // The appointment's time comes: the clock moves to ten minutes after it.
    let start = slot.parse::<jiff::civil::DateTime>().unwrap();
    let starts = start.in_tz("Europe/Rome").unwrap().timestamp().as_second();
    app.clock
        .advance(starts - jiff::Timestamp::now().as_second() + 600);
    let mut prefettura = app.logged_in("demo.prefettura").await;
    let list = prefettura.get(&list_path).await;
    let marked = prefettura.submit(&list.form_with_button(&button)).await;
    assert_eq!(marked.status, 303, "{}", marked.body);
    let list = prefettura.get(marked.location().unwrap()).await;
    assert!(list.body.contains("<td>Presente</td>"), "{}", list.body);
    let conn = rusqlite::Connection::open(&database).unwrap();
    let stored: String = conn
        .query_row("SELECT state FROM bookings", [], |row| row.get(0))
        .unwrap();
    assert_eq!(stored, "presente");
}

#[tokio::test]
async fn the_prefettura_cancels_with_a_reason_that_the_office_receives() {
    let (app, sink) = crate::steps::spawn_app_with_mail().await;
    let mut office = app.logged_in("demo.sportello").await;
    let kind = first_kind(&mut office).await;
    let slot = radio_values(&kind, "slot")[0].clone();
    let receipt = book(
        &mut office,
        &booking_form(&kind, &slot, ("pratica", "K10/C-31")),
    )
    .await;
    let receipt = receipt.split('?').next().unwrap().to_owned();

    let mut prefettura = app.logged_in("demo.prefettura").await;
    let page = prefettura.get(&receipt).await;
    let form = page.form_with_button("Annulla la prenotazione");
    let without = prefettura.submit(&form).await;
    assert_eq!(without.status, 409);
    assert!(without.body.contains("Scrivi il motivo"));
    assert!(office.get(&receipt).await.body.contains("Confermata"));

    let reason = "Ufficio chiuso per un'assemblea del personale.";
    let cancelled = prefettura.submit(&form.set("motivo", reason)).await;
    assert_eq!(cancelled.status, 303, "{}", cancelled.body);
    assert!(office.get(&receipt).await.body.contains("Annullata"));
    let mail = sink
        .find(&[
            "To: demo.sportello@example.invalid",
            "annullato dalla Prefettura",
        ])
        .await;
    assert!(mail.contains("assemblea del personale"), "{mail}");
}
