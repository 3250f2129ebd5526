//! The monitoring report of a period, written from the coordination's page: the aggregate
//! tables of the reports, answers, topics, areas, appointments and page views, with every
//! count below 5 shown as "< 5", and a second count withheld where a total would reveal a small
//! one; a bar chart beside each table, with the shown counts only; the page builds as a draft
//! of the portal.

use crate::faq_corpus::{self, PlantedReport};
use crate::faq_export::{answer, cast, file, output_of, spawn_on_portal_copy_with};
use crate::helpers::Client;

const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";

async fn views(reader: &mut Client, portal: &str, path: &str, times: usize) {
    for _ in 0..times {
        let page = reader
            .get(&format!("/contatore?pagina={portal}{path}&lingua=it"))
            .await;
        assert_eq!(page.status, 200);
    }
}

/// The portal's address in the copy's site.toml.
fn base_url(root: &std::path::Path) -> String {
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    toml.lines()
        .find_map(|line| line.strip_prefix("base_url = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_owned()
}

/// The (label, value) pairs a chart writes, in order.
fn chart_figures(svg: &str) -> Vec<(String, String)> {
    let texts: Vec<String> = svg
        .split("<text ")
        .skip(1)
        .map(|part| {
            let start = part.find('>').unwrap() + 1;
            let end = part.find("</text>").unwrap();
            part[start..end].replace("&amp;", "&")
        })
        .collect();
    texts
        .chunks(2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect()
}

/// Checks every chart the page names against the table after it: the same labels with the
/// same numbers, and no bar for a hidden count. Returns how many charts there are.
fn charts_match_tables(dir: &std::path::Path, page: &str) -> usize {
    let lines: Vec<&str> = page.lines().collect();
    let mut charts = 0;
    for (at, line) in lines.iter().enumerate() {
        let Some(file) = line
            .strip_prefix("![")
            .and_then(|rest| rest.split_once("]("))
            .map(|(_, file)| file.trim_end_matches(')'))
        else {
            continue;
        };
        charts += 1;
        let svg = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(
            svg.contains("role=\"img\"") && svg.contains("<title"),
            "{svg}"
        );
        let rows: Vec<(String, String)> = lines[at + 1..]
            .iter()
            .skip_while(|l| !l.starts_with("| "))
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
                (cells.len() == 2 && cells[1].parse::<u64>().is_ok())
                    .then(|| (cells[0].to_owned(), cells[1].to_owned()))
            })
            .collect();
        assert_eq!(chart_figures(&svg), rows, "{file} against its table");
        for hidden in ["&lt; 5", "< 5", "non indicato"] {
            assert!(!svg.contains(&format!(">{hidden}</text>")), "{file}: {svg}");
        }
    }
    charts
}

#[tokio::test]
async fn the_period_report_suppresses_counts_below_five() {
    let (app, root) = spawn_on_portal_copy_with(|settings| settings.counter.ip_burst = 100).await;
    let portal = base_url(&root);
    let mut clients = cast(&app).await;
    // Six reports on permits, two on citizenship: one count to show, one to suppress.
    for n in 0..8 {
        let mut report: PlantedReport = faq_corpus::report(n);
        report.topic = if n < 6 { 0 } else { 2 };
        let id = file(&mut clients.office, &report).await;
        answer(&mut clients, &id, n, &report).await;
    }
    let mut reader = app.browser(BROWSER);
    views(&mut reader, &portal, "faq/", 6).await;
    views(&mut reader, &portal, "notizie/", 2).await;

    let coordination = &mut clients.coordination;
    assert_eq!(clients.office.get("/monitoraggio").await.status, 403);
    let page = coordination.get("/monitoraggio").await;
    assert_eq!(page.status, 200);
    let wrong = coordination
        .submit(&page.form("/monitoraggio").set("period", "2026-Q7"))
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("href=\"#period\""));
    assert!(wrong.body.contains("Periodo non valido"));

    let today = app.clock.today();
    let period = format!("{}-Q{}", today.year(), (today.month() - 1) / 3 + 1);
    let written = coordination
        .submit(&page.form("/monitoraggio").set("period", &period))
        .await;
    assert_eq!(written.status, 200, "{}", written.body);
    let path = format!("monitoraggio/{}.md", period.to_lowercase());
    assert!(
        written.body.contains(&format!("content/{path}")),
        "{}",
        written.body
    );

    let text = std::fs::read_to_string(root.join("content").join(&path)).unwrap();
    for expected in [
        "draft: true",
        // The eight of the test and the two the demo files at start.
        "- Segnalazioni ricevute: 10",
        "- Segnalazioni con risposta pubblicata nel periodo: 8",
        "| Domande sul permesso di soggiorno | 6 |",
        "| Domande sulla cittadinanza | < 5 |",
        // All the pages read are listed, and their views add up to the 8 the page gives: 8
        // minus 6 would reveal the 2 views of /notizie/, so the 6 is withheld too.
        "| /faq/ | non indicato |",
        "| /notizie/ | < 5 |",
        "«non indicato»: il numero non è indicato perché",
        "- Letture delle pagine del portale: 8",
        "Table: Segnalazioni del periodo per argomento {righe}",
        "Appuntamenti del periodo per tipo ed esito: nessun dato nel periodo.",
    ] {
        assert!(text.contains(expected), "«{expected}» missing in:\n{text}");
    }
    let charts = charts_match_tables(&root.join("content/monitoraggio"), &text);
    assert!(charts >= 2, "the states and topics have charts:\n{text}");
    // Every count of the pages read is hidden: that table has no chart.
    let stem = period.to_lowercase();
    assert!(
        !text.contains(&format!("]({stem}-grafico-5.svg)")),
        "{text}"
    );
    assert!(
        !root
            .join(format!("content/monitoraggio/{stem}-grafico-5.svg"))
            .exists()
    );
    for planted in faq_corpus::report(0).planted {
        assert!(!text.contains(&planted), "{planted} in the report");
    }

    builds_only_as_draft_with_its_chart(&root, &path, &stem);
    std::fs::remove_dir_all(&root).unwrap();
}

/// The report at `path` (under `content/`) builds as a draft of the portal, and only with
/// drafts, with its topics' chart published next to it.
fn builds_only_as_draft_with_its_chart(root: &std::path::Path, path: &str, stem: &str) {
    let with = respi_site::build(
        root,
        &respi_site::BuildOptions {
            drafts: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|diagnostics| {
        panic!("the portal with the report does not build:\n{diagnostics}")
    });
    assert!(with.files.contains_key(output_of(path).as_str()));
    let built = String::from_utf8(with.files[output_of(path).as_str()].read().unwrap()).unwrap();
    let chart = format!("{stem}-grafico-2.svg");
    assert!(
        built.contains(
            "alt=\"Segnalazioni del periodo per argomento: grafico a barre con i numeri della tabella che segue\""
        ),
        "{built}"
    );
    assert!(
        with.files.keys().any(|file| file.ends_with(&chart)),
        "the chart is published next to the page"
    );
    let without = respi_site::build(root, &respi_site::BuildOptions::default()).unwrap();
    assert!(!without.files.contains_key(output_of(path).as_str()));
}
