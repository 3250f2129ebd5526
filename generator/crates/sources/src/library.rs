//! The site graph: sections and their pages, translations, tags, in every language.

use std::collections::{BTreeMap, HashMap};

use crate::config::Config;
use crate::content::Page;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::frontmatter::{self, SortBy};

/// Indices into `Library::pages`.
pub type PageId = usize;

pub struct Library {
    pub pages: Vec<Page>,
    /// (section folder, language) → the section's `_index` page
    pub sections: HashMap<(String, String), PageId>,
    /// section folder → its direct pages (every language), sorted as the section asks
    pub children: HashMap<String, Vec<PageId>>,
    /// section folder → its direct subsection folders, sorted by weight and title
    pub subsections: HashMap<String, Vec<String>>,
    /// translation key → the page in every language, in the order of site.toml
    pub translations: HashMap<String, Vec<PageId>>,
    /// language → tag slug → (tag name, pages sorted by date then title)
    pub tags: HashMap<String, BTreeMap<String, (String, Vec<PageId>)>>,
    pub default_lang: String,
}

impl Library {
    /// The library of `pages`, with the problems of the site graph: two pages with one
    /// address or one title, offices in an unknown area.
    pub fn new(pages: Vec<Page>, config: &Config) -> (Library, Diagnostics) {
        let default_lang = config.default_language.clone();
        let mut pages = pages;
        pages.sort_by(|a, b| a.rel.cmp(&b.rel));
        let diags = check_pages(&pages, config);
        let mut sections = HashMap::new();
        for (id, p) in pages.iter().enumerate() {
            if p.is_section {
                sections.insert((p.dir.clone(), p.lang.clone()), id);
            }
        }
        let (children, subsections) = listings(&pages, &sections, &default_lang);
        let lang_order: Vec<String> = config.languages().into_iter().map(|l| l.code).collect();
        let mut translations: HashMap<String, Vec<PageId>> = HashMap::new();
        for (id, p) in pages.iter().enumerate() {
            translations.entry(p.key.clone()).or_default().push(id);
        }
        for list in translations.values_mut() {
            list.sort_by_key(|&id| lang_order.iter().position(|l| *l == pages[id].lang));
        }
        let tags = tags(&pages);
        let library = Library {
            pages,
            sections,
            children,
            subsections,
            translations,
            tags,
            default_lang,
        };
        (library, diags)
    }

    /// The section page for `dir` in `lang`, falling back to the default language.
    pub fn section(&self, dir: &str, lang: &str) -> Option<PageId> {
        self.sections
            .get(&(dir.to_string(), lang.to_string()))
            .or_else(|| {
                self.sections
                    .get(&(dir.to_string(), self.default_lang.clone()))
            })
            .copied()
    }

    /// The section a page is listed in (its nearest ancestor that has an `_index.md`).
    pub fn parent_section(&self, id: PageId) -> Option<String> {
        let p = &self.pages[id];
        if p.is_section && p.dir.is_empty() {
            return None;
        }
        Some(nearest_section(
            &self.sections,
            &p.parent,
            &self.default_lang,
        ))
    }

    /// Folders from the home down to the page's section, for breadcrumbs.
    pub fn ancestors(&self, id: PageId) -> Vec<String> {
        let mut chain = Vec::new();
        let mut current = self.parent_section(id);
        while let Some(dir) = current {
            let next = if dir.is_empty() {
                None
            } else {
                let sid = self
                    .section(&dir, &self.default_lang)
                    .expect("nearest section exists");
                self.parent_section(sid)
            };
            chain.push(dir);
            current = next;
        }
        chain.reverse();
        chain
    }

    /// Direct pages of a section in one language.
    pub fn pages_in(&self, dir: &str, lang: &str) -> Vec<PageId> {
        self.children
            .get(dir)
            .map(|list| {
                list.iter()
                    .copied()
                    .filter(|&id| self.pages[id].lang == lang)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Pages of a section and of all its subsections, in one language.
    pub fn pages_under(&self, dir: &str, lang: &str) -> Vec<PageId> {
        let mut out = self.pages_in(dir, lang);
        if let Some(subs) = self.subsections.get(dir) {
            for sub in subs {
                out.extend(self.pages_under(sub, lang));
            }
        }
        out
    }
}

/// Every page with an address and a title of its own, and offices in a declared area.
fn check_pages(pages: &[Page], config: &Config) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let mut by_path: HashMap<&str, PageId> = HashMap::new();
    let mut titles: HashMap<(&str, String), PageId> = HashMap::new();
    for (id, p) in pages.iter().enumerate() {
        if let Some(&other) = by_path.get(p.path.as_str()) {
            diags.push(
                Diagnostic::error(
                    &p.file,
                    1,
                    1,
                    format!(
                        "l'indirizzo /{} è già usato da {}",
                        p.path,
                        pages[other].file.display()
                    ),
                )
                .with_help("rinominare uno dei due file: ogni pagina deve avere un indirizzo suo"),
            );
        } else {
            by_path.insert(&p.path, id);
        }
        let title_key = (p.lang.as_str(), p.title.to_lowercase());
        if let Some(&other) = titles.get(&title_key) {
            let line = title_line(p);
            diags.push(
                Diagnostic::error(
                    &p.file,
                    line,
                    1,
                    format!(
                        "il titolo «{}» è già usato da {}",
                        p.title,
                        pages[other].file.display()
                    ),
                )
                .with_help(
                    "ogni pagina deve avere un titolo unico: rendere il titolo più specifico",
                )
                .with_source(&p.source),
            );
        } else {
            titles.insert(title_key, id);
        }
        if let Some(office) = &p.fm.office
            && config.area(&office.area).is_none()
        {
            diags.push(unknown_area(p, &office.area, config));
        }
    }
    diags
}

fn unknown_area(p: &Page, area: &str, config: &Config) -> Diagnostic {
    let line = p
        .source
        .lines()
        .position(|l| l.trim_start().starts_with("area:"))
        .map(|i| i + 1)
        .unwrap_or(1);
    let known: Vec<&str> = config.areas.iter().map(|a| a.id.as_str()).collect();
    Diagnostic::error(
        &p.file,
        line,
        1,
        format!("bacino territoriale `{area}` sconosciuto"),
    )
    .with_help(format!(
        "usare uno dei bacini di site.toml: {}",
        known.join(", ")
    ))
    .with_source(&p.source)
}

/// Each section's pages, sorted as the section asks, and its subsections, sorted by weight and
/// title.
fn listings(
    pages: &[Page],
    sections: &HashMap<(String, String), PageId>,
    default_lang: &str,
) -> (HashMap<String, Vec<PageId>>, HashMap<String, Vec<String>>) {
    let mut children: HashMap<String, Vec<PageId>> = HashMap::new();
    let mut subsections: HashMap<String, Vec<String>> = HashMap::new();
    for (id, p) in pages.iter().enumerate() {
        if p.is_section {
            if !p.dir.is_empty() && p.lang == default_lang {
                let parent = nearest_section(sections, &p.parent, default_lang);
                subsections.entry(parent).or_default().push(p.dir.clone());
            }
        } else {
            let parent = nearest_section(sections, &p.parent, default_lang);
            children.entry(parent).or_default().push(id);
        }
    }
    for (dir, list) in children.iter_mut() {
        let sort_by = sections
            .get(&(dir.clone(), default_lang.to_string()))
            .and_then(|&s| pages[s].fm.sort_by)
            .unwrap_or_default();
        sort_pages(pages, list, sort_by);
    }
    for list in subsections.values_mut() {
        list.sort_by(|a, b| {
            let pa = &pages[sections[&(a.clone(), default_lang.to_string())]];
            let pb = &pages[sections[&(b.clone(), default_lang.to_string())]];
            (pa.fm.weight, pa.title.to_lowercase()).cmp(&(pb.fm.weight, pb.title.to_lowercase()))
        });
    }
    (children, subsections)
}

/// language → tag slug → (tag name, pages sorted by date then title)
fn tags(pages: &[Page]) -> HashMap<String, BTreeMap<String, (String, Vec<PageId>)>> {
    let mut tags: HashMap<String, BTreeMap<String, (String, Vec<PageId>)>> = HashMap::new();
    for (id, p) in pages.iter().enumerate() {
        for tag in &p.fm.tags {
            let slug = slug::slugify(tag);
            if slug.is_empty() {
                continue;
            }
            tags.entry(p.lang.clone())
                .or_default()
                .entry(slug)
                .or_insert_with(|| (tag.clone(), Vec::new()))
                .1
                .push(id);
        }
    }
    for per_lang in tags.values_mut() {
        for (_, list) in per_lang.values_mut() {
            sort_pages(pages, list, SortBy::Date);
        }
    }
    tags
}

fn title_line(p: &Page) -> usize {
    frontmatter::key_position(&p.source, "title")
        .map(|(l, _)| l)
        .unwrap_or(1)
}

fn nearest_section(sections: &HashMap<(String, String), PageId>, dir: &str, lang: &str) -> String {
    let mut dir = dir.to_string();
    loop {
        if sections.contains_key(&(dir.clone(), lang.to_string())) || dir.is_empty() {
            return dir;
        }
        dir = dir
            .rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
    }
}

fn sort_pages(pages: &[Page], list: &mut [PageId], sort_by: SortBy) {
    match sort_by {
        SortBy::Weight => list.sort_by(|&a, &b| {
            (pages[a].fm.weight, pages[a].title.to_lowercase())
                .cmp(&(pages[b].fm.weight, pages[b].title.to_lowercase()))
        }),
        SortBy::Date => list.sort_by(|&a, &b| {
            let da = pages[a].fm.date.or(pages[a].fm.updated);
            let db = pages[b].fm.date.or(pages[b].fm.updated);
            db.cmp(&da).then_with(|| {
                pages[a]
                    .title
                    .to_lowercase()
                    .cmp(&pages[b].title.to_lowercase())
            })
        }),
        SortBy::Title => list.sort_by_key(|&a| slug::slugify(&pages[a].title)),
    }
}
