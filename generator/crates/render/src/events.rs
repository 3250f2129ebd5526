//! Training sessions and meetings as their pages, listings and documents show them: the
//! event's details and materials, the events a document is material of, and the listings of
//! upcoming and past events of a section.

use serde::Serialize;

use crate::dates;
use crate::inputs::Inputs;
use crate::values::{Link, Summary};
use respi_sources::events;
use respi_sources::library::PageId;

/// The `page.event` object.
#[derive(Serialize)]
pub struct EventValue {
    pub kind: String,
    pub kind_label: String,
    pub date: Option<String>,
    pub date_iso: Option<String>,
    pub place: String,
    pub audience: String,
    pub speakers: Vec<String>,
    pub status: String,
    pub status_label: String,
    /// Held or cancelled.
    pub past: bool,
    /// The archive's documents holding its materials.
    pub materials: Vec<Link>,
}

/// The events under a section, upcoming first (soonest first), then past (latest first).
#[derive(Serialize)]
pub struct EventListing {
    pub upcoming: Vec<Summary>,
    pub past: Vec<Summary>,
}

fn link(inputs: &Inputs<'_>, id: PageId) -> Link {
    let p = &inputs.library.pages[id];
    Link {
        title: p.title.clone(),
        url: inputs.url(&p.path),
    }
}

pub fn value(inputs: &Inputs<'_>, id: PageId) -> Option<EventValue> {
    let p = &inputs.library.pages[id];
    let e = p.fm.event.as_ref()?;
    let materials = e
        .materials
        .iter()
        .filter_map(|m| events::material(inputs.library, m, &p.lang))
        .map(|doc| link(inputs, doc))
        .collect();
    Some(EventValue {
        kind: e.kind.clone(),
        kind_label: events::kind_label(&e.kind).to_string(),
        date: e.date.map(|d| dates::long(d, &p.lang)),
        date_iso: e.date.map(|d| d.to_string()),
        place: e.place.clone(),
        audience: e.audience.clone(),
        speakers: e.speakers.clone(),
        status: e.status.clone(),
        status_label: events::status_label(&e.status).to_string(),
        past: events::is_past(e),
        materials,
    })
}

/// The events whose materials include the document page `id`.
pub fn material_of(inputs: &Inputs<'_>, id: PageId) -> Vec<Link> {
    let p = &inputs.library.pages[id];
    if p.fm.document.is_none() {
        return Vec::new();
    }
    events::events_of(inputs.library, id, &p.lang)
        .into_iter()
        .map(|event| link(inputs, event))
        .collect()
}

/// The events under the section `dir` in `lang`, or `None` when it has none.
pub fn listing(inputs: &Inputs<'_>, dir: &str, lang: &str) -> Option<EventListing> {
    let lib = inputs.library;
    let mut found: Vec<PageId> = lib
        .pages_under(dir, lang)
        .into_iter()
        .filter(|&id| lib.pages[id].fm.event.is_some())
        .collect();
    if found.is_empty() {
        return None;
    }
    let date = |id: PageId| lib.pages[id].fm.event.as_ref().and_then(|e| e.date);
    found.sort_by_key(|&id| (date(id), lib.pages[id].title.clone()));
    let (past, upcoming): (Vec<PageId>, Vec<PageId>) = found
        .into_iter()
        .partition(|&id| lib.pages[id].fm.event.as_ref().is_some_and(events::is_past));
    Some(EventListing {
        upcoming: upcoming.iter().map(|&id| inputs.summary(id)).collect(),
        past: past.iter().rev().map(|&id| inputs.summary(id)).collect(),
    })
}
