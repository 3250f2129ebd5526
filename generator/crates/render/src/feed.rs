//! The Atom feed of the news section, in each language that has news.

use crate::dates;
use crate::inputs::Inputs;
use respi_markdown::escape_html as xml_escape;

/// The Atom feed of the news section in one language, or None when it has no entries.
pub fn atom_feed(r: &Inputs<'_>, lang: &str) -> Option<(String, String)> {
    let lib = r.library;
    let section = &r.config.feed.section;
    let mut entries = lib.pages_under(section, lang);
    if entries.is_empty() {
        return None;
    }
    entries.sort_by(|&a, &b| {
        let da = lib.pages[a].fm.date.or(lib.pages[a].fm.updated);
        let db = lib.pages[b].fm.date.or(lib.pages[b].fm.updated);
        db.cmp(&da)
    });
    entries.truncate(r.config.feed.limit.max(1));
    let prefix = if lang == r.config.default_language {
        String::new()
    } else {
        format!("{lang}/")
    };
    let path = format!("{prefix}atom.xml");
    let section_page = lib.section(section, lang).map(|s| &lib.pages[s]);
    let title = match section_page {
        Some(s) => format!("{} – {}", s.title, r.config.short_title),
        None => r.config.title.clone(),
    };
    let newest = entries
        .iter()
        .filter_map(|&id| lib.pages[id].fm.updated.or(lib.pages[id].fm.date))
        .max()
        .map(dates::rfc3339)
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <updated>{newest}</updated>\n  <author><name>{}</name></author>\n",
        xml_escape(&title),
        xml_escape(&r.permalink(&path)),
        xml_escape(&r.permalink(&path)),
        xml_escape(&r.permalink(&section_page.map(|s| s.path.clone()).unwrap_or_default())),
        xml_escape(&r.config.owner),
    );
    for id in entries {
        let p = &lib.pages[id];
        let published =
            p.fm.date
                .or(p.fm.updated)
                .map(dates::rfc3339)
                .unwrap_or_else(|| newest.clone());
        let updated =
            p.fm.updated
                .or(p.fm.date)
                .map(dates::rfc3339)
                .unwrap_or_else(|| newest.clone());
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <id>{}</id>\n    <published>{published}</published>\n    <updated>{updated}</updated>\n    <summary>{}</summary>\n    <content type=\"html\">{}</content>\n  </entry>\n",
            xml_escape(&p.title),
            xml_escape(&r.permalink(&p.path)),
            xml_escape(&r.permalink(&p.path)),
            xml_escape(&p.fm.description),
            xml_escape(&r.rendered[id].html),
        ));
    }
    out.push_str("</feed>\n");
    Some((path, out))
}
