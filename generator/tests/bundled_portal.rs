//! The bundled portal builds, and served under a sub-path it has no broken internal link or asset.

mod support;

use std::collections::{BTreeSet, HashMap, VecDeque};

use support::*;

#[test]
fn bundled_portal_has_no_broken_link_under_a_sub_path() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("public");
    let (listener, addr) = StaticServer::bind();
    let base = format!("http://{addr}/respi/");
    let result = respi(
        &repo_root(),
        &[
            "build",
            "--base-url",
            &base,
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        result.status.success(),
        "the bundled portal does not build:\n{}",
        stderr(&result)
    );
    let server = StaticServer::start(listener, out.clone(), "/respi/");

    let origin = format!("http://{addr}");
    let sitemap = String::from_utf8(http_get(server.addr, "/respi/sitemap.xml").1).unwrap();
    let mut queue = start_paths(&sitemap, &origin);
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    let mut ids: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut anchors: Vec<(String, String, String)> = Vec::new();
    let mut broken = Vec::new();
    while let Some(path) = queue.pop_front() {
        let (status, body) = http_get(server.addr, &path);
        if status != 200 {
            broken.push(format!("{path}: HTTP {status}"));
            continue;
        }
        if !(path.ends_with('/') || path.ends_with(".html")) {
            continue;
        }
        let html = String::from_utf8_lossy(&body).into_owned();
        ids.insert(path.clone(), attr_values(&html, "id").into_iter().collect());
        for url in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
        {
            let Some(local) = local_path(&url, &path, &origin) else {
                continue;
            };
            assert!(
                local.starts_with("/respi/"),
                "{path} links to {url}, outside the base path"
            );
            let (target, fragment) = match local.split_once('#') {
                Some((t, f)) => (t.to_string(), Some(f.to_string())),
                None => (local.clone(), None),
            };
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                anchors.push((path.clone(), target.clone(), f));
            }
            if seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    for (from, target, fragment) in anchors {
        if let Some(target_ids) = ids.get(&target)
            && !target_ids.contains(&fragment)
        {
            broken.push(format!("{from}: #{fragment} does not exist in {target}"));
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(
        seen.len() > 100,
        "only {} URLs reached: the crawl did not follow the site",
        seen.len()
    );
}

/// The home page, then the path of every URL of the site map.
fn start_paths(sitemap: &str, origin: &str) -> VecDeque<String> {
    let mut queue: VecDeque<String> = VecDeque::from(vec!["/respi/".to_string()]);
    for loc in sitemap.split("<loc>").skip(1) {
        let url = loc.split("</loc>").next().unwrap();
        queue.push_back(
            url.strip_prefix(origin)
                .expect("sitemap URL on the base URL")
                .to_string(),
        );
    }
    queue
}

/// A link of the page at `page` as a path on the server (`origin`); `None` for a link to
/// another site.
fn local_path(url: &str, page: &str, origin: &str) -> Option<String> {
    if let Some(rest) = url.strip_prefix(origin) {
        Some(rest.to_string())
    } else if url.starts_with('/') && !url.starts_with("//") {
        Some(url.to_string())
    } else if url.starts_with('#') {
        Some(format!("{page}{url}"))
    } else {
        None
    }
}
