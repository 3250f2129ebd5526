//! Outgoing mail: the SMTP server, the sender and the address links in mails point to.

use serde::{Deserialize, Serialize};

/// Outgoing mail. Without `smtp_host` no mail is sent: new accounts then get a temporary
/// password that the administrator hands over, and "password dimenticata" is not offered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    pub smtp_security: SmtpSecurity,
    pub smtp_username: Option<String>,
    /// Better set through `RESPI_TICKETS_MAIL__SMTP_PASSWORD` than written in a file.
    pub smtp_password: Option<String>,
    /// Sender, as `Nome <indirizzo>`.
    pub from: String,
    /// The address of the reserved area as people reach it, for the links in mails.
    pub public_url: String,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the start (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine.
    None,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            smtp_host: None,
            smtp_port: 587,
            smtp_security: SmtpSecurity::Starttls,
            smtp_username: None,
            smtp_password: None,
            from: "Area riservata ReSPI <noreply@example.invalid>".to_owned(),
            public_url: "http://127.0.0.1:8090/".to_owned(),
        }
    }
}
