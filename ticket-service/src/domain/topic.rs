//! The rules of a topic (the FAQ category of answered reports): its name and its standard
//! answer.

use super::report_fields::MAX_LONG_TEXT;

/// A topic as the portal defines it: a section `content/faq/<folder>/` and its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionTopic {
    /// The folder under `content/faq/`, where the topic's FAQ pages go.
    pub folder: String,
    /// The section's title.
    pub name: String,
}

/// A topic's name is a heading of the FAQ: short.
pub const NAME_MAX_CHARS: usize = 80;

/// The name, trimmed: required, at most [`NAME_MAX_CHARS`], one line.
pub fn parse_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err("Scrivi il nome dell'argomento.".to_owned());
    }
    if name.chars().any(char::is_control) {
        return Err("Il nome dell'argomento deve stare su una riga.".to_owned());
    }
    let count = name.chars().count();
    if count > NAME_MAX_CHARS {
        return Err(format!(
            "Il nome è troppo lungo: al massimo {NAME_MAX_CHARS} caratteri, ne hai scritti {count}."
        ));
    }
    Ok(name.to_owned())
}

/// The standard answer, trimmed: may be empty (no text is offered then), at most
/// [`MAX_LONG_TEXT`] characters.
pub fn parse_standard_answer(text: &str) -> Result<String, String> {
    let answer = text.trim();
    let count = answer.chars().count();
    if count > MAX_LONG_TEXT {
        return Err(format!(
            "La risposta standard è troppo lunga: al massimo {MAX_LONG_TEXT} caratteri, ne hai scritti {count}."
        ));
    }
    Ok(answer.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_required_short_and_on_one_line() {
        assert_eq!(parse_name("  Lavoro  ").unwrap(), "Lavoro");
        assert!(parse_name("   ").is_err());
        assert!(parse_name("Due\nrighe").is_err());
        assert!(parse_name(&"a".repeat(NAME_MAX_CHARS)).is_ok());
        assert!(parse_name(&"à".repeat(NAME_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn a_standard_answer_may_be_empty_but_not_too_long() {
        assert_eq!(parse_standard_answer("  ").unwrap(), "");
        assert_eq!(
            parse_standard_answer(" Testo\ncon righe ").unwrap(),
            "Testo\ncon righe"
        );
        assert!(parse_standard_answer(&"x".repeat(MAX_LONG_TEXT + 1)).is_err());
    }
}
