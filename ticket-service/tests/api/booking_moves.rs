//! An office moves a booking to another free time through its pages: the receipt's link, the
//! free times, the review, the confirmation. The old seat is given back only when the new one
//! is taken; a time taken meanwhile, a time not offered and a move after the cut-off change
//! nothing. The mail and the receipt's calendar file carry the new time.

use crate::appointments::{
    active_bookings, book, booking_form, first_kind, first_link, radio_values, receipt_calendar,
};
use std::path::Path;

use crate::hardening_auth::spawn_app_with_mail;
use crate::helpers::{Client, Page, SmtpSink};

#[tokio::test]
async fn an_office_moves_a_booking_to_a_free_time_and_its_old_seat_is_freed() {
    let (app, database, sink) = spawn_app_with_mail(|_| {}).await;
    let mut office = app.logged_in("demo.sportello").await;
    let kind = first_kind(&mut office).await;
    let slots = radio_values(&kind, "slot");
    let (old, new, other) = (slots[0].clone(), slots[1].clone(), slots[2].clone());
    let form =
        booking_form(&kind, &old, ("pratica", "K10/M-1")).set("contact", "amina@example.invalid");
    let receipt = book(&mut office, &form).await;
    let receipt = receipt.split('?').next().unwrap().to_owned();
    let page = office.get(&receipt).await;
    let move_path = first_link(&page, &format!("{receipt}/sposta"));
    let choose = office.get(&move_path).await;
    assert_eq!(choose.status, 200, "{}", choose.body);
    let offered = radio_values(&choose, "slot");
    assert!(
        !offered.contains(&old),
        "the booking's own time is not offered"
    );
    assert!(offered.contains(&new));

    // A time not offered (in the past), sent by hand: refused, nothing moves.
    let past = choose
        .form(&move_path)
        .tamper("slot", "2020-01-07T09:00:00");
    let refused = office.submit(&past).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("href=\"#slot\""));
    assert_eq!(active_bookings(&database, &old), 1);

    let review = office
        .submit(&choose.form(&move_path).set("slot", &new))
        .await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(review.body.contains("Controlla lo spostamento"));
    assert!(review.body.contains(&format!("alle {}", &new[11..16])));
    assert_eq!(
        active_bookings(&database, &old),
        1,
        "not moved before confirming"
    );
    let moved = office
        .submit(&review.form_with_button("Conferma lo spostamento"))
        .await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let page = office.get(moved.location().unwrap()).await;
    assert!(page.body.contains("Prenotazione spostata al nuovo orario"));
    assert_eq!(active_bookings(&database, &old), 0);
    assert_eq!(active_bookings(&database, &new), 1);

    new_time_in_the_files(&mut office, &sink, &receipt, &new).await;

    a_time_taken_meanwhile_keeps_the_booking(
        &mut office,
        &database,
        &move_path,
        &kind,
        (&new, &other),
    )
    .await;
    let mut admin = app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert_eq!(
        audit
            .body
            .matches("Prenotazione di un appuntamento spostata")
            .count(),
        1
    );
}

/// The receipt's calendar file and the mail carry the `new` time, as a change of the event.
async fn new_time_in_the_files(office: &mut Client, sink: &SmtpSink, receipt: &str, new: &str) {
    let calendar = receipt_calendar(office, receipt, new).await;
    assert!(calendar.contains("\"uid\": \"prenotazione-"), "{calendar}");
    let (_, _, file) = office.download(&format!("{receipt}/calendario.ics")).await;
    assert!(String::from_utf8(file).unwrap().contains("SEQUENCE:1\r\n"));
    let mail = sink
        .find(&[
            "To: amina@example.invalid",
            "Appuntamento in Prefettura spostato",
        ])
        .await;
    assert!(mail.contains("text/calendar"), "{mail}");
}

/// The review of a move to `other`, then two other people take both its seats: the
/// confirmation is refused and the booking keeps its time `new`.
async fn a_time_taken_meanwhile_keeps_the_booking(
    office: &mut Client,
    database: &Path,
    move_path: &str,
    kind: &Page,
    (new, other): (&str, &str),
) {
    let choose = office.get(move_path).await;
    let review = office
        .submit(&choose.form(move_path).set("slot", other))
        .await;
    for n in 2..=3 {
        let form = booking_form(kind, other, ("pratica", &format!("K10/M-{n}")));
        book(office, &form).await;
    }
    let late = office
        .submit(&review.form_with_button("Conferma lo spostamento"))
        .await;
    assert_eq!(late.status, 409, "{}", late.body);
    assert!(late.body.contains("la prenotazione non è stata spostata"));
    assert_eq!(active_bookings(database, new), 1);
    assert_eq!(active_bookings(database, other), 2);
}

#[tokio::test]
async fn a_booking_is_not_moved_after_the_cut_off_nor_by_another_office() {
    let (app, database, _sink) = spawn_app_with_mail(|_| {}).await;
    let mut office = app.logged_in("demo.sportello").await;
    let kind = first_kind(&mut office).await;
    let slots = radio_values(&kind, "slot");
    let receipt = book(
        &mut office,
        &booking_form(&kind, &slots[0], ("pratica", "K10/M-9")),
    )
    .await;
    let receipt = receipt.split('?').next().unwrap().to_owned();
    let move_path = format!("{receipt}/sposta");

    // The Prefettura sees the receipt but does not move the office's bookings.
    let mut prefettura = app.logged_in("demo.prefettura").await;
    let seen = prefettura.get(&receipt).await;
    assert_eq!(seen.status, 200);
    assert!(!seen.body.contains(&format!("href=\"{move_path}\"")));
    assert_eq!(prefettura.get(&move_path).await.status, 404);

    // An hour before the appointment, inside the 24 hours' notice: no link, no page.
    let start = slots[0].parse::<jiff::civil::DateTime>().unwrap();
    let starts = start.in_tz("Europe/Rome").unwrap().timestamp().as_second();
    app.clock
        .advance(starts - jiff::Timestamp::now().as_second() - 3600);
    let mut office = app.logged_in("demo.sportello").await;
    let page = office.get(&receipt).await;
    assert!(!page.body.contains(&format!("href=\"{move_path}\"")));
    let refused = office.get(&move_path).await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("non si può più spostare"));
    // No page offers the move past the cut-off: the confirmation is written by hand.
    let token = office.get("/").await.csrf();
    let path = format!("{move_path}/conferma");
    let late = office
        .post_raw(&path, &[("csrf", &token), ("slot", &slots[1])])
        .await;
    assert_eq!(late.status, 409);
    assert_eq!(active_bookings(&database, &slots[0]), 1);
}

#[tokio::test]
async fn a_move_or_a_plan_whose_audit_line_cannot_be_written_is_not_applied() {
    let service = crate::service_files::spawn(|_| {}).await;
    let app = &service.app;
    let mut office = app.logged_in("demo.sportello").await;
    let kind = first_kind(&mut office).await;
    let slots = radio_values(&kind, "slot");
    let receipt = book(
        &mut office,
        &booking_form(&kind, &slots[0], ("pratica", "K10/A-1")),
    )
    .await;
    let receipt = receipt.split('?').next().unwrap().to_owned();
    let move_path = format!("{receipt}/sposta");

    service.refuse_inserts("audit_log", "NEW.event = 'booking_moved'");
    let choose = office.get(&move_path).await;
    let review = office
        .submit(&choose.form(&move_path).set("slot", &slots[1]))
        .await;
    let moved = office
        .submit(&review.form_with_button("Conferma lo spostamento"))
        .await;
    assert_eq!(moved.status, 500);
    let page = office.get(&receipt).await;
    assert!(
        page.body.contains(&format!("alle {}", &slots[0][11..16])),
        "the booking kept its time"
    );

    service.allow_inserts("audit_log");

    service.refuse_inserts("audit_log", "NEW.event = 'appointment_plan_saved'");
    let mut prefettura = app.logged_in("demo.prefettura").await;
    let list = prefettura.get("/appuntamenti/tipi").await;
    // The first kind's "Modifica" link: the first one to a numbered kind.
    let at = list
        .body
        .match_indices("href=\"/appuntamenti/tipi/")
        .map(|(at, marker)| at + marker.len())
        .find(|at| list.body[*at..].starts_with(|c: char| c.is_ascii_digit()))
        .expect("a kind to edit");
    let id: String = list.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let edit = prefettura.get(&format!("/appuntamenti/tipi/{id}")).await;
    let form = edit.form("/appuntamenti/tipi").set("seats", "7");
    let review = prefettura.submit(&form).await;
    let saved = prefettura
        .submit(&review.form_with_button("Salva il calendario"))
        .await;
    assert_eq!(saved.status, 500);
    service.allow_inserts("audit_log");
    let edit = prefettura.get(edit.path.as_str()).await;
    assert_ne!(
        edit.form("/appuntamenti/tipi").value("seats").as_deref(),
        Some("7"),
        "the plan is not changed"
    );
}
