//! C9: passages in another script carry `lang` (and `dir="rtl"` for right-to-left languages).
//!
//! Screen readers pick voice and pronunciation from `lang`: Arabic or Cyrillic read with the
//! Italian voice is noise. A run of letters whose script is neither Latin nor the page's own is
//! an error unless an enclosing raw HTML element declares `lang`. Latin runs are always
//! accepted: Italian names and addresses appear in every translation.

use pulldown_cmark::{Event, Tag, TagEnd};
use unicode_script::{Script, UnicodeScript};

use crate::context::PageContext;
use crate::html::{LangStack, Token, tokens};
use respi_sources::diagnostics::Diagnostic;

/// Languages written right to left.
const RTL: &[&str] = &[
    "ar", "fa", "ur", "ps", "sd", "ug", "ckb", "he", "yi", "dv", "syr",
];

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    let page_lang = primary(&ctx.page.lang);
    let own = scripts_of(&page_lang);
    let page_rtl = RTL.contains(&page_lang.as_str());
    let body = ctx.body();
    let mut stack = LangStack::default();
    let mut in_code_block = false;
    for (event, range) in &ctx.events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Html(html) | Event::InlineHtml(html) => {
                for token in tokens(html, range.start) {
                    match token {
                        Token::Start(tag) => {
                            if let Some(lang) = tag.attr("lang")
                                && RTL.contains(&primary(lang).as_str())
                                && !page_rtl
                                && tag.attr("dir") != Some("rtl")
                            {
                                out.push(
                                    ctx.error("C9", tag.offset, format!("`lang=\"{lang}\"` indica una lingua che si scrive da destra a sinistra, ma manca `dir=\"rtl\"`"))
                                        .with_help(format!("scrivere `<{} lang=\"{lang}\" dir=\"rtl\">`", tag.name)),
                                );
                            }
                            stack.push(&tag);
                        }
                        Token::End { name, .. } => stack.pop(&name),
                        Token::Text { text, offset } if stack.lang().is_none() => {
                            report_runs(ctx, text, offset, true, &own, out);
                        }
                        Token::Text { .. } => {}
                    }
                }
            }
            Event::Text(t) if !in_code_block && stack.lang().is_none() => {
                // Escapes and entities make the text differ from the source: then point at its start.
                let exact = body.get(range.clone()) == Some(t.as_ref());
                report_runs(ctx, t, range.start, exact, &own, out);
            }
            _ => {}
        }
    }
}

/// One error per run of foreign script in `text`, which starts at `offset` in the body; when
/// it is not `exact`ly the source text, every error points at that start.
fn report_runs(
    ctx: &PageContext<'_>,
    text: &str,
    offset: usize,
    exact: bool,
    own: &[Script],
    out: &mut Vec<Diagnostic>,
) {
    for (at, script, excerpt) in foreign_runs(text, own) {
        let (name, code) = describe(script);
        let dir = if RTL.contains(&code) {
            " dir=\"rtl\""
        } else {
            ""
        };
        let place = if exact { offset + at } else { offset };
        out.push(
            ctx.error("C9", place, format!("testo in alfabeto {name} («{excerpt}») senza l'indicazione della lingua"))
                .with_help(format!("racchiuderlo in `<span lang=\"{code}\"{dir}>…</span>` (o in un `<div lang=\"{code}\"{dir}>` per interi paragrafi), con il codice della lingua giusta: il lettore di schermo cambia così voce e pronuncia")),
        );
    }
}

/// (byte offset, script, first characters) of each run of letters in a script that is neither
/// Latin nor one of `own`. Punctuation, digits and spaces belong to no script and do not split runs.
fn foreign_runs(text: &str, own: &[Script]) -> Vec<(usize, Script, String)> {
    let mut runs: Vec<(usize, Script, String)> = Vec::new();
    let mut current: Option<(usize, Script, usize)> = None;
    let mut finish = |run: Option<(usize, Script, usize)>, end: usize| {
        if let Some((start, script, letters)) = run
            // A lone Greek letter is a symbol (α, π, Δ), not a passage in Greek.
            && !(script == Script::Greek && letters == 1)
        {
            let excerpt: String = text[start..end].trim_end().chars().take(30).collect();
            runs.push((start, script, excerpt));
        }
    };
    for (i, c) in text.char_indices() {
        // Below U+0250 every letter is Latin and the rest belongs to no script: the common
        // case, answered without a table look-up.
        if c < '\u{250}' {
            if c.is_alphabetic() && current.is_some() {
                finish(current.take(), i);
            }
            continue;
        }
        let script = c.script();
        if matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
            continue;
        }
        let foreign = script != Script::Latin && !own.contains(&script);
        match current {
            Some((start, s, n)) if s == script => current = Some((start, s, n + 1)),
            _ => {
                finish(current.take(), i);
                if foreign {
                    current = Some((i, script, 1));
                }
            }
        }
    }
    finish(current, text.len());
    runs
}

fn primary(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or(lang)
        .to_ascii_lowercase()
}

/// The scripts a language is normally written in, besides Latin.
fn scripts_of(primary: &str) -> Vec<Script> {
    match primary {
        "ar" | "fa" | "ur" | "ps" | "sd" | "ug" | "ckb" => vec![Script::Arabic],
        "he" | "yi" => vec![Script::Hebrew],
        "ru" | "uk" | "bg" | "sr" | "mk" | "be" | "kk" | "ky" | "mn" | "tg" => {
            vec![Script::Cyrillic]
        }
        "zh" => vec![Script::Han],
        "ja" => vec![Script::Han, Script::Hiragana, Script::Katakana],
        "ko" => vec![Script::Hangul, Script::Han],
        "ti" | "am" => vec![Script::Ethiopic],
        "hi" | "mr" | "ne" => vec![Script::Devanagari],
        "bn" => vec![Script::Bengali],
        "pa" => vec![Script::Gurmukhi],
        "el" => vec![Script::Greek],
        "ta" => vec![Script::Tamil],
        "th" => vec![Script::Thai],
        "hy" => vec![Script::Armenian],
        "ka" => vec![Script::Georgian],
        "si" => vec![Script::Sinhala],
        "dv" => vec![Script::Thaana],
        _ => vec![],
    }
}

/// The script's name in Italian and the most likely language code to suggest.
fn describe(script: Script) -> (String, &'static str) {
    let (name, code) = match script {
        Script::Arabic => ("arabo", "ar"),
        Script::Hebrew => ("ebraico", "he"),
        Script::Cyrillic => ("cirillico", "ru"),
        Script::Han => ("cinese", "zh"),
        Script::Hiragana | Script::Katakana => ("giapponese", "ja"),
        Script::Hangul => ("coreano", "ko"),
        Script::Ethiopic => ("etiopico", "ti"),
        Script::Devanagari => ("devanagari", "hi"),
        Script::Bengali => ("bengalese", "bn"),
        Script::Gurmukhi => ("gurmukhi", "pa"),
        Script::Greek => ("greco", "el"),
        Script::Tamil => ("tamil", "ta"),
        Script::Thai => ("thailandese", "th"),
        Script::Armenian => ("armeno", "hy"),
        Script::Georgian => ("georgiano", "ka"),
        Script::Sinhala => ("singalese", "si"),
        Script::Thaana => ("thaana", "dv"),
        other => return (other.full_name().to_string(), "…"),
    };
    (name.to_string(), code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::lint_body;

    #[test]
    fn arabic_without_lang_on_an_italian_page_is_an_error() {
        let d = lint_body("C9", "Benvenuti, أهلا وسهلا a tutti.\n", "it");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("arabo"));
        assert!(d[0].message.contains("أهلا وسهلا"), "{}", d[0]);
        assert_eq!((d[0].line, d[0].column), (6, 12), "{}", d[0]);
        assert!(d[0].help.as_deref().unwrap().contains("dir=\"rtl\""));
    }

    #[test]
    fn lang_span_with_dir_passes() {
        let body = "Benvenuti, <span lang=\"ar\" dir=\"rtl\">أهلا وسهلا</span> a tutti.\n";
        assert!(lint_body("C9", body, "it").is_empty());
        let block = "<div lang=\"uk\">\n\nЛаскаво просимо до мережі.\n\n</div>\n";
        assert!(lint_body("C9", block, "it").is_empty());
        let html_block = "<p lang=\"zh\">欢迎</p>\n";
        assert!(lint_body("C9", html_block, "it").is_empty());
    }

    #[test]
    fn rtl_lang_without_dir_is_an_error() {
        let d = lint_body("C9", "Ciao <span lang=\"ar\">أهلا</span>.\n", "it");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("dir=\"rtl\""));
    }

    #[test]
    fn pages_in_their_own_script_pass() {
        let body = "مرحبا بكم في شبكة المكاتب <span lang=\"it\" dir=\"ltr\">(Provincia di Cuneo)</span> ReSPI.\n";
        assert!(lint_body("C9", body, "ar").is_empty());
        let d = lint_body("C9", "مرحبا Привет\n", "ar");
        assert_eq!(d.len(), 1, "Cyrillic on an Arabic page: {d:?}");
    }

    #[test]
    fn code_and_greek_symbols_are_not_passages() {
        assert!(lint_body("C9", "Il valore π e `مرحبا`.\n\n```\nПривет\n```\n", "it").is_empty());
        assert_eq!(lint_body("C9", "La parola ελευθερία.\n", "it").len(), 1);
    }

    #[test]
    fn runs_are_split_by_script_not_by_spaces() {
        let runs = foreign_runs("a مرحبا بكم b 你好", &[]);
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].1, Script::Arabic);
        assert_eq!(runs[0].2, "مرحبا بكم");
        assert_eq!(runs[1].1, Script::Han);
    }
}
