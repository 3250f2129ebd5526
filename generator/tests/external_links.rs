//! `respi check --external` on a site whose pages and network file link to a loopback server:
//! the broken and moved links named with file:line, the JSON and CSV reports, the cache file,
//! and no request at all from `respi build` or a plain `respi check`.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use support::{fixture_site, respi, stderr};

/// A server answering /ok with 200, /moved with 301 to /ok and anything else with 410;
/// it counts the requests.
fn start_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            reader.read_line(&mut line).unwrap();
            while reader.read_line(&mut String::new()).unwrap_or(0) > 2 {}
            let path = line.split_whitespace().nth(1).unwrap_or("");
            let head = match path {
                "/ok" => "200 OK\r\n".to_string(),
                "/moved" => "301 Moved Permanently\r\nLocation: /ok\r\n".to_string(),
                _ => "410 Gone\r\n".to_string(),
            };
            let response = format!("HTTP/1.1 {head}Content-Length: 0\r\nConnection: close\r\n\r\n");
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (base, requests)
}

/// The basic fixture with a page linking to `base`/ok, /moved and /gone (lines 8, 10 and 12)
/// and the network's first website (line 2) pointing to `base`/chiuso.
fn site_linking_to(base: &str) -> tempfile::TempDir {
    let site = fixture_site("basic");
    let root = site.path();
    let page = format!(
        "---\ntitle: \"Siti utili\"\ndescription: \"Collegamenti ad altri siti\"\ndate: 2026-09-02\nupdated: 2026-09-02\n---\n\n\
         Il [portale nazionale]({base}/ok) risponde.\n\n\
         La [vecchia guida]({base}/moved) è stata spostata.\n\n\
         La [circolare ritirata]({base}/gone) non c'è più.\n"
    );
    std::fs::write(root.join("content/notizie/siti-utili.md"), page).unwrap();
    let csv_path = root.join("content/rete/servizi.csv");
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let csv = csv.replace("https://nord.example.org", &format!("{base}/chiuso"));
    std::fs::write(&csv_path, csv).unwrap();
    site
}

#[test]
fn broken_and_moved_links_are_reported_with_file_and_line() {
    let (base, requests) = start_server();
    let site = site_linking_to(&base);
    let root = site.path();
    let plain = respi(root, &["check"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    respi(root, &["build", "--no-search"]);
    assert_eq!(
        requests.load(Ordering::SeqCst),
        0,
        "no request outside --external"
    );

    let args = [
        "check",
        "--external",
        "--delay-ms",
        "0",
        "--json",
        "rapporto/collegamenti.json",
        "--csv",
        "rapporto/collegamenti.csv",
    ];
    let out = respi(root, &args);
    let text = stderr(&out);
    assert!(
        !out.status.success(),
        "a broken link fails the check:\n{text}"
    );
    let gone = format!(
        "content/notizie/siti-utili.md:12: errore: collegamento interrotto: {base}/gone (410"
    );
    assert!(text.contains(&gone), "{text}");
    let moved =
        format!("content/notizie/siti-utili.md:10: avviso: collegamento spostato: {base}/moved");
    assert!(text.contains(&moved), "{text}");
    assert!(text.contains(&format!("porta a {base}/ok")), "{text}");
    assert!(
        text.contains("content/rete/servizi.csv:2: errore: collegamento interrotto"),
        "{text}"
    );
    assert!(
        !text.contains(&format!("{base}/ok (")),
        "a working link is not reported: {text}"
    );

    let json: serde_json::Value =
        serde_json::from_str(&support::read(root, "rapporto/collegamenti.json")).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 3);
    let editors = support::read(root, "rapporto/collegamenti.csv");
    assert!(
        editors.contains("content/notizie/siti-utili.md,12,"),
        "{editors}"
    );
    let cache = support::read(root, ".respi-cache/collegamenti-esterni.csv");
    assert_eq!(
        cache.lines().count(),
        1 + 4,
        "a header and the four addresses: {cache}"
    );

    let asked = requests.load(Ordering::SeqCst);
    let again = respi(root, &["check", "--external", "--delay-ms", "0"]);
    assert!(stderr(&again).contains("4 indirizzi esterni controllati (4 dalla cache)"));
    assert_eq!(
        requests.load(Ordering::SeqCst),
        asked,
        "answers taken from the cache"
    );
    assert!(
        stderr(&again).contains(&gone),
        "a cached broken link is still reported"
    );
}
