//! What readers of the public portal send without logging in: whether a page was useful, with
//! an optional comment, and reports of accessibility problems (AgID's "meccanismo di
//! feedback", answered within 30 days). The rules: which addresses belong to the portal, how
//! long the texts may be, how many web addresses they may carry, and the trap field that
//! people never see.

use std::fmt;
use std::str::FromStr;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::domain::organisation::optional_line;
use crate::domain::report_fields::bounded_text;
use crate::domain::user::Email;
use crate::forms::FormErrors;

/// Characters of the comment on a page.
pub const MAX_COMMENT: usize = 1000;
/// Characters of the description of an accessibility problem.
pub const MAX_DESCRIPTION: usize = 4000;
/// Characters of the page or service an accessibility report names.
pub const MAX_SUBJECT: usize = 300;
/// Characters of a page's address on the portal.
const MAX_PATH: usize = 500;
/// Days within which an accessibility report is answered (AgID guidelines).
pub const ANSWER_DAYS: i64 = 30;

/// The field ids of the forms, as the portal's theme and the service's own form name them.
pub const COMMENT_FIELD: &str = "commento";
pub const SUBJECT_FIELD: &str = "oggetto";
pub const DESCRIPTION_FIELD: &str = "descrizione";
pub const EMAIL_FIELD: &str = "email";
/// The button that sends the service's form: the message on its timing points to it.
pub const SUBMIT_FIELD: &str = "invia-modulo";

/// What a reader tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FeedbackKind {
    /// Whether a page was useful.
    Page,
    /// An accessibility problem, to be answered within [`ANSWER_DAYS`].
    Accessibility,
}

impl FeedbackKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackKind::Page => "pagina",
            FeedbackKind::Accessibility => "accessibilita",
        }
    }
}

impl fmt::Display for FeedbackKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FeedbackKind {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        match text {
            "pagina" => Ok(FeedbackKind::Page),
            "accessibilita" => Ok(FeedbackKind::Accessibility),
            _ => Err(()),
        }
    }
}

/// The fields of the portal's forms, as sent: the page's form (`pagina`, `utile`,
/// `commento`) and the accessibility form (`oggetto`, `descrizione`, `email`), both with
/// `tipo`, the trap `sito_web` and, from the service's own page, the time token `gettone`.
/// Kept as text so the form can be shown again.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct FeedbackForm {
    /// `pagina` or `accessibilita`; pages built before the field existed send none.
    #[serde(default, rename = "tipo")]
    pub kind: String,
    /// The address of the portal page the form was on.
    #[serde(default, rename = "pagina")]
    pub page: String,
    /// `si` or `no`: the button pressed.
    #[serde(default, rename = "utile")]
    pub useful: String,
    #[serde(default, rename = "commento")]
    pub comment: String,
    /// The page or service an accessibility problem is about, in the reader's words.
    #[serde(default, rename = "oggetto")]
    pub subject: String,
    #[serde(default, rename = "descrizione")]
    pub description: String,
    #[serde(default)]
    pub email: String,
    /// Hidden from people by the stylesheet; programs that fill in every field fill it.
    #[serde(default, rename = "sito_web")]
    pub trap: String,
    /// The time token of the service's confirmation page; the portal's forms send none.
    #[serde(default, rename = "gettone")]
    pub token: String,
}

impl FeedbackForm {
    /// Whether the field people never see was filled in: the sender is a program.
    pub fn is_trapped(&self) -> bool {
        !self.trap.is_empty()
    }

    /// The kind the form says; a form without `tipo` is the page's.
    pub fn kind(&self) -> Option<FeedbackKind> {
        match self.kind.trim() {
            "" => Some(FeedbackKind::Page),
            kind => kind.parse().ok(),
        }
    }

    /// The button pressed on the page's form; `None` for anything no form sends.
    pub fn useful(&self) -> Option<bool> {
        match self.useful.as_str() {
            "si" => Some(true),
            "no" => Some(false),
            _ => None,
        }
    }
}

/// A reader's feedback once every rule holds, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub day: Date,
    pub kind: FeedbackKind,
    /// The portal path, or the page or service an accessibility report names.
    pub page: String,
    pub useful: Option<bool>,
    pub comment: String,
    pub reply_email: Option<String>,
    pub due_date: Option<Date>,
}

/// The path of `address` on the portal whose address is `base_url` (`/` for its home page),
/// or `None` when the address is elsewhere or is not a plain page address.
pub fn portal_path(base_url: &str, address: &str) -> Option<String> {
    let base = base_url.trim_end_matches('/');
    if base.is_empty() {
        return None;
    }
    let rest = address.strip_prefix(base)?;
    let path = if rest.is_empty() { "/" } else { rest };
    let plain = path.starts_with('/')
        && !path.starts_with("//")
        && path.chars().count() <= MAX_PATH
        && !path.contains("/../")
        && !path.ends_with("/..")
        && !path
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '\\' | '?' | '#'));
    plain.then(|| path.to_owned())
}

/// Where the page after a form leads back to: the portal page the form was on, or the
/// portal's home page when the form names no page of the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackLink {
    pub url: String,
    /// True when `url` is the page the reader came from.
    pub to_page: bool,
}

/// The way back from a form sent from `page`; `None` when the portal's address is unknown.
pub fn back_link(base_url: &str, page: &str) -> Option<BackLink> {
    if base_url.is_empty() {
        return None;
    }
    Some(match portal_path(base_url, page) {
        Some(_) => BackLink {
            url: page.to_owned(),
            to_page: true,
        },
        None => BackLink {
            url: base_url.to_owned(),
            to_page: false,
        },
    })
}

/// The portal address of `path`, a path [`portal_path`] gave.
pub fn page_address(base_url: &str, path: &str) -> String {
    format!("{}{path}", base_url.trim_end_matches('/'))
}

/// How many web addresses `text` holds: words with a scheme (`https://…`, `ftp://…`) or
/// starting with `www.`, as spam carries them.
pub fn web_addresses(text: &str) -> usize {
    text.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '(' | '['))
        .filter(|word| {
            let word = word.to_lowercase();
            word.contains("://") || word.starts_with("www.")
        })
        .count()
}

/// Checks the page's form sent from `path` on `day`; `None`, with the errors recorded, when a
/// rule does not hold.
pub fn check_page(
    path: String,
    useful: bool,
    comment: &str,
    day: Date,
    errors: &mut FormErrors,
) -> Option<Feedback> {
    let comment = match bounded_text(comment, MAX_COMMENT) {
        Ok(comment) => comment.unwrap_or_default(),
        Err(_) => {
            errors.add(COMMENT_FIELD, too_long("Il commento", comment, MAX_COMMENT));
            return None;
        }
    };
    if web_addresses(&comment) > 0 {
        errors.add(
            COMMENT_FIELD,
            "Il commento non può contenere indirizzi web: la pagina a cui si riferisce è già indicata. Togli l'indirizzo e invia di nuovo.",
        );
        return None;
    }
    Some(Feedback {
        day,
        kind: FeedbackKind::Page,
        page: path,
        useful: Some(useful),
        comment,
        reply_email: None,
        due_date: None,
    })
}

/// Checks the accessibility form sent on `day`, in page order; the answer is due
/// [`ANSWER_DAYS`] later.
pub fn check_accessibility(
    form: &FeedbackForm,
    day: Date,
    errors: &mut FormErrors,
) -> Option<Feedback> {
    let subject = optional_line(&form.subject, MAX_SUBJECT)
        .map_err(|problem| errors.add(SUBJECT_FIELD, problem))
        .ok()
        .map(Option::unwrap_or_default);
    let description = match bounded_text(&form.description, MAX_DESCRIPTION) {
        Ok(Some(text)) => Some(text),
        Ok(None) => {
            errors.add(
                DESCRIPTION_FIELD,
                "Descrivi il problema che hai incontrato.",
            );
            None
        }
        Err(_) => {
            let message = too_long("La descrizione", &form.description, MAX_DESCRIPTION);
            errors.add(DESCRIPTION_FIELD, message);
            None
        }
    };
    if let (Some(subject), Some(description)) = (&subject, &description) {
        check_addresses(subject, description, errors);
    }
    let reply_email = match form.email.trim() {
        "" => Some(None),
        text => Email::parse(text)
            .map(|email| Some(email.as_str().to_owned()))
            .map_err(|_| errors.add(EMAIL_FIELD, "Scrivi un indirizzo e-mail nella forma nome@esempio.it, oppure lascia vuoto il campo se non vuoi una risposta per e-mail."))
            .ok(),
    };
    if !errors.is_empty() {
        return None;
    }
    Some(Feedback {
        day,
        kind: FeedbackKind::Accessibility,
        page: subject?,
        useful: None,
        comment: description?,
        reply_email: reply_email?,
        due_date: Some(day.saturating_add(ANSWER_DAYS.days())),
    })
}

/// An accessibility report may name the page it is about by its address, once: more
/// addresses than that are what spam looks like.
fn check_addresses(subject: &str, description: &str, errors: &mut FormErrors) {
    if web_addresses(subject) + web_addresses(description) <= 1 {
        return;
    }
    let field = if web_addresses(subject) > 1 {
        SUBJECT_FIELD
    } else {
        DESCRIPTION_FIELD
    };
    errors.add(
        field,
        "La segnalazione può contenere al massimo un indirizzo web: scrivi l'indirizzo della pagina nel campo «Pagina o servizio» e descrivi il problema a parole.",
    );
}

fn too_long(what: &str, text: &str, max: usize) -> String {
    format!(
        "{what} è troppo lungo: al massimo {max} caratteri, ne hai scritti {}. Accorcialo e invia di nuovo.",
        text.trim().chars().count()
    )
}

/// Where an accessibility report stands for the coordination: open until answered, then
/// closed. Each step is one action of the list's page.
pub const ITEM_STEPS: &[(&str, &str, &str)] = &[
    // (from, to, what the button says)
    ("aperta", "risposta", "Segna come risposta"),
    ("risposta", "chiusa", "Chiudi"),
];

/// The label of an item's state.
pub fn item_state_label(state: &str) -> &'static str {
    match state {
        "aperta" => "Da rispondere",
        "risposta" => "Risposta inviata",
        "chiusa" => "Chiusa",
        _ => "",
    }
}

/// The step from `from` to `to`, when the rules have it.
pub fn item_step(from: &str, to: &str) -> Option<(&'static str, &'static str)> {
    ITEM_STEPS
        .iter()
        .find(|(f, t, _)| *f == from && *t == to)
        .map(|(f, t, _)| (*f, *t))
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    const BASE: &str = "https://www.provincia.cuneo.it/respi/";

    #[test]
    fn only_addresses_on_the_portal_give_a_path() {
        assert_eq!(
            portal_path(BASE, "https://www.provincia.cuneo.it/respi/faq/rinnovo/").as_deref(),
            Some("/faq/rinnovo/")
        );
        assert_eq!(
            portal_path(BASE, "https://www.provincia.cuneo.it/respi/").as_deref(),
            Some("/")
        );
        assert_eq!(
            portal_path(BASE, "https://www.provincia.cuneo.it/respi").as_deref(),
            Some("/")
        );
        for foreign in [
            "https://evil.example/respi/faq/",
            "https://www.provincia.cuneo.it/altro/",
            "https://www.provincia.cuneo.it/respinto/",
            "https://www.provincia.cuneo.it/respi.evil.example/",
            "https://www.provincia.cuneo.it/respi//evil.example/",
            "https://www.provincia.cuneo.it/respi/../admin/",
            "https://www.provincia.cuneo.it/respi/faq/?x=1",
            "https://www.provincia.cuneo.it/respi/a b/",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(portal_path(BASE, foreign), None, "{foreign}");
        }
        assert_eq!(portal_path("", "/faq/"), None);
    }

    #[test]
    fn the_way_back_is_the_page_only_on_the_portal() {
        let page = "https://www.provincia.cuneo.it/respi/faq/";
        assert_eq!(
            back_link(BASE, page),
            Some(BackLink {
                url: page.to_owned(),
                to_page: true
            })
        );
        assert_eq!(
            back_link(BASE, "https://evil.example/"),
            Some(BackLink {
                url: BASE.to_owned(),
                to_page: false
            })
        );
        assert_eq!(back_link("", page), None);
        assert_eq!(page_address(BASE, "/faq/"), page);
    }

    #[test]
    fn web_addresses_are_counted_in_the_shapes_spam_uses() {
        assert_eq!(web_addresses("Pagina chiara, grazie."), 0);
        assert_eq!(web_addresses("vedi https://example.com/x"), 1);
        assert_eq!(web_addresses("(www.example.com) e HTTP://A.B"), 2);
        assert_eq!(web_addresses("<a href=\"http://spam.example\">x</a>"), 1);
        assert_eq!(web_addresses("scrivete a info@comune.example.it"), 0);
    }

    #[test]
    fn a_comment_with_an_address_or_too_long_is_refused() {
        let day = date(2026, 11, 20);
        let mut errors = FormErrors::default();
        assert!(check_page("/".into(), true, "vedi www.spam.example", day, &mut errors).is_none());
        assert!(errors.fields[COMMENT_FIELD].contains("indirizzi web"));
        let mut errors = FormErrors::default();
        let long = "a".repeat(MAX_COMMENT + 1);
        assert!(check_page("/".into(), false, &long, day, &mut errors).is_none());
        assert!(
            errors.fields[COMMENT_FIELD].contains("al massimo 1000 caratteri, ne hai scritti 1001")
        );
        let mut errors = FormErrors::default();
        let stored = check_page("/faq/".into(), false, "  poco chiara ", day, &mut errors).unwrap();
        assert_eq!(stored.comment, "poco chiara");
        assert_eq!(stored.useful, Some(false));
    }

    #[test]
    fn an_accessibility_report_is_due_thirty_days_later() {
        let form = FeedbackForm {
            kind: "accessibilita".into(),
            subject: "https://www.provincia.cuneo.it/respi/contatti/".into(),
            description: "Il modulo non si usa con la tastiera.".into(),
            email: " anna@example.it ".into(),
            ..FeedbackForm::default()
        };
        let mut errors = FormErrors::default();
        let stored = check_accessibility(&form, date(2026, 11, 20), &mut errors).unwrap();
        assert_eq!(stored.due_date, Some(date(2026, 12, 20)));
        assert_eq!(stored.reply_email.as_deref(), Some("anna@example.it"));
        assert_eq!(stored.kind, FeedbackKind::Accessibility);
    }

    #[test]
    fn an_accessibility_report_needs_a_description_and_at_most_one_address() {
        let mut errors = FormErrors::default();
        let empty = FeedbackForm {
            email: "non-un-indirizzo".into(),
            ..FeedbackForm::default()
        };
        assert!(check_accessibility(&empty, date(2026, 1, 1), &mut errors).is_none());
        assert_eq!(errors.summary[0].field, DESCRIPTION_FIELD);
        assert_eq!(errors.summary[1].field, EMAIL_FIELD);
        let mut errors = FormErrors::default();
        let spam = FeedbackForm {
            subject: "https://a.example".into(),
            description: "vedi https://b.example".into(),
            ..FeedbackForm::default()
        };
        assert!(check_accessibility(&spam, date(2026, 1, 1), &mut errors).is_none());
        assert!(errors.fields[DESCRIPTION_FIELD].contains("al massimo un indirizzo web"));
    }

    #[test]
    fn the_form_says_its_kind_and_button() {
        let mut form = FeedbackForm::default();
        assert_eq!(form.kind(), Some(FeedbackKind::Page));
        form.kind = "altro".into();
        assert_eq!(form.kind(), None);
        form.useful = "si".into();
        assert_eq!(form.useful(), Some(true));
        form.useful = "forse".into();
        assert_eq!(form.useful(), None);
        assert!(!form.is_trapped());
        form.trap = "http://spam.example".into();
        assert!(form.is_trapped());
    }
}
