//! The addresses to ask, spread over a few workers so that no host is asked more than
//! [`Limits::per_host`] times at once, with a pause after each request.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Condvar, Mutex};

use jiff::Timestamp;

use crate::cache::Cache;
use crate::probe::{self, Limits, Outcome};

/// What the checker learnt of one address.
#[derive(Debug, Clone)]
pub struct Checked {
    pub url: String,
    pub outcome: Outcome,
    /// When it was asked (now, or the date kept in the cache).
    pub checked: Timestamp,
    /// Whether the answer came from the cache.
    pub cached: bool,
}

/// Checks every distinct address of `urls`, taking from `cache` the answers younger than
/// `max_age` at `now` and leaving the new answers in it.
pub fn check_all<'a>(
    urls: impl IntoIterator<Item = &'a str>,
    cache: &mut Cache,
    now: Timestamp,
    max_age: jiff::SignedDuration,
    limits: &Limits,
) -> Vec<Checked> {
    let mut results = Vec::new();
    let mut by_host: BTreeMap<String, VecDeque<String>> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for url in urls {
        if !seen.insert(url) {
            continue;
        }
        match cache.fresh(url, now, max_age) {
            Some((outcome, checked)) => results.push(Checked {
                url: url.to_string(),
                outcome: outcome.clone(),
                checked,
                cached: true,
            }),
            None => by_host.entry(host(url)).or_default().push_back(url.into()),
        }
    }
    let asked = ask_by_host(by_host.into_values().collect(), limits);
    for (url, outcome) in asked {
        cache.insert(&url, outcome.clone(), now);
        results.push(Checked {
            url,
            outcome,
            checked: now,
            cached: false,
        });
    }
    results.sort_by(|a, b| a.url.cmp(&b.url));
    results
}

/// The host and port of an address, lower-cased: what the per-host limit counts.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    authority.to_ascii_lowercase()
}

/// The queues of addresses per host and how many requests each host has under way.
struct Hosts {
    queues: Vec<VecDeque<String>>,
    busy: Vec<usize>,
}

struct Board {
    hosts: Mutex<Hosts>,
    freed: Condvar,
    per_host: usize,
}

impl Board {
    /// The next address of a host with a free slot, waiting while every host with addresses
    /// left is busy; `None` when none is left.
    fn take(&self) -> Option<(usize, String)> {
        let mut hosts = self.hosts.lock().expect("the board is never poisoned");
        loop {
            if hosts.queues.iter().all(VecDeque::is_empty) {
                return None;
            }
            let free = (0..hosts.queues.len())
                .find(|&i| !hosts.queues[i].is_empty() && hosts.busy[i] < self.per_host);
            if let Some(i) = free {
                hosts.busy[i] += 1;
                let url = hosts.queues[i].pop_front().expect("not empty");
                return Some((i, url));
            }
            hosts = self.freed.wait(hosts).expect("the board is never poisoned");
        }
    }

    fn release(&self, host: usize) {
        self.hosts.lock().expect("the board is never poisoned").busy[host] -= 1;
        self.freed.notify_all();
    }
}

fn ask_by_host(queues: Vec<VecDeque<String>>, limits: &Limits) -> Vec<(String, Outcome)> {
    let per_host = limits.per_host.clamp(1, 2);
    let total: usize = queues.iter().map(VecDeque::len).sum();
    let workers = (queues.len() * per_host)
        .min(limits.hosts_at_once.max(1) * per_host)
        .min(total);
    let board = Board {
        hosts: Mutex::new(Hosts {
            busy: vec![0; queues.len()],
            queues,
        }),
        freed: Condvar::new(),
        per_host,
    };
    let results = Mutex::new(Vec::with_capacity(total));
    let agent = probe::agent(limits);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((host, url)) = board.take() {
                    let outcome = probe::probe(&agent, &url, limits);
                    results.lock().expect("never poisoned").push((url, outcome));
                    std::thread::sleep(limits.delay);
                    board.release(host);
                }
            });
        }
    });
    results.into_inner().expect("never poisoned")
}

#[cfg(test)]
mod tests {
    use super::host;

    #[test]
    fn hosts_keep_their_port_and_drop_credentials() {
        assert_eq!(host("https://Www.Example.it/a?b"), "www.example.it");
        assert_eq!(host("http://127.0.0.1:8080/x"), "127.0.0.1:8080");
        assert_eq!(host("https://u:p@a.example#f"), "a.example");
    }
}
