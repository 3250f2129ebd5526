//! Topics from the portal's FAQ sections: every folder `content/faq/<folder>/` with an Italian
//! `_index.md` is a macro-topic, named by the section's title. The front matter is read with
//! the generator's own rules, so a section the portal would refuse is refused here too.

use std::path::Path;

use respi_sources::frontmatter;

use super::error::ImportError;
use crate::domain::topic::SectionTopic;

/// Where the FAQ pages live under `content/`.
pub const FAQ_DIR: &str = "faq";

/// The title of a section's `_index.md`; `None` for a draft section.
fn section_title(path: &Path, text: &str) -> Result<Option<String>, ImportError> {
    let split = frontmatter::split(text).map_err(|(line, message, help)| {
        ImportError::invalid(path, line, 1, format!("{message}: {help}"))
    })?;
    let front = frontmatter::parse(path, text, &split).map_err(|diagnostics| {
        let first = &diagnostics[0];
        ImportError::invalid(path, first.line, first.column, first.message.clone())
    })?;
    if front.draft {
        return Ok(None);
    }
    let title = front.title.unwrap_or_default();
    if title.trim().is_empty() {
        return Err(ImportError::invalid(
            path,
            split.yaml_line,
            1,
            "`title` è vuoto",
        ));
    }
    Ok(Some(title.trim().to_owned()))
}

/// Every published FAQ section under `faq_dir`, by folder; `None` when the folder does not exist.
pub fn read_topics(faq_dir: &Path) -> Result<Option<Vec<SectionTopic>>, ImportError> {
    if !faq_dir.is_dir() {
        return Ok(None);
    }
    let mut topics = Vec::new();
    let entries = std::fs::read_dir(faq_dir).map_err(|e| ImportError::read(faq_dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| ImportError::read(faq_dir, e))?;
        let index = entry.path().join("_index.md");
        if !index.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&index).map_err(|e| ImportError::read(&index, e))?;
        if let Some(name) = section_title(&index, &text)? {
            let folder = entry.file_name().to_string_lossy().into_owned();
            topics.push(SectionTopic { folder, name });
        }
    }
    topics.sort_by(|a, b| a.folder.cmp(&b.folder));
    Ok(Some(topics))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(dir: &Path, folder: &str, front: &str) {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
        std::fs::write(
            dir.join(folder).join("_index.md"),
            format!("---\n{front}\n---\n"),
        )
        .unwrap();
    }

    #[test]
    fn every_section_with_an_index_is_a_topic_named_by_its_title() {
        let dir = tempfile::tempdir().unwrap();
        section(dir.path(), "salute", "title: \"Domande sulla salute\"");
        section(dir.path(), "lavoro", "title: \"Domande sul lavoro\"");
        section(
            dir.path(),
            "bozza",
            "title: \"In preparazione\"\ndraft: true",
        );
        std::fs::create_dir(dir.path().join("vuota")).unwrap();
        std::fs::write(dir.path().join("_index.md"), "---\ntitle: FAQ\n---\n").unwrap();
        let topics = read_topics(dir.path()).unwrap().unwrap();
        assert_eq!(
            topics,
            [
                SectionTopic {
                    folder: "lavoro".into(),
                    name: "Domande sul lavoro".into()
                },
                SectionTopic {
                    folder: "salute".into(),
                    name: "Domande sulla salute".into()
                },
            ]
        );
        assert!(read_topics(&dir.path().join("assente")).unwrap().is_none());
    }

    #[test]
    fn a_broken_section_names_its_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        section(
            dir.path(),
            "salute",
            "title: \"Salute\"\nupdatd: 2026-01-01",
        );
        let message = read_topics(dir.path()).unwrap_err().to_string();
        assert!(message.contains("salute/_index.md:3:"), "{message}");
        assert!(message.contains("updatd"), "{message}");
    }
}
