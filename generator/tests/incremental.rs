//! A series of edits applied to a site rebuilt incrementally: after each, the site in memory
//! equals a clean full build, byte for byte; and a body edit re-renders only that page.

mod support;

use std::path::Path;

use respi_generator::build::{Body, build, build_with_cache};
use respi_generator::cache::BuildCache;
use respi_generator::{BuildOptions, Site};

fn options() -> BuildOptions {
    BuildOptions {
        live_reload: true,
        ..Default::default()
    }
}

fn bytes(body: &Body) -> Vec<u8> {
    body.read().unwrap()
}

fn assert_same(incremental: &Site, clean: &Site, step: &str) {
    let inc: Vec<&String> = incremental.files.keys().collect();
    let full: Vec<&String> = clean.files.keys().collect();
    assert_eq!(inc, full, "{step}: the incremental build has other files");
    for (path, body) in &clean.files {
        assert!(
            bytes(&incremental.files[path]) == bytes(body),
            "{step}: {path} differs from a clean build"
        );
    }
    let d = |s: &Site| {
        s.diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(d(incremental), d(clean), "{step}: diagnostics differ");
}

/// One change an editor makes to the site.
type Edit = Box<dyn Fn(&Path)>;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn edit(root: &Path, rel: &str, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    write(root, rel, &f(text));
}

#[test]
fn incremental_builds_equal_clean_builds_after_every_edit() {
    let site = support::fixture_site("basic");
    let root = site.path();
    let mut cache = BuildCache::new();
    let first = build_with_cache(root, &options(), &mut cache).unwrap();
    assert_eq!(first.stats.jobs_reused, 0);

    let steps: Vec<(&str, Edit)> = vec![
        (
            "change a body",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-2.md", |t| {
                    t.replace(
                        "Testo della notizia 2.",
                        "Testo nuovo, più lungo, della notizia 2.",
                    )
                })
            }),
        ),
        (
            "change a title shown in listings",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-2.md", |t| {
                    t.replace("Notizia numero 2", "Seconda notizia della rete")
                })
            }),
        ),
        (
            "add a tag",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-2.md", |t| {
                    t.replace("tags: [lavoro,", "tags: [salute, lavoro,")
                })
            }),
        ),
        (
            "remove a tag",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-2.md", |t| {
                    t.replace("tags: [salute, lavoro,", "tags: [")
                })
            }),
        ),
        (
            "add a page",
            Box::new(|r| {
                write(
                    r,
                    "content/notizie/notizia-4.md",
                    "---\ntitle: \"Notizia numero 4\"\ndescription: \"La quarta\"\ndate: 2026-04-15\nupdated: 2026-04-15\ntags: [lavoro]\n---\n\nQuarta notizia.\n",
                )
            }),
        ),
        (
            "rename a page",
            Box::new(|r| {
                std::fs::rename(
                    r.join("content/notizie/notizia-4.md"),
                    r.join("content/notizie/quarta-notizia.md"),
                )
                .unwrap()
            }),
        ),
        (
            "delete a page",
            Box::new(|r| {
                std::fs::remove_file(r.join("content/notizie/quarta-notizia.md")).unwrap()
            }),
        ),
        (
            "add a translation",
            Box::new(|r| {
                write(
                    r,
                    "content/notizie/notizia-3.en.md",
                    "---\ntitle: \"News number 3\"\ndescription: \"The third news\"\ndate: 2026-03-15\nupdated: 2026-03-16\n---\n\nThird news item.\n",
                )
            }),
        ),
        (
            "change a template",
            Box::new(|r| {
                edit(r, "themes/respi/templates/page.html", |t| {
                    t.replace(
                        "<article class=\"page\">",
                        "<article class=\"page page--edited\">",
                    )
                })
            }),
        ),
        (
            "change site.toml",
            Box::new(|r| {
                edit(r, "site.toml", |t| {
                    t.replace(
                        "owner = \"Provincia di Esempio\"",
                        "owner = \"Provincia di Prova\"",
                    )
                })
            }),
        ),
        (
            "change a static file",
            Box::new(|r| {
                edit(r, "themes/respi/static/css/respi.css", |t| {
                    format!("{t}\n/* modificato */\n")
                })
            }),
        ),
        (
            "change a copied document",
            Box::new(|r| {
                write(
                    r,
                    "content/guide/manuale/manuale.pdf",
                    "%PDF-1.4\n% una versione più lunga del manuale\n",
                )
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

#[test]
fn a_body_edit_re_renders_only_that_page() {
    let site = support::fixture_site("basic");
    let root = site.path();
    let mut cache = BuildCache::new();
    let first = build_with_cache(root, &options(), &mut cache).unwrap();
    let unchanged = build_with_cache(root, &options(), &mut cache).unwrap();
    assert_eq!(
        unchanged.stats.jobs_rendered, 0,
        "nothing changed, nothing to render"
    );
    assert_eq!(unchanged.stats.files_parsed, 0);
    edit(root, "content/faq/lavoro/conversione.md", |t| {
        t.replace(
            "Chi ha finito gli studi.",
            "Chi ha concluso gli studi in Italia.",
        )
    });
    let after = build_with_cache(root, &options(), &mut cache).unwrap();
    assert_eq!(after.stats.files_parsed, 1);
    assert_eq!(after.stats.markdown_rendered, 1);
    assert_eq!(after.stats.jobs_rendered, 1);
    assert_eq!(after.stats.jobs_reused, first.stats.jobs_rendered - 1);
    let html = String::from_utf8(bytes(&after.files["faq/lavoro/conversione/index.html"])).unwrap();
    assert!(html.contains("Chi ha concluso gli studi in Italia."));
}

/// Whether `path` is the very output of the earlier build, taken over without rendering.
fn reused(before: &Site, after: &Site, path: &str) -> bool {
    match (&before.files[path], &after.files[path]) {
        (Body::Bytes(a), Body::Bytes(b)) => std::sync::Arc::ptr_eq(a, b),
        _ => panic!("{path} is not a rendered page"),
    }
}

#[test]
fn a_title_edit_re_renders_the_pages_that_show_it_and_no_other() {
    let site = support::fixture_site("basic");
    let root = site.path();
    let mut cache = BuildCache::new();
    let first = build_with_cache(root, &options(), &mut cache).unwrap();
    edit(root, "content/notizie/notizia-2.md", |t| {
        t.replace("Notizia numero 2", "Seconda notizia della rete")
    });
    let after = build_with_cache(root, &options(), &mut cache).unwrap();
    for shown in [
        "notizie/notizia-2/index.html",
        "notizie/index.html",
        "argomenti/lavoro/index.html",
    ] {
        assert!(
            !reused(&first, &after, shown),
            "{shown} must be rendered again"
        );
        let html = String::from_utf8(bytes(&after.files[shown])).unwrap();
        assert!(html.contains("Seconda notizia della rete"), "{shown}");
    }
    for unrelated in [
        "faq/lavoro/conversione/index.html",
        "contatti/index.html",
        "sportelli/centro/index.html",
        "notizie/notizia-1/index.html",
    ] {
        assert!(
            reused(&first, &after, unrelated),
            "{unrelated} was rendered again"
        );
    }
    assert!(
        after.stats.jobs_rendered * 3 < first.stats.jobs_rendered,
        "{} of {} outputs rendered again",
        after.stats.jobs_rendered,
        first.stats.jobs_rendered
    );
    assert_same(&after, &build(root, &options()).unwrap(), "title edit");
}

#[test]
fn a_fixed_error_builds_again() {
    let site = support::fixture_site("basic");
    let root = site.path();
    let mut cache = BuildCache::new();
    build_with_cache(root, &options(), &mut cache).unwrap();
    edit(root, "content/notizie/notizia-2.md", |t| {
        t.replace("updated:", "udpated:")
    });
    let err = build_with_cache(root, &options(), &mut cache)
        .err()
        .expect("the build fails");
    assert!(err.to_string().contains("forse intendevi `updated`?"));
    edit(root, "content/notizie/notizia-2.md", |t| {
        t.replace("udpated:", "updated:")
    });
    let fixed = build_with_cache(root, &options(), &mut cache).unwrap();
    assert_same(&fixed, &build(root, &options()).unwrap(), "fixed");
}
