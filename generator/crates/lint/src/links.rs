//! C5: a link's text says where it leads, without the text around it.

use std::collections::HashMap;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::context::{Link, PageContext, normalize};
use respi_sources::diagnostics::Diagnostic;

/// Link texts that make sense only with their surroundings (compared after [`normalize`]).
const GENERIC_TEXTS: &[&str] = &[
    "qui",
    "qua",
    "clicca",
    "clicca qui",
    "clicca qua",
    "cliccare qui",
    "premi qui",
    "link",
    "il link",
    "questo link",
    "collegamento",
    "questo collegamento",
    "leggi",
    "leggi qui",
    "leggi tutto",
    "leggi di più",
    "leggi altro",
    "scarica",
    "scarica qui",
    "download",
    "vai",
    "vai qui",
    "vedi",
    "vedi qui",
    "apri",
    "continua",
    "continua a leggere",
    "approfondisci",
    "di più",
    "scopri di più",
    "altro",
    "dettagli",
    "maggiori informazioni",
    "più informazioni",
    "info",
    "pagina",
    "questa pagina",
    "sito",
    "documento",
    "allegato",
    "file",
    "here",
    "click",
    "click here",
    "more",
    "read more",
    "learn more",
    "more info",
    "this link",
    "this page",
    "details",
    "ici",
    "cliquez ici",
    "lire la suite",
    "en savoir plus",
];

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut by_text: HashMap<String, &Link> = HashMap::new();
    for link in &ctx.links {
        let text = normalize(&link.text);
        if is_bare_url(link) {
            out.push(
                ctx.warning("C5", link.offset, format!("indirizzo scritto per esteso come testo del collegamento: {}", link.dest))
                    .with_help(format!("scrivere un testo che dica dove porta il collegamento, per esempio `[Portale Immigrazione]({})`: i lettori di schermo leggono l'indirizzo lettera per lettera", link.dest)),
            );
            continue;
        }
        if text.is_empty() && !link.has_image {
            out.push(
                ctx.error(
                    "C5",
                    link.offset,
                    format!("collegamento a `{}` senza testo", link.dest),
                )
                .with_help("scrivere tra le parentesi quadre dove porta il collegamento"),
            );
            continue;
        }
        if GENERIC_TEXTS.contains(&text.as_str()) {
            out.push(
                ctx.error("C5", link.offset, format!("testo del collegamento generico: «{}»", link.text.trim()))
                    .with_help("il testo deve dire dove porta il collegamento anche letto da solo, per esempio `[modulo per il rinnovo del permesso](modulo.pdf)` invece di `[clicca qui](modulo.pdf)`"),
            );
            continue;
        }
        if text.is_empty() {
            continue;
        }
        match by_text.get(&text) {
            Some(first) if same_target(&first.dest) != same_target(&link.dest) => {
                let (line, _) = ctx.position(first.offset);
                out.push(
                    ctx.warning("C5", link.offset, format!("due collegamenti con lo stesso testo «{}» portano a indirizzi diversi (l'altro è alla riga {line})", link.text.trim()))
                        .with_help("dare a ciascun collegamento un testo diverso che dica dove porta"),
                );
            }
            Some(_) => {}
            None => {
                by_text.insert(text, link);
            }
        }
    }
    bare_urls_in_text(ctx, out);
}

/// `<https://…>` or `[https://…](https://…)`: the address itself is the link text.
fn is_bare_url(link: &Link) -> bool {
    let text = link.text.trim();
    let is_web =
        |s: &str| s.starts_with("http://") || s.starts_with("https://") || s.starts_with("www.");
    (link.autolink && is_web(&link.dest)) || (is_web(text) && !text.contains(' '))
}

fn same_target(dest: &str) -> &str {
    dest.trim_end_matches('/')
}

/// Addresses in running text: not even a link, and read out character by character.
fn bare_urls_in_text(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut in_link = 0usize;
    for (event, range) in &ctx.events {
        match event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => in_link += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => in_link -= 1,
            Event::Text(t) if in_link == 0 => {
                if let Some(i) = url_start(t) {
                    let url: String = t[i..].chars().take_while(|c| !c.is_whitespace()).collect();
                    out.push(
                        ctx.warning("C5", range.start + i, format!("indirizzo scritto nel testo: {url}"))
                            .with_help(format!("farne un collegamento con un testo che dica dove porta, per esempio `[nome del sito]({url})`")),
                    );
                }
            }
            _ => {}
        }
    }
}

/// Where the first web address in `text` starts.
fn url_start(text: &str) -> Option<usize> {
    ["https://", "http://", "www."]
        .iter()
        .filter_map(|p| {
            text.match_indices(p).map(|(i, _)| i).find(|&i| {
                !text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '/')
            })
        })
        .min()
}

#[cfg(test)]
mod tests {
    use crate::testing::lint_body;

    #[test]
    fn generic_texts_are_errors() {
        for text in [
            "clicca qui",
            "Qui",
            "leggi tutto…",
            "Scarica",
            "click here",
            "Link",
        ] {
            let d = lint_body(
                "C5",
                &format!("Il modulo: [{text}](https://example.org/m)\n"),
                "it",
            );
            assert_eq!(d.len(), 1, "{text}: {d:?}");
            assert!(d[0].is_error());
        }
    }

    #[test]
    fn descriptive_text_passes() {
        let d = lint_body(
            "C5",
            "Vedi il [modulo per il rinnovo](https://example.org/m) e la [guida](https://example.org/g).\n",
            "it",
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn empty_link_is_an_error() {
        assert_eq!(lint_body("C5", "[](https://example.org)\n", "it").len(), 1);
    }

    #[test]
    fn bare_urls_are_warnings() {
        for body in [
            "Vedi <https://www.portaleimmigrazione.it/>.\n",
            "Vedi [https://www.portaleimmigrazione.it](https://www.portaleimmigrazione.it).\n",
            "Vedi https://www.portaleimmigrazione.it per la pratica.\n",
            "Vedi www.portaleimmigrazione.it per la pratica.\n",
        ] {
            let d = lint_body("C5", body, "it");
            assert_eq!(d.len(), 1, "{body}: {d:?}");
            assert!(!d[0].is_error());
        }
        assert!(lint_body("C5", "Scrivete a <info@example.org>.\n", "it").is_empty());
    }

    #[test]
    fn same_text_different_targets_is_a_warning() {
        let d = lint_body(
            "C5",
            "[Modulo](https://example.org/a) e poi [modulo](https://example.org/b).\n",
            "it",
        );
        assert_eq!(d.len(), 1);
        assert!(!d[0].is_error());
        assert!(d[0].message.contains("riga 6"), "{}", d[0]);
        let same = "[Modulo](https://example.org/a) e [Modulo](https://example.org/a/).\n";
        assert!(lint_body("C5", same, "it").is_empty());
    }
}
