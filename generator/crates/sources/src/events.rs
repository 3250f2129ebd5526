//! Training sessions and meetings: pages whose front matter has `event:`, their kinds and
//! states, and the archive's documents that hold their materials, linked both ways.

use crate::content::Page;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::frontmatter::{self, Event};
use crate::library::{Library, PageId};

/// The kinds of event of the network's plan, and how readers see them.
pub const KINDS: &[(&str, &str)] = &[
    (
        "formazione-trimestrale",
        "Formazione trimestrale con i referenti di Questura e Prefettura",
    ),
    ("seminario-esperti", "Incontri con esperti"),
    ("rete-allargata", "Incontri per la rete allargata"),
    ("riunione-equipe", "Riunioni mensili dell'équipe"),
    ("incontro-territoriale", "Incontri territoriali"),
];

/// The states of an event, how readers see them, and whether the event is over.
pub const STATUSES: &[(&str, &str, bool)] = &[
    ("programmato", "In programma", false),
    ("rinviato", "Rinviato", false),
    ("svolto", "Svolto", true),
    ("annullato", "Annullato", true),
];

pub fn kind_label(kind: &str) -> &str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(kind, |(_, l)| l)
}

pub fn status_label(status: &str) -> &str {
    STATUSES
        .iter()
        .find(|(s, ..)| *s == status)
        .map_or(status, |(_, l, _)| l)
}

/// Whether the event is over (held or cancelled): listed among the past ones.
pub fn is_past(event: &Event) -> bool {
    STATUSES
        .iter()
        .any(|(s, _, past)| *s == event.status && *past)
}

/// The document page that a `materials:` entry names: a content path without `.md`
/// (`documenti/slide-corso`, the folder of a bundle or a page).
pub fn material(library: &Library, entry: &str, lang: &str) -> Option<PageId> {
    let key = entry.trim_matches('/').trim_end_matches(".md");
    let key = key.strip_suffix("/index").unwrap_or(key);
    let ids = [format!("{key}/index"), key.to_string()]
        .into_iter()
        .find_map(|k| library.translations.get(&k))?;
    ids.iter()
        .copied()
        .find(|&id| library.pages[id].lang == lang)
        .or_else(|| ids.first().copied())
        .filter(|&id| library.pages[id].fm.document.is_some())
}

/// The events, in the language `lang`, whose materials include the document page `doc`.
pub fn events_of(library: &Library, doc: PageId, lang: &str) -> Vec<PageId> {
    let doc_key = &library.pages[doc].key;
    library
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.lang == lang)
        .filter(|(_, p)| {
            p.fm.event.as_ref().is_some_and(|e| {
                e.materials.iter().any(|m| {
                    material(library, m, &library.default_lang)
                        .is_some_and(|id| library.pages[id].key == *doc_key)
                })
            })
        })
        .map(|(id, _)| id)
        .collect()
}

/// Known kinds and states, a date, materials that are documents of the archive, and a
/// warning for an event held without its materials.
pub fn check(library: &Library) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for p in &library.pages {
        if let Some(event) = &p.fm.event {
            check_event(library, p, event, &mut diags);
        }
    }
    diags
}

fn check_event(library: &Library, p: &Page, event: &Event, diags: &mut Diagnostics) {
    let problem = |key: &str, message: String, help: String| {
        Diagnostic::error(&p.file, line_of(p, key), 1, message)
            .with_help(help)
            .with_source(&p.source)
    };
    let kinds: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
    if !kinds.contains(&event.kind.as_str()) {
        let message = format!("tipo di incontro sconosciuto `{}`", event.kind);
        diags.push(problem("kind", message, allowed(&event.kind, &kinds)));
    }
    let statuses: Vec<&str> = STATUSES.iter().map(|(s, ..)| *s).collect();
    if !statuses.contains(&event.status.as_str()) {
        let message = format!("stato sconosciuto `{}`", event.status);
        diags.push(problem(
            "status",
            message,
            allowed(&event.status, &statuses),
        ));
    }
    if event.date.is_none() {
        let help = "scrivere `date: AAAA-MM-GG` dentro `event:`".to_string();
        diags.push(problem("event", "manca la data dell'incontro".into(), help));
    }
    for entry in &event.materials {
        if material(library, entry, &p.lang).is_none() {
            let message = format!("`{entry}` non è un documento dell'archivio");
            let help = "indicare la cartella di una pagina con `document:`, per esempio \
                        `documenti/dispense-corso`"
                .to_string();
            diags.push(problem("materials", message, help));
        }
    }
    if event.status == "svolto" && event.materials.is_empty() {
        diags.push(
            Diagnostic::warning(
                &p.file,
                line_of(p, "status"),
                1,
                "incontro svolto senza materiali",
            )
            .with_rule("eventi")
            .with_help(
                "pubblicare nell'archivio presentazioni, dispense o verbale e indicarli in \
                 `materials:`",
            )
            .with_source(&p.source),
        );
    }
}

fn allowed(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates.iter().copied()) {
        Some(s) => format!(
            "forse intendevi `{s}`? I valori ammessi sono: {}",
            candidates.join(", ")
        ),
        None => format!("i valori ammessi sono: {}", candidates.join(", ")),
    }
}

/// The line of `key:` inside the front matter, or of `event:`.
fn line_of(p: &Page, key: &str) -> usize {
    let front_matter = p.source.lines().take(p.body_line.saturating_sub(1));
    front_matter
        .enumerate()
        .find(|(_, l)| l.trim_start().starts_with(&format!("{key}:")))
        .map(|(i, _)| i + 1)
        .or_else(|| frontmatter::key_position(&p.source, "event").map(|(l, _)| l))
        .unwrap_or(1)
}
