//! A page's HTML read as Pagefind's indexer reads it: the text of the element marked
//! `data-pagefind-body`, with markers for its anchors and for the weights of its headings; its
//! filters, title, image and language.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::LazyLock;

use lol_html::{HtmlRewriter, Settings, element, text};
use regex::Regex;

static NEWLINES: LazyLock<Regex> = LazyLock::new(|| Regex::new("(\n|\r\n)+").unwrap());
static TRIM: LazyLock<Regex> = LazyLock::new(|| Regex::new("^[\n\r\\s]+|[\n\r\\s]+$").unwrap());
static SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\s{2,}").unwrap());
static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| Regex::new("[\\w'\"\\)\\$\\*]").unwrap());
static ALL_SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new("\\s").unwrap());

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
pub(crate) struct Parsed {
    pub filters: BTreeMap<String, Vec<String>>,
    pub meta: BTreeMap<String, String>,
    pub anchor_content: BTreeMap<String, String>,
    pub language: Option<String>,
}

/// The element being read: the innermost open one.
type Current = Rc<RefCell<Rc<RefCell<Node>>>>;

/// The page's text with Pagefind's markers for anchors and weights, and what was gathered.
pub(crate) fn parse(html: &str) -> (String, Parsed) {
    let data = Rc::new(RefCell::new(Parsed::default()));
    let current: Current = Rc::new(RefCell::new(Node::root()));
    let counter = Rc::new(RefCell::new(0usize));
    let (d1, d2, d3) = (data.clone(), data.clone(), data.clone());
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
            open(el, &d2, &c1, &counter);
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
    let root = close_open_elements(&current);
    let mut parsed = std::mem::take(&mut *data.borrow_mut());
    settle_meta(&mut parsed);
    let digest = normalize(&root.borrow().value);
    (digest, parsed)
}

/// An element's start: its anchor (an `id`) marked in its parent's text, and a node of its own
/// that its end closes; an element without content (`img`, `br`) is closed at once, and the
/// first image after the title is the page's image.
fn open(
    el: &mut lol_html::html_content::Element<'_, '_>,
    data: &Rc<RefCell<Parsed>>,
    current: &Current,
    counter: &Rc<RefCell<usize>>,
) {
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
    let parent = current.borrow().clone();
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
    *current.borrow_mut() = node.clone();
    let (data, current) = (data.clone(), current.clone());
    if let Some(handlers) = el.end_tag_handlers() {
        let end: lol_html::EndTagHandler<'static> = Box::new(move |_end| {
            close(&node, &data, &current, &tag);
            Ok(())
        });
        handlers.push(end);
    } else {
        *current.borrow_mut() = parent;
        let mut data = data.borrow_mut();
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
}

/// Elements left open are closed into their parents, as Pagefind does at the end; returns the
/// root.
fn close_open_elements(current: &Current) -> Rc<RefCell<Node>> {
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
    node
}

/// The page's image and title: the ones found in the page, unless it declares its own.
fn settle_meta(parsed: &mut Parsed) {
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
}

/// An element's end: its filter and title, its text into its parent's.
fn close(node: &Rc<RefCell<Node>>, data: &Rc<RefCell<Parsed>>, current: &Current, tag: &str) {
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
pub(crate) fn normalize(s: &str) -> String {
    let s = html_escape::decode_html_entities(s);
    let s = TRIM.replace_all(&s, "");
    let s = NEWLINES.replace_all(&s, " ");
    SPACES.replace_all(&s, " ").into_owned()
}
