//! FAQ drafts from answered reports, end to end: 50 synthetic reports with planted personal
//! data are filed, answered and validated through the pages, exported as FAQ drafts through
//! the coordination's pages (several reports on one topic into one FAQ), and the test then
//! reads every exported file for the planted values and builds the portal with and without
//! drafts.

use std::path::{Path, PathBuf};

use crate::faq_corpus::{self, OFFICES, PlantedReport, TOPICS};
use crate::helpers::{Client, TestApp, spawn_app_with};
use crate::steps::act;

const CORPUS: usize = 50;

pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub(crate) fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The service on a copy of the bundled portal (site.toml, content, theme), whose FAQ sections
/// are the topics and whose content folder receives the drafts.
async fn spawn_on_portal_copy() -> (TestApp, PathBuf) {
    spawn_on_portal_copy_with(|_| {}).await
}

pub(crate) async fn spawn_on_portal_copy_with(
    configure: impl FnOnce(&mut respi_tickets::config::Settings) + Send + 'static,
) -> (TestApp, PathBuf) {
    let root = tempfile::tempdir().unwrap().keep();
    for part in ["content", "themes"] {
        copy_tree(&repo_root().join(part), &root.join(part));
    }
    std::fs::copy(repo_root().join("site.toml"), root.join("site.toml")).unwrap();
    let portal = root.clone();
    let app = spawn_app_with(move |settings, _| {
        settings.content_dir = portal.join("content");
        settings.site_config = portal.join("site.toml");
        configure(settings);
    })
    .await;
    (app, root)
}

/// The office files the report through the form and its review page; returns its id.
pub(crate) async fn file(office: &mut Client, report: &PlantedReport) -> String {
    let form = office
        .get("/segnalazioni/nuova")
        .await
        .form("/segnalazioni/nuova")
        .set("kind", "stato_pratica")
        .choose("addressed_office", OFFICES[report.office].0)
        .choose("file_kind", "Permesso di soggiorno")
        .set("file_reference", &report.file_reference)
        .set("citizen_family_name", &report.family)
        .set("citizen_given_name", &report.given)
        .set("citizen_birth_date", &report.birth_date)
        .set("citizen_tax_code", &report.tax_code)
        .set("description", &report.description)
        .set("urgency", "U3")
        .set("urgency_reason", "Scadenza vicina.");
    let review = office.submit(&form).await;
    assert_eq!(review.status, 200, "{}", review.body);
    let filed = office
        .submit(&review.form_with_button("Invia la segnalazione"))
        .await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let location = filed.location().unwrap();
    location
        .trim_start_matches("/segnalazioni/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

/// The coordination takes it, files it under its topic and publishes the answer; the
/// referent validates every other one.
pub(crate) async fn answer(clients: &mut Clients, id: &str, n: usize, report: &PlantedReport) {
    let coordination = &mut clients.coordination;
    assert_eq!(
        act(coordination, id, "Prendi in carico", "").await.status,
        303
    );
    let page = coordination.get(&format!("/segnalazioni/{id}")).await;
    let topic = page
        .form(&format!("/segnalazioni/{id}/argomento"))
        .choose("topic", TOPICS[report.topic]);
    assert_eq!(coordination.submit(&topic).await.status, 303);
    let published = act(coordination, id, "Pubblica la risposta", &report.answer).await;
    assert_eq!(published.status, 303, "{}", published.body);
    if n.is_multiple_of(2) {
        let referent = match OFFICES[report.office].1 {
            "demo.questura" => &mut clients.questura,
            _ => &mut clients.prefettura,
        };
        assert_eq!(
            act(referent, id, "Valida la risposta", "").await.status,
            303
        );
    }
}

pub(crate) struct Clients {
    pub(crate) office: Client,
    pub(crate) coordination: Client,
    pub(crate) questura: Client,
    pub(crate) prefettura: Client,
}

/// Picks `ids` on `/faq`, types the question, keeps the anonymised answer and the topic, and
/// exports; returns the exported file's path under the content folder.
async fn export(
    coordination: &mut Client,
    ids: &[String],
    question: &str,
    planted: &[String],
) -> String {
    let list = coordination.get("/faq").await;
    assert_eq!(list.status, 200);
    let mut pick = list.form("/faq/bozza");
    for id in ids {
        pick = pick.check("report", id, true);
    }
    let review = coordination.submit(&pick).await;
    assert_eq!(review.status, 200, "{}", review.body);
    // The editor sees what was removed before exporting; the answer offered is already clean.
    assert!(review.body.contains("Dati personali tolti"));
    assert!(
        planted
            .iter()
            .any(|value| review.body.contains(&format!("<td>{value}</td>")))
    );
    let form = review.form("/faq/esporta");
    let offered = form.value("answer").unwrap();
    for value in planted {
        assert!(
            !offered.contains(value.as_str()),
            "{value} offered in the answer"
        );
    }
    let exported = coordination.submit(&form.set("question", question)).await;
    assert_eq!(exported.status, 200, "{}", exported.body);
    assert!(
        exported.body.contains("Bozza esportata"),
        "{}",
        exported.body
    );
    let start = exported.body.find("<code>content/").unwrap() + "<code>content/".len();
    let end = exported.body[start..].find("</code>").unwrap() + start;
    exported.body[start..end].to_owned()
}

pub(crate) async fn cast(app: &TestApp) -> Clients {
    Clients {
        office: app.logged_in("demo.sportello").await,
        coordination: app.logged_in("demo.coordinamento").await,
        questura: app.logged_in("demo.questura").await,
        prefettura: app.logged_in("demo.prefettura").await,
    }
}

/// The corpus filed and answered; returns the reports' ids, in corpus order.
async fn file_and_answer(clients: &mut Clients, corpus: &[PlantedReport]) -> Vec<String> {
    let mut ids = Vec::new();
    for (n, report) in corpus.iter().enumerate() {
        let id = file(&mut clients.office, report).await;
        answer(clients, &id, n, report).await;
        ids.push(id);
    }
    ids
}

/// The page the generator makes of the draft `path` (`faq/<topic>/<stem>.md`).
pub(crate) fn output_of(path: &str) -> String {
    format!("{}/index.html", path.trim_end_matches(".md"))
}

/// Reports on the same topic go three at a time into one FAQ; returns the exported files.
async fn export_in_groups(
    coordination: &mut Client,
    corpus: &[PlantedReport],
    ids: &[String],
) -> Vec<String> {
    let mut paths = Vec::new();
    for topic in 0..TOPICS.len() {
        let of_topic: Vec<usize> = (0..corpus.len())
            .filter(|n| corpus[*n].topic == topic)
            .collect();
        for group in of_topic.chunks(3) {
            let group_ids: Vec<String> = group.iter().map(|n| ids[*n].clone()).collect();
            let planted: Vec<String> = group
                .iter()
                .flat_map(|n| corpus[*n].planted.clone())
                .collect();
            let question = format!(
                "Quanto tempo serve per la pratica? Caso {}",
                paths.len() + 1
            );
            let path = export(coordination, &group_ids, &question, &planted).await;
            assert!(path.starts_with("faq/"), "{path}");
            paths.push(path);
        }
    }
    paths
}

/// No planted value, in any case, nor a report's number, in the exported file `path`.
fn assert_clean(root: &Path, path: &str, planted: &[String]) {
    let text = std::fs::read_to_string(root.join("content").join(path)).unwrap();
    let lower = text.to_lowercase();
    for value in planted {
        assert!(
            !lower.contains(&value.to_lowercase()),
            "{value} in {path}:\n{text}"
        );
    }
    assert!(!text.contains("RESPI-"), "{path} names a report:\n{text}");
    assert!(text.contains("draft: true"), "{text}");
    assert!(text.contains("faq:"), "{text}");
    // The answers are there, with marks where the personal data were.
    assert!(text.contains("va rinnovato 60 giorni prima"), "{text}");
    assert!(
        text.contains("La pratica [numero di pratica] di [nome]"),
        "{text}"
    );
}

/// The drafts build with --drafts, and are left out without it.
fn assert_built_only_as_drafts(root: &Path, paths: &[String]) {
    let drafts = respi_site::BuildOptions {
        drafts: true,
        ..Default::default()
    };
    let with = respi_site::build(root, &drafts).unwrap_or_else(|diagnostics| {
        panic!("the portal with the drafts does not build:\n{diagnostics}")
    });
    let without = respi_site::build(root, &respi_site::BuildOptions::default())
        .unwrap_or_else(|diagnostics| panic!("the portal does not build:\n{diagnostics}"));
    for path in paths {
        let output = output_of(path);
        assert!(
            with.files.contains_key(output.as_str()),
            "{path} not built with drafts"
        );
        assert!(
            !without.files.contains_key(output.as_str()),
            "{path} built without drafts"
        );
    }
}

#[tokio::test]
async fn fifty_reports_with_planted_personal_data_become_clean_drafts_that_build() {
    let (app, root) = spawn_on_portal_copy().await;
    let mut clients = cast(&app).await;
    let corpus: Vec<PlantedReport> = (0..CORPUS).map(faq_corpus::report).collect();
    let ids = file_and_answer(&mut clients, &corpus).await;
    let paths = export_in_groups(&mut clients.coordination, &corpus, &ids).await;
    assert_eq!(paths.len(), 18);

    let planted: Vec<String> = corpus.iter().flat_map(|r| r.planted.clone()).collect();
    for path in &paths {
        assert_clean(&root, path, &planted);
    }
    // The coordination sees where each report went; the public file does not say.
    let list = clients.coordination.get("/faq").await;
    assert!(
        list.body
            .contains(&format!("già esportata in {}", paths[0]))
    );
    let report = format!("/segnalazioni/{}", ids[0]);
    let shown = clients.coordination.get(&report).await;
    assert!(
        shown
            .body
            .contains(&format!("<code>content/{}</code>", paths[0]))
    );
    let office = clients.office.get(&report).await;
    assert!(!office.body.contains("FAQ ricavate"));

    assert_built_only_as_drafts(&root, &paths);
    std::fs::remove_dir_all(&root).unwrap();
}

/// The FAQ files under the portal's content folder.
fn faq_files(root: &Path) -> usize {
    fn count(dir: &Path) -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| if p.is_dir() { count(&p) } else { 1 })
            .sum()
    }
    count(&root.join("content/faq"))
}

#[tokio::test]
async fn the_editor_is_shown_what_goes_and_nothing_personal_is_written() {
    // The service runs the demo, on its demo database: the command line opens that one.
    let database = tempfile::tempdir().unwrap().keep().join("tickets.sqlite3");
    let path = database.clone();
    let (app, root) =
        spawn_on_portal_copy_with(move |settings| settings.demo_database = Some(path)).await;
    let mut clients = cast(&app).await;
    let corpus: Vec<PlantedReport> = (0..2).map(faq_corpus::report).collect();
    let ids = file_and_answer(&mut clients, &corpus).await;
    let before = faq_files(&root);
    let coordination = &mut clients.coordination;

    // Only the coordination prepares drafts.
    assert_eq!(clients.office.get("/faq").await.status, 403);
    // Nothing ticked: the list again, with the error.
    let list = coordination.get("/faq").await;
    let none = coordination.submit(&list.form("/faq/bozza")).await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("href=\"#report\""), "{}", none.body);

    let review = coordination
        .submit(&list.form("/faq/bozza").check("report", &ids[0], true))
        .await;
    assert_eq!(review.status, 200);
    // A question left empty is refused per F4.
    let empty = coordination.submit(&review.form("/faq/esporta")).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("href=\"#question\""));
    // Personal data typed by the editor: sent back scrubbed, with what went, nothing written.
    let family = &corpus[0].family;
    let typed = review
        .form("/faq/esporta")
        .set(
            "question",
            &format!("Quando risponde la Questura a {family}?"),
        )
        .set(
            "answer",
            "Di solito entro 60 giorni; per sapere di più chiamare il 333 123 4567.",
        );
    let back = coordination.submit(&typed).await;
    assert_eq!(back.status, 422, "{}", back.body);
    assert!(
        back.body.contains("erano altri dati personali"),
        "{}",
        back.body
    );
    assert!(back.body.contains(&format!("<td>{family}</td>")));
    assert!(back.body.contains("<td>333 123 4567</td>"));
    let scrubbed = back.form("/faq/esporta");
    assert_eq!(
        scrubbed.value("question").unwrap(),
        "Quando risponde la Questura a [nome]?"
    );
    assert_eq!(faq_files(&root), before, "nothing written");
    // Read again and sent as it is: written.
    let written = coordination.submit(&scrubbed).await;
    assert_eq!(written.status, 200, "{}", written.body);
    assert_eq!(faq_files(&root), before + 1);

    the_command_line_exports_the_same_way(&database, &root, &mut clients, &ids[1], &corpus[1])
        .await;
    std::fs::remove_dir_all(&root).unwrap();
    std::fs::remove_dir_all(database.parent().unwrap()).unwrap();
}

/// `respi-tickets export-faq`: a preview writes nothing, then the draft is written clean.
async fn the_command_line_exports_the_same_way(
    database: &Path,
    root: &Path,
    clients: &mut Clients,
    id: &str,
    report: &PlantedReport,
) {
    use respi_tickets::cli::faq::{FaqRequest, describe, export_faq};
    let page = clients
        .coordination
        .get(&format!("/segnalazioni/{id}"))
        .await;
    let start = page.body.find("RESPI-").unwrap();
    let protocol = page.body[start..start + 17].to_owned();
    let db = respi_tickets::db::Db::open(database).unwrap();
    let protocols = [protocol];
    let mut request = FaqRequest {
        protocols: &protocols,
        question: "Come si segue una pratica di rinnovo?",
        answer: None,
        topic: Some("permesso-di-soggiorno"),
        preview: true,
    };
    let before = faq_files(root);
    let content = root.join("content");
    let (review, written) = export_faq(&db, &content, &request, 1_800_000_000).unwrap();
    assert!(written.is_none());
    assert_eq!(faq_files(root), before);
    let shown = describe(&review);
    assert!(
        shown.contains(&format!("nome di persona: {}", report.family)),
        "{shown}"
    );
    request.preview = false;
    let (_, written) = export_faq(&db, &content, &request, 1_800_000_000).unwrap();
    let path = written.unwrap();
    assert!(path.starts_with("faq/permesso-di-soggiorno/"), "{path}");
    let text = std::fs::read_to_string(content.join(&path)).unwrap();
    for value in &report.planted {
        assert!(!text.contains(value.as_str()), "{value} in {text}");
    }
    let unknown = ["RESPI-1999-000001".to_owned()];
    let error = export_faq(
        &db,
        &content,
        &FaqRequest {
            protocols: &unknown,
            ..request
        },
        1,
    )
    .unwrap_err();
    assert!(error.to_string().contains("non esiste"));
}
