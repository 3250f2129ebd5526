//! C15: every page has a short title, a description and the date of its last review.
//!
//! The title is the `<title>` and the `h1` (WCAG 2.4.2); past 70 characters search engines and
//! browser tabs cut it. Its presence and uniqueness are checked when pages are loaded; the
//! language comes from the file name, so `lang:` is never required.

use crate::context::PageContext;
use respi_sources::diagnostics::Diagnostic;

const MAX_TITLE_CHARS: usize = 70;

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    let fm = &ctx.page.fm;
    let chars = ctx.page.title.chars().count();
    if chars > MAX_TITLE_CHARS {
        out.push(
            ctx.error_at("C15", ctx.key_line("title"), 1, format!("titolo troppo lungo: {chars} caratteri (al massimo {MAX_TITLE_CHARS})"))
                .with_help("accorciare `title:` tenendo le parole che distinguono la pagina; i dettagli vanno in `description:`"),
        );
    }
    if fm.description.trim().is_empty() {
        out.push(
            ctx.error_at("C15", ctx.key_line("description"), 1, "manca la descrizione (`description:`)")
                .with_help("aggiungere `description: \"…\"` con una frase che riassume la pagina: compare nei risultati di ricerca e negli elenchi"),
        );
    }
    if fm.updated.is_none() {
        out.push(
            ctx.error_at("C15", ctx.key_line("updated"), 1, "manca la data dell'ultimo aggiornamento (`updated:`)")
                .with_help("aggiungere `updated: AAAA-MM-GG` con la data in cui il contenuto è stato controllato l'ultima volta"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{FRONT, lint_body, lint_source};
    use std::path::Path;

    #[test]
    fn complete_front_matter_passes() {
        assert!(lint_body("C15", "Testo.\n", "it").is_empty());
    }

    #[test]
    fn missing_description_and_date_are_errors() {
        let src = "---\ntitle: \"Prova\"\ndescription: \"\"\n---\nTesto.\n";
        let d = lint_source("C15", src, "it", Path::new("/x"));
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.is_error()));
        assert_eq!(d[0].line, 3, "points at the empty description");
        assert!(d[1].message.contains("updated"));
    }

    #[test]
    fn long_title_is_an_error() {
        let long = "Come si rinnova il permesso di soggiorno per lavoro subordinato in provincia";
        let src = FRONT.replace("\"Prova\"", &format!("\"{long}\""));
        let d = lint_source("C15", &format!("{src}Testo.\n"), "it", Path::new("/x"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("76 caratteri"), "{}", d[0]);
        assert_eq!(d[0].line, 2);
    }
}
