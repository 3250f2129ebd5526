//! What a PDF declares about its own accessibility: tags, title, language (read with lopdf).

use std::path::Path;

use lopdf::{Dictionary, Document, Object};

/// What a PDF declares about its own accessibility.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfInfo {
    pub tagged: bool,
    pub has_title: bool,
    pub lang: Option<String>,
}

impl PdfInfo {
    pub fn read(path: &Path) -> Result<PdfInfo, String> {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let doc = Document::load_mem(&bytes).map_err(|e| e.to_string())?;
        let catalog = doc.catalog().map_err(|e| e.to_string())?;
        let marked = dict(&doc, catalog, b"MarkInfo")
            .and_then(|m| m.get(b"Marked").ok())
            .and_then(|o| o.as_bool().ok())
            .unwrap_or(false);
        let lang = catalog
            .get(b"Lang")
            .ok()
            .and_then(|o| text(&doc, o))
            .filter(|l| !l.is_empty());
        let info_title = dict(&doc, &doc.trailer, b"Info")
            .and_then(|i| i.get(b"Title").ok())
            .and_then(|o| text(&doc, o))
            .is_some_and(|t| !t.is_empty());
        Ok(PdfInfo {
            tagged: marked || catalog.has(b"StructTreeRoot"),
            has_title: info_title || xmp_has_title(&doc, catalog),
            lang,
        })
    }

    /// The missing pieces, in Italian, or an empty list.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if !self.tagged {
            missing.push("i tag (struttura per i lettori di schermo)");
        }
        if !self.has_title {
            missing.push("il titolo");
        }
        if self.lang.is_none() {
            missing.push("la lingua del documento");
        }
        missing
    }
}

fn dict<'a>(doc: &'a Document, parent: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    let (_, obj) = doc.dereference(parent.get(key).ok()?).ok()?;
    obj.as_dict().ok()
}

fn text(doc: &Document, obj: &Object) -> Option<String> {
    let (_, obj) = doc.dereference(obj).ok()?;
    lopdf::decode_text_string(obj)
        .ok()
        .map(|s| s.trim().to_string())
}

/// Whether the XMP metadata stream has a non-empty `dc:title`.
fn xmp_has_title(doc: &Document, catalog: &Dictionary) -> bool {
    let Some(stream) = catalog
        .get(b"Metadata")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_stream().ok())
    else {
        return false;
    };
    let content = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    let xml = String::from_utf8_lossy(&content);
    let Some(start) = xml.find("<dc:title") else {
        return false;
    };
    let inner = &xml[start..];
    let inner = &inner[..inner.find("</dc:title>").unwrap_or(inner.len())];
    // Text between tags, once the tags themselves are dropped.
    let mut depth = 0i32;
    inner.chars().any(|c| {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            _ => return depth == 0 && !c.is_whitespace(),
        }
        false
    })
}
