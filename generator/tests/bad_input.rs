//! Every kind of bad input fails the build with a located, actionable message,
//! and leaves the previous output exactly as it was.

mod support;

use std::path::Path;

use support::*;

fn edit(root: &Path, rel: &str, f: impl FnOnce(String) -> String) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(&path, f(text)).unwrap();
}

/// Builds the good fixture, applies `mutate`, and checks the failed build.
fn assert_rejected(mutate: impl FnOnce(&Path), expected: &[&str]) {
    let site = fixture_site("basic");
    let out_dir = build_ok(site.path(), &[]);
    let before = snapshot(&out_dir);
    mutate(site.path());
    let out = respi(site.path(), &["build"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "the build should fail:\n{err}");
    for e in expected {
        assert!(err.contains(e), "missing `{e}` in:\n{err}");
    }
    assert!(err.contains("come correggere"), "no fix suggested:\n{err}");
    let reported = err.lines().filter(|l| l.contains(": errore")).count();
    assert!(
        reported <= expected.len(),
        "an error is reported more than once:\n{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(before, snapshot(&out_dir), "the previous output changed");
}

#[test]
fn invalid_yaml() {
    assert_rejected(
        |r| {
            edit(r, "content/notizie/notizia-2.md", |t| {
                t.replace(
                    "description: \"La notizia 2 della rete\"",
                    "description: \"La notizia 2\n  : [",
                )
            })
        },
        &["content/notizie/notizia-2.md:", "front matter non valido"],
    );
}

#[test]
fn unknown_key_with_suggestion() {
    assert_rejected(
        |r| {
            edit(r, "content/notizie/notizia-2.md", |t| {
                t.replace("updated:", "udpated:")
            })
        },
        &[
            "content/notizie/notizia-2.md:5:1",
            "chiave sconosciuta `udpated`",
            "forse intendevi `updated`?",
        ],
    );
}

#[test]
fn missing_title() {
    assert_rejected(
        |r| {
            edit(r, "content/notizie/notizia-2.md", |t| {
                t.replace("title: \"Notizia numero 2\"\n", "")
            })
        },
        &["content/notizie/notizia-2.md:1:1", "manca il titolo"],
    );
}

#[test]
fn duplicate_title() {
    assert_rejected(
        |r| {
            edit(r, "content/notizie/notizia-3.md", |t| {
                t.replace("Notizia numero 3", "Notizia numero 1")
            })
        },
        &[
            "content/notizie/notizia-3.md:2:1",
            "«Notizia numero 1» è già usato da content/notizie/notizia-1.md",
        ],
    );
}

#[test]
fn malformed_date() {
    assert_rejected(
        |r| {
            edit(r, "content/notizie/notizia-2.md", |t| {
                t.replace("date: 2026-02-15", "date: 2026-02-30")
            })
        },
        &[
            "content/notizie/notizia-2.md:4:7",
            "data non valida `2026-02-30`",
        ],
    );
}

#[test]
fn colliding_urls() {
    assert_rejected(
        |r| {
            edit(r, "content/notizie/notizia-1/index.md", |_| {
                "---\ntitle: \"Un'altra notizia\"\ndescription: \"x\"\nupdated: 2026-01-01\n---\n"
                    .into()
            })
        },
        &["l'indirizzo /notizie/notizia-1/ è già usato da content/notizie/notizia-1"],
    );
}

#[test]
fn unknown_language_suffix() {
    assert_rejected(
        |r| {
            edit(r, "content/notizie/notizia-1.de.md", |_| {
                "---\ntitle: \"Nachricht\"\n---\n".into()
            })
        },
        &[
            "content/notizie/notizia-1.de.md",
            "lingua sconosciuta `de`",
            "it, en, ar",
        ],
    );
}

#[test]
fn missing_template() {
    assert_rejected(
        |r| {
            edit(r, "content/notizie/notizia-2.md", |t| {
                t.replace("updated:", "template: inesistente.html\nupdated:")
            })
        },
        &[
            "content/notizie/notizia-2.md:5:1",
            "il modello `inesistente.html` non esiste",
        ],
    );
}

#[test]
fn broken_internal_link() {
    assert_rejected(
        |r| {
            edit(r, "content/notizie/notizia-2.md", |t| {
                format!("{t}\nVedi [la guida](../guide/assente.md).\n")
            })
        },
        &[
            "content/notizie/notizia-2.md:13:6",
            "collegamento interno a `../guide/assente.md`, che non esiste",
        ],
    );
}

#[test]
fn broken_anchor() {
    assert_rejected(
        |r| {
            edit(r, "content/notizie/notizia-2.md", |t| {
                format!("{t}\nVedi [i dettagli](notizia-1.md#dettagi).\n")
            })
        },
        &[
            "content/notizie/notizia-2.md:13:6",
            "l'ancora `#dettagi` non esiste",
            "forse intendevi `#dettagli`?",
        ],
    );
}

#[test]
fn every_error_is_reported_in_one_run() {
    assert_rejected(
        |r| {
            edit(r, "content/notizie/notizia-2.md", |t| {
                t.replace("updated:", "udpated:")
            });
            edit(r, "content/notizie/notizia-3.md", |t| {
                t.replace("date: 2026-03-15", "date: 15/03/2026")
            });
            edit(r, "content/faq/lavoro/conversione.md", |t| {
                format!("{t}\n[x](nessuna.md)\n")
            });
        },
        &[
            "notizia-2.md:5:1",
            "notizia-3.md:4:7",
            "conversione.md:",
            "3 errori",
        ],
    );
}

#[test]
fn missing_accessibility_statement_fails() {
    assert_rejected(
        |r| {
            edit(r, "site.toml", |t| {
                t.lines()
                    .filter(|l| !l.starts_with("accessibility_statement_url"))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        },
        &["site.toml", "accessibility_statement_url"],
    );
}

#[test]
fn missing_mandatory_pages_are_named_in_good_italian() {
    assert_rejected(
        |r| {
            std::fs::remove_file(r.join("content/contatti.md")).unwrap();
            std::fs::remove_file(r.join("content/note-legali.md")).unwrap();
        },
        &[
            "content/contatti.md: errore: manca la pagina dei contatti, obbligatoria per un sito della PA",
            "content/note-legali.md: errore: mancano le note legali, obbligatorie per un sito della PA",
        ],
    );
}
