//! Content accessibility rules C1–C15 (see ACCESSIBILITY.md), checked on each page's Markdown and front matter.
//!
//! [`Linter::check`] parses a page body once and hands the events to one small module per
//! rule. Every diagnostic names the rule, the place and how to fix it, in Italian, because the
//! people who fix them are the portal's editors. The conventions editors must know (decorative
//! images, captions of tables, `lang` spans, `audience`) are described in the crate's
//! `README.md`.

mod context;
mod document_links;
mod front_matter;
mod headings;
mod html;
mod images;
mod language;
mod links;
mod lists;
mod media;
mod pdf;
mod pdf_info;
mod raw_html;
mod readability;
mod sensory;
mod tables;

use std::path::{Path, PathBuf};

use context::{PageContext, PdfCache};
use respi_sources::content::{CONTENT_DIR, Page};
use respi_sources::diagnostics::{Diagnostic, Severity};

/// Checks pages against the content rules; shared by all pages of a build so that a PDF linked
/// from many pages is read once.
pub struct Linter {
    content_dir: PathBuf,
    pdfs: PdfCache,
}

impl Linter {
    /// A linter for the site whose `content/` folder is under `root`.
    pub fn new(root: &Path) -> Linter {
        Linter {
            content_dir: root.join(CONTENT_DIR),
            pdfs: PdfCache::default(),
        }
    }

    /// Every rule's diagnostics for one page.
    pub fn check(&self, page: &Page) -> Vec<Diagnostic> {
        let ctx = PageContext::new(page, &self.content_dir, &self.pdfs);
        let mut out = Vec::new();
        front_matter::check(&ctx, &mut out);
        images::check(&ctx, &mut out);
        headings::check(&ctx, &mut out);
        links::check(&ctx, &mut out);
        document_links::check(&ctx, &mut out);
        pdf::check(&ctx, &mut out);
        tables::check(&ctx, &mut out);
        language::check(&ctx, &mut out);
        lists::check(&ctx, &mut out);
        raw_html::check(&ctx, &mut out);
        media::check(&ctx, &mut out);
        sensory::check(&ctx, &mut out);
        readability::check(&ctx, &mut out);
        if page.fm.draft {
            // A draft is not published: its problems must not stop the preview of the rest of
            // the site, but the editor sees them while writing.
            for d in &mut out {
                if d.is_error() {
                    d.severity = Severity::Warning;
                    d.message
                        .push_str(" (bozza: sarà un errore quando la pagina verrà pubblicata)");
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod testing {
    //! Pages built in memory for the rules' unit tests.

    use std::path::{Path, PathBuf};

    use respi_sources::content::Page;
    use respi_sources::diagnostics::Diagnostic;
    use respi_sources::frontmatter;

    use super::Linter;

    pub const FRONT: &str =
        "---\ntitle: \"Prova\"\ndescription: \"Una pagina\"\nupdated: 2026-10-01\n---\n";

    pub fn page(source: &str, rel: &str, lang: &str) -> Page {
        let split = frontmatter::split(source).expect("front matter");
        let fm = frontmatter::parse(Path::new(rel), source, &split).expect("valid front matter");
        Page {
            file: PathBuf::from("content").join(rel),
            rel: rel.into(),
            key: rel.trim_end_matches(".md").into(),
            lang: lang.into(),
            is_section: false,
            parent: String::new(),
            dir: String::new(),
            path: String::new(),
            title: fm.title.clone().unwrap_or_default(),
            body_line: split.body_line,
            body_offset: source.len() - split.body.len(),
            fm,
            source: source.into(),
        }
    }

    /// Diagnostics of `rule` for a page whose body is `body` under the standard front matter.
    pub fn lint_body(rule: &str, body: &str, lang: &str) -> Vec<Diagnostic> {
        lint_source(
            rule,
            &format!("{FRONT}{body}"),
            lang,
            Path::new("/nonexistent"),
        )
    }

    pub fn lint_source(rule: &str, source: &str, lang: &str, root: &Path) -> Vec<Diagnostic> {
        let rel = if lang == "it" {
            "pagina.md".to_string()
        } else {
            format!("pagina.{lang}.md")
        };
        Linter::new(root)
            .check(&page(source, &rel, lang))
            .into_iter()
            .filter(|d| d.rule == Some(rule))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{find_phrase, normalize};

    #[test]
    fn phrases_match_whole_words_only() {
        assert_eq!(find_phrase("vai a destra.", "a destra"), Some(4));
        assert_eq!(find_phrase("la destra", "destra"), Some(3));
        assert_eq!(find_phrase("ambidestra", "destra"), None);
    }

    #[test]
    fn normalize_drops_punctuation_and_case() {
        assert_eq!(normalize("  Clicca QUI! "), "clicca qui");
        assert_eq!(normalize("Leggi tutto…"), "leggi tutto");
    }

    #[test]
    fn errors_on_drafts_are_warnings() {
        let source = "---\ntitle: \"Bozza\"\ndescription: \"\"\ndraft: true\n---\n![](x.png)\n";
        let d = Linter::new(Path::new("/x")).check(&testing::page(source, "b.md", "it"));
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d.iter().all(|d| !d.is_error()));
        assert!(d[0].message.ends_with("quando la pagina verrà pubblicata)"));
    }

    #[test]
    fn diagnostics_point_into_the_file() {
        let d = testing::lint_body("C4", "Testo.\n\n# Titolo\n", "it");
        assert_eq!((d[0].line, d[0].column), (8, 1), "{}", d[0]);
        assert!(d[0].to_string().contains("[C4]"));
    }
}
