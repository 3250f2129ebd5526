//! The Prefettura defines kinds of appointment through its pages: a weekly plan with
//! exceptions, checked on a review page and saved; the offices then see exactly the slots it
//! gives (holidays and exceptions included, computed by hand here). Mistakes change nothing.
//! Weekly quotas by area are shown before saving, against shares computed by hand, and
//! booking enforces them.

use std::path::Path;

use jiff::civil::date;

use crate::hardening_auth::spawn_app_and_database;
use crate::helpers::{Client, Form, Page, TestApp};

/// The territorial areas of the province, as the portal's `site.toml` gives them.
const AREAS: &str = "title = \"Rete\"\nshort_title = \"R\"\nowner = \"Provincia\"\n\
    [[areas]]\nid = \"cuneo\"\nname = \"Cuneo e valli\"\nforeign_residents = 14800\n\
    [[areas]]\nid = \"alba-bra\"\nname = \"Alba, Bra e Langhe-Roero\"\nforeign_residents = 16200\n\
    [[areas]]\nid = \"saluzzo\"\nname = \"Saluzzo e valli\"\nforeign_residents = 9700\n\
    [[areas]]\nid = \"fossano-savigliano\"\nname = \"Fossano e Savigliano\"\nforeign_residents = 7300\n\
    [[areas]]\nid = \"mondovi-ceva\"\nname = \"Mondovì e Ceva\"\nforeign_residents = 6100\n";

/// Starts the service with the areas in `site.toml` and its clock at Monday 31 May 2027,
/// 08:00 in Rome (Wednesday 2 June is the Festa della Repubblica).
async fn app_on_31_may() -> (TestApp, std::path::PathBuf) {
    let (app, database) = spawn_app_and_database(|settings, _| {
        std::fs::write(&settings.site_config, AREAS).unwrap();
    })
    .await;
    let at = date(2027, 5, 31)
        .at(8, 0, 0, 0)
        .in_tz("Europe/Rome")
        .unwrap();
    app.clock
        .advance(at.timestamp().as_second() - jiff::Timestamp::now().as_second());
    (app, database)
}

fn count(database: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(database).unwrap();
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

/// The new kind's form, filled in as a person types it.
async fn new_kind_form(prefettura: &mut Client) -> Form {
    let list = prefettura.get("/appuntamenti/tipi").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(
        list.body.contains("href=\"/appuntamenti/tipi/nuovo\""),
        "the list links to the new kind's form"
    );
    let page = prefettura.get("/appuntamenti/tipi/nuovo").await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.form("/appuntamenti/tipi")
        .set("name", "Informazioni sulla pratica (esempio)")
        .set("slot_minutes", "30")
        .set("seats", "1")
        .set("mon_from_1", "09:00")
        .set("mon_until_1", "10:00")
        .set("wed_from_1", "9:00")
        .set("wed_until_1", "10:00")
        .set("wed_from_2", "14:00")
        .set("wed_until_2", "15:00")
        .set("exceptions", "07/06/2027 chiuso\n05/06/2027 09:00-10:00")
        .set("min_notice_hours", "2")
        .set("horizon_days", "10")
}

/// The days the office is offered for the kind `name`, with their times.
async fn offered(office: &mut Client, name: &str) -> Vec<(String, Vec<String>)> {
    let start = office.get("/appuntamenti").await;
    let marker = format!("\">{name}</a>");
    let end = start.body.find(&marker).expect("the kind is offered");
    let kind = office.get(&href_before(&start.body, end)).await;
    let mut days = Vec::new();
    for label in day_labels(&kind) {
        let day_link = day_link(&kind, &label);
        let page = office.get(&day_link).await;
        let times = page
            .body
            .match_indices("name=\"slot\" value=\"")
            .map(|(at, marker)| page.body[at + marker.len()..at + marker.len() + 19].to_owned())
            .collect();
        days.push((label, times));
    }
    days
}

fn day_labels(page: &Page) -> Vec<String> {
    page.body
        .match_indices("&amp;giorno=")
        .map(|(at, _)| {
            let rest = &page.body[at..];
            let open = rest.find('>').unwrap() + 1;
            let close = rest.find("</a>").unwrap();
            rest[open..close].to_owned()
        })
        .collect()
}

fn day_link(page: &Page, label: &str) -> String {
    let end = page.body.find(&format!(">{label}</a>")).unwrap();
    href_before(&page.body, end)
}

/// The address of the last link that opens before `end`, `&amp;` undone.
fn href_before(body: &str, end: usize) -> String {
    let start = body[..end].rfind("href=\"").unwrap() + 6;
    let close = body[start..].find('"').unwrap() + start;
    body[start..close].replace("&amp;", "&")
}

#[tokio::test]
async fn the_prefettura_saves_a_plan_and_offices_get_exactly_its_slots() {
    let (app, database) = app_on_31_may().await;
    let mut prefettura = app.logged_in("demo.prefettura").await;
    let dashboard = prefettura.get("/").await;
    assert!(dashboard.body.contains("href=\"/appuntamenti/tipi\""));
    let kinds_before = count(&database, "SELECT COUNT(*) FROM appointment_kinds");

    let form = new_kind_form(&mut prefettura).await;
    let review = prefettura.submit(&form).await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(review.body.contains("Controlla il calendario"));
    // A regular week: Monday 2 slots, Wednesday 2 + 2, one seat each.
    assert!(
        review
            .body
            .contains("<dt>Posti in una settimana normale</dt><dd>6</dd>"),
        "{}",
        review.body
    );
    assert!(review.body.contains("lunedì 7 giugno 2027: chiuso"));
    assert!(
        review
            .body
            .contains("sabato 5 giugno 2027: aperto 09:00–10:00")
    );
    assert!(review.body.contains("Nessuna quota"));
    assert_eq!(
        count(&database, "SELECT COUNT(*) FROM appointment_kinds"),
        kinds_before,
        "nothing saved before the review is confirmed"
    );
    let saved = prefettura
        .submit(&review.form_with_button("Salva il calendario"))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let list = prefettura.get(saved.location().unwrap()).await;
    assert!(list.body.contains("Tipo di appuntamento salvato."));
    assert!(list.body.contains("mercoledì 09:00–10:00, 14:00–15:00"));

    // Hand-computed: Monday 31 May from 10:00 (two hours' notice) has nothing left; Wednesday
    // 2 June is a national holiday; Saturday 5 June opens for once; Monday 7 June is closed;
    // Wednesday 9 June has both ranges; the horizon (10 days) ends on Thursday 10 June.
    let mut office = app.logged_in("demo.sportello").await;
    let days = offered(&mut office, "Informazioni sulla pratica (esempio)").await;
    let expected = vec![
        (
            "sabato 5 giugno 2027".to_owned(),
            vec!["2027-06-05T09:00:00", "2027-06-05T09:30:00"],
        ),
        (
            "mercoledì 9 giugno 2027".to_owned(),
            vec![
                "2027-06-09T09:00:00",
                "2027-06-09T09:30:00",
                "2027-06-09T14:00:00",
                "2027-06-09T14:30:00",
            ],
        ),
    ];
    let days: Vec<(String, Vec<&str>)> = days
        .iter()
        .map(|(day, times)| (day.clone(), times.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(days, expected);
    assert_eq!(office.get("/appuntamenti/tipi").await.status, 403);
    assert_eq!(office.get("/appuntamenti/tipi/nuovo").await.status, 403);

    edit_to_two_seats(&mut prefettura, &database).await;
    let mut admin = app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert_eq!(
        audit
            .body
            .matches("Tipo di appuntamento o suo calendario salvato")
            .count(),
        2
    );
}

/// Editing: the form shows the saved plan; two seats from now on.
async fn edit_to_two_seats(prefettura: &mut Client, database: &Path) {
    let id = count(
        database,
        "SELECT id FROM appointment_kinds WHERE name = 'Informazioni sulla pratica (esempio)'",
    );
    let edit = prefettura.get(&format!("/appuntamenti/tipi/{id}")).await;
    assert_eq!(edit.status, 200);
    let form = edit.form("/appuntamenti/tipi");
    assert_eq!(form.value("wed_from_2").as_deref(), Some("14:00"));
    assert_eq!(
        form.value("exceptions").as_deref(),
        Some("05/06/2027 09:00-10:00\n07/06/2027 chiuso")
    );
    let review = prefettura.submit(&form.set("seats", "2")).await;
    assert!(review.body.contains("<dd>12</dd>"), "{}", review.body);
    let saved = prefettura
        .submit(&review.form_with_button("Salva il calendario"))
        .await;
    assert_eq!(saved.status, 303);
    let seats = count(
        database,
        &format!("SELECT seats FROM appointment_kinds WHERE id = {id}"),
    );
    assert_eq!(seats, 2);
}

#[tokio::test]
async fn a_wrong_plan_comes_back_with_its_mistakes_and_nothing_is_saved() {
    let (app, database) = app_on_31_may().await;
    let mut prefettura = app.logged_in("demo.prefettura").await;
    let before = count(&database, "SELECT COUNT(*) FROM appointment_kinds");
    let audit_before = count(&database, "SELECT COUNT(*) FROM audit_log");
    let form = new_kind_form(&mut prefettura).await;
    let wrong = form
        .clone()
        .set("seats", "0")
        .set("wed_from_2", "09:30")
        .set("fri_from_1", "12:00")
        .set("fri_until_1", "11:00")
        .set("exceptions", "32/13/2027 chiuso");
    let page = prefettura.submit(&wrong).await;
    assert_eq!(page.status, 422, "{}", page.body);
    for (field, message) in [
        (
            "seats",
            "quante persone riceve ogni appuntamento, in cifre da 1 a 50",
        ),
        ("wed_from_2", "Le due fasce del mercoledì si sovrappongono."),
        (
            "fri_from_1",
            "La prima fascia del venerdì finisce prima di cominciare.",
        ),
        (
            "exceptions",
            "Eccezioni, riga 1: «32/13/2027» non è una data",
        ),
    ] {
        assert!(page.body.contains(&format!("href=\"#{field}\"")), "{field}");
        assert!(page.body.contains(message), "{message}");
    }
    // What was typed is shown again, for correcting.
    let again = page.form("/appuntamenti/tipi");
    assert_eq!(again.value("fri_from_1").as_deref(), Some("12:00"));

    // The per-office quota needs its number; a name already used is refused.
    let no_number = form.clone().set("quota_rule", "sportello");
    let page = prefettura.submit(&no_number).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("href=\"#office_quota\""));
    let taken = form.set("name", "giuramento (ESEMPIO)");
    let page = prefettura.submit(&taken).await;
    assert_eq!(page.status, 422);
    assert!(
        page.body
            .contains("Esiste già un tipo di appuntamento con questo nome")
    );

    assert_eq!(
        count(&database, "SELECT COUNT(*) FROM appointment_kinds"),
        before
    );
    assert_eq!(
        count(&database, "SELECT COUNT(*) FROM audit_log"),
        audit_before
    );
}

/// The review's table of the areas' shares of 7 seats a week.
fn assert_area_shares(review: &Page) {
    // By hand: 7 × 14800/54100 = 1.915, × 16200 = 2.096, × 9700 = 1.255, × 7300 = 0.945,
    // × 6100 = 0.789; the wholes make 4, the 3 seats left go to the largest remainders
    // (Fossano .945, Cuneo .915, Mondovì .789).
    for (area, residents, share, seats) in [
        ("Cuneo e valli", 14800, "27,4 %", 2),
        ("Alba, Bra e Langhe-Roero", 16200, "29,9 %", 2),
        ("Saluzzo e valli", 9700, "17,9 %", 1),
        ("Fossano e Savigliano", 7300, "13,5 %", 1),
        ("Mondovì e Ceva", 6100, "11,3 %", 1),
    ] {
        let row = format!(
            "<th scope=\"row\">{area}</th>\n      <td>{residents}</td>\n      <td>{share}</td>\n      <td>{seats}</td>"
        );
        assert!(review.body.contains(&row), "{row} in {}", review.body);
    }
}

/// The kind's booking form for the first free time of `day`, for person `n`.
async fn booking_on(office: &mut Client, kind: i64, day: &str, n: u32) -> Form {
    let page = office
        .get(&format!("/appuntamenti?tipo={kind}&giorno={day}"))
        .await;
    let marker = "name=\"slot\" value=\"";
    let at = page.body.find(marker).expect("a free time") + marker.len();
    let slot = page.body[at..at + 19].to_owned();
    page.form("/appuntamenti/prenota")
        .set("slot", &slot)
        .set("family_name", "Diallo")
        .set("given_name", &format!("Awa {n}"))
        .set("id_kind", "pratica")
        .set("identifier", &format!("K10/Q-{n}"))
}

/// Books the first free time of `day` for person `n`, through the review page; the page that
/// refused it otherwise.
async fn book_on(office: &mut Client, kind: i64, day: &str, n: u32) -> Page {
    let form = booking_on(office, kind, day, n).await;
    let review = office.submit(&form).await;
    if review.status != 200 {
        // Refused on the review already: the quota is told before confirming.
        return review;
    }
    office
        .submit(&review.form_with_button("Conferma la prenotazione"))
        .await
}

#[tokio::test]
async fn quotas_by_area_are_shown_before_saving_and_bookings_keep_to_them() {
    let (app, database) = app_on_31_may().await;
    let mut prefettura = app.logged_in("demo.prefettura").await;
    // Mondays 09:00–12:30, one person every half hour: 7 seats a week.
    let form = new_kind_form(&mut prefettura)
        .await
        .set("name", "Giuramento a quote (esempio)")
        .set("mon_until_1", "12:30")
        .set("wed_from_1", "")
        .set("wed_until_1", "")
        .set("wed_from_2", "")
        .set("wed_until_2", "")
        .set("exceptions", "")
        .set("horizon_days", "30")
        .set("quota_rule", "area");
    let review = prefettura.submit(&form).await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(review.body.contains("<dd>7</dd>"));
    assert!(
        review
            .body
            .contains("in proporzione ai loro residenti stranieri")
    );
    assert_area_shares(&review);
    let saved = prefettura
        .submit(&review.form_with_button("Salva il calendario"))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let kind = count(
        &database,
        "SELECT id FROM appointment_kinds WHERE name = 'Giuramento a quote (esempio)'",
    );
    // The demo office is imported: its area changes in its source, not on a page, so the
    // test sets it in the database as an import would. Saluzzo has one seat a week.
    let conn = rusqlite::Connection::open(&database).unwrap();
    conn.execute(
        "UPDATE organisations SET area = 'saluzzo' WHERE slug = 'demo/sportello'",
        [],
    )
    .unwrap();

    let mut office = app.logged_in("demo.sportello").await;
    let offer = office.get(&format!("/appuntamenti?tipo={kind}")).await;
    assert!(
        offer
            .body
            .contains("Quote settimanali: I posti di una settimana normale")
    );
    let first = book_on(&mut office, kind, "2027-06-07", 1).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let second = book_on(&mut office, kind, "2027-06-07", 2).await;
    assert_eq!(second.status, 409, "{}", second.body);
    assert!(
        second
            .body
            .contains("La quota settimanale di questo tipo di appuntamento")
    );
    // The next week has its own quota.
    let next_week = book_on(&mut office, kind, "2027-06-14", 3).await;
    assert_eq!(next_week.status, 303, "{}", next_week.body);
    let booked = format!("SELECT COUNT(*) FROM bookings WHERE kind_id = {kind}");
    assert_eq!(count(&database, &booked), 2);

    per_office_quota(&mut prefettura, &mut office, &database, kind).await;
}

/// A quota of two seats per office instead: the second booking of the week goes through,
/// the third does not.
async fn per_office_quota(
    prefettura: &mut Client,
    office: &mut Client,
    database: &Path,
    kind: i64,
) {
    let edit = prefettura.get(&format!("/appuntamenti/tipi/{kind}")).await;
    let form = edit
        .form("/appuntamenti/tipi")
        .set("quota_rule", "sportello")
        .set("office_quota", "2");
    let review = prefettura.submit(&form).await;
    assert!(
        review
            .body
            .contains("Ogni sportello prenota al massimo 2 posti a settimana")
    );
    let saved = prefettura
        .submit(&review.form_with_button("Salva il calendario"))
        .await;
    assert_eq!(saved.status, 303);
    let second = book_on(office, kind, "2027-06-07", 4).await;
    assert_eq!(second.status, 303, "{}", second.body);
    let third = book_on(office, kind, "2027-06-07", 5).await;
    assert_eq!(third.status, 409);
    let booked = format!("SELECT COUNT(*) FROM bookings WHERE kind_id = {kind}");
    assert_eq!(count(database, &booked), 3);
    moves_keep_to_the_quota(office, database).await;
}

/// Moving into the full week of 7 June is refused; moving within it is not (the booking
/// moved does not count against itself).
async fn moves_keep_to_the_quota(office: &mut Client, database: &Path) {
    let id_of = |name: &str| {
        count(
            database,
            &format!("SELECT id FROM bookings WHERE person_name = 'Diallo {name}'"),
        )
    };
    for (person, status) in [("Awa 3", 409), ("Awa 1", 200)] {
        let path = format!("/appuntamenti/{}/sposta", id_of(person));
        let page = office.get(&format!("{path}?giorno=2027-06-07")).await;
        let marker = "name=\"slot\" value=\"";
        let at = page.body.find(marker).expect("a free time") + marker.len();
        let slot = page.body[at..at + 19].to_owned();
        let review = office.submit(&page.form(&path).set("slot", &slot)).await;
        assert_eq!(review.status, status, "{person}: {}", review.body);
    }
    let moved = format!(
        "SELECT starts_at FROM bookings WHERE id = {}",
        id_of("Awa 3")
    );
    let conn = rusqlite::Connection::open(database).unwrap();
    let starts: String = conn.query_row(&moved, [], |row| row.get(0)).unwrap();
    assert!(
        starts.starts_with("2027-06-14"),
        "still in its week: {starts}"
    );
}

#[tokio::test]
async fn concurrent_bookings_keep_to_a_weekly_quota_per_office() {
    let (app, database) = app_on_31_may().await;
    let mut prefettura = app.logged_in("demo.prefettura").await;
    // Mondays 09:00–10:00, ten people every half hour, three seats a week per office.
    let form = new_kind_form(&mut prefettura)
        .await
        .set("name", "Consegna a quota (esempio)")
        .set("seats", "10")
        .set("wed_from_1", "")
        .set("wed_until_1", "")
        .set("wed_from_2", "")
        .set("wed_until_2", "")
        .set("exceptions", "")
        .set("quota_rule", "sportello")
        .set("office_quota", "3");
    let review = prefettura.submit(&form).await;
    assert!(
        review
            .body
            .contains("Ogni sportello prenota al massimo 3 posti a settimana")
    );
    let saved = prefettura
        .submit(&review.form_with_button("Salva il calendario"))
        .await;
    assert_eq!(saved.status, 303);
    let kind = count(
        &database,
        "SELECT id FROM appointment_kinds WHERE name = 'Consegna a quota (esempio)'",
    );

    // Twenty review pages, for twenty people, all in the week of Monday 7 June.
    let mut office = app.logged_in("demo.sportello").await;
    let mut confirmations = Vec::new();
    for n in 1..=20 {
        let form = booking_on(&mut office, kind, "2027-06-07", n).await;
        let review = office.submit(&form).await;
        assert_eq!(review.status, 200, "{}", review.body);
        confirmations.push(review.form_with_button("Conferma la prenotazione"));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for confirmation in confirmations {
        let mut operator = app.client();
        operator.session.clone_from(&office.session);
        tasks.spawn(async move { operator.submit(&confirmation).await });
    }
    let (mut booked, mut refused) = (0, 0);
    while let Some(page) = tasks.join_next().await {
        let page = page.unwrap();
        match page.status {
            303 => booked += 1,
            409 if page.body.contains("La quota settimanale") => refused += 1,
            other => panic!("unexpected status {other}: {}", page.body),
        }
    }
    assert_eq!((booked, refused), (3, 17));
    let made = format!("SELECT COUNT(*) FROM bookings WHERE kind_id = {kind}");
    assert_eq!(count(&database, &made), 3);
}
