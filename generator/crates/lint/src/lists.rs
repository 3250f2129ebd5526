//! C10: lists are written as Markdown lists, not as bullets or numbers typed inside a paragraph.
//!
//! Text pasted from a word processor keeps its "•" and "2." as characters: it looks like a list
//! but a screen reader announces neither the list nor the number of its items. A warning,
//! because a number at the start of a line can also be ordinary text.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::context::PageContext;
use respi_sources::diagnostics::Diagnostic;

const BULLETS: &[char] = &['•', '·', '▪', '◦', '●', '■', '‣', '○', '□', '➢', '►'];

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut lines: Vec<(String, usize)> = Vec::new();
    let mut in_paragraph = false;
    for (event, range) in &ctx.events {
        match event {
            Event::Start(Tag::Paragraph) => {
                in_paragraph = true;
                lines = vec![(String::new(), range.start)];
            }
            Event::End(TagEnd::Paragraph) => {
                in_paragraph = false;
                if let Some(offset) = pasted_list(&lines) {
                    out.push(
                        ctx.warning("C10", offset, "elenco scritto dentro un paragrafo (puntini o numeri digitati a mano)")
                            .with_help("scrivere ogni voce su una riga che inizia con `- ` (elenco puntato) o con `1. ` (elenco numerato), con una riga vuota prima dell'elenco"),
                    );
                }
            }
            Event::SoftBreak | Event::HardBreak if in_paragraph => {
                lines.push((String::new(), range.end));
            }
            Event::Text(t) | Event::Code(t) if in_paragraph => {
                let line = lines.last_mut().expect("paragraph has a line");
                if line.0.is_empty() {
                    line.1 = range.start;
                }
                line.0.push_str(t);
            }
            _ => {}
        }
    }
}

/// Where the first typed bullet or number of a paragraph's lines is.
fn pasted_list(lines: &[(String, usize)]) -> Option<usize> {
    for (i, (text, offset)) in lines.iter().enumerate() {
        let trimmed = text.trim_start();
        if trimmed.starts_with(BULLETS) {
            return Some(*offset);
        }
        // Several bullets on one line: a list flattened into a sentence.
        if text.matches(BULLETS).count() >= 2 {
            return Some(*offset + text.find(BULLETS).unwrap_or(0));
        }
        // A paragraph cannot start with a number (that would already be a list), but a line
        // after the first can: "2. Compilare il modulo".
        if i > 0
            && (starts_with_number(trimmed)
                || (trimmed.starts_with(['-', '*', '+']) && trimmed[1..].starts_with(' ')))
        {
            return Some(*offset);
        }
    }
    None
}

/// "2. ", "10) ", "b) ": manual numbering at the start of a line.
fn starts_with_number(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    let numbered = (1..=2).contains(&digits) && (rest.starts_with(". ") || rest.starts_with(") "));
    let lettered =
        line.len() > 3 && line.as_bytes()[0].is_ascii_lowercase() && line[1..].starts_with(") ");
    numbered || lettered
}

#[cfg(test)]
mod tests {
    use crate::testing::lint_body;

    #[test]
    fn typed_bullets_are_a_warning() {
        for body in [
            "Servono:\n• il passaporto\n• il codice fiscale\n",
            "• il passaporto\n",
            "Servono: • il passaporto • il codice fiscale.\n",
        ] {
            let d = lint_body("C10", body, "it");
            assert_eq!(d.len(), 1, "{body}: {d:?}");
            assert!(!d[0].is_error());
        }
    }

    #[test]
    fn manual_numbering_is_a_warning() {
        let d = lint_body(
            "C10",
            "Procedura: ritirare il kit;\n2) compilarlo;\n3) spedirlo.\n",
            "it",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        let d = lint_body("C10", "Procedura: ritirare il kit.\n2. Compilarlo.\n", "it");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, 7);
        let d = lint_body("C10", "Due casi:\na) lavoro\nb) studio\n", "it");
        assert_eq!(d.len(), 1, "{d:?}");
    }

    #[test]
    fn real_lists_and_ordinary_numbers_pass() {
        for body in [
            "Servono:\n\n- il passaporto\n- il codice fiscale\n",
            "1. Ritirare il kit.\n2. Compilarlo.\n",
            "Il permesso dura 2 anni.\nNel 2026. il decreto cambia.\n",
            "La legge 74/2025 e il punto 3.\n",
        ] {
            assert!(lint_body("C10", body, "it").is_empty(), "{body}");
        }
    }
}
