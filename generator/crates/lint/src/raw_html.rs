//! C11: raw HTML in Markdown is limited to an allow-list of elements and attributes.
//!
//! Markdown covers almost everything; raw HTML is for what it cannot say (the language of a
//! passage, an abbreviation's expansion, a line break, an embedded player). Anything else
//! bypasses the theme and the other rules: inline colours, `<font>`, players that start on
//! their own, frames without a name, videos without captions.

use pulldown_cmark::Event;

use crate::context::PageContext;
use crate::html::{StartTag, Token, tokens};
use respi_sources::diagnostics::Diagnostic;

/// Attributes every allowed element may carry.
const GLOBAL_ATTRIBUTES: &[&str] = &["lang", "dir", "id"];

/// Allowed elements and their own attributes.
const ALLOWED: &[(&str, &[&str])] = &[
    ("span", &[]),
    ("div", &[]),
    ("p", &[]),
    ("bdi", &[]),
    ("bdo", &[]),
    ("abbr", &["title"]),
    ("dfn", &["title"]),
    ("q", &["cite"]),
    ("cite", &[]),
    ("blockquote", &["cite"]),
    ("br", &[]),
    ("wbr", &[]),
    ("sup", &[]),
    ("sub", &[]),
    ("small", &[]),
    ("kbd", &[]),
    ("em", &[]),
    ("strong", &[]),
    ("mark", &[]),
    ("s", &[]),
    ("del", &["datetime"]),
    ("ins", &["datetime"]),
    ("time", &["datetime"]),
    ("a", &["href", "hreflang", "title"]),
    ("details", &["open"]),
    ("summary", &[]),
    ("figure", &[]),
    ("figcaption", &[]),
    (
        "iframe",
        &[
            "src",
            "title",
            "width",
            "height",
            "loading",
            "allow",
            "allowfullscreen",
            "referrerpolicy",
        ],
    ),
    (
        "video",
        &[
            "src",
            "controls",
            "poster",
            "width",
            "height",
            "preload",
            "muted",
            "playsinline",
        ],
    ),
    ("audio", &["src", "controls", "preload"]),
    ("source", &["src", "type"]),
    ("track", &["kind", "src", "srclang", "label", "default"]),
];

/// Elements that only change the look, which belongs to the theme.
const PRESENTATIONAL: &[&str] = &[
    "font", "center", "marquee", "blink", "u", "big", "tt", "strike",
];

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    // The video being read and whether it has a captions track yet.
    let mut open_video: Option<(usize, bool)> = None;
    for (event, range) in &ctx.events {
        let (Event::Html(html) | Event::InlineHtml(html)) = event else {
            continue;
        };
        for token in tokens(html, range.start) {
            match token {
                Token::Start(tag) => {
                    if tag.name == "video" {
                        open_video = Some((tag.offset, false));
                    }
                    if tag.name == "track"
                        && tag.attr("kind") == Some("captions")
                        && let Some((_, captions)) = open_video.as_mut()
                    {
                        *captions = true;
                    }
                    if let Some((message, help)) = problem(&tag) {
                        out.push(ctx.error("C11", tag.offset, message).with_help(help));
                    }
                }
                Token::End { name, .. } if name == "video" => {
                    report_video(ctx, open_video.take(), out);
                }
                _ => {}
            }
        }
    }
    report_video(ctx, open_video, out);
}

fn report_video(ctx: &PageContext<'_>, video: Option<(usize, bool)>, out: &mut Vec<Diagnostic>) {
    if let Some((offset, false)) = video {
        out.push(
            ctx.error("C11", offset, "video senza sottotitoli: manca `<track kind=\"captions\">`")
                .with_help("aggiungere dentro `<video>` la riga `<track kind=\"captions\" src=\"video.vtt\" srclang=\"it\" label=\"Italiano\">` con il file dei sottotitoli WebVTT"),
        );
    }
}

/// What is wrong with a start tag, as (message, help).
fn problem(tag: &StartTag<'_>) -> Option<(String, String)> {
    let name = tag.name.as_str();
    if tag.attr("style").is_some() {
        return Some((
            format!("stile scritto a mano (`style=`) in `<{name}>`"),
            "togliere `style=`: colori e caratteri li decide il tema, e un'informazione non può essere data solo dal colore; per mettere in evidenza usare **grassetto**".into(),
        ));
    }
    if tag.attr("autoplay").is_some() {
        return Some((
            format!("`<{name}>` parte da solo (`autoplay`)"),
            "togliere `autoplay`: l'audio che parte da solo copre la voce del lettore di schermo; lasciare `controls` perché lo avvii chi legge".into(),
        ));
    }
    if let Some((attr, _)) = tag.attrs.iter().find(|(a, _)| a.starts_with("on")) {
        return Some((
            format!("script nel contenuto (`{attr}=`)"),
            "togliere l'attributo: il contenuto non può eseguire codice".into(),
        ));
    }
    if PRESENTATIONAL.contains(&name) {
        return Some((
            format!("elemento di sola presentazione `<{name}>`"),
            "toglierlo: l'aspetto del testo lo decide il tema; per dare importanza usare **grassetto**, per i titoli `##`".into(),
        ));
    }
    if name == "img" {
        return Some((
            "immagine scritta in HTML".into(),
            "usare la sintassi Markdown `![testo alternativo](file.jpg)`, che il generatore controlla".into(),
        ));
    }
    let Some((_, own)) = ALLOWED.iter().find(|(n, _)| *n == name) else {
        return Some((
            format!("elemento HTML `<{name}>` non ammesso nel contenuto"),
            format!(
                "usare la sintassi Markdown; in HTML sono ammessi solo: {}",
                ALLOWED
                    .iter()
                    .map(|(n, _)| format!("<{n}>"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    if let Some((attr, _)) = tag
        .attrs
        .iter()
        .find(|(a, _)| !GLOBAL_ATTRIBUTES.contains(&a.as_str()) && !own.contains(&a.as_str()))
    {
        let mut allowed: Vec<&str> = GLOBAL_ATTRIBUTES.to_vec();
        allowed.extend_from_slice(own);
        return Some((
            format!("attributo `{attr}` non ammesso in `<{name}>`"),
            format!(
                "togliere `{attr}`; in `<{name}>` sono ammessi: {}",
                allowed.join(", ")
            ),
        ));
    }
    if name == "iframe" && tag.attr("title").is_none_or(|t| t.trim().is_empty()) {
        return Some((
            "`<iframe>` senza `title`".into(),
            "aggiungere `title=\"…\"` che dica che cosa contiene il riquadro, per esempio `title=\"Mappa dello sportello di Cuneo\"`".into(),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::testing::lint_body;

    #[test]
    fn allowed_markup_passes() {
        for body in [
            "Il <abbr title=\"Servizio sanitario nazionale\">SSN</abbr>.\n",
            "Riga<br>\nriga.\n",
            "<span lang=\"fr\">bonjour</span>, m<sup>2</sup>.\n",
            "<!-- nota per la redazione -->\n",
            "<iframe title=\"Mappa dello sportello\" src=\"https://example.org/m\"></iframe>\n",
            "<video controls src=\"v.mp4\">\n<track kind=\"captions\" src=\"v.vtt\" srclang=\"it\">\n</video>\n",
        ] {
            let d = lint_body("C11", body, "it");
            assert!(d.is_empty(), "{body}: {d:?}");
        }
    }

    #[test]
    fn presentational_and_unsafe_markup_is_rejected() {
        for (body, expected) in [
            ("<span style=\"color:red\">urgente</span>\n", "style="),
            ("<font color=\"red\">urgente</font>\n", "<font>"),
            (
                "<iframe src=\"https://example.org/m\"></iframe>\n",
                "senza `title`",
            ),
            (
                "<audio controls autoplay src=\"a.mp3\"></audio>\n",
                "autoplay",
            ),
            ("<video controls src=\"v.mp4\"></video>\n", "sottotitoli"),
            ("<form action=\"/invia\">\n", "<form>"),
            ("<span class=\"rosso\">x</span>\n", "`class`"),
            (
                "<img src=\"a.png\" alt=\"x\">\n",
                "immagine scritta in HTML",
            ),
            ("<p onclick=\"x()\">x</p>\n", "onclick"),
        ] {
            let d = lint_body("C11", body, "it");
            assert_eq!(d.len(), 1, "{body}: {d:?}");
            assert!(d[0].message.contains(expected), "{body}: {}", d[0]);
            assert!(d[0].is_error());
        }
    }

    #[test]
    fn video_without_end_tag_is_still_checked() {
        assert_eq!(
            lint_body("C11", "<video controls src=\"v.mp4\">\n", "it").len(),
            1
        );
    }
}
