//! The files made after the pages: those made from the whole site (news feeds, the network's
//! open data, sitemap.xml, robots.txt), and those copied as they are (the files under
//! `content/` that are not pages, the theme's static files), with the live-reload script of the
//! preview.

use std::collections::BTreeMap;
use std::sync::Arc;

use walkdir::WalkDir;

use crate::site::Body;
use respi_render::{Job, Renderer, feed, sitemap};
use respi_sources::content::Asset;
use respi_sources::network::Network;
use respi_sources::theme::Theme;

/// Where the preview's pages find the live-reload script.
pub const LIVE_RELOAD_PATH: &str = "__respi/livereload.js";

const LIVE_RELOAD_JS: &str = r#"// Reloads the page when the preview server reports a new build.
(function () {
  var script = document.currentScript;
  var url = script.src.replace(/livereload\.js.*$/, "events");
  var source = new EventSource(url);
  var first = true;
  source.onmessage = function () {
    if (first) { first = false; return; }
    window.location.reload();
  };
})();
"#;

/// Adds the news feed of each language, the network's JSON, sitemap.xml and robots.txt.
pub(crate) fn add_generated(
    renderer: &Renderer<'_>,
    jobs: &[Job],
    network: Option<&Network>,
    files: &mut BTreeMap<String, Body>,
) {
    let bytes = |text: String| Body::Bytes(Arc::new(text.into_bytes()));
    for lang in renderer.inputs.config.languages() {
        if let Some((path, xml)) = feed::atom_feed(&renderer.inputs, &lang.code) {
            files.insert(path, bytes(xml));
        }
    }
    if let Some(n) = network {
        files.insert(
            format!("{}.json", n.base_path().trim_end_matches('/')),
            Body::Bytes(Arc::new(n.json())),
        );
    }
    let sitemap = sitemap::sitemap_xml(&renderer.inputs, &sitemap_listings(renderer, jobs));
    files.insert("sitemap.xml".into(), bytes(sitemap));
    files.insert(
        "robots.txt".into(),
        bytes(sitemap::robots_txt(&renderer.inputs)),
    );
}

/// The generated listings (tags, archive, network, search, site map) that join the pages in
/// sitemap.xml, first pages only.
fn sitemap_listings(renderer: &Renderer<'_>, jobs: &[Job]) -> Vec<String> {
    jobs.iter()
        .filter(|job| match job {
            Job::TagIndex { .. } | Job::Special { .. } | Job::Network { .. } => true,
            Job::Tag { page_no, .. } | Job::Archive { page_no, .. } => *page_no == 1,
            Job::Page(_) | Job::Section { .. } | Job::Alias { .. } | Job::NotFound => false,
        })
        .map(|job| {
            renderer
                .output_path(job)
                .trim_end_matches("index.html")
                .to_string()
        })
        .collect()
}

/// Adds the copied files, and with `live_reload` the live-reload script. They come last: a
/// copied file takes the place of an output with its path.
pub(crate) fn add_copied(
    assets: &[Asset],
    theme: &Theme,
    live_reload: bool,
    files: &mut BTreeMap<String, Body>,
) {
    for asset in assets {
        files.insert(asset.rel.clone(), Body::File(asset.path.clone()));
    }
    let static_dir = theme.static_dir();
    for entry in WalkDir::new(&static_dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(&static_dir)
                .expect("walked under static")
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(
                format!("static/{rel}"),
                Body::File(entry.path().to_path_buf()),
            );
        }
    }
    if live_reload {
        files.insert(
            LIVE_RELOAD_PATH.into(),
            Body::Bytes(Arc::new(LIVE_RELOAD_JS.as_bytes().to_vec())),
        );
    }
}
