//! The site configuration (`site.toml`): identity, languages, menu, areas, required links.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean, line_col};

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    pub short_title: String,
    pub owner: String,
    #[serde(default)]
    pub description: String,
    pub base_url: String,
    #[serde(default = "default_language")]
    pub default_language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    pub accessibility_statement_url: Option<String>,
    pub reserved_area_url: Option<String>,
    pub feedback_url: Option<String>,
    /// The reserved area's page counter (`…/contatore`): every page asks it for an image.
    pub counter_url: Option<String>,
    /// Web Analytics Italia, AgID's statistics service, instead of or besides the counter.
    pub web_analytics_italia: Option<WebAnalyticsItalia>,
    pub transparency_url: Option<String>,
    #[serde(default)]
    pub contacts: Contacts,
    #[serde(default)]
    pub languages: Vec<Language>,
    #[serde(default)]
    pub menu: Vec<String>,
    #[serde(default)]
    pub pages: RequiredPages,
    #[serde(default)]
    pub taxonomies: Taxonomies,
    #[serde(default)]
    pub feed: FeedConfig,
    #[serde(default)]
    pub areas: Vec<Area>,
    #[serde(default)]
    pub network: NetworkConfig,
}

/// The site's entry in Web Analytics Italia: every page asks its tracker for an image, which
/// works without JavaScript.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebAnalyticsItalia {
    /// The site's number (`idsite`) that Web Analytics Italia gave.
    pub site_id: u32,
    #[serde(default = "web_analytics_italia_url")]
    pub url: String,
}

fn web_analytics_italia_url() -> String {
    "https://ingestion.webanalytics.italia.it/".to_owned()
}

/// The wider network's directory.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// CSV file under `content/` (columns: see `network::COLUMNS`).
    pub file: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contacts {
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub pec: String,
    #[serde(default)]
    pub tax_code: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    pub code: String,
    pub name: String,
    #[serde(default = "default_dir")]
    pub dir: String,
}

/// Pages every portal must have, as paths under `content/`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RequiredPages {
    pub privacy: String,
    pub legal: String,
    pub contacts: String,
    pub accessibility: String,
}

impl Default for RequiredPages {
    fn default() -> Self {
        RequiredPages {
            privacy: "privacy.md".into(),
            legal: "note-legali.md".into(),
            contacts: "contatti.md".into(),
            accessibility: "accessibilita.md".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Taxonomies {
    /// URL segment of the tag index (`/argomenti/`).
    pub tags_path: String,
    pub paginate_by: usize,
}

impl Default for Taxonomies {
    fn default() -> Self {
        Taxonomies {
            tags_path: "argomenti".into(),
            paginate_by: 20,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedConfig {
    /// The section whose pages form the Atom feed.
    pub section: String,
    pub limit: usize,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig {
            section: "notizie".into(),
            limit: 20,
        }
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub foreign_residents: u64,
}

fn default_language() -> String {
    "it".into()
}
fn default_theme() -> String {
    "respi".into()
}
fn default_dir() -> String {
    "ltr".into()
}

/// Line and column of the first occurrence of `key` in the file, (0, 0) when it is absent.
fn position_of(text: &str, key: &str) -> (usize, usize) {
    text.find(key).map(|i| line_col(text, i)).unwrap_or((0, 0))
}

const CONFIG_KEYS: &[&str] = &[
    "title",
    "short_title",
    "owner",
    "description",
    "base_url",
    "default_language",
    "theme",
    "accessibility_statement_url",
    "reserved_area_url",
    "feedback_url",
    "counter_url",
    "web_analytics_italia",
    "transparency_url",
    "contacts",
    "languages",
    "menu",
    "pages",
    "taxonomies",
    "feed",
    "areas",
    "network",
];

impl Config {
    /// Reads and checks `site.toml` under `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            let mut d = Diagnostics::default();
            d.push(
                Diagnostic::error(CONFIG_FILE, 0, 0, format!("impossibile leggere il file: {e}"))
                    .with_help("eseguire `respi` dalla cartella del sito, che contiene site.toml, o indicarla con --root"),
            );
            d
        })?;
        Config::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Config, Diagnostics> {
        let mut diags = Diagnostics::default();
        let config: Config = match toml::from_str(text) {
            Ok(c) => c,
            Err(e) => {
                let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
                let message = e.message().to_string();
                let mut d = Diagnostic::error(
                    CONFIG_FILE,
                    line,
                    column,
                    format!("configurazione non valida: {message}"),
                )
                .with_source(text);
                if let Some(key) = message
                    .strip_prefix("unknown field `")
                    .and_then(|rest| rest.split('`').next())
                {
                    if CONFIG_KEYS.contains(&key) {
                        d = d.with_help(format!(
                            "`{key}` è una chiave generale ma qui si trova dentro una [tabella]: spostarla prima del primo blocco tra parentesi quadre"
                        ));
                    } else if let Some(s) = did_you_mean(key, CONFIG_KEYS.iter().copied()) {
                        d = d.with_help(format!("forse intendevi `{s}`?"));
                    }
                }
                diags.push(d);
                return Err(diags);
            }
        };
        config.check(text, &mut diags);
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(config)
        }
    }

    fn check(&self, text: &str, diags: &mut Diagnostics) {
        self.check_urls(text, diags);
        self.check_languages(text, diags);
        self.check_areas(text, diags);
    }

    /// `base_url` is absolute; the accessibility statement is AgID's.
    fn check_urls(&self, text: &str, diags: &mut Diagnostics) {
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            let (l, c) = position_of(text, "base_url");
            diags.push(
                Diagnostic::error(CONFIG_FILE, l, c, format!("`base_url` non è un URL assoluto: `{}`", self.base_url))
                    .with_help("scrivere l'indirizzo completo, per esempio `https://www.provincia.cuneo.it/respi/`")
                    .with_source(text),
            );
        }
        match &self.accessibility_statement_url {
            None => diags.push(
                Diagnostic::error(CONFIG_FILE, 0, 0, "manca `accessibility_statement_url`, il link alla dichiarazione di accessibilità")
                    .with_help("aggiungere `accessibility_statement_url = \"https://form.agid.gov.it/view/…\"` con l'indirizzo pubblicato da AgID"),
            ),
            Some(url) if !url.starts_with("https://form.agid.gov.it/view/") => {
                let (l, c) = position_of(text, "accessibility_statement_url");
                diags.push(
                    Diagnostic::error(CONFIG_FILE, l, c, format!("`accessibility_statement_url` deve puntare a form.agid.gov.it: `{url}`"))
                        .with_help("la dichiarazione si compila su https://form.agid.gov.it e AgID ne comunica l'indirizzo `https://form.agid.gov.it/view/<id>`")
                        .with_source(text),
                );
            }
            Some(_) => {}
        }
    }

    /// Each language declared once, with a direction; the default language among them.
    fn check_languages(&self, text: &str, diags: &mut Diagnostics) {
        let mut codes = HashSet::new();
        for lang in &self.languages {
            if !codes.insert(lang.code.as_str()) {
                let (l, c) = position_of(text, &format!("\"{}\"", lang.code));
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        l,
                        c,
                        format!("lingua `{}` dichiarata due volte", lang.code),
                    )
                    .with_source(text),
                );
            }
            if lang.dir != "ltr" && lang.dir != "rtl" {
                let (l, c) = position_of(text, &format!("dir = \"{}\"", lang.dir));
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        l,
                        c,
                        format!(
                            "direzione `{}` non valida per la lingua `{}`",
                            lang.dir, lang.code
                        ),
                    )
                    .with_help("usare `dir = \"ltr\"` o `dir = \"rtl\"`")
                    .with_source(text),
                );
            }
        }
        if !self.languages.is_empty() && !codes.contains(self.default_language.as_str()) {
            diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    0,
                    0,
                    format!(
                        "la lingua predefinita `{}` non è tra le [[languages]]",
                        self.default_language
                    ),
                )
                .with_help("aggiungere un blocco [[languages]] con quel codice"),
            );
        }
    }

    /// Each territorial area declared once.
    fn check_areas(&self, text: &str, diags: &mut Diagnostics) {
        let mut ids = HashSet::new();
        for area in &self.areas {
            if !ids.insert(area.id.as_str()) {
                let (l, c) = position_of(text, &format!("\"{}\"", area.id));
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        l,
                        c,
                        format!("bacino `{}` dichiarato due volte", area.id),
                    )
                    .with_source(text),
                );
            }
        }
    }

    /// The languages of the site; the default language first.
    pub fn languages(&self) -> Vec<Language> {
        let mut langs = self.languages.clone();
        if langs.is_empty() {
            langs.push(Language {
                code: self.default_language.clone(),
                name: "Italiano".into(),
                dir: "ltr".into(),
            });
        }
        langs.sort_by_key(|l| l.code != self.default_language);
        langs
    }

    pub fn language(&self, code: &str) -> Option<Language> {
        self.languages().into_iter().find(|l| l.code == code)
    }

    /// `base_url` with exactly one trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }

    /// The path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        let url = self.base_url();
        let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(&url);
        match after_scheme.find('/') {
            Some(i) => after_scheme[i..].to_string(),
            None => "/".to_string(),
        }
    }

    /// Replaces the base URL (for `--base-url`).
    pub fn set_base_url(&mut self, url: &str) {
        self.base_url = url.to_string();
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
title = "Sito"
short_title = "S"
owner = "Ente"
base_url = "https://example.org/respi"
accessibility_statement_url = "https://form.agid.gov.it/view/abc"
"#;

    #[test]
    fn base_path_comes_from_base_url() {
        let c = Config::parse(MINIMAL).unwrap();
        assert_eq!(c.base_url(), "https://example.org/respi/");
        assert_eq!(c.base_path(), "/respi/");
        let mut c = c;
        c.set_base_url("http://127.0.0.1:1111");
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn unknown_key_gets_a_suggestion_and_position() {
        let text = format!("{MINIMAL}short_tittle = \"x\"\n");
        let err = Config::parse(&text).unwrap_err();
        let s = err.to_string();
        assert!(s.contains("site.toml:7:1"), "{s}");
        assert!(s.contains("forse intendevi `short_title`?"), "{s}");
    }

    #[test]
    fn accessibility_statement_is_required() {
        let text = MINIMAL.replace(
            "accessibility_statement_url = \"https://form.agid.gov.it/view/abc\"\n",
            "",
        );
        let err = Config::parse(&text).unwrap_err().to_string();
        assert!(err.contains("accessibility_statement_url"), "{err}");
        let text = MINIMAL.replace(
            "https://form.agid.gov.it/view/abc",
            "https://example.org/a11y",
        );
        let err = Config::parse(&text).unwrap_err().to_string();
        assert!(err.contains("form.agid.gov.it"), "{err}");
    }
}
