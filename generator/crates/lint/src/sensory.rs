//! C13: instructions do not rely on colour, shape or position on screen ("il pulsante verde", "a destra").
//!
//! A warning from a list of Italian phrases: whether a phrase really is an instruction needs a
//! person. Plain "sopra" and "sotto" are left out on purpose: "i documenti indicati sopra"
//! follows reading order, which is fine (WCAG 1.3.3), and "sotto i 14 anni" is no position at all.

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::context::{PageContext, find_phrase};
use respi_sources::diagnostics::Diagnostic;

const COLOURS: &[&str] = &[
    "verde",
    "rosso",
    "rossa",
    "blu",
    "giallo",
    "gialla",
    "arancione",
    "azzurro",
    "azzurra",
    "grigio",
    "grigia",
    "viola",
    "nero",
    "nera",
];

const OBJECTS: &[&str] = &[
    "pulsante",
    "bottone",
    "tasto",
    "link",
    "collegamento",
    "riquadro",
    "casella",
    "icona",
    "freccia",
    "scritta",
    "testo",
    "campo",
    "box",
];

/// Phrases that locate something by its place on the screen or page.
const POSITIONS: &[&str] = &[
    "a destra",
    "a sinistra",
    "sulla destra",
    "sulla sinistra",
    "qui a destra",
    "qui a sinistra",
    "in alto a destra",
    "in alto a sinistra",
    "in basso a destra",
    "in basso a sinistra",
    "colonna di destra",
    "colonna di sinistra",
    "qui sopra",
    "qui sotto",
    "riquadro sopra",
    "riquadro sotto",
    "in rosso",
    "in verde",
    "in giallo",
    "in blu",
    "evidenziato in",
    "evidenziati in",
    "colorato",
    "colorata",
    "icona rotonda",
    "icona quadrata",
    "a forma di",
    "segnale acustico",
];

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    if !ctx.page.lang.starts_with("it") {
        return;
    }
    let mut in_code = false;
    for (event, range) in &ctx.events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) if !in_code => {
                let lower = t.to_lowercase();
                let Some((at, phrase)) = first_phrase(&lower) else {
                    continue;
                };
                // Lower-casing can change byte lengths; then point at the start of the text.
                let exact =
                    lower.len() == t.len() && ctx.body().get(range.clone()) == Some(t.as_ref());
                let offset = if exact { range.start + at } else { range.start };
                out.push(
                    ctx.warning("C13", offset, format!("indicazione basata su colore, forma o posizione: «{phrase}»"))
                        .with_help("chi non vede lo schermo o non distingue i colori non può seguirla: nominare la cosa con il suo testo, per esempio «il pulsante “Invia”» o «la sezione “Documenti”»"),
                );
            }
            _ => {}
        }
    }
}

/// One of these words is in every phrase: texts without any are skipped at once, which
/// keeps the rule cheap on pages of thousands of lines.
const KEY_WORDS: &[&str] = &[
    "destra",
    "sinistra",
    "sopra",
    "sotto",
    "forma",
    "colorato",
    "colorata",
    "evidenziato",
    "evidenziati",
    "rotonda",
    "quadrata",
    "acustico",
];

/// The earliest sensory phrase in `text` (lower case) and where it starts.
fn first_phrase(text: &str) -> Option<(usize, String)> {
    let relevant = text
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| KEY_WORDS.contains(&w) || COLOURS.contains(&w));
    if !relevant {
        return None;
    }
    let positions = POSITIONS
        .iter()
        .filter_map(|p| find_phrase(text, p).map(|at| (at, p.to_string())));
    // "pulsante verde": look for the colour, then at the word before it, rather than for
    // every object–colour pair.
    let coloured = COLOURS.iter().filter_map(|colour| {
        let at = find_phrase(text, colour)?;
        let before = text[..at].trim_end();
        let object_at = before.rfind(' ').map_or(0, |i| i + 1);
        OBJECTS
            .contains(&&before[object_at..])
            .then(|| (object_at, format!("{} {colour}", &before[object_at..])))
    });
    positions.chain(coloured).min()
}

#[cfg(test)]
mod tests {
    use crate::testing::lint_body;

    #[test]
    fn sensory_instructions_are_warnings() {
        for body in [
            "Premere il pulsante verde per inviare.\n",
            "Il menu è a destra.\n",
            "I campi obbligatori sono in rosso.\n",
            "Usa il modulo qui sotto.\n",
        ] {
            let d = lint_body("C13", body, "it");
            assert_eq!(d.len(), 1, "{body}: {d:?}");
            assert!(!d[0].is_error());
        }
    }

    #[test]
    fn ordinary_words_pass() {
        for body in [
            "I documenti indicati sopra servono per il rinnovo.\n",
            "I minori sotto i 14 anni non lasciano le impronte.\n",
            "La carta verde è un documento americano.\n",
            "Il partito di destra e quello di sinistra.\n",
        ] {
            assert!(lint_body("C13", body, "it").is_empty(), "{body}");
        }
    }

    #[test]
    fn only_italian_pages_are_checked() {
        assert!(lint_body("C13", "Press the button on the right: a destra.\n", "en").is_empty());
    }
}
