//! Loading `content/`: walking the tree, naming pages and sections, reading their front matter.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::{self, FrontMatter};

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
    let mut md_files = Vec::new();
    let mut assets = Vec::new();
    for entry in WalkDir::new(&content).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(|p| p.to_path_buf())
                    .unwrap_or_else(|| content.clone());
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
            .strip_prefix(&content)
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

    let default_lang = config.default_language.as_str();
    let languages = config.languages();
    // Files whose size and modification time are unchanged are not read again.
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
        .zip(&md_files)
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
    languages: &[crate::config::Language],
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
        Some((f, n)) => (f.to_string(), n),
        None => (String::new(), rel),
    };
    let parsed = parse_file_name(name).expect("ends with .md");
    let lang = parsed.lang.unwrap_or(default_lang).to_string();
    if let Some(l) = parsed.lang
        && !languages.iter().any(|x| x.code == l)
    {
        let declared: Vec<_> = languages.iter().map(|l| l.code.as_str()).collect();
        return Err(vec![
            Diagnostic::error(&file, 0, 0, format!("lingua sconosciuta `{l}` nel nome del file"))
                .with_help(format!(
                    "le lingue dichiarate in site.toml sono {}: rinominare il file o aggiungere la lingua `{l}` in [[languages]]",
                    declared.join(", ")
                )),
        ]);
    }
    let split = frontmatter::split(&source).map_err(|(line, msg, help)| {
        vec![
            Diagnostic::error(&file, line, 1, msg)
                .with_help(help)
                .with_source(&source),
        ]
    })?;
    let fm = frontmatter::parse(&file, &source, &split)?;
    let mut diags = Vec::new();
    if let Some(fm_lang) = &fm.lang
        && *fm_lang != lang
    {
        let (l, c) = frontmatter::key_position(split.yaml, "lang").unwrap_or((1, 1));
        diags.push(
            Diagnostic::error(&file, split.yaml_line + l - 1, c, format!("`lang: {fm_lang}` non corrisponde alla lingua del file (`{lang}`)"))
                .with_help("la lingua si ricava dal nome del file (`pagina.en.md`): togliere `lang:` o correggerlo")
                .with_source(&source),
        );
    }
    let title = match fm.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            diags.push(
                Diagnostic::error(&file, split.yaml_line.saturating_sub(1).max(1), 1, "manca il titolo (`title:`)")
                    .with_help("aggiungere `title: \"…\"` nel front matter: è il titolo h1 della pagina e deve essere unico")
                    .with_source(&source),
            );
            String::new()
        }
    };
    if !diags.is_empty() {
        return Err(diags);
    }
    if fm.draft && !drafts {
        return Ok(None);
    }

    let is_section = parsed.stem == "_index";
    let is_bundle = parsed.stem == "index";
    let (parent, dir, url_dir) = if is_section {
        let parent = folder
            .rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        let parent = if folder.is_empty() {
            String::new()
        } else {
            parent
        };
        (parent, folder.clone(), folder.clone())
    } else if is_bundle {
        let parent = folder
            .rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        (parent, folder.clone(), folder.clone())
    } else {
        let url = if folder.is_empty() {
            parsed.stem.to_string()
        } else {
            format!("{folder}/{}", parsed.stem)
        };
        (folder.clone(), url.clone(), url)
    };
    let key_stem = if folder.is_empty() {
        parsed.stem.to_string()
    } else {
        format!("{folder}/{}", parsed.stem)
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
    let body_offset = source.len() - split.body.len();
    Ok(Some(Page {
        file,
        rel: rel.to_string(),
        key: key_stem,
        lang,
        is_section,
        parent,
        dir,
        path,
        title,
        body_line: split.body_line,
        body_offset,
        fm,
        source,
    }))
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
