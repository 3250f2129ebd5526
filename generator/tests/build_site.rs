//! A fixture site built by the `respi` binary: pages, sections, translations, feeds, sub-path links.

mod support;

use support::*;

#[test]
fn pages_carry_title_language_canonical_and_structured_data() {
    let site = fixture_site("basic");
    let out = build_ok(site.path(), &[]);
    let html = read(&out, "faq/lavoro/conversione/index.html");
    assert!(html.contains("<html lang=\"it\" dir=\"ltr\">"), "{html}");
    assert!(html.contains("<title>Come si converte il permesso per studio? – Lavoro – Prova – Provincia di Esempio</title>"));
    assert!(html.contains(
        "<link rel=\"canonical\" href=\"https://example.org/respi/faq/lavoro/conversione/\">"
    ));
    assert!(
        html.contains("<meta name=\"description\" content=\"La conversione da studio a lavoro\">")
    );
    assert!(html.contains("property=\"og:title\""));
    assert!(html.contains("\"@type\":\"FAQPage\""));
    assert!(html.contains("\"@type\":\"BreadcrumbList\""));
    assert_eq!(html.matches("<h1").count(), 1);
    let home = read(&out, "index.html");
    assert!(home.contains("\"@type\":\"WebSite\""));
    let office = read(&out, "sportelli/centro/index.html");
    assert!(office.contains("\"@type\":\"GovernmentOffice\""));
    assert!(office.contains("\"opens\":\"09:00\""));
}

#[test]
fn translations_link_to_each_other_and_arabic_is_rtl() {
    let site = fixture_site("basic");
    let out = build_ok(site.path(), &[]);
    let it = read(&out, "faq/lavoro/conversione/index.html");
    let en = read(&out, "en/faq/lavoro/conversione/index.html");
    assert!(en.contains("<html lang=\"en\" dir=\"ltr\">"));
    for html in [&it, &en] {
        assert!(
            html.contains(
                "hreflang=\"it\" href=\"https://example.org/respi/faq/lavoro/conversione/\""
            ),
            "{html}"
        );
        assert!(html.contains(
            "hreflang=\"en\" href=\"https://example.org/respi/en/faq/lavoro/conversione/\""
        ));
        assert!(
            html.contains("href=\"/respi/en/faq/lavoro/conversione/\" lang=\"en\" hreflang=\"en\"")
        );
    }
    // A link to an Italian page with no translation stays Italian.
    assert!(en.contains("href=\"/respi/notizie/notizia-1/\""));
    let ar = read(&out, "ar/index.html");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"));
    // UI strings missing in a language fall back to Italian, never to a raw key.
    assert!(!ar.contains(">skip_to_content<"));
}

#[test]
fn every_local_url_lives_under_the_base_path() {
    let site = fixture_site("basic");
    let out = build_ok(site.path(), &[]);
    for (path, bytes) in snapshot(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for url in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
        {
            if url.starts_with('/') {
                assert!(
                    url.starts_with("/respi/"),
                    "{path}: {url} ignores the base path"
                );
            }
        }
    }
    let feed = read(&out, "atom.xml");
    assert!(feed.contains("href=\"https://example.org/respi/atom.xml\""));
    assert!(read(&out, "robots.txt").contains("Sitemap: https://example.org/respi/sitemap.xml"));
}

#[test]
fn base_url_flag_moves_the_whole_site() {
    let site = fixture_site("basic");
    let out = build_ok(
        site.path(),
        &["--base-url", "http://127.0.0.1:9/anteprima/"],
    );
    let html = read(&out, "notizie/notizia-2/index.html");
    assert!(html.contains("href=\"/anteprima/static/css/respi.css\""));
    assert!(html.contains("href=\"http://127.0.0.1:9/anteprima/notizie/notizia-2/\""));
    assert!(!html.contains("/respi/"));
}

#[test]
fn sitemap_lists_pages_with_alternates_but_not_drafts() {
    let site = fixture_site("basic");
    let out = build_ok(site.path(), &[]);
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/respi/faq/lavoro/conversione/</loc>"));
    assert!(sitemap.contains(
        "<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/respi/en/faq/lavoro/conversione/\"/>"
    ));
    assert!(sitemap.contains("<lastmod>2026-10-01</lastmod>"));
    assert!(!sitemap.contains("bozza"));
    assert!(!out.join("notizie/bozza").exists());
    let with_drafts = build_ok(site.path(), &["--drafts"]);
    assert!(with_drafts.join("notizie/bozza/index.html").exists());
}

#[test]
fn feed_lists_news_newest_first() {
    let site = fixture_site("basic");
    let out = build_ok(site.path(), &[]);
    let feed = read(&out, "atom.xml");
    let positions: Vec<usize> = ["Notizia numero 3", "Notizia numero 2", "Notizia numero 1"]
        .iter()
        .map(|t| feed.find(t).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{feed}");
    assert!(feed.contains("<published>2026-03-15T00:00:00Z</published>"));
    assert!(!feed.contains("Una bozza"));
}

#[test]
fn sections_paginate_and_tags_get_pages() {
    let site = fixture_site("basic");
    let out = build_ok(site.path(), &[]);
    let first = read(&out, "notizie/index.html");
    let second = read(&out, "notizie/pagina/2/index.html");
    assert!(first.contains("Notizia numero 3") && first.contains("Notizia numero 2"));
    assert!(!first.contains(">Notizia numero 1<"));
    assert!(second.contains("Notizia numero 1"));
    assert!(first.contains("href=\"/respi/notizie/pagina/2/\""));
    let tag = read(&out, "argomenti/permesso-di-soggiorno/index.html");
    assert!(tag.contains("Notizia numero 1") && tag.contains("Notizia numero 3"));
    let index = read(&out, "argomenti/index.html");
    assert!(index.contains("href=\"/respi/argomenti/lavoro/\""));
}

#[test]
fn aliases_redirect_to_the_page() {
    let site = fixture_site("basic");
    let out = build_ok(site.path(), &[]);
    let alias = read(&out, "vecchie/notizia-uno/index.html");
    assert!(
        alias.contains("url=https://example.org/respi/notizie/notizia-1/"),
        "{alias}"
    );
    assert!(
        alias.contains("rel=\"canonical\" href=\"https://example.org/respi/notizie/notizia-1/\"")
    );
}

#[test]
fn bundles_copy_their_files_and_links_resolve() {
    let site = fixture_site("basic");
    let out = build_ok(site.path(), &[]);
    assert!(out.join("guide/manuale/manuale.pdf").is_file());
    let page = read(&out, "guide/manuale/index.html");
    assert!(page.contains("href=\"/respi/guide/manuale/manuale.pdf\""));
    let faq = read(&out, "faq/lavoro/conversione/index.html");
    assert!(faq.contains("href=\"/respi/notizie/notizia-1/#dettagli\""));
    assert!(faq.contains("<caption>Tempi della procedura</caption>"));
    assert!(out.join("404.html").is_file());
    assert!(out.join("mappa-del-sito/index.html").is_file());
}

#[test]
fn new_creates_a_page_that_builds() {
    let site = fixture_site("basic");
    let out = respi(
        site.path(),
        &["new", "notizie", "Nuovi orari dello sportello"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let file = site
        .path()
        .join("content/notizie/nuovi-orari-dello-sportello.md");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("title: \"Nuovi orari dello sportello\""));
    assert!(text.contains("draft: true"));
    build_ok(site.path(), &["--drafts"]);
    let again = respi(
        site.path(),
        &["new", "notizie", "Nuovi orari dello sportello"],
    );
    assert!(!again.status.success());
    assert!(stderr(&again).contains("esiste già"));
    let missing = respi(site.path(), &["new", "inesistente", "Titolo"]);
    assert!(stderr(&missing).contains("la sezione `inesistente` non esiste"));
}
