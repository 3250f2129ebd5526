//! A small tokenizer for the raw HTML editors may write inside Markdown.
//!
//! The rules only need tag names, attributes and the text between tags, with their offsets;
//! a full HTML parser would also "repair" what the editor wrote, hiding the very mistakes the
//! rules must report.

/// One piece of raw HTML.
#[derive(Debug, PartialEq, Eq)]
pub enum Token<'a> {
    Start(StartTag<'a>),
    End { name: String, offset: usize },
    Text { text: &'a str, offset: usize },
}

#[derive(Debug, PartialEq, Eq)]
pub struct StartTag<'a> {
    /// Lower case.
    pub name: String,
    /// Names in lower case; values as written, without quotes.
    pub attrs: Vec<(String, Option<&'a str>)>,
    pub self_closing: bool,
    pub offset: usize,
}

impl StartTag<'_> {
    /// `Some(value)` when the attribute is present (`Some("")` when it has no value).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.unwrap_or(""))
    }

    /// Elements that never have content or an end tag.
    pub fn is_void(&self) -> bool {
        self.self_closing
            || matches!(
                self.name.as_str(),
                "br" | "hr" | "img" | "wbr" | "source" | "track" | "input" | "meta" | "link"
            )
    }
}

/// Tokens of `html`; offsets are relative to `base` plus the position in `html`.
pub fn tokens(html: &str, base: usize) -> Vec<Token<'_>> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut text_start = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &html[i..];
        let tag_end = if rest.starts_with("<!--") {
            rest.find("-->").map(|e| e + 3).unwrap_or(rest.len())
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            rest.find('>').map(|e| e + 1).unwrap_or(rest.len())
        } else if rest.starts_with("</") && rest[2..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            let end = rest.find('>').map(|e| e + 1).unwrap_or(rest.len());
            push_text(&mut out, html, text_start, i, base);
            out.push(Token::End {
                name: rest[2..end]
                    .trim_end_matches('>')
                    .trim()
                    .to_ascii_lowercase(),
                offset: base + i,
            });
            i += end;
            text_start = i;
            continue;
        } else if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            let (tag, len) = start_tag(rest, base + i);
            push_text(&mut out, html, text_start, i, base);
            out.push(Token::Start(tag));
            i += len;
            text_start = i;
            continue;
        } else {
            i += 1;
            continue;
        };
        // Comments, doctypes and processing instructions carry nothing the rules need.
        push_text(&mut out, html, text_start, i, base);
        i += tag_end;
        text_start = i;
    }
    push_text(&mut out, html, text_start, bytes.len(), base);
    out
}

fn push_text<'a>(out: &mut Vec<Token<'a>>, html: &'a str, from: usize, to: usize, base: usize) {
    if from < to {
        out.push(Token::Text {
            text: &html[from..to],
            offset: base + from,
        });
    }
}

/// Parses `<name attr="v" …>` at the start of `s`; returns the tag and its length in bytes.
fn start_tag(s: &str, offset: usize) -> (StartTag<'_>, usize) {
    let bytes = s.as_bytes();
    let mut i = 1;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    let name = s[1..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        match bytes[i] {
            b'>' => {
                i += 1;
                break;
            }
            b'/' => {
                self_closing = bytes.get(i + 1) == Some(&b'>');
                i += 1;
                continue;
            }
            _ => {}
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i]) {
            i += 1;
        }
        let attr_name = s[name_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = None;
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = s[i + 1..].find(q as char).map_or(s.len(), |e| i + 1 + e);
                    value = Some(&s[i + 1..end]);
                    i = (end + 1).min(s.len());
                }
                _ => {
                    let start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = Some(&s[start..i]);
                }
            }
        }
        if !attr_name.is_empty() {
            attrs.push((attr_name, value));
        }
    }
    (
        StartTag {
            name,
            attrs,
            self_closing,
            offset,
        },
        i,
    )
}

/// The innermost `lang` and `dir` that apply at a point of the body, across the raw HTML
/// events of a whole page (an element opened in one event closes in a later one).
#[derive(Default)]
pub struct LangStack {
    open: Vec<(String, Option<String>)>,
}

impl LangStack {
    pub fn push(&mut self, tag: &StartTag<'_>) {
        if !tag.is_void() {
            self.open
                .push((tag.name.clone(), tag.attr("lang").map(str::to_owned)));
        }
    }

    pub fn pop(&mut self, name: &str) {
        if let Some(i) = self.open.iter().rposition(|(n, _)| n == name) {
            self.open.truncate(i);
        }
    }

    /// The language declared by the innermost element that declares one.
    pub fn lang(&self) -> Option<&str> {
        self.open.iter().rev().find_map(|(_, l)| l.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_tags_attributes_and_text() {
        let t = tokens("a <span lang=\"ar\" dir=rtl>نص</span><br/>", 10);
        assert_eq!(t.len(), 5, "{t:?}");
        let Token::Start(span) = &t[1] else { panic!() };
        assert_eq!(span.name, "span");
        assert_eq!(span.attr("lang"), Some("ar"));
        assert_eq!(span.attr("dir"), Some("rtl"));
        assert_eq!(span.offset, 12);
        assert_eq!(
            t[2],
            Token::Text {
                text: "نص",
                offset: 36
            }
        );
        assert!(matches!(&t[3], Token::End { name, .. } if name == "span"));
        let Token::Start(br) = &t[4] else { panic!() };
        assert!(br.is_void());
    }

    #[test]
    fn skips_comments_and_keeps_bare_angle_brackets_as_text() {
        let t = tokens("<!-- <font> -->x < y", 0);
        assert_eq!(
            t,
            vec![Token::Text {
                text: "x < y",
                offset: 15
            }]
        );
    }

    #[test]
    fn valueless_attributes_are_present() {
        let t = tokens("<video controls autoplay>", 0);
        let Token::Start(v) = &t[0] else { panic!() };
        assert_eq!(v.attr("autoplay"), Some(""));
        assert_eq!(v.attr("muted"), None);
    }

    #[test]
    fn lang_applies_until_its_element_closes() {
        let mut s = LangStack::default();
        let t = tokens("<div lang=\"fr\"><span>", 0);
        for tok in &t {
            if let Token::Start(tag) = tok {
                s.push(tag);
            }
        }
        assert_eq!(s.lang(), Some("fr"));
        s.pop("span");
        assert_eq!(s.lang(), Some("fr"));
        s.pop("div");
        assert_eq!(s.lang(), None);
    }
}
