//! A series of edits applied to a site rebuilt incrementally: after each, the site in memory
//! equals a clean full build, byte for byte; and a body edit re-renders only that page.

mod support;

use respi_generator::{Body, BuildCache, Site, build, build_with_cache};
use support::edits::{Edit, assert_same, bytes, edit, options, write};

// Long: one editing session, a table of edits applied in order, each build compared with a
// clean one; the later edits start from what the earlier ones left.
#[test]
fn incremental_builds_equal_clean_builds_after_every_edit() {
    let site = support::fixture_site("basic");
    let root = site.path();
    // Tag pages of two pages each, as the news section has, so that edits move pages across them.
    edit(root, "site.toml", |t| {
        format!("{t}\n[taxonomies]\npaginate_by = 2\n")
    });
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
            "add a page to a subsection (the section above counts it)",
            Box::new(|r| {
                write(
                    r,
                    "content/faq/lavoro/rinnovo.md",
                    "---\ntitle: \"Come si rinnova il permesso per lavoro?\"\ndescription: \"Il rinnovo\"\nupdated: 2026-10-02\ntags: [lavoro]\n---\n\nCon la domanda.\n",
                )
            }),
        ),
        (
            "date a page later (its place in the paginated listings)",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-1.md", |t| {
                    t.replace("date: 2026-01-15", "date: 2026-06-15")
                })
            }),
        ),
        (
            "add two pages older than the others (the listings before them gain a page)",
            Box::new(|r| {
                for (n, day) in [(6, "10"), (7, "11")] {
                    write(
                        r,
                        &format!("content/notizie/notizia-{n}.md"),
                        &format!(
                            "---\ntitle: \"Notizia numero {n}\"\ndescription: \"Una notizia vecchia\"\ndate: 2025-01-{day}\nupdated: 2025-01-{day}\ntags: [lavoro]\n---\n\nNotizia {n}.\n"
                        ),
                    );
                }
            }),
        ),
        (
            "link an English page to a page that has no English version yet",
            Box::new(|r| {
                edit(r, "content/faq/lavoro/conversione.en.md", |t| {
                    format!("{t}\nSee [the guide](../../guide/manuale/index.md).\n")
                })
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
            "translate the page the English link leads to (the link now leads to the translation)",
            Box::new(|r| {
                write(
                    r,
                    "content/guide/manuale/index.en.md",
                    "---\ntitle: \"The handbook\"\ndescription: \"The operators' handbook\"\nupdated: 2026-03-16\n---\n\nThe handbook in English.\n",
                )
            }),
        ),
        (
            "retitle the section above a page (its breadcrumbs and filters)",
            Box::new(|r| {
                edit(r, "content/faq/lavoro/_index.md", |t| {
                    t.replace("title: \"Lavoro\"", "title: \"Lavoro e impiego\"")
                })
            }),
        ),
        (
            "delete a page's only translation (its language switcher)",
            Box::new(|r| {
                std::fs::remove_file(r.join("content/faq/lavoro/conversione.en.md")).unwrap()
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
