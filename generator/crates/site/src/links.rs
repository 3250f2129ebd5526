//! The link check: every internal link and anchor written in a page leads to an output and to
//! an id in it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use crate::site::Body;
use respi_markdown::{LinkRef, Rendered};
use respi_sources::content::Page;
use respi_sources::diagnostics::Diagnostic;
use respi_sources::library::Library;

/// The links of every page (`rendered` indexed like `library.pages`), checked against `files`;
/// `ids` keeps the ids read from each output, for the next build.
pub(crate) fn check_all(
    library: &Library,
    rendered: &[Arc<Rendered>],
    files: &BTreeMap<String, Body>,
    ids: &mut HashMap<String, (Arc<Vec<u8>>, HashSet<String>)>,
) -> Vec<Vec<Diagnostic>> {
    library
        .pages
        .iter()
        .zip(rendered)
        .map(|(page, r)| check_page_links(page, r, files, ids))
        .collect()
}

/// The output a link leads to, if there is one.
pub(crate) fn link_output<'f>(
    link: &LinkRef,
    files: &'f BTreeMap<String, Body>,
) -> Option<(&'f String, &'f Body)> {
    if link.path.is_empty() || link.path.ends_with('/') {
        files.get_key_value(format!("{}index.html", link.path).as_str())
    } else {
        files
            .get_key_value(link.path.as_str())
            .or_else(|| files.get_key_value(format!("{}/index.html", link.path).as_str()))
    }
}

/// Every internal link and anchor written in a page's Markdown must lead to an output and an id
/// in it.
pub(crate) fn check_page_links(
    page: &Page,
    rendered: &Rendered,
    files: &BTreeMap<String, Body>,
    ids_cache: &mut HashMap<String, (Arc<Vec<u8>>, HashSet<String>)>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for link in &rendered.links {
        let Some((key, body)) = link_output(link, files) else {
            diags.push(
                Diagnostic::error(&page.file, link.line, link.column, format!("il collegamento a `/{}` non porta a nessuna pagina del sito", link.path))
                    .with_help("correggere l'indirizzo; per le pagine conviene scrivere il percorso del file .md")
                    .with_source(&page.source),
            );
            continue;
        };
        let Some(fragment) = &link.fragment else {
            continue;
        };
        let Body::Bytes(bytes) = body else { continue };
        // The ids of an output are read again only when the output itself changed.
        let stale = ids_cache
            .get(key.as_str())
            .is_none_or(|(b, _)| !Arc::ptr_eq(b, bytes));
        if stale {
            let ids = html_ids(&String::from_utf8_lossy(bytes));
            ids_cache.insert(key.clone(), (bytes.clone(), ids));
        }
        let ids = &ids_cache[key.as_str()].1;
        if !ids.contains(fragment.as_str()) {
            let mut near: Vec<&String> = ids
                .iter()
                .filter(|i| strsim::jaro_winkler(i, fragment) > 0.85)
                .collect();
            near.sort();
            let help = match near.first() {
                Some(s) => format!("forse intendevi `#{s}`?"),
                None => "le ancore sono gli id dei titoli: il testo del titolo in minuscolo, con i trattini al posto degli spazi".into(),
            };
            diags.push(
                Diagnostic::error(
                    &page.file,
                    link.line,
                    link.column,
                    format!("l'ancora `#{fragment}` non esiste in /{}", link.path),
                )
                .with_help(help)
                .with_source(&page.source),
            );
        }
    }
    diags
}

/// The values of every `id="…"` attribute in an HTML document.
pub fn html_ids(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            ids.insert(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    ids
}
