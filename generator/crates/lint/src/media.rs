//! C12: a page that publishes audio or video names its captions and transcript in the front matter.
//!
//! Published means a media file under `content/` linked or embedded, an `<audio>`/`<video>`
//! element, or a player from a video site in an `<iframe>`. Video needs `captions:` (a WebVTT
//! file) and `transcript:`; audio needs `transcript:` (WCAG 1.2.1–1.2.5).

use pulldown_cmark::{Event, Tag};

use crate::context::PageContext;
use crate::html::{Token, tokens};
use respi_sources::diagnostics::Diagnostic;

const VIDEO_EXTENSIONS: &[&str] = &["mp4", "webm", "ogv", "mov", "m4v", "avi", "mkv"];
const AUDIO_EXTENSIONS: &[&str] = &["mp3", "ogg", "oga", "m4a", "wav", "aac", "flac", "opus"];
const VIDEO_HOSTS: &[&str] = &[
    "youtube.com",
    "youtube-nocookie.com",
    "youtu.be",
    "vimeo.com",
    "dailymotion.com",
];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Media {
    Audio,
    Video,
}

pub fn check(ctx: &PageContext<'_>, out: &mut Vec<Diagnostic>) {
    let fm = &ctx.page.fm;
    let mut found: Option<(Media, usize)> = None;
    let mut note = |media: Media, offset: usize| {
        found = Some(match found {
            Some((m, o)) => (m.max(media), o),
            None => (media, offset),
        });
    };
    for (event, range) in &ctx.events {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                if ctx.content_path(dest_url).is_some()
                    && let Some(media) = media_of_file(dest_url)
                {
                    note(media, range.start);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for token in tokens(html, range.start) {
                    let Token::Start(tag) = token else { continue };
                    let media = match tag.name.as_str() {
                        "video" => Some(Media::Video),
                        "audio" => Some(Media::Audio),
                        "iframe" => tag
                            .attr("src")
                            .filter(|src| VIDEO_HOSTS.iter().any(|h| src.contains(h)))
                            .map(|_| Media::Video),
                        _ => None,
                    };
                    if let Some(media) = media {
                        note(media, tag.offset);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some((media, offset)) = found {
        if media == Media::Video && fm.captions.is_none() {
            out.push(
                ctx.error("C12", offset, "video senza sottotitoli: manca `captions:` nel front matter")
                    .with_help("mettere accanto alla pagina il file dei sottotitoli in formato WebVTT e indicarlo nel front matter, per esempio `captions: video.vtt`"),
            );
        }
        if fm.transcript.is_none() {
            let what = if media == Media::Video {
                "video"
            } else {
                "audio"
            };
            out.push(
                ctx.error("C12", offset, format!("{what} senza trascrizione: manca `transcript:` nel front matter"))
                    .with_help("scrivere la trascrizione sotto un titolo della pagina (`transcript: \"#trascrizione\"`) o in un file accanto alla pagina (`transcript: trascrizione.md`)"),
            );
        }
    }
    if let Some(captions) = &fm.captions {
        check_reference(ctx, "captions", captions, false, out);
    }
    if let Some(transcript) = &fm.transcript {
        check_reference(ctx, "transcript", transcript, true, out);
    }
}

fn media_of_file(dest: &str) -> Option<Media> {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    if VIDEO_EXTENSIONS.contains(&ext.as_str()) {
        Some(Media::Video)
    } else if AUDIO_EXTENSIONS.contains(&ext.as_str()) {
        Some(Media::Audio)
    } else {
        None
    }
}

/// The file (or, when `anchor_ok`, the `#heading`) a front-matter key names must exist.
fn check_reference(
    ctx: &PageContext<'_>,
    key: &str,
    value: &str,
    anchor_ok: bool,
    out: &mut Vec<Diagnostic>,
) {
    let exists = match value.strip_prefix('#') {
        Some(id) if anchor_ok => ctx.heading_ids().contains(id),
        Some(_) => false,
        None => ctx
            .content_path(value)
            .is_some_and(|rel| ctx.content_file(&rel).is_file()),
    };
    if !exists {
        let what = if value.starts_with('#') && anchor_ok {
            "nessun titolo della pagina ha questa ancora"
        } else {
            "il file non esiste in content/"
        };
        out.push(
            ctx.error_at("C12", ctx.key_line(key), 1, format!("`{key}: {value}`: {what}"))
                .with_help("il percorso è relativo alla pagina (o, se inizia con `/`, a content/); le ancore sono il testo del titolo in minuscolo con i trattini, precedute da `#`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{FRONT, lint_body, lint_source};

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        for f in ["video.mp4", "video.vtt", "audio.mp3"] {
            std::fs::write(dir.path().join("content").join(f), b"x").unwrap();
        }
        dir
    }

    #[test]
    fn video_needs_captions_and_transcript() {
        let dir = site();
        let src = format!("{FRONT}Guarda il [video di presentazione](video.mp4).\n");
        let d = lint_source("C12", &src, "it", dir.path());
        assert_eq!(d.len(), 2, "{d:?}");
        let with = FRONT.replace(
            "updated:",
            "captions: video.vtt\ntranscript: \"#trascrizione\"\nupdated:",
        );
        let ok = format!(
            "{with}Guarda il [video di presentazione](video.mp4).\n\n## Trascrizione\n\nTesto.\n"
        );
        assert!(lint_source("C12", &ok, "it", dir.path()).is_empty());
    }

    #[test]
    fn audio_needs_a_transcript_only() {
        let dir = site();
        let src = format!("{FRONT}<audio controls src=\"audio.mp3\"></audio>\n");
        let d = lint_source("C12", &src, "it", dir.path());
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("trascrizione"));
    }

    #[test]
    fn embedded_players_are_video() {
        let d = lint_body(
            "C12",
            "<iframe title=\"Presentazione\" src=\"https://www.youtube-nocookie.com/embed/x\"></iframe>\n",
            "it",
        );
        assert_eq!(d.len(), 2, "{d:?}");
    }

    #[test]
    fn named_files_must_exist() {
        let dir = site();
        let with = FRONT.replace(
            "updated:",
            "captions: assente.vtt\ntranscript: \"#manca\"\nupdated:",
        );
        let src = format!("{with}Testo.\n");
        let d = lint_source("C12", &src, "it", dir.path());
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].line, 4);
    }
}
