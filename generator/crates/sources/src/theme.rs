//! The theme: tera templates and the UI strings of every language (with Italian fallback).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Templates every theme must provide.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "base.html",
    "index.html",
    "section.html",
    "page.html",
    "tags.html",
    "tag.html",
    "404.html",
    "alias.html",
    "sitemap.html",
];

pub struct Theme {
    pub tera: tera::Tera,
    pub dir: PathBuf,
    /// language → UI strings, already merged with the default language's
    pub strings: HashMap<String, serde_json::Map<String, serde_json::Value>>,
    /// Changes whenever a template or a UI string changes: outputs rendered with an older
    /// theme are not reused.
    pub fingerprint: u64,
}

impl Theme {
    pub fn load(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
        let dir = root.join("themes").join(&config.theme);
        let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
        let mut diags = Diagnostics::default();
        let templates_dir = dir.join("templates");
        if !templates_dir.is_dir() {
            diags.push(
                Diagnostic::error(
                    rel(&templates_dir),
                    0,
                    0,
                    format!("il tema `{}` non ha la cartella templates/", config.theme),
                )
                .with_help(
                    "controllare `theme` in site.toml e che esista themes/<tema>/templates/",
                ),
            );
            return Err(diags);
        }
        let files = template_files(&templates_dir);
        let sources = sources(&dir, &files);
        let fingerprint = crate::fingerprint(&sources);
        let mut tera = tera::Tera::new();
        if let Err(e) = tera.add_template_files(files) {
            diags.push(
                Diagnostic::error(
                    rel(&templates_dir),
                    0,
                    0,
                    format!("errore nei modelli del tema: {e}"),
                )
                .with_help("correggere il modello indicato"),
            );
            return Err(diags);
        }
        for name in REQUIRED_TEMPLATES {
            if !tera.contains_template(name) {
                diags.push(
                    Diagnostic::error(
                        rel(&templates_dir.join(name)),
                        0,
                        0,
                        format!("manca il modello `{name}` nel tema"),
                    )
                    .with_help(format!("creare themes/{}/templates/{name}", config.theme)),
                );
            }
        }

        let strings = all_strings(&dir, config, &mut diags);
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Theme {
            tera,
            dir,
            strings,
            fingerprint,
        })
    }

    pub fn static_dir(&self) -> PathBuf {
        self.dir.join("static")
    }
}

/// The templates of the folder, each with its name (its path in the folder).
fn template_files(templates_dir: &Path) -> Vec<(PathBuf, Option<String>)> {
    let mut files = Vec::new();
    for entry in WalkDir::new(templates_dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() {
            let name = entry
                .path()
                .strip_prefix(templates_dir)
                .expect("walked under templates")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((entry.path().to_path_buf(), Some(name)));
        }
    }
    files
}

/// The text of every template and UI strings file of the theme, for its fingerprint.
fn sources(dir: &Path, files: &[(PathBuf, Option<String>)]) -> Vec<(String, String)> {
    let mut sources: Vec<(String, String)> = files
        .iter()
        .map(|(path, name)| {
            (
                name.clone().unwrap_or_default(),
                std::fs::read_to_string(path).unwrap_or_default(),
            )
        })
        .collect();
    for entry in WalkDir::new(dir.join("i18n"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            sources.push((
                name,
                std::fs::read_to_string(entry.path()).unwrap_or_default(),
            ));
        }
    }
    sources
}

/// The UI strings of every language, each merged over the default language's.
fn all_strings(
    dir: &Path,
    config: &Config,
    diags: &mut Diagnostics,
) -> HashMap<String, serde_json::Map<String, serde_json::Value>> {
    let mut strings = HashMap::new();
    let default = read_strings(dir, &config.default_language, diags).unwrap_or_default();
    for lang in config.languages() {
        let mut merged = default.clone();
        if lang.code != config.default_language
            && let Some(own) = read_strings(dir, &lang.code, diags)
        {
            merged.extend(own);
        }
        strings.insert(lang.code, merged);
    }
    strings
}

fn read_strings(
    dir: &Path,
    lang: &str,
    diags: &mut Diagnostics,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    let path = dir.join("i18n").join(format!("{lang}.toml"));
    let text = std::fs::read_to_string(&path).ok()?;
    match toml::from_str::<toml::Table>(&text) {
        Ok(table) => {
            let value = serde_json::to_value(table).ok()?;
            value.as_object().cloned()
        }
        Err(e) => {
            let (line, column) = e
                .span()
                .map(|s| crate::diagnostics::line_col(&text, s.start))
                .unwrap_or((0, 0));
            diags.push(
                Diagnostic::error(
                    format!(
                        "themes/{}/i18n/{lang}.toml",
                        dir.file_name().unwrap_or_default().to_string_lossy()
                    ),
                    line,
                    column,
                    format!("testi dell'interfaccia non validi: {}", e.message()),
                )
                .with_source(&text),
            );
            None
        }
    }
}
