//! C1–C3: images have a useful text alternative, decorative ones are marked, images of text have the text.

use pulldown_cmark::{Event, Tag};

use crate::context::{PageContext, normalize, text_until_end};
use respi_markdown::DECORATIVE_ALT;
use respi_sources::diagnostics::Diagnostic;

/// Beyond this the description belongs in the text or in a caption, not in `alt`.
const MAX_ALT_CHARS: usize = 150;

/// Words that say "there is an image" without saying what it shows.
const GENERIC_ALT: &[&str] = &[
    "immagine",
    "immagini",
    "foto",
    "fotografia",
    "figura",
    "logo",
    "icona",
    "banner",
    "grafico",
    "img",
    "image",
    "picture",
    "photo",
    "icon",
];

/// Openings that repeat what a screen reader already announces ("immagine").
const REDUNDANT_OPENINGS: &[&str] = &[
    "immagine di",
    "immagine del",
    "immagine della",
    "immagine che",
    "foto di",
    "foto del",
    "foto della",
    "fotografia di",
    "image of",
    "picture of",
    "photo of",
];

const IMAGE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "svg", "avif", "tif", "tiff", "bmp", "heic",
];

/// Words in a file name or alt text that reveal an image of text (WCAG 1.4.5).
const TEXT_IMAGE_WORDS: &[&str] = &[
    "locandina",
    "volantino",
    "manifesto",
    "poster",
    "flyer",
    "brochure",
    "depliant",
    "pieghevole",
    "scansione",
    "scansionato",
    "scansionata",
];

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut text_image: Option<usize> = None;
    for (i, (event, range)) in ctx.events.iter().enumerate() {
        let Event::Start(Tag::Image { dest_url, .. }) = event else {
            continue;
        };
        let alt = text_until_end(&ctx.events, i);
        let alt = alt.trim();
        let offset = range.start;
        if is_image_of_text(dest_url, alt) && text_image.is_none() {
            text_image = Some(offset);
        }
        if alt == DECORATIVE_ALT {
            continue;
        }
        if alt.is_empty() {
            out.push(
                ctx.error("C1", offset, format!("l'immagine `{dest_url}` non ha un testo alternativo"))
                    .with_help(format!(
                        "scrivere tra le parentesi quadre che cosa mostra l'immagine, per esempio `![Lo sportello di Alba con la fila di utenti]({dest_url})`; se è solo un ornamento scrivere `![{DECORATIVE_ALT}]({dest_url})`"
                    )),
            );
            continue;
        }
        if let Some(problem) = alt_problem(alt, dest_url) {
            out.push(
                ctx.error("C2", offset, format!("testo alternativo inadeguato «{alt}»: {problem}"))
                    .with_help("descrivere in una frase breve che cosa mostra l'immagine e perché è nella pagina; le descrizioni lunghe vanno nel testo, sotto l'immagine"),
            );
        }
    }
    if let Some(offset) = text_image {
        check_text_equivalent(ctx, offset, out);
    }
}

/// Why `alt` does not describe the image, if it does not.
fn alt_problem(alt: &str, dest: &str) -> Option<String> {
    let lower = alt.to_lowercase();
    let file_name = dest.rsplit('/').next().unwrap_or(dest).to_lowercase();
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name.as_str(), |(s, _)| s);
    let looks_like_file = lower
        .rsplit_once('.')
        .is_some_and(|(_, ext)| IMAGE_EXTENSIONS.contains(&ext));
    if looks_like_file || lower == file_name || lower == stem || is_camera_name(&lower) {
        return Some("è un nome di file".into());
    }
    let words = normalize(alt);
    if GENERIC_ALT.contains(&words.as_str()) {
        return Some("è una parola generica".into());
    }
    if let Some(opening) = REDUNDANT_OPENINGS
        .iter()
        .find(|o| words == **o || words.starts_with(&format!("{o} ")))
    {
        return Some(format!(
            "inizia con «{opening}», che il lettore di schermo annuncia già"
        ));
    }
    let chars = alt.chars().count();
    if chars > MAX_ALT_CHARS {
        return Some(format!(
            "è lungo {chars} caratteri (al massimo {MAX_ALT_CHARS})"
        ));
    }
    None
}

/// `IMG_2034`, `DSC0012`, `foto_1`, `immagine3`: names a camera or a folder gave the file.
fn is_camera_name(alt: &str) -> bool {
    let prefix_len = alt.find(|c: char| c.is_ascii_digit()).unwrap_or(alt.len());
    let (prefix, digits) = alt.split_at(prefix_len);
    let prefix = prefix.trim_end_matches(['_', '-', ' ']);
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && [
            "img",
            "dsc",
            "dscn",
            "dscf",
            "pxl",
            "foto",
            "immagine",
            "image",
            "pic",
            "photo",
            "scan",
            "screenshot",
            "schermata",
            "whatsapp image",
        ]
        .contains(&prefix)
}

fn is_image_of_text(dest: &str, alt: &str) -> bool {
    let name = dest.rsplit('/').next().unwrap_or(dest);
    let words = format!(
        "{} {}",
        normalize(&name.replace(['-', '_'], " ")),
        normalize(alt)
    );
    words.split(' ').any(|w| TEXT_IMAGE_WORDS.contains(&w))
}

/// C3: an image of text needs the same text in the page, under the heading `text_equivalent` names.
fn check_text_equivalent(ctx: &PageContext<'_>, offset: usize, out: &mut Vec<Diagnostic>) {
    match ctx.page.fm.text_equivalent.as_deref() {
        None => out.push(
            ctx.error("C3", offset, "immagine di testo (locandina, volantino, avviso scansionato) senza il testo nella pagina")
                .with_help("trascrivere il testo dell'immagine nella pagina sotto un titolo, per esempio `## Testo della locandina`, e indicarlo nel front matter con `text_equivalent: \"#testo-della-locandina\"`"),
        ),
        Some(anchor) => {
            let id = anchor.trim_start_matches('#');
            if !ctx.heading_ids().contains(id) {
                let line = ctx.key_line("text_equivalent");
                out.push(
                    ctx.error_at("C3", line, 1, format!("`text_equivalent: {anchor}` non corrisponde a nessun titolo della pagina"))
                        .with_help("indicare l'ancora del titolo sotto cui è trascritto il testo dell'immagine: il titolo in minuscolo con i trattini al posto degli spazi, preceduto da `#`"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{FRONT, lint_body, lint_source};
    use std::path::Path;

    #[test]
    fn image_without_alt_is_an_error() {
        let d = lint_body("C1", "![](sportello.jpg)\n", "it");
        assert_eq!(d.len(), 1);
        assert!(d[0].is_error());
        assert!(d[0].message.contains("sportello.jpg"));
    }

    #[test]
    fn decorative_mark_is_accepted() {
        assert!(lint_body("C1", "![decorativa](fregio.png)\n", "it").is_empty());
        assert!(lint_body("C2", "![decorativa](fregio.png)\n", "it").is_empty());
    }

    #[test]
    fn file_names_generic_words_and_long_alts_are_rejected() {
        for alt in [
            "IMG_2034.jpg",
            "IMG_2034",
            "foto_1",
            "sportello",
            "Immagine",
            "logo",
            "Immagine di un ufficio",
        ] {
            let d = lint_body("C2", &format!("![{alt}](sportello.png)\n"), "it");
            assert_eq!(d.len(), 1, "{alt}: {d:?}");
        }
        let long = "a ".repeat(80);
        assert_eq!(
            lint_body("C2", &format!("![{long}](x.png)\n"), "it").len(),
            1
        );
    }

    #[test]
    fn descriptive_alt_passes() {
        let d = lint_body(
            "C2",
            "![Operatrice dello sportello di Bra che aiuta un utente](bra.jpg)\n",
            "it",
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(lint_body("C2", "![Logo della Provincia di Cuneo](logo.svg)\n", "it").is_empty());
    }

    #[test]
    fn image_of_text_needs_the_text_in_the_page() {
        let body = "![Locandina del corso di italiano](locandina-corso.png)\n";
        assert_eq!(lint_body("C3", body, "it").len(), 1);
        let with = FRONT.replace(
            "updated:",
            "text_equivalent: \"#testo-della-locandina\"\nupdated:",
        );
        let ok = format!("{with}{body}\n## Testo della locandina\n\nCorso gratuito.\n");
        assert!(lint_source("C3", &ok, "it", Path::new("/x")).is_empty());
        let wrong = format!("{with}{body}\n## Altro titolo\n");
        let d = lint_source("C3", &wrong, "it", Path::new("/x"));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 4, "{}", d[0]);
    }
}
