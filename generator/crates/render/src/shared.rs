//! What the contexts of thousands of pages share, converted to template values once: the
//! `site` object of each language (one for each active entry of the main menu) and the UI
//! strings. It depends on site.toml, the theme and the front matter of sections, never on a
//! page's body, so a patch reuses it.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};

use serde::Serialize;

use crate::context::hash_json;
use crate::inputs::Inputs;
use crate::jobs::{AZ_PAGE, SEARCH_PAGE, SITEMAP_PAGE};
use respi_sources::config::{Contacts, WebAnalyticsItalia};

/// The values every page shares, by language.
#[derive(Default)]
pub struct Shared {
    /// (language, index of the active menu entry) → the `site` object
    site_values: HashMap<(String, Option<usize>), tera::Value>,
    /// language → the UI strings
    strings: HashMap<String, tera::Value>,
    /// language → the section folders of the menu entries, in menu order
    menu_dirs: HashMap<String, Vec<String>>,
    /// a fingerprint of `site_values` and `strings`
    print: u64,
}

/// The `site` object of the templates.
#[derive(Serialize, Clone)]
struct SiteValue<'a> {
    title: &'a str,
    short_title: &'a str,
    owner: &'a str,
    description: &'a str,
    base_url: String,
    base_path: String,
    home_url: String,
    accessibility_statement_url: &'a Option<String>,
    reserved_area_url: &'a Option<String>,
    feedback_url: &'a Option<String>,
    counter_url: &'a Option<String>,
    web_analytics_italia: &'a Option<WebAnalyticsItalia>,
    transparency_url: &'a Option<String>,
    privacy_url: Option<String>,
    legal_url: Option<String>,
    contacts_url: Option<String>,
    accessibility_url: Option<String>,
    sitemap_page_url: String,
    search_url: String,
    az_url: String,
    tags_url: String,
    contacts: &'a Contacts,
    languages: Vec<LanguageValue>,
    menu: Vec<MenuItem<'a>>,
}

#[derive(Serialize, Clone)]
struct LanguageValue {
    code: String,
    name: String,
    dir: String,
}

/// An entry of the main menu: a section, marked when the page shown is in it.
#[derive(Serialize, Clone)]
struct MenuItem<'a> {
    title: &'a str,
    url: String,
    dir: &'a str,
    active: bool,
}

impl Shared {
    pub fn new(inputs: &Inputs<'_>) -> Shared {
        let mut shared = Shared::default();
        for lang in inputs.config.languages() {
            let site = site_value(inputs, &lang.code);
            let dirs: Vec<String> = site.menu.iter().map(|item| item.dir.to_string()).collect();
            for active in std::iter::once(None).chain((0..dirs.len()).map(Some)) {
                let mut site = site.clone();
                for (i, item) in site.menu.iter_mut().enumerate() {
                    item.active = Some(i) == active;
                }
                let value = tera::Value::from_serializable(&site);
                shared
                    .site_values
                    .insert((lang.code.clone(), active), value);
            }
            shared.menu_dirs.insert(lang.code.clone(), dirs);
            let strings = tera::Value::from_serializable(&inputs.theme.strings[&lang.code]);
            shared.strings.insert(lang.code.clone(), strings);
        }
        shared.print = shared.fingerprint();
        shared
    }

    /// tera's maps keep no fixed order: their JSON form (sorted keys) is fingerprinted.
    fn fingerprint(&self) -> u64 {
        let mut values: Vec<(String, u64)> = self
            .site_values
            .iter()
            .map(|((lang, active), v)| (format!("{lang} {active:?}"), v))
            .chain(self.strings.iter().map(|(lang, v)| (lang.clone(), v)))
            .map(|(k, v)| {
                let json = serde_json::to_value(v).expect("a template value converts to JSON");
                let mut h = DefaultHasher::new();
                hash_json(&mut h, &json);
                (k, h.finish())
            })
            .collect();
        values.sort();
        respi_sources::fingerprint(&values)
    }

    /// A fingerprint of the values.
    pub fn print(&self) -> u64 {
        self.print
    }

    /// The `site` object of `lang` with the menu entry `active` marked.
    pub fn site(&self, lang: &str, active: Option<usize>) -> tera::Value {
        self.site_values[&(lang.to_string(), active)].clone()
    }

    /// The UI strings of `lang`.
    pub fn strings(&self, lang: &str) -> tera::Value {
        self.strings[lang].clone()
    }

    /// The menu entry of `lang` whose section holds the folder `dir`, if any.
    pub fn active_entry(&self, lang: &str, dir: &str) -> Option<usize> {
        self.menu_dirs[lang].iter().position(|d| {
            dir == d
                || dir
                    .strip_prefix(d.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    }
}

fn site_value<'a>(inputs: &'a Inputs<'_>, lang: &str) -> SiteValue<'a> {
    let c = inputs.config;
    let lib = inputs.library;
    let page_url = |rel: &str| {
        let key = rel.trim_end_matches(".md");
        lib.translations
            .get(key)
            .and_then(|ids| {
                ids.iter()
                    .find(|&&i| lib.pages[i].lang == lang)
                    .or_else(|| {
                        ids.iter()
                            .find(|&&i| lib.pages[i].lang == c.default_language)
                    })
            })
            .map(|&i| inputs.url(&lib.pages[i].path))
    };
    let home = lib
        .section("", lang)
        .map(|id| lib.pages[id].path.clone())
        .unwrap_or_default();
    let menu = c
        .menu
        .iter()
        .filter_map(|dir| {
            let id = lib.section(dir, lang)?;
            Some(MenuItem {
                title: &lib.pages[id].title,
                url: inputs.url(&lib.pages[id].path),
                dir,
                active: false,
            })
        })
        .collect();
    let languages = c
        .languages()
        .into_iter()
        .map(|l| LanguageValue {
            code: l.code,
            name: l.name,
            dir: l.dir,
        })
        .collect();
    let prefix = inputs.lang_prefix(lang);
    SiteValue {
        title: &c.title,
        short_title: &c.short_title,
        owner: &c.owner,
        description: &c.description,
        base_url: c.base_url(),
        base_path: c.base_path(),
        home_url: inputs.url(&home),
        accessibility_statement_url: &c.accessibility_statement_url,
        reserved_area_url: &c.reserved_area_url,
        feedback_url: &c.feedback_url,
        counter_url: &c.counter_url,
        web_analytics_italia: &c.web_analytics_italia,
        transparency_url: &c.transparency_url,
        privacy_url: page_url(&c.pages.privacy),
        legal_url: page_url(&c.pages.legal),
        contacts_url: page_url(&c.pages.contacts),
        accessibility_url: page_url(&c.pages.accessibility),
        sitemap_page_url: inputs.url(&format!("{prefix}{SITEMAP_PAGE}/")),
        search_url: inputs.url(&format!("{prefix}{SEARCH_PAGE}/")),
        az_url: inputs.url(&format!("{prefix}{AZ_PAGE}/")),
        tags_url: inputs.url(&inputs.tags_path(lang)),
        contacts: &c.contacts,
        languages,
        menu,
    }
}
