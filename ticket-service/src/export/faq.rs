//! Writes drafts into the portal's content folder: a FAQ as `faq/<topic>/<stem>.md`, a
//! monitoring report as `monitoraggio/<period>.md`; never over an existing file (a second
//! draft of the same name gets `-2`, `-3`, …).

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("impossibile scrivere la bozza in {path}: {source}")]
pub struct WriteError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Writes `text` as a new file in `content_dir/faq/<folder>/`; returns its path relative to
/// `content_dir`, with `/` separators.
pub fn write_draft(
    content_dir: &Path,
    folder: &str,
    stem: &str,
    text: &str,
) -> Result<String, WriteError> {
    write_new(content_dir, &format!("faq/{folder}"), stem, text)
}

/// Writes `text` as a new file `<stem>.md` (or `<stem>-N.md`) in `content_dir/<section>/`;
/// returns its path relative to `content_dir`.
pub fn write_new(
    content_dir: &Path,
    section: &str,
    stem: &str,
    text: &str,
) -> Result<String, WriteError> {
    let dir = content_dir.join(section);
    std::fs::create_dir_all(&dir).map_err(|source| WriteError {
        path: dir.clone(),
        source,
    })?;
    for n in 1.. {
        let name = if n == 1 {
            format!("{stem}.md")
        } else {
            format!("{stem}-{n}.md")
        };
        let path = dir.join(&name);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        match file {
            Ok(mut file) => {
                file.write_all(text.as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(|source| WriteError { path, source })?;
                return Ok(format!("{section}/{name}"));
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(source) => return Err(WriteError { path, source }),
        }
    }
    unreachable!("some numbered name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_draft_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let first = write_draft(dir.path(), "salute", "tessera", "uno").unwrap();
        let second = write_draft(dir.path(), "salute", "tessera", "due").unwrap();
        assert_eq!(first, "faq/salute/tessera.md");
        assert_eq!(second, "faq/salute/tessera-2.md");
        let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();
        assert_eq!(read(&first), "uno");
        assert_eq!(read(&second), "due");
    }
}
