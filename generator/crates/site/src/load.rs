//! The first stage: the sources read and checked (site.toml, the theme, `content/` and the
//! library of its pages), and what they name that must exist.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::site::BuildOptions;
use respi_sources::config::{CONFIG_FILE, Config};
use respi_sources::content::{self, Asset, CONTENT_DIR, SourceEntry};
use respi_sources::diagnostics::{Diagnostic, Diagnostics};
use respi_sources::library::{Library, PageId};
use respi_sources::network::{self, Network};
use respi_sources::theme::Theme;
use respi_sources::{events, frontmatter};

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
    let real_address = !options.live_reload
        && options
            .base_url
            .as_deref()
            .is_none_or(|url| url.trim_end_matches('/') == config.base_url().trim_end_matches('/'));
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
    diags.extend(events::check(&library).0);
    if real_address {
        warn_example_content(&config, &library, &mut diags);
    }
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
        (
            "manca l'informativa privacy, obbligatoria",
            &config.pages.privacy,
        ),
        ("mancano le note legali, obbligatorie", &config.pages.legal),
        (
            "manca la pagina dei contatti, obbligatoria",
            &config.pages.contacts,
        ),
        (
            "manca la pagina Accessibilità, obbligatoria",
            &config.pages.accessibility,
        ),
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
                    format!("{what} per un sito della PA"),
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

/// A warning for each page marked `example: true` when the site is built for its real
/// address: invented content must not reach readers as if it were true.
fn warn_example_content(config: &Config, library: &Library, diags: &mut Diagnostics) {
    for p in library.pages.iter().filter(|p| p.fm.example) {
        let line = frontmatter::key_position(&p.source, "example")
            .map(|(l, _)| l)
            .unwrap_or(1);
        diags.push(
            Diagnostic::warning(
                &p.file,
                line,
                1,
                format!(
                    "contenuto di esempio nel sito costruito per il suo indirizzo reale ({})",
                    config.base_url()
                ),
            )
            .with_rule("esempio")
            .with_help(
                "sostituire i dati inventati con quelli veri e togliere `example: true`, \
                 o costruire una prova con --base-url",
            )
            .with_source(&p.source),
        );
    }
}
