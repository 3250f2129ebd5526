//! What an attachment may be: its type is read from the first bytes of its content, never from
//! its name or from what the browser claims, and its name is cleaned before it is shown or
//! sent back in a download header. How many there may be: the quotas per report and per user
//! (ASVS 12.1.1, 11.1.4), and the message that says which one a file would break.

/// The accepted types: (content type, magic bytes at the start of the file).
const SIGNATURES: [(&str, &[u8]); 3] = [
    ("application/pdf", b"%PDF-"),
    ("image/jpeg", &[0xFF, 0xD8, 0xFF]),
    (
        "image/png",
        &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
    ),
];

/// The content type of `bytes` when it is a PDF, a JPEG or a PNG.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    SIGNATURES
        .iter()
        .find(|(_, magic)| bytes.starts_with(magic))
        .map(|(content_type, _)| *content_type)
}

/// The uploaded name as it may be shown: no folders, no control characters, at most 120
/// characters; a fallback when nothing is left.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "allegato".to_owned()
    } else {
        cleaned
    }
}

/// An ASCII-only version of the name for the plain `filename=` of `Content-Disposition`.
pub fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// What is stored: how many files, how many bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub files: u64,
    pub bytes: u64,
}

/// The user quota counts the uploads of this many seconds before now.
pub const USER_QUOTA_SECS: i64 = 24 * 60 * 60;

/// The limits on attachments: per report (its files, or the files of its form), per user over
/// the last [`USER_QUOTA_SECS`], and the unsent report forms with files a session may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub report_files: u64,
    pub report_bytes: u64,
    pub user_files: u64,
    pub user_bytes: u64,
    pub session_drafts: u64,
}

/// The limit a file would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaExceeded {
    ReportFiles(u64),
    ReportBytes(u64),
    UserFiles(u64),
    UserBytes(u64),
    SessionDrafts(u64),
}

impl Quota {
    /// Whether one more file of `size` bytes fits with what the report and the user hold.
    pub fn admits(&self, report: Usage, user: Usage, size: u64) -> Result<(), QuotaExceeded> {
        if report.files >= self.report_files {
            return Err(QuotaExceeded::ReportFiles(self.report_files));
        }
        if report.bytes.saturating_add(size) > self.report_bytes {
            return Err(QuotaExceeded::ReportBytes(self.report_bytes));
        }
        if user.files >= self.user_files {
            return Err(QuotaExceeded::UserFiles(self.user_files));
        }
        if user.bytes.saturating_add(size) > self.user_bytes {
            return Err(QuotaExceeded::UserBytes(self.user_bytes));
        }
        Ok(())
    }

    /// Whether one more file fits on a report form: the form counts as its report, and a form
    /// without files yet must not be one more than the session may hold unsent.
    pub fn admits_on_form(
        &self,
        other_forms: u64,
        form: Usage,
        user: Usage,
        size: u64,
    ) -> Result<(), QuotaExceeded> {
        if form.files == 0 && other_forms >= self.session_drafts {
            return Err(QuotaExceeded::SessionDrafts(self.session_drafts));
        }
        self.admits(form, user, size)
    }
}

impl QuotaExceeded {
    /// What the form says about the file `name`.
    pub fn message(self, name: &str) -> String {
        let reason = match self {
            QuotaExceeded::ReportFiles(files) => {
                format!("una segnalazione può avere al massimo {files} allegati")
            }
            QuotaExceeded::ReportBytes(bytes) => format!(
                "gli allegati di una segnalazione possono occupare al massimo {} in tutto",
                readable_size(bytes)
            ),
            QuotaExceeded::UserFiles(files) => format!(
                "puoi caricare al massimo {files} allegati nelle ultime 24 ore; riprova più tardi"
            ),
            QuotaExceeded::UserBytes(bytes) => format!(
                "puoi caricare al massimo {} di allegati nelle ultime 24 ore; riprova più tardi",
                readable_size(bytes)
            ),
            QuotaExceeded::SessionDrafts(forms) => format!(
                "in questa sessione hai già il numero massimo di segnalazioni con allegati non ancora inviate ({forms}); invia quelle già compilate, oppure esci e rientra per scartarle, prima di allegare file a un'altra"
            ),
        };
        format!("«{name}» non è stato allegato: {reason}.")
    }
}

/// A size as people read it: whole megabytes from 1 MB, otherwise kilobytes rounded up.
pub fn readable_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{} MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64).replace('.', ",")
    } else {
        format!("{} kB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_fits_until_a_quota_is_reached() {
        let quota = Quota {
            report_files: 2,
            report_bytes: 1000,
            user_files: 10,
            user_bytes: 5000,
            session_drafts: 1,
        };
        let none = Usage::default();
        assert_eq!(quota.admits(none, none, 1000), Ok(()));
        let one = Usage {
            files: 1,
            bytes: 600,
        };
        assert_eq!(
            quota.admits(one, one, 500),
            Err(QuotaExceeded::ReportBytes(1000))
        );
        let two = Usage {
            files: 2,
            bytes: 10,
        };
        assert_eq!(
            quota.admits(two, two, 1),
            Err(QuotaExceeded::ReportFiles(2))
        );
        let busy = Usage {
            files: 10,
            bytes: 10,
        };
        assert_eq!(
            quota.admits(none, busy, 1),
            Err(QuotaExceeded::UserFiles(10))
        );
        let heavy = Usage {
            files: 1,
            bytes: 4500,
        };
        assert_eq!(
            quota.admits(none, heavy, 501),
            Err(QuotaExceeded::UserBytes(5000))
        );
    }

    #[test]
    fn a_session_holds_a_limited_number_of_unsent_forms_with_files() {
        let quota = Quota {
            report_files: 5,
            report_bytes: 1000,
            user_files: 10,
            user_bytes: 5000,
            session_drafts: 2,
        };
        let none = Usage::default();
        let started = Usage { files: 1, bytes: 1 };
        assert_eq!(quota.admits_on_form(1, none, none, 1), Ok(()));
        assert_eq!(
            quota.admits_on_form(2, none, none, 1),
            Err(QuotaExceeded::SessionDrafts(2))
        );
        assert_eq!(
            quota.admits_on_form(2, started, none, 1),
            Ok(()),
            "a form that holds files already takes more"
        );
    }

    #[test]
    fn quota_messages_name_the_file_and_the_limit() {
        assert_eq!(
            QuotaExceeded::ReportFiles(20).message("a.pdf"),
            "«a.pdf» non è stato allegato: una segnalazione può avere al massimo 20 allegati."
        );
        assert!(
            QuotaExceeded::UserBytes(250 * 1024 * 1024)
                .message("b.pdf")
                .contains("250 MB di allegati nelle ultime 24 ore")
        );
        assert_eq!(readable_size(5 * 1024 * 1024), "5 MB");
        assert_eq!(readable_size(1536 * 1024), "1,5 MB");
        assert_eq!(readable_size(100), "1 kB");
    }

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]), Some("image/jpeg"));
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some("image/png")
        );
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn names_lose_folders_and_control_characters() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Documenti\\ricevuta.pdf"), "ricevuta.pdf");
        assert_eq!(clean_name("a\r\nb\".pdf"), "ab.pdf");
        assert_eq!(clean_name(".."), "allegato");
        assert_eq!(ascii_name("ricevuta è.pdf"), "ricevuta _.pdf");
    }
}
