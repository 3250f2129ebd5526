//! The report form: what the operator typed, kept as text so every page can show it again,
//! and the rules it must meet before a report is filed. One message per field, in page order.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::domain::organisation::OrganisationKind;
use crate::domain::report_fields::{
    self, Choice, FILE_KINDS, MAX_LONG_TEXT, MAX_SHORT_TEXT, REPORT_KINDS, bounded_text,
};
use crate::domain::urgency::UrgencyCode;
use crate::forms::FormErrors;

/// What the operator typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ReportForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub addressed_office: String,
    #[serde(default)]
    pub file_kind: String,
    #[serde(default)]
    pub file_reference: String,
    #[serde(default)]
    pub citizen_family_name: String,
    #[serde(default)]
    pub citizen_given_name: String,
    #[serde(default)]
    pub citizen_birth_date: String,
    #[serde(default)]
    pub citizen_tax_code: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub urgency: String,
    #[serde(default)]
    pub urgency_reason: String,
    /// Set by the review page; identifies one filing.
    #[serde(default)]
    pub submission_key: String,
    /// On the review page: `invia` to file, `correggi` to go back to the form.
    #[serde(default, skip_serializing)]
    pub choice: String,
}

/// The form's values once every rule holds.
pub struct CheckedReport {
    pub institution: OrganisationKind,
    pub file_reference: Option<String>,
    pub citizen_family_name: String,
    pub citizen_given_name: String,
    pub citizen_birth_date: Option<Date>,
    pub citizen_tax_code: Option<String>,
    pub description: String,
    pub urgency_reason: String,
    pub business_days: u32,
}

pub fn required_text(
    errors: &mut FormErrors,
    field: &'static str,
    value: &str,
    max: usize,
    missing: &str,
) -> Option<String> {
    match bounded_text(value, max) {
        Ok(Some(text)) => Some(text),
        Ok(None) => {
            errors.add(field, missing);
            None
        }
        Err(problem) => {
            errors.add(field, problem);
            None
        }
    }
}

fn optional_text(
    errors: &mut FormErrors,
    field: &'static str,
    value: &str,
    max: usize,
) -> Option<String> {
    bounded_text(value, max).unwrap_or_else(|problem| {
        errors.add(field, problem);
        None
    })
}

fn is_choice(choices: &[Choice], value: &str) -> bool {
    choices.iter().any(|choice| choice.value == value)
}

/// Checks every field, in page order, collecting one message per field; `today` bounds the
/// birth date, `urgencies` are the configured codes.
pub fn check(
    form: &ReportForm,
    today: Date,
    urgencies: &[UrgencyCode],
    errors: &mut FormErrors,
) -> Option<CheckedReport> {
    let institution = check_choices(form, errors);
    let file_reference = optional_text(errors, "file_reference", &form.file_reference, 60);
    let citizen = check_citizen(form, today, errors);
    let description = required_text(
        errors,
        "description",
        &form.description,
        MAX_LONG_TEXT,
        "Descrivi la richiesta.",
    );
    let urgency = urgencies
        .iter()
        .find(|urgency| urgency.code == form.urgency);
    if urgency.is_none() {
        errors.add("urgency", "Scegli il codice di urgenza.");
    }
    let urgency_reason = required_text(
        errors,
        "urgency_reason",
        &form.urgency_reason,
        MAX_SHORT_TEXT * 4,
        "Spiega il motivo dell'urgenza, per esempio la scadenza del permesso o un appuntamento in Questura.",
    );
    if !errors.is_empty() {
        return None;
    }
    let (family, given, birth_date, tax_code) = citizen;
    Some(CheckedReport {
        institution: institution?,
        file_reference,
        citizen_family_name: family?,
        citizen_given_name: given?,
        citizen_birth_date: birth_date,
        citizen_tax_code: tax_code,
        description: description?,
        urgency_reason: urgency_reason?,
        business_days: urgency?.business_days,
    })
}

/// The three choices of the form; the institution that the addressed office belongs to.
fn check_choices(form: &ReportForm, errors: &mut FormErrors) -> Option<OrganisationKind> {
    if !is_choice(REPORT_KINDS, &form.kind) {
        errors.add("kind", "Scegli il tipo di segnalazione.");
    }
    let institution = report_fields::addressed_office(&form.addressed_office).map(|(_, k)| k);
    if institution.is_none() {
        errors.add(
            "addressed_office",
            "Scegli l'ufficio a cui è rivolta la segnalazione.",
        );
    }
    if !is_choice(FILE_KINDS, &form.file_kind) {
        errors.add("file_kind", "Scegli il tipo di pratica.");
    }
    institution
}

type Citizen = (Option<String>, Option<String>, Option<Date>, Option<String>);

/// The person the report is about: names, and the optional birth date and tax code.
fn check_citizen(form: &ReportForm, today: Date, errors: &mut FormErrors) -> Citizen {
    let family = required_text(
        errors,
        "citizen_family_name",
        &form.citizen_family_name,
        MAX_SHORT_TEXT,
        "Scrivi il cognome della persona.",
    );
    let given = required_text(
        errors,
        "citizen_given_name",
        &form.citizen_given_name,
        MAX_SHORT_TEXT,
        "Scrivi il nome della persona.",
    );
    let birth_date = match form.citizen_birth_date.trim() {
        "" => None,
        text => match text.parse::<Date>() {
            Ok(date) if date < today && date.year() >= 1900 => Some(date),
            _ => {
                errors.add(
                    "citizen_birth_date",
                    "La data di nascita non è valida: scrivila come AAAA-MM-GG, per esempio 1990-05-31, oppure lasciala vuota.",
                );
                None
            }
        },
    };
    (
        family,
        given,
        birth_date,
        check_tax_code(&form.citizen_tax_code, errors),
    )
}

/// A tax code of 16 characters, or a provisional one of 11, in capitals; empty is allowed.
fn check_tax_code(text: &str, errors: &mut FormErrors) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let upper = text.to_uppercase();
    if (upper.len() == 16 || upper.len() == 11) && upper.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Some(upper);
    }
    errors.add(
        "citizen_tax_code",
        "Il codice fiscale deve avere 16 caratteri (o 11 cifre se provvisorio), senza spazi; oppure lascialo vuoto.",
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::urgency::default_codes;

    fn filled() -> ReportForm {
        ReportForm {
            kind: "parere".to_owned(),
            addressed_office: "prefettura_cittadinanza".to_owned(),
            file_kind: "cittadinanza".to_owned(),
            citizen_family_name: "Okafor".to_owned(),
            citizen_given_name: "Grace".to_owned(),
            citizen_birth_date: "1990-05-31".to_owned(),
            citizen_tax_code: "krfgrc90e71z335a".to_owned(),
            description: "Domanda presentata nel 2023.".to_owned(),
            urgency: default_codes()[0].code.clone(),
            urgency_reason: "Giuramento fissato.".to_owned(),
            ..ReportForm::default()
        }
    }

    fn today() -> Date {
        jiff::civil::date(2026, 12, 4)
    }

    #[test]
    fn a_complete_form_becomes_a_report_to_file() {
        let mut errors = FormErrors::default();
        let checked = check(&filled(), today(), &default_codes(), &mut errors).unwrap();
        assert!(errors.is_empty());
        assert_eq!(checked.institution, OrganisationKind::Prefettura);
        assert_eq!(
            checked.citizen_tax_code.as_deref(),
            Some("KRFGRC90E71Z335A")
        );
        assert_eq!(
            checked.citizen_birth_date,
            Some(jiff::civil::date(1990, 5, 31))
        );
        assert_eq!(checked.business_days, default_codes()[0].business_days);
    }

    #[test]
    fn each_wrong_field_gets_its_own_message_and_nothing_is_filed() {
        let form = ReportForm {
            kind: "altro".to_owned(),
            citizen_birth_date: "2026-12-05".to_owned(),
            citizen_tax_code: "ABC".to_owned(),
            urgency: "U9".to_owned(),
            description: "   ".to_owned(),
            ..filled()
        };
        let mut errors = FormErrors::default();
        assert!(check(&form, today(), &default_codes(), &mut errors).is_none());
        for field in [
            "kind",
            "citizen_birth_date",
            "citizen_tax_code",
            "description",
            "urgency",
        ] {
            assert!(errors.fields.contains_key(field), "{field}");
        }
        assert!(!errors.fields.contains_key("citizen_family_name"));
    }
}
