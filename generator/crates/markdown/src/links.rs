//! Links written in a page: resolved to the URLs of the outputs they lead to, in the reader's
//! language when the target has a translation, and labelled with format and size when they
//! lead to a document.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::CowStr;

use crate::page::PageRef;
use respi_sources::archive::format_size;
use respi_sources::config::Config;
use respi_sources::content::{Asset, CONTENT_DIR};
use respi_sources::diagnostics::Diagnostic;
use respi_sources::library::Library;

/// Where internal links can point: pages by their content path, and copied files.
pub struct LinkTargets {
    /// content-relative `.md` path → (translation key, language)
    pub by_rel: HashMap<String, (String, String)>,
    /// (translation key, language) → output path relative to the base path
    pub paths: HashMap<(String, String), String>,
    /// content-relative paths of the copied files
    pub assets: HashSet<String>,
    /// `.md` files that failed to load: their problem is already reported
    pub unavailable: HashSet<String>,
    pub base_path: String,
    pub default_lang: String,
    /// `content/` on disk: the renderer measures linked documents to label them (C6).
    pub content_dir: std::path::PathBuf,
}

impl LinkTargets {
    /// The targets of a site: its pages (`library`), the files copied from `content/`
    /// (`assets`) and the Markdown files that could not be read (`unavailable`, whose problem
    /// is reported already).
    pub fn new(
        root: &Path,
        config: &Config,
        library: &Library,
        assets: &[Asset],
        unavailable: &HashSet<String>,
    ) -> LinkTargets {
        let mut by_rel = HashMap::new();
        let mut paths = HashMap::new();
        for p in &library.pages {
            by_rel.insert(p.rel.clone(), (p.key.clone(), p.lang.clone()));
            paths.insert((p.key.clone(), p.lang.clone()), p.path.clone());
        }
        LinkTargets {
            by_rel,
            paths,
            assets: assets.iter().map(|a| a.rel.clone()).collect(),
            unavailable: unavailable.clone(),
            base_path: config.base_path(),
            default_lang: config.default_language.clone(),
            content_dir: root.join(CONTENT_DIR),
        }
    }
}

/// A link found in a page body, to be checked against the finished output.
#[derive(Debug, Clone)]
pub struct LinkRef {
    /// Output path relative to the base path, without fragment (`faq/a/`, `file.pdf`).
    pub path: String,
    pub fragment: Option<String>,
    pub line: usize,
    pub column: usize,
}

/// Extensions of the files readers download rather than read in the browser.
const DOCUMENT_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "odt", "xls", "xlsx", "ods", "ppt", "pptx", "odp", "zip", "rtf",
];

/// The lower-case extension of a link to a document, if it is one.
pub fn document_extension(dest: &str) -> Option<String> {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    DOCUMENT_EXTENSIONS.contains(&ext.as_str()).then_some(ext)
}

/// " (PDF, 240 kB)" for a link from the page `from_rel` to a document under `content_dir`;
/// `None` for other links and for files that do not exist (reported elsewhere).
pub fn link_label(content_dir: &Path, from_rel: &str, dest: &str) -> Option<String> {
    let ext = document_extension(dest)?;
    if is_external(dest) {
        return None;
    }
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let rel = join_content_path(from_rel, &percent_decode(path))?;
    let size = std::fs::metadata(content_dir.join(rel)).ok()?.len();
    Some(format!(
        " ({}, {})",
        ext.to_ascii_uppercase(),
        format_size(size)
    ))
}

pub fn is_external(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(colon) => {
            let scheme = &url[..colon];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !url[..colon].contains('/')
        }
        None => false,
    }
}

/// Joins `rel` (relative to the folder of `from`, or to `content/` when it starts with `/`).
pub fn join_content_path(from: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        from.rsplit_once('/')
            .map(|(dir, _)| dir.split('/').collect())
            .unwrap_or_default()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The URL that `dest`, written in `page` at (line, column) `at`, leads to; the link is kept
/// in `links` for the link check, a problem goes to `diags` (the link is then left as written).
pub(crate) fn resolve<'a>(
    page: &PageRef<'_>,
    targets: &LinkTargets,
    dest: &CowStr<'a>,
    (line, column): (usize, usize),
    links: &mut Vec<LinkRef>,
    diags: &mut Vec<Diagnostic>,
) -> CowStr<'a> {
    let url = dest.as_ref();
    if url.is_empty() || is_external(url) {
        return dest.clone();
    }
    let (path_part, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (url, None),
    };
    let path_part = path_part.split('?').next().unwrap_or("");
    if path_part.is_empty() {
        links.push(LinkRef {
            path: page.path.to_string(),
            fragment,
            line,
            column,
        });
        return dest.clone();
    }
    let decoded = percent_decode(path_part);
    let target = match join_content_path(page.rel, &decoded) {
        None => Err((
            format!("il collegamento `{url}` esce dalla cartella content/"),
            "usare un percorso relativo a un file dentro content/".to_string(),
        )),
        Some(rel) if rel.ends_with(".md") => page_target(page, targets, &rel, &decoded),
        Some(rel) => file_target(targets, path_part, rel, &decoded),
    };
    match target {
        Ok(Some(path)) => {
            let frag_suffix = fragment
                .as_deref()
                .map(|f| format!("#{f}"))
                .unwrap_or_default();
            let resolved = format!("{}{}{}", targets.base_path, path, frag_suffix);
            links.push(LinkRef {
                path,
                fragment,
                line,
                column,
            });
            CowStr::from(resolved)
        }
        Ok(None) => dest.clone(),
        Err((message, help)) => {
            diags.push(
                Diagnostic::error(page.file, line, column, message)
                    .with_help(help)
                    .with_source(page.source),
            );
            dest.clone()
        }
    }
}

/// A problem of a link: what is wrong, how to fix it.
type LinkProblem = (String, String);

/// The output path of a link to the page `rel` (a `.md` file): in the reader's language when
/// the page has a translation, unless the link names a language. `None` for a file that could
/// not be read, whose problem is reported already.
fn page_target(
    page: &PageRef<'_>,
    targets: &LinkTargets,
    rel: &str,
    decoded: &str,
) -> Result<Option<String>, LinkProblem> {
    let Some((key, explicit_lang)) = targets.by_rel.get(rel) else {
        if targets.unavailable.contains(rel) {
            return Ok(None);
        }
        return Err((
            format!("collegamento interno a `{decoded}`, che non esiste"),
            format!(
                "il percorso è relativo al file ({}) o, se inizia con `/`, a content/: correggerlo o creare content/{rel}",
                page.rel
            ),
        ));
    };
    // A link to the Italian file leads to the reader's language when a translation exists.
    let written_with_lang = rel
        .trim_end_matches(".md")
        .rsplit_once('.')
        .is_some_and(|(_, l)| l == explicit_lang);
    let target_path = if written_with_lang {
        targets.paths.get(&(key.clone(), explicit_lang.clone()))
    } else {
        targets
            .paths
            .get(&(key.clone(), page.lang.to_string()))
            .or_else(|| targets.paths.get(&(key.clone(), explicit_lang.clone())))
    };
    match target_path {
        Some(path) => Ok(Some(path.clone())),
        None => Err((
            format!("collegamento a `{decoded}`, che è una bozza o non viene pubblicato"),
            "togliere `draft: true` dalla pagina di destinazione o togliere il collegamento"
                .to_string(),
        )),
    }
}

/// The output path of a link to the file `rel` under `content/` (`path_part` as written).
fn file_target(
    targets: &LinkTargets,
    path_part: &str,
    rel: String,
    decoded: &str,
) -> Result<Option<String>, LinkProblem> {
    if !path_part.starts_with('/') && !targets.assets.contains(&rel) {
        return Err((
            format!("collegamento al file `{decoded}`, che non esiste in content/"),
            format!("mettere il file in content/{rel} o correggere il percorso"),
        ));
    }
    let mut out_path = rel;
    if path_part.ends_with('/') && !out_path.is_empty() {
        out_path.push('/');
    }
    Ok(Some(out_path))
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_reads_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("guide")).unwrap();
        std::fs::write(dir.path().join("guide/modulo.pdf"), vec![0u8; 240_000]).unwrap();
        let label = link_label(dir.path(), "guide/pagina.md", "modulo.pdf");
        assert_eq!(label.as_deref(), Some(" (PDF, 240 kB)"));
        assert_eq!(
            link_label(dir.path(), "altro/p.md", "/guide/modulo.pdf#page=2").as_deref(),
            Some(" (PDF, 240 kB)")
        );
        assert_eq!(link_label(dir.path(), "guide/p.md", "assente.pdf"), None);
        assert_eq!(
            link_label(dir.path(), "guide/p.md", "https://x.it/a.pdf"),
            None
        );
        assert_eq!(link_label(dir.path(), "guide/p.md", "pagina.md"), None);
    }
}
