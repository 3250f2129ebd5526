//! Any body posted to the reserved area's forms: decoding and checking the report form, the
//! portal's feedback form and a person's identifier never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use respi_tickets::domain::appointments::identity::PersonId;
use respi_tickets::domain::feedback::{FeedbackForm, check_accessibility};
use respi_tickets::domain::report_form::{ReportForm, check};
use respi_tickets::domain::urgency::default_codes;
use respi_tickets::forms::FormErrors;

fuzz_target!(|body: &[u8]| {
    let today = jiff::civil::date(2026, 12, 4);
    if let Ok(form) = serde_urlencoded::from_bytes::<ReportForm>(body) {
        let mut errors = FormErrors::default();
        let checked = check(&form, today, &default_codes(), &mut errors);
        assert_eq!(checked.is_some(), errors.is_empty());
    }
    if let Ok(form) = serde_urlencoded::from_bytes::<FeedbackForm>(body) {
        let mut errors = FormErrors::default();
        let _ = check_accessibility(&form, today, &mut errors);
    }
    if let Ok(text) = std::str::from_utf8(body) {
        if let Ok(PersonId::FiscalCode(code)) = PersonId::fiscal_code(text) {
            assert!(code.len() == 16 || code.len() == 11);
        }
        let _ = PersonId::file_number(text);
    }
});
