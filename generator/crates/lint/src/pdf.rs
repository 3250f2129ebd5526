//! C7: linked PDFs are tagged and declare a title and a language (EN 301 549 clause 10).
//!
//! Read with lopdf, without external programs: tagged means the catalog has `/MarkInfo
//! << /Marked true >>` or a `/StructTreeRoot`; the title is the Info dictionary's `/Title` or
//! the XMP `dc:title`; the language is the catalog's `/Lang`. A problem is a warning: the PDF
//! usually comes from another office, and the page can still go out with an HTML alternative.

use std::collections::HashSet;

use crate::context::PageContext;
use respi_sources::diagnostics::Diagnostic;

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for link in &ctx.links {
        if respi_markdown::document_extension(&link.dest).as_deref() != Some("pdf") {
            continue;
        }
        let Some(rel) = ctx.content_path(&link.dest) else {
            continue;
        };
        if !seen.insert(rel.clone()) {
            continue;
        }
        if let Some(d) = pdf_problem(ctx, &rel, link.offset) {
            out.push(d);
        }
    }
    // A document page names its file in the front matter rather than in a link.
    if let Some(doc) = &ctx.page.fm.document
        && doc.file.to_ascii_lowercase().ends_with(".pdf")
        && let Some(rel) = ctx.content_path(&doc.file)
        && seen.insert(rel.clone())
        && let Some(d) = pdf_problem(ctx, &rel, usize::MAX)
    {
        out.push(d);
    }
}

/// The warning for the PDF at content path `rel`, placed at `offset` in the body, or at the
/// front matter's `document:` key when `offset` is `usize::MAX`.
fn pdf_problem(ctx: &PageContext<'_>, rel: &str, offset: usize) -> Option<Diagnostic> {
    let file = ctx.content_file(rel);
    if !file.is_file() {
        return None;
    }
    let shown = format!("content/{rel}");
    let (message, help) = match ctx.pdfs.get(&file).as_ref() {
        Err(e) => (
            format!("impossibile leggere il PDF {shown}: {e}"),
            "controllare che il file sia un PDF valido e non protetto da password, esportandolo di nuovo dal programma di origine".to_string(),
        ),
        Ok(info) => {
            let missing = info.missing();
            if missing.is_empty() {
                return None;
            }
            (
                format!("il PDF {shown} non è accessibile: mancano {}", missing.join(", ")),
                "esportarlo di nuovo come «PDF con tag» (in LibreOffice: Esporta come PDF → «PDF con tag» e, in Proprietà del documento, titolo e lingua; in Word: Salva come PDF → Opzioni → «Tag della struttura del documento»); se non è possibile, pubblicare lo stesso contenuto anche come pagina HTML".to_string(),
            )
        }
    };
    let d = if offset == usize::MAX {
        let line = ctx.key_line("document");
        Diagnostic::warning(&ctx.page.file, line, 1, message)
            .with_rule("C7")
            .with_source(&ctx.page.source)
    } else {
        ctx.warning("C7", offset, message)
    };
    Some(d.with_help(help))
}

#[cfg(test)]
mod tests {
    use crate::pdf_info::PdfInfo;
    use crate::testing::{FRONT, lint_source};
    use lopdf::{Document, Object, Stream, dictionary};

    /// A one-page PDF; `tagged`, `title` and `lang` decide what its catalog and Info declare.
    fn sample_pdf(tagged: bool, title: Option<&str>, lang: Option<&str>) -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let content_id = doc.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page_id.into()],
                "Count" => 1,
            }),
        );
        let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
        if tagged {
            catalog.set("MarkInfo", dictionary! { "Marked" => true });
        }
        if let Some(lang) = lang {
            catalog.set("Lang", Object::string_literal(lang));
        }
        let catalog_id = doc.add_object(catalog);
        doc.trailer.set("Root", catalog_id);
        if let Some(title) = title {
            let info_id = doc.add_object(dictionary! { "Title" => Object::string_literal(title) });
            doc.trailer.set("Info", info_id);
        }
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    fn site_with(pdf: &[u8]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/guida.pdf"), pdf).unwrap();
        dir
    }

    #[test]
    fn reads_tags_title_and_language() {
        let dir = site_with(&sample_pdf(true, Some("Guida"), Some("it-IT")));
        let info = PdfInfo::read(&dir.path().join("content/guida.pdf")).unwrap();
        assert_eq!(
            info,
            PdfInfo {
                tagged: true,
                has_title: true,
                lang: Some("it-IT".into())
            }
        );
        let src = format!("{FRONT}La [guida ai servizi](guida.pdf).\n");
        assert!(lint_source("C7", &src, "it", dir.path()).is_empty());
    }

    #[test]
    fn untagged_pdf_is_a_warning_naming_the_file() {
        let dir = site_with(&sample_pdf(false, None, None));
        let src = format!("{FRONT}La [guida ai servizi](guida.pdf) e [ancora](guida.pdf).\n");
        let d = lint_source("C7", &src, "it", dir.path());
        assert_eq!(d.len(), 1, "one warning per file and page: {d:?}");
        assert!(!d[0].is_error());
        assert!(d[0].message.contains("content/guida.pdf"), "{}", d[0]);
        assert!(d[0].message.contains("i tag"));
        assert!(d[0].message.contains("il titolo"));
        assert!(d[0].message.contains("la lingua"));
    }

    #[test]
    fn unreadable_pdf_is_a_warning() {
        let dir = site_with(b"%PDF-1.4\n% not really\n");
        let src = format!("{FRONT}La [guida ai servizi](guida.pdf).\n");
        let d = lint_source("C7", &src, "it", dir.path());
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("impossibile leggere"), "{}", d[0]);
    }

    #[test]
    fn document_in_another_language_must_say_so() {
        let dir = site_with(&sample_pdf(true, Some("Guide"), Some("en-GB")));
        let src = format!("{FRONT}La [guida ai servizi](guida.pdf).\n");
        let d = lint_source("C6", &src, "it", dir.path());
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(!d[0].is_error());
        let src = format!("{FRONT}La [guida ai servizi, in inglese](guida.pdf).\n");
        assert!(lint_source("C6", &src, "it", dir.path()).is_empty());
        let src = format!("{FRONT}The [service guide](guida.pdf).\n");
        let en = src.replace("---\n\n", "---\n");
        assert!(lint_source("C6", &en, "en", dir.path()).is_empty());
    }
}
