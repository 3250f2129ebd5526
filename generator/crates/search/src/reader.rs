//! Reading a page of this theme for the search index as Pagefind's indexer reads it: the text
//! of the element marked `data-pagefind-body` with its blocks, headings (and their weights) and
//! anchors, its filters and title, then its words as Pagefind splits, normalises and stems them.
//! Pages that use other Pagefind attributes go to Pagefind's library instead (`supported`).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::LazyLock;

use convert_case::{Case, Casing};
use lol_html::{HtmlRewriter, Settings, element, text};
use pagefind_stem::{Algorithm, Stemmer};
use regex::Regex;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

static NEWLINES: LazyLock<Regex> = LazyLock::new(|| Regex::new("(\n|\r\n)+").unwrap());
static TRIM: LazyLock<Regex> = LazyLock::new(|| Regex::new("^[\n\r\\s]+|[\n\r\\s]+$").unwrap());
static SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\s{2,}").unwrap());
static PRIVATE: LazyLock<Regex> = LazyLock::new(|| Regex::new("___PAGEFIND_[\\S]+\\s?").unwrap());
static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| Regex::new("[\\w'\"\\)\\$\\*]").unwrap());
static ALL_SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\s").unwrap());
static EMOJI: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\p{Emoji}").unwrap());

const SENTENCE: &[&str] = &[
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "td", "div", "ul", "li", "article", "section",
];
const INLINE: &[&str] = &[
    "a", "abbr", "acronym", "b", "bdo", "big", "br", "button", "cite", "code", "dfn", "em", "i",
    "img", "input", "kbd", "label", "map", "object", "output", "q", "samp", "script", "select",
    "small", "span", "strong", "sub", "sup", "textarea", "time", "tt", "var",
];
const REMOVED: &[&str] = &[
    "head", "style", "script", "noscript", "label", "form", "svg", "footer", "nav", "iframe",
    "template",
];
/// Pagefind's characters that belong to words (Unicode's connector punctuation).
pub const WORD_SYMBOLS: [char; 10] = ['_', '‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'];

/// Whether this reader reads `html` as Pagefind would: a language, a `data-pagefind-body`
/// element, and no other Pagefind attribute than `data-pagefind-filter` with a plain name.
pub fn supported(html: &str) -> bool {
    let Some(start) = html.find("<html") else {
        return false;
    };
    let tag_end = html[start..].find('>').map_or(start, |e| start + e);
    if !html[start..tag_end].contains(" lang=\"") {
        return false;
    }
    html.match_indices("data-pagefind-").all(|(at, _)| {
        let rest = &html[at + "data-pagefind-".len()..];
        rest.starts_with("body") || {
            rest.starts_with("filter=\"")
                && rest["filter=\"".len()..]
                    .split('"')
                    .next()
                    .is_some_and(|name| name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        }
    }) && html.contains(" data-pagefind-body")
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Status {
    Indexing,
    Ignored,
    Body,
    ParentOfBody,
}

struct Node {
    value: String,
    parent: Option<Rc<RefCell<Node>>>,
    filter: Option<String>,
    anchors: Option<Vec<String>>,
    status: Status,
}

impl Node {
    fn root() -> Rc<RefCell<Node>> {
        Rc::new(RefCell::new(Node {
            value: String::new(),
            parent: None,
            filter: None,
            anchors: None,
            status: Status::Indexing,
        }))
    }
}

#[derive(Default)]
struct Parsed {
    filters: BTreeMap<String, Vec<String>>,
    meta: BTreeMap<String, String>,
    anchor_content: BTreeMap<String, String>,
    language: Option<String>,
}

/// One anchor of a page: an element with an `id`, its text and the word it starts at.
#[derive(Serialize)]
pub struct Anchor {
    element: String,
    id: String,
    text: String,
    location: u32,
}

/// A page's fragment, as Pagefind's browser side reads it.
#[derive(Serialize)]
pub struct Fragment {
    pub url: String,
    pub content: String,
    pub word_count: usize,
    pub filters: BTreeMap<String, Vec<String>>,
    pub meta: BTreeMap<String, String>,
    pub anchors: Vec<Anchor>,
}

/// A word's occurrence: position, weight, and the form with diacritics when it differs.
pub struct Occurrence {
    pub position: u32,
    pub weight: u8,
    pub original: Option<String>,
}

/// A page as the index takes it.
pub struct PageRead {
    pub language: String,
    pub fragment: Fragment,
    pub words: HashMap<String, Vec<Occurrence>>,
    /// Words of the metadata: (field number in the page's sorted fields, position, form).
    pub meta_words: HashMap<String, Vec<(u16, u32, Option<String>)>>,
}

/// Reads a page (see [`supported`]); `None` when it has no words.
pub fn read(url: &str, html: &str, stems: &mut StemCache) -> Option<PageRead> {
    let (digest, parsed) = parse(html);
    let language = parsed.language.clone().filter(|l| !l.is_empty())?;
    let stemmer = stemmer(&language);
    let stems = stems.0.entry(language.clone()).or_default();
    let (content, words, anchors, word_count) =
        digest_words(&digest, &parsed.anchor_content, stemmer.as_ref(), stems);
    if words.is_empty() {
        return None;
    }
    let mut filters = parsed.filters;
    for values in filters.values_mut() {
        for v in values.iter_mut() {
            *v = PRIVATE.replace_all(v, "").into_owned();
        }
    }
    let mut meta = parsed.meta;
    for v in meta.values_mut() {
        *v = PRIVATE.replace_all(v, "").into_owned();
    }
    let mut meta_words: HashMap<String, Vec<(u16, u32, Option<String>)>> = HashMap::new();
    for (field, value) in meta.values().enumerate() {
        for (position, word) in value.split_whitespace().enumerate() {
            for w in indexable_words(word, stemmer.as_ref(), stems) {
                meta_words.entry(w.stemmed).or_default().push((
                    field as u16,
                    position as u32,
                    w.original,
                ));
            }
        }
    }
    Some(PageRead {
        language,
        fragment: Fragment {
            url: url.to_string(),
            content,
            word_count,
            filters,
            meta,
            anchors,
        },
        words,
        meta_words,
    })
}

/// The page's text with Pagefind's markers for anchors and weights, and what was gathered.
fn parse(html: &str) -> (String, Parsed) {
    let data = Rc::new(RefCell::new(Parsed::default()));
    let current = Rc::new(RefCell::new(Node::root()));
    let counter = Rc::new(RefCell::new(0usize));
    let (d1, d2, d3, d4) = (data.clone(), data.clone(), data.clone(), data.clone());
    let (c1, c2, c3) = (current.clone(), current.clone(), current.clone());
    let removed: String = REMOVED
        .iter()
        .map(|s| format!("html {s}"))
        .collect::<Vec<_>>()
        .join(", ");
    let handlers = vec![
        element!("html", move |el| {
            if let Some(lang) = el.get_attribute("lang") {
                d1.borrow_mut().language = Some(lang.to_lowercase());
            }
            Ok(())
        }),
        element!("html, html *", move |el| {
            let tag = el.tag_name();
            let status = if el.has_attribute("data-pagefind-body") {
                Status::Body
            } else {
                Status::Indexing
            };
            let filter = el.get_attribute("data-pagefind-filter");
            let id = el
                .get_attribute("id")
                .map(|id| ALL_SPACES.replace_all(&id, "").into_owned());
            let parent = c1.borrow().clone();
            let mut anchor = None;
            if let Some(id) = id {
                let mut p = parent.borrow_mut();
                if !(p.status == Status::ParentOfBody
                    && status != Status::Body
                    && status != Status::ParentOfBody)
                {
                    let mut n = counter.borrow_mut();
                    p.value
                        .push_str(&format!(" ___PAGEFIND_ANCHOR___{tag}:{}:{id} ", *n));
                    anchor = Some(format!("{}:{id}", *n));
                    *n += 1;
                }
            }
            if tag == "br" {
                parent.borrow_mut().value.push(' ');
            }
            let mut anchors = if INLINE.contains(&tag.as_str()) {
                parent.borrow().anchors.clone()
            } else {
                None
            };
            if let Some(a) = anchor {
                anchors.get_or_insert_with(Vec::new).push(a);
            }
            let node = Rc::new(RefCell::new(Node {
                value: String::new(),
                parent: Some(parent.clone()),
                filter,
                anchors,
                status,
            }));
            *c1.borrow_mut() = node.clone();
            let (data, current) = (d2.clone(), c1.clone());
            if let Some(handlers) = el.end_tag_handlers() {
                let end: lol_html::EndTagHandler<'static> = Box::new(move |_end| {
                    close(&node, &data, &current, &tag);
                    Ok(())
                });
                handlers.push(end);
            } else {
                *c1.borrow_mut() = parent;
                // The first image after the title is the page's image.
                let mut data = d2.borrow_mut();
                if tag == "img"
                    && !data.meta.contains_key("auto_image")
                    && (data.meta.contains_key("auto_title") || data.meta.contains_key("title"))
                    && let Some(src) = el.get_attribute("src")
                {
                    data.meta.insert("auto_image".into(), normalize(&src));
                    if let Some(alt) = el.get_attribute("alt") {
                        data.meta.insert("auto_image_alt".into(), normalize(&alt));
                    }
                }
            }
            Ok(())
        }),
        element!(removed.as_str(), move |_el| {
            let node = c2.borrow().clone();
            node.borrow_mut().status = Status::Ignored;
            Ok(())
        }),
        text!("html", move |t| {
            let node = c3.borrow().clone();
            let mut node = node.borrow_mut();
            node.value.push_str(t.as_str());
            if node.status != Status::Ignored
                && let Some(ids) = &node.anchors
            {
                let mut data = d3.borrow_mut();
                for id in ids {
                    data.anchor_content
                        .entry(id.clone())
                        .or_default()
                        .push_str(t.as_str());
                }
            }
            Ok(())
        }),
    ];
    let settings = handlers
        .into_iter()
        .fold(Settings::new().with_strict(false), |settings, handler| {
            settings.append_element_content_handler(handler)
        });
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    let _ = rewriter.write(html.as_bytes());
    let _ = rewriter.end();
    // Elements left open are closed into their parents, as Pagefind does at the end.
    let mut node = current.borrow().clone();
    loop {
        let parent = node.borrow().parent.clone();
        let Some(parent) = parent else { break };
        {
            let n = node.borrow();
            let mut p = parent.borrow_mut();
            if p.status != Status::ParentOfBody {
                match n.status {
                    Status::Ignored => {}
                    Status::Indexing => p.value.push_str(&n.value),
                    Status::Body | Status::ParentOfBody => {
                        p.value.clear();
                        p.value.push_str(&n.value);
                        p.status = Status::ParentOfBody;
                    }
                }
            }
        }
        node = parent;
    }
    drop(d4);
    let mut parsed = std::mem::take(&mut *data.borrow_mut());
    if let Some(image) = parsed.meta.remove("auto_image") {
        let alt = parsed.meta.remove("auto_image_alt").unwrap_or_default();
        if !parsed.meta.contains_key("image") {
            parsed.meta.insert("image".into(), image);
            parsed.meta.insert("image_alt".into(), alt);
        }
    }
    if let Some(title) = parsed.meta.remove("auto_title") {
        parsed.meta.entry("title".into()).or_insert(title);
    }
    if let Some(title) = parsed.meta.remove("auto_page_title") {
        parsed.meta.entry("title".into()).or_insert(title);
    }
    let digest = normalize(&node.borrow().value);
    (digest, parsed)
}

/// An element's end: its filter and title, its text into its parent's.
fn close(
    node: &Rc<RefCell<Node>>,
    data: &Rc<RefCell<Parsed>>,
    current: &Rc<RefCell<Rc<RefCell<Node>>>>,
    tag: &str,
) {
    let mut n = node.borrow_mut();
    let parent = n.parent.clone().expect("an element has a parent");
    *current.borrow_mut() = parent.clone();
    let mut data = data.borrow_mut();
    if let Some(name) = &n.filter
        && !n.value.is_empty()
    {
        let value = normalize(&n.value);
        data.filters.entry(name.clone()).or_default().push(value);
    }
    if tag == "h1" && !data.meta.contains_key("auto_title") && !n.value.trim().is_empty() {
        let title = normalize(&n.value);
        data.meta.insert("auto_title".into(), title);
    }
    if tag == "title" && !data.meta.contains_key("auto_page_title") {
        let title = normalize(&n.value);
        data.meta.insert("auto_page_title".into(), title);
    }
    if n.status == Status::Ignored {
        return;
    }
    if SENTENCE.contains(&tag) {
        n.value.insert(0, ' ');
        if n.value
            .chars()
            .last()
            .is_some_and(|c| SENTENCE_END.is_match(c.encode_utf8(&mut [0; 4])))
        {
            n.value.push('.');
        }
        n.value.push(' ');
    }
    let weight = match tag {
        "h1" => Some("7"),
        "h2" => Some("6"),
        "h3" => Some("5"),
        "h4" => Some("4"),
        "h5" => Some("3"),
        "h6" => Some("2"),
        _ => None,
    };
    if let Some(w) = weight {
        n.value = [
            " ___PAGEFIND_AUTO_WEIGHT___",
            w,
            " ",
            &n.value,
            " ___END_PAGEFIND_WEIGHT___ ",
        ]
        .concat();
    }
    let mut p = parent.borrow_mut();
    if p.status == Status::ParentOfBody
        && n.status != Status::Body
        && n.status != Status::ParentOfBody
    {
        return;
    }
    match n.status {
        Status::Ignored => {}
        Status::Indexing => p.value.push_str(&n.value),
        Status::Body | Status::ParentOfBody => {
            if p.status != Status::ParentOfBody {
                p.value.clear();
            }
            p.value.push_str(&n.value);
            p.status = Status::ParentOfBody;
        }
    }
}

/// Entities decoded, ends trimmed, line breaks and runs of spaces made one space.
fn normalize(s: &str) -> String {
    let s = html_escape::decode_html_entities(s);
    let s = TRIM.replace_all(&s, "");
    let s = NEWLINES.replace_all(&s, " ");
    SPACES.replace_all(&s, " ").into_owned()
}

type Digest = (String, HashMap<String, Vec<Occurrence>>, Vec<Anchor>, usize);

/// The content, the words with their positions and weights, the anchors and the word count.
fn digest_words(
    digest: &str,
    anchor_content: &BTreeMap<String, String>,
    stemmer: Option<&Stemmer>,
    stems: &mut Stems,
) -> Digest {
    const MULTIPLIER: f32 = 24.0;
    let mut words: HashMap<String, Vec<Occurrence>> = HashMap::new();
    let mut anchors = Vec::new();
    let mut content = String::with_capacity(digest.len());
    let mut index: usize = 0;
    let mut max_index = 0;
    let mut weights: Vec<u8> = vec![MULTIPLIER as u8];
    for word in digest.split_whitespace() {
        if word.starts_with('_') {
            if let Some(rest) = word.strip_prefix("___PAGEFIND_ANCHOR___") {
                if let Some((element, anchor)) = rest.split_once(':') {
                    let text = anchor_content
                        .get(anchor)
                        .map(|t| normalize(t))
                        .unwrap_or_default();
                    if let Some((_, id)) = anchor.split_once(':') {
                        anchors.push(Anchor {
                            element: element.to_string(),
                            id: id.to_string(),
                            text: normalize(&text),
                            location: index as u32,
                        });
                    }
                }
                continue;
            }
            if let Some(rest) = word.strip_prefix("___PAGEFIND_AUTO_WEIGHT___") {
                if weights.len() == 1 {
                    let w = rest.parse::<f32>().unwrap_or(1.0);
                    weights.push((w.clamp(0.0, 10.0) * MULTIPLIER) as u8);
                } else {
                    weights.push(weights.last().copied().unwrap_or_default());
                }
                continue;
            }
            if word.starts_with("___END_PAGEFIND_WEIGHT___") {
                weights.pop();
                continue;
            }
        }
        let base = word.replace('\u{200B}', "");
        if base.is_empty() {
            continue;
        }
        content.push_str(&base);
        content.push(' ');
        let weight = *weights.last().unwrap_or(&1);
        let mut found = indexable_words(&base, stemmer, stems);
        let tails = dotted_tails(&base, stemmer, &found);
        found.extend(tails);
        let compound = found.iter().filter(|w| w.compound).count();
        let partial = if compound > 0 && weight > 0 {
            (weight / u8::try_from(compound).unwrap_or(u8::MAX)).max(1)
        } else {
            0
        };
        for w in found {
            words.entry(w.stemmed).or_default().push(Occurrence {
                position: index as u32,
                weight: if w.compound { partial } else { weight },
                original: w.original,
            });
        }
        max_index = index;
        index += 1;
    }
    if content.ends_with(' ') {
        content.pop();
    }
    (content, words, anchors, max_index + 1)
}

/// Stems already computed, per language.
#[derive(Default)]
pub struct StemCache(HashMap<String, Stems>);

type Stems = HashMap<String, String>;

struct Indexable {
    stemmed: String,
    compound: bool,
    original: Option<String>,
}

fn indexable_words(raw: &str, stemmer: Option<&Stemmer>, stems: &mut Stems) -> Vec<Indexable> {
    let mut out = Vec::new();
    let normalized = normalize_word(raw);
    if !normalized.is_empty() {
        out.push(stem_word(&normalized, stemmer, false, Some(stems)));
    }
    for suffix in katakana_suffixes(raw) {
        let plain = strip_diacritics(suffix);
        out.push(Indexable {
            stemmed: plain.clone().unwrap_or_else(|| suffix.to_string()),
            original: plain.map(|_| suffix.to_string()),
            compound: true,
        });
    }
    let possibly_compound =
        raw.chars().any(|c| !c.is_alphanumeric()) || raw.chars().skip(1).any(|c| c.is_uppercase());
    if !possibly_compound {
        return out;
    }
    let (parts, extras) = discrete_words(raw);
    if !normalized.is_empty()
        && (parts.contains(|c: char| c.is_whitespace()) || !normalized.starts_with(&parts))
    {
        for part in parts.split_whitespace().filter(|w| w.len() > 1) {
            let plain = strip_diacritics(part);
            let stemmed = match stemmer {
                Some(s) => s.stem(plain.as_deref().unwrap_or(part)).into_owned(),
                None => plain.clone().unwrap_or_else(|| part.to_string()),
            };
            out.push(Indexable {
                stemmed,
                original: plain.map(|_| part.to_string()),
                compound: true,
            });
        }
    }
    for extra in extras {
        out.push(Indexable {
            stemmed: extra,
            original: None,
            compound: false,
        });
    }
    out
}

fn dotted_tails(raw: &str, stemmer: Option<&Stemmer>, existing: &[Indexable]) -> Vec<Indexable> {
    let mut tails: Vec<Indexable> = Vec::new();
    if !raw.contains('.') {
        return tails;
    }
    for (i, _) in raw.match_indices('.') {
        let rest = &raw[i + 1..];
        let tail = match rest.char_indices().nth(64) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        let compound = tail.chars().any(|c| !c.is_alphanumeric())
            || tail.chars().skip(1).any(|c| c.is_uppercase());
        if !compound {
            continue;
        }
        let normalized = normalize_word(tail);
        if normalized.chars().count() < 2 {
            continue;
        }
        let word = stem_word(&normalized, stemmer, true, None);
        if !existing.iter().any(|w| w.stemmed == word.stemmed)
            && !tails.iter().any(|w| w.stemmed == word.stemmed)
        {
            tails.push(word);
        }
    }
    tails
}

fn normalize_word(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for mut c in raw.chars() {
        if c.is_alphanumeric() || WORD_SYMBOLS.contains(&c) {
            c.make_ascii_lowercase();
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
        }
    }
    out
}

fn stem_word(
    normalized: &str,
    stemmer: Option<&Stemmer>,
    compound: bool,
    stems: Option<&mut Stems>,
) -> Indexable {
    let plain = strip_diacritics(normalized);
    let key = plain.as_deref().unwrap_or(normalized);
    let stemmed = match (stemmer, stems) {
        (Some(s), Some(cache)) => match cache.get(key) {
            Some(stem) => stem.clone(),
            None => {
                let stem = s.stem(key).into_owned();
                cache.insert(key.to_string(), stem.clone());
                stem
            }
        },
        (Some(s), None) => s.stem(key).into_owned(),
        (None, _) => key.to_string(),
    };
    Indexable {
        stemmed,
        original: plain.map(|_| normalized.to_string()),
        compound,
    }
}

fn is_katakana(c: char) -> bool {
    matches!(c as u32, 0x30A1..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
}

fn katakana_suffixes(word: &str) -> Vec<&str> {
    if word.chars().count() < 3 || !word.chars().all(is_katakana) {
        return Vec::new();
    }
    let mut out: Vec<&str> = Vec::new();
    for (i, _) in word.char_indices().skip(1) {
        let rest = &word[i..];
        let suffix = match rest.char_indices().nth(16) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        if suffix.chars().count() >= 2 && !out.contains(&suffix) {
            out.push(suffix);
        }
    }
    out
}

/// The word without its combining marks (kana sound marks kept), when that differs.
fn strip_diacritics(word: &str) -> Option<String> {
    if word.is_ascii() || !has_decomposition(word) {
        return None;
    }
    let stripped: String = word
        .nfd()
        .filter(|c| {
            !unicode_normalization::char::is_combining_mark(*c)
                || matches!(*c, '\u{3099}' | '\u{309A}')
        })
        .collect();
    let out = if stripped
        .chars()
        .any(|c| matches!(c, '\u{3099}' | '\u{309A}'))
    {
        stripped.nfc().collect::<String>()
    } else {
        stripped
    };
    (out != word).then_some(out)
}

fn has_decomposition(word: &str) -> bool {
    word.chars().any(|c| {
        unicode_normalization::char::is_combining_mark(c) || {
            let mut decomposes = false;
            unicode_normalization::char::decompose_canonical(c, |part| {
                decomposes = decomposes || part != c;
            });
            decomposes
        }
    })
}

fn discrete_words(s: &str) -> (String, Vec<String>) {
    let words = s
        .replace(|c: char| c.is_ascii_punctuation(), " ")
        .to_case(Case::Lower)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let extras = if EMOJI.is_match(s) {
        s.graphemes(true)
            .filter(|g| emojis::get(g).is_some())
            .map(str::to_string)
            .collect()
    } else {
        Vec::new()
    };
    (words, extras)
}

fn stemmer(lang: &str) -> Option<Stemmer> {
    let algorithm = match lang.split('-').next().unwrap_or_default() {
        "ar" => Algorithm::Arabic,
        "hy" => Algorithm::Armenian,
        "eu" => Algorithm::Basque,
        "ca" => Algorithm::Catalan,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "eo" => Algorithm::Esperanto,
        "et" => Algorithm::Estonian,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hi" => Algorithm::Hindi,
        "hu" => Algorithm::Hungarian,
        "id" => Algorithm::Indonesian,
        "ga" => Algorithm::Irish,
        "it" => Algorithm::Italian,
        "lt" => Algorithm::Lithuanian,
        "nb" | "nn" | "no" => Algorithm::Norwegian,
        "ne" => Algorithm::Nepali,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sr" => Algorithm::Serbian,
        "pl" => Algorithm::Polish,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        "yi" => Algorithm::Yiddish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}
