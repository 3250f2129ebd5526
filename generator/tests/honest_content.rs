//! The bundled portal tells the truth: invented content says so to readers (FAQ validations
//! above all), a build for the real address warns about what is left of it, and the network
//! pages give the counts of the network's file.

mod support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use respi_generator::config::Config;
use respi_generator::network;
use support::*;

/// The bundled portal built once for its real address (no `--base-url`), and what the build
/// printed.
fn bundled() -> &'static (tempfile::TempDir, String) {
    static BUILT: OnceLock<(tempfile::TempDir, String)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let args = ["build", "--no-search", "--output", out.to_str().unwrap()];
        let result = respi(&repo_root(), &args);
        assert!(result.status.success(), "{}", stderr(&result));
        (dir, stderr(&result))
    })
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

/// How each language's template starts an invented attribution.
const EXAMPLE_MARKS: &[&str] = &["Esempio:", "Example:", "Exemple :", "مثال:"];

#[test]
fn bundled_portal_shows_no_faq_validation_without_an_example_mark() {
    let (dir, printed) = bundled();
    let mut validations = 0;
    for file in html_files(&dir.path().join("public")) {
        let html = std::fs::read_to_string(&file).unwrap();
        let Some(start) = html.find("<p class=\"faq-validation\">") else {
            continue;
        };
        validations += 1;
        let paragraph = &html[start..start + html[start..].find("</p>").unwrap()];
        assert!(
            EXAMPLE_MARKS.iter().any(|m| paragraph.contains(m)),
            "{} presents an invented validation as real: {paragraph}",
            file.display()
        );
        assert!(
            html.contains("class=\"example-note\""),
            "{} has no example note",
            file.display()
        );
    }
    // Every FAQ of the sources, in every language, was looked at.
    let sources: Vec<PathBuf> = walkdir::WalkDir::new(repo_root().join("content/faq"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("\nfaq:")))
        .collect();
    assert_eq!(validations, sources.len());
    // A validation without the mark needs a real source: the reserved area's report number.
    for source in &sources {
        let text = std::fs::read_to_string(source).unwrap();
        let front = text.split("\n---").next().unwrap();
        let fm: serde_yaml::Value = serde_yaml::from_str(front.trim_start_matches("---")).unwrap();
        let example = fm["example"].as_bool().unwrap_or(false);
        assert!(
            example || fm["faq"]["report"].is_string(),
            "{} states a validation with neither `example: true` nor a report",
            source.display()
        );
    }
    let warning =
        "avviso [esempio]: contenuto di esempio nel sito costruito per il suo indirizzo reale";
    assert!(
        printed.contains(&format!(
            "content/faq/lavoro/decreto-flussi.md:8:1: {warning}"
        )),
        "{printed}"
    );
}

/// The text of an HTML document between the heading whose text starts with `heading` and the
/// next heading of the same level.
fn under_heading<'a>(html: &'a str, heading: &str) -> &'a str {
    let start = html
        .find(&format!("\">{heading}"))
        .unwrap_or_else(|| panic!("no heading {heading}"));
    let rest = &html[start..];
    &rest[..rest.find("<h3").unwrap_or(rest.len())]
}

#[test]
fn network_pages_give_the_counts_of_the_network_file() {
    let root = repo_root();
    let config = Config::load(&root).unwrap();
    let net = network::load(&root, &config).unwrap().unwrap();
    let count = |kind: &str| net.services.iter().filter(|s| s.kind == kind).count();
    let (dir, _) = bundled();
    let public = dir.path().join("public");
    let wider = read(&public, "rete/rete-allargata/index.html");
    let about = read(&public, "rete/chi-siamo/index.html");

    // The file's header names the official list it follows and how many municipalities it has.
    let file = read(&root, "content/rete/servizi.csv");
    let header: String = file.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(
        header.contains("elenco ISTAT dei comuni italiani"),
        "{header}"
    );
    assert!(header.contains("4 dicembre 2024"), "{header}");
    let stated = format!("i {} comuni della provincia", count("comune"));
    assert!(header.contains(&stated), "{stated}: {header}");
    let municipalities = format!("I {} Comuni della provincia", count("comune"));
    assert!(wider.contains(&municipalities), "{municipalities}");
    assert!(about.contains(&municipalities), "{municipalities}");
    let consortia = under_heading(&wider, "Consorzi socio-assistenziali");
    assert!(
        consortia.contains(&format!("Sono {}:", count("consorzio"))),
        "{consortia}"
    );
    let job_centres = under_heading(&wider, "Centri per l");
    assert!(
        job_centres.contains(&format!("Sono {}:", count("centro-impiego"))),
        "{job_centres}"
    );
    let centres = format!("<strong>{} Centri per l", count("centro-impiego"));
    assert!(about.contains(&centres), "{centres}");
    let health = under_heading(&wider, "Aziende sanitarie");
    assert_eq!(
        health.matches("<li>ASL CN").count(),
        count("asl"),
        "{health}"
    );
}

#[test]
fn a_page_marked_as_example_says_so_and_only_a_real_build_warns() {
    let site = fixture_site("basic");
    let root = site.path();
    let page = root.join("content/faq/lavoro/conversione.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replacen("---\n", "---\nexample: true\n", 1)).unwrap();

    let real = respi(root, &["build", "--no-search"]);
    assert!(real.status.success(), "{}", stderr(&real));
    assert!(
        stderr(&real).contains("content/faq/lavoro/conversione.md:2:1: avviso [esempio]"),
        "{}",
        stderr(&real)
    );
    let html = read(root, "public/faq/lavoro/conversione/index.html");
    assert!(
        html.contains("<strong>Contenuto di esempio.</strong>"),
        "{html}"
    );
    assert!(
        html.contains("nessun ufficio ha validato questa risposta"),
        "{html}"
    );
    assert!(!html.contains("Risposta validata da"), "{html}");

    let trial = respi(
        root,
        &["build", "--no-search", "--base-url", "http://127.0.0.1:9/"],
    );
    assert!(trial.status.success(), "{}", stderr(&trial));
    assert!(!stderr(&trial).contains("[esempio]"), "{}", stderr(&trial));
}
