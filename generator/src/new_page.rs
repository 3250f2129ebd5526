//! `respi new`: a new page with the front matter its section expects.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

/// Creates `content/<section>/<slug>.md` and returns its path.
pub fn create(root: &Path, section: &str, title: &str, today: Date) -> Result<PathBuf, String> {
    let section = section.trim_matches('/');
    if title.trim().is_empty() {
        return Err("il titolo è vuoto: scrivere il titolo tra virgolette, es. respi new faq/lavoro \"Come si converte il permesso?\"".into());
    }
    if title.chars().count() > 70 {
        return Err(format!(
            "il titolo ha {} caratteri: ne sono ammessi al massimo 70",
            title.chars().count()
        ));
    }
    let dir = root.join(respi_sources::content::CONTENT_DIR).join(section);
    if !dir.join("_index.md").is_file() {
        return Err(format!(
            "la sezione `{section}` non esiste: creare prima content/{section}/_index.md o scegliere una sezione esistente"
        ));
    }
    let slug = slug::slugify(title);
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(format!(
            "{} esiste già: scegliere un altro titolo o modificare quel file",
            path.display()
        ));
    }
    let up = "../".repeat(section.split('/').count() + 1);
    let mut fm = format!(
        "---\n# yaml-language-server: $schema={up}schemas/front-matter.schema.json\ntitle: {}\ndescription: \"\"\ndate: {today}\nupdated: {today}\ndraft: true\ntags: []\n",
        serde_json::to_string(title).expect("string serialises")
    );
    let top = section.split('/').next().unwrap_or_default();
    match top {
        "faq" => fm.push_str("faq:\n  source: \"\"\n  validated: null\n"),
        "sportelli" => fm.push_str(
            "office:\n  kind: sportello\n  owner: \"\"\n  area: \"\"\n  address: \"\"\n  phone: \"\"\n  email: \"\"\n  languages: [italiano]\n  hours:\n    - { days: [lun], open: \"09:00\", close: \"12:00\" }\n",
        ),
        "documenti" => fm.push_str("document:\n  file: \"\"\n  kind: normativa\n  issuer: \"\"\n  number: \"\"\n"),
        _ => {}
    }
    fm.push_str("---\n\n");
    std::fs::write(&path, fm)
        .map_err(|e| format!("impossibile scrivere {}: {e}", path.display()))?;
    Ok(path)
}
