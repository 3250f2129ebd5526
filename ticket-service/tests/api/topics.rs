//! Topics and their standard answers, edited by the coordination and the admins: validation
//! with F4 errors, renaming, disabling, and what the report page then offers.

use crate::helpers::{Client, Page, spawn_app, spawn_app_with};

/// The id of the topic called `name` in the list of `/argomenti`.
async fn topic_id(client: &mut Client, name: &str) -> String {
    let list = client.get("/argomenti").await;
    let row = list
        .body
        .split("<tr>")
        .find(|row| row.contains(&format!(">{name}</th>")))
        .unwrap_or_else(|| panic!("{name} is listed"));
    let start = row.find("href=\"/argomenti/").unwrap() + "href=\"/argomenti/".len();
    row[start..].split('"').next().unwrap().to_owned()
}

/// The options of the topic select on a report's page.
async fn offered_topics(client: &mut Client, report: &str) -> String {
    let page = client.get(&format!("/segnalazioni/{report}")).await;
    assert_eq!(page.status, 200);
    let start = page.body.find("<select id=\"topic\"").unwrap();
    let end = page.body[start..].find("</select>").unwrap() + start;
    page.body[start..end].to_owned()
}

#[tokio::test]
async fn the_coordination_creates_renames_and_disables_a_topic() {
    let app = spawn_app().await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    bad_topics_are_refused(&mut coordination).await;
    let id = create_asilo(&mut coordination).await;
    let edit_path = format!("/argomenti/{id}");
    assign_then_rename(&mut coordination, &edit_path).await;
    let page = disable_while_a_report_page_is_open(&mut coordination, &edit_path).await;

    // An address no page links to, with a body built by hand.
    let csrf = page.csrf();
    let unknown = coordination
        .post_raw(
            "/argomenti/999999",
            &[("csrf", &csrf), ("name", "Qualsiasi")],
        )
        .await;
    assert_eq!(unknown.status, 404);

    let mut admin = app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Argomento creato o modificato"));
    assert!(audit.body.contains("disattivato"));
}

/// Sends the new-topic form with `name` and `answer` typed in.
async fn create_topic(client: &mut Client, name: &str, answer: &str) -> Page {
    client
        .send_form(
            "/argomenti/nuovo",
            "/argomenti/nuovo",
            &[("name", name), ("standard_answer", answer)],
        )
        .await
}

/// Bad input: each answered per F4, nothing typed is lost, nothing is written.
async fn bad_topics_are_refused(coordination: &mut Client) {
    let missing = create_topic(coordination, "  ", "Testo da tenere").await;
    assert_eq!(missing.status, 422);
    assert!(missing.body.contains("<title>Errore: "));
    assert!(missing.body.contains("href=\"#name\""));
    assert!(missing.body.contains("aria-invalid=\"true\""));
    assert!(missing.body.contains(">Testo da tenere</textarea>"));
    let duplicate = create_topic(coordination, "lavoro", "").await;
    assert_eq!(duplicate.status, 422);
    assert!(
        duplicate
            .body
            .contains("Esiste già un argomento con questo nome")
    );
    let too_long = create_topic(coordination, "Asilo", &"x".repeat(4001)).await;
    assert_eq!(too_long.status, 422);
    assert!(too_long.body.contains("href=\"#standard_answer\""));
    assert!(too_long.body.contains("value=\"Asilo\""));
    assert!(
        !coordination
            .get("/argomenti")
            .await
            .body
            .contains(">Asilo</th>")
    );
}

/// The topic "Asilo", created and offered on a report's page; returns its id.
async fn create_asilo(coordination: &mut Client) -> String {
    let created = create_topic(coordination, "Asilo", "Risposta standard sull'asilo.").await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(created.location(), Some("/argomenti?esito=creato"));
    let id = topic_id(coordination, "Asilo").await;
    assert!(
        offered_topics(coordination, "1")
            .await
            .contains(">Asilo</option>")
    );
    id
}

/// The report gets the topic, then the topic is renamed and its answer rewritten; a rename
/// onto another topic's name is refused.
async fn assign_then_rename(coordination: &mut Client, edit_path: &str) {
    let page = coordination.get("/segnalazioni/1").await;
    let assign = page
        .form("/segnalazioni/1/argomento")
        .choose("topic", "Asilo");
    assert_eq!(coordination.submit(&assign).await.status, 303);
    let renamed = coordination
        .send_form(
            edit_path,
            edit_path,
            &[
                ("name", "Protezione internazionale"),
                ("standard_answer", "Nuovo testo della risposta."),
            ],
        )
        .await;
    assert_eq!(renamed.status, 303, "{}", renamed.body);
    let edit = coordination.get(edit_path).await;
    assert!(edit.body.contains("value=\"Protezione internazionale\""));
    assert!(
        edit.body
            .contains(">Nuovo testo della risposta.</textarea>")
    );
    assert_eq!(edit.form(edit_path).value("active").as_deref(), Some("1"));
    let report = coordination.get("/segnalazioni/1").await;
    assert!(report.body.contains("Protezione internazionale"));

    // Renaming onto another topic's name is refused.
    let clash = coordination
        .send_form(edit_path, edit_path, &[("name", "Cittadinanza")])
        .await;
    assert_eq!(clash.status, 422);
}

/// Disabled while a report page that offers it is open: no longer offered for other reports,
/// kept where it is, refused from the page opened before. Returns the topic's page it was
/// disabled from.
async fn disable_while_a_report_page_is_open(coordination: &mut Client, edit_path: &str) -> Page {
    // A report page opened while the topic is still active offers it.
    let stale = coordination.get("/segnalazioni/2").await;
    let stale_choice = stale
        .form("/segnalazioni/2/argomento")
        .choose("topic", "Protezione internazionale");

    // Disabled: no longer offered for other reports, kept where it is.
    let page = coordination.get(edit_path).await;
    let disable = page.form(edit_path).check("active", "1", false);
    assert_eq!(coordination.submit(&disable).await.status, 303);
    let list = coordination.get("/argomenti?esito=salvato").await;
    assert!(list.body.contains("Disattivato"));
    assert!(list.body.contains("role=\"status\""));
    assert!(
        offered_topics(coordination, "1")
            .await
            .contains(">Protezione internazionale</option>"),
        "the report that has it still shows it"
    );
    assert!(
        !offered_topics(coordination, "2")
            .await
            .contains("Protezione internazionale"),
    );
    // The page opened before is sent now: the disabled topic is refused.
    let refused = coordination.submit(&stale_choice).await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("disattivato"));
    page
}

#[tokio::test]
async fn only_the_coordination_and_admins_can_post_topics() {
    let app = spawn_app().await;
    for (role, allowed) in [
        ("sportello", false),
        ("servizio", false),
        ("coordinamento", true),
        ("interfaccia", false),
        ("questura", false),
        ("prefettura", false),
        ("admin", true),
    ] {
        let mut client = app.logged_in(&format!("demo.{role}")).await;
        // Bodies built by hand: most of these logins have no page with these forms, and the
        // server must refuse them all the same.
        let csrf = client.get("/").await.csrf();
        let name = format!("Argomento di {role}");
        let created = client
            .post_raw("/argomenti/nuovo", &[("csrf", &csrf), ("name", &name)])
            .await;
        let renamed = format!("Rinominato da {role}");
        let edited = client
            .post_raw("/argomenti/5", &[("csrf", &csrf), ("name", &renamed)])
            .await;
        let expected = if allowed { 303 } else { 403 };
        assert_eq!(created.status, expected, "{role} creating");
        assert_eq!(
            edited.status,
            if allowed { 303 } else { 403 },
            "{role} editing"
        );
    }
}

/// Writes the FAQ section `content/faq/<folder>/_index.md` of the test's portal.
fn faq_section(root: &std::path::Path, folder: &str, title: &str) {
    let dir = root.join("content/faq").join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("_index.md"),
        format!("---\ntitle: \"{title}\"\ndescription: \"Domande\"\n---\n\nTesto.\n"),
    )
    .unwrap();
}

#[tokio::test]
async fn topics_are_the_portal_faq_sections_and_name_where_the_faq_go() {
    let app = spawn_app_with(|_, dir| {
        faq_section(dir.path(), "cittadinanza", "Domande sulla cittadinanza");
        faq_section(dir.path(), "salute", "Domande sulla salute");
    })
    .await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let list = coordination.get("/argomenti").await;
    assert!(list.body.contains(">Domande sulla salute</th>"));
    assert!(list.body.contains("<code>faq/salute/</code>"));
    // The seed "Cittadinanza" became the section's topic; the seeds no section matched went.
    assert!(list.body.contains(">Domande sulla cittadinanza</th>"));
    assert!(list.body.contains("<code>faq/cittadinanza/</code>"));
    for seed in ["Permesso di soggiorno", "Lavoro", "Altro", ">Cittadinanza<"] {
        assert!(!list.body.contains(seed), "{seed} is gone");
    }
    assert!(
        offered_topics(&mut coordination, "1")
            .await
            .contains(">Domande sulla salute</option>")
    );

    // A topic the coordination adds has no section.
    assert_eq!(
        create_topic(&mut coordination, "Asilo", "").await.status,
        303
    );
    let list = coordination.get("/argomenti").await;
    let asilo = list
        .body
        .split("<tr>")
        .find(|row| row.contains(">Asilo</th>"))
        .unwrap();
    assert!(asilo.contains("Aggiunto dal coordinamento"));

    // An imported topic is named in the portal: its form has no name nor tick, only the answer.
    let id = topic_id(&mut coordination, "Domande sulla salute").await;
    let path = format!("/argomenti/{id}");
    let edit = coordination.get(&path).await;
    assert!(edit.body.contains("<code>content/faq/salute/</code>"));
    let form = edit.form(&path);
    assert_eq!(form.value("name"), None);
    assert!(!edit.body.contains("name=\"active\""));
    let saved = coordination
        .submit(&form.set("standard_answer", "Rivolgersi all'ASL."))
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    // A name sent all the same, with a body built by hand since no form holds it, is ignored.
    let csrf = edit.csrf();
    let forced = coordination
        .post_raw(
            &path,
            &[
                ("csrf", &csrf),
                ("name", "Altro nome"),
                ("standard_answer", "x"),
            ],
        )
        .await;
    assert_eq!(forced.status, 303);
    let list = coordination.get("/argomenti").await;
    assert!(list.body.contains(">Domande sulla salute</th>"));
    assert!(!list.body.contains("Altro nome"));
}
