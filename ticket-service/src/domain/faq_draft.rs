//! A FAQ draft made of answered reports: the question and the answer written in a general
//! form, always anonymised, and the portal page they become. The page's format is the
//! generator's own front matter, so the portal reads the file as it reads every other page.

use jiff::civil::Date;
use respi_sources::frontmatter::{Faq, FrontMatter, write_page};

use super::anonymise::{self, KnownIdentifiers, Removal, Scrubbed};
use super::report_fields::MAX_LONG_TEXT;

/// The portal's limit for a title, which the question becomes.
pub const QUESTION_MAX_CHARS: usize = 70;
/// An answer may gather the answers of several reports.
pub const ANSWER_MAX_CHARS: usize = 2 * MAX_LONG_TEXT;
/// The longest description the draft takes from its answer.
const DESCRIPTION_MAX_CHARS: usize = 160;

/// The question: required, on one line, short enough for a title.
pub fn parse_question(text: &str) -> Result<String, String> {
    let question = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if question.is_empty() {
        return Err(
            "Scrivi la domanda, in forma generale: diventa il titolo della FAQ.".to_owned(),
        );
    }
    let count = question.chars().count();
    if count > QUESTION_MAX_CHARS {
        return Err(format!(
            "La domanda è troppo lunga per un titolo: al massimo {QUESTION_MAX_CHARS} caratteri, ne hai scritti {count}."
        ));
    }
    Ok(question)
}

/// The answer: required, at most [`ANSWER_MAX_CHARS`].
pub fn parse_answer(text: &str) -> Result<String, String> {
    let answer = text.trim().replace("\r\n", "\n");
    if answer.is_empty() {
        return Err("Scrivi la risposta, in forma generale.".to_owned());
    }
    let count = answer.chars().count();
    if count > ANSWER_MAX_CHARS {
        return Err(format!(
            "La risposta è troppo lunga: al massimo {ANSWER_MAX_CHARS} caratteri, ne hai scritti {count}."
        ));
    }
    Ok(answer)
}

/// The question and the answer after the anonymiser, with what it removed from each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnonymisedText {
    pub question: Scrubbed,
    pub answer: Scrubbed,
}

impl AnonymisedText {
    /// Everything removed, each piece once, for the editor to read.
    pub fn removed(&self) -> Vec<Removal> {
        let mut all: Vec<Removal> = self
            .question
            .removed
            .iter()
            .chain(&self.answer.removed)
            .cloned()
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// True when the anonymiser found nothing more: the text can go out as it is.
    pub fn is_clean(&self) -> bool {
        self.question.removed.is_empty() && self.answer.removed.is_empty()
    }
}

pub fn anonymise(question: &str, answer: &str, known: &KnownIdentifiers) -> AnonymisedText {
    AnonymisedText {
        question: anonymise::scrub(question, known),
        answer: anonymise::scrub(answer, known),
    }
}

/// Where the FAQ's answer came from and when it was validated, for the page's `faq:` key.
#[derive(Debug, Clone)]
pub struct Provenance {
    /// The offices that answered, as the report form names them.
    pub source: String,
    pub validated: Option<Date>,
}

/// The file name of the draft, from its question: `quanto-tempo-ci-vuole.md`.
pub fn file_stem(question: &str) -> String {
    let slug = slug::slugify(question);
    let mut stem = String::new();
    for part in slug.split('-') {
        if !stem.is_empty() && stem.len() + part.len() + 1 > 60 {
            break;
        }
        if !stem.is_empty() {
            stem.push('-');
        }
        stem.push_str(part);
    }
    if stem.is_empty() {
        "faq".to_owned()
    } else {
        stem
    }
}

/// The description the portal shows under the title: the answer's first sentence, on one line.
fn description(answer: &str) -> String {
    let flat = answer.split_whitespace().collect::<Vec<_>>().join(" ");
    let sentence = flat.find(". ").map_or(flat.as_str(), |end| &flat[..=end]);
    if sentence.chars().count() <= DESCRIPTION_MAX_CHARS {
        return sentence.to_owned();
    }
    let cut: String = sentence.chars().take(DESCRIPTION_MAX_CHARS - 1).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

/// The draft page in the portal's format: `draft: true`, the source and validation date, and
/// no link back to the reports, which stay in the reserved area.
pub fn page(question: &str, answer: &str, provenance: &Provenance) -> String {
    let front = FrontMatter {
        title: Some(question.to_owned()),
        description: description(answer),
        draft: true,
        faq: Some(Faq {
            source: provenance.source.clone(),
            validated: provenance.validated,
            report: None,
        }),
        ..FrontMatter::default()
    };
    write_page(&front, answer).expect("a front matter of strings and dates writes as YAML")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_is_one_short_line() {
        assert_eq!(
            parse_question("  Quanto\n tempo?  ").unwrap(),
            "Quanto tempo?"
        );
        assert!(parse_question(" ").is_err());
        assert!(parse_question(&"x".repeat(QUESTION_MAX_CHARS + 1)).is_err());
        assert!(parse_answer("\n").is_err());
    }

    #[test]
    fn the_page_is_a_draft_with_its_source_and_no_report() {
        let provenance = Provenance {
            source: "Prefettura – Ufficio Cittadinanza".to_owned(),
            validated: Some(jiff::civil::date(2026, 10, 15)),
        };
        let text = page(
            "Quanto tempo ci vuole?",
            "Di solito 24 mesi. Si segue sul portale.",
            &provenance,
        );
        assert!(text.starts_with("---\n"), "{text}");
        assert!(text.contains("draft: true"), "{text}");
        assert!(text.contains("description: Di solito 24 mesi."), "{text}");
        assert!(text.contains("2026-10-15"), "{text}");
        assert!(!text.contains("report"), "{text}");
        assert!(text.ends_with("Di solito 24 mesi. Si segue sul portale.\n"));
    }

    #[test]
    fn the_file_name_comes_from_the_question() {
        assert_eq!(file_stem("Quanto tempo ci vuole?"), "quanto-tempo-ci-vuole");
        assert!(file_stem(&"parola ".repeat(30)).len() <= 60);
        assert_eq!(file_stem("???"), "faq");
    }
}
