//! What people do through the pages, shared by the tests: file a report (with files on its
//! form or without), press a report's buttons, attach files, batch reports, read a report's
//! state, add an organisation.

use respi_tickets::config::SmtpSecurity;

use crate::helpers::{Client, Form, Page, SmtpSink, TestApp, spawn_app_with};

/// An internal note, easy to find if it leaks.
pub(crate) const NOTE: &str = "NOTA-RISERVATA-7Q3 solo per il coordinamento";
/// The smallest file the checks take for a PDF.
pub(crate) const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

/// The service sending its mails to an SMTP sink on loopback.
pub(crate) async fn spawn_app_with_mail() -> (TestApp, SmtpSink) {
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

/// The state shown on the report's page.
pub(crate) async fn state_of(client: &mut Client, id: &str) -> String {
    let page = client.get(&format!("/segnalazioni/{id}")).await;
    let start = page.body.find("<dt>Stato</dt>").unwrap();
    let dd = &page.body[start..];
    let open = dd.find("<dd>").unwrap() + 4;
    let close = dd.find("</dd>").unwrap();
    dd[open..close].to_owned()
}

/// Attaches `name`, a PDF, from the report's page.
pub(crate) async fn attach(client: &mut Client, id: &str, name: &str) -> Page {
    upload(client, id, name, PDF).await
}

/// Sends the report form with `files` chosen and a mistake (no description), so the files
/// go to the draft and the form comes back; `continued` is the page of an earlier draft,
/// whose form carries on, otherwise a new form is opened.
pub(crate) async fn send_form_with_files(
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
    let mut form = fill_report(form, "U3").set("description", "");
    for name in files {
        form = form.attach("attachments", name, PDF);
    }
    client.submit(&form).await
}

/// The text of the error summary's link to `field`.
pub(crate) fn summary_message(page: &Page, field: &str) -> String {
    let marker = format!("<a href=\"#{field}\">");
    let start = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("the error summary links to #{field}: {}", page.body))
        + marker.len();
    let end = page.body[start..].find("</a>").unwrap() + start;
    page.body[start..end].to_owned()
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
pub(crate) async fn add_organisation(admin: &mut Client, name: &str) -> String {
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
