//! Long lists come a page at a time, keeping their order and filters, and each role sees only
//! its own rows.

use crate::helpers::{Client, Page};
use crate::service_files::spawn;
use crate::steps::{act, batch_of, file_report};

/// The protocol numbers in the table's body, in order.
fn listed_protocols(page: &Page) -> Vec<String> {
    let body = &page.body[page.body.find("<tbody>").expect("a table")..];
    let body = &body[..body.find("</tbody>").unwrap()];
    body.match_indices(">RESPI-")
        .map(|(at, _)| body[at + 1..at + 18].to_owned())
        .collect()
}

/// The target of the link whose text is `label`, with HTML's `&amp;` undone.
fn link_to(page: &Page, label: &str) -> Option<String> {
    let end = page.body.find(&format!(">{label}</a>"))?;
    let start = page.body[..end].rfind("href=\"")? + "href=\"".len();
    let href = &page.body[start..end];
    Some(href[..href.find('"')?].replace("&amp;", "&"))
}

/// Every page of a list from `first`, following "Pagina successiva"; each page's rows are
/// given to `rows` and must number `size` but the last.
async fn walk_pages(
    client: &mut Client,
    first: &str,
    size: usize,
    rows: impl Fn(&Page) -> usize,
) -> Vec<Page> {
    let mut pages = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(path) = next {
        let page = client.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        next = link_to(&page, "Pagina successiva");
        let count = rows(&page);
        if next.is_some() {
            assert_eq!(count, size, "{path} shows exactly a page");
        } else {
            assert!(count >= 1 && count <= size, "{path}: {count} rows");
        }
        if !pages.is_empty() {
            assert!(link_to(&page, "Pagina precedente").is_some(), "{path}");
        }
        pages.push(page);
        assert!(pages.len() < 20, "the pages end");
    }
    pages
}

fn notification_rows(page: &Page) -> usize {
    let list = &page.body[page
        .body
        .find("<ul class=\"notifications\">")
        .expect("a list")..];
    list[..list.find("</ul>").unwrap()].matches("<li").count()
}

fn table_rows(page: &Page) -> usize {
    let body = &page.body[page.body.find("<tbody>").expect("a table")..];
    body[..body.find("</tbody>").unwrap()]
        .matches("<tr")
        .count()
}

#[tokio::test]
async fn the_report_list_comes_a_page_at_a_time_and_each_role_sees_only_its_own() {
    let service = spawn(|settings| settings.page_size = 2).await;
    let app = &service.app;
    let mut office = app.logged_in("demo.sportello").await;
    let mut desk = app.logged_in("demo.servizio").await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    file_report(&mut office, "U1").await;
    file_report(&mut office, "U3").await;
    file_report(&mut office, "U2").await;
    file_report(&mut desk, "U2").await;

    // The first page shows exactly a page, the order is kept from page to page.
    let first = office.get("/segnalazioni?ordina=scadenza").await;
    assert_eq!(listed_protocols(&first).len(), 2);
    let next = link_to(&first, "Pagina successiva").expect("a link to the next page");
    assert!(next.contains("ordina=scadenza"), "{next}");
    assert!(next.contains("pagina=2"), "{next}");
    assert!(first.body.contains("Pagina 1 di 3"));

    let office_pages = walk_pages(&mut office, "/segnalazioni?ordina=scadenza", 2, |page| {
        listed_protocols(page).len()
    })
    .await;
    let office_reports: Vec<String> = office_pages.iter().flat_map(listed_protocols).collect();
    // The demo's two reports and the three just filed, each once.
    assert_eq!(office_reports.len(), 5, "{office_reports:?}");
    let mut unique = office_reports.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5);

    let desk_pages = walk_pages(&mut desk, "/segnalazioni", 2, |page| {
        listed_protocols(page).len()
    })
    .await;
    let desk_reports: Vec<String> = desk_pages.iter().flat_map(listed_protocols).collect();
    assert_eq!(desk_reports.len(), 1);
    assert!(!office_reports.contains(&desk_reports[0]));

    let all_pages = walk_pages(&mut coordination, "/segnalazioni", 2, |page| {
        listed_protocols(page).len()
    })
    .await;
    let all: Vec<String> = all_pages.iter().flat_map(listed_protocols).collect();
    assert_eq!(all.len(), 6);

    // The coordination's queue by urgency: the U1 report comes first on the first page.
    let queue = coordination.get("/segnalazioni").await;
    assert!(
        queue.body[queue.body.find("<tbody>").unwrap()..]
            .split("</tr>")
            .next()
            .unwrap()
            .contains("U1"),
        "urgency first"
    );

    // A state filter is applied in the query and kept in the page links.
    let filtered = walk_pages(
        &mut coordination,
        "/segnalazioni?stato=nuova&ordina=scadenza",
        2,
        |page| listed_protocols(page).len(),
    )
    .await;
    let new_ones: Vec<String> = filtered.iter().flat_map(listed_protocols).collect();
    assert_eq!(new_ones.len(), 5, "all but the demo's batched report");
    let next = link_to(&filtered[0], "Pagina successiva").unwrap();
    assert!(
        next.contains("stato=nuova") && next.contains("ordina=scadenza"),
        "{next}"
    );
    for page in &filtered {
        let body = &page.body[page.body.find("<tbody>").unwrap()..];
        assert!(!body.contains("Inoltrata"));
    }
}

#[tokio::test]
async fn other_long_lists_come_a_page_at_a_time_too() {
    let service = spawn(|settings| settings.page_size = 2).await;
    let app = &service.app;
    let mut office = app.logged_in("demo.sportello").await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let mut admin = app.logged_in("demo.admin").await;

    // Seven demo users, five organisations, and an audit log of the three logins at least.
    for path in ["/admin/utenti", "/admin/organizzazioni", "/admin/audit"] {
        let pages = walk_pages(&mut admin, path, 2, table_rows).await;
        assert!(pages.len() >= 2, "{path}: {} pages", pages.len());
    }
    let users = walk_pages(&mut admin, "/admin/utenti", 2, table_rows).await;
    let names: usize = users
        .iter()
        .map(|page| {
            page.body
                .matches("<th scope=\"row\"><a href=\"/admin/utenti/")
                .count()
        })
        .sum();
    assert_eq!(names, 7);

    // Three urgent reports: three notifications for the coordination.
    let mut filed = Vec::new();
    for _ in 0..3 {
        filed.push(file_report(&mut office, "U1").await.0);
    }
    let notifications = walk_pages(&mut coordination, "/notifiche", 2, notification_rows).await;
    assert!(notifications.len() >= 2);

    // Batches: two more than the demo's one, a report each; the form offers only reports
    // taken in charge.
    for id in &filed {
        let taken = act(&mut coordination, id, "Prendi in carico", "").await;
        assert_eq!(taken.status, 303);
    }
    for id in &filed[..2] {
        batch_of(&mut coordination, id).await;
    }
    let batches = walk_pages(&mut coordination, "/lotti", 2, table_rows).await;
    assert_eq!(batches.len(), 2);
    let offered = batches[0].body.matches("name=\"report\"").count();
    assert_eq!(
        offered, 1,
        "only the report taken in charge and not batched"
    );
    assert!(
        batches[0]
            .body
            .contains(&format!("name=\"report\" value=\"{}\"", filed[2]))
    );
}
