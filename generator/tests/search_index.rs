//! The search index made in batches and merged is, file for file and byte for byte, the index
//! Pagefind's library writes when it is given every page at once; and cutting a page down to
//! its searchable part changes nothing Pagefind keeps of it but the footer logo it took for the
//! page's image.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use respi_generator::search::{
    PageHtml, Record, SearchCache, build_index_in_batches, searchable_part,
};
use support::*;

/// The bundled portal built without search, and its searchable pages (URL, HTML) in URL order.
fn portal_pages() -> (tempfile::TempDir, Vec<(String, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let result = respi(
        &repo_root(),
        &[
            "build",
            "--no-search",
            "--base-url",
            "https://example.org/respi/",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert!(result.status.success(), "{}", stderr(&result));
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        if !html.contains(" data-pagefind-body") {
            continue;
        }
        let rel = entry.path().strip_prefix(&out).unwrap().to_string_lossy();
        let url = format!("/respi/{}", rel.trim_end_matches("index.html"));
        pages.push((url, html));
    }
    pages.sort();
    (dir, pages)
}

/// Documents indexed by their text: accented Italian words (indexed with their forms with
/// diacritics), several languages, filters shared with the pages.
fn records() -> Vec<Record> {
    let record = |url: &str, lang: &str, title: &str, text: &str, kind: &str| Record {
        url: url.into(),
        text: text.into(),
        lang: lang.into(),
        title: title.into(),
        filters: BTreeMap::from([
            ("tipo".to_string(), vec!["Documento".to_string()]),
            ("argomento".to_string(), vec![kind.to_string()]),
        ]),
    };
    vec![
        record(
            "/respi/documenti/a.pdf",
            "it",
            "Circolare sulla cittadinanza (PDF)",
            "La città di Cuneo e l'Università: perché l'attività è già iniziata. Più informazioni.",
            "cittadinanza",
        ),
        record(
            "/respi/documenti/b.pdf",
            "en",
            "Residence permit guide (PDF)",
            "Residence permits: renewal, conversion and the café near the Questura office.",
            "permesso",
        ),
        record(
            "/respi/documenti/c.pdf",
            "fr",
            "Guide du séjour (PDF)",
            "Le titre de séjour: déjà renouvelé à la préfecture, été comme hiver.",
            "permesso",
        ),
    ]
}

/// Pagefind's library given every page at once, in order, then the records.
fn one_index(pages: &[(String, String)], records: Vec<Record>) -> BTreeMap<String, Vec<u8>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let options = pagefind::options::PagefindServiceConfig::builder().build();
        let mut index = pagefind::api::PagefindIndex::new(Some(options)).unwrap();
        for (url, html) in pages {
            index
                .add_html_file(None, Some(url.clone()), html.clone())
                .await
                .unwrap();
        }
        for r in records {
            let meta = BTreeMap::from([("title".to_string(), r.title)]);
            index
                .add_custom_record(r.url, r.text, r.lang, Some(meta), Some(r.filters), None)
                .await
                .unwrap();
        }
        index
            .get_files()
            .await
            .unwrap()
            .into_iter()
            .map(|f| {
                (
                    format!("pagefind/{}", f.filename.to_string_lossy()),
                    f.contents,
                )
            })
            .collect()
    })
}

/// The index of `pages` (held in memory) and `records`, in batches of `per_batch`, by file.
fn indexed(
    pages: &[(String, String)],
    records: Vec<Record>,
    per_batch: usize,
    cache: Option<&mut SearchCache>,
) -> BTreeMap<String, Vec<u8>> {
    build_index_in_batches(in_memory(pages), records, per_batch, 2, cache)
        .unwrap()
        .into_iter()
        .collect()
}

fn in_memory(pages: &[(String, String)]) -> Vec<(String, PageHtml)> {
    pages
        .iter()
        .map(|(url, html)| {
            (
                url.clone(),
                PageHtml::Memory(Arc::new(html.clone().into_bytes())),
            )
        })
        .collect()
}

#[test]
fn the_merged_index_is_the_index_of_all_pages_at_once() {
    let (_dir, pages) = portal_pages();
    assert!(pages.len() > 100, "only {} searchable pages", pages.len());
    let cut: Vec<(String, String)> = pages
        .iter()
        .map(|(url, html)| (url.clone(), searchable_part(html)))
        .collect();
    let expected = one_index(&cut, records());

    // Batches of 7: dozens of merges, words and filters spread over many batches, languages
    // missing from some of them.
    let merged = indexed(&pages, records(), 7, None);

    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&merged), names(&expected), "different files");
    let different: Vec<&String> = expected
        .iter()
        .filter(|(name, bytes)| merged[*name] != **bytes)
        .map(|(name, _)| name)
        .collect();
    assert!(different.is_empty(), "different content: {different:?}");

    // Not a trivial index: several languages, every page, words with diacritics and filters.
    let entry: serde_json::Value =
        serde_json::from_slice(&merged["pagefind/pagefind-entry.json"]).unwrap();
    let languages = entry["languages"].as_object().unwrap();
    assert!(languages.len() >= 3, "languages: {languages:?}");
    let page_count: u64 = languages
        .values()
        .map(|l| l["page_count"].as_u64().unwrap())
        .sum();
    assert_eq!(page_count as usize, pages.len() + 3);
    let chunks = merged
        .keys()
        .filter(|n| n.starts_with("pagefind/index/it_"))
        .count();
    assert!(chunks > 1, "one chunk of Italian words only");
    let has_variant = merged
        .iter()
        .filter(|(n, _)| n.starts_with("pagefind/index/it_"))
        .any(|(_, bytes)| {
            let text = support::unpack(bytes);
            text.windows("città".len()).any(|w| w == "città".as_bytes())
        });
    assert!(has_variant, "no form with diacritics in the Italian index");
    assert!(merged.keys().any(|n| n.starts_with("pagefind/filter/it_")));
}

/// The fragments (what a result shows) of every page, by URL, without the image Pagefind takes
/// from the first picture after the title.
fn fragments_without_image(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    files
        .iter()
        .filter(|(name, _)| name.starts_with("pagefind/fragment/"))
        .map(|(_, bytes)| {
            let json = support::unpack(bytes);
            let mut value: serde_json::Value =
                serde_json::from_slice(&json["pagefind_dcd".len()..]).unwrap();
            let meta = value["meta"].as_object_mut().unwrap();
            meta.remove("image");
            meta.remove("image_alt");
            (
                value["url"].as_str().unwrap().to_string(),
                value.to_string(),
            )
        })
        .collect()
}

#[test]
fn the_searchable_part_keeps_what_pagefind_reads_of_a_page() {
    let (_dir, pages) = portal_pages();
    let cut: Vec<(String, String)> = pages
        .iter()
        .map(|(url, html)| (url.clone(), searchable_part(html)))
        .collect();
    assert!(
        cut.iter().zip(&pages).all(|(c, p)| c.1.len() < p.1.len()),
        "a page was not cut"
    );
    let whole = fragments_without_image(&one_index(&pages, Vec::new()));
    let part = fragments_without_image(&one_index(&cut, Vec::new()));
    assert_eq!(whole.len(), pages.len());
    for (url, fragment) in &whole {
        assert_eq!(Some(fragment), part.get(url), "{url}");
    }
    // What the cut leaves out: the footer's logo as the image of every page.
    let images = |files: BTreeMap<String, Vec<u8>>| {
        files
            .iter()
            .filter(|(name, _)| name.starts_with("pagefind/fragment/"))
            .filter(|(_, bytes)| {
                let json = support::unpack(bytes);
                String::from_utf8_lossy(&json).contains("logo.svg")
            })
            .count()
    };
    assert_eq!(images(one_index(&cut, Vec::new())), 0);
}

#[test]
fn an_edit_indexes_again_only_the_batch_of_the_edited_page() {
    let (_dir, mut pages) = portal_pages();
    let mut cache = SearchCache::default();
    indexed(&pages, records(), 7, Some(&mut cache));
    assert_eq!(cache.batches_indexed, (pages.len() + 3).div_ceil(7));

    let edited = pages.len() / 2;
    pages[edited].1 = pages[edited]
        .1
        .replacen("</main>", "<p>Zanzariere nuove</p></main>", 1);
    let again = indexed(&pages, records(), 7, Some(&mut cache));
    assert_eq!(cache.batches_indexed, 1);
    // The index of a fresh series of builds: the same bytes.
    let fresh = indexed(&pages, records(), 7, Some(&mut SearchCache::default()));
    let differing: Vec<&String> = fresh
        .iter()
        .filter(|(name, bytes)| again.get(*name) != Some(*bytes))
        .map(|(name, _)| name)
        .collect();
    assert!(
        differing.is_empty() && again.len() == fresh.len(),
        "the index after the edit is not that of a fresh build: {differing:?}"
    );
    // A build's index: the same files, but for the compression of those the merge writes.
    let built = indexed(&pages, records(), 7, None);
    assert_eq!(
        again.keys().collect::<Vec<_>>(),
        built.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &built {
        let merged = [".pf_index", ".pf_meta", ".pf_filter"];
        if merged.iter().any(|ext| name.ends_with(ext)) {
            assert_eq!(
                support::unpack(&again[name]),
                support::unpack(bytes),
                "{name}"
            );
        } else {
            assert!(again[name] == *bytes, "{name}");
        }
    }
    let has_word = again
        .iter()
        .filter(|(n, _)| n.starts_with("pagefind/index/"))
        .any(|(_, bytes)| support::unpack(bytes).windows(6).any(|w| w == b"zanzar"));
    assert!(has_word, "the edited page's new word is not in the index");

    // Nothing changed: nothing indexed.
    indexed(&pages, records(), 7, Some(&mut cache));
    assert_eq!(cache.batches_indexed, 0);
}

/// A page as this theme's pages reach the indexer: language, title, the searchable element.
fn page(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"ltr\"><head><title>{title}</title></head>\
         <body><main id=\"main\" class=\"main\" data-pagefind-body>{body}</main></body></html>"
    )
}

#[test]
fn pages_are_read_as_pagefind_reads_them() {
    let pages: Vec<(String, String)> = vec![
        (
            "/respi/a/",
            page(
                "it",
                "Permesso – ReSPI",
                "<div class=\"search-filters\" hidden><span data-pagefind-filter=\"tipo\">Guida</span>\
                 <span data-pagefind-filter=\"argomento\">Casa &amp; lavoro</span></div>\
                 <article><h1>Il <em>permesso</em> di soggiorno</h1>\
                 <p class=\"lead\">Dell'ufficio, l&#39;e-mail e PagoPA: www.comune.cuneo.it e \
                 sysconfig.is_python_build &amp; &lt;altro&gt; &quot;citato&quot;&nbsp;qui</p>\
                 <img src=\"/img/foto.jpg\" alt=\"Lo sportello &amp; la fila\"><img src=\"/b.png\">\
                 <p>Città, perché Più 2026 📄 righe<br>spezzate<br/>qui. Fine!</p>\
                 <nav id=\"indice\" aria-label=\"Indice\"><a href=\"#x\">Vai</a></nav>\
                 <form><label for=\"q\">Cerca</label><input id=\"q\"><button>Invia</button></form>\
                 <h2 id=\"documenti\">Documenti <a href=\"#documenti\">#</a></h2>\
                 <ul><li id=\"primo\">Il <strong>passaporto</strong> valido</li><li>La foto</li></ul>\
                 <table><caption>Costi</caption><tr><th scope=\"row\">Bollo</th><td>16 €</td></tr></table>\
                 <h3 id=\"h3\">Terzo</h3><h4>Quarto</h4><h5 id=\"c\">Quinto</h5><h6>Sesto</h6>\
                 <p>Un <span id=\"dentro\">testo <b>con</b> ancora</span> dopo.</p>\
                 <section aria-labelledby=\"t\"><h2 id=\"t\" class=\"small\">Argomenti</h2>\
                 <ul class=\"tag-list\"><li><a href=\"/t/\">casa</a></li></ul></section></article>",
            ),
        ),
        (
            "/respi/en/b/",
            page(
                "en",
                "Guide",
                "<h1>Don't wait: C++ and foo_bar in the U.S.A.</h1><p>Running runners ran; \
                 e-mail the office (9–12).</p><pre><code>let x = a.b_c;</code></pre>",
            ),
        ),
        (
            "/respi/ar/c/",
            page(
                "ar",
                "دليل",
                "<h1>تصريح الإقامة</h1><p>يمكنك تجديد تصريح الإقامة في مكتب الهجرة.</p>",
            ),
        ),
        (
            "/respi/fr/d/",
            page(
                "fr",
                "Séjour",
                "<h1>Titre de séjour</h1><p>Déjà renouvelé à la préfecture, été comme hiver; \
                 l'État français.</p><span data-pagefind-filter=\"tipo\">Guide</span>",
            ),
        ),
        ("/respi/vuota/", page("it", "Vuota", "<p> </p>")),
        (
            "/respi/senza-titolo/",
            page("it", "Solo il titolo della pagina", "<p>Testo senza intestazione.</p>"),
        ),
        (
            "/respi/a-bis/",
            page("it", "Copia", "<h1>Il permesso</h1><p>Città e perché, di nuovo.</p>"),
        ),
    ]
    .into_iter()
    .map(|(url, html)| (url.to_string(), html))
    .collect();
    let expected = one_index(&pages, Vec::new());
    let read = indexed(&pages, Vec::new(), 2, None);
    assert_eq!(
        read.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &expected {
        assert!(
            read[name] == *bytes,
            "{name}:\n{}\n{}",
            String::from_utf8_lossy(&support::unpack(&read[name])),
            String::from_utf8_lossy(&support::unpack(bytes))
        );
    }
}
