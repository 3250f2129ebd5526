//! Structured data (schema.org JSON-LD) of pages and listings: the site, breadcrumbs, FAQ,
//! offices.

use serde_json::{Value, json};

use crate::inputs::Inputs;
use respi_sources::library::PageId;

/// JSON for a `<script type="application/ld+json">` block: `</` cannot close the script early.
fn script_safe(v: &Value) -> String {
    serde_json::to_string(v)
        .expect("json values serialise")
        .replace("</", "<\\/")
}

fn breadcrumb_list(crumbs: &[(String, String)], r: &Inputs<'_>) -> Value {
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
fn absolute(r: &Inputs<'_>, url: &str) -> String {
    let base_path = r.url("");
    r.permalink(url.strip_prefix(&base_path).unwrap_or(url))
}

pub fn breadcrumb_jsonld(r: &Inputs<'_>, crumbs: &[(String, String)]) -> String {
    script_safe(
        &json!({ "@context": "https://schema.org", "@graph": [breadcrumb_list(crumbs, r)] }),
    )
}

fn publisher(r: &Inputs<'_>) -> Value {
    json!({
        "@type": "GovernmentOrganization",
        "name": r.config.owner,
        "address": r.config.contacts.address,
        "email": r.config.contacts.email,
        "telephone": r.config.contacts.phone,
    })
}

/// The structured data of a page or section.
pub fn jsonld(r: &Inputs<'_>, id: PageId, crumbs: &[(String, String)]) -> String {
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
        // An invented attribution dates nothing.
        if let Some(v) = faq.validated.filter(|_| !p.fm.example) {
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
