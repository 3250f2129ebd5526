//! The checker against a real HTTP server on the loopback: every kind of answer, the retry,
//! the per-host limit and the cache.

mod server;

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use respi_external_links::{Cache, Checked, Limits, LinkUse, Report, Verdict, check_all};

fn quick() -> Limits {
    Limits {
        per_host: 1,
        delay: Duration::from_millis(5),
        timeout: Duration::from_millis(1500),
        retry_after: Duration::from_millis(10),
        hosts_at_once: 4,
    }
}

fn at(day: u32) -> Timestamp {
    format!("2026-11-{day:02}T06:00:00Z").parse().unwrap()
}

const WEEK: SignedDuration = SignedDuration::from_hours(24 * 7);

fn uses(urls: &[String]) -> Vec<LinkUse> {
    urls.iter()
        .enumerate()
        .map(|(i, url)| LinkUse {
            url: url.clone(),
            file: PathBuf::from("content/pagina.md"),
            line: i + 10,
        })
        .collect()
}

fn verdict_of(report: &Report, url: &str) -> Option<(Verdict, u16)> {
    report
        .findings
        .iter()
        .find(|f| f.url == url)
        .map(|f| (f.verdict, f.status))
}

/// The addresses of `paths` on `server`.
fn addresses<P: AsRef<str>>(
    server: &server::Server,
    paths: impl IntoIterator<Item = P>,
) -> Vec<String> {
    paths
        .into_iter()
        .map(|p| format!("{}{}", server.base, p.as_ref()))
        .collect()
}

/// Checks `urls` at `now` with `cache`, taking answers younger than a week from it.
fn check(urls: &[String], cache: &mut Cache, now: Timestamp, limits: &Limits) -> Vec<Checked> {
    check_all(urls.iter().map(String::as_str), cache, now, WEEK, limits)
}

/// Checks `paths` of `server` (and `extra` addresses) as if written on lines 10, 11, … of
/// `content/pagina.md`.
fn check_paths(server: &server::Server, paths: &[&str], extra: &[String]) -> Report {
    let mut urls = addresses(server, paths);
    urls.extend(extra.iter().cloned());
    let checked = check(&urls, &mut Cache::default(), at(1), &quick());
    Report::new(&uses(&urls), &checked)
}

/// Checks `count` addresses of one slow host with `limits`: how many HEAD requests the host
/// answered, and the most it was answering at once.
fn slow_host(count: usize, limits: &Limits) -> (usize, usize) {
    let server = server::start();
    let urls = addresses(&server, (0..count).map(|i| format!("/slowish?n={i}")));
    check(&urls, &mut Cache::default(), at(1), limits);
    (
        server.seen.count("HEAD", "/slowish"),
        server.seen.most_at_once.load(Ordering::SeqCst),
    )
}

#[test]
fn every_kind_of_answer_gets_its_verdict() {
    let server = server::start();
    let url = |p: &str| format!("{}{p}", server.base);
    let closed = server::closed_port();
    let paths = [
        "/ok",
        "/moved",
        "/moved-twice",
        "/temporary",
        "/moved-to-gone",
        "/missing",
        "/gone",
        "/error",
        "/head-refused",
        "/slowish",
        "/slow",
        "/silent",
    ];
    let report = check_paths(&server, &paths, std::slice::from_ref(&closed));
    let verdict = |u: &str| verdict_of(&report, u);

    for fine in ["/ok", "/head-refused", "/slowish"] {
        assert_eq!(verdict(&url(fine)), None, "{fine}: {report}");
    }
    assert_eq!(verdict(&url("/moved")), Some((Verdict::Moved, 200)));
    // A permanent redirect to a temporary one: the first says the link should change.
    assert_eq!(verdict(&url("/moved-twice")), Some((Verdict::Moved, 200)));
    assert_eq!(
        verdict(&url("/temporary")),
        Some((Verdict::Redirected, 200))
    );
    assert_eq!(
        verdict(&url("/moved-to-gone")),
        Some((Verdict::Broken, 410))
    );
    assert_eq!(verdict(&url("/missing")), Some((Verdict::Broken, 404)));
    assert_eq!(verdict(&url("/gone")), Some((Verdict::Broken, 410)));
    assert_eq!(verdict(&url("/error")), Some((Verdict::Broken, 500)));
    assert_eq!(verdict(&url("/slow")), Some((Verdict::Broken, 0)));
    assert_eq!(verdict(&url("/silent")), Some((Verdict::Broken, 0)));
    assert_eq!(verdict(&closed), Some((Verdict::Broken, 0)));
    let silent = report
        .findings
        .iter()
        .find(|f| f.url == url("/silent"))
        .unwrap();
    assert_eq!(silent.problem, "nessuna risposta nel tempo massimo");

    // HEAD first, GET only when HEAD is refused.
    let asked = "asked, and at the end of 3 redirects";
    assert_eq!(server.seen.count("HEAD", "/ok"), 4, "{asked}");
    assert_eq!(server.seen.count("GET", "/ok"), 0);
    assert_eq!(server.seen.count("GET", "/head-refused"), 1);
    // A server error is asked once more, HEAD and GET each time.
    assert_eq!(server.seen.count("HEAD", "/error"), 2);
    assert_eq!(server.seen.count("GET", "/error"), 2);
}

#[test]
fn the_report_names_file_line_and_status_as_text_json_and_csv() {
    let server = server::start();
    let url = |p: &str| format!("{}{p}", server.base);
    let report = check_paths(&server, &["/ok", "/moved", "/missing", "/gone"], &[]);
    assert_eq!(report.findings.len(), 3, "{report}");
    let moved = &report.findings[0];
    assert_eq!(moved.location.as_deref(), Some(url("/ok").as_str()));
    assert_eq!((moved.file.as_str(), moved.line), ("content/pagina.md", 11));

    let text = report.to_string();
    let line = format!(
        "content/pagina.md:12: errore: collegamento interrotto: {}",
        url("/missing")
    );
    assert!(text.contains(&line), "{text}");
    assert!(text.contains(&format!("porta a {}", url("/ok"))), "{text}");
    assert!(text.ends_with("4 indirizzi esterni controllati (0 dalla cache): 2 interrotti, 1 spostati, 0 reindirizzati"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
    let first = &json["findings"][0];
    assert_eq!(first["file"], "content/pagina.md");
    assert_eq!(first["line"], 11);
    assert_eq!(first["verdict"], "moved");
    let csv = String::from_utf8(report.csv()).unwrap();
    assert!(csv.starts_with("file,line,url,verdict,status,location,problem,checked\n"));
    let gone = format!("content/pagina.md,13,{},interrotto,410", url("/gone"));
    assert!(csv.contains(&gone), "{csv}");
}

#[test]
fn a_failure_that_passes_is_retried_once() {
    let server = server::start();
    let urls = addresses(&server, ["/fails-once"]);
    let checked = check(&urls, &mut Cache::default(), at(1), &quick());
    assert_eq!(checked[0].outcome.status, 200);
    assert_eq!(server.seen.count("HEAD", "/fails-once"), 2);
}

#[test]
fn one_host_is_asked_one_request_at_a_time() {
    let limits = Limits {
        hosts_at_once: 8,
        ..quick()
    };
    let (asked, most_at_once) = slow_host(5, &limits);
    assert_eq!(asked, 5);
    assert_eq!(most_at_once, 1);
}

#[test]
fn two_requests_at_once_when_the_limit_is_two_and_never_more() {
    let limits = Limits {
        per_host: 2,
        ..quick()
    };
    let (asked, most_at_once) = slow_host(6, &limits);
    assert_eq!(asked, 6);
    assert_eq!(most_at_once, 2);
}

#[test]
fn the_cache_spares_links_checked_recently_and_asks_again_older_ones() {
    let server = server::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cache/collegamenti-esterni.csv");
    let urls = addresses(&server, ["/ok", "/gone", "/moved"]);
    let run = |now: Timestamp| {
        let mut cache = Cache::load(&file).unwrap();
        let checked = check(&urls, &mut cache, now, &quick());
        cache.save(&file).unwrap();
        Report::new(&uses(&urls), &checked)
    };
    let first = run(at(1));
    let asked_first = server.seen.total();
    assert_eq!((first.addresses, first.from_cache), (3, 0));

    let second = run(at(5));
    assert_eq!(
        server.seen.total(),
        asked_first,
        "nothing asked within the week"
    );
    assert_eq!((second.addresses, second.from_cache), (3, 3));
    let kept: Vec<_> = second
        .findings
        .iter()
        .map(|f| (f.verdict, f.status, f.checked))
        .collect();
    assert_eq!(
        kept,
        [(Verdict::Broken, 410, at(1)), (Verdict::Moved, 200, at(1))]
    );

    let third = run(at(9));
    assert_eq!(third.from_cache, 0);
    assert_eq!(
        server.seen.total(),
        asked_first * 2,
        "older than a week: asked again"
    );
    assert_eq!(third.findings[0].checked, at(9));
}
