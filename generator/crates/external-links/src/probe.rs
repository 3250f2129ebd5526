//! One address asked: HEAD first, GET when HEAD is refused, redirects followed one by one so
//! that each can be reported, one retry when there is no answer or the server fails.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ureq::Agent;

/// How the checker treats the sites it asks.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Requests at once to one host (1 or 2).
    pub per_host: usize,
    /// Pause after each request to a host before the next one to the same host.
    pub delay: Duration,
    /// Longest wait for one request, from connecting to the end of the headers.
    pub timeout: Duration,
    /// Pause before the one retry.
    pub retry_after: Duration,
    /// Hosts asked at once.
    pub hosts_at_once: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_host: 1,
            delay: Duration::from_millis(500),
            timeout: Duration::from_secs(10),
            retry_after: Duration::from_secs(1),
            hosts_at_once: 8,
        }
    }
}

/// Redirects followed at most, as browsers do.
const MAX_REDIRECTS: usize = 10;

/// What an address answered, after its redirects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The last HTTP status; 0 when no answer came.
    pub status: u16,
    /// Where the redirects led, when there were any.
    pub location: Option<String>,
    /// Whether the first redirect was permanent (301, 308): the link should be updated.
    pub permanent: bool,
    /// Why no answer came (time out, connection refused, unknown host).
    pub error: Option<String>,
}

/// What an editor should do about a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// It answers: nothing to do.
    Ok,
    /// It answers after a permanent redirect: write the new address.
    Moved,
    /// It answers after a temporary redirect: nothing to do, reported for information.
    Redirected,
    /// No answer, or an error status: correct or remove it.
    Broken,
}

impl Outcome {
    pub fn verdict(&self) -> Verdict {
        if self.status == 0 || self.status >= 400 {
            Verdict::Broken
        } else if self.location.is_none() {
            Verdict::Ok
        } else if self.permanent {
            Verdict::Moved
        } else {
            Verdict::Redirected
        }
    }

    /// The problem in Italian, for the report.
    pub fn describe(&self) -> String {
        if let Some(error) = &self.error {
            return error.clone();
        }
        let reason = match self.status {
            200..=299 => "risponde",
            404 => "pagina non trovata",
            410 => "pagina rimossa definitivamente",
            400..=499 => "richiesta rifiutata",
            _ => "errore del server",
        };
        format!("{} {reason}", self.status)
    }
}

/// The HTTP client the checker uses: no redirects of its own, statuses as answers.
pub(crate) fn agent(limits: &Limits) -> Agent {
    Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(limits.timeout))
        .user_agent("respi-controllo-collegamenti/0.1")
        .build()
        .into()
}

/// Asks `url`, following its redirects.
pub(crate) fn probe(agent: &Agent, url: &str, limits: &Limits) -> Outcome {
    let mut current = url.to_string();
    let mut permanent = None;
    for _ in 0..=MAX_REDIRECTS {
        let (status, next) = match ask_with_retry(agent, &current, limits) {
            Ok(answer) => answer,
            Err(error) => return outcome(url, current, 0, permanent, Some(error)),
        };
        match next {
            Some(location) if (300..400).contains(&status) => {
                permanent.get_or_insert(matches!(status, 301 | 308));
                current = resolve(&current, &location);
            }
            _ => return outcome(url, current, status, permanent, None),
        }
    }
    let error = format!("più di {MAX_REDIRECTS} reindirizzamenti");
    outcome(url, current, 0, permanent, Some(error))
}

fn outcome(
    url: &str,
    last: String,
    status: u16,
    permanent: Option<bool>,
    error: Option<String>,
) -> Outcome {
    Outcome {
        status,
        location: (last != url).then_some(last),
        permanent: permanent.unwrap_or(false),
        error,
    }
}

/// One retry when no answer came or the server failed.
fn ask_with_retry(
    agent: &Agent,
    url: &str,
    limits: &Limits,
) -> Result<(u16, Option<String>), String> {
    match ask(agent, url) {
        Ok((status, location)) if status < 500 => Ok((status, location)),
        _ => {
            std::thread::sleep(limits.retry_after);
            ask(agent, url)
        }
    }
}

/// HEAD, then GET when HEAD is refused: some servers answer only GET. A host that does not
/// answer at all is not asked a second time.
fn ask(agent: &Agent, url: &str) -> Result<(u16, Option<String>), String> {
    match agent.head(url).call() {
        Ok(r) if r.status().as_u16() < 400 => Ok(answer(&r)),
        Err(e) if unreachable(&e) => Err(explain(e)),
        _ => agent.get(url).call().map(|r| answer(&r)).map_err(explain),
    }
}

fn unreachable(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::Timeout(_) | ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
        ureq::Error::Io(e) => e.kind() == std::io::ErrorKind::ConnectionRefused,
        _ => false,
    }
}

fn answer(response: &ureq::http::Response<ureq::Body>) -> (u16, Option<String>) {
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (response.status().as_u16(), location)
}

fn explain(error: ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => "nessuna risposta nel tempo massimo".to_string(),
        ureq::Error::HostNotFound => "sito inesistente (nome non risolto)".to_string(),
        ureq::Error::ConnectionFailed => "connessione non riuscita".to_string(),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connessione rifiutata".to_string()
        }
        other => format!("richiesta non riuscita: {other}"),
    }
}

/// `location` made absolute against `base` (RFC 3986 references as servers send them).
fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    if let Some(other_host) = location.strip_prefix("//") {
        return format!("{scheme}://{other_host}");
    }
    if location.starts_with('/') {
        return format!("{scheme}://{authority}{location}");
    }
    let path = rest[authority_end..].split(['?', '#']).next().unwrap_or("");
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    format!("{scheme}://{authority}{dir}{location}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_address_asked() {
        let base = "https://a.example/x/y?q=1";
        assert_eq!(resolve(base, "https://b.example/"), "https://b.example/");
        assert_eq!(resolve(base, "//b.example/z"), "https://b.example/z");
        assert_eq!(resolve(base, "/z"), "https://a.example/z");
        assert_eq!(resolve(base, "z"), "https://a.example/x/z");
        assert_eq!(resolve("http://a.example", "z"), "http://a.example/z");
    }

    #[test]
    fn verdicts_follow_status_and_redirects() {
        let o = |status, location: Option<&str>, permanent| Outcome {
            status,
            location: location.map(str::to_string),
            permanent,
            error: None,
        };
        assert_eq!(o(200, None, false).verdict(), Verdict::Ok);
        assert_eq!(o(200, Some("https://b/"), true).verdict(), Verdict::Moved);
        assert_eq!(
            o(200, Some("https://b/"), false).verdict(),
            Verdict::Redirected
        );
        assert_eq!(o(404, Some("https://b/"), true).verdict(), Verdict::Broken);
        assert_eq!(o(0, None, false).verdict(), Verdict::Broken);
    }
}
