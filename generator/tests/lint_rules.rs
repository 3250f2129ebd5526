//! The content rules C1–C15 on a fixture site where each page breaks exactly one rule once,
//! and on the bundled portal, which must break none.

mod support;

use std::path::Path;

use respi_generator::diagnostics::Severity;
use respi_generator::{BuildOptions, Diagnostic, build};
use support::*;

/// Page, rule, severity, line and column of the one diagnostic each fixture page must produce.
const EXPECTED: &[(&str, &str, Severity, usize, usize)] = &[
    ("c1.md", "C1", Severity::Error, 7, 1),
    ("c2.md", "C2", Severity::Error, 7, 1),
    ("c3.md", "C3", Severity::Error, 7, 1),
    ("c4.md", "C4", Severity::Error, 9, 1),
    ("c4-grassetto.md", "C4", Severity::Warning, 7, 1),
    ("c5.md", "C5", Severity::Error, 7, 24),
    ("c5-indirizzo.md", "C5", Severity::Warning, 7, 24),
    ("c6.md", "C6", Severity::Error, 7, 4),
    ("c6-lingua.md", "C6", Severity::Warning, 7, 10),
    ("c7.md", "C7", Severity::Warning, 7, 4),
    ("c8.md", "C8", Severity::Error, 7, 1),
    ("c9.md", "C9", Severity::Error, 7, 27),
    ("c9-rtl.md", "C9", Severity::Error, 7, 27),
    ("c10.md", "C10", Severity::Warning, 8, 1),
    ("c11.md", "C11", Severity::Error, 7, 1),
    ("c12.md", "C12", Severity::Error, 7, 12),
    ("c13.md", "C13", Severity::Warning, 7, 33),
    ("c14.md", "C14", Severity::Warning, 7, 1),
    ("c15.md", "C15", Severity::Error, 1, 1),
];

/// Every diagnostic of the content rules for the site at `root`, whether or not it builds.
fn rule_diagnostics(root: &Path) -> Vec<Diagnostic> {
    let diagnostics = match build(root, &BuildOptions::default()) {
        Ok(site) => site.diagnostics,
        Err(diagnostics) => diagnostics,
    };
    diagnostics
        .0
        .into_iter()
        .filter(|d| d.rule.is_some_and(|r| r.starts_with('C')))
        .collect()
}

#[test]
fn each_rule_reports_exactly_its_own_violation_on_its_own_page() {
    let site = fixture_site("lint");
    let found = rule_diagnostics(site.path());
    let listing: String = found.iter().map(|d| format!("{d}\n")).collect();
    for d in &found {
        let name = d.file.file_name().unwrap().to_string_lossy();
        assert!(
            EXPECTED.iter().any(|(page, ..)| *page == name),
            "a rule fired on a page that breaks none:\n{d}"
        );
    }
    for &(page, rule, severity, line, column) in EXPECTED {
        let on_page: Vec<&Diagnostic> = found
            .iter()
            .filter(|d| d.file == Path::new("content").join(page))
            .collect();
        assert_eq!(
            on_page.len(),
            1,
            "{page} should have exactly one diagnostic:\n{listing}"
        );
        let d = on_page[0];
        assert_eq!(d.rule, Some(rule), "{d}");
        assert_eq!(d.severity, severity, "{d}");
        assert_eq!((d.line, d.column), (line, column), "{d}");
        assert!(d.help.is_some(), "no fix suggested: {d}");
    }
}

#[test]
fn warnings_alone_let_the_site_build_and_documents_get_format_and_size() {
    let site = fixture_site("lint");
    for &(page, _, severity, ..) in EXPECTED {
        if severity == Severity::Error {
            std::fs::remove_file(site.path().join("content").join(page)).unwrap();
        }
    }
    let out = build_ok(site.path(), &[]);
    let html = read(&out, "pulita/index.html");
    assert!(
        html.contains("guida ai servizi della rete (PDF, 1 kB)</a>"),
        "{html}"
    );
    assert!(
        html.contains("src=\"/regole/fregio.png\" alt=\"\""),
        "{html}"
    );
    assert!(html.contains("<caption>Orari dello sportello</caption>"));
    let warned = stderr(&respi(site.path(), &["build"]));
    assert!(
        warned.contains("content/c7.md:7:4: avviso [C7]"),
        "{warned}"
    );
    assert!(
        warned.contains("content/modulo-scansionato.pdf"),
        "{warned}"
    );
}

#[test]
fn check_prints_every_rule_with_place_and_fix() {
    let site = fixture_site("lint");
    let out = respi(site.path(), &["check"]);
    let err = stderr(&out);
    assert!(!out.status.success(), "errors must fail the check:\n{err}");
    assert!(
        err.contains("content/c5.md:7:24: errore [C5]: testo del collegamento generico"),
        "{err}"
    );
    assert!(err.contains("come correggere"), "{err}");
    for (_, rule, ..) in EXPECTED {
        assert!(err.contains(&format!("[{rule}]")), "{rule} missing:\n{err}");
    }
}

#[test]
fn bundled_portal_breaks_no_content_rule() {
    let diagnostics = match build(&repo_root(), &BuildOptions::default()) {
        Ok(site) => site.diagnostics,
        Err(diagnostics) => diagnostics,
    };
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "the bundled portal has errors:\n{}",
        errors.join("\n")
    );
}
