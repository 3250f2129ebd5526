//! What search engines and feed readers read: JSON-LD, sitemap.xml, robots.txt, Atom feeds.

use serde_json::{Value, json};

use crate::Renderer;
use crate::dates;
use respi_sources::library::PageId;

pub fn og_locale(lang: &str) -> &'static str {
    match lang {
        "it" => "it_IT",
        "en" => "en_GB",
        "fr" => "fr_FR",
        "ar" => "ar_AR",
        "es" => "es_ES",
        "de" => "de_DE",
        _ => "it_IT",
    }
}

/// JSON for a `<script type="application/ld+json">` block: `</` cannot close the script early.
fn script_safe(v: &Value) -> String {
    serde_json::to_string(v)
        .expect("json values serialise")
        .replace("</", "<\\/")
}

fn breadcrumb_list(crumbs: &[(String, String)], r: &Renderer<'_>) -> Value {
    json!({
        "@type": "BreadcrumbList",
        "itemListElement": crumbs.iter().enumerate().map(|(i, (title, url))| json!({
            "@type": "ListItem",
            "position": i + 1,
            "name": title,
            "item": absolute(r, url),
        })).collect::<Vec<_>>(),
    })
}

/// Turns a base-path URL into an absolute one.
fn absolute(r: &Renderer<'_>, url: &str) -> String {
    let base_path = r.url("");
    r.permalink(url.strip_prefix(&base_path).unwrap_or(url))
}

pub fn breadcrumb_jsonld(r: &Renderer<'_>, crumbs: &[(String, String)]) -> String {
    script_safe(
        &json!({ "@context": "https://schema.org", "@graph": [breadcrumb_list(crumbs, r)] }),
    )
}

fn publisher(r: &Renderer<'_>) -> Value {
    json!({
        "@type": "GovernmentOrganization",
        "name": r.config.owner,
        "address": r.config.contacts.address,
        "email": r.config.contacts.email,
        "telephone": r.config.contacts.phone,
    })
}

/// The structured data of a page or section.
pub fn jsonld(r: &Renderer<'_>, id: PageId, crumbs: &[(String, String)]) -> String {
    let p = &r.library.pages[id];
    let mut graph = Vec::new();
    if p.is_section && p.dir.is_empty() {
        graph.push(json!({
            "@type": "WebSite",
            "name": r.config.title,
            "alternateName": r.config.short_title,
            "url": r.permalink(&p.path),
            "inLanguage": p.lang,
            "description": p.fm.description,
            "publisher": publisher(r),
        }));
    } else {
        graph.push(breadcrumb_list(crumbs, r));
    }
    if let Some(faq) = &p.fm.faq {
        let mut answer = json!({ "@type": "Answer", "text": r.rendered[id].html.trim() });
        if let Some(v) = faq.validated {
            answer["dateModified"] = json!(v.to_string());
        }
        graph.push(json!({
            "@type": "FAQPage",
            "url": r.permalink(&p.path),
            "inLanguage": p.lang,
            "mainEntity": [{
                "@type": "Question",
                "name": p.title,
                "acceptedAnswer": answer,
            }],
        }));
    }
    if let Some(o) = &p.fm.office {
        let hours: Vec<Value> = o
            .hours
            .iter()
            .map(|h| {
                json!({
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": h.days.iter().map(|d| format!("https://schema.org/{}", d.schema_org())).collect::<Vec<_>>(),
                    "opens": String::from(h.open),
                    "closes": String::from(h.close),
                })
            })
            .collect();
        graph.push(json!({
            "@type": "GovernmentOffice",
            "name": p.title,
            "url": r.permalink(&p.path),
            "address": o.address,
            "telephone": o.phone,
            "email": o.email,
            "knowsLanguage": o.languages,
            "parentOrganization": { "@type": "GovernmentOrganization", "name": o.owner },
            "areaServed": r.config.area(&o.area).map(|a| a.name.clone()),
            "openingHoursSpecification": hours,
        }));
    }
    script_safe(&json!({ "@context": "https://schema.org", "@graph": graph }))
}

fn xml_escape(s: &str) -> String {
    respi_markdown::escape_html(s)
}

/// `sitemap.xml`, with each page's translations as `xhtml:link` alternates.
pub fn sitemap_xml(r: &Renderer<'_>, extra_paths: &[String]) -> String {
    let lib = r.library;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let mut ids: Vec<PageId> = (0..lib.pages.len()).collect();
    ids.sort_by(|&a, &b| lib.pages[a].path.cmp(&lib.pages[b].path));
    for id in ids {
        let p = &lib.pages[id];
        out.push_str("  <url>\n");
        out.push_str(&format!(
            "    <loc>{}</loc>\n",
            xml_escape(&r.permalink(&p.path))
        ));
        if let Some(d) = p.fm.updated.or(p.fm.date) {
            out.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        let translations = &lib.translations[&p.key];
        if translations.len() > 1 {
            for &t in translations {
                let tp = &lib.pages[t];
                out.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                    tp.lang,
                    xml_escape(&r.permalink(&tp.path))
                ));
            }
        }
        out.push_str("  </url>\n");
    }
    for path in extra_paths {
        out.push_str(&format!(
            "  <url>\n    <loc>{}</loc>\n  </url>\n",
            xml_escape(&r.permalink(path))
        ));
    }
    out.push_str("</urlset>\n");
    out
}

pub fn robots_txt(r: &Renderer<'_>) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        r.permalink("sitemap.xml")
    )
}

/// The Atom feed of the news section in one language, or None when it has no entries.
pub fn atom_feed(r: &Renderer<'_>, lang: &str) -> Option<(String, String)> {
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
