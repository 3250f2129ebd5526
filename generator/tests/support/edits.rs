//! Helpers of the tests that edit a site between builds: the edits, and a build compared with
//! a clean one.

use std::path::Path;

use respi_generator::{Body, BuildOptions, Site};

pub fn options() -> BuildOptions {
    BuildOptions {
        live_reload: true,
        ..Default::default()
    }
}

pub fn bytes(body: &Body) -> Vec<u8> {
    body.read().unwrap()
}

/// What a file holds: a gzip file (the search index's) is unpacked, since the preview compresses
/// the index faster, at another level than a build.
pub fn content(body: &Body) -> Vec<u8> {
    let bytes = bytes(body);
    if bytes.starts_with(&[0x1f, 0x8b]) {
        super::unpack(&bytes)
    } else {
        bytes
    }
}

pub fn assert_same(incremental: &Site, clean: &Site, step: &str) {
    let inc: Vec<&String> = incremental.files.keys().collect();
    let full: Vec<&String> = clean.files.keys().collect();
    assert_eq!(inc, full, "{step}: the incremental build has other files");
    for (path, body) in &clean.files {
        assert!(
            content(&incremental.files[path]) == content(body),
            "{step}: {path} differs from a clean build"
        );
    }
    let d = |s: &Site| {
        s.diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(d(incremental), d(clean), "{step}: diagnostics differ");
}

/// One change an editor makes to the site.
pub type Edit = Box<dyn Fn(&Path)>;

pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub fn edit(root: &Path, rel: &str, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    write(root, rel, &f(text));
}
