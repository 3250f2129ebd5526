//! C4: headings form an outline: no second h1, no skipped level, no empty heading, no bold paragraph posing as one.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::context::{PageContext, text_until_end};
use respi_sources::diagnostics::Diagnostic;

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    // The page title, from `title:`, is the only h1: the body starts below it.
    let mut previous = 1usize;
    for (i, (event, range)) in ctx.events.iter().enumerate() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = *level as usize;
                let text = text_until_end(&ctx.events, i);
                let has_image = matches!(
                    ctx.events.get(i + 1),
                    Some((Event::Start(Tag::Image { .. }), _))
                );
                if text.trim().is_empty() && !has_image {
                    out.push(
                        ctx.error("C4", range.start, "titolo vuoto").with_help(
                            "scrivere il testo del titolo dopo i `#` o togliere la riga",
                        ),
                    );
                }
                if level == 1 {
                    out.push(
                        ctx.error("C4", range.start, "titolo di primo livello nel testo: la pagina ha già il suo titolo principale, quello di `title:`")
                            .with_help("usare `##` per le sezioni della pagina"),
                    );
                } else if level > previous + 1 {
                    out.push(
                        ctx.error("C4", range.start, format!("il titolo salta dal livello {previous} al livello {level}"))
                            .with_help(format!(
                                "usare `{}` (livello {}): i livelli scendono di uno alla volta, come in un indice",
                                "#".repeat(previous + 1),
                                previous + 1
                            )),
                    );
                }
                previous = level;
            }
            Event::Start(Tag::Paragraph) if is_bold_only(&ctx.events, i) => {
                out.push(
                    ctx.warning("C4", range.start, "paragrafo tutto in grassetto usato come titolo")
                        .with_help("se introduce una sezione scriverlo come titolo (`## Testo`); altrimenti togliere il grassetto"),
                );
            }
            _ => {}
        }
    }
}

/// `**Documenti necessari**` alone on its line: looks like a heading but is not one.
fn is_bold_only(events: &[(Event<'_>, std::ops::Range<usize>)], start: usize) -> bool {
    let Some((Event::Start(Tag::Strong), _)) = events.get(start + 1) else {
        return false;
    };
    let mut depth = 0usize;
    for (j, (event, _)) in events.iter().enumerate().skip(start + 1) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(TagEnd::Strong) if depth == 1 => {
                return matches!(events.get(j + 1), Some((Event::End(TagEnd::Paragraph), _)));
            }
            Event::End(_) => depth -= 1,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::testing::lint_body;

    #[test]
    fn h1_in_body_is_an_error() {
        let d = lint_body("C4", "# Titolo\n\nTesto.\n", "it");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("primo livello"));
        let d = lint_body("C4", "Titolo\n======\n", "it");
        assert_eq!(d.len(), 1, "setext headings are h1 too");
    }

    #[test]
    fn skipped_level_is_an_error() {
        let d = lint_body("C4", "## Uno\n\n#### Tre\n", "it");
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.contains("dal livello 2 al livello 4"),
            "{}",
            d[0]
        );
        assert!(lint_body("C4", "### Subito h3\n", "it").len() == 1);
        assert!(lint_body("C4", "## A\n\n### B\n\n## C\n\n### D\n", "it").is_empty());
    }

    #[test]
    fn empty_heading_is_an_error() {
        assert_eq!(lint_body("C4", "##\n\nTesto.\n", "it").len(), 1);
    }

    #[test]
    fn bold_paragraph_is_a_warning() {
        let d = lint_body("C4", "**Documenti necessari**\n\nIl passaporto.\n", "it");
        assert_eq!(d.len(), 1);
        assert!(!d[0].is_error());
        assert!(lint_body("C4", "**Attenzione:** portare il passaporto.\n", "it").is_empty());
    }
}
