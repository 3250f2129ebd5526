//! C6: links to documents say format, size and, when it is not the page's, language.
//!
//! For files under `content/` the renderer appends "(PDF, 240 kB)" to the link itself, from the
//! file on disk (`markdown::link_label`), so the label is never stale; editors write it only for
//! documents on other sites, which the generator cannot measure.

use std::path::Path;

use crate::context::{Link, PageContext, normalize};
use respi_markdown::document_extension;
use respi_sources::diagnostics::Diagnostic;

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    for link in &ctx.links {
        let Some(ext) = document_extension(&link.dest) else {
            continue;
        };
        let stated = format!("{} {}", link.text, link.title);
        match ctx.content_path(&link.dest) {
            None => {
                if !(states_format(&stated, &ext) && states_size(&stated)) {
                    out.push(
                        ctx.error("C6", link.offset, format!("il collegamento al documento esterno `{}` non indica formato e dimensione", link.dest))
                            .with_help(format!("aggiungere al testo del collegamento formato e dimensione del file, per esempio `[Modulo di domanda ({}, 240 kB)]({})`; per i file messi in content/ lo fa il generatore", ext.to_ascii_uppercase(), link.dest)),
                    );
                }
            }
            Some(rel) => {
                let file = ctx.content_file(&rel);
                if !file.is_file() {
                    continue;
                }
                if states_format(&link.text, &ext) && states_size(&link.text) {
                    out.push(
                        ctx.error("C6", link.offset, "formato e dimensione scritti a mano nel testo del collegamento")
                            .with_help("toglierli: il generatore aggiunge da solo «(PDF, 240 kB)» leggendo il file, così restano sempre giusti"),
                    );
                }
                if ext == "pdf" {
                    check_language(ctx, link, &file, &stated, out);
                }
            }
        }
    }
}

/// A PDF in another language than the page's must say so next to the link (WCAG 3.1.2).
fn check_language(
    ctx: &PageContext<'_>,
    link: &Link,
    file: &Path,
    stated: &str,
    out: &mut Vec<Diagnostic>,
) {
    let info = ctx.pdfs.get(file);
    let Ok(info) = info.as_ref() else { return };
    let Some(doc_lang) = info.lang.as_deref() else {
        return;
    };
    let doc_primary = primary(doc_lang);
    if doc_primary == primary(&ctx.page.lang) {
        return;
    }
    let words = normalize(stated);
    let named = language_names(&doc_primary)
        .iter()
        .any(|n| crate::context::find_phrase(&words, n).is_some());
    if !named {
        let example = language_names(&doc_primary)
            .first()
            .copied()
            .unwrap_or(doc_primary.as_str());
        out.push(
            ctx.warning("C6", link.offset, format!("il documento `{}` è in una lingua diversa da quella della pagina (`{doc_lang}`) e il collegamento non lo dice", link.dest))
                .with_help(format!("indicare la lingua nel testo del collegamento, per esempio `[Guida ai servizi, in {example}]({})`", link.dest)),
        );
    }
}

fn primary(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or(lang)
        .to_ascii_lowercase()
}

fn states_format(text: &str, ext: &str) -> bool {
    let names: &[&str] = match ext {
        "doc" | "docx" => &["doc", "docx", "word"],
        "xls" | "xlsx" => &["xls", "xlsx", "excel"],
        "ppt" | "pptx" => &["ppt", "pptx", "powerpoint"],
        _ => &[],
    };
    let words = normalize(text);
    words.split(' ').any(|w| w == ext || names.contains(&w))
}

fn states_size(text: &str) -> bool {
    let lower = text.to_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || "()[];".contains(c))
        .filter(|t| !t.is_empty())
        .collect();
    let is_unit = |t: &str| {
        matches!(
            t.trim_end_matches([',', '.']),
            "kb" | "mb" | "gb" | "byte" | "kib" | "mib"
        )
    };
    let starts_with_digit = |t: &str| t.starts_with(|c: char| c.is_ascii_digit());
    tokens.iter().enumerate().any(|(i, t)| {
        (is_unit(t) && i > 0 && starts_with_digit(tokens[i - 1]))
            || (starts_with_digit(t)
                && is_unit(
                    t.trim_start_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.'),
                ))
    })
}

/// How a link text may name a language: in Italian, in English, or in the language itself.
fn language_names(primary: &str) -> &'static [&'static str] {
    match primary {
        "it" => &["italiano", "italian", "italien"],
        "en" => &["inglese", "english", "anglais"],
        "fr" => &["francese", "french", "français", "francais"],
        "ar" => &["arabo", "arabic", "arabe", "العربية"],
        "es" => &["spagnolo", "spanish", "español", "espagnol"],
        "de" => &["tedesco", "german", "deutsch", "allemand"],
        "pt" => &["portoghese", "portuguese", "português"],
        "ro" => &["rumeno", "romeno", "romanian", "română"],
        "sq" => &["albanese", "albanian", "shqip"],
        "zh" => &["cinese", "chinese", "中文"],
        "ru" => &["russo", "russian", "русский"],
        "uk" => &["ucraino", "ukrainian", "українська"],
        "ur" => &["urdu", "اردو"],
        "bn" => &["bengalese", "bengali", "বাংলা"],
        "hi" => &["hindi", "हिन्दी"],
        "pa" => &["punjabi", "panjabi", "ਪੰਜਾਬੀ"],
        "ti" => &["tigrino", "tigrinya", "ትግርኛ"],
        "am" => &["amarico", "amharic", "አማርኛ"],
        "fa" => &["persiano", "farsi", "persian", "فارسی"],
        "wo" => &["wolof"],
        "pl" => &["polacco", "polish", "polski"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{FRONT, lint_body, lint_source};

    #[test]
    fn external_documents_must_state_format_and_size() {
        let d = lint_body(
            "C6",
            "[Il decreto](https://example.org/decreto.pdf)\n",
            "it",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].is_error());
        for ok in [
            "[Il decreto (PDF, 1,2 MB)](https://example.org/decreto.pdf)\n",
            "[Il decreto (PDF 240kB)](https://example.org/decreto.pdf)\n",
            "[Il modulo (Word, 30 kB)](https://example.org/modulo.docx)\n",
        ] {
            assert!(lint_body("C6", ok, "it").is_empty(), "{ok}");
        }
    }

    #[test]
    fn hand_written_label_on_a_local_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/modulo.odt"), b"x").unwrap();
        let src = format!("{FRONT}[Modulo (ODT, 1 kB)](modulo.odt)\n");
        let d = lint_source("C6", &src, "it", dir.path());
        assert_eq!(d.len(), 1, "{d:?}");
        let src = format!("{FRONT}[Modulo di domanda](modulo.odt)\n");
        assert!(lint_source("C6", &src, "it", dir.path()).is_empty());
    }
}
