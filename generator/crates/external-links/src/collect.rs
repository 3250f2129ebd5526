//! Where the site links to other sites: the Markdown of every page and the websites of the
//! wider network's file, each with the file and line an editor would correct.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag};
use respi_sources::config::Config;
use respi_sources::content::{self, CONTENT_DIR, Page};
use respi_sources::diagnostics::Diagnostics;
use respi_sources::network;

/// One external address as written in one place of the sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkUse {
    pub url: String,
    /// Relative to the site root (`content/faq/a.md`).
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
}

/// Every external link of the site under `root`: its pages (drafts too when `drafts`) and
/// the network's file named in site.toml.
pub fn from_site(root: &Path, drafts: bool) -> Result<Vec<LinkUse>, Diagnostics> {
    let config = Config::load(root)?;
    let loaded = content::load(root, &config, drafts, &mut HashMap::new(), &mut 0)?;
    let mut links = from_pages(&loaded.pages);
    if let Some(net) = network::load(root, &config)? {
        let file = Path::new(CONTENT_DIR).join(&net.rel);
        let text = std::fs::read_to_string(root.join(&file)).unwrap_or_default();
        let websites = net.services.iter().map(|s| s.website.as_str());
        links.extend(from_network(&file, &text, websites));
    }
    Ok(links)
}

/// The `http(s)` links and images of the pages' Markdown.
pub fn from_pages(pages: &[Page]) -> Vec<LinkUse> {
    let mut links = Vec::new();
    for page in pages {
        let body = page.body();
        let parser = Parser::new_ext(body, Options::all()).into_offset_iter();
        for (event, range) in parser {
            let dest = match &event {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
                _ => continue,
            };
            if is_http(dest) {
                let line = page.body_line + body[..range.start].matches('\n').count();
                links.push(LinkUse {
                    url: dest.to_string(),
                    file: page.file.clone(),
                    line,
                });
            }
        }
    }
    links
}

/// The network's websites, each at the first line of `text` (the file) that holds it.
pub fn from_network<'a>(
    file: &Path,
    text: &str,
    websites: impl Iterator<Item = &'a str>,
) -> Vec<LinkUse> {
    websites
        .filter(|w| is_http(w))
        .map(|url| LinkUse {
            url: url.to_string(),
            file: file.to_path_buf(),
            line: text
                .lines()
                .position(|l| l.contains(url))
                .map_or(0, |i| i + 1),
        })
        .collect()
}

fn is_http(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_websites_name_their_line() {
        let text = "name,website\nA,https://a.example/\nB,\nC,https://c.example/x\n";
        let found = from_network(
            Path::new("content/rete/servizi.csv"),
            text,
            ["https://a.example/", "", "https://c.example/x"].into_iter(),
        );
        let lines: Vec<usize> = found.iter().map(|l| l.line).collect();
        assert_eq!(lines, [2, 4]);
    }
}
