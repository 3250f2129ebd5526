//! Loading `content/`: walking the tree, naming pages and sections, reading their front matter.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::{Config, Language};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::{self, FrontMatter, Split};

pub const CONTENT_DIR: &str = "content";

/// A page or a section (`_index.md`) as read from disk.
#[derive(Debug, Clone)]
pub struct Page {
    /// Path for diagnostics, relative to the site root (`content/faq/a.md`).
    pub file: PathBuf,
    /// Path relative to `content/`, with `/` separators (`faq/a.md`).
    pub rel: String,
    /// The same for every translation of a page: the Italian file's `rel` without `.md`.
    pub key: String,
    pub lang: String,
    pub is_section: bool,
    /// Content-relative folder of the section this page belongs to (`""` for the root).
    pub parent: String,
    /// For sections, their own folder (`faq/cittadinanza`); for pages, the folder of their URL.
    pub dir: String,
    /// Output path relative to the base path, ending with `/` (`""` for the home page).
    pub path: String,
    pub fm: FrontMatter,
    pub title: String,
    pub body_line: usize,
    /// Byte offset of the body in `source`.
    pub body_offset: usize,
    pub source: Arc<str>,
}

impl Page {
    pub fn body(&self) -> &str {
        &self.source[self.body_offset..]
    }
}

/// What reading one Markdown file gives: a page, nothing (a draft left out), or its problems.
pub type PageParse = Result<Option<Page>, Vec<Diagnostic>>;

/// A Markdown file as read last time: reused while its size and modification time are the same.
#[derive(Clone)]
pub struct SourceEntry {
    pub stamp: (SystemTime, u64),
    pub result: PageParse,
}

/// A non-Markdown file under `content/`, copied to the same relative path.
#[derive(Debug, Clone)]
pub struct Asset {
    pub rel: String,
    pub path: PathBuf,
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
}

pub struct Loaded {
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    /// Content-relative paths of the files that could not be read: links to them are not
    /// reported again, so each problem is reported once.
    pub failed: HashSet<String>,
    /// Problems of the files in `failed`.
    pub diagnostics: Diagnostics,
}

/// The parts of a Markdown file name: `slug[.lang].md`.
struct FileName<'a> {
    stem: &'a str,
    lang: Option<&'a str>,
}

fn parse_file_name(name: &str) -> Option<FileName<'_>> {
    let base = name.strip_suffix(".md")?;
    if let Some((stem, suffix)) = base.rsplit_once('.')
        && (2..=3).contains(&suffix.len())
        && suffix.chars().all(|c| c.is_ascii_lowercase())
    {
        return Some(FileName {
            stem,
            lang: Some(suffix),
        });
    }
    Some(FileName {
        stem: base,
        lang: None,
    })
}

/// Reads every Markdown file and asset under `root/content`, reusing the parse of files that
/// did not change since the build that filled `cache`; `parsed` counts the files read.
pub fn load(
    root: &Path,
    config: &Config,
    drafts: bool,
    cache: &mut HashMap<PathBuf, SourceEntry>,
    parsed: &mut usize,
) -> Result<Loaded, Diagnostics> {
    let content = root.join(CONTENT_DIR);
    let mut diags = Diagnostics::default();
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(CONTENT_DIR, 0, 0, "la cartella content/ non esiste")
                .with_help("creare content/ con almeno content/_index.md (la home)"),
        );
        return Err(diags);
    }
    let (md_files, assets) = walk(root, &content, &mut diags);
    let results = read_pages(root, config, drafts, &md_files, cache, parsed);
    let mut pages = Vec::new();
    let mut failed = HashSet::new();
    for (r, (rel, _)) in results.into_iter().zip(&md_files) {
        match r {
            Ok(Some(p)) => pages.push(p),
            Ok(None) => {}
            Err(ds) => {
                failed.insert(rel.clone());
                diags.extend(ds);
            }
        }
    }
    if !md_files.iter().any(|(rel, _)| rel == "_index.md") {
        diags.push(
            Diagnostic::error("content/_index.md", 0, 0, "manca la home del sito")
                .with_help("creare content/_index.md con `title:` e un testo introduttivo"),
        );
    }
    Ok(Loaded {
        pages,
        assets,
        failed,
        diagnostics: diags,
    })
}

/// The Markdown files (path under `content/`, path on disk) and the other files under
/// `content`, in name order; hidden files are left out.
fn walk(
    root: &Path,
    content: &Path,
    diags: &mut Diagnostics,
) -> (Vec<(String, PathBuf)>, Vec<Asset>) {
    let mut md_files = Vec::new();
    let mut assets = Vec::new();
    for entry in WalkDir::new(content).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(|p| p.to_path_buf())
                    .unwrap_or_else(|| content.to_path_buf());
                diags.push(Diagnostic::error(
                    rel_to(root, &p),
                    0,
                    0,
                    format!("impossibile leggere: {e}"),
                ));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') && entry.depth() > 0 {
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(content)
            .expect("walked under content")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if name.ends_with(".md") {
            md_files.push((rel, entry.path().to_path_buf()));
        } else {
            let meta = entry.metadata().ok();
            assets.push(Asset {
                rel,
                path: entry.path().to_path_buf(),
                len: meta.as_ref().map(|m| m.len()).unwrap_or(0),
                modified: meta.and_then(|m| m.modified().ok()),
            });
        }
    }
    (md_files, assets)
}

/// Reads the Markdown files in parallel; files whose size and modification time are those of
/// their entry in `cache` are not read again. The cache keeps the files read, of the present
/// files only.
fn read_pages(
    root: &Path,
    config: &Config,
    drafts: bool,
    md_files: &[(String, PathBuf)],
    cache: &mut HashMap<PathBuf, SourceEntry>,
    parsed: &mut usize,
) -> Vec<PageParse> {
    let default_lang = config.default_language.as_str();
    let languages = config.languages();
    let results: Vec<(PageParse, Option<SourceEntry>)> = md_files
        .par_iter()
        .map(|(rel, path)| {
            let stamp = std::fs::metadata(path)
                .ok()
                .and_then(|m| Some((m.modified().ok()?, m.len())));
            if let Some(stamp) = stamp
                && let Some(entry) = cache.get(path)
                && entry.stamp == stamp
            {
                return (entry.result.clone(), None);
            }
            let result = read_page(root, rel, path, default_lang, &languages, drafts);
            let entry = stamp.map(|stamp| SourceEntry {
                stamp,
                result: result.clone(),
            });
            (result, entry)
        })
        .collect();
    let mut fresh = HashMap::new();
    let results: Vec<PageParse> = results
        .into_iter()
        .zip(md_files)
        .map(|((result, entry), (_, path))| {
            if let Some(entry) = entry {
                fresh.insert(path.clone(), entry);
            }
            result
        })
        .collect();
    *parsed += fresh.len();
    let present: HashSet<&PathBuf> = md_files.iter().map(|(_, p)| p).collect();
    cache.retain(|path, _| present.contains(path));
    cache.extend(fresh);
    results
}

fn rel_to(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root).unwrap_or(p).to_path_buf()
}

/// Reads one Markdown file (`rel` under `content/`, at `path`): its page, nothing for a draft
/// when drafts are left out, or its problems.
pub fn read_page(
    root: &Path,
    rel: &str,
    path: &Path,
    default_lang: &str,
    languages: &[Language],
    drafts: bool,
) -> Result<Option<Page>, Vec<Diagnostic>> {
    let file = rel_to(root, path);
    let source: Arc<str> = match std::fs::read_to_string(path) {
        Ok(s) => s.into(),
        Err(e) => {
            return Err(vec![
                Diagnostic::error(&file, 0, 0, format!("impossibile leggere il file: {e}"))
                    .with_help("il file deve essere testo UTF-8 leggibile"),
            ]);
        }
    };
    let (folder, name) = match rel.rsplit_once('/') {
        Some((f, n)) => (f, n),
        None => ("", rel),
    };
    let parsed = parse_file_name(name).expect("ends with .md");
    let lang = file_language(&file, &parsed, default_lang, languages)?;
    let split = frontmatter::split(&source).map_err(|(line, msg, help)| {
        vec![
            Diagnostic::error(&file, line, 1, msg)
                .with_help(help)
                .with_source(&source),
        ]
    })?;
    let fm = frontmatter::parse(&file, &source, &split)?;
    let title = checked_title(&file, &source, &split, &fm, &lang)?;
    if fm.draft && !drafts {
        return Ok(None);
    }
    let place = Place::of(folder, parsed.stem, &lang, default_lang);
    let body_offset = source.len() - split.body.len();
    Ok(Some(Page {
        file,
        rel: rel.to_string(),
        key: place.key,
        lang,
        is_section: place.is_section,
        parent: place.parent,
        dir: place.dir,
        path: place.path,
        title,
        body_line: split.body_line,
        body_offset,
        fm,
        source,
    }))
}

/// The language of a file: the one its name gives (`pagina.en.md`), which must be declared in
/// site.toml, or the default language.
fn file_language(
    file: &Path,
    parsed: &FileName<'_>,
    default_lang: &str,
    languages: &[Language],
) -> Result<String, Vec<Diagnostic>> {
    if let Some(l) = parsed.lang
        && !languages.iter().any(|x| x.code == l)
    {
        let declared: Vec<_> = languages.iter().map(|l| l.code.as_str()).collect();
        return Err(vec![
            Diagnostic::error(file, 0, 0, format!("lingua sconosciuta `{l}` nel nome del file"))
                .with_help(format!(
                    "le lingue dichiarate in site.toml sono {}: rinominare il file o aggiungere la lingua `{l}` in [[languages]]",
                    declared.join(", ")
                )),
        ]);
    }
    Ok(parsed.lang.unwrap_or(default_lang).to_string())
}

/// The page's title, which it must have, when its front matter agrees with its file's
/// language.
fn checked_title(
    file: &Path,
    source: &str,
    split: &Split<'_>,
    fm: &FrontMatter,
    lang: &str,
) -> Result<String, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    if let Some(fm_lang) = &fm.lang
        && *fm_lang != lang
    {
        let (l, c) = frontmatter::key_position(split.yaml, "lang").unwrap_or((1, 1));
        diags.push(
            Diagnostic::error(file, split.yaml_line + l - 1, c, format!("`lang: {fm_lang}` non corrisponde alla lingua del file (`{lang}`)"))
                .with_help("la lingua si ricava dal nome del file (`pagina.en.md`): togliere `lang:` o correggerlo")
                .with_source(source),
        );
    }
    let title = match fm.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            diags.push(
                Diagnostic::error(file, split.yaml_line.saturating_sub(1).max(1), 1, "manca il titolo (`title:`)")
                    .with_help("aggiungere `title: \"…\"` nel front matter: è il titolo h1 della pagina e deve essere unico")
                    .with_source(source),
            );
            String::new()
        }
    };
    if diags.is_empty() {
        Ok(title)
    } else {
        Err(diags)
    }
}

/// Where a page stands in the site, from its file's folder and name.
struct Place {
    is_section: bool,
    /// The translation key: the Italian file's path without `.md`.
    key: String,
    parent: String,
    dir: String,
    /// The output path, under the language's folder.
    path: String,
}

impl Place {
    fn of(folder: &str, stem: &str, lang: &str, default_lang: &str) -> Place {
        let is_section = stem == "_index";
        // A section (`_index.md`) and a bundle (`index.md`) are their folder; another page is
        // the folder of its URL, in its section's folder.
        let (parent, dir, url_dir) = if is_section || stem == "index" {
            let parent = folder
                .rsplit_once('/')
                .map(|(p, _)| p.to_string())
                .unwrap_or_default();
            (parent, folder.to_string(), folder.to_string())
        } else {
            let url = if folder.is_empty() {
                stem.to_string()
            } else {
                format!("{folder}/{stem}")
            };
            (folder.to_string(), url.clone(), url)
        };
        let key = if folder.is_empty() {
            stem.to_string()
        } else {
            format!("{folder}/{stem}")
        };
        let lang_prefix = if lang == default_lang {
            String::new()
        } else {
            format!("{lang}/")
        };
        let path = if url_dir.is_empty() {
            lang_prefix
        } else {
            format!("{lang_prefix}{url_dir}/")
        };
        Place {
            is_section,
            key,
            parent,
            dir,
            path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_language() {
        let f = parse_file_name("rinnovo.en.md").unwrap();
        assert_eq!((f.stem, f.lang), ("rinnovo", Some("en")));
        let f = parse_file_name("d.lgs-286.md").unwrap();
        assert_eq!((f.stem, f.lang), ("d.lgs-286", None));
        let f = parse_file_name("_index.md").unwrap();
        assert_eq!((f.stem, f.lang), ("_index", None));
    }
}
