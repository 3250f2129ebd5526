//! When a build is told which files changed, an edit to page bodies patches the previous build
//! instead of building again; after each edit of a session the site equals a clean full build,
//! byte for byte (search index included), and anything else is a full build.

mod support;

use std::path::Path;

use respi_generator::{
    BuildCache, BuildOptions, Changes, Diagnostics, Site, build, build_with_cache, rebuild,
};
use support::edits::{Edit, assert_same, bytes, edit, options, write};

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

// Long: one editing session, a table of edits applied in order, each patched build compared
// with a clean one; the later edits start from what the earlier ones left.
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
