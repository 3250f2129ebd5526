//! Wider-network services from the CSV that editors keep in a spreadsheet, with the columns
//! `name,kind,area,municipality,email,phone`.

use std::path::Path;

use serde::Deserialize;

use super::error::ImportError;
use crate::db::organisations::NewOrganisation;
use crate::domain::organisation::{OrganisationKind, slugify};

/// Where the CSV lives under `content/`.
pub const CSV_PATH: &str = "rete/servizi.csv";

#[derive(Deserialize)]
struct ServiceRecord {
    name: String,
    kind: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
}

fn non_empty(value: String) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// Parses the CSV text of `path`.
pub fn parse_services(path: &Path, text: &str) -> Result<Vec<NewOrganisation>, ImportError> {
    // Lines starting with `#` are notes on where the data come from.
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let csv_error = |error: csv::Error| {
        let line = error
            .position()
            .map_or(1, |p| usize::try_from(p.line()).unwrap_or(1));
        ImportError::invalid(path, line, 1, error.to_string())
    };
    let headers = reader.headers().map_err(csv_error)?.clone();
    let mut services: Vec<NewOrganisation> = Vec::new();
    for raw in reader.records() {
        let raw = raw.map_err(csv_error)?;
        let line = raw
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        let record: ServiceRecord = raw
            .deserialize(Some(&headers))
            .map_err(|error| ImportError::invalid(path, line, 1, error.to_string()))?;
        let Some(name) = non_empty(record.name) else {
            return Err(ImportError::invalid(
                path,
                line,
                1,
                "la colonna `name` è vuota",
            ));
        };
        let Some(kind) = non_empty(record.kind) else {
            return Err(ImportError::invalid(
                path,
                line,
                1,
                "la colonna `kind` è vuota",
            ));
        };
        let slug = format!("rete/{}", slugify(&name));
        if services.iter().any(|s| s.slug == slug) {
            return Err(ImportError::invalid(
                path,
                line,
                1,
                format!("«{name}» compare due volte: ogni servizio deve avere un nome diverso"),
            ));
        }
        services.push(NewOrganisation {
            slug,
            name,
            kind: OrganisationKind::Service,
            service_kind: Some(kind),
            owner: None,
            area: non_empty(record.area),
            municipality: non_empty(record.municipality),
            email: non_empty(record.email),
            phone: non_empty(record.phone),
        });
    }
    Ok(services)
}

/// The services listed in `path`; `None` when the file does not exist (yet).
pub fn read_services(path: &Path) -> Result<Option<Vec<NewOrganisation>>, ImportError> {
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::read(path, e))?;
    parse_services(path, &text).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_services() {
        let text = "name,kind,area,municipality,email,phone\nComune di Bra,comune,alba-bra,Bra,anagrafe@comune.bra.example,0172 1\nConsorzio Monviso,consorzio,saluzzo,,,\n";
        let services = parse_services(Path::new("servizi.csv"), text).unwrap();
        assert_eq!(services.len(), 2);
        assert_eq!(services[0].slug, "rete/comune-di-bra");
        assert_eq!(services[0].service_kind.as_deref(), Some("comune"));
        assert_eq!(services[1].municipality, None);
    }

    #[test]
    fn note_lines_are_skipped_and_lines_still_counted() {
        let text = "# Fonte: elenco di prova\nname,kind,area,municipality,email,phone\nComune di Bra,comune,,,,\n,comune,,,,\n";
        let error = parse_services(Path::new("servizi.csv"), text).unwrap_err();
        assert!(error.to_string().starts_with("servizi.csv:4:"), "{error}");
    }

    #[test]
    fn missing_names_and_duplicates_name_the_line() {
        let text =
            "name,kind,area,municipality,email,phone\nComune di Bra,comune,,,,\n,comune,,,,\n";
        let error = parse_services(Path::new("servizi.csv"), text).unwrap_err();
        assert!(error.to_string().starts_with("servizi.csv:3:"), "{error}");

        let text = "name,kind,area,municipality,email,phone\nComune di Bra,comune,,,,\nComune di Bra,comune,,,,\n";
        let error = parse_services(Path::new("servizi.csv"), text).unwrap_err();
        assert!(error.to_string().contains("due volte"), "{error}");
    }

    #[test]
    fn a_missing_file_is_not_an_error() {
        assert!(
            read_services(Path::new("/nonexistent/servizi.csv"))
                .unwrap()
                .is_none()
        );
    }
}
