//! The first stage: the sources read and checked (site.toml, the theme, `content/` and the
//! library of its pages), and what they name that must exist.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::site::BuildOptions;
use respi_sources::config::{CONFIG_FILE, Config};
use respi_sources::content::{self, Asset, CONTENT_DIR, SourceEntry};
use respi_sources::diagnostics::{Diagnostic, Diagnostics};
use respi_sources::frontmatter;
use respi_sources::library::{Library, PageId};
use respi_sources::network::{self, Network};
use respi_sources::theme::Theme;

/// The sources of a build, read and checked.
pub(crate) struct Sources {
    pub config: Config,
    pub theme: Theme,
    pub library: Library,
    /// The files under `content/` that are not pages, copied as they are.
    pub assets: Vec<Asset>,
    /// The Markdown files that could not be read (their problems are among `diagnostics`).
    pub failed: HashSet<String>,
    /// The problems found so far: loading, the site graph, what site.toml names.
    pub diagnostics: Diagnostics,
    /// The pages whose template does not exist, reported already.
    pub without_template: HashSet<PageId>,
}

/// Reads site.toml, the theme and `content/`, reusing from `files` the pages whose files did
/// not change (`parsed` counts the files read). Fails when any of them cannot be read; the
/// other problems are kept in [`Sources::diagnostics`].
pub(crate) fn sources(
    root: &Path,
    options: &BuildOptions,
    files: &mut HashMap<PathBuf, SourceEntry>,
    parsed: &mut usize,
) -> Result<Sources, Diagnostics> {
    let mut config = Config::load(root)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url);
    }
    let mut diags = Diagnostics::default();
    let theme = Theme::load(root, &config);
    let loaded = content::load(root, &config, options.drafts, files, parsed);
    let (theme, mut loaded) = match (theme, loaded) {
        (Ok(t), Ok(l)) => (t, l),
        (t, l) => {
            if let Err(d) = t {
                diags.extend(d.0);
            }
            match l {
                Err(d) => diags.extend(d.0),
                Ok(l) => diags.extend(l.diagnostics.0),
            }
            diags.sort();
            return Err(diags);
        }
    };
    diags.extend(std::mem::take(&mut loaded.diagnostics).0);
    let (library, library_diags) = Library::new(std::mem::take(&mut loaded.pages), &config);
    diags.extend(library_diags.0);
    let without_template = check_config_references(&config, &library, &theme, &mut diags);
    Ok(Sources {
        config,
        theme,
        library,
        assets: loaded.assets,
        failed: loaded.failed,
        diagnostics: diags,
        without_template,
    })
}

/// The wider network's directory named in site.toml, if any; its problems go to `diags`.
pub(crate) fn network(
    root: &Path,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Option<Network> {
    match network::load(root, config) {
        Ok(n) => n,
        Err(d) => {
            diags.extend(d.0);
            None
        }
    }
}

/// Things site.toml and front matter name that must exist: menu sections, required pages, templates.
fn check_config_references(
    config: &Config,
    library: &Library,
    theme: &Theme,
    diags: &mut Diagnostics,
) -> HashSet<usize> {
    let mut without_template = HashSet::new();
    for dir in &config.menu {
        if library.section(dir, &config.default_language).is_none() {
            diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    0,
                    0,
                    format!("la voce di menu `{dir}` non corrisponde a nessuna sezione"),
                )
                .with_help(format!(
                    "creare {CONTENT_DIR}/{dir}/_index.md o togliere `{dir}` da `menu`"
                )),
            );
        }
    }
    for (what, rel) in [
        ("l'informativa privacy", &config.pages.privacy),
        ("le note legali", &config.pages.legal),
        ("i contatti", &config.pages.contacts),
        ("la pagina Accessibilità", &config.pages.accessibility),
    ] {
        if !library
            .translations
            .contains_key(rel.trim_end_matches(".md"))
        {
            diags.push(
                Diagnostic::error(
                    format!("{CONTENT_DIR}/{rel}"),
                    0,
                    0,
                    format!("manca {what}, obbligatoria per un sito della PA"),
                )
                .with_help(format!(
                    "creare {CONTENT_DIR}/{rel} o indicare un altro file in [pages] di site.toml"
                )),
            );
        }
    }
    for (id, p) in library.pages.iter().enumerate() {
        if let Some(t) = &p.fm.template
            && !theme.tera.contains_template(t)
        {
            without_template.insert(id);
            let line = frontmatter::key_position(&p.source, "template")
                .map(|(l, _)| l)
                .unwrap_or(1);
            diags.push(
                Diagnostic::error(
                    &p.file,
                    line,
                    1,
                    format!("il modello `{t}` non esiste nel tema `{}`", config.theme),
                )
                .with_help(format!(
                    "creare themes/{}/templates/{t} o togliere `template:`",
                    config.theme
                ))
                .with_source(&p.source),
            );
        }
    }
    without_template
}
