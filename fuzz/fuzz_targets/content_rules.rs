//! Any text as a page of the portal: reading it and running every content rule never panics.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// One site folder for the whole run; each input overwrites its one page.
fn site() -> &'static PathBuf {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        std::fs::create_dir_all(dir.join("content/notizie")).unwrap();
        dir
    })
}

fuzz_target!(|text: &str| {
    let root = site();
    let path = root.join("content/notizie/prova.md");
    std::fs::write(&path, text).unwrap();
    let page = respi_sources::content::read_page(
        &root.join("content"),
        "notizie/prova.md",
        &path,
        "it",
        &[],
        true,
    );
    if let Ok(Some(page)) = page {
        let linter = respi_lint::Linter::new(root);
        let _ = linter.check(&page);
    }
});
