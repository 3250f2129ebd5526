//! Any text as a content file: splitting and parsing its front matter never panics, and every
//! problem names a line of the file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let file = std::path::Path::new("content/prova.md");
    let Ok(split) = respi_sources::frontmatter::split(text) else {
        return;
    };
    assert!(split.yaml.len() + split.body.len() <= text.len());
    if let Err(problems) = respi_sources::frontmatter::parse(file, text, &split) {
        assert!(!problems.is_empty());
        // Line breaks as YAML and editors count them: "\r\n", "\n" or a lone "\r".
        let lines = text.replace("\r\n", "\n").matches(['\n', '\r']).count() + 1;
        for problem in problems {
            assert!(problem.line <= lines, "line {} of {lines}", problem.line);
        }
    }
});
