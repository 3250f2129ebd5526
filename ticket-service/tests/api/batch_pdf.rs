//! The batch PDF as the service sends it, read back with an independent PDF reader (lopdf):
//! it must declare PDF/UA-1 and carry what that asks for (ACCESSIBILITY.md F13): a marked
//! structure tree of headings and paragraphs, the document language, the title shown in the
//! title bar, decorations as artifacts, and every font embedded.

use std::collections::BTreeSet;

use lopdf::{Dictionary, Document, Object};

use crate::helpers::spawn_app;

const TITLE: &str = "Lotto n. 1 – Segnalazioni alla Questura e alla Prefettura";

/// The demo's batch, downloaded by the coordination right after login.
async fn demo_batch_pdf() -> Document {
    let app = spawn_app().await;
    let mut coordination = app.logged_in("demo.coordinamento").await;
    let (status, headers, bytes) = coordination.download("/lotti/1/pdf").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/pdf");
    Document::load_mem(&bytes).expect("the batch PDF must parse")
}

pub(crate) fn dictionary<'a>(document: &'a Document, object: &'a Object) -> &'a Dictionary {
    let (_, object) = document.dereference(object).unwrap();
    object
        .as_dict()
        .unwrap_or_else(|_| panic!("not a dictionary: {object:?}"))
}

fn name(object: &Object) -> String {
    String::from_utf8_lossy(object.as_name().unwrap()).into_owned()
}

/// A stream's bytes, inflated when it is compressed.
fn stream_bytes(document: &Document, object: &Object) -> Vec<u8> {
    let (_, object) = document.dereference(object).unwrap();
    let stream = object.as_stream().unwrap();
    if stream.dict.has(b"Filter") {
        stream.decompressed_content().unwrap()
    } else {
        stream.content.clone()
    }
}

/// The structure types of the tree under `element`, in reading order.
pub(crate) fn structure_types(document: &Document, element: &Object, found: &mut Vec<String>) {
    let Ok((_, resolved)) = document.dereference(element) else {
        return;
    };
    match resolved {
        Object::Array(kids) => {
            for kid in kids {
                structure_types(document, kid, found);
            }
        }
        Object::Dictionary(dict) => {
            if let Ok(kind) = dict.get(b"S") {
                found.push(name(kind));
            }
            // Marked-content references (/Type /MCR) are leaves.
            if dict.get(b"Type").is_ok_and(|kind| name(kind) == "MCR") {
                return;
            }
            if let Ok(kids) = dict.get(b"K") {
                structure_types(document, kids, found);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn the_batch_pdf_declares_pdf_ua_1_and_is_tagged_titled_and_in_italian() {
    let document = demo_batch_pdf().await;
    let catalog = document.catalog().unwrap();

    let mark_info = dictionary(&document, catalog.get(b"MarkInfo").unwrap());
    assert!(mark_info.get(b"Marked").unwrap().as_bool().unwrap());
    let lang = lopdf::decode_text_string(catalog.get(b"Lang").unwrap()).unwrap();
    assert_eq!(lang, "it-IT");
    let preferences = dictionary(&document, catalog.get(b"ViewerPreferences").unwrap());
    let display_title = preferences.get(b"DisplayDocTitle").unwrap();
    assert!(
        display_title.as_bool().unwrap(),
        "the title bar shows the file name"
    );

    let xmp = stream_bytes(&document, catalog.get(b"Metadata").unwrap());
    let xmp = String::from_utf8(xmp).unwrap();
    let compact: String = xmp.split_whitespace().collect();
    assert!(
        compact.contains("<pdfuaid:part>1</pdfuaid:part>")
            || compact.contains("pdfuaid:part=\"1\""),
        "no PDF/UA-1 identification in the XMP metadata:\n{xmp}"
    );
    assert!(xmp.contains(TITLE), "no title in the XMP metadata:\n{xmp}");
    let info = dictionary(&document, document.trailer.get(b"Info").unwrap());
    assert_eq!(
        lopdf::decode_text_string(info.get(b"Title").unwrap()).unwrap(),
        TITLE
    );
}

#[tokio::test]
async fn the_batch_pdf_has_a_structure_tree_of_headings_and_paragraphs() {
    let document = demo_batch_pdf().await;
    let catalog = document.catalog().unwrap();
    let root = dictionary(&document, catalog.get(b"StructTreeRoot").unwrap());
    assert!(root.has(b"ParentTree"), "no parent tree: {root:?}");
    let mut types = Vec::new();
    structure_types(&document, root.get(b"K").unwrap(), &mut types);
    assert_eq!(
        types.first().map(String::as_str),
        Some("Document"),
        "{types:?}"
    );
    let headings: Vec<&String> = types.iter().filter(|t| t.starts_with('H')).collect();
    assert_eq!(
        headings.first().map(|t| t.as_str()),
        Some("H1"),
        "{types:?}"
    );
    for expected in ["H1", "H2", "H3", "P"] {
        assert!(
            types.iter().any(|t| t == expected),
            "no {expected}: {types:?}"
        );
    }
    // Cover and one sheet per report: the demo's batch holds one report.
    assert!(document.get_pages().len() >= 2);
}

#[tokio::test]
async fn the_batch_pdf_embeds_its_fonts_and_marks_decorations_as_artifacts() {
    let document = demo_batch_pdf().await;
    const STANDARD_14: [&str; 5] = ["Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats"];
    let mut embedded = BTreeSet::new();
    let mut fonts = 0;
    for object in document.objects.values() {
        let Ok(dict) = object.as_dict() else {
            continue;
        };
        if dict.get(b"Type").is_ok_and(|kind| name(kind) == "Font") {
            fonts += 1;
            let base = dict.get(b"BaseFont").map(name).unwrap_or_default();
            assert!(
                !STANDARD_14.iter().any(|standard| base.contains(standard)),
                "standard font left: {base}"
            );
        }
        if dict
            .get(b"Type")
            .is_ok_and(|kind| name(kind) == "FontDescriptor")
        {
            let font_name = name(dict.get(b"FontName").unwrap());
            assert!(
                dict.has(b"FontFile2"),
                "font {font_name} is not embedded as TrueType"
            );
            embedded.insert(font_name);
        }
    }
    assert!(fonts > 0, "no font at all");
    // Regular text and bold headings: two embedded subsets.
    assert!(embedded.len() >= 2, "{embedded:?}");

    for page in document.get_pages().into_values() {
        let content = document.get_page_content(page);
        let content = String::from_utf8_lossy(&content);
        assert!(
            content.contains("/Artifact"),
            "page number not marked as an artifact"
        );
        assert!(content.contains("/MCID"), "page content not tagged");
    }
}
