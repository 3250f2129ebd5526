//! C14: pages for the public are easy to read: Gulpease index of at least 60.
//!
//! Gulpease = 89 + (300 · sentences − 10 · letters) / words, the readability index designed for
//! Italian: below 60 a text is hard for a reader with a lower secondary education, below 40
//! for one with an upper secondary education, and the portal's readers are often still
//! learning Italian. Only Italian pages are measured (the formula is calibrated on Italian),
//! only those for the public (`audience: operatori` opts out), and only from
//! [`MIN_WORDS`] words, because on a few lines the index says little.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::context::PageContext;
use respi_sources::diagnostics::Diagnostic;
use respi_sources::frontmatter::Audience;

const THRESHOLD: f64 = 60.0;
const MIN_WORDS: usize = 100;

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.page.lang != "it" || ctx.page.fm.audience == Audience::Operatori {
        return;
    }
    let mut counts = Counts::default();
    let mut first_paragraph = None;
    let mut block = String::new();
    let mut depth_code = 0usize;
    let mut in_link_dest = 0usize;
    for (event, range) in &ctx.events {
        match event {
            Event::Start(Tag::Paragraph | Tag::Item) => {
                first_paragraph.get_or_insert(range.start);
                counts.add_block(&block);
                block.clear();
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                counts.add_block(&block);
                block.clear();
            }
            Event::Start(Tag::CodeBlock(_) | Tag::Table(_)) => depth_code += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Table) => depth_code -= 1,
            Event::Start(Tag::Image { .. }) => in_link_dest += 1,
            Event::End(TagEnd::Image) => in_link_dest -= 1,
            Event::Text(t) if depth_code == 0 && in_link_dest == 0 => block.push_str(t),
            Event::SoftBreak | Event::HardBreak => block.push(' '),
            _ => {}
        }
    }
    counts.add_block(&block);
    if counts.words < MIN_WORDS {
        return;
    }
    let index = counts.gulpease();
    if index < THRESHOLD {
        out.push(
            ctx.warning("C14", first_paragraph.unwrap_or(0), format!(
                "testo difficile da leggere: indice Gulpease {index:.0} (almeno {THRESHOLD:.0} per le pagine rivolte al pubblico); {} parole in {} frasi, {:.1} parole per frase",
                counts.words, counts.sentences, counts.words as f64 / counts.sentences.max(1) as f64
            ))
            .with_help("scrivere frasi più brevi (una informazione per frase, meno di 20 parole), usare parole comuni e spiegare i termini tecnici; se la pagina è solo per gli operatori della rete, aggiungere `audience: operatori` nel front matter"),
        );
    }
}

#[derive(Default, Debug, PartialEq, Eq)]
struct Counts {
    sentences: usize,
    words: usize,
    letters: usize,
}

impl Counts {
    /// Adds a paragraph or list item. Its end closes a sentence even without a full stop:
    /// list items and short lines are sentences for the reader.
    fn add_block(&mut self, text: &str) {
        let words = text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        if words == 0 {
            return;
        }
        self.words += words;
        self.letters += text.chars().filter(|c| c.is_alphabetic()).count();
        let chars: Vec<char> = text.trim_end().chars().collect();
        let mut sentences = 0;
        for (i, c) in chars.iter().enumerate() {
            let ends = matches!(c, '.' | '!' | '?' | '…' | ';');
            // "1.000", "www.x.it", "D.Lgs." inside a word and "?!" do not end a sentence each.
            let next = chars.get(i + 1);
            if ends && next.is_none_or(|n| n.is_whitespace()) {
                sentences += 1;
            }
        }
        let terminated = chars
            .last()
            .is_some_and(|c| matches!(c, '.' | '!' | '?' | '…' | ';'));
        self.sentences += sentences + usize::from(!terminated);
    }

    fn gulpease(&self) -> f64 {
        89.0 + (300.0 * self.sentences as f64 - 10.0 * self.letters as f64) / self.words as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{FRONT, lint_body, lint_source};
    use std::path::Path;

    const EASY: &str =
        "Il permesso scade. Devi chiedere il rinnovo. Vai allo sportello. Porta il passaporto. ";
    const HARD: &str = "La presentazione dell'istanza di rinnovo del titolo di soggiorno, corredata della documentazione comprovante la sussistenza dei requisiti reddituali e alloggiativi prescritti dalla normativa vigente, deve avvenire anteriormente alla scadenza del medesimo, fatte salve le ipotesi di comprovata impossibilità sopravvenuta debitamente documentata. ";

    #[test]
    fn counts_sentences_words_and_letters() {
        let mut c = Counts::default();
        c.add_block("Il kit costa 30,46 euro. Vedi www.poste.it!");
        assert_eq!(
            c,
            Counts {
                sentences: 2,
                words: 7,
                letters: 28
            }
        );
        c.add_block("il passaporto");
        assert_eq!(c.sentences, 3, "a list item is a sentence");
    }

    #[test]
    fn hard_public_text_is_a_warning() {
        let d = lint_body("C14", &HARD.repeat(3), "it");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(!d[0].is_error());
        assert!(d[0].message.contains("Gulpease"), "{}", d[0]);
    }

    #[test]
    fn easy_text_short_text_operators_and_translations_pass() {
        assert!(lint_body("C14", &EASY.repeat(8), "it").is_empty());
        assert!(
            lint_body("C14", HARD, "it").is_empty(),
            "too short to measure"
        );
        assert!(lint_body("C14", &HARD.repeat(3), "en").is_empty());
        let operators = FRONT.replace("updated:", "audience: operatori\nupdated:");
        let src = format!("{operators}{}", HARD.repeat(3));
        assert!(lint_source("C14", &src, "it", Path::new("/x")).is_empty());
    }
}
