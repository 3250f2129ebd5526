//! The portal's page counter: the image answers everyone and sets no cookie; a view counts
//! under (day, path, language) unless it comes from a robot, from beyond the address's
//! allowance, or for a page that is not the portal's; the coordination reads the totals.

use std::path::PathBuf;

use crate::helpers::{Client, spawn_app_with};

const PORTAL: &str = "https://www.provincia.cuneo.it/respi/";
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";

fn site_toml() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("site.toml")
}

/// The image of the page `path` in `lang`, as the portal's page asks it.
async fn view(client: &mut Client, path: &str, lang: &str) {
    let page = client
        .get(&format!("/contatore?pagina={PORTAL}{path}&lingua={lang}"))
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("image/gif"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(
        page.header("set-cookie").is_none(),
        "the counter sets no cookie"
    );
}

/// The row of `path` in the table of the most read pages.
fn views_of(body: &str, path: &str) -> Option<String> {
    let row = body
        .split("<tr>")
        .find(|row| row.contains(&format!("<th scope=\"row\">{path}</th>")))?;
    let start = row.find("<td>")? + 4;
    let end = row.find("</td>")?;
    Some(row[start..end].to_owned())
}

#[tokio::test]
async fn a_view_counts_once_and_robots_and_strangers_do_not() {
    let app = spawn_app_with(|settings, _| {
        settings.site_config = site_toml();
        settings.counter.ip_burst = 4;
        settings.counter.ip_refill_secs = 3600.0;
    })
    .await;
    let mut reader = app.browser(BROWSER);
    view(&mut reader, "faq/", "it").await;
    view(&mut reader, "faq/", "it").await;
    view(&mut reader, "faq/", "ar").await;
    // Not counted: a robot, a page of another site, a language that is not a code.
    let mut robot =
        app.browser("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
    view(&mut robot, "faq/", "it").await;
    let stranger = reader
        .get("/contatore?pagina=https://example.org/faq/&lingua=it")
        .await;
    assert_eq!(stranger.status, 200);
    view(&mut reader, "sportelli/", "<b>").await;
    // The fourth view of the address is its last until the allowance comes back.
    view(&mut reader, "notizie/", "it").await;
    view(&mut reader, "schede/", "it").await;

    let mut coordination = app.logged_in("demo.coordinamento").await;
    let page = coordination.get("/letture").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        views_of(&page.body, "/faq/").as_deref(),
        Some("3"),
        "{}",
        page.body
    );
    assert_eq!(views_of(&page.body, "/notizie/").as_deref(), Some("1"));
    assert_eq!(
        views_of(&page.body, "/schede/"),
        None,
        "beyond the allowance"
    );
    assert_eq!(views_of(&page.body, "/sportelli/"), None, "no language");
    assert!(!page.body.contains("example.org"));
    // The day's total, in the trend table.
    let today = app.clock.today().strftime("%d/%m/%Y").to_string();
    assert_eq!(views_of(&page.body, &today).as_deref(), Some("4"));

    let mut office = app.logged_in("demo.sportello").await;
    assert_eq!(office.get("/letture").await.status, 403);
}

/// The bundled portal built with `extra` added to its site.toml; the HTML of its FAQ page.
fn faq_page_with(extra: &str) -> String {
    use crate::faq_export::{copy_tree, repo_root};
    let root = tempfile::tempdir().unwrap();
    for part in ["content", "themes"] {
        copy_tree(&repo_root().join(part), &root.path().join(part));
    }
    let toml = std::fs::read_to_string(repo_root().join("site.toml")).unwrap();
    // Top-level keys go before the first table.
    let (head, tables) = toml.split_once("\n[").unwrap();
    let (keys, table) = extra.split_once("\n[").unwrap_or((extra, ""));
    let table = if table.is_empty() {
        String::new()
    } else {
        format!("\n[{table}\n")
    };
    let toml = format!("{head}\n{keys}\n\n[{tables}{table}");
    std::fs::write(root.path().join("site.toml"), toml).unwrap();
    let site = respi_site::build(root.path(), &respi_site::BuildOptions::default())
        .unwrap_or_else(|diagnostics| panic!("the portal does not build:\n{diagnostics}"));
    String::from_utf8(site.files["faq/index.html"].read().unwrap()).unwrap()
}

#[test]
fn the_theme_carries_the_counters_that_site_toml_names() {
    let plain = faq_page_with("");
    assert!(
        !plain.contains("page-counter"),
        "no counter unless configured"
    );
    let counted = faq_page_with(
        "counter_url = \"https://area.example.it/contatore\"\n[web_analytics_italia]\nsite_id = 42",
    );
    assert!(
        counted.contains(&format!(
            "src=\"https://area.example.it/contatore?pagina={PORTAL}faq/&amp;lingua=it\""
        )),
        "{counted}"
    );
    assert!(
        counted.contains("matomo.php?idsite=42&amp;rec=1"),
        "{counted}"
    );
    assert_eq!(
        counted.matches("alt=\"\" width=\"1\" height=\"1\"").count(),
        2
    );
}
