//! The portal's published FAQ, from `content/faq/<topic>/<slug>.md`: what the "similar
//! questions" step of the report form suggests. Only the Italian pages that are not drafts;
//! the text is the Markdown body, which is enough to find words in.

use std::path::Path;

use serde::Deserialize;

use super::error::ImportError;
use super::offices::front_matter;

/// Only the keys the suggestions need; checking the rest is the generator's job.
#[derive(Deserialize)]
struct FrontMatter {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    draft: bool,
}

/// A published FAQ page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaqPage {
    pub title: String,
    pub description: String,
    /// The page's path on the portal, `faq/<topic>/<slug>/`.
    pub path: String,
    pub body: String,
}

fn parse_page(path: &Path, text: &str, url: String) -> Result<Option<FaqPage>, ImportError> {
    let (yaml, first_line) = front_matter(path, text)?;
    let front: FrontMatter = serde_yaml::from_str(yaml).map_err(|error| {
        let (line, column) = error
            .location()
            .map_or((first_line, 1), |l| (first_line + l.line() - 1, l.column()));
        ImportError::invalid(path, line, column, error.to_string())
    })?;
    if front.draft {
        return Ok(None);
    }
    // The closing `---` line follows the YAML, which is a slice of `text`.
    let end = yaml.as_ptr() as usize - text.as_ptr() as usize + yaml.len();
    let rest = text.get(end..).unwrap_or_default();
    let body = rest
        .split_once('\n')
        .map_or("", |(_, body)| body)
        .to_owned();
    Ok(Some(FaqPage {
        title: front.title.trim().to_owned(),
        description: front.description.trim().to_owned(),
        path: url,
        body,
    }))
}

/// The Italian pages of one topic's folder: `<slug>.md` (not `_index.md`, not `<slug>.en.md`)
/// and `<slug>/index.md`.
fn topic_pages(topic: &str, dir: &Path, pages: &mut Vec<FaqPage>) -> Result<(), ImportError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| ImportError::read(dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| ImportError::read(dir, e))?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let (slug, file) = if path.is_dir() {
            (name, path.join("index.md"))
        } else if let Some(stem) = name.strip_suffix(".md")
            && !stem.starts_with('_')
            && !stem.contains('.')
        {
            (stem.to_owned(), path)
        } else {
            continue;
        };
        if !file.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&file).map_err(|e| ImportError::read(&file, e))?;
        if let Some(page) = parse_page(&file, &text, format!("faq/{topic}/{slug}/"))? {
            pages.push(page);
        }
    }
    Ok(())
}

/// Every published FAQ under `faq_dir`; empty when the folder does not exist.
pub fn read_faq(faq_dir: &Path) -> Result<Vec<FaqPage>, ImportError> {
    let mut pages = Vec::new();
    if !faq_dir.is_dir() {
        return Ok(pages);
    }
    let mut topics: Vec<_> = std::fs::read_dir(faq_dir)
        .map_err(|e| ImportError::read(faq_dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| ImportError::read(faq_dir, e))?;
    topics.sort_by_key(std::fs::DirEntry::file_name);
    for topic in topics.into_iter().filter(|entry| entry.path().is_dir()) {
        let name = topic.file_name().to_string_lossy().into_owned();
        topic_pages(&name, &topic.path(), &mut pages)?;
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_published_pages_are_read_with_their_portal_path() {
        let dir = tempfile::tempdir().unwrap();
        let topic = dir.path().join("permesso-di-soggiorno");
        std::fs::create_dir_all(&topic).unwrap();
        let page = "---\ntitle: \"Permesso smarrito\"\ndescription: \"Cosa fare\"\n---\n\nDenuncia lo smarrimento.\n";
        std::fs::write(topic.join("smarrito.md"), page).unwrap();
        std::fs::write(topic.join("smarrito.en.md"), page).unwrap();
        std::fs::write(topic.join("_index.md"), "---\ntitle: \"Sezione\"\n---\n").unwrap();
        let draft = "---\ntitle: \"Bozza\"\ndraft: true\n---\n\nTesto.\n";
        std::fs::write(topic.join("bozza.md"), draft).unwrap();
        let pages = read_faq(dir.path()).unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0].title, "Permesso smarrito");
        assert_eq!(pages[0].path, "faq/permesso-di-soggiorno/smarrito/");
        assert_eq!(pages[0].body.trim(), "Denuncia lo smarrimento.");
    }

    #[test]
    fn a_broken_front_matter_names_the_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let topic = dir.path().join("lavoro");
        std::fs::create_dir_all(&topic).unwrap();
        std::fs::write(topic.join("rotta.md"), "---\ntitle: [\n---\n").unwrap();
        let error = read_faq(dir.path()).unwrap_err().to_string();
        assert!(error.contains("rotta.md:"), "{error}");
    }
}
