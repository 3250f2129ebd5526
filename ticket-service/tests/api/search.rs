//! Report search through its pages: the GET form of words and filters (with an address to
//! bookmark), the POST form of a citizen's identifiers, the scope of each role, Italian
//! stemming, highlighted words; and the "similar questions" step of the report form.

use std::path::PathBuf;

use crate::helpers::{Client, Page, TestApp, spawn_app_with};
use crate::steps::{act, fill_report};

/// An office page of the portal in `area`.
fn office_page(town: &str, area: &str) -> String {
    format!(
        "---\ntitle: \"Sportello immigrati di {town}\"\noffice:\n  kind: sportello\n  owner: Comune di {town}\n  area: {area}\n---\n\nTesto.\n"
    )
}

const FAQ_LOST: &str = "---\ntitle: \"Permesso di soggiorno smarrito o rubato\"\ndescription: \"Cosa fare se hai perso il permesso\"\n---\n\nSe il permesso di soggiorno è smarrito o rubato, denuncia lo smarrimento alla Polizia.\n";

/// The service with three offices in two areas and one FAQ page; returns it with its
/// database file.
async fn spawn_network() -> (TestApp, PathBuf) {
    let mut database = None;
    let app = spawn_app_with(|settings, dir| {
        let offices = dir.path().join("content/sportelli");
        std::fs::create_dir_all(&offices).unwrap();
        std::fs::write(offices.join("alba.md"), office_page("Alba", "alba-bra")).unwrap();
        std::fs::write(offices.join("bra.md"), office_page("Bra", "alba-bra")).unwrap();
        std::fs::write(offices.join("cuneo.md"), office_page("Cuneo", "cuneo")).unwrap();
        let faq = dir.path().join("content/faq/permesso-di-soggiorno");
        std::fs::create_dir_all(&faq).unwrap();
        std::fs::write(faq.join("smarrito.md"), FAQ_LOST).unwrap();
        database = Some(settings.demo_database_path());
    })
    .await;
    (app, database.unwrap())
}

fn number(database: &PathBuf, query: &str) -> i64 {
    let conn = rusqlite::Connection::open(database).unwrap();
    conn.query_row(query, [], |row| row.get(0)).unwrap()
}

/// The password the operators of these tests choose.
const PASSWORD: &str = "castagne di cuneo e marroni";

/// An operator of the office named `office`, made by the administrator through the pages,
/// logged in with a password of their own.
async fn operator(app: &TestApp, username: &str, office: &str) -> Client {
    let mut admin = app.logged_in("demo.admin").await;
    let form = admin.get("/admin/utenti/nuovo").await;
    let user = form
        .form("/admin/utenti/nuovo")
        .set("username", username)
        .set("display_name", "Operatore di prova")
        .set("email", &format!("{username}@ente.example.it"))
        .set("role", "sportello")
        .choose("organisation", office);
    let created = admin.submit(&user).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let marker = "<code class=\"secret\">";
    let start = created.body.find(marker).unwrap() + marker.len();
    let temporary = created.body[start..start + 23].to_owned();
    let mut client = app.client();
    assert_eq!(client.login(username, &temporary).await.status, 303);
    let new = PASSWORD;
    let changed = client
        .send_form(
            "/profilo/password",
            "/profilo/password",
            &[
                ("current_password", &temporary),
                ("new_password", new),
                ("confirm_password", new),
            ],
        )
        .await;
    assert_eq!(changed.status, 303);
    client
}

/// Files a report through the form with `description`, addressed to `office`; returns its id
/// and protocol number.
async fn file(client: &mut Client, description: &str, office: &str) -> (String, String) {
    let page = client.get("/segnalazioni/nuova").await;
    let form = fill_report(page.form("/segnalazioni/nuova"), "U2")
        .choose("addressed_office", office)
        .set("description", description);
    let review = client.submit(&form).await;
    assert_eq!(review.status, 200, "{}", review.body);
    let filed = client
        .submit(&review.form_with_button("Invia la segnalazione"))
        .await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let location = filed.location().unwrap().to_owned();
    let id = location
        .trim_start_matches("/segnalazioni/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let page = client.get(&location).await;
    let start = page.body.find("RESPI-").unwrap();
    (id, page.body[start..start + 17].to_owned())
}

const QUESTURA: &str = "Questura – Ufficio Immigrazione";
const SUI: &str = "Prefettura – Sportello Unico Immigrazione";

/// Types `words` in the search form of `/segnalazioni/cerca`, chooses `filters`, and sends it.
async fn search(client: &mut Client, words: &str, filters: &[(&str, &str)]) -> Page {
    let page = client.get("/segnalazioni/cerca").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let mut form = page.form("/segnalazioni/cerca").set("parole", words);
    for (name, label) in filters {
        form = form.choose(name, label);
    }
    let results = client.submit(&form).await;
    assert_eq!(results.status, 200, "{}", results.body);
    results
}

/// The protocol numbers on a page of results.
fn found(page: &Page) -> Vec<String> {
    let mut protocols: Vec<String> = page
        .body
        .match_indices(">RESPI-")
        .map(|(at, _)| page.body[at + 1..at + 18].to_owned())
        .collect();
    protocols.sort();
    protocols
}

/// The address of the search, from the page's link to it.
fn bookmark(page: &Page) -> String {
    let start = page
        .body
        .find("href=\"/segnalazioni/cerca?")
        .expect("a link to the search")
        + 6;
    let end = start + page.body[start..].find('"').unwrap();
    page.body[start..end].replace("&amp;", "&")
}

/// One protocol number, as `found` lists it.
fn only(protocol: &str) -> Vec<String> {
    vec![protocol.to_owned()]
}

fn sorted(mut protocols: Vec<&String>) -> Vec<String> {
    protocols.sort();
    protocols.into_iter().cloned().collect()
}

#[tokio::test]
async fn each_role_finds_exactly_the_reports_its_list_shows() {
    let (app, database) = spawn_network().await;
    let mut alba = operator(&app, "op.alba", "Sportello immigrati di Alba").await;
    let mut bra = operator(&app, "op.bra", "Sportello immigrati di Bra").await;
    let mut cuneo = operator(&app, "op.cuneo", "Sportello immigrati di Cuneo").await;
    let (_, in_alba) = file(&mut alba, "Pratica zafferano ferma ad Alba.", QUESTURA).await;
    let (_, in_bra) = file(&mut bra, "Pratica zafferano ferma a Bra.", SUI).await;
    let (_, in_cuneo) = file(&mut cuneo, "Pratica zafferano ferma a Cuneo.", QUESTURA).await;

    // Each office finds its own report, and nothing of the others.
    for (client, own) in [
        (&mut alba, &in_alba),
        (&mut bra, &in_bra),
        (&mut cuneo, &in_cuneo),
    ] {
        let results = search(client, "zafferano", &[]).await;
        assert_eq!(found(&results), only(own), "{}", results.body);
        assert!(results.body.contains("Una segnalazione trovata"));
    }
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let all = search(&mut coordination, "zafferano", &[]).await;
    assert_eq!(found(&all), sorted(vec![&in_alba, &in_bra, &in_cuneo]));
    let mut questura = app.logged_in("demo.questura").await;
    let addressed = search(&mut questura, "zafferano", &[]).await;
    assert_eq!(found(&addressed), sorted(vec![&in_alba, &in_cuneo]));
    let mut prefettura = app.logged_in("demo.prefettura").await;
    assert_eq!(
        found(&search(&mut prefettura, "zafferano", &[]).await),
        only(&in_bra)
    );
    // A service of the network filed none of them.
    let mut service = app.logged_in("demo.servizio").await;
    let none = search(&mut service, "zafferano", &[]).await;
    assert!(found(&none).is_empty());
    assert!(none.body.contains("Nessuna segnalazione trovata"));
    // An office cannot widen its scope by naming another office in the address.
    let cuneo_id = number(
        &database,
        "SELECT id FROM organisations WHERE name = 'Sportello immigrati di Cuneo'",
    );
    let sneaky = alba
        .get(&format!(
            "/segnalazioni/cerca?parole=zafferano&organizzazione={cuneo_id}"
        ))
        .await;
    assert_eq!(sneaky.status, 200);
    assert!(found(&sneaky).is_empty(), "{}", sneaky.body);
    // The administrator takes no part in the reports.
    let mut admin = app.logged_in("demo.admin").await;
    assert_eq!(
        admin
            .get("/segnalazioni/cerca?parole=zafferano")
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn a_plural_finds_a_singular_and_the_words_are_marked() {
    let (app, _) = spawn_network().await;
    let mut office = app.logged_in("demo.sportello").await;
    let (_, protocol) = file(
        &mut office,
        "Chiede il rinnovo del permesso di soggiorno scaduto a marzo.",
        QUESTURA,
    )
    .await;
    let results = search(&mut office, "permessi rinnovi", &[]).await;
    assert_eq!(found(&results), only(&protocol), "{}", results.body);
    assert!(
        results.body.contains("<mark>permesso</mark>"),
        "{}",
        results.body
    );
    assert!(results.body.contains("<mark>rinnovo</mark>"));
    // The address of the results holds the words: it can be bookmarked and opened again.
    let address = bookmark(&results);
    assert!(address.contains("parole=permessi+rinnovi"), "{address}");
    let again = office.get(&address).await;
    assert_eq!(found(&again), only(&protocol));
    // The protocol number and the file reference are searched too, as written.
    assert_eq!(
        found(&search(&mut office, &protocol, &[]).await),
        only(&protocol)
    );
    assert_eq!(
        found(&search(&mut office, "PS-2026-4411", &[]).await),
        [protocol]
    );
    // Every word must be found: one the report lacks leaves it out.
    let nothing = search(&mut office, "permesso cittadinanza", &[]).await;
    assert!(found(&nothing).is_empty());
}

#[tokio::test]
async fn filters_narrow_the_results_and_bad_dates_are_explained() {
    let (app, _) = spawn_network().await;
    let mut alba = operator(&app, "op.alba", "Sportello immigrati di Alba").await;
    operator(&app, "op.cuneo", "Sportello immigrati di Cuneo").await;
    let today = app.clock.today();
    let (first_id, first) = file(&mut alba, "Ricongiungimento con la moglie fermo.", SUI).await;
    // Three days later, after the sessions of the first day have ended.
    app.clock.advance(3 * 86_400);
    let mut cuneo = app.client();
    assert_eq!(cuneo.login("op.cuneo", PASSWORD).await.status, 303);
    let (_, second) = file(&mut cuneo, "Ricongiungimento dei figli fermo.", QUESTURA).await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let both = search(&mut coordination, "ricongiungimento", &[]).await;
    assert_eq!(found(&both), sorted(vec![&first, &second]));

    let by_office = search(&mut coordination, "ricongiungimento", &[("ufficio", SUI)]).await;
    assert_eq!(found(&by_office), only(&first));
    let by_area = search(
        &mut coordination,
        "ricongiungimento",
        &[("bacino", "cuneo")],
    )
    .await;
    assert_eq!(found(&by_area), only(&second));
    let by_filer = search(
        &mut coordination,
        "ricongiungimento",
        &[("organizzazione", "Sportello immigrati di Alba")],
    )
    .await;
    assert_eq!(found(&by_filer), only(&first));
    act(&mut coordination, &first_id, "Prendi in carico", "").await;
    let by_state = search(
        &mut coordination,
        "ricongiungimento",
        &[("stato", "Presa in carico")],
    )
    .await;
    assert_eq!(found(&by_state), only(&first));
    // Filters alone, without words, list the newest first.
    let page = coordination.get("/segnalazioni/cerca").await;
    let day = today.to_string();
    let only_first_day = page
        .form("/segnalazioni/cerca")
        .set("dal", &day)
        .set("al", &day);
    let dated = coordination.submit(&only_first_day).await;
    assert!(found(&dated).contains(&first), "{}", dated.body);
    assert!(!found(&dated).contains(&second));
    // A date typed the Italian way is explained, next to its field.
    let wrong = page.form("/segnalazioni/cerca").set("dal", "31/03/2026");
    let refused = coordination.submit(&wrong).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("AAAA-MM-GG"));
    assert!(refused.body.contains("href=\"#dal\""));
}

#[tokio::test]
async fn citizens_are_searched_only_through_the_post_form_and_within_the_scope() {
    let (app, database) = spawn_network().await;
    let mut office = app.logged_in("demo.sportello").await;
    let (_, protocol) = file(&mut office, "Rinnovo fermo da mesi.", QUESTURA).await;

    // The words of the address never reach the citizen's name.
    assert!(found(&search(&mut office, "Okafor", &[]).await).is_empty());
    let page = office.get("/segnalazioni/cerca").await;
    let form = page.form("/segnalazioni/cerca/persona");
    assert_eq!(form.method, "post");
    let results = office.submit(&form.set("persona", "okafor grace")).await;
    assert_eq!(results.status, 200, "{}", results.body);
    assert_eq!(found(&results), only(&protocol));
    assert!(!results.body.contains("persona=okafor"));
    let audited = "SELECT COUNT(*) FROM audit_log WHERE event = 'citizen_searched' AND detail = '1 risultati'";
    assert_eq!(number(&database, audited), 1);
    assert_eq!(
        number(
            &database,
            "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%kafor%'"
        ),
        0,
        "the audit line never holds the words searched"
    );

    // Another organisation does not find the person of a report it cannot see.
    let mut service = app.logged_in("demo.servizio").await;
    let page = service.get("/segnalazioni/cerca").await;
    let other = service
        .submit(
            &page
                .form("/segnalazioni/cerca/persona")
                .set("persona", "Okafor"),
        )
        .await;
    assert!(found(&other).is_empty(), "{}", other.body);
    // The administrator has no such form; the request built by hand is refused.
    let mut admin = app.logged_in("demo.admin").await;
    let profile = admin.get("/profilo").await;
    let refused = admin
        .post_raw(
            "/segnalazioni/cerca/persona",
            &[("csrf", &profile.csrf()), ("persona", "Okafor")],
        )
        .await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn internal_notes_are_searched_by_the_coordination_only() {
    let (app, _) = spawn_network().await;
    let mut office = app.logged_in("demo.sportello").await;
    let (id, protocol) = file(&mut office, "Rinnovo fermo da mesi.", QUESTURA).await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let page = coordination.get(&format!("/segnalazioni/{id}")).await;
    let note = page
        .form(&format!("/segnalazioni/{id}/nota"))
        .set("nota", "Sentito il funzionario girasole per telefono.");
    assert_eq!(coordination.submit(&note).await.status, 303);

    let found_by_coordination = search(&mut coordination, "girasole", &[]).await;
    assert_eq!(found(&found_by_coordination), [protocol]);
    assert!(found_by_coordination.body.contains("Nota interna"));
    let mut liaison = app.logged_in("demo.interfaccia").await;
    assert!(found(&search(&mut liaison, "girasole", &[]).await).is_empty());
    let office_results = search(&mut office, "girasole", &[]).await;
    assert!(found(&office_results).is_empty());
    assert!(!office_results.body.contains("girasole</mark>"));
}

#[tokio::test]
async fn the_report_form_suggests_faq_and_answered_reports_before_sending() {
    let (app, database) = spawn_network().await;
    let mut office = app.logged_in("demo.sportello").await;
    let (answered, answered_protocol) = file(
        &mut office,
        "Kit postale mai ricevuto dopo il trasloco.",
        QUESTURA,
    )
    .await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    act(&mut coordination, &answered, "Prendi in carico", "").await;
    let published = act(
        &mut coordination,
        &answered,
        "Pubblica la risposta",
        "Serve la denuncia di smarrimento e un nuovo kit postale.",
    )
    .await;
    assert_eq!(published.status, 303, "{}", published.body);

    // The step is a button of the form: it works without JavaScript.
    let page = office.get("/segnalazioni/nuova").await;
    let form = fill_report(page.form("/segnalazioni/nuova"), "U2")
        .set(
            "description",
            "Il permesso di soggiorno è stato smarrito durante il trasloco e il kit postale non è arrivato.",
        )
        .press("Verifica domande simili");
    let checked = office.submit(&form).await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert!(checked.body.contains("Domande simili"));
    assert!(
        checked
            .body
            .contains("Permesso di soggiorno smarrito o rubato"),
        "{}",
        checked.body
    );
    assert!(checked.body.contains("faq/permesso-di-soggiorno/smarrito/"));
    assert!(checked.body.contains(&answered_protocol));
    assert!(checked.body.contains("Serve la denuncia di smarrimento"));
    // The form comes back as typed, and goes on to the review page.
    let review = office
        .submit(&checked.form_with_button("Continua e rileggi"))
        .await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(review.body.contains("Controlla la segnalazione"));
    let filed = office
        .submit(&review.form_with_button("Invia la segnalazione"))
        .await;
    assert_eq!(filed.status, 303);
    let shown = "SELECT COUNT(*) FROM reports WHERE similar_shown = 1";
    let not_shown = "SELECT COUNT(*) FROM reports WHERE similar_shown = 0";
    assert_eq!(
        number(&database, shown),
        1,
        "the second report saw suggestions"
    );
    // The first report's review page found nothing like it yet.
    assert_eq!(number(&database, not_shown), 1);
    let home = coordination.get("/").await;
    assert!(home.body.contains("1 su 2 (50%)"), "{}", home.body);

    // An empty description asks for one instead of suggesting anything.
    let page = office.get("/segnalazioni/nuova").await;
    let empty = page
        .form("/segnalazioni/nuova")
        .press("Verifica domande simili");
    let asked = office.submit(&empty).await;
    assert!(asked.body.contains("Scrivi la descrizione della richiesta"));
}
