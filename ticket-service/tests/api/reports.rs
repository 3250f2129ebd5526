//! The report workflow over HTTP, role by role, with the mails received by an SMTP sink.

use respi_tickets::config::SmtpSecurity;

use crate::helpers::{Client, Form, Page, SmtpSink, TestApp, spawn_app, spawn_app_with};

const NOTE: &str = "NOTA-RISERVATA-7Q3 solo per il coordinamento";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

async fn spawn_app_with_mail() -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let port = sink.port;
    let app = spawn_app_with(move |settings, dir| {
        settings.mail.smtp_host = Some("127.0.0.1".to_owned());
        settings.mail.smtp_port = port;
        settings.mail.smtp_security = SmtpSecurity::None;
        settings.reports.attachment_dir = dir.path().join("data/attachments");
    })
    .await;
    (app, sink)
}

/// The report form filled in as the operator types it.
pub(crate) fn fill_report(form: Form, urgency: &str) -> Form {
    form.set("kind", "stato_pratica")
        .choose("addressed_office", "Questura – Ufficio Immigrazione")
        .choose("file_kind", "Permesso di soggiorno")
        .set("file_reference", "PS-2026-4411")
        .set("citizen_family_name", "Okafor")
        .set("citizen_given_name", "Grace")
        .set("citizen_birth_date", "1990-05-31")
        .set(
            "description",
            "Rinnovo chiesto a giugno, nessuna convocazione.",
        )
        .set("urgency", urgency)
        .set(
            "urgency_reason",
            "Contratto di lavoro in scadenza a fine mese.",
        )
}

/// The id in a report's address (`/segnalazioni/7?esito=inviata` → `7`).
fn id_in(location: &str) -> String {
    location
        .trim_start_matches("/segnalazioni/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

fn protocol_on(page: &Page) -> String {
    let start = page.body.find("RESPI-").expect("a protocol number");
    page.body[start..start + 17].to_owned()
}

/// Files a report through the form and its review page; returns its id and protocol number.
pub(crate) async fn file_report(office: &mut Client, urgency: &str) -> (String, String) {
    let page = office.get("/segnalazioni/nuova").await;
    assert_eq!(page.status, 200);
    let form = fill_report(page.form("/segnalazioni/nuova"), urgency);
    let review = office.submit(&form).await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(review.body.contains("Controlla la segnalazione"));
    assert!(review.body.contains("Okafor"));
    let confirm = review.form_with_button("Invia la segnalazione");
    let filed = office.submit(&confirm).await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let location = filed.location().unwrap().to_owned();
    let page = office.get(&location).await;
    assert_eq!(page.status, 200);
    let protocol = protocol_on(&page);

    // The same confirmation sent again (the back button, then send) files nothing and says so.
    let again = office.submit(&confirm).await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("già inviata"));
    assert!(again.body.contains(&protocol));
    (id_in(&location), protocol)
}

/// Files a report through the form as a browser sends it, attaching a PDF on the form
/// itself: the file survives a form sent with a mistake, a file that is not a PDF, JPEG or
/// PNG is refused per F4, the review page lists the attachment, and the confirmation makes
/// it the report's. Returns the id and the protocol number.
pub(crate) async fn file_report_with_attachment(
    office: &mut Client,
    urgency: &str,
) -> (String, String) {
    let page = office.get("/segnalazioni/nuova").await;
    let form = page.form("/segnalazioni/nuova");
    assert!(form.multipart);

    // A mistake in the form: the file is kept all the same.
    let mistaken = fill_report(form, urgency)
        .set("citizen_given_name", "")
        .attach("attachments", "ricevuta.pdf", PDF);
    let first = office.submit(&mistaken).await;
    assert_eq!(first.status, 422, "{}", first.body);
    assert!(first.body.contains("href=\"#citizen_given_name\""));
    assert!(first.body.contains("Togli ricevuta.pdf"));
    let key = first.hidden("submission_key");
    assert_eq!(key.len(), 22);

    // A file that is not what its name says is refused, per F4, and the PDF stays.
    let corrected = first
        .form("/segnalazioni/nuova")
        .set("citizen_given_name", "Grace")
        .attach(
            "attachments",
            "finto.pdf",
            b"<html><script>alert(1)</script></html>",
        );
    let fake = office.submit(&corrected).await;
    assert_eq!(fake.status, 422);
    assert!(fake.body.contains("«finto.pdf» non è un PDF"));
    assert!(fake.body.contains("href=\"#attachments\""));
    assert!(
        fake.body
            .contains("id=\"attachments\" name=\"attachments\" multiple")
    );
    assert!(fake.body.contains("Togli ricevuta.pdf"));
    assert!(!fake.body.contains("Togli finto.pdf"));

    // The review page lists the attachment before anything is sent.
    let review = office.submit(&fake.form("/segnalazioni/nuova")).await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(review.body.contains("Controlla la segnalazione"));
    assert!(
        review
            .body
            .contains("<li>ricevuta.pdf (application/pdf, 1 kB)</li>")
    );
    assert_eq!(review.hidden("submission_key"), key);

    let filed = office
        .submit(&review.form_with_button("Invia la segnalazione"))
        .await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let location = filed.location().unwrap().to_owned();
    let page = office.get(&location).await;
    assert!(page.body.contains("ricevuta.pdf"));
    (id_in(&location), protocol_on(&page))
}

/// Presses the button `label` of the report's page, with `text` typed in the form's text
/// field when it has one (a reason, an answer).
pub(crate) async fn act(client: &mut Client, id: &str, label: &str, text: &str) -> Page {
    let page = client.get(&format!("/segnalazioni/{id}")).await;
    assert_eq!(page.status, 200);
    let mut form = page.form_with_button(label);
    if !text.is_empty() {
        form = form.set("text", text);
    }
    client.submit(&form).await
}

/// Uploads a file from the report's page.
pub(crate) async fn upload(client: &mut Client, id: &str, file_name: &str, content: &[u8]) -> Page {
    let page = client.get(&format!("/segnalazioni/{id}")).await;
    let form = page
        .form(&format!("/segnalazioni/{id}/allegati"))
        .attach("file", file_name, content);
    client.submit(&form).await
}

/// Creates a batch of the report from `/lotti`; returns the batch's address.
pub(crate) async fn batch_of(coordination: &mut Client, id: &str) -> String {
    let page = coordination.get("/lotti").await;
    let form = page.form("/lotti").check("report", id, true);
    let created = coordination.submit(&form).await;
    assert_eq!(created.status, 303, "{}", created.body);
    created
        .location()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

async fn state_of(client: &mut Client, id: &str) -> String {
    let page = client.get(&format!("/segnalazioni/{id}")).await;
    let start = page.body.find("<dt>Stato</dt>").unwrap();
    let dd = &page.body[start..];
    let open = dd.find("<dd>").unwrap() + 4;
    let close = dd.find("</dd>").unwrap();
    dd[open..close].to_owned()
}

#[tokio::test]
async fn the_whole_story_role_by_role() {
    let (app, sink) = spawn_app_with_mail().await;
    let mut office = app.logged_in("demo.sportello").await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let mut liaison = app.logged_in("demo.interfaccia").await;
    let mut questura = app.logged_in("demo.questura").await;
    let mut prefettura = app.logged_in("demo.prefettura").await;

    // Filing with an attachment, through the form and its review step; an urgent report is
    // announced to the coordination.
    let (id, protocol) = file_report_with_attachment(&mut office, "U1").await;
    assert!(protocol.starts_with("RESPI-20"));
    // The demo's two reports came first.
    assert!(protocol.ends_with("-000003"));
    let mail = sink
        .find(&[
            "To: demo.coordinamento@example.invalid",
            "urgente",
            &protocol,
        ])
        .await;
    assert!(!mail.contains("Okafor"), "mails carry no citizen data");

    // A further attachment after sending, checked by content; each served only as a download.
    let added = upload(&mut office, &id, "integrazione.pdf", PDF).await;
    assert_eq!(added.status, 303, "{}", added.body);
    let fake = upload(
        &mut office,
        &id,
        "finto.pdf",
        b"<html><script>alert(1)</script></html>",
    )
    .await;
    assert_eq!(fake.status, 422);
    assert!(fake.body.contains("non è un PDF"));
    assert!(fake.body.contains("aria-invalid=\"true\""));
    let page = office.get(&format!("/segnalazioni/{id}")).await;
    assert!(page.body.contains("ricevuta.pdf"));
    assert!(page.body.contains("integrazione.pdf"));
    let link_start = page
        .body
        .find(&format!("/segnalazioni/{id}/allegati/"))
        .unwrap();
    let link_end = page.body[link_start..].find('"').unwrap() + link_start;
    let link = page.body[link_start..link_end].to_owned();
    let (status, headers, bytes) = office.download(&link).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, PDF);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(prefettura.download(&link).await.0, 404);

    // The coordination takes it in charge; the same form again changes nothing.
    let queue = coordination.get("/segnalazioni").await;
    assert!(queue.body.contains(&protocol));
    let page = coordination.get(&format!("/segnalazioni/{id}")).await;
    let take = page.form_with_button("Prendi in carico");
    assert_eq!(coordination.submit(&take).await.status, 303);
    let twice = coordination.submit(&take).await;
    assert_eq!(twice.status, 409);
    assert!(twice.body.contains("non è stato cambiato nulla"));
    let page = coordination.get(&format!("/segnalazioni/{id}")).await;
    let topic = page
        .form(&format!("/segnalazioni/{id}/argomento"))
        .choose("topic", "Permesso di soggiorno");
    assert_eq!(coordination.submit(&topic).await.status, 303);
    let note = coordination
        .send_form(
            &format!("/segnalazioni/{id}"),
            &format!("/segnalazioni/{id}/nota"),
            &[("nota", NOTE)],
        )
        .await;
    assert_eq!(note.status, 303);
    assert!(
        coordination
            .get(&format!("/segnalazioni/{id}"))
            .await
            .body
            .contains(NOTE)
    );

    // A batch, printed, handed over by the liaison.
    let batch = batch_of(&mut coordination, &id).await;
    let print = coordination.get(&batch).await;
    assert_eq!(print.status, 200);
    assert!(print.body.contains(&protocol));
    assert!(print.body.contains("Risposta dell'ufficio"));
    assert!(print.body.contains("batch-sheet"));
    assert!(!print.body.contains(NOTE));
    assert_eq!(
        state_of(&mut coordination, &id).await,
        "Inoltrata (in un lotto)"
    );
    let open = liaison.get(&batch).await;
    let handed_over = open.form_with_button("Segna il lotto come consegnato");
    assert_eq!(liaison.submit(&handed_over).await.status, 303);
    assert_eq!(liaison.submit(&handed_over).await.status, 409);
    assert_eq!(state_of(&mut office, &id).await, "In attesa di risposta");

    // The liaison records the answer, the coordination publishes it.
    let recorded = act(
        &mut liaison,
        &id,
        "Registra la risposta ricevuta",
        "Pratica in lavorazione, convocazione entro dicembre.",
    )
    .await;
    assert_eq!(recorded.status, 303);
    let office_page = office.get(&format!("/segnalazioni/{id}")).await;
    assert!(
        !office_page.body.contains("convocazione entro dicembre"),
        "the office reads the answer only once published"
    );
    let published = act(
        &mut coordination,
        &id,
        "Pubblica la risposta",
        "La pratica è in lavorazione: la convocazione arriverà entro dicembre.",
    )
    .await;
    assert_eq!(published.status, 303);
    sink.find(&[
        "To: demo.sportello@example.invalid",
        "disponibile la risposta",
        &protocol,
    ])
    .await;
    sink.find(&[
        "To: demo.questura@example.invalid",
        "da validare",
        &protocol,
    ])
    .await;
    let office_page = office.get(&format!("/segnalazioni/{id}")).await;
    assert!(office_page.body.contains("arriverà entro dicembre"));
    assert!(
        office_page.body.contains("1 non letta"),
        "{}",
        office_page.body
    );

    // The Prefettura's referent does not see a Questura report.
    assert_eq!(
        prefettura.get(&format!("/segnalazioni/{id}")).await.status,
        404
    );

    // A refusal needs a reason and sends the report back to the coordination.
    let no_reason = act(&mut questura, &id, "Rifiuta la risposta", "  ").await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("<title>Errore: "));
    assert!(no_reason.body.contains("aria-invalid=\"true\""));
    let refused = act(
        &mut questura,
        &id,
        "Rifiuta la risposta",
        "Indicare che serve la ricevuta del bollettino.",
    )
    .await;
    assert_eq!(refused.status, 303);
    sink.find(&[
        "To: demo.coordinamento@example.invalid",
        "stata validata",
        &protocol,
    ])
    .await;
    assert_eq!(state_of(&mut coordination, &id).await, "Presa in carico");

    // The corrected answer is published and validated.
    let republished = act(
        &mut coordination,
        &id,
        "Pubblica la risposta",
        "In lavorazione; portare la ricevuta del bollettino alla convocazione.",
    )
    .await;
    assert_eq!(republished.status, 303);
    let validated = act(&mut questura, &id, "Valida la risposta", "").await;
    assert_eq!(validated.status, 303);
    let validation_mail = sink
        .find(&[
            "To: demo.sportello@example.invalid",
            "stata validata",
            &protocol,
        ])
        .await;
    assert!(!validation_mail.contains("non "));

    // The office reopens it with a reason; the coordination hears about it.
    let reopened = act(
        &mut office,
        &id,
        "Riapri la segnalazione",
        "La convocazione non è arrivata.",
    )
    .await;
    assert_eq!(reopened.status, 303);
    sink.find(&[
        "To: demo.coordinamento@example.invalid",
        "riaperta",
        &protocol,
    ])
    .await;
    let page = office.get(&format!("/segnalazioni/{id}")).await;
    assert!(page.body.contains("riaperta 1 volta"));
    assert!(page.body.contains("La convocazione non è arrivata."));

    // Back through the coordination to the close.
    assert_eq!(
        act(&mut coordination, &id, "Prendi in carico", "")
            .await
            .status,
        303
    );
    assert_eq!(
        act(
            &mut coordination,
            &id,
            "Pubblica la risposta",
            "Convocazione inviata di nuovo per SMS.",
        )
        .await
        .status,
        303
    );
    assert_eq!(
        act(&mut questura, &id, "Valida la risposta", "")
            .await
            .status,
        303
    );
    let closed = act(&mut office, &id, "Chiudi la segnalazione", "").await;
    assert_eq!(closed.status, 303);
    assert_eq!(
        state_of(&mut office, &id).await,
        "Chiusa (riaperta 1 volta)"
    );

    // The timeline tells the whole story, in order.
    let page = office.get(&format!("/segnalazioni/{id}")).await;
    let timeline = &page.body[page.body.find("Cronologia").unwrap()..];
    let steps = [
        "Segnalazione inviata",
        "Allegato aggiunto",
        "Presa in carico dal coordinamento",
        "Inserita in un lotto",
        "Consegnata alla Questura",
        "Risposta ricevuta e registrata",
        "Risposta pubblicata",
        "Risposta non validata",
        "Risposta validata",
        "Riaperta",
        "Chiusa",
    ];
    let mut at = 0;
    for step in steps {
        let found = timeline[at..]
            .find(step)
            .unwrap_or_else(|| panic!("{step} missing or out of order"));
        at += found;
    }
}

#[tokio::test]
async fn forbidden_transitions_and_bad_forms_change_nothing() {
    let app = spawn_app().await;
    let mut office = app.logged_in("demo.sportello").await;
    let mut questura = app.logged_in("demo.questura").await;
    let (id, _) = file_report(&mut office, "U3").await;
    // The office's page offers no taking in charge, the referent's no validation of a
    // report without an answer.
    let page = office.get(&format!("/segnalazioni/{id}")).await;
    assert!(!page.has_button("Prendi in carico"));
    let referent_page = questura.get(&format!("/segnalazioni/{id}")).await;
    assert!(!referent_page.has_button("Valida la risposta"));
    // Bodies no page sends, hand-built on purpose: the server refuses them all the same.
    let path = format!("/segnalazioni/{id}/azione");
    let office_csrf = page.csrf();
    let take = [
        ("csrf", office_csrf.as_str()),
        ("action", "prendi_in_carico"),
        ("from", "nuova"),
    ];
    assert_eq!(office.post_raw(&path, &take).await.status, 403);
    let referent_csrf = referent_page.csrf();
    let validate = [
        ("csrf", referent_csrf.as_str()),
        ("action", "valida"),
        ("from", "nuova"),
    ];
    assert_eq!(questura.post_raw(&path, &validate).await.status, 409);
    let unknown = [
        ("csrf", office_csrf.as_str()),
        ("action", "sconosciuta"),
        ("from", "nuova"),
    ];
    assert_eq!(office.post_raw(&path, &unknown).await.status, 400);
    // Opening a report and a refused change are in the audit log, without citizen data.
    let mut admin = app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Segnalazione consultata"));
    assert!(audit.body.contains("prendi_in_carico su RESPI-"));
    assert!(!audit.body.contains("Okafor"));
    assert_eq!(state_of(&mut office, &id).await, "Nuova");

    // An empty report form comes back with every error, per field.
    let form = office.get("/segnalazioni/nuova").await;
    let page = office.submit(&form.form("/segnalazioni/nuova")).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("<title>Errore: "));
    assert!(page.body.contains("href=\"#kind\""));
    assert!(page.body.contains("href=\"#urgency_reason\""));
    // What was typed is kept.
    let typed = form
        .form("/segnalazioni/nuova")
        .set("citizen_family_name", "Okafor")
        .set("citizen_birth_date", "31/05/1990");
    let page = office.submit(&typed).await;
    assert!(page.body.contains("value=\"Okafor\""));
    assert!(page.body.contains("href=\"#citizen_birth_date\""));
}

#[tokio::test]
async fn no_internal_note_reaches_an_office_login() {
    let app = spawn_app().await;
    let mut office = app.logged_in("demo.sportello").await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let (id, _) = file_report(&mut office, "U2").await;
    let added = upload(&mut office, &id, "documento.pdf", PDF).await;
    assert_eq!(added.status, 303);
    assert_eq!(
        act(&mut coordination, &id, "Prendi in carico", "")
            .await
            .status,
        303
    );
    let note = coordination
        .send_form(
            &format!("/segnalazioni/{id}"),
            &format!("/segnalazioni/{id}/nota"),
            &[("nota", NOTE)],
        )
        .await;
    assert_eq!(note.status, 303);
    let batch = batch_of(&mut coordination, &id).await;
    assert!(!coordination.get(&batch).await.body.contains(NOTE));

    let detail = office.get(&format!("/segnalazioni/{id}")).await;
    let link_start = detail
        .body
        .find(&format!("/segnalazioni/{id}/allegati/"))
        .unwrap();
    let link_end = detail.body[link_start..].find('"').unwrap() + link_start;
    let attachment = detail.body[link_start..link_end].to_owned();
    let pages = [
        "/".to_owned(),
        "/segnalazioni".to_owned(),
        "/segnalazioni?ordina=scadenza".to_owned(),
        format!("/segnalazioni/{id}"),
        format!("/segnalazioni/{id}?risposta_standard=1"),
        "/notifiche".to_owned(),
        "/lotti".to_owned(),
        batch.clone(),
        "/profilo".to_owned(),
    ];
    for path in &pages {
        let page = office.get(path).await;
        assert!(!page.body.contains(NOTE), "the note leaked on {path}");
        assert!(!page.body.contains("Note interne"), "{path}");
    }
    let (_, _, bytes) = office.download(&attachment).await;
    assert!(!String::from_utf8_lossy(&bytes).contains(NOTE));
    assert_eq!(
        office.get(&batch).await.status,
        403,
        "prints are not theirs"
    );
    // A note cannot be written by an office either: its page has no such form, and a body
    // built by hand is refused.
    assert!(
        detail
            .forms()
            .iter()
            .all(|form| !form.action.ends_with("/nota"))
    );
    let page = office
        .post_raw(
            &format!("/segnalazioni/{id}/nota"),
            &[("csrf", &detail.csrf()), ("nota", "tentativo")],
        )
        .await;
    assert_eq!(page.status, 403);
    let mut service = app.logged_in("demo.servizio").await;
    for path in &pages {
        assert!(!service.get(path).await.body.contains(NOTE), "{path}");
    }
}

const OFFICE_A: &str = "---\ntitle: \"Sportello immigrati di Alba\"\noffice:\n  kind: sportello\n  owner: Comune di Alba\n---\n\nTesto.\n";
const OFFICE_B: &str = "---\ntitle: \"Sportello immigrati di Cuneo\"\noffice:\n  kind: sportello\n  owner: Comune di Cuneo\n---\n\nTesto.\n";

#[tokio::test]
async fn an_office_gets_404_on_another_offices_report() {
    let app = spawn_app_with(|_, dir| {
        let offices = dir.path().join("content/sportelli");
        std::fs::create_dir_all(&offices).unwrap();
        std::fs::write(offices.join("alba.md"), OFFICE_A).unwrap();
        std::fs::write(offices.join("cuneo.md"), OFFICE_B).unwrap();
    })
    .await;
    let mut office_a = app.logged_in("demo.sportello").await;
    let (id, protocol) = file_report(&mut office_a, "U2").await;

    // An operator of the other office, created by the administrator.
    let mut admin = app.logged_in("demo.admin").await;
    let form = admin.get("/admin/utenti/nuovo").await;
    let own = office_a.get("/").await;
    let (mine, other) = if own.body.contains("Sportello immigrati di Alba") {
        ("Alba", "Sportello immigrati di Cuneo")
    } else {
        ("Cuneo", "Sportello immigrati di Alba")
    };
    assert!(!mine.is_empty());
    let user = form
        .form("/admin/utenti/nuovo")
        .set("username", "operatore.b")
        .set("display_name", "Operatore B")
        .set("email", "operatore.b@ente.example.it")
        .set("role", "sportello")
        .choose("organisation", other);
    let created = admin.submit(&user).await;
    assert_eq!(created.status, 200, "{}", created.body);
    let marker = "<code class=\"secret\">";
    let start = created.body.find(marker).unwrap() + marker.len();
    let temporary = created.body[start..start + 23].to_owned();
    let mut office_b = app.client();
    assert_eq!(office_b.login("operatore.b", &temporary).await.status, 303);
    let changed = office_b
        .send_form(
            "/profilo/password",
            "/profilo/password",
            &[
                ("current_password", &temporary),
                ("new_password", "castagne di cuneo e marroni"),
                ("confirm_password", "castagne di cuneo e marroni"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303);

    assert_eq!(
        office_b.get(&format!("/segnalazioni/{id}")).await.status,
        404
    );
    assert!(!office_b.get("/segnalazioni").await.body.contains(&protocol));
    // A reopening form for a report the office cannot see, built by hand: no page shows it.
    let page = office_b.get("/segnalazioni").await;
    let reopen = office_b
        .post_raw(
            &format!("/segnalazioni/{id}/azione"),
            &[
                ("csrf", &page.csrf()),
                ("action", "riapri"),
                ("from", "nuova"),
                ("text", "x"),
            ],
        )
        .await;
    assert_eq!(reopen.status, 404);
    // A service of the network is another organisation too.
    let mut service = app.logged_in("demo.servizio").await;
    assert_eq!(
        service.get(&format!("/segnalazioni/{id}")).await.status,
        404
    );
    // A made-up id looks the same as someone else's.
    assert_eq!(office_b.get("/segnalazioni/999999").await.status, 404);
}

#[tokio::test]
async fn an_office_that_chose_the_daily_digest_gets_no_mail_at_once() {
    let (app, sink) = spawn_app_with_mail().await;
    let mut office = app.logged_in("demo.sportello").await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let profile = office.get("/profilo").await;
    assert!(profile.body.contains("E-mail di notifica"));
    let choice = profile
        .form("/profilo/notifiche")
        .set("mail", "giornaliero");
    assert_eq!(office.submit(&choice).await.status, 303);
    let again = office.submit(&choice).await;
    assert_eq!(again.location(), Some("/profilo?esito=notifiche-invariate"));

    let (id, protocol) = file_report(&mut office, "U3").await;
    assert_eq!(
        act(&mut coordination, &id, "Prendi in carico", "")
            .await
            .status,
        303
    );
    let page = coordination.get(&format!("/segnalazioni/{id}")).await;
    let topic = page
        .form(&format!("/segnalazioni/{id}/argomento"))
        .choose("topic", "Permesso di soggiorno");
    assert_eq!(coordination.submit(&topic).await.status, 303);
    // The topic's standard answer is offered as the starting text.
    let standard = coordination
        .get(&format!("/segnalazioni/{id}?risposta_standard=1"))
        .await;
    assert!(standard.body.contains("convocazione tramite SMS"));
    let published = act(
        &mut coordination,
        &id,
        "Pubblica la risposta",
        "Risposta standard: convocazione tramite SMS.",
    )
    .await;
    assert_eq!(published.status, 303);
    sink.find(&["To: demo.questura@example.invalid", &protocol])
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!sink.any_contains("To: demo.sportello@example.invalid"));
    let list = office.get("/notifiche").await;
    assert!(list.body.contains(&protocol));
    assert!(list.body.contains("Non letta"));
}

#[tokio::test]
async fn the_demo_lists_its_pages_and_each_opens_for_exactly_its_logins() {
    let app = spawn_app().await;
    let mut anonymous = app.client();
    let listing = anonymous.get("/__routes").await;
    assert_eq!(listing.status, 200);
    assert_eq!(listing.header("content-type"), Some("application/json"));
    let logins = [
        "demo.sportello",
        "demo.servizio",
        "demo.coordinamento",
        "demo.interfaccia",
        "demo.questura",
        "demo.prefettura",
        "demo.admin",
    ];
    let mut clients = Vec::new();
    for login in logins {
        clients.push((login, app.logged_in(login).await));
    }
    let mut checked = 0;
    for entry in listing.body.split("{\"path\":\"").skip(1) {
        let path = &entry[..entry.find('"').unwrap()];
        let allowed = &entry[entry.find('[').unwrap()..entry.find(']').unwrap()];
        if allowed.len() == 1 {
            assert_eq!(anonymous.get(path).await.status, 200, "{path}");
            continue;
        }
        for (login, client) in &mut clients {
            let status = client.get(path).await.status;
            if allowed.contains(&format!("\"{login}\"")) {
                assert_eq!(status, 200, "{login} on {path}");
            } else {
                assert!(
                    status == 403 || status == 404,
                    "{login} on {path}: {status}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 50);
}

#[tokio::test]
async fn the_route_listing_exists_only_in_demo_mode() {
    let dir = tempfile::tempdir().unwrap();
    let settings = crate::helpers::test_settings(&dir);
    let app = respi_tickets::startup::Application::build(settings, false)
        .await
        .unwrap();
    let address = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    let response = reqwest::get(format!("{address}/__routes")).await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn form_attachments_belong_to_their_session_and_go_when_it_ends() {
    let mut folder = None;
    let app = spawn_app_with(|settings, _| {
        folder = Some(settings.reports.attachment_dir.clone());
    })
    .await;
    let folder = folder.unwrap();
    let stored = || std::fs::read_dir(&folder).map_or(0, |entries| entries.count());

    let mut desk = app.logged_in("demo.sportello").await;
    let page = desk.get("/segnalazioni/nuova").await;
    let form = fill_report(page.form("/segnalazioni/nuova"), "U3")
        .set("description", "")
        .attach("attachments", "ricevuta.pdf", PDF);
    let kept = desk.submit(&form).await;
    assert_eq!(kept.status, 422);
    let key = kept.hidden("submission_key");
    assert_eq!(stored(), 1);

    // The same user in another session cannot pick up the draft by its key, even with the
    // key copied into the form (a tampered hidden field).
    let mut laptop = app.logged_in("demo.sportello").await;
    let page = laptop.get("/segnalazioni/nuova").await;
    let form = fill_report(page.form("/segnalazioni/nuova"), "U3").tamper("submission_key", &key);
    let review = laptop.submit(&form).await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert!(!review.body.contains("ricevuta.pdf"));
    let filed = laptop
        .submit(&review.form_with_button("Invia la segnalazione"))
        .await;
    assert_eq!(filed.status, 303);
    let page = laptop.get(filed.location().unwrap()).await;
    assert!(!page.body.contains("ricevuta.pdf"));

    // Once the session that holds the draft ends, the draft and its file go.
    let home = desk.get("/").await;
    let logout = desk.submit(&home.form_with_button("Esci")).await;
    assert_eq!(logout.status, 303);
    assert_eq!(stored(), 1);
    app.logged_in("demo.coordinamento").await;
    assert_eq!(stored(), 0, "the abandoned draft's file is deleted");
}
