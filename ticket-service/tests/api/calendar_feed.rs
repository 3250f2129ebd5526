//! The Prefettura's private calendar feed: made on its page, read without a session by its
//! secret address and parsed by Python's `icalendar` apart from the service, made again
//! (the old address stops) and revoked (404). Only a digest of the address is stored.

use std::path::Path;

use crate::appointments::{book, booking_form, first_kind, radio_values, read_ics};
use crate::hardening_auth::spawn_app_and_database;
use crate::helpers::{Client, Page};

/// The secret address shown on the page, as a path of this service.
fn feed_path(page: &Page) -> String {
    let marker = "id=\"feed-address\" value=\"";
    let at = page.body.find(marker).expect("the address is shown") + marker.len();
    let address = &page.body[at..at + page.body[at..].find('"').unwrap()];
    let path = &address[address.find("/calendario/").expect("a feed address")..];
    assert!(path.ends_with(".ics"), "{path}");
    path.to_owned()
}

fn utc(slot: &str) -> String {
    let at = slot.parse::<jiff::civil::DateTime>().unwrap();
    let instant = at.in_tz("Europe/Rome").unwrap().timestamp();
    instant.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

fn feeds_column(database: &Path) -> Vec<u8> {
    let conn = rusqlite::Connection::open(database).unwrap();
    conn.query_row("SELECT token_hash FROM calendar_feeds", [], |row| {
        row.get(0)
    })
    .unwrap()
}

#[tokio::test]
async fn a_private_feed_serves_the_coming_appointments_until_it_is_revoked() {
    let (app, database) = spawn_app_and_database(|_, _| {}).await;
    let mut office = app.logged_in("demo.sportello").await;
    let slots = book_three_and_cancel_one(&mut office).await;

    let mut prefettura = app.logged_in("demo.prefettura").await;
    let day = prefettura.get("/appuntamenti/giornata").await;
    assert!(
        day.body
            .contains("href=\"/appuntamenti/calendario-privato\"")
    );
    let page = prefettura.get("/appuntamenti/calendario-privato").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Non hai un indirizzo privato."));
    let made = prefettura
        .submit(&page.form_with_button("Crea l'indirizzo privato"))
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let first = feed_path(&made);
    let secret = first
        .trim_start_matches("/calendario/")
        .trim_end_matches(".ics");

    let mut calendar_program = app.client();
    let feed = read_ics(&mut calendar_program, &first).await;
    assert_eq!(feed.matches("\"uid\"").count(), 2, "{feed}");
    assert!(feed.contains("\"zones\": [\"Europe/Rome\"]"));
    for slot in &slots[..2] {
        assert!(
            feed.contains(&format!("\"start_utc\": \"{}\"", utc(slot))),
            "{slot}: {feed}"
        );
    }
    let cancelled_start = format!("\"start_utc\": \"{}\"", utc(&slots[2]));
    assert!(
        !feed.contains(&cancelled_start),
        "the cancelled one is left out"
    );
    assert_eq!(feed.matches("\"tzid\": \"Europe/Rome\"").count(), 2);
    assert!(feed.contains("Okafor Grace"));

    // Only the digest is stored, and the page no longer shows the address.
    let stored = feeds_column(&database);
    assert_eq!(stored.len(), 32);
    assert!(!String::from_utf8_lossy(&stored).contains(secret));
    let page = prefettura.get("/appuntamenti/calendario-privato").await;
    assert!(page.body.contains("Hai un indirizzo privato, creato il"));
    assert!(!page.body.contains(secret));

    remake_and_revoke(&mut prefettura, &mut calendar_program, &page, &first).await;
    let mut admin = app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert_eq!(
        audit
            .body
            .matches("Indirizzo privato del calendario creato")
            .count(),
        2
    );
    assert_eq!(
        audit
            .body
            .matches("Indirizzo privato del calendario revocato")
            .count(),
        1
    );
}

/// Books three appointments of the first kind and cancels the third; returns the times.
async fn book_three_and_cancel_one(office: &mut Client) -> Vec<String> {
    let kind = first_kind(office).await;
    let slots = radio_values(&kind, "slot");
    let mut receipts = Vec::new();
    for (n, slot) in slots.iter().take(3).enumerate() {
        let form = booking_form(&kind, slot, ("pratica", &format!("K10/F-{n}")));
        receipts.push(book(office, &form).await);
    }
    // The third is cancelled: the feed leaves it out.
    let third = office.get(&receipts[2]).await;
    let cancelled = office
        .submit(&third.form_with_button("Annulla la prenotazione"))
        .await;
    assert_eq!(cancelled.status, 303);
    assert_eq!(
        office.get("/appuntamenti/calendario-privato").await.status,
        403
    );
    slots
}

/// A new address: the old one answers 404, the new one works; then it is revoked (404).
async fn remake_and_revoke(
    prefettura: &mut Client,
    calendar_program: &mut Client,
    page: &Page,
    first: &str,
) {
    let remade = prefettura
        .submit(
            &page
                .form_with_button("Crea un nuovo indirizzo (quello di prima smette di funzionare)"),
        )
        .await;
    let second = feed_path(&remade);
    assert_ne!(first, second);
    assert_eq!(calendar_program.get(first).await.status, 404);
    read_ics(calendar_program, &second).await;

    let revoked = prefettura
        .submit(&remade.form_with_button("Revoca l'indirizzo"))
        .await;
    assert_eq!(revoked.status, 303);
    let page = prefettura.get(revoked.location().unwrap()).await;
    assert!(page.body.contains("Indirizzo revocato"));
    assert!(page.body.contains("Non hai un indirizzo privato."));
    assert_eq!(calendar_program.get(&second).await.status, 404);
    assert_eq!(
        calendar_program
            .get("/calendario/indovinato.ics")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn the_feed_of_a_disabled_user_answers_404() {
    let (app, database) = spawn_app_and_database(|_, _| {}).await;
    let mut prefettura = app.logged_in("demo.prefettura").await;
    let page = prefettura.get("/appuntamenti/calendario-privato").await;
    let made = prefettura
        .submit(&page.form_with_button("Crea l'indirizzo privato"))
        .await;
    let feed = feed_path(&made);
    let mut calendar_program = app.client();
    assert_eq!(calendar_program.get(&feed).await.status, 200);

    let id: i64 = crate::hardening_auth::user_column(&database, "demo.prefettura", "id");
    let mut admin = app.logged_in("demo.admin").await;
    let user = admin.get(&format!("/admin/utenti/{id}")).await;
    let disabled = admin
        .submit(&user.form_with_button("Disattiva l'utente demo.prefettura"))
        .await;
    assert_eq!(disabled.status, 303, "{}", disabled.body);
    assert_eq!(calendar_program.get(&feed).await.status, 404);
}
