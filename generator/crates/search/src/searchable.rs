//! A page cut down to what Pagefind reads of it.

/// What Pagefind reads of a page of this theme: the `html` start tag (the language), the
/// `title`, and the `main` element marked `data-pagefind-body` (text, headings and their
/// anchors, filters). Header, navigation and footer are left out: Pagefind would parse them only
/// to skip them, and it would take the footer's logo for the image of every result. A page
/// without such an element is handed over whole.
pub fn searchable_part(html: &str) -> String {
    cut_to_body(html).unwrap_or_else(|| html.to_string())
}

fn cut_to_body(html: &str) -> Option<String> {
    let marker = html.find(" data-pagefind-body")?;
    let start = html[..marker].rfind('<')?;
    if !html[start..marker].starts_with("<main") {
        return None;
    }
    let end = html.rfind("</main>")? + "</main>".len();
    if end <= marker {
        return None;
    }
    let html_start = html.find("<html")?;
    let html_tag = &html[html_start..html_start + html[html_start..].find('>')? + 1];
    let title = html
        .find("<title>")
        .and_then(|s| Some(&html[s..s + html[s..].find("</title>")? + "</title>".len()]))
        .unwrap_or("");
    Some(format!(
        "<!DOCTYPE html>\n{html_tag}<head>{title}</head><body>{}</body></html>",
        &html[start..end]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_searchable_part_keeps_language_title_and_main_only() {
        let page = "<!DOCTYPE html>\n<html lang=\"it\" dir=\"ltr\"><head><meta charset=\"utf-8\">\
            <title>Permesso | ReSPI</title></head><body><header><a href=\"/\">ReSPI</a></header>\
            <main id=\"main\" class=\"main\" data-pagefind-body><h1>Permesso</h1><p>Testo</p></main>\
            <footer><img src=\"/logo.svg\" alt=\"\"></footer></body></html>";
        assert_eq!(
            searchable_part(page),
            "<!DOCTYPE html>\n<html lang=\"it\" dir=\"ltr\"><head><title>Permesso | ReSPI</title>\
            </head><body><main id=\"main\" class=\"main\" data-pagefind-body><h1>Permesso</h1>\
            <p>Testo</p></main></body></html>"
        );
        let unmarked = "<html lang=\"it\"><body><main><p>Testo</p></main></body></html>";
        assert_eq!(searchable_part(unmarked), unmarked);
        let other = "<html lang=\"it\"><body><div data-pagefind-body><p>T</p></div></body></html>";
        assert_eq!(searchable_part(other), other);
    }
}
