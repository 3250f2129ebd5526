//! The layout, the text measure and the PDF/UA-1 check of the batch PDF writer.

use super::*;

fn sample_blocks() -> Vec<Block> {
    let mut blocks = vec![
        Block::PageBreak,
        Block::H1("Lotto n. 3".to_owned()),
        Block::P("Segnalazioni: 2".to_owned()),
    ];
    for n in 0..2 {
        blocks.push(Block::PageBreak);
        blocks.push(Block::H2(format!("RESPI-2026-00000{n} – Questura")));
        blocks.push(Block::P(
            "Descrizione: città, perché (prova) \\ più ".repeat(40),
        ));
        blocks.push(Block::H3("Risposta dell'ufficio".to_owned()));
        blocks.push(Block::AnswerSpace(200.0));
    }
    blocks
}

const TITLE: &str = "Lotto n. 3 – Segnalazioni";

fn text_blocks<'a>(layout: &'a Layout) -> impl Iterator<Item = (Kind, &'a [Line])> {
    layout.placed.iter().filter_map(|placed| match placed {
        Placed::Text { kind, lines, .. } => Some((*kind, lines.as_slice())),
        Placed::AnswerBox { .. } => None,
    })
}

fn titles(document: &lopdf::Document, first: &lopdf::Object) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut next = document.dereference(first).ok().map(|(_, item)| item);
    while let Some(item) = next.and_then(|item| item.as_dict().ok()) {
        let title = lopdf::decode_text_string(item.get(b"Title").unwrap()).unwrap();
        let children = match item.get(b"First") {
            Ok(child) => titles(document, child).len(),
            Err(_) => 0,
        };
        found.push((title, children));
        next = item
            .get(b"Next")
            .ok()
            .and_then(|n| document.dereference(n).ok())
            .map(|(_, item)| item);
    }
    found
}

#[test]
fn the_document_is_tagged_titled_in_italian_with_an_outline_of_its_headings() {
    let pdf = render(TITLE, "it-IT", &sample_blocks()).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"));
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let catalog = document.catalog().unwrap();
    let lang = lopdf::decode_text_string(catalog.get(b"Lang").unwrap()).unwrap();
    assert_eq!(lang, "it-IT");
    let tree = catalog.get(b"StructTreeRoot").unwrap();
    assert!(document.dereference(tree).is_ok());
    let outlines = catalog.get_deref(b"Outlines", &document).unwrap();
    let first = outlines.as_dict().unwrap().get(b"First").unwrap();
    assert_eq!(
        titles(&document, first),
        vec![("Lotto n. 3".to_owned(), 2)],
        "the H2s belong under the H1; H3s are not bookmarks"
    );
    let types: Vec<String> = document
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter(|dict| {
            dict.get(b"Type")
                .is_ok_and(|t| t.as_name().ok() == Some(&b"StructElem"[..]))
        })
        .map(|dict| String::from_utf8_lossy(dict.get(b"S").unwrap().as_name().unwrap()).into())
        .collect();
    for expected in ["Document", "H1", "H2", "H3", "P"] {
        assert!(
            types.iter().any(|t| t == expected),
            "no {expected}: {types:?}"
        );
    }
}

#[test]
fn long_texts_flow_onto_new_pages_and_breaks_start_sheets() {
    let layout = Layout::of(&FONTS, &sample_blocks());
    assert!(layout.pages() >= 3, "{} pages", layout.pages());
    let mut pages_of_h2 = Vec::new();
    for (kind, lines) in text_blocks(&layout) {
        for line in lines {
            assert!(
                line.baseline > MARGIN && line.baseline <= BOTTOM,
                "{line:?}"
            );
        }
        if kind == Kind::H2 {
            assert_eq!(
                lines[0].baseline,
                MARGIN + Kind::H2.leading(),
                "top of a sheet"
            );
            pages_of_h2.push(lines[0].page);
        }
    }
    // The break before the cover, on a still empty page, added no page.
    assert_eq!(text_blocks(&layout).next().unwrap().1[0].page, 0);
    assert_eq!(pages_of_h2.len(), 2);
    assert!(pages_of_h2[0] >= 1 && pages_of_h2[1] > pages_of_h2[0]);

    // A paragraph longer than a page goes on, as the same element, on the next one.
    let long = [Block::P("Descrizione: città, perché ".repeat(300))];
    let layout = Layout::of(&FONTS, &long);
    let lines = text_blocks(&layout).next().unwrap().1;
    assert_eq!(layout.placed.len(), 1);
    assert_eq!(lines.last().unwrap().page, layout.pages() - 1);
    assert!(layout.pages() >= 2, "{} pages", layout.pages());
}

#[test]
fn lines_are_measured_to_fit_and_keep_the_spaces_between_words() {
    let face = &FONTS.regular;
    assert_eq!(wrap(face, "uno due tre", 11.0), vec!["uno due tre"]);
    let text = "Descrizione: città, perché (prova) più ".repeat(12);
    let lines = wrap(face, &text, 11.0);
    assert!(lines.len() > 3, "{lines:?}");
    for line in &lines {
        assert!(face.width(line.trim_end(), 11.0) <= TEXT_WIDTH, "{line}");
    }
    assert!(lines[..lines.len() - 1].iter().all(|l| l.ends_with(' ')));
    assert_eq!(lines.concat(), text.trim_end());
    // Wide capitals fill a line with fewer characters than narrow letters do.
    let wide = wrap(face, &"MMMM ".repeat(40), 11.0);
    let narrow = wrap(face, &"iiii ".repeat(40), 11.0);
    assert!(wide.len() > narrow.len(), "{wide:?} {narrow:?}");
    let cut = wrap(face, &"x".repeat(300), 11.0);
    assert!(cut.len() >= 2 && cut.concat() == "x".repeat(300));
}

#[test]
fn characters_the_font_lacks_are_marked_and_control_characters_dropped() {
    let face = &FONTS.regular;
    assert_eq!(
        face.printable("Ţepeş Nguyễn\t€ «è»\u{0}\u{feff}日"),
        "Ţepeş Nguyễn € «è»\u{fffd}"
    );
    let blocks = vec![
        Block::H1("Lotto 日本".to_owned()),
        Block::P("Persona: 王 \u{1F600} Ţepeş\u{7}".to_owned()),
    ];
    assert!(render(TITLE, "it-IT", &blocks).is_ok());
}

#[test]
fn a_document_the_pdf_ua_check_refuses_is_an_error_not_a_file() {
    // PDF/UA-1 wants a title; krilla's check finds it missing.
    let error = render("", "it-IT", &sample_blocks()).unwrap_err();
    let PdfError::NotConforming(reasons) = &error else {
        panic!("{error}");
    };
    assert!(reasons.contains("NoDocumentTitle"), "{reasons}");
    assert!(error.to_string().contains("PDF/UA-1"));
}
