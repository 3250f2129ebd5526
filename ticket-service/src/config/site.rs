//! The portal's `site.toml`, read for the names and links the pages show.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What the pages need from the portal's `site.toml`; other keys are the generator's business.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteInfo {
    pub title: String,
    pub short_title: String,
    pub owner: String,
    pub base_url: Option<String>,
    pub accessibility_statement_url: Option<String>,
    /// The territorial areas, for the names the search filter shows.
    #[serde(default)]
    pub areas: Vec<AreaInfo>,
}

/// A territorial area of `site.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AreaInfo {
    pub id: String,
    pub name: String,
}

impl Default for SiteInfo {
    fn default() -> Self {
        SiteInfo {
            title: "Rete degli sportelli pubblici per immigrati".to_owned(),
            short_title: "ReSPI".to_owned(),
            owner: String::new(),
            base_url: None,
            accessibility_statement_url: None,
            areas: Vec::new(),
        }
    }
}

impl SiteInfo {
    /// Reads `site.toml`; a missing file gives the defaults, a broken one an error.
    pub fn load(path: &Path) -> Result<Self, SiteInfoError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                tracing::warn!(path = %path.display(), "site.toml not found: using generic site names");
                return Ok(SiteInfo::default());
            }
            Err(source) => {
                return Err(SiteInfoError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        toml::from_str(&text).map_err(|source| SiteInfoError::Parse {
            path: path.to_owned(),
            source: Box::new(source),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SiteInfoError {
    #[error("impossibile leggere {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} non è valido: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_info_reads_only_what_it_needs() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("site.toml");
        std::fs::write(
            &file,
            "title = \"Rete\"\nshort_title = \"R\"\nowner = \"Provincia\"\nmenu = [\"a\"]\n",
        )
        .unwrap();
        let info = SiteInfo::load(&file).unwrap();
        assert_eq!(info.owner, "Provincia");
        assert!(info.accessibility_statement_url.is_none());
        let missing = SiteInfo::load(&dir.path().join("none.toml")).unwrap();
        assert_eq!(missing.short_title, "ReSPI");
    }
}
