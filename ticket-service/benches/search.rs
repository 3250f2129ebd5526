//! Report search latency on a seeded database (see `bench/tickets/search.sh`):
//!
//!     cargo bench -p respi-tickets --bench search -- DB_FILE [ROUNDS]
//!
//! Opens the database, rebuilds its search index (timed), then runs a fixed list of searches,
//! each as the search page does it: the index's page of 20 results with their highlighted
//! passages, then each report read with the lists' scoped query. Every search runs ROUNDS
//! times (default 5) after one untimed round; prints the median, the 90th and 99th percentile
//! and the slowest, in milliseconds, overall and by kind of search.

use std::path::PathBuf;
use std::time::Instant;

use respi_tickets::db::{Db, reports};
use respi_tickets::domain::organisation::OrganisationKind;
use respi_tickets::domain::report::{ReportScope, ReportState};
use respi_tickets::domain::search::{SearchFilters, SearchOrder, SearchReach, SearchRequest};
use respi_tickets::search::{self, SearchIndex};

const PAGE_SIZE: usize = 20;

/// The words typed, as operators would: single words, plurals, phrases, codes, rare words.
const WORDS: &[&str] = &[
    "permesso",
    "permessi di soggiorno",
    "rinnovo permesso scaduto",
    "ricongiungimento familiare",
    "ricongiungimenti figli minori",
    "cittadinanza residenza",
    "giuramento",
    "nulla osta lavoro stagionale",
    "decreto flussi",
    "kit postale",
    "convocazione SMS",
    "impronte digitali appuntamento",
    "portale ALI integrazione",
    "protezione sussidiaria documento di viaggio",
    "passaporto smarrito denuncia",
    "Questura comunica stampa",
    "Prefettura istruttoria parere",
    "sospesa senza motivazione",
    "Alba",
    "Mondovì",
    "RESPI-2025-001234",
    "K10",
    "assegno unico",
    "iscrizione anagrafica figli",
    "tessera elettronica",
    "datore di lavoro contratto",
    "lungo periodo",
    "cure mediche",
    "attesa occupazione",
    "conversione studio lavoro",
];

struct Case {
    kind: &'static str,
    reach: SearchReach,
    request: SearchRequest,
}

fn reach(scope: ReportScope, coordination: bool) -> SearchReach {
    SearchReach {
        scope,
        notes: coordination,
        received_answers: coordination,
        citizen: true,
    }
}

fn words(text: &str) -> SearchRequest {
    SearchRequest {
        words: text.to_owned(),
        page: 1,
        ..SearchRequest::default()
    }
}

/// The searches with filters and orders, for the coordination.
fn filtered(office: i64) -> Vec<SearchRequest> {
    let year = |y| jiff::civil::date(y, 1, 1);
    [
        (
            "permesso",
            SearchFilters {
                state: Some(ReportState::AwaitingAnswer),
                ..Default::default()
            },
            SearchOrder::Relevance,
        ),
        (
            "ricongiungimento",
            SearchFilters {
                urgency: Some("U1".into()),
                ..Default::default()
            },
            SearchOrder::Newest,
        ),
        (
            "",
            SearchFilters {
                area: Some("alba-bra".into()),
                from: Some(year(2026)),
                ..Default::default()
            },
            SearchOrder::Newest,
        ),
        (
            "",
            SearchFilters {
                topic: Some(3),
                ..Default::default()
            },
            SearchOrder::Oldest,
        ),
        (
            "cittadinanza",
            SearchFilters {
                addressed_office: Some("prefettura_cittadinanza"),
                to: Some(year(2026)),
                ..Default::default()
            },
            SearchOrder::Relevance,
        ),
        (
            "",
            SearchFilters {
                state: Some(ReportState::Reopened),
                ..Default::default()
            },
            SearchOrder::Newest,
        ),
        (
            "lavoro",
            SearchFilters {
                organisation: Some(office),
                ..Default::default()
            },
            SearchOrder::Oldest,
        ),
    ]
    .into_iter()
    .map(|(text, filters, order)| SearchRequest {
        filters,
        order,
        ..words(text)
    })
    .collect()
}

/// The fixed list: every text for the coordination, for one office and for the Questura;
/// then filters, orders, deep pages and identifiers.
fn cases(office: i64) -> Vec<Case> {
    let all = reach(ReportScope::All, true);
    let mut cases = Vec::new();
    for text in WORDS {
        cases.push(Case {
            kind: "parole, coordinamento",
            reach: all,
            request: words(text),
        });
        cases.push(Case {
            kind: "parole, sportello",
            reach: reach(ReportScope::Organisation(office), false),
            request: words(text),
        });
        cases.push(Case {
            kind: "parole, Questura",
            reach: reach(ReportScope::Institution(OrganisationKind::Questura), false),
            request: words(text),
        });
    }
    for request in filtered(office) {
        cases.push(Case {
            kind: "filtri e ordine",
            reach: all,
            request,
        });
    }
    for page in [2, 10, 50] {
        cases.push(Case {
            kind: "pagine successive",
            reach: all,
            request: SearchRequest {
                page,
                ..words("permesso soggiorno")
            },
        });
    }
    for person in ["Diallo", "Popescu Elena", "Khan Omar"] {
        cases.push(Case {
            kind: "persona (POST)",
            reach: all,
            request: SearchRequest {
                citizen: Some(person.to_owned()),
                ..words("")
            },
        });
    }
    cases
}

/// One search as the page runs it; returns the number of matches.
fn run(index: &SearchIndex, db: &Db, case: &Case) -> usize {
    let hits = index
        .search(&case.reach, &case.request, PAGE_SIZE)
        .expect("search");
    let scope = case.reach.scope;
    let ids: Vec<i64> = hits.hits.iter().map(|hit| hit.id).collect();
    let rows = db
        .call_blocking(move |conn| {
            let mut rows = Vec::new();
            for id in ids {
                rows.extend(reports::find(conn, scope, id)?);
            }
            Ok(rows)
        })
        .expect("rows");
    assert_eq!(rows.len(), hits.hits.len(), "every hit is within the scope");
    hits.total
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(label: &str, samples: &mut [f64]) {
    samples.sort_by(f64::total_cmp);
    println!(
        "  {label:<24} n={:<5} mediana {:>7.2} ms  p90 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
        samples.len(),
        percentile(samples, 50.0),
        percentile(samples, 90.0),
        percentile(samples, 99.0),
        samples.last().copied().unwrap_or_default(),
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    // Without a database (`cargo test --all-targets` runs benches too) there is nothing to time.
    let Some(path) = args.first().map(PathBuf::from) else {
        eprintln!("uso: cargo bench -p respi-tickets --bench search -- DB_FILE [GIRI]");
        return;
    };
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let db = Db::open(&path).expect("the database opens");
    let index = SearchIndex::open(&search::folder_for(&path)).expect("the index opens");
    let started = Instant::now();
    let indexed = index.rebuild(&db, &mut |_, _| ()).expect("rebuild");
    println!(
        "indice ricostruito: {indexed} segnalazioni in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let office: i64 = db
        .call_blocking(|conn| {
            conn.query_row(
                "SELECT organisation_id FROM reports GROUP BY organisation_id ORDER BY COUNT(*) DESC LIMIT 1",
                [],
                |row| row.get(0),
            )
        })
        .expect("an office with reports");
    let cases = cases(office);
    for case in &cases {
        run(&index, &db, case);
    }
    let mut all = Vec::new();
    let mut by_kind: Vec<(&str, Vec<f64>)> = Vec::new();
    for _ in 0..rounds {
        for case in &cases {
            let start = Instant::now();
            run(&index, &db, case);
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            all.push(ms);
            match by_kind.iter_mut().find(|(kind, _)| *kind == case.kind) {
                Some((_, samples)) => samples.push(ms),
                None => by_kind.push((case.kind, vec![ms])),
            }
        }
    }
    println!(
        "{} ricerche × {rounds} giri, 20 risultati per pagina:",
        cases.len()
    );
    report("tutte", &mut all);
    for (kind, samples) in &mut by_kind {
        report(kind, samples);
    }
    let p99 = percentile(&all, 99.0);
    println!(
        "obiettivo p99 < 50 ms: {} ({p99:.2} ms, {:.0}% dell'obiettivo)",
        if p99 < 50.0 {
            "raggiunto"
        } else {
            "NON raggiunto"
        },
        p99 / 50.0 * 100.0
    );
}
