//! The time check of the portal's feedback forms: a form from the static portal comes back as
//! the service's page to confirm, with a signed token of the time it was made, and is stored
//! only when confirmed after a person's reading time and before the page grows old. The clock
//! is moved, never waited for.

use crate::feedback::{
    ACCESSIBILITY_FORM, PORTAL_ORIGIN, READING_SECS, page_form, portal_page, review_page,
    spawn_with_portal, stored,
};

/// The service's default least and greatest ages of a confirmation, in seconds.
const MIN_SECS: i64 = 3;
const MAX_SECS: i64 = 2 * 3600;

#[tokio::test]
async fn a_confirmation_sent_too_soon_is_refused_then_taken_once_after_the_minimum() {
    let app = spawn_with_portal(100).await;
    let mut reader = app.client();
    let form = page_form("Non trovo gli orari.", "No");
    let review = reader.submit_cross_site(&form, PORTAL_ORIGIN).await;
    let confirmation = review_page(&app, &review, "Invia il parere").await;

    // A program confirms at once; so does someone pressing within the first seconds.
    app.clock.advance(MIN_SECS - 1);
    let too_soon = reader.submit(&confirmation).await;
    assert_eq!(too_soon.status, 422, "{}", too_soon.body);
    assert!(too_soon.body.contains("<title>Errore: "));
    assert!(
        too_soon
            .body
            .contains("attendi qualche secondo e invia di nuovo")
    );
    assert!(too_soon.body.contains("href=\"#invia-modulo\""));
    assert_eq!(stored(&app).await, 0, "nothing stored when too soon");
    // Nothing written is lost, and the token is the same: the wait does not start again.
    let again = too_soon.form_with_button("Invia il parere");
    assert_eq!(
        again.value("commento").as_deref(),
        Some("Non trovo gli orari.")
    );
    assert_eq!(again.value("utile").as_deref(), Some("no"));
    assert_eq!(again.value("gettone"), confirmation.value("gettone"));

    app.clock.advance(1);
    let thanks = reader.submit(&again).await;
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    assert!(thanks.body.contains("Grazie per il tuo parere"));
    assert_eq!(stored(&app).await, 1, "stored once");
    let (useful, comment): (i64, String) = app
        .state
        .db
        .read(|conn| {
            conn.query_row("SELECT useful, comment FROM feedback", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
        })
        .await
        .unwrap();
    assert_eq!((useful, comment.as_str()), (0, "Non trovo gli orari."));
}

#[tokio::test]
async fn an_altered_token_or_one_of_the_other_form_is_refused_and_nothing_is_lost() {
    let app = spawn_with_portal(100).await;
    let mut reader = app.client();
    let report = portal_page(ACCESSIBILITY_FORM)
        .form_with_button("Invia la segnalazione")
        .set("descrizione", "Il menu non si apre con la tastiera.");
    let review = reader.submit_cross_site(&report, PORTAL_ORIGIN).await;
    let report_confirmation = review_page(&app, &review, "Invia la segnalazione").await;
    let page = page_form("Utile.", "Sì");
    let review = reader.submit_cross_site(&page, PORTAL_ORIGIN).await;
    let page_confirmation = review_page(&app, &review, "Invia il parere").await;
    app.clock.advance(READING_SECS);

    // Tampered: the issue time moved back, so as to skip the wait.
    let token = page_confirmation.value("gettone").unwrap();
    let (issued, tag) = token.split_once('.').unwrap();
    let backdated = format!("{}.{tag}", issued.parse::<i64>().unwrap() - 60);
    // Tampered: the accessibility form's token on the page's form.
    let report_token = report_confirmation.value("gettone").unwrap();
    for forged in [backdated.as_str(), report_token.as_str(), "1.AAAA"] {
        let sent = page_confirmation.clone().tamper("gettone", forged);
        let refused = reader.submit(&sent).await;
        assert_eq!(refused.status, 422, "{forged}: {}", refused.body);
        assert!(
            refused.body.contains("Il modulo è scaduto, invia di nuovo"),
            "{}",
            refused.body
        );
        assert_eq!(stored(&app).await, 0, "{forged}: nothing stored");
        let again = refused.form_with_button("Invia il parere");
        assert_eq!(again.value("commento").as_deref(), Some("Utile."));
        assert_ne!(again.value("gettone").as_deref(), Some(forged));
    }
    // The page's token does not pass for the accessibility form's either.
    let page_token = page_confirmation.value("gettone").unwrap();
    let sent = report_confirmation.tamper("gettone", &page_token);
    let refused = reader.submit(&sent).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("Il modulo è scaduto"));
    assert!(
        refused
            .body
            .contains("Il menu non si apre con la tastiera.")
    );
    assert_eq!(stored(&app).await, 0);
}

#[tokio::test]
async fn an_expired_page_comes_back_with_a_new_token_and_the_text() {
    let app = spawn_with_portal(100).await;
    let mut reader = app.client();
    let report = portal_page(ACCESSIBILITY_FORM)
        .form_with_button("Invia la segnalazione")
        .set("oggetto", "Pagina dei contatti")
        .set("descrizione", "Il numero di telefono non si legge.");
    let review = reader.submit_cross_site(&report, PORTAL_ORIGIN).await;
    let confirmation = review_page(&app, &review, "Invia la segnalazione").await;

    // The reader left the page open longer than the service takes it.
    app.clock.advance(MAX_SECS + 1);
    let expired = reader.submit(&confirmation).await;
    assert_eq!(expired.status, 422, "{}", expired.body);
    assert!(expired.body.contains("Il modulo è scaduto, invia di nuovo"));
    assert_eq!(stored(&app).await, 0);
    let fresh = expired.form_with_button("Invia la segnalazione");
    assert_ne!(fresh.value("gettone"), confirmation.value("gettone"));
    assert_eq!(
        fresh.value("descrizione").as_deref(),
        Some("Il numero di telefono non si legge.")
    );
    assert_eq!(
        fresh.value("oggetto").as_deref(),
        Some("Pagina dei contatti")
    );

    app.clock.advance(READING_SECS);
    let thanks = reader.submit(&fresh).await;
    assert_eq!(thanks.status, 200, "{}", thanks.body);
    assert!(thanks.body.contains("Segnalazione ricevuta"));
    assert_eq!(stored(&app).await, 1);
}

#[tokio::test]
async fn the_least_wait_is_a_setting() {
    let app = crate::helpers::spawn_app_with(|settings, _| {
        settings.site_config = crate::feedback::repo_root().join("site.toml");
        settings.feedback.min_secs = 30;
    })
    .await;
    let mut reader = app.client();
    let review = reader
        .submit_cross_site(&page_form("", "Sì"), PORTAL_ORIGIN)
        .await;
    let confirmation = review_page(&app, &review, "Invia il parere").await;
    app.clock.advance(29);
    assert_eq!(reader.submit(&confirmation).await.status, 422);
    app.clock.advance(1);
    assert_eq!(reader.submit(&confirmation).await.status, 200);
    assert_eq!(stored(&app).await, 1);
}
