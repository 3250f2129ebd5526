//! The tag pages of a language: the index of every tag, and each tag's pages.

use serde::Serialize;

use crate::context::Output;
use crate::inputs::Inputs;
use crate::jobs::{page_slice, paginated};
use crate::values::{Frame, Paginator, Summary};

/// The context of `tags.html`.
#[derive(Serialize)]
pub struct TagIndexContext {
    #[serde(flatten)]
    pub frame: Frame,
    pub tags: Vec<TagCount>,
}

/// A tag in the index, with the number of its pages.
#[derive(Serialize)]
pub struct TagCount {
    pub name: String,
    pub url: String,
    pub count: usize,
}

/// The context of `tag.html`.
#[derive(Serialize)]
pub struct TagContext {
    #[serde(flatten)]
    pub frame: Frame,
    pub tag: TagValue,
    pub paginator: Option<Paginator>,
}

/// A tag and the pages one page of its listing shows.
#[derive(Serialize)]
pub struct TagValue {
    pub name: String,
    pub url: String,
    pub pages: Vec<Summary>,
}

/// The output of the index of the tags of `lang`.
pub fn index(inputs: &Inputs<'_>, lang: &str) -> Output<TagIndexContext> {
    let tags_path = inputs.tags_path(lang);
    let index_title = inputs.t(lang, "tags");
    let mut crumbs = inputs.home_crumbs(lang);
    crumbs.push((index_title.clone(), inputs.url(&tags_path)));
    let tags = inputs
        .library
        .tags
        .get(lang)
        .into_iter()
        .flatten()
        .map(|(slug, (name, pages))| TagCount {
            name: name.clone(),
            url: inputs.url(&format!("{tags_path}{slug}/")),
            count: pages.len(),
        })
        .collect();
    let title = inputs.full_title(&index_title, None);
    Output {
        template: "tags.html".into(),
        lang: lang.to_string(),
        context: TagIndexContext {
            frame: inputs.listing_frame(&title, &tags_path, lang, &crumbs),
            tags,
        },
    }
}

/// The output of page `page_no` (from 1) of the listing of the tag `slug` of `lang`.
pub fn tag(inputs: &Inputs<'_>, lang: &str, slug: &str, page_no: usize) -> Output<TagContext> {
    let tags_path = inputs.tags_path(lang);
    let index_title = inputs.t(lang, "tags");
    let mut crumbs = inputs.home_crumbs(lang);
    crumbs.push((index_title.clone(), inputs.url(&tags_path)));
    let (name, pages) = &inputs.library.tags[lang][slug];
    let base = format!("{tags_path}{slug}/");
    let per_page = Some(inputs.config.taxonomies.paginate_by.max(1));
    let (shown, total) = page_slice(pages.len(), per_page, page_no);
    crumbs.push((name.clone(), inputs.url(&base)));
    let mut title = inputs.full_title(name, Some(&index_title));
    if page_no > 1 {
        title = format!("{title} ({} {page_no})", inputs.t(lang, "page_n"));
    }
    let path = paginated(&base, page_no);
    let context = TagContext {
        frame: inputs.listing_frame(&title, &path, lang, &crumbs),
        tag: TagValue {
            name: name.clone(),
            url: inputs.url(&base),
            pages: pages[shown].iter().map(|&id| inputs.summary(id)).collect(),
        },
        paginator: inputs.paginator(&base, page_no, total),
    };
    Output {
        template: "tag.html".into(),
        lang: lang.to_string(),
        context,
    }
}
