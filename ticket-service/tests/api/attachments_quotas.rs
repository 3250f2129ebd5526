//! Attachments within their quotas (per report, per user and day, per session), no file left
//! behind by a failed write, and every download in the audit log.

use crate::service_files::spawn;
use crate::steps::{PDF, attach, file_report, send_form_with_files, summary_message};

#[tokio::test]
async fn a_report_takes_attachments_up_to_its_quota_and_the_form_says_why_not() {
    let service = spawn(|settings| settings.reports.attachments_per_report = 2).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let (id, _) = file_report(&mut office, "U3").await;
    assert_eq!(attach(&mut office, &id, "uno.pdf").await.status, 303);
    assert_eq!(attach(&mut office, &id, "due.pdf").await.status, 303);
    let third = attach(&mut office, &id, "tre.pdf").await;
    assert_eq!(third.status, 422, "{}", third.body);
    assert!(third.body.contains("<title>Errore: "));
    let message = summary_message(&third, "file");
    assert!(message.contains("al massimo 2 allegati"), "{message}");
    assert!(third.body.contains("aria-invalid=\"true\""));
    assert_eq!(service.stored_files(), 2, "the refused file is not kept");

    // The report form counts its files against the same quota.
    let form = send_form_with_files(&mut office, None, &["a.pdf", "b.pdf", "c.pdf"]).await;
    assert_eq!(form.status, 422);
    let message = summary_message(&form, "attachments");
    assert!(message.contains("«c.pdf»"), "{message}");
    assert!(message.contains("al massimo 2 allegati"), "{message}");
    assert!(form.body.contains("Togli b.pdf"));
    assert!(!form.body.contains("Togli c.pdf"));
    assert_eq!(service.stored_files(), 4);
}

#[tokio::test]
async fn a_report_takes_no_more_attachment_bytes_than_its_quota() {
    let limit = PDF.len() * 2 - 1;
    let service = spawn(move |settings| settings.reports.attachment_bytes_per_report = limit).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let (id, _) = file_report(&mut office, "U3").await;
    assert_eq!(attach(&mut office, &id, "uno.pdf").await.status, 303);
    let second = attach(&mut office, &id, "due.pdf").await;
    assert_eq!(second.status, 422, "{}", second.body);
    let message = summary_message(&second, "file");
    assert!(message.contains("in tutto"), "{message}");
    assert_eq!(service.stored_files(), 1);
}

#[tokio::test]
async fn a_user_uploads_no_more_attachments_a_day_than_the_quota() {
    let service = spawn(|settings| {
        settings.reports.attachments_per_user_per_day = 3;
        settings.reports.attachment_bytes_per_user_per_day = PDF.len() * 10;
    })
    .await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let (first, _) = file_report(&mut office, "U3").await;
    let (second, _) = file_report(&mut office, "U3").await;
    assert_eq!(attach(&mut office, &first, "uno.pdf").await.status, 303);
    assert_eq!(attach(&mut office, &first, "due.pdf").await.status, 303);
    // Files on the report form count too.
    let form = send_form_with_files(&mut office, None, &["tre.pdf", "quattro.pdf"]).await;
    let message = summary_message(&form, "attachments");
    assert!(message.contains("«quattro.pdf»"), "{message}");
    assert!(message.contains("ultime 24 ore"), "{message}");
    assert!(form.body.contains("Togli tre.pdf"));
    let refused = attach(&mut office, &second, "cinque.pdf").await;
    assert_eq!(refused.status, 422);
    assert!(summary_message(&refused, "file").contains("ultime 24 ore"));
    assert_eq!(service.stored_files(), 3);

    // The quota is each user's own.
    let mut service_desk = service.app.logged_in("demo.servizio").await;
    let (theirs, _) = file_report(&mut service_desk, "U3").await;
    assert_eq!(
        attach(&mut service_desk, &theirs, "altro.pdf").await.status,
        303
    );
}

#[tokio::test]
async fn a_user_uploads_no_more_attachment_bytes_a_day_than_the_quota() {
    let limit = PDF.len() * 2;
    let service =
        spawn(move |settings| settings.reports.attachment_bytes_per_user_per_day = limit).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let (id, _) = file_report(&mut office, "U3").await;
    assert_eq!(attach(&mut office, &id, "uno.pdf").await.status, 303);
    assert_eq!(attach(&mut office, &id, "due.pdf").await.status, 303);
    let third = attach(&mut office, &id, "tre.pdf").await;
    assert_eq!(third.status, 422);
    assert!(summary_message(&third, "file").contains("ultime 24 ore"));
    assert_eq!(service.stored_files(), 2);
}

#[tokio::test]
async fn a_session_keeps_attachments_for_a_limited_number_of_unsent_reports() {
    let service = spawn(|settings| settings.reports.drafts_per_session = 1).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let first = send_form_with_files(&mut office, None, &["primo.pdf"]).await;
    assert_eq!(first.status, 422);
    assert!(first.body.contains("Togli primo.pdf"));
    assert_eq!(service.stored_files(), 1);

    // A second form of the same session: its files are refused, and the form says why.
    let second = send_form_with_files(&mut office, None, &["secondo.pdf"]).await;
    assert_eq!(second.status, 422);
    let message = summary_message(&second, "attachments");
    assert!(message.contains("non ancora inviate"), "{message}");
    assert!(!second.body.contains("Togli secondo.pdf"));
    assert_eq!(service.stored_files(), 1);

    // The first form still takes files.
    let again = send_form_with_files(&mut office, Some(&first), &["terzo.pdf"]).await;
    assert!(again.body.contains("Togli terzo.pdf"));
    assert_eq!(service.stored_files(), 2);
}

#[tokio::test]
async fn a_failed_database_write_leaves_no_attachment_file_behind() {
    let service = spawn(|_| {}).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let (id, _) = file_report(&mut office, "U3").await;

    service.refuse_inserts("attachments", "1");
    let upload = attach(&mut office, &id, "documento.pdf").await;
    assert_eq!(upload.status, 500);
    assert_eq!(service.stored_files(), 0, "no orphan file of an upload");
    service.allow_inserts("attachments");

    service.refuse_inserts("draft_attachments", "1");
    let form = send_form_with_files(&mut office, None, &["bozza.pdf"]).await;
    assert_eq!(form.status, 500);
    assert_eq!(service.stored_files(), 0, "no orphan file of a draft");
    service.allow_inserts("draft_attachments");

    assert_eq!(attach(&mut office, &id, "documento.pdf").await.status, 303);
    assert_eq!(service.stored_files(), 1);
}

#[tokio::test]
async fn every_attachment_download_is_in_the_audit_log_without_citizen_data() {
    let service = spawn(|_| {}).await;
    let mut office = service.app.logged_in("demo.sportello").await;
    let (id, _) = file_report(&mut office, "U3").await;
    assert_eq!(
        attach(&mut office, &id, "passaporto-Okafor.pdf")
            .await
            .status,
        303
    );
    let page = office.get(&format!("/segnalazioni/{id}")).await;
    let start = page.body.find("RESPI-").unwrap();
    let protocol = page.body[start..start + 17].to_owned();
    let marker = format!("/segnalazioni/{id}/allegati/");
    let link_start = page.body.find(&marker).unwrap();
    let link_end = page.body[link_start..].find('"').unwrap() + link_start;
    let link = page.body[link_start..link_end].to_owned();
    let attachment_id = link.trim_start_matches(&marker).to_owned();

    let mut coordination = service.app.logged_in("demo.coordinamento").await;
    assert_eq!(office.download(&link).await.0, 200);
    assert_eq!(coordination.download(&link).await.0, 200);

    let downloads =
        service.number("SELECT COUNT(*) FROM audit_log WHERE event = 'attachment_downloaded'");
    assert_eq!(downloads, 2, "each download is one line");
    let mut admin = service.app.logged_in("demo.admin").await;
    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Allegato scaricato"), "{}", audit.body);
    assert!(
        audit
            .body
            .contains(&format!("{protocol}, allegato {attachment_id}"))
    );
    let rows: Vec<&str> = audit
        .body
        .split("<tr>")
        .filter(|row| row.contains(&format!("{protocol}, allegato {attachment_id}")))
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().any(|row| row.contains("demo.coordinamento")));
    assert!(rows.iter().any(|row| row.contains("demo.sportello")));
    assert!(
        !audit.body.contains("Okafor"),
        "no citizen data, not even in file names"
    );
}
