//! Outgoing mail over SMTP: activation and reset links, and the notice after a password
//! change (ASVS 2.2.3). Addresses and subjects go through lettre's typed builders, so no user
//! input can add a header.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailSettings, SmtpSecurity};

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("indirizzo e-mail non valido «{address}»: {source}")]
    Address {
        address: String,
        source: lettre::address::AddressError,
    },
    #[error("configurazione SMTP non valida: {0}")]
    Transport(#[from] lettre::transport::smtp::Error),
    #[error("messaggio non valido: {0}")]
    Message(#[from] lettre::error::Error),
}

fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address.parse().map_err(|source| MailError::Address {
        address: address.to_owned(),
        source,
    })
}

/// A mail to send: recipient, subject and plain-text body in Italian.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// A file sent with the text, such as the `.ics` of a booking.
    pub attachment: Option<MailAttachment>,
}

/// A file attached to a mail.
#[derive(Debug, Clone)]
pub struct MailAttachment {
    pub file_name: String,
    pub content_type: &'static str,
    pub content: Vec<u8>,
}

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

impl Mailer {
    /// The mailer the settings describe, or `None` when no SMTP server is configured.
    pub fn from_settings(settings: &MailSettings) -> Result<Option<Mailer>, MailError> {
        let Some(host) = settings.smtp_host.as_deref() else {
            return Ok(None);
        };
        let from = mailbox(&settings.from)?;
        let builder = match settings.smtp_security {
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
            SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let mut builder = builder.port(settings.smtp_port);
        if let (Some(user), Some(password)) = (&settings.smtp_username, &settings.smtp_password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Some(Mailer {
            transport: builder.build(),
            from,
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
        }))
    }

    /// An absolute link to `path` (which starts with `/`) on the reserved area.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    pub async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let builder = Message::builder()
            .from(self.from.clone())
            .to(mailbox(&mail.to)?)
            .subject(mail.subject.clone());
        let message = match &mail.attachment {
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(mail.body.clone())?,
            Some(file) => {
                let content_type =
                    ContentType::parse(file.content_type).unwrap_or(ContentType::TEXT_PLAIN);
                let attached = Attachment::new(file.file_name.clone())
                    .body(file.content.clone(), content_type);
                builder.multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(mail.body.clone()))
                        .singlepart(attached),
                )?
            }
        };
        self.transport.send(message).await?;
        Ok(())
    }

    /// Sends without making the request wait, and without letting its timing or failure tell
    /// the visitor anything; failures are logged.
    pub fn send_in_background(&self, mail: Mail) {
        let mailer = self.clone();
        tokio::spawn(async move {
            if let Err(error) = mailer.send(&mail).await {
                tracing::error!(%error, "mail not sent");
            }
        });
    }
}

/// The texts of the mails.
pub mod texts {
    use super::Mail;

    pub fn activation(to: &str, display_name: &str, username: &str, link: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "Attiva la tua utenza nell'area riservata".to_owned(),
            body: format!(
                "Gentile {display_name},\n\n\
                 è stata creata per te l'utenza «{username}» nell'area riservata della rete degli sportelli.\n\n\
                 Per attivarla e scegliere la password apri questo collegamento entro 24 ore:\n\n\
                 {link}\n\n\
                 Il collegamento funziona una sola volta. Se non aspettavi questo messaggio, ignoralo.\n"
            ),
            attachment: None,
        }
    }

    pub fn reset(to: &str, display_name: &str, username: &str, link: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "Reimposta la password dell'area riservata".to_owned(),
            body: format!(
                "Gentile {display_name},\n\n\
                 è stato chiesto di reimpostare la password dell'utenza «{username}».\n\n\
                 Per scegliere una nuova password apri questo collegamento entro un'ora:\n\n\
                 {link}\n\n\
                 Il collegamento funziona una sola volta. Se non hai chiesto tu di reimpostare la password, \
                 ignora questo messaggio: la password attuale resta valida.\n"
            ),
            attachment: None,
        }
    }

    pub fn code_reused(to: &str, display_name: &str, username: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "Un codice di verifica già usato è stato inviato di nuovo".to_owned(),
            body: format!(
                "Gentile {display_name},\n\n\
                 per l'utenza «{username}» è appena stato inviato un codice di verifica già usato, \
                 insieme alla password giusta. Il codice è stato rifiutato.\n\n\
                 Se sei stato tu a scriverlo due volte, non devi fare nulla. Altrimenti qualcuno potrebbe \
                 conoscere la tua password: cambiala subito dal profilo e avvisa l'amministratore della rete.\n"
            ),
            attachment: None,
        }
    }

    pub fn password_changed(to: &str, display_name: &str, username: &str) -> Mail {
        Mail {
            to: to.to_owned(),
            subject: "La password dell'area riservata è cambiata".to_owned(),
            body: format!(
                "Gentile {display_name},\n\n\
                 la password dell'utenza «{username}» è appena stata cambiata e le altre sessioni aperte sono state chiuse.\n\n\
                 Se non sei stato tu, avvisa subito l'amministratore della rete.\n"
            ),
            attachment: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_host_means_no_mailer() {
        assert!(
            Mailer::from_settings(&MailSettings::default())
                .unwrap()
                .is_none()
        );
    }

    // The connection pool needs a tokio runtime, even just to be dropped.
    #[tokio::test]
    async fn links_join_the_public_address_and_the_path() {
        let settings = MailSettings {
            smtp_host: Some("127.0.0.1".to_owned()),
            smtp_security: SmtpSecurity::None,
            public_url: "https://area.example.it/".to_owned(),
            ..MailSettings::default()
        };
        let mailer = Mailer::from_settings(&settings).unwrap().unwrap();
        assert_eq!(
            mailer.link("/attiva/abc"),
            "https://area.example.it/attiva/abc"
        );
    }

    #[tokio::test]
    async fn a_bad_sender_is_a_configuration_error() {
        let settings = MailSettings {
            smtp_host: Some("127.0.0.1".to_owned()),
            from: "not an address".to_owned(),
            ..MailSettings::default()
        };
        assert!(Mailer::from_settings(&settings).is_err());
    }
}
