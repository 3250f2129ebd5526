//! A loopback HTTP server that answers as the sites the portal links to can: well, with
//! redirects, with errors, slowly, or not at all. It counts the requests per path and the
//! most requests it was answering at once.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
pub struct Seen {
    /// "METHOD /path" → requests.
    pub requests: Mutex<HashMap<String, usize>>,
    in_flight: AtomicUsize,
    pub most_at_once: AtomicUsize,
}

impl Seen {
    pub fn count(&self, method: &str, path: &str) -> usize {
        let requests = self.requests.lock().unwrap();
        requests
            .get(&format!("{method} {path}"))
            .copied()
            .unwrap_or(0)
    }

    pub fn total(&self) -> usize {
        self.requests.lock().unwrap().values().sum()
    }
}

pub struct Server {
    pub base: String,
    pub seen: Arc<Seen>,
}

/// Starts the server on a free loopback port.
pub fn start() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let shared = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = shared.clone();
            std::thread::spawn(move || answer(stream, &seen));
        }
    });
    Server { base, seen }
}

/// An address where nothing listens: connections are refused.
pub fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}/")
}

fn answer(stream: TcpStream, seen: &Seen) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let path = target.split('?').next().unwrap_or("").to_string();
    let earlier = {
        let mut requests = seen.requests.lock().unwrap();
        let n = requests.entry(format!("{method} {path}")).or_default();
        *n += 1;
        *n - 1
    };
    let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    seen.most_at_once.fetch_max(now, Ordering::SeqCst);
    let (status, location) = route(&method, &path, earlier);
    seen.in_flight.fetch_sub(1, Ordering::SeqCst);
    let Some(status) = status else {
        // "Not at all": the connection stays open and silent.
        std::thread::sleep(Duration::from_secs(30));
        return;
    };
    let body = if method == "GET" { "risposta" } else { "" };
    let location = location.map_or(String::new(), |l| format!("Location: {l}\r\n"));
    let response = format!(
        "HTTP/1.1 {status}\r\n{location}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        "risposta".len()
    );
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
}

/// What each path answers; `earlier` counts the requests with the same method and path
/// before this one.
fn route(method: &str, path: &str, earlier: usize) -> (Option<&'static str>, Option<&'static str>) {
    match path {
        "/ok" => (Some("200 OK"), None),
        "/moved" => (Some("301 Moved Permanently"), Some("/ok")),
        "/moved-twice" => (Some("308 Permanent Redirect"), Some("/temporary")),
        "/temporary" => (Some("302 Found"), Some("ok")),
        "/moved-to-gone" => (Some("301 Moved Permanently"), Some("/gone")),
        "/missing" => (Some("404 Not Found"), None),
        "/gone" => (Some("410 Gone"), None),
        "/error" => (Some("500 Internal Server Error"), None),
        "/head-refused" if method == "HEAD" => (Some("405 Method Not Allowed"), None),
        "/head-refused" => (Some("200 OK"), None),
        "/fails-once" if earlier == 0 => (Some("503 Service Unavailable"), None),
        "/fails-once" => (Some("200 OK"), None),
        "/slowish" => {
            std::thread::sleep(Duration::from_millis(400));
            (Some("200 OK"), None)
        }
        "/slow" => {
            std::thread::sleep(Duration::from_secs(5));
            (Some("200 OK"), None)
        }
        "/silent" => (None, None),
        _ => (Some("404 Not Found"), None),
    }
}
