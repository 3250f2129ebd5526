//! Offices from the portal's `content/sportelli/`: one page per office, the office's data in the
//! `office:` key of the front matter and its name in `title`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::ImportError;
use crate::db::organisations::NewOrganisation;
use crate::domain::organisation::OrganisationKind;

/// Only the keys the reserved area needs; checking the rest is the generator's job.
#[derive(Deserialize)]
struct FrontMatter {
    title: String,
    #[serde(default)]
    draft: bool,
    office: Option<OfficeData>,
}

#[derive(Deserialize)]
struct OfficeData {
    owner: Option<String>,
    area: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    municipality: Option<String>,
}

/// The Italian page of each office: `<slug>.md` or `<slug>/index.md`, not section indexes
/// (`_index.md`) nor translations (`<slug>.en.md`).
fn office_pages(dir: &Path) -> Result<Vec<(String, PathBuf)>, ImportError> {
    let mut pages = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| ImportError::read(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| ImportError::read(dir, e))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            let index = path.join("index.md");
            if index.is_file() {
                pages.push((name, index));
            }
        } else if let Some(stem) = name.strip_suffix(".md")
            && !stem.starts_with('_')
            && !stem.contains('.')
        {
            pages.push((stem.to_owned(), path));
        }
    }
    pages.sort();
    Ok(pages)
}

/// The YAML between the opening and closing `---` lines, and the line it starts on.
pub(super) fn front_matter<'a>(
    path: &Path,
    text: &'a str,
) -> Result<(&'a str, usize), ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Err(ImportError::invalid(
            path,
            1,
            1,
            "la pagina deve iniziare con una riga `---` seguita dai metadati YAML",
        ));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Ok((&rest[..offset], 2));
        }
        offset += line.len();
    }
    Err(ImportError::invalid(
        path,
        1,
        1,
        "manca la riga `---` che chiude i metadati YAML",
    ))
}

fn parse_office(
    slug: &str,
    path: &Path,
    text: &str,
) -> Result<Option<NewOrganisation>, ImportError> {
    let (yaml, first_line) = front_matter(path, text)?;
    let front: FrontMatter = serde_yaml::from_str(yaml).map_err(|error| {
        let (line, column) = error
            .location()
            .map_or((first_line, 1), |l| (first_line + l.line() - 1, l.column()));
        ImportError::invalid(path, line, column, error.to_string())
    })?;
    let Some(office) = front.office else {
        tracing::warn!(path = %path.display(), "page without `office:` skipped");
        return Ok(None);
    };
    if front.draft {
        return Ok(None);
    }
    let title = front.title.trim();
    if title.is_empty() {
        return Err(ImportError::invalid(path, first_line, 1, "`title` è vuoto"));
    }
    Ok(Some(NewOrganisation {
        slug: format!("sportelli/{slug}"),
        name: title.to_owned(),
        kind: OrganisationKind::Office,
        service_kind: None,
        owner: office.owner,
        area: office.area,
        municipality: office.municipality,
        email: office.email,
        phone: office.phone,
    }))
}

/// Every published office under `dir`; `None` when the folder does not exist.
pub fn read_offices(dir: &Path) -> Result<Option<Vec<NewOrganisation>>, ImportError> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut offices = Vec::new();
    for (slug, path) in office_pages(dir)? {
        let text = std::fs::read_to_string(&path).map_err(|e| ImportError::read(&path, e))?;
        if let Some(office) = parse_office(&slug, &path, &text)? {
            offices.push(office);
        }
    }
    Ok(Some(offices))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "---\ntitle: \"Sportello di Alba\"\ndescription: x\noffice:\n  kind: sportello\n  owner: Comune di Alba\n  area: alba-bra\n  phone: \"+39 0173 000000\"\n  hours: [{days: lunedì, open: \"09:00\", close: \"12:00\"}]\n---\n\nTesto.\n";

    #[test]
    fn an_office_page_gives_its_title_owner_and_area() {
        let office = parse_office("alba", Path::new("alba.md"), PAGE)
            .unwrap()
            .unwrap();
        assert_eq!(office.slug, "sportelli/alba");
        assert_eq!(office.name, "Sportello di Alba");
        assert_eq!(office.owner.as_deref(), Some("Comune di Alba"));
        assert_eq!(office.area.as_deref(), Some("alba-bra"));
        assert_eq!(office.kind, OrganisationKind::Office);
    }

    #[test]
    fn drafts_and_pages_without_office_are_skipped() {
        let draft = PAGE.replace("description: x", "draft: true");
        assert!(
            parse_office("a", Path::new("a.md"), &draft)
                .unwrap()
                .is_none()
        );
        let plain = "---\ntitle: Orari\n---\n";
        assert!(
            parse_office("a", Path::new("a.md"), plain)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn yaml_errors_name_the_file_line_and_column() {
        let broken = "---\ntitle: ok\noffice:\n  owner: [unclosed\n---\n";
        let error = parse_office("x", Path::new("content/sportelli/x.md"), broken).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("content/sportelli/x.md:"), "{message}");
        let ImportError::Invalid { line, .. } = error else {
            panic!("expected an invalid-file error");
        };
        assert!(line >= 4, "line {line}");
    }

    #[test]
    fn a_page_without_front_matter_is_an_error() {
        assert!(parse_office("x", Path::new("x.md"), "# Titolo\n").is_err());
        assert!(parse_office("x", Path::new("x.md"), "---\ntitle: a\n").is_err());
    }

    #[test]
    fn the_folder_is_walked_for_pages_and_bundles_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("alba.md"), PAGE).unwrap();
        std::fs::write(dir.path().join("alba.en.md"), PAGE).unwrap();
        std::fs::write(dir.path().join("_index.md"), "---\ntitle: Sportelli\n---\n").unwrap();
        std::fs::create_dir(dir.path().join("bra")).unwrap();
        std::fs::write(dir.path().join("bra/index.md"), PAGE.replace("Alba", "Bra")).unwrap();
        let offices = read_offices(dir.path()).unwrap().unwrap();
        let slugs: Vec<_> = offices.iter().map(|o| o.slug.as_str()).collect();
        assert_eq!(slugs, ["sportelli/alba", "sportelli/bra"]);
        assert!(read_offices(&dir.path().join("missing")).unwrap().is_none());
    }
}
