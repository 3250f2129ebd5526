//! `sitemap.xml`, with each page's translations as alternates, and `robots.txt`, which points
//! at it: what search engines read.

use crate::inputs::Inputs;
use respi_markdown::escape_html as xml_escape;
use respi_sources::library::PageId;

/// `sitemap.xml`, with each page's translations as `xhtml:link` alternates.
pub fn sitemap_xml(r: &Inputs<'_>, extra_paths: &[String]) -> String {
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

pub fn robots_txt(r: &Inputs<'_>) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        r.permalink("sitemap.xml")
    )
}
