//! Events and their materials rebuilt incrementally: a change to an event's state or
//! materials, or to a document's title, shows on every page that reads it (the section
//! listings above the event, the document's backlinks, the event's list of materials), as a
//! clean build shows it.

mod support;

use respi_generator::{BuildCache, build, build_with_cache};
use support::edits::{Edit, assert_same, edit, options, write};

const MEETING: &str = "---\ntitle: \"Riunione di maggio\"\ndescription: \"Una riunione\"\n\
date: 2026-05-20\nupdated: 2026-05-01\nevent:\n  kind: riunione-equipe\n  date: 2026-05-20\n\
\x20 place: \"Cuneo\"\n  status: programmato\n---\n\nL'ordine del giorno.\n";

#[test]
fn event_edits_rebuild_the_listings_and_links_that_show_them() {
    let site = support::fixture_site("basic");
    let root = site.path();
    edit(root, "content/guide/manuale/index.md", |t| {
        t.replacen(
            "---\n\n",
            "document: { file: manuale.pdf, kind: atti-formazione, issuer: \"Rete\" }\n---\n\n",
            1,
        )
    });
    let section = "---\ntitle: \"Incontri\"\ndescription: \"Gli incontri\"\nupdated: 2026-05-01\n---\n\nTesto.\n";
    write(root, "content/incontri/_index.md", section);
    let kind = section.replace("\"Incontri\"", "\"Riunioni\"");
    write(root, "content/incontri/riunioni/_index.md", &kind);
    write(root, "content/incontri/riunioni/maggio.md", MEETING);
    let mut cache = BuildCache::new();
    build_with_cache(root, &options(), &mut cache).unwrap();

    let meeting = "content/incontri/riunioni/maggio.md";
    let steps: Vec<(&str, Edit)> = vec![
        (
            "an event is held (the listings above it move it to the past)",
            Box::new(move |r| edit(r, meeting, |t| t.replace("programmato", "svolto"))),
        ),
        (
            "an event gets its materials (the document links back)",
            Box::new(move |r| {
                edit(r, meeting, |t| {
                    t.replace("  status:", "  materials: [guide/manuale]\n  status:")
                })
            }),
        ),
        (
            "a document's title changes (the event's list of materials)",
            Box::new(|r| {
                edit(r, "content/guide/manuale/index.md", |t| {
                    t.replace("Manuale dell'operatore", "Manuale per gli operatori")
                })
            }),
        ),
        (
            "an event drops its materials",
            Box::new(move |r| {
                edit(r, meeting, |t| {
                    t.replace("  materials: [guide/manuale]\n", "")
                })
            }),
        ),
    ];
    for (step, apply) in steps {
        apply(root);
        let incremental = build_with_cache(root, &options(), &mut cache).unwrap();
        let clean = build(root, &options()).unwrap();
        assert_same(&incremental, &clean, step);
    }
}
