//! Tells people about the report workflow: an unread notification in the reserved area and an
//! e-mail, at once or in one daily digest as each user chooses. Mails carry only the protocol number and a link, never the citizen's data, because
//! mail leaves the network's systems.

use std::time::Duration;

use jiff::{Timestamp, Zoned};

use crate::clock::rome;
use crate::db::notifications::{Audience, DigestItem, Recipient};
use crate::db::reports::ReportRow;
use crate::domain::organisation::OrganisationKind;
use crate::domain::report::ReportState;
use crate::error::AppError;
use crate::mail::Mail;
use crate::state::AppState;

/// What happened to a report that someone must hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A report with an urgent code was filed: the coordination.
    NewUrgent,
    /// The answer was published: the office, and the referents who must validate it.
    AnswerPublished,
    /// A referent validated the answer: the office.
    Validated,
    /// A referent refused the answer: the coordination, who must handle it again.
    Refused,
    /// The office reopened the report: the coordination.
    Reopened,
}

impl Notice {
    /// The notice for a change of state, when that change is announced.
    pub fn for_state(to: ReportState) -> Option<Notice> {
        match to {
            ReportState::AnswerPublished => Some(Notice::AnswerPublished),
            ReportState::Validated => Some(Notice::Validated),
            ReportState::Reopened => Some(Notice::Reopened),
            _ => None,
        }
    }
}

/// Who hears about `notice`, and what they read.
fn messages(notice: Notice, report: &ReportRow) -> Vec<(Audience, String)> {
    let protocol = &report.protocol;
    let referents = if report.institution == OrganisationKind::Questura {
        "questura"
    } else {
        "prefettura"
    };
    match notice {
        Notice::NewUrgent => vec![(
            Audience::Role("coordinamento"),
            format!("Nuova segnalazione urgente {protocol}"),
        )],
        Notice::AnswerPublished => vec![
            (
                Audience::Organisation(report.organisation_id),
                format!("È disponibile la risposta alla segnalazione {protocol}"),
            ),
            (
                Audience::Role(referents),
                format!("Risposta da validare per la segnalazione {protocol}"),
            ),
        ],
        Notice::Validated => vec![(
            Audience::Organisation(report.organisation_id),
            format!("La risposta alla segnalazione {protocol} è stata validata"),
        )],
        Notice::Refused => vec![(
            Audience::Role("coordinamento"),
            format!("La risposta alla segnalazione {protocol} non è stata validata"),
        )],
        Notice::Reopened => vec![(
            Audience::Role("coordinamento"),
            format!("La segnalazione {protocol} è stata riaperta"),
        )],
    }
}

/// Records the notifications and sends the mails in the background, so a slow mail server
/// never holds the page; mail failures are logged.
pub async fn announce(
    state: &AppState,
    report: &ReportRow,
    notice: Notice,
) -> Result<(), AppError> {
    let report_id = report.id;
    let messages = messages(notice, report);
    let mailing = state.mailer.is_some();
    let now = state.clock.now();
    let recipients = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let mut all = Vec::new();
            for (audience, message) in messages {
                for recipient in crate::db::notifications::recipients(&tx, audience)? {
                    let at_once = mailing && !recipient.digest;
                    crate::db::notifications::notify(
                        &tx,
                        recipient.user_id,
                        report_id,
                        &message,
                        now,
                        at_once,
                    )?;
                    if at_once {
                        all.push((recipient, message.clone()));
                    }
                }
            }
            tx.commit()?;
            Ok(all)
        })
        .await?;
    if let Some(mailer) = &state.mailer {
        let link = mailer.link(&format!("/segnalazioni/{report_id}"));
        for (recipient, message) in recipients {
            mailer.send_in_background(Mail {
                to: recipient.email,
                subject: message.clone(),
                body: format!(
                    "Gentile {},\n\n{message}.\n\nPer leggerla accedi all'area riservata:\n\n{link}\n",
                    recipient.display_name
                ),
                attachment: None,
            });
        }
    }
    Ok(())
}

/// The one mail of the day with every notification not yet mailed.
fn digest_mail(recipient: &Recipient, items: &[DigestItem], link: impl Fn(&str) -> String) -> Mail {
    let mut body = format!(
        "Gentile {},\n\necco le novità sulle segnalazioni dall'ultimo riepilogo:\n\n",
        recipient.display_name
    );
    for item in items {
        body.push_str(&format!(
            "- {}\n  {}\n",
            item.message,
            link(&format!("/segnalazioni/{}", item.report_id))
        ));
    }
    body.push_str("\nPuoi scegliere di ricevere un'e-mail per ogni notifica dal tuo profilo.\n");
    Mail {
        to: recipient.email.clone(),
        subject: format!("Riepilogo giornaliero: {} notifiche", items.len()),
        body,
        attachment: None,
    }
}

/// Mails the digests due now; returns how many were sent. A digest that fails stays pending
/// and goes out the next day.
pub async fn send_digests(state: &AppState) -> Result<usize, AppError> {
    let Some(mailer) = &state.mailer else {
        return Ok(0);
    };
    let pending = state
        .db
        .call(|conn| crate::db::notifications::pending_digests(conn))
        .await?;
    let mut sent = 0;
    for (recipient, items) in pending {
        let ids: Vec<i64> = items.iter().map(|item| item.id).collect();
        let mail = digest_mail(&recipient, &items, |path| mailer.link(path));
        if let Err(error) = mailer.send(&mail).await {
            tracing::error!(%error, "digest not sent");
            continue;
        }
        let now = state.clock.now();
        state
            .db
            .call(move |conn| crate::db::notifications::mark_mailed(conn, &ids, now))
            .await?;
        sent += 1;
    }
    Ok(sent)
}

/// The next time the digests go out: today at `hour` Italian time, or tomorrow if that has
/// passed.
pub fn next_digest_at(now: &Zoned, hour: i8) -> Zoned {
    let today = now
        .date()
        .at(hour, 0, 0, 0)
        .to_zoned(now.time_zone().clone())
        .unwrap_or_else(|_| now.clone());
    if today > *now {
        return today;
    }
    now.date()
        .tomorrow()
        .ok()
        .and_then(|date| {
            date.at(hour, 0, 0, 0)
                .to_zoned(now.time_zone().clone())
                .ok()
        })
        .unwrap_or_else(|| now.clone())
}

/// Runs for the life of the service: sleeps until the digest hour, sends, and again.
pub async fn send_digests_daily(state: AppState) {
    loop {
        let now = Timestamp::now().to_zoned(rome());
        let next = next_digest_at(&now, state.settings.reports.digest_hour);
        let wait = (next.timestamp().as_second() - now.timestamp().as_second()).max(60);
        tokio::time::sleep(Duration::from_secs(wait.unsigned_abs())).await;
        if let Err(error) = send_digests(&state).await {
            tracing::error!(%error, "digests failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn digests_go_out_at_the_next_digest_hour() {
        let zone = rome();
        let morning = date(2026, 11, 26)
            .at(6, 30, 0, 0)
            .to_zoned(zone.clone())
            .unwrap();
        let next = next_digest_at(&morning, 7);
        assert_eq!(next.date(), date(2026, 11, 26));
        assert_eq!(next.hour(), 7);
        let later = date(2026, 11, 26).at(7, 0, 0, 0).to_zoned(zone).unwrap();
        assert_eq!(next_digest_at(&later, 7).date(), date(2026, 11, 27));
    }

    #[test]
    fn a_digest_lists_every_notification_with_its_link() {
        let recipient = Recipient {
            user_id: 1,
            email: "a@example.invalid".to_owned(),
            display_name: "Ada".to_owned(),
            digest: true,
        };
        let items = [
            DigestItem {
                id: 1,
                report_id: 4,
                message: "La segnalazione RESPI-2026-000004 è stata riaperta".to_owned(),
            },
            DigestItem {
                id: 2,
                report_id: 9,
                message: "Nuova segnalazione urgente RESPI-2026-000009".to_owned(),
            },
        ];
        let mail = digest_mail(&recipient, &items, |path| {
            format!("https://x.example{path}")
        });
        assert_eq!(mail.subject, "Riepilogo giornaliero: 2 notifiche");
        assert!(mail.body.contains("https://x.example/segnalazioni/4"));
        assert!(mail.body.contains("RESPI-2026-000009"));
    }

    #[test]
    fn only_some_changes_are_announced() {
        assert_eq!(
            Notice::for_state(ReportState::Validated),
            Some(Notice::Validated)
        );
        assert_eq!(Notice::for_state(ReportState::Batched), None);
    }
}
