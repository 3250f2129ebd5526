//! The build pipeline: config → content → library → Markdown → templates → extra files → link check.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::content::{self, CONTENT_DIR};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter;
use crate::library::Library;
use crate::markdown::{self, LinkTargets, PageRef, Rendered};
use crate::render::{Job, Renderer, SITEMAP_PAGE};
use crate::seo;
use crate::theme::Theme;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub drafts: bool,
    /// Replaces `base_url` of site.toml.
    pub base_url: Option<String>,
    /// Adds the live-reload script (preview server only).
    pub live_reload: bool,
}

/// The content of one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Bytes(Vec<u8>),
    /// A file copied as is (theme assets, documents).
    File(PathBuf),
}

impl Body {
    pub fn read(&self) -> std::io::Result<Vec<u8>> {
        match self {
            Body::Bytes(b) => Ok(b.clone()),
            Body::File(p) => std::fs::read(p),
        }
    }
}

/// A finished build, held in memory: output path → content.
pub struct Site {
    pub config: Config,
    pub files: BTreeMap<String, Body>,
    pub diagnostics: Diagnostics,
    pub page_count: usize,
    pub elapsed: Duration,
}

pub const LIVE_RELOAD_PATH: &str = "__respi/livereload.js";

/// Builds the whole site under `root` in memory. Errors of every stage reachable are reported together.
pub fn build(root: &Path, options: &BuildOptions) -> Result<Site, Diagnostics> {
    let started = Instant::now();
    let mut config = Config::load(root)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url);
    }
    let mut diags = Diagnostics::default();
    let theme = Theme::load(root, &config);
    let loaded = content::load(root, &config, options.drafts);
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

    let targets = link_targets(&config, &library, &loaded);
    let results: Vec<(Rendered, Vec<Diagnostic>)> = library
        .pages
        .par_iter()
        .map(|p| {
            markdown::render(
                &PageRef {
                    file: &p.file,
                    rel: &p.rel,
                    lang: &p.lang,
                    path: &p.path,
                    body: p.body(),
                    body_line: p.body_line,
                    source: &p.source,
                },
                &targets,
            )
        })
        .collect();
    let mut rendered = Vec::with_capacity(results.len());
    for (r, d) in results {
        rendered.push(r);
        diags.extend(d);
    }

    let renderer = Renderer::new(&config, &library, &rendered, &theme, options.live_reload);
    let mut jobs = renderer.jobs();
    // Pages whose template is missing were reported already, with the line of `template:`.
    jobs.retain(|job| !matches!(job, Job::Page(id) | Job::Section { id, .. } if without_template.contains(id)));
    let mut files: BTreeMap<String, Body> = BTreeMap::new();
    let mut owners: HashMap<String, String> = HashMap::new();
    for job in &jobs {
        let out = renderer.output_path(job);
        let owner = match job {
            Job::Alias { to, .. } => {
                format!("l'alias di {}", library.pages[*to].file.display())
            }
            Job::Page(id) | Job::Section { id, .. } => {
                library.pages[*id].file.display().to_string()
            }
            _ => "una pagina generata".into(),
        };
        if let Some(previous) = owners.insert(out.clone(), owner.clone())
            && let Job::Alias { to, from } = job
        {
            let p = &library.pages[*to];
            let line = p
                .source
                .lines()
                .position(|l| l.contains(from.as_str()))
                .map(|i| i + 1)
                .unwrap_or(1);
            diags.push(
                Diagnostic::error(
                    &p.file,
                    line,
                    1,
                    format!("l'alias `{from}` coincide con l'indirizzo di {previous}"),
                )
                .with_help("scegliere un vecchio indirizzo che non sia usato da un'altra pagina")
                .with_source(&p.source),
            );
        }
    }
    let (outputs, render_diags) = renderer.render_all(&jobs);
    diags.extend(render_diags);
    for (path, html) in outputs {
        files.entry(path).or_insert(Body::Bytes(html.into_bytes()));
    }

    let mut sitemap_extra = vec![];
    for lang in config.languages() {
        let prefix = if lang.code == config.default_language {
            String::new()
        } else {
            format!("{}/", lang.code)
        };
        if library.tags.contains_key(&lang.code) {
            sitemap_extra.push(format!("{prefix}{}/", config.taxonomies.tags_path));
        }
        if library
            .sections
            .contains_key(&(String::new(), lang.code.clone()))
        {
            sitemap_extra.push(format!("{prefix}{SITEMAP_PAGE}/"));
        }
        if let Some((path, xml)) = seo::atom_feed(&renderer, &lang.code) {
            files.insert(path, Body::Bytes(xml.into_bytes()));
        }
    }
    files.insert(
        "sitemap.xml".into(),
        Body::Bytes(seo::sitemap_xml(&renderer, &sitemap_extra).into_bytes()),
    );
    files.insert(
        "robots.txt".into(),
        Body::Bytes(seo::robots_txt(&renderer).into_bytes()),
    );
    for asset in &loaded.assets {
        files.insert(asset.rel.clone(), Body::File(asset.path.clone()));
    }
    let static_dir = theme.static_dir();
    for entry in WalkDir::new(&static_dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(&static_dir)
                .expect("walked under static")
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(
                format!("static/{rel}"),
                Body::File(entry.path().to_path_buf()),
            );
        }
    }
    if options.live_reload {
        files.insert(
            LIVE_RELOAD_PATH.into(),
            Body::Bytes(LIVE_RELOAD_JS.as_bytes().to_vec()),
        );
    }

    check_links(&library, &rendered, &files, &mut diags);
    diags.sort();
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Site {
        config,
        files,
        diagnostics: diags,
        page_count: library.pages.len(),
        elapsed: started.elapsed(),
    })
}

fn link_targets(config: &Config, library: &Library, loaded: &content::Loaded) -> LinkTargets {
    let mut by_rel = HashMap::new();
    let mut paths = HashMap::new();
    for p in &library.pages {
        by_rel.insert(p.rel.clone(), (p.key.clone(), p.lang.clone()));
        paths.insert((p.key.clone(), p.lang.clone()), p.path.clone());
    }
    LinkTargets {
        by_rel,
        paths,
        assets: loaded.assets.iter().map(|a| a.rel.clone()).collect(),
        unavailable: loaded.failed.clone(),
        base_path: config.base_path(),
        default_lang: config.default_language.clone(),
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
                    crate::config::CONFIG_FILE,
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

/// Every internal link and anchor written in Markdown must lead to an output and an id in it.
fn check_links(
    library: &Library,
    rendered: &[Rendered],
    files: &BTreeMap<String, Body>,
    diags: &mut Diagnostics,
) {
    let mut ids_cache: HashMap<&str, HashSet<String>> = HashMap::new();
    for (id, r) in rendered.iter().enumerate() {
        let page = &library.pages[id];
        for link in &r.links {
            let candidates = if link.path.is_empty() || link.path.ends_with('/') {
                vec![format!("{}index.html", link.path)]
            } else {
                vec![link.path.clone(), format!("{}/index.html", link.path)]
            };
            let Some(found) = candidates.iter().find(|c| files.contains_key(c.as_str())) else {
                diags.push(
                    Diagnostic::error(&page.file, link.line, link.column, format!("il collegamento a `/{}` non porta a nessuna pagina del sito", link.path))
                        .with_help("correggere l'indirizzo; per le pagine conviene scrivere il percorso del file .md")
                        .with_source(&page.source),
                );
                continue;
            };
            let Some(fragment) = &link.fragment else {
                continue;
            };
            let (key, body) = files.get_key_value(found.as_str()).expect("found above");
            let Body::Bytes(bytes) = body else { continue };
            let ids = ids_cache
                .entry(key.as_str())
                .or_insert_with(|| html_ids(&String::from_utf8_lossy(bytes)));
            if !ids.contains(fragment.as_str()) {
                let mut near: Vec<&String> = ids
                    .iter()
                    .filter(|i| strsim::jaro_winkler(i, fragment) > 0.85)
                    .collect();
                near.sort();
                let help = match near.first() {
                    Some(s) => format!("forse intendevi `#{s}`?"),
                    None => "le ancore sono gli id dei titoli: il testo del titolo in minuscolo, con i trattini al posto degli spazi".into(),
                };
                diags.push(
                    Diagnostic::error(
                        &page.file,
                        link.line,
                        link.column,
                        format!("l'ancora `#{fragment}` non esiste in /{}", link.path),
                    )
                    .with_help(help)
                    .with_source(&page.source),
                );
            }
        }
    }
}

/// The values of every `id="…"` attribute in an HTML document.
pub fn html_ids(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            ids.insert(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    ids
}

const LIVE_RELOAD_JS: &str = r#"// Reloads the page when the preview server reports a new build.
(function () {
  var script = document.currentScript;
  var url = script.src.replace(/livereload\.js.*$/, "events");
  var source = new EventSource(url);
  var first = true;
  source.onmessage = function () {
    if (first) { first = false; return; }
    window.location.reload();
  };
})();
"#;
