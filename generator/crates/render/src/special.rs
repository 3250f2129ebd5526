//! The pages the generator writes for every language: the site map, the search page and the
//! A–Z index.

use serde::Serialize;

use crate::context::Output;
use crate::inputs::Inputs;
use crate::jobs::{SEARCH_PAGE, Special};
use crate::values::{Frame, Link};

/// The context of one of the special pages: the frame and the page's own variable.
#[derive(Serialize)]
pub struct SpecialContext {
    #[serde(flatten)]
    pub frame: Frame,
    #[serde(flatten)]
    pub content: SpecialContent,
}

/// The variable of each special page.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialContent {
    /// The tree of sections from the home page (none for a language without one).
    Sitemap(Option<SitemapNode>),
    SearchPage(SearchPage),
    /// The groups of the A–Z index.
    Az(Vec<AzGroup>),
}

/// A section in the site map, with its pages and subsections.
#[derive(Serialize)]
pub struct SitemapNode {
    pub title: String,
    pub url: String,
    pub pages: Vec<Link>,
    pub sections: Vec<SitemapNode>,
}

#[derive(Serialize)]
pub struct SearchPage {
    pub url: String,
    /// The search pages of the other languages (none when the site has one).
    pub languages: Vec<SearchLanguage>,
    pub filters: Vec<FilterLabel>,
}

#[derive(Serialize)]
pub struct SearchLanguage {
    pub code: String,
    pub name: String,
    pub url: String,
    pub current: bool,
}

/// A filter of the search page: its name in the index and its label.
#[derive(Serialize)]
pub struct FilterLabel {
    pub name: &'static str,
    pub label: String,
}

/// The entries of the A–Z index under one letter (`#` for the others).
#[derive(Serialize)]
pub struct AzGroup {
    pub letter: String,
    pub anchor: String,
    pub entries: Vec<AzEntry>,
}

#[derive(Serialize)]
pub struct AzEntry {
    pub title: String,
    pub url: String,
    pub is_tag: bool,
}

/// The output of one special page of `lang`.
pub fn output(inputs: &Inputs<'_>, kind: Special, lang: &str) -> Output<SpecialContext> {
    let path = format!("{}{}/", inputs.lang_prefix(lang), kind.segment());
    let title = inputs.t(lang, kind.title_key());
    let mut crumbs = inputs.home_crumbs(lang);
    crumbs.push((title.clone(), inputs.url(&path)));
    let content = match kind {
        Special::Sitemap => SpecialContent::Sitemap(sitemap_tree(inputs, "", lang)),
        Special::Search => SpecialContent::SearchPage(search_page(inputs, lang, &path)),
        Special::AtoZ => SpecialContent::Az(az_index(inputs, lang)),
    };
    let full = inputs.full_title(&title, None);
    Output {
        template: kind.template().into(),
        lang: lang.to_string(),
        context: SpecialContext {
            frame: inputs.listing_frame(&full, &path, lang, &crumbs),
            content,
        },
    }
}

fn sitemap_tree(inputs: &Inputs<'_>, dir: &str, lang: &str) -> Option<SitemapNode> {
    let lib = inputs.library;
    let s = &lib.pages[lib.section(dir, lang)?];
    let sections = lib
        .subsections
        .get(dir)
        .map(|subs| {
            subs.iter()
                .filter_map(|d| sitemap_tree(inputs, d, lang))
                .collect()
        })
        .unwrap_or_default();
    let pages = lib
        .pages_in(dir, lang)
        .iter()
        .map(|&id| Link {
            title: lib.pages[id].title.clone(),
            url: inputs.url(&lib.pages[id].path),
        })
        .collect();
    Some(SitemapNode {
        title: s.title.clone(),
        url: inputs.url(&s.path),
        pages,
        sections,
    })
}

fn search_page(inputs: &Inputs<'_>, lang: &str, path: &str) -> SearchPage {
    let languages: Vec<SearchLanguage> = inputs
        .config
        .languages()
        .into_iter()
        .filter(|l| {
            inputs
                .library
                .sections
                .contains_key(&(String::new(), l.code.clone()))
        })
        .map(|l| SearchLanguage {
            url: inputs.url(&format!("{}{SEARCH_PAGE}/", inputs.lang_prefix(&l.code))),
            current: l.code == lang,
            code: l.code,
            name: l.name,
        })
        .collect();
    let filters = [
        ("tipo", "filter_kind"),
        ("area", "filter_area"),
        ("argomento", "filter_topic"),
    ]
    .into_iter()
    .map(|(name, key)| FilterLabel {
        name,
        label: inputs.t(lang, key),
    })
    .collect();
    SearchPage {
        url: inputs.url(path),
        languages: if languages.len() > 1 {
            languages
        } else {
            Vec::new()
        },
        filters,
    }
}

/// The A–Z index: tags and page titles of one language, grouped by initial.
fn az_index(inputs: &Inputs<'_>, lang: &str) -> Vec<AzGroup> {
    let lib = inputs.library;
    // (sort key, title, URL, is a tag)
    let mut entries: Vec<(String, String, String, bool)> = Vec::new();
    for p in lib
        .pages
        .iter()
        .filter(|p| p.lang == lang && !(p.is_section && p.dir.is_empty()))
    {
        entries.push((
            sort_key(&p.title),
            p.title.clone(),
            inputs.url(&p.path),
            false,
        ));
    }
    for (slug, (name, _)) in lib.tags.get(lang).into_iter().flatten() {
        let url = inputs.url(&format!("{}{slug}/", inputs.tags_path(lang)));
        entries.push((sort_key(name), name.clone(), url, true));
    }
    entries.sort();
    let mut groups: Vec<AzGroup> = Vec::new();
    for (key, title, url, is_tag) in entries {
        let letter = key
            .chars()
            .next()
            .map(|c| c.to_uppercase().to_string())
            .unwrap_or_else(|| "#".into());
        let letter = if letter.chars().all(char::is_alphabetic) {
            letter
        } else {
            "#".into()
        };
        if groups.last().is_none_or(|g| g.letter != letter) {
            groups.push(az_group(letter));
        }
        if let Some(group) = groups.last_mut() {
            group.entries.push(AzEntry { title, url, is_tag });
        }
    }
    groups
}

/// Key that sorts accented and capitalised titles as readers expect ("È" with "E").
fn sort_key(title: &str) -> String {
    slug::slugify(title)
}

fn az_group(letter: String) -> AzGroup {
    let anchor = if letter == "#" {
        "altro".to_string()
    } else {
        slug::slugify(&letter)
    };
    AzGroup {
        letter,
        anchor,
        entries: Vec::new(),
    }
}
