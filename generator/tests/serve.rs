//! `respi serve` on a loopback port: the site under its base path, live reload injected, edits
//! served after a rebuild, and build errors shown in the browser until they are fixed.

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::*;

struct Server {
    child: Child,
    addr: SocketAddr,
    /// The lines the server printed so far.
    printed: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path) -> Server {
    start_with(root, &[])
}

fn start_with(root: &std::path::Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_respi"))
        .arg("--root")
        .arg(root)
        .args(["serve", "--port", "0"])
        .args(extra)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let printed = Arc::new(Mutex::new(Vec::new()));
    let lines = printed.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("http://").nth(1) {
                let _ = tx.send(rest.split('/').next().unwrap().to_string());
            }
            lines.lock().unwrap().push(line);
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server prints its address");
    Server {
        child,
        addr: addr.parse().unwrap(),
        printed,
    }
}

fn get(server: &Server, path: &str) -> (u16, String) {
    let (status, body) = http_get(server.addr, path);
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Polls `path` until `ok` holds, for at most 20 seconds.
fn wait_for(server: &Server, path: &str, ok: impl Fn(u16, &str) -> bool) -> (u16, String) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = get(server, path);
        if ok(status, &body) || Instant::now() > deadline {
            return (status, body);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serves_under_the_base_path_with_live_reload() {
    let site = fixture_site("basic");
    let server = start(site.path());
    let (status, html) = get(&server, "/respi/notizie/notizia-1/");
    assert_eq!(status, 200);
    assert!(
        html.contains("/respi/__respi/livereload.js"),
        "the preview injects the reload script"
    );
    assert!(
        html.contains(&format!("http://{}/respi/notizie/notizia-1/", server.addr)),
        "canonical URLs point at the preview"
    );
    let (status, js) = get(&server, "/respi/__respi/livereload.js");
    assert_eq!(status, 200);
    assert!(js.contains("EventSource"));
    let (status, _) = get(&server, "/respi/non-esiste/");
    assert_eq!(status, 404);
}

#[test]
fn serves_the_search_index_when_asked_and_rebuilds_it_after_an_edit() {
    let site = fixture_site("search");
    let server = start_with(site.path(), &["--search"]);
    let (status, entry) = wait_for(&server, "/respi/pagefind/pagefind-entry.json", |s, _| {
        s == 200
    });
    assert_eq!(status, 200, "the index is served: {entry}");
    assert!(entry.contains("\"languages\""), "{entry}");
    let (status, _) = get(&server, "/respi/pagefind/pagefind.js");
    assert_eq!(status, 200);
    let page = site.path().join("content/notizie/nuovi-orari.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\nParolaNuovaDelTesto.\n")).unwrap();
    let (status, html) = wait_for(&server, "/respi/notizie/nuovi-orari/", |s, b| {
        s == 200 && b.contains("ParolaNuovaDelTesto")
    });
    assert_eq!(status, 200);
    assert!(html.contains("ParolaNuovaDelTesto"), "the edit is served");
    let (status, _) = get(&server, "/respi/pagefind/pagefind-entry.json");
    assert_eq!(
        status, 200,
        "the server still runs with its index after a rebuild"
    );
}

#[test]
fn build_output_never_carries_the_reload_script() {
    let site = fixture_site("basic");
    let out = build_ok(site.path(), &["--no-search"]);
    for (path, bytes) in snapshot(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__respi"),
            "{path} has the reload script"
        );
    }
}

#[test]
fn edits_are_served_and_errors_shown_until_fixed() {
    let site = fixture_site("basic");
    let server = start(site.path());
    let page = "content/notizie/notizia-2.md";
    let text = std::fs::read_to_string(site.path().join(page)).unwrap();
    std::fs::write(
        site.path().join(page),
        text.replace("Testo della notizia 2.", "Testo aggiornato in anteprima."),
    )
    .unwrap();
    let (status, html) = wait_for(&server, "/respi/notizie/notizia-2/", |_, b| {
        b.contains("Testo aggiornato in anteprima.")
    });
    assert_eq!(status, 200, "{html}");

    // Saving by rename, as many editors do.
    let tmp = site.path().join("content/notizie/.notizia-2.md.tmp");
    std::fs::write(
        &tmp,
        text.replace("Testo della notizia 2.", "Salvato con una rinomina."),
    )
    .unwrap();
    std::fs::rename(&tmp, site.path().join(page)).unwrap();
    let (_, html) = wait_for(&server, "/respi/notizie/notizia-2/", |_, b| {
        b.contains("Salvato con una rinomina.")
    });
    assert!(html.contains("Salvato con una rinomina."));

    std::fs::write(site.path().join(page), text.replace("updated:", "udpated:")).unwrap();
    let (status, html) = wait_for(&server, "/respi/notizie/notizia-2/", |s, _| s == 500);
    assert_eq!(status, 500);
    assert!(html.contains("<html lang=\"it\">"));
    assert!(html.contains("role=\"alert\""));
    assert!(html.contains("content/notizie/notizia-2.md:5:1"), "{html}");
    assert!(html.contains("forse intendevi `updated`?"));
    assert!(
        html.contains("livereload.js"),
        "the error page reloads itself when the error is fixed"
    );

    std::fs::write(site.path().join(page), &text).unwrap();
    let (status, html) = wait_for(&server, "/respi/notizie/notizia-2/", |s, _| s == 200);
    assert_eq!(status, 200);
    assert!(html.contains("Testo della notizia 2."));
}

/// The lines printed from the `n`-th "Sito aggiornato" line (from 1) to the one before it,
/// waiting for it at most 20 seconds.
fn printed_by_build(server: &Server, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let lines = server.printed.lock().unwrap().clone();
        let ends: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].starts_with("Sito aggiornato"))
            .collect();
        if ends.len() >= n {
            let start = if n == 1 { 0 } else { ends[n - 2] + 1 };
            return lines[start..ends[n - 1]].to_vec();
        }
        assert!(
            Instant::now() < deadline,
            "build {n} not printed: {lines:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn after_an_edit_the_terminal_names_the_edited_page_and_counts_the_rest() {
    let site = fixture_site("basic");
    let pages = ["notizia-1", "notizia-2", "notizia-3"];
    for page in pages {
        let path = site.path().join(format!("content/notizie/{page}.md"));
        let text = std::fs::read_to_string(&path).unwrap();
        let warned = format!("{text}\nPer continuare premi il pulsante verde.\n");
        std::fs::write(&path, warned).unwrap();
    }
    let server = start(site.path());
    let first = printed_by_build(&server, 1);
    let warned = |lines: &[String], page: &str| {
        let file = format!("content/notizie/{page}.md:");
        lines
            .iter()
            .any(|l| l.starts_with(&file) && l.contains("[C13]"))
    };
    for page in pages {
        assert!(
            warned(&first, page),
            "the first build shows them all: {first:?}"
        );
    }
    let totals = first
        .iter()
        .find(|l| l.contains(" errori, "))
        .expect("totals");
    let all: usize = totals
        .split(", ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    let edited = site.path().join("content/notizie/notizia-2.md");
    let text = std::fs::read_to_string(&edited).unwrap();
    std::fs::write(&edited, format!("{text}\nUna riga aggiunta.\n")).unwrap();
    let after = printed_by_build(&server, 2);
    assert!(
        warned(&after, "notizia-2"),
        "the edited page is named: {after:?}"
    );
    assert!(
        !warned(&after, "notizia-1") && !warned(&after, "notizia-3"),
        "{after:?}"
    );
    let own = after
        .iter()
        .filter(|l| l.starts_with("content/notizie/notizia-2.md:"))
        .count();
    let counted = format!("{} avvisi invariati nel resto del sito", all - own);
    let summary: Vec<&String> = after.iter().filter(|l| l.contains("invariati")).collect();
    assert_eq!(summary.len(), 1, "{after:?}");
    assert!(summary[0].starts_with(&counted), "{counted}: {after:?}");
}
