//! Documents of the archive: the file beside a page with `document:`, its format, size and text.

use std::path::Path;

use crate::content::{CONTENT_DIR, Page};
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::frontmatter;

/// The kinds of document the archive knows (DESIGN.md, content contract).
pub const KINDS: &[&str] = &[
    "normativa",
    "circolare",
    "modulistica",
    "atti-formazione",
    "monitoraggio",
    "promozione",
    "protocollo",
];

/// Text beyond this is not indexed: search needs the words, not whole books.
const MAX_TEXT_CHARS: usize = 200_000;

#[derive(Debug, Clone)]
pub struct DocumentFile {
    /// Path relative to `content/` (and to the output folder).
    pub rel: String,
    /// Upper-case format name: PDF, DOCX, ODT…
    pub format: String,
    pub size: u64,
    /// "240 kB", "1,2 MB"
    pub size_label: String,
    /// The text of a PDF, for search; None for other formats or unreadable files.
    pub text: Option<String>,
}

/// What reading a page's document gives: its file, nothing (not a document page), or the problem.
pub type DocumentRead = Result<Option<DocumentFile>, Box<Diagnostic>>;

/// Finds and reads the file of a document page; the error names the `file:` line.
pub fn read(root: &Path, page: &Page) -> DocumentRead {
    let Some(doc) = &page.fm.document else {
        return Ok(None);
    };
    let key_line = |key: &str| {
        page.source
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            .map(|i| i + 1)
            .unwrap_or_else(|| {
                frontmatter::key_position(&page.source, "document")
                    .map(|(l, _)| l)
                    .unwrap_or(1)
            })
    };
    if !KINDS.contains(&doc.kind.as_str()) {
        let help = match did_you_mean(&doc.kind, KINDS.iter().copied()) {
            Some(s) => format!("forse intendevi `{s}`?"),
            None => format!("i tipi ammessi sono: {}", KINDS.join(", ")),
        };
        return Err(Box::new(
            Diagnostic::error(
                &page.file,
                key_line("kind"),
                1,
                format!("tipo di documento sconosciuto `{}`", doc.kind),
            )
            .with_help(help)
            .with_source(&page.source),
        ));
    }
    let folder = page.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let rel = if folder.is_empty() {
        doc.file.clone()
    } else {
        format!("{folder}/{}", doc.file)
    };
    let path = root.join(CONTENT_DIR).join(&rel);
    let meta =
        std::fs::metadata(&path).map_err(|_| {
            Box::new(Diagnostic::error(
            &page.file,
            key_line("file"),
            1,
            format!("il file del documento `{}` non esiste", doc.file),
        )
        .with_help(format!(
            "mettere il file in {CONTENT_DIR}/{rel}, accanto alla pagina, o correggere `file:`"
        ))
        .with_source(&page.source))
        })?;
    let format = rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_uppercase())
        .unwrap_or_else(|| "FILE".into());
    let text = (format == "PDF").then(|| pdf_text(&path)).flatten();
    Ok(Some(DocumentFile {
        rel,
        format,
        size: meta.len(),
        size_label: format_size(meta.len()),
        text,
    }))
}

/// The text of every page of a PDF, or None when it cannot be read (a scan, an encrypted file).
pub fn pdf_text(path: &Path) -> Option<String> {
    let doc = lopdf::Document::load(path).ok()?;
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).ok()?;
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text: String = text.chars().take(MAX_TEXT_CHARS).collect();
    (!text.is_empty()).then_some(text)
}

/// Sizes as Italian readers write them: "240 kB", "1,2 MB", "15 MB" (decimal units).
pub fn format_size(bytes: u64) -> String {
    const KB: u64 = 1000;
    const MB: u64 = 1000 * KB;
    if bytes < MB {
        // Rounded up, so that a small file is never "0 kB".
        return format!("{} kB", bytes.div_ceil(KB).max(1));
    }
    let tenths = (bytes * 10 + MB / 2) / MB;
    if tenths >= 100 {
        format!("{} MB", (tenths + 5) / 10)
    } else if tenths.is_multiple_of(10) {
        format!("{} MB", tenths / 10)
    } else {
        format!("{},{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_italian_format() {
        assert_eq!(format_size(19), "1 kB");
        assert_eq!(format_size(240_000), "240 kB");
        assert_eq!(format_size(239_100), "240 kB");
        assert_eq!(format_size(1_240_000), "1,2 MB");
        assert_eq!(format_size(2_000_000), "2 MB");
        assert_eq!(format_size(15_400_000), "15 MB");
    }
}
