//! Offices' directory, wider-network directory, document archive: built from fixture sites and
//! checked against values computed by hand.

mod support;

use std::path::Path;

use support::*;

fn build_no_search(root: &Path) -> std::path::PathBuf {
    build_ok(root, &["--no-search"])
}

/// Cells of the row whose header cell links to `#bacino-<area>` (or says `Totale`).
fn row_cells(html: &str, row_marker: &str) -> Vec<String> {
    let start = html
        .find(row_marker)
        .unwrap_or_else(|| panic!("no row {row_marker}"));
    let row = &html[start..start + html[start..].find("</tr>").unwrap()];
    row.split("<td>")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap().trim().to_string())
        .collect()
}

#[test]
fn directory_figures_match_hand_computed_values() {
    let site = fixture_site("basic");
    let out = build_no_search(site.path());
    let html = read(&out, "sportelli/index.html");
    // Area nord: Mon and Wed 09:00–12:30 (2 × 3.5 h) + Thu 14:00–17:00 (3 h) = 10 h for 1,000 residents.
    assert_eq!(
        row_cells(&html, "href=\"#bacino-nord\""),
        ["1", "10,0", "1.000", "10,00"]
    );
    // Area sud: Mon–Fri 09:00–13:00 = 20 h for 2,500 residents = 8 h per 1,000.
    assert_eq!(
        row_cells(&html, "href=\"#bacino-sud\""),
        ["1", "20,0", "2.500", "8,00"]
    );
    // Area est: no office and no known residents: no ratio.
    assert_eq!(
        row_cells(&html, "href=\"#bacino-est\""),
        ["0", "0,0", "0", "–"]
    );
    // Whole network: 30 h for 3,500 residents = 8.571… per 1,000.
    assert_eq!(
        row_cells(&html, ">Totale</th>"),
        ["2", "30,0", "3.500", "8,57"]
    );
    assert!(html.contains(
        "<caption>Ore di apertura settimanali per bacino e ogni 1.000 residenti stranieri</caption>"
    ));
    assert!(html.contains("<svg class=\"chart\" role=\"img\" aria-labelledby=\"grafico-bacini-title grafico-bacini-desc\""));
    assert!(html.contains("Area sud: 8,00 ore settimanali ogni 1.000 residenti stranieri"));
}

#[test]
fn office_pages_carry_government_office_json_ld() {
    let site = fixture_site("basic");
    let out = build_no_search(site.path());
    let html = read(&out, "sportelli/centro/index.html");
    let start = html.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let json: serde_json::Value =
        serde_json::from_str(&html[start..start + html[start..].find("</script>").unwrap()])
            .unwrap();
    let office = json["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["@type"] == "GovernmentOffice")
        .expect("GovernmentOffice");
    assert_eq!(office["name"], "Sportello del centro");
    assert_eq!(office["areaServed"], "Area nord");
    let hours = office["openingHoursSpecification"].as_array().unwrap();
    assert_eq!(hours.len(), 2);
    assert_eq!(
        hours[0]["dayOfWeek"],
        serde_json::json!(["https://schema.org/Monday", "https://schema.org/Wednesday"])
    );
    assert_eq!(
        (hours[0]["opens"].as_str(), hours[0]["closes"].as_str()),
        (Some("09:00"), Some("12:30"))
    );
    // The page shows the hours as a table with column headers.
    assert!(html.contains("<th scope=\"col\">"));
    assert!(html.contains("lunedì, mercoledì"));
}

#[test]
fn network_directory_is_browsable_and_published_as_open_data() {
    let site = fixture_site("basic");
    let out = build_no_search(site.path());
    let all = read(&out, "rete/servizi/index.html");
    assert!(
        all.contains("Comune di Esempio Nord")
            && all.contains("Consorzio socio-assistenziale del Sud")
    );
    let comuni = read(&out, "rete/servizi/tipo/comune/index.html");
    assert!(
        comuni.contains("Comune di Esempio Sud")
            && !comuni.contains("Consorzio socio-assistenziale")
    );
    let sud = read(&out, "rete/servizi/bacino/sud/index.html");
    assert!(
        sud.contains("Consorzio socio-assistenziale del Sud") && !sud.contains("Esempio Nord</h3>")
    );
    let json: serde_json::Value = serde_json::from_str(&read(&out, "rete/servizi.json")).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 4);
    assert_eq!(json[0]["name"], "Centro per l'impiego di Esempio");
    assert!(read(&out, "rete/servizi.csv").starts_with("name,kind,area"));
    assert!(read(&out, "sitemap.xml").contains("/rete/servizi/tipo/comune/</loc>"));
}

fn csv_error(mutate: impl FnOnce(String) -> String) -> String {
    let site = fixture_site("basic");
    let path = site.path().join("content/rete/servizi.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, mutate(text)).unwrap();
    let out = respi(site.path(), &["build", "--no-search"]);
    assert!(!out.status.success());
    stderr(&out)
}

#[test]
fn malformed_network_rows_are_located() {
    let err = csv_error(|t| {
        t.replace(
            "Comune di Esempio Sud,comune,sud",
            "Comune di Esempio Sud,comnue,sud",
        )
    });
    assert!(
        err.contains(
            "content/rete/servizi.csv:3:1: errore: colonna `kind`: tipo sconosciuto `comnue`"
        ),
        "{err}"
    );
    assert!(err.contains("forse `comune`?"), "{err}");
    let err = csv_error(|t| t.replace("consorzio,sud,", "consorzio,ovest,"));
    assert!(
        err.contains("servizi.csv:4:1: errore: colonna `area`: bacino sconosciuto `ovest`"),
        "{err}"
    );
    let err = csv_error(|t| format!("{t}Comune senza campi,comune\n"));
    assert!(
        err.contains("servizi.csv:6:1: errore:") && err.contains("la riga ha 2 campi invece di 8"),
        "{err}"
    );
    let err = csv_error(|t| t.replacen("website", "sito", 1));
    assert!(
        err.contains("servizi.csv:1:1: errore: colonna sconosciuta `sito`"),
        "{err}"
    );
}

#[test]
fn archive_lists_documents_by_year_kind_and_issuer() {
    let site = fixture_site("search");
    let out = build_no_search(site.path());
    for listing in [
        "documenti/anno/2026/",
        "documenti/tipo/circolare/",
        "documenti/ente/prefettura-di-esempio/",
    ] {
        let html = read(&out, &format!("{listing}index.html"));
        assert!(
            html.contains("href=\"/respi/documenti/circolare-stagionali/\""),
            "{listing}"
        );
        assert!(
            html.contains("Prefettura di Esempio · Numero 12/2026"),
            "{listing}"
        );
        assert!(
            html.contains("<time datetime=\"2026-05-10\">10 maggio 2026</time>"),
            "{listing}"
        );
        assert!(html.contains("(PDF, 1 kB)</a>"), "{listing}");
    }
    let section = read(&out, "documenti/index.html");
    assert!(section.contains("href=\"/respi/documenti/anno/2026/\""));
    let page = read(&out, "documenti/circolare-stagionali/index.html");
    assert!(page.contains("href=\"/respi/documenti/circolare-stagionali/circolare.pdf\""));
    assert!(page.contains("(PDF, 1 kB)"));
    assert!(
        out.join("documenti/circolare-stagionali/circolare.pdf")
            .is_file()
    );
}

#[test]
fn missing_document_file_is_an_error() {
    let site = fixture_site("search");
    std::fs::remove_file(
        site.path()
            .join("content/documenti/circolare-stagionali/circolare.pdf"),
    )
    .unwrap();
    let out = respi(site.path(), &["build", "--no-search"]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("content/documenti/circolare-stagionali/index.md:7:1: errore: il file del documento `circolare.pdf` non esiste"), "{err}");
}

#[test]
fn search_index_is_written_under_the_site() {
    let site = fixture_site("search");
    let out = build_ok(site.path(), &[]);
    assert!(out.join("pagefind/pagefind.js").is_file());
    assert!(std::fs::read_dir(out.join("pagefind")).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("pagefind.it_")
    }));
    let search = read(&out, "cerca/index.html");
    assert!(search.contains("data-bundle=\"/respi/pagefind/\""));
    assert!(search.contains("<label id=\"search-label\" for=\"search-q\">"));
    assert!(search.contains("role=\"status\""));
    let az = read(&out, "indice-a-z/index.html");
    assert!(az.contains("href=\"/respi/notizie/raccolta-frutta/\""));
    let page = read(&out, "notizie/nuovi-orari/index.html");
    assert!(page.contains("data-pagefind-body"));
    assert!(page.contains("<span data-pagefind-filter=\"tipo\">Notizie</span>"));
}

#[test]
fn a_build_written_to_disk_equals_the_in_memory_build_search_index_included() {
    let site = fixture_site("search");
    let options = respi_generator::BuildOptions {
        search: true,
        ..Default::default()
    };
    let in_memory = respi_generator::build(site.path(), &options).expect("build");
    let out_parent = tempfile::tempdir().unwrap();
    let out = out_parent.path().join("public");
    let written = respi_generator::build_to_dir(site.path(), &options, &out)
        .unwrap_or_else(|_| panic!("build_to_dir failed"));
    let on_disk: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let mut on_disk_sorted = on_disk.clone();
    on_disk_sorted.sort();
    let expected: Vec<String> = in_memory.files.keys().cloned().collect();
    assert_eq!(on_disk_sorted, expected);
    assert_eq!(written.file_count, expected.len());
    assert!(expected.iter().any(|p| p.starts_with("pagefind/index/")));
    for (path, body) in &in_memory.files {
        assert!(
            std::fs::read(out.join(path)).unwrap() == body.read().unwrap(),
            "{path} differs between the two builds"
        );
    }
    assert!(!out_parent.path().join(".public.staging").exists());
}
