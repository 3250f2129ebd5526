//! Front matter: splitting it from the body, and the typed keys editors may write.

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};

use crate::diagnostics::{Diagnostic, did_you_mean};

/// Every key a page or section may carry. Kept in step with `schemas/front-matter.schema.json`.
pub const KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "example",
    "tags",
    "weight",
    "aliases",
    "lang",
    "template",
    "sort_by",
    "paginate_by",
    "faq",
    "office",
    "document",
    "event",
    "audience",
    "text_equivalent",
    "captions",
    "transcript",
    "extra",
];

/// Written back (by the reserved area's FAQ export, see [`write_page`]) with the keys that
/// differ from their defaults only.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<Date>,
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated: Option<Date>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub draft: bool,
    /// Invented content that shows what a page will hold: readers see a "contenuto di
    /// esempio" note, and a build for the real address warns about it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub example: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub weight: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Redundant with the file name; when given it must agree with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<SortBy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paginate_by: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faq: Option<Faq>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<Office>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<Document>,
    /// A training session or a meeting (see `events`).
    pub event: Option<Event>,
    /// Who the page is written for; the readability check (C14) applies to the public only.
    #[serde(default, skip_serializing_if = "is_default_audience")]
    pub audience: Audience,
    /// Anchor (`#heading-id`) of the heading under which the text of an image of text is
    /// written out (C3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_equivalent: Option<String>,
    /// Captions file (WebVTT) of the video the page publishes (C12).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captions: Option<String>,
    /// Transcript of the audio or video the page publishes: a file, a page or `#heading-id` (C12).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<String>,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The readers a page is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// Citizens, many of them foreign and still learning Italian: plain language expected.
    #[default]
    Pubblico,
    /// The network's operators, who read technical and legal language daily.
    Operatori,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Weight,
    Date,
    Title,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    pub source: String,
    #[serde(
        default,
        deserialize_with = "opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub validated: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

fn is_default_audience(value: &Audience) -> bool {
    *value == Audience::default()
}

/// A page file: `front` between `---` lines, a blank line, then `body`. What it writes reads
/// back, through [`split`] and [`parse`], as the same front matter.
pub fn write_page(front: &FrontMatter, body: &str) -> Result<String, serde_yaml::Error> {
    let yaml = serde_yaml::to_string(front)?;
    Ok(format!("---\n{yaml}---\n\n{}\n", body.trim_end()))
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    pub kind: String,
    pub owner: String,
    pub area: String,
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub hours: Vec<OpeningHours>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    pub days: Vec<Weekday>,
    pub open: ClockTime,
    pub close: ClockTime,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Lun,
    Mar,
    Mer,
    Gio,
    Ven,
    Sab,
    Dom,
}

impl Weekday {
    pub fn italian(self) -> &'static str {
        match self {
            Weekday::Lun => "lunedì",
            Weekday::Mar => "martedì",
            Weekday::Mer => "mercoledì",
            Weekday::Gio => "giovedì",
            Weekday::Ven => "venerdì",
            Weekday::Sab => "sabato",
            Weekday::Dom => "domenica",
        }
    }

    /// schema.org day name.
    pub fn schema_org(self) -> &'static str {
        match self {
            Weekday::Lun => "Monday",
            Weekday::Mar => "Tuesday",
            Weekday::Mer => "Wednesday",
            Weekday::Gio => "Thursday",
            Weekday::Ven => "Friday",
            Weekday::Sab => "Saturday",
            Weekday::Dom => "Sunday",
        }
    }
}

/// A time of day written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct ClockTime {
    pub minutes: u16,
}

impl From<ClockTime> for String {
    fn from(t: ClockTime) -> String {
        format!("{:02}:{:02}", t.minutes / 60, t.minutes % 60)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let err = || {
            serde::de::Error::custom(format!(
                "orario non valido `{s}`: scrivere HH:MM, per esempio 09:30"
            ))
        };
        let (h, m) = s.split_once(':').ok_or_else(err)?;
        let h: u16 = h.parse().map_err(|_| err())?;
        let m: u16 = m.parse().map_err(|_| err())?;
        if h > 23 || m > 59 || s.len() != 5 {
            return Err(err());
        }
        Ok(ClockTime {
            minutes: h * 60 + m,
        })
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub file: String,
    pub kind: String,
    pub issuer: String,
    #[serde(default)]
    pub number: String,
    pub lang: Option<String>,
}

/// A training session or a meeting of the network.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// One of `events::KINDS`.
    pub kind: String,
    #[serde(default, deserialize_with = "opt_date")]
    pub date: Option<Date>,
    pub place: String,
    /// Who it is for, in words ("operatori degli sportelli").
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub speakers: Vec<String>,
    /// One of `events::STATUSES`.
    pub status: String,
    /// The archive's document pages holding its materials (`documenti/slide-corso`).
    #[serde(default)]
    pub materials: Vec<String>,
}

fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    let s = Option::<String>::deserialize(d)?;
    match s {
        None => Ok(None),
        Some(s) => {
            let valid = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
            match s.parse::<Date>() {
                Ok(date) if valid => Ok(Some(date)),
                _ => Err(serde::de::Error::custom(format!(
                    "data non valida `{s}`: scrivere AAAA-MM-GG, per esempio 2026-05-12"
                ))),
            }
        }
    }
}

/// A file split into its front matter and body.
pub struct Split<'a> {
    pub yaml: &'a str,
    pub body: &'a str,
    /// 1-based line of the first YAML line.
    pub yaml_line: usize,
    /// 1-based line where the body starts.
    pub body_line: usize,
}

/// Separates the `---`-delimited front matter from the Markdown body.
pub fn split(text: &str) -> Result<Split<'_>, (usize, String, String)> {
    let text_nobom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let offset = text.len() - text_nobom.len();
    let mut lines = text_nobom.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err((
            1,
            "manca il front matter all'inizio del file".into(),
            "iniziare il file con una riga `---`, poi le chiavi (almeno `title:`), poi un'altra riga `---`".into(),
        ));
    }
    let yaml_start = offset + first.len();
    let mut pos = yaml_start;
    for (line, l) in (2..).zip(lines) {
        if l.trim_end() == "---" {
            return Ok(Split {
                yaml: &text[yaml_start..pos],
                body: &text[pos + l.len()..],
                yaml_line: 2,
                body_line: line + 1,
            });
        }
        pos += l.len();
    }
    Err((
        1,
        "il front matter non è chiuso".into(),
        "aggiungere una riga `---` dopo l'ultima chiave del front matter".into(),
    ))
}

/// Parses the YAML front matter; every problem is reported with its position in the file.
pub fn parse(
    file: &std::path::Path,
    source: &str,
    split: &Split<'_>,
) -> Result<FrontMatter, Vec<Diagnostic>> {
    let to_file_line = |yaml_line: usize| split.yaml_line + yaml_line.saturating_sub(1);
    let value: serde_yaml::Value = match serde_yaml::from_str(split.yaml) {
        Ok(v) => v,
        Err(e) => return Err(vec![yaml_error(file, source, split.yaml, &e, to_file_line)]),
    };
    let mut diags = Vec::new();
    match &value {
        serde_yaml::Value::Mapping(map) => {
            for key in map.keys() {
                let Some(key) = key.as_str() else { continue };
                if KEYS.contains(&key) {
                    continue;
                }
                let (line, column) = key_position(split.yaml, key)
                    .map(|(l, c)| (to_file_line(l), c))
                    .unwrap_or((split.yaml_line, 1));
                let mut d = Diagnostic::error(
                    file,
                    line,
                    column,
                    format!("chiave sconosciuta `{key}` nel front matter"),
                )
                .with_source(source);
                d = match did_you_mean(key, KEYS.iter().copied()) {
                    Some(s) => d.with_help(format!("forse intendevi `{s}`?")),
                    None => d.with_help(format!("le chiavi ammesse sono: {}", KEYS.join(", "))),
                };
                diags.push(d);
            }
        }
        serde_yaml::Value::Null => {}
        _ => {
            diags.push(
                Diagnostic::error(
                    file,
                    split.yaml_line,
                    1,
                    "il front matter deve essere un elenco di chiavi `nome: valore`",
                )
                .with_source(source),
            );
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let fm: FrontMatter = match serde_yaml::from_str(split.yaml) {
        Ok(fm) => fm,
        Err(e) => return Err(vec![yaml_error(file, source, split.yaml, &e, to_file_line)]),
    };
    Ok(fm)
}

fn yaml_error(
    file: &std::path::Path,
    source: &str,
    yaml: &str,
    e: &serde_yaml::Error,
    to_file_line: impl Fn(usize) -> usize,
) -> Diagnostic {
    let mut msg = e.to_string();
    if let Some(i) = msg.find(" at line ") {
        msg.truncate(i);
    }
    let mut position = e.location().map(|l| (l.line(), l.column()));
    // Errors raised by our own value parsers point at the start of the document:
    // find the offending value, which the message quotes between backticks.
    if matches!(position, None | Some((1, 1)))
        && let Some(value) = msg.split('`').nth(1)
        && let Some(offset) = yaml.find(value)
    {
        position = Some(crate::diagnostics::line_col(yaml, offset));
    }
    let (line, column) = position
        .map(|(l, c)| (to_file_line(l), c))
        .unwrap_or((0, 0));
    let help = if msg.contains("data non valida") || msg.contains("orario non valido") {
        "correggere il valore come indicato"
    } else if msg.contains("unknown variant") {
        "usare uno dei valori indicati"
    } else if msg.contains("unknown field") {
        "togliere la chiave o correggerne il nome"
    } else {
        "controllare l'indentazione e le virgolette: i valori con `:` o `#` vanno tra virgolette"
    };
    Diagnostic::error(
        file,
        line,
        column,
        format!("front matter non valido: {msg}"),
    )
    .with_help(help)
    .with_source(source)
}

/// Line (1-based, within the YAML) and column of a top-level key.
pub fn key_position(yaml: &str, key: &str) -> Option<(usize, usize)> {
    yaml.lines().enumerate().find_map(|(i, l)| {
        let rest = l.strip_prefix(key)?;
        rest.trim_start().starts_with(':').then_some((i + 1, 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse_str(text: &str) -> Result<FrontMatter, Vec<Diagnostic>> {
        let s = split(text).map_err(|(l, m, _)| vec![Diagnostic::error("x.md", l, 1, m)])?;
        parse(Path::new("x.md"), text, &s)
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("---\ntitle: A\n---\n\nCorpo\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "\nCorpo\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn a_written_page_reads_back_with_the_same_keys() {
        let front = FrontMatter {
            title: Some("Serve il certificato: \"B1\"?".into()),
            description: "Una riga # con segni".into(),
            draft: true,
            faq: Some(Faq {
                source: "Prefettura – Ufficio Cittadinanza".into(),
                validated: Some(jiff::civil::date(2026, 10, 15)),
                report: None,
            }),
            ..FrontMatter::default()
        };
        let text = write_page(&front, "Il corpo.\n\n").unwrap();
        assert!(!text.contains("report"), "{text}");
        assert!(!text.contains("weight"), "{text}");
        let split = split(&text).unwrap();
        assert_eq!(split.body, "\nIl corpo.\n");
        let back = parse(Path::new("x.md"), &text, &split).unwrap();
        assert_eq!(back.title, front.title);
        assert_eq!(back.description, front.description);
        assert!(back.draft);
        let faq = back.faq.unwrap();
        assert_eq!(faq.source, "Prefettura – Ufficio Cittadinanza");
        assert_eq!(faq.validated, Some(jiff::civil::date(2026, 10, 15)));
    }

    #[test]
    fn reports_unknown_key_with_line_and_suggestion() {
        let err = parse_str("---\ntitle: A\nupdatd: 2026-01-01\n---\n").unwrap_err();
        assert_eq!(err[0].line, 3);
        assert_eq!(err[0].help.as_deref(), Some("forse intendevi `updated`?"));
    }

    #[test]
    fn rejects_malformed_dates_with_position() {
        let err = parse_str("---\ntitle: A\ndate: 2026-13-40\n---\n").unwrap_err();
        assert_eq!(err[0].line, 3, "{}", err[0]);
        assert!(err[0].message.contains("data non valida"), "{}", err[0]);
    }

    #[test]
    fn reads_office_hours() {
        let fm = parse_str(
            "---\ntitle: A\noffice:\n  kind: sportello\n  owner: Comune\n  area: cuneo\n  address: Via 1\n  hours:\n    - { days: [lun, mer], open: \"09:00\", close: \"12:30\" }\n---\n",
        )
        .unwrap();
        let office = fm.office.unwrap();
        assert_eq!(office.hours[0].days, vec![Weekday::Lun, Weekday::Mer]);
        assert_eq!(office.hours[0].close.minutes, 12 * 60 + 30);
    }

    #[test]
    fn rejects_bad_clock_time() {
        let err = parse_str(
            "---\ntitle: A\noffice:\n  kind: s\n  owner: C\n  area: a\n  address: V\n  hours:\n    - { days: [lun], open: \"9\", close: \"12:30\" }\n---\n",
        )
        .unwrap_err();
        assert!(err[0].message.contains("orario non valido"), "{}", err[0]);
        assert_eq!(err[0].line, 9);
    }
}
