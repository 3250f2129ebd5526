//! Any text through the FAQ export's anonymiser: it never panics, and a fiscal code and a name
//! recorded on the report, planted in the text as words of their own, never come out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use respi_tickets::domain::anonymise::{KnownIdentifiers, scrub};

const CODE: &str = "RSSMRA80A01H501U";
const NAME: &str = "Okafor";

fuzz_target!(|text: &str| {
    let known = KnownIdentifiers {
        names: vec![NAME.to_owned(), "Grace".to_owned()],
        codes: vec![CODE.to_owned()],
        birth_dates: vec![jiff::civil::date(1990, 5, 31)],
    };
    let _ = scrub(text, &known);
    let middle = text
        .char_indices()
        .map(|(at, _)| at)
        .nth(text.chars().count() / 2)
        .unwrap_or(text.len());
    let planted = format!("{} {CODE} {} {NAME} .", &text[..middle], &text[middle..]);
    let scrubbed = scrub(&planted, &known);
    assert!(!scrubbed.text.contains(CODE), "{:?}", scrubbed.text);
    let lower = scrubbed.text.to_lowercase();
    assert!(
        !lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word == "okafor"),
        "{:?}",
        scrubbed.text
    );
});
