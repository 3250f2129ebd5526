//! Training sessions and meetings: an event page shows its details and links its materials,
//! the document links back, the section lists upcoming and past events apart, and `respi
//! check` flags an event held without materials and values it does not know.

mod support;

use std::path::Path;

use support::*;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join("content").join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn event(title: &str, date: &str, kind: &str, status: &str, materials: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndescription: \"Un incontro della rete\"\ndate: {date}\n\
         updated: 2026-10-01\nevent:\n  kind: {kind}\n  date: {date}\n  place: \"Cuneo, sala riunioni\"\n\
         \x20 audience: \"Operatori degli sportelli\"\n  speakers: [\"Questura di Esempio\", \"Prefettura di Esempio\"]\n\
         \x20 status: {status}\n{materials}---\n\nIl programma dell'incontro.\n"
    )
}

/// The basic fixture with its manual made a document of the archive, and three events: one
/// held with the manual as material, one held without materials, one to come.
fn site_with_events() -> tempfile::TempDir {
    let site = fixture_site("basic");
    let root = site.path();
    let manual = root.join("content/guide/manuale/index.md");
    let text = std::fs::read_to_string(&manual).unwrap();
    let document =
        "document: { file: manuale.pdf, kind: atti-formazione, issuer: \"Rete di prova\" }\n---\n";
    std::fs::write(
        &manual,
        text.replacen("---\n\n", &format!("{document}\n"), 1),
    )
    .unwrap();
    write(
        root,
        "incontri/_index.md",
        "---\ntitle: \"Incontri\"\ndescription: \"Corsi e riunioni\"\nupdated: 2026-10-01\n---\n\nGli incontri della rete.\n",
    );
    let held = "  materials: [guide/manuale]\n";
    let course = event(
        "Corso di marzo",
        "2026-03-18",
        "formazione-trimestrale",
        "svolto",
        held,
    );
    write(root, "incontri/corso-marzo.md", &course);
    let meeting = event(
        "Riunione di maggio",
        "2026-05-20",
        "riunione-equipe",
        "svolto",
        "",
    );
    write(root, "incontri/riunione-maggio.md", &meeting);
    let next = event(
        "Riunione di gennaio",
        "2027-01-13",
        "riunione-equipe",
        "programmato",
        "",
    );
    write(root, "incontri/riunione-gennaio.md", &next);
    site
}

#[test]
fn an_event_page_shows_its_details_and_its_materials_link_both_ways() {
    let site = site_with_events();
    let out = build_ok(site.path(), &["--no-search"]);
    let course = read(&out, "incontri/corso-marzo/index.html");
    assert!(course.contains("Formazione trimestrale con i referenti di Questura e Prefettura"));
    assert!(
        course.contains("<time datetime=\"2026-03-18\">"),
        "{course}"
    );
    assert!(course.contains("Cuneo, sala riunioni"));
    assert!(course.contains("Questura di Esempio; Prefettura di Esempio"));
    let materials = &course[course.find("id=\"event-materials-title\"").unwrap()..];
    let link = "<a href=\"/respi/guide/manuale/\">Manuale dell&#39;operatore</a>";
    assert!(materials.contains(link), "{materials}");

    let manual = read(&out, "guide/manuale/index.html");
    let back = &manual[manual
        .find("Materiale di")
        .expect("the document names its event")..];
    assert!(
        back.contains("<a href=\"/respi/incontri/corso-marzo/\">Corso di marzo</a>"),
        "{back}"
    );

    let meeting = read(&out, "incontri/riunione-maggio/index.html");
    assert!(
        meeting.contains("non sono ancora nell"),
        "a held event without materials says so"
    );
    let next = read(&out, "incontri/riunione-gennaio/index.html");
    assert!(
        next.contains("saranno pubblicati"),
        "an event to come promises them later"
    );
    assert!(!manual.contains("Riunione di maggio"));
}

#[test]
fn the_section_lists_upcoming_events_apart_from_past_ones() {
    let site = site_with_events();
    let out = build_ok(site.path(), &["--no-search"]);
    let listing = read(&out, "incontri/index.html");
    let upcoming_at = listing.find("Prossimi incontri").expect("upcoming events");
    let past_at = listing.find("Incontri svolti").expect("past events");
    assert!(upcoming_at < past_at);
    let upcoming = &listing[upcoming_at..past_at];
    let past = &listing[past_at..];
    assert!(
        upcoming.contains("/respi/incontri/riunione-gennaio/"),
        "{upcoming}"
    );
    assert!(!upcoming.contains("corso-marzo") && !upcoming.contains("riunione-maggio"));
    let may = past
        .find("/respi/incontri/riunione-maggio/")
        .expect("held in May");
    let march = past
        .find("/respi/incontri/corso-marzo/")
        .expect("held in March");
    assert!(may < march, "the latest past event first");
    assert!(past.contains("Riunioni mensili dell&#39;équipe"), "{past}");
    assert!(past.contains("Stato: Svolto"), "{past}");
}

#[test]
fn check_flags_a_held_event_without_materials_and_unknown_values() {
    let site = site_with_events();
    let root = site.path();
    let checked = respi(root, &["check"]);
    let text = stderr(&checked);
    assert!(checked.status.success(), "{text}");
    let warning = "content/incontri/riunione-maggio.md:12:1: avviso [eventi]: incontro svolto senza materiali";
    assert!(text.contains(warning), "{text}");
    assert!(!text.contains("corso-marzo.md"), "{text}");
    assert!(
        !text.contains("riunione-gennaio.md"),
        "an event to come has no materials yet: {text}"
    );

    let wrong = event(
        "Corso di marzo",
        "2026-03-18",
        "corso-segreto",
        "svolto",
        "  materials: [guide/nessuno]\n",
    );
    write(root, "incontri/corso-marzo.md", &wrong);
    let failed = respi(root, &["check"]);
    let text = stderr(&failed);
    assert!(!failed.status.success());
    assert!(text.contains("content/incontri/corso-marzo.md:7:1: errore: tipo di incontro sconosciuto `corso-segreto`"), "{text}");
    assert!(
        text.contains("`guide/nessuno` non è un documento dell'archivio"),
        "{text}"
    );
}
