//! A series of edits applied to a site rebuilt incrementally: after each, the site in memory
//! equals a clean full build, byte for byte; and a body edit re-renders only that page. The
//! same holds when the build is told which files changed and patches the previous one.

mod support;

use std::path::Path;

use respi_generator::{
    Body, BuildCache, BuildOptions, Changes, Diagnostics, Site, build, build_with_cache, rebuild,
};

fn options() -> BuildOptions {
    BuildOptions {
        live_reload: true,
        ..Default::default()
    }
}

fn bytes(body: &Body) -> Vec<u8> {
    body.read().unwrap()
}

/// What a file holds: a gzip file (the search index's) is unpacked, since the preview compresses
/// the index faster, at another level than a build.
fn content(body: &Body) -> Vec<u8> {
    let bytes = bytes(body);
    if bytes.starts_with(&[0x1f, 0x8b]) {
        support::unpack(&bytes)
    } else {
        bytes
    }
}

fn assert_same(incremental: &Site, clean: &Site, step: &str) {
    let inc: Vec<&String> = incremental.files.keys().collect();
    let full: Vec<&String> = clean.files.keys().collect();
    assert_eq!(inc, full, "{step}: the incremental build has other files");
    for (path, body) in &clean.files {
        assert!(
            content(&incremental.files[path]) == content(body),
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

/// The incremental build against a clean one: the same files and bytes when both succeed, the
/// same diagnostics when both fail.
fn assert_same_result(
    incremental: &Result<Site, Diagnostics>,
    root: &Path,
    options: &BuildOptions,
    step: &str,
) {
    match (incremental, build(root, options)) {
        (Ok(inc), Ok(clean)) => assert_same(inc, &clean, step),
        (Err(inc), Err(clean)) => {
            assert_eq!(inc.to_string(), clean.to_string(), "{step}: errors differ")
        }
        (Ok(_), Err(clean)) => panic!("{step}: a clean build fails with {clean}"),
        (Err(inc), Ok(_)) => panic!("{step}: only the incremental build fails, with {inc}"),
    }
}

fn patched(result: &Result<Site, Diagnostics>) -> Option<bool> {
    result.as_ref().ok().map(|s| s.stats.patched)
}

/// One step of an editing session: the edit, the files it touches, whether the previous build
/// can be patched for it (`None`: the build fails, so there are no stats to look at).
type Step = (&'static str, Edit, &'static [&'static str], Option<bool>);

#[test]
fn body_edits_patch_the_last_build_and_equal_clean_builds() {
    body_edits_patch_the_last_build(&options());
}

/// With the search index: a patch indexes again the batches of the edited pages and merges
/// them with the others into the index a clean build makes.
#[test]
fn body_edits_patch_the_last_build_search_index_included() {
    body_edits_patch_the_last_build(&BuildOptions {
        search: true,
        ..options()
    });
}

fn body_edits_patch_the_last_build(options: &BuildOptions) {
    let site = support::fixture_site("basic");
    let root = site.path();
    let mut cache = BuildCache::new();
    build_with_cache(root, options, &mut cache).unwrap();

    let steps: Vec<Step> = vec![
        (
            "change a body",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-2.md", |t| {
                    t.replace("Testo della notizia 2.", "Testo nuovo della notizia 2.")
                })
            }),
            &["content/notizie/notizia-2.md"],
            Some(true),
        ),
        (
            "save a page unchanged",
            Box::new(|r| edit(r, "content/notizie/notizia-2.md", |t| t)),
            &["content/notizie/notizia-2.md"],
            Some(true),
        ),
        (
            "change the body of a paginated section",
            Box::new(|r| {
                edit(r, "content/notizie/_index.md", |t| {
                    format!("{t}\nLe notizie della rete, dalla più recente.\n")
                })
            }),
            &["content/notizie/_index.md"],
            Some(true),
        ),
        (
            "rename a heading another page links to",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-1.md", |t| {
                    t.replace("## Dettagli", "## Particolari")
                })
            }),
            &["content/notizie/notizia-1.md"],
            None,
        ),
        (
            "give the heading its name back",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-1.md", |t| {
                    t.replace("## Particolari", "## Dettagli")
                })
            }),
            &["content/notizie/notizia-1.md"],
            Some(true),
        ),
        (
            "write a broken link",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-3.md", |t| {
                    format!("{t}\nVedi [la guida](../guide/inesistente.md).\n")
                })
            }),
            &["content/notizie/notizia-3.md"],
            None,
        ),
        (
            "fix the broken link",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-3.md", |t| {
                    t.replace("guide/inesistente.md", "guide/manuale/index.md")
                })
            }),
            &["content/notizie/notizia-3.md"],
            Some(true),
        ),
        (
            "write a link to an anchor of a page edited at the same time",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-2.md", |t| {
                    format!("{t}\nVedi [i particolari](notizia-1.md#in-breve).\n")
                });
                edit(r, "content/notizie/notizia-1.md", |t| {
                    format!("{t}\n## In breve\n\nUna sintesi.\n")
                });
            }),
            &[
                "content/notizie/notizia-1.md",
                "content/notizie/notizia-2.md",
            ],
            Some(true),
        ),
        (
            "write a link with a generic text",
            Box::new(|r| {
                edit(r, "content/faq/lavoro/conversione.md", |t| {
                    format!("{t}\nPer il modulo [clicca qui](../../guide/manuale/index.md).\n")
                })
            }),
            &["content/faq/lavoro/conversione.md"],
            None,
        ),
        (
            "give the link a text of its own",
            Box::new(|r| {
                edit(r, "content/faq/lavoro/conversione.md", |t| {
                    t.replace("[clicca qui]", "[la guida al manuale]")
                })
            }),
            &["content/faq/lavoro/conversione.md"],
            Some(true),
        ),
        (
            "an editor's swap file and a temporary file gone again",
            Box::new(|r| {
                write(r, "content/notizie/.notizia-2.md.swp", "b0VIM");
                edit(r, "content/notizie/notizia-2.md", |t| {
                    t.replace("Testo nuovo", "Testo rivisto")
                });
            }),
            &[
                "content/notizie/.notizia-2.md.swp",
                "content/notizie/4913",
                "content/notizie/notizia-2.md",
            ],
            Some(true),
        ),
        (
            "change front matter",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-2.md", |t| {
                    t.replace("Notizia numero 2", "Seconda notizia")
                })
            }),
            &["content/notizie/notizia-2.md"],
            Some(false),
        ),
        (
            "change a body and add a page",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-3.md", |t| {
                    format!("{t}\nUn'aggiunta.\n")
                });
                write(
                    r,
                    "content/notizie/notizia-5.md",
                    "---\ntitle: \"Notizia numero 5\"\ndescription: \"La quinta\"\ndate: 2026-05-15\nupdated: 2026-05-15\n---\n\nQuinta notizia.\n",
                );
            }),
            &[
                "content/notizie/notizia-3.md",
                "content/notizie/notizia-5.md",
            ],
            Some(false),
        ),
        (
            "change a body after a full build",
            Box::new(|r| {
                edit(r, "content/notizie/notizia-5.md", |t| {
                    t.replace("Quinta notizia.", "La quinta notizia, riscritta.")
                })
            }),
            &["content/notizie/notizia-5.md"],
            Some(true),
        ),
        (
            "delete a page",
            Box::new(|r| std::fs::remove_file(r.join("content/notizie/notizia-5.md")).unwrap()),
            &["content/notizie/notizia-5.md"],
            Some(false),
        ),
        (
            "change a copied document",
            Box::new(|r| {
                write(
                    r,
                    "content/guide/manuale/manuale.pdf",
                    "%PDF-1.4\n% nuova\n",
                )
            }),
            &["content/guide/manuale/manuale.pdf"],
            Some(false),
        ),
        (
            "change a template",
            Box::new(|r| {
                edit(r, "themes/respi/templates/page.html", |t| {
                    t.replace(
                        "<article class=\"page\">",
                        "<article class=\"page page--x\">",
                    )
                })
            }),
            &["themes/respi/templates/page.html"],
            Some(false),
        ),
    ];
    for (step, apply, paths, expected) in steps {
        apply(root);
        let changes = Changes::Paths(paths.iter().map(|p| root.join(p)).collect());
        let incremental = rebuild(root, options, &mut cache, &changes);
        assert_same_result(&incremental, root, options, step);
        assert_eq!(patched(&incremental), expected, "{step}: patched or not");
    }
}

#[test]
fn a_patch_renders_only_the_edited_page_and_the_feeds() {
    let site = support::fixture_site("basic");
    let root = site.path();
    let mut cache = BuildCache::new();
    let first = build_with_cache(root, &options(), &mut cache).unwrap();
    edit(root, "content/notizie/notizia-1.md", |t| {
        t.replace(
            "Testo della notizia 1.",
            "Testo aggiornato della notizia 1.",
        )
    });
    let changes = Changes::Paths([root.join("content/notizie/notizia-1.md")].into());
    let after = rebuild(root, &options(), &mut cache, &changes).unwrap();
    assert!(after.stats.patched);
    assert_eq!(after.stats.markdown_rendered, 1);
    assert_eq!(after.stats.jobs_rendered, 1);
    assert_eq!(after.stats.jobs_reused, first.stats.jobs_rendered - 1);
    for path in ["notizie/notizia-1/index.html", "atom.xml"] {
        let text = String::from_utf8(bytes(&after.files[path])).unwrap();
        assert!(text.contains("Testo aggiornato della notizia 1."), "{path}");
    }
    let unchanged = rebuild(root, &options(), &mut cache, &changes).unwrap();
    assert!(unchanged.stats.patched);
    assert_eq!(unchanged.stats.jobs_rendered, 0);
}

#[test]
fn unknown_changes_are_a_full_build() {
    let site = support::fixture_site("basic");
    let root = site.path();
    let mut cache = BuildCache::new();
    build_with_cache(root, &options(), &mut cache).unwrap();
    edit(root, "content/notizie/notizia-2.md", |t| {
        t.replace("Testo della notizia 2.", "Testo nuovo della notizia 2.")
    });
    let after = rebuild(root, &options(), &mut cache, &Changes::Unknown).unwrap();
    assert!(!after.stats.patched);
    assert_same(&after, &build(root, &options()).unwrap(), "unknown");
}
