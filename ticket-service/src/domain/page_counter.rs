//! The rules of the portal's page counter: which requests count (not known robots), and the
//! language a view is counted under. What is counted is (day, path, language) only.

/// Words in the `User-Agent` of robots, crawlers, link previews and command-line clients, in
/// lower case. Their requests are answered but not counted.
const ROBOTS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "archiver",
    "facebookexternalhit",
    "embedly",
    "preview",
    "monitor",
    "uptime",
    "pingdom",
    "lighthouse",
    "pagespeed",
    "curl",
    "wget",
    "python-requests",
    "python-urllib",
    "go-http-client",
    "java/",
    "okhttp",
    "libwww",
    "httpclient",
    "scrapy",
    "feedfetcher",
    "validator",
    "checklink",
];

/// Whether a request with this `User-Agent` is a program rather than a reader. A request
/// without one is taken for a program too.
pub fn is_robot(user_agent: Option<&str>) -> bool {
    let Some(agent) = user_agent.map(str::to_lowercase) else {
        return true;
    };
    agent.trim().is_empty() || ROBOTS.iter().any(|word| agent.contains(word))
}

/// The language code of a view: two or three lowercase letters, else `None` (not counted).
pub fn language(code: &str) -> Option<String> {
    let code = code.trim();
    let plain = (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase());
    plain.then(|| code.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_count_and_robots_do_not() {
        let chromium = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36";
        let firefox = "Mozilla/5.0 (Windows NT 10.0; rv:132.0) Gecko/20100101 Firefox/132.0";
        assert!(!is_robot(Some(chromium)));
        assert!(!is_robot(Some(firefox)));
        for robot in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0)",
            "facebookexternalhit/1.1",
            "curl/8.5.0",
            "python-requests/2.32",
            "",
        ] {
            assert!(is_robot(Some(robot)), "{robot}");
        }
        assert!(is_robot(None));
    }

    #[test]
    fn a_language_is_a_short_code() {
        assert_eq!(language("ar").as_deref(), Some("ar"));
        assert_eq!(language("it").as_deref(), Some("it"));
        assert!(language("IT").is_none());
        assert!(language("italiano").is_none());
        assert!(language("<x>").is_none());
    }
}
