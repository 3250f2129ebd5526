//! The report workflow over HTTP, role by role, with the mails received by an SMTP sink:
//! the whole story, the transitions and forms that change nothing, the daily digest.

use crate::helpers::{Client, SmtpSink, spawn_app};
use crate::steps::{
    NOTE, PDF, act, batch_of, file_report, file_report_with_attachment, spawn_app_with_mail,
    state_of, upload,
};

/// The people of the story, each logged in, and the mails they receive.
struct Cast {
    sink: SmtpSink,
    office: Client,
    coordination: Client,
    liaison: Client,
    questura: Client,
    prefettura: Client,
}

#[tokio::test]
async fn the_whole_story_role_by_role() {
    let (app, sink) = spawn_app_with_mail().await;
    let mut cast = Cast {
        sink,
        office: app.logged_in("demo.sportello").await,
        coordination: app.logged_in("demo.coordinamento").await,
        liaison: app.logged_in("demo.interfaccia").await,
        questura: app.logged_in("demo.questura").await,
        prefettura: app.logged_in("demo.prefettura").await,
    };
    let (id, protocol) = file_with_an_attachment(&mut cast).await;
    attach_after_sending(&mut cast, &id).await;
    take_in_charge(&mut cast, &id, &protocol).await;
    batch_and_hand_over(&mut cast, &id, &protocol).await;
    record_and_publish_the_answer(&mut cast, &id, &protocol).await;
    refuse_then_validate(&mut cast, &id, &protocol).await;
    reopen_and_close(&mut cast, &id, &protocol).await;
    tell_the_timeline(&mut cast, &id).await;
}

/// Filing with an attachment, through the form and its review step; an urgent report is
/// announced to the coordination. Returns the id and the protocol number.
async fn file_with_an_attachment(cast: &mut Cast) -> (String, String) {
    let Cast { office, sink, .. } = cast;
    let (id, protocol) = file_report_with_attachment(office, "U1").await;
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
    (id, protocol)
}

/// A further attachment after sending, checked by content; each served only as a download.
async fn attach_after_sending(cast: &mut Cast, id: &str) {
    let Cast {
        office, prefettura, ..
    } = cast;
    let added = upload(office, id, "integrazione.pdf", PDF).await;
    assert_eq!(added.status, 303, "{}", added.body);
    let fake = upload(
        office,
        id,
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
}

/// The coordination takes it in charge; the same form again changes nothing. Then a topic
/// and an internal note.
async fn take_in_charge(cast: &mut Cast, id: &str, protocol: &str) {
    let Cast { coordination, .. } = cast;
    let queue = coordination.get("/segnalazioni").await;
    assert!(queue.body.contains(protocol));
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
}

/// A batch, printed, handed over by the liaison.
async fn batch_and_hand_over(cast: &mut Cast, id: &str, protocol: &str) {
    let Cast {
        office,
        coordination,
        liaison,
        ..
    } = cast;
    let batch = batch_of(coordination, id).await;
    let print = coordination.get(&batch).await;
    assert_eq!(print.status, 200);
    assert!(print.body.contains(protocol));
    assert!(print.body.contains("Risposta dell'ufficio"));
    assert!(print.body.contains("batch-sheet"));
    assert!(!print.body.contains(NOTE));
    assert_eq!(state_of(coordination, id).await, "Inoltrata (in un lotto)");
    let open = liaison.get(&batch).await;
    let handed_over = open.form_with_button("Segna il lotto come consegnato");
    assert_eq!(liaison.submit(&handed_over).await.status, 303);
    assert_eq!(liaison.submit(&handed_over).await.status, 409);
    assert_eq!(state_of(office, id).await, "In attesa di risposta");
}

/// The liaison records the answer, the coordination publishes it.
async fn record_and_publish_the_answer(cast: &mut Cast, id: &str, protocol: &str) {
    let Cast {
        office,
        coordination,
        liaison,
        prefettura,
        sink,
        ..
    } = cast;
    let recorded = act(
        liaison,
        id,
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
        coordination,
        id,
        "Pubblica la risposta",
        "La pratica è in lavorazione: la convocazione arriverà entro dicembre.",
    )
    .await;
    assert_eq!(published.status, 303);
    sink.find(&[
        "To: demo.sportello@example.invalid",
        "disponibile la risposta",
        protocol,
    ])
    .await;
    sink.find(&["To: demo.questura@example.invalid", "da validare", protocol])
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
}

/// A refusal needs a reason and sends the report back to the coordination.
async fn refuse_then_validate(cast: &mut Cast, id: &str, protocol: &str) {
    let Cast {
        coordination,
        questura,
        sink,
        ..
    } = cast;
    let no_reason = act(questura, id, "Rifiuta la risposta", "  ").await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("<title>Errore: "));
    assert!(no_reason.body.contains("aria-invalid=\"true\""));
    let refused = act(
        questura,
        id,
        "Rifiuta la risposta",
        "Indicare che serve la ricevuta del bollettino.",
    )
    .await;
    assert_eq!(refused.status, 303);
    sink.find(&[
        "To: demo.coordinamento@example.invalid",
        "stata validata",
        protocol,
    ])
    .await;
    assert_eq!(state_of(coordination, id).await, "Presa in carico");

    // The corrected answer is published and validated.
    let republished = act(
        coordination,
        id,
        "Pubblica la risposta",
        "In lavorazione; portare la ricevuta del bollettino alla convocazione.",
    )
    .await;
    assert_eq!(republished.status, 303);
    let validated = act(questura, id, "Valida la risposta", "").await;
    assert_eq!(validated.status, 303);
    let validation_mail = sink
        .find(&[
            "To: demo.sportello@example.invalid",
            "stata validata",
            protocol,
        ])
        .await;
    assert!(!validation_mail.contains("non "));
}

/// The office reopens it with a reason; the coordination hears about it.
async fn reopen_and_close(cast: &mut Cast, id: &str, protocol: &str) {
    let Cast {
        office,
        coordination,
        questura,
        sink,
        ..
    } = cast;
    let reopened = act(
        office,
        id,
        "Riapri la segnalazione",
        "La convocazione non è arrivata.",
    )
    .await;
    assert_eq!(reopened.status, 303);
    sink.find(&[
        "To: demo.coordinamento@example.invalid",
        "riaperta",
        protocol,
    ])
    .await;
    let page = office.get(&format!("/segnalazioni/{id}")).await;
    assert!(page.body.contains("riaperta 1 volta"));
    assert!(page.body.contains("La convocazione non è arrivata."));

    // Back through the coordination to the close.
    assert_eq!(
        act(coordination, id, "Prendi in carico", "").await.status,
        303
    );
    assert_eq!(
        act(
            coordination,
            id,
            "Pubblica la risposta",
            "Convocazione inviata di nuovo per SMS.",
        )
        .await
        .status,
        303
    );
    assert_eq!(
        act(questura, id, "Valida la risposta", "").await.status,
        303
    );
    let closed = act(office, id, "Chiudi la segnalazione", "").await;
    assert_eq!(closed.status, 303);
    assert_eq!(state_of(office, id).await, "Chiusa (riaperta 1 volta)");
}

/// The timeline tells the whole story, in order.
async fn tell_the_timeline(cast: &mut Cast, id: &str) {
    let Cast { office, .. } = cast;
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
