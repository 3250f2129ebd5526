//! A change and its audit line or timeline entry are written together or not at all.

use crate::helpers::Client;
use crate::service_files::{Service, spawn};
use crate::steps::{add_organisation, attach, file_report, send_form_with_files};

#[tokio::test]
async fn a_change_whose_audit_line_cannot_be_written_is_not_applied() {
    let service = spawn(|_| {}).await;
    let app = &service.app;
    let mut admin = app.logged_in("demo.admin").await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let mut office = app.logged_in("demo.sportello").await;

    an_organisation_edited_by_hand_is_not_saved(&service, &mut admin).await;
    a_new_topic_is_not_saved(&service, &mut coordination).await;
    the_other_sessions_are_not_ended(&service, &mut office).await;
    a_failed_login_is_not_counted(&service).await;
    a_topic_assigned_and_a_file_attached_are_not_kept(&service, &mut office, &mut coordination)
        .await;
}

/// An organisation renamed or added by hand, its audit line refused: neither change stays.
async fn an_organisation_edited_by_hand_is_not_saved(service: &Service, admin: &mut Client) {
    let id = add_organisation(admin, "Sportello di Cherasco").await;
    service.refuse_inserts("audit_log", "NEW.event = 'organisation_saved'");
    let path = format!("/admin/organizzazioni/{id}");
    let renamed = admin
        .send_form(&path, &path, &[("name", "Sportello di Bra")])
        .await;
    assert_eq!(renamed.status, 500);
    let created = admin
        .send_form(
            "/admin/organizzazioni/nuova",
            "/admin/organizzazioni/nuova",
            &[("name", "Sportello di Alba"), ("kind", "office")],
        )
        .await;
    assert_eq!(created.status, 500);
    service.allow_inserts("audit_log");
    let list = admin.get("/admin/organizzazioni").await;
    assert!(list.body.contains("Sportello di Cherasco"));
    assert!(
        !list.body.contains("Sportello di Bra"),
        "the rename is undone"
    );
    assert!(
        !list.body.contains("Sportello di Alba"),
        "the new one is undone"
    );
}

/// A new topic, its audit line refused: it is not listed.
async fn a_new_topic_is_not_saved(service: &Service, coordination: &mut Client) {
    service.refuse_inserts("audit_log", "NEW.event = 'topic_saved'");
    let topic = coordination
        .send_form(
            "/argomenti/nuovo",
            "/argomenti/nuovo",
            &[
                ("name", "Argomento di prova 7Q3"),
                ("standard_answer", "Serve il nulla osta."),
            ],
        )
        .await;
    assert_eq!(topic.status, 500);
    service.allow_inserts("audit_log");
    assert!(
        !coordination
            .get("/argomenti")
            .await
            .body
            .contains("Argomento di prova 7Q3")
    );
}

/// Ending one's other sessions, the audit line refused: the other session lives on.
async fn the_other_sessions_are_not_ended(service: &Service, office: &mut Client) {
    let other = service.app.logged_in("demo.sportello").await;
    service.refuse_inserts("audit_log", "NEW.event = 'sessions_ended'");
    let ended = office
        .send_form("/profilo/sessioni", "/profilo/sessioni/termina-altre", &[])
        .await;
    assert_eq!(ended.status, 500);
    service.allow_inserts("audit_log");
    let mut other = other;
    assert_eq!(
        other.get("/").await.status,
        200,
        "the other session lives on"
    );
}

/// A failed login, its audit line refused: the account's counter stays at zero.
async fn a_failed_login_is_not_counted(service: &Service) {
    service.refuse_inserts("audit_log", "NEW.event = 'login_failed'");
    let mut stranger = service.app.client();
    let failed = stranger
        .login("demo.servizio", "non è la password giusta")
        .await;
    assert_eq!(failed.status, 500);
    service.allow_inserts("audit_log");
    assert_eq!(
        service.number("SELECT failed_logins FROM users WHERE username = 'demo.servizio'"),
        0
    );
}

/// The timeline: a topic assigned and a file attached, their entries refused: neither is
/// kept, nor the file.
async fn a_topic_assigned_and_a_file_attached_are_not_kept(
    service: &Service,
    office: &mut Client,
    coordination: &mut Client,
) {
    let (report, _) = file_report(office, "U3").await;
    service.refuse_inserts("report_events", "NEW.action IN ('argomento', 'allegato')");
    let assigned = coordination
        .send_form(
            &format!("/segnalazioni/{report}"),
            &format!("/segnalazioni/{report}/argomento"),
            &[("topic", "1")],
        )
        .await;
    assert_eq!(assigned.status, 500);
    assert_eq!(
        service.number(&format!(
            "SELECT COUNT(*) FROM reports WHERE id = {report} AND topic_id IS NOT NULL"
        )),
        0
    );
    let upload = attach(office, &report, "documento.pdf").await;
    assert_eq!(upload.status, 500);
    assert_eq!(service.number("SELECT COUNT(*) FROM attachments"), 0);
    assert_eq!(service.stored_files(), 0);
    service.allow_inserts("report_events");
}

#[tokio::test]
async fn a_report_is_filed_with_the_attachments_of_its_form_or_not_at_all() {
    let service = spawn(|_| {}).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let before = service.number("SELECT COUNT(*) FROM reports");
    let draft = send_form_with_files(&mut office, None, &["ricevuta.pdf"]).await;
    assert_eq!(draft.status, 422);
    let corrected = draft.form("/segnalazioni/nuova").set(
        "description",
        "Rinnovo chiesto a giugno, nessuna convocazione.",
    );
    let review = office.submit(&corrected).await;
    assert_eq!(review.status, 200, "{}", review.body);
    let confirm = review.form_with_button("Invia la segnalazione");

    service.refuse_inserts("attachments", "1");
    let refused = office.submit(&confirm).await;
    assert_eq!(refused.status, 500);
    assert_eq!(
        service.number("SELECT COUNT(*) FROM reports"),
        before,
        "no report without its attachments"
    );
    service.allow_inserts("attachments");

    // The same confirmation sent again, once the database takes it.
    let filed = office.submit(&confirm).await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let page = office.get(filed.location().unwrap()).await;
    assert!(page.body.contains("ricevuta.pdf"));
    assert_eq!(service.stored_files(), 1);
}
