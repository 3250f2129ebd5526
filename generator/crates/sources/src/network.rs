//! The wider network: hundreds of services (municipalities, consortia, job centres, health
//! agencies…) kept in a CSV file that a person can edit in a spreadsheet, published as browsable
//! pages and as open data (the CSV itself and a JSON copy).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::config::Config;
use crate::content::CONTENT_DIR;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};

/// The columns of the file, in order; the first line of the file must name them.
pub const COLUMNS: &[&str] = &[
    "name",
    "kind",
    "area",
    "municipality",
    "address",
    "phone",
    "email",
    "website",
];

/// Kinds of service and how readers see them.
pub const KINDS: &[(&str, &str)] = &[
    ("comune", "Comuni"),
    ("consorzio", "Consorzi socio-assistenziali"),
    ("centro-impiego", "Centri per l'impiego"),
    ("asl", "Aziende sanitarie"),
    ("scuola", "Scuole e CPIA"),
    ("altro", "Altri servizi"),
];

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub name: String,
    pub kind: String,
    pub area: String,
    pub municipality: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub website: String,
}

pub struct Network {
    /// content-relative path of the CSV file
    pub rel: String,
    pub services: Vec<Service>,
}

impl Network {
    /// Output folder of the listing pages: the CSV's path without extension (`rete/servizi/`).
    pub fn base_path(&self) -> String {
        format!("{}/", self.rel.trim_end_matches(".csv"))
    }

    pub fn json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(&self.services).expect("services serialise")
    }

    /// Services grouped by a key, in the order of `order`.
    pub fn grouped(&self, key: impl Fn(&Service) -> &str) -> BTreeMap<String, Vec<&Service>> {
        let mut groups: BTreeMap<String, Vec<&Service>> = BTreeMap::new();
        for s in &self.services {
            groups.entry(key(s).to_string()).or_default().push(s);
        }
        groups
    }
}

pub fn kind_label(kind: &str) -> &str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, l)| *l)
        .unwrap_or(kind)
}

/// Reads the network file named in site.toml, if any; every malformed row is reported with
/// its line and column.
pub fn load(root: &Path, config: &Config) -> Result<Option<Network>, Diagnostics> {
    let Some(rel) = config.network.file.clone() else {
        return Ok(None);
    };
    let file = Path::new(CONTENT_DIR).join(&rel);
    let mut diags = Diagnostics::default();
    let text = match std::fs::read_to_string(root.join(&file)) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    &file,
                    0,
                    0,
                    format!("impossibile leggere l'elenco della rete: {e}"),
                )
                .with_help(
                    "controllare `[network] file` in site.toml: il percorso è relativo a content/",
                ),
            );
            return Err(diags);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv_reader(text);
    check_headers(&mut reader, &file, text)?;
    let mut services = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                diags.push(
                    Diagnostic::error(&file, line, 1, format!("riga non leggibile: {e}"))
                        .with_source(text),
                );
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let row = Row {
            file: &file,
            text,
            line: record.position().map(|p| p.line() as usize).unwrap_or(0),
        };
        if let Some(service) = row.service(&record, config, &mut diags) {
            services.push(service);
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    services
        .sort_by(|a, b| (slug::slugify(&a.name), &a.kind).cmp(&(slug::slugify(&b.name), &b.kind)));
    Ok(Some(Network { rel, services }))
}

/// A reader of the file, whose separator is the comma or, when the first line has more of
/// them, the semicolon (as spreadsheets write it in Italian). Lines starting with `#` are
/// notes (where the data come from, and when) and are skipped.
fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    let delimiter = if text
        .lines()
        .find(|l| !l.starts_with('#'))
        .is_some_and(|l| l.matches(';').count() > l.matches(',').count())
    {
        b';'
    } else {
        b','
    };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes())
}

/// The first line names the columns, in order.
fn check_headers(
    reader: &mut csv::Reader<&[u8]>,
    file: &Path,
    text: &str,
) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::default();
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_lowercase()).collect(),
        Err(e) => {
            diags.push(Diagnostic::error(
                file,
                1,
                1,
                format!("intestazione non leggibile: {e}"),
            ));
            return Err(diags);
        }
    };
    if headers != COLUMNS {
        let help = format!("la prima riga deve essere: {}", COLUMNS.join(","));
        let message = match headers.iter().find(|h| !COLUMNS.contains(&h.as_str())) {
            Some(bad) => match did_you_mean(bad, COLUMNS.iter().copied()) {
                Some(s) => format!("colonna sconosciuta `{bad}` (forse `{s}`?)"),
                None => format!("colonna sconosciuta `{bad}`"),
            },
            None => "le colonne non sono quelle attese o non sono nell'ordine atteso".into(),
        };
        diags.push(
            Diagnostic::error(file, 1, 1, message)
                .with_help(help)
                .with_source(text),
        );
        return Err(diags);
    }
    Ok(())
}

/// One row of the file, where its problems are reported.
struct Row<'a> {
    file: &'a Path,
    text: &'a str,
    line: usize,
}

impl Row<'_> {
    fn problem(&self, column: &str, message: String, help: String) -> Diagnostic {
        Diagnostic::error(
            self.file,
            self.line,
            1,
            format!("colonna `{column}`: {message}"),
        )
        .with_help(help)
        .with_source(self.text)
    }

    /// The service of a row with every column; its problems go to `diags`.
    fn service(
        &self,
        record: &csv::StringRecord,
        config: &Config,
        diags: &mut Diagnostics,
    ) -> Option<Service> {
        if record.len() != COLUMNS.len() {
            diags.push(
                self.problem(
                    COLUMNS
                        .get(record.len().min(COLUMNS.len() - 1))
                        .copied()
                        .unwrap_or("name"),
                    format!(
                        "la riga ha {} campi invece di {}",
                        record.len(),
                        COLUMNS.len()
                    ),
                    "controllare i separatori: un campo che contiene una virgola va tra virgolette"
                        .into(),
                ),
            );
            return None;
        }
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        let service = Service {
            name: field(0),
            kind: field(1),
            area: field(2),
            municipality: field(3),
            address: field(4),
            phone: field(5),
            email: field(6),
            website: field(7),
        };
        self.check(&service, config, diags);
        Some(service)
    }

    /// A name, a known kind and area, an e-mail address and a website as they are written.
    fn check(&self, service: &Service, config: &Config, diags: &mut Diagnostics) {
        if service.name.is_empty() {
            diags.push(self.problem(
                "name",
                "il nome è vuoto".into(),
                "scrivere il nome del servizio".into(),
            ));
        }
        if !KINDS.iter().any(|(k, _)| *k == service.kind) {
            let kinds: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
            let help = match did_you_mean(&service.kind, kinds.iter().copied()) {
                Some(s) => format!("forse `{s}`? I tipi ammessi sono: {}", kinds.join(", ")),
                None => format!("i tipi ammessi sono: {}", kinds.join(", ")),
            };
            let message = format!("tipo sconosciuto `{}`", service.kind);
            diags.push(self.problem("kind", message, help));
        }
        if config.area(&service.area).is_none() {
            let ids: Vec<&str> = config.areas.iter().map(|a| a.id.as_str()).collect();
            diags.push(self.problem(
                "area",
                format!("bacino sconosciuto `{}`", service.area),
                format!("usare uno dei bacini di site.toml: {}", ids.join(", ")),
            ));
        }
        if !service.email.is_empty() && !service.email.contains('@') {
            diags.push(self.problem(
                "email",
                format!("indirizzo e-mail non valido `{}`", service.email),
                "scrivere un indirizzo come nome@ente.it".into(),
            ));
        }
        if !service.website.is_empty()
            && !service.website.starts_with("https://")
            && !service.website.starts_with("http://")
        {
            diags.push(self.problem(
                "website",
                format!("sito non valido `{}`", service.website),
                "scrivere l'indirizzo completo, con https://".into(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_lines_are_skipped_and_rows_keep_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::parse(
            "title = \"S\"\nshort_title = \"S\"\nowner = \"E\"\nbase_url = \"https://e.org/\"\n\
             accessibility_statement_url = \"https://form.agid.gov.it/view/a\"\n\
             [[areas]]\nid = \"nord\"\nname = \"Nord\"\nforeign_residents = 1\n\
             [network]\nfile = \"servizi.csv\"\n",
        )
        .unwrap();
        let text = "# Fonte: elenco di prova, 1 gennaio 2026\n\
                    name,kind,area,municipality,address,phone,email,website\n\
                    Comune di A,comune,nord,A,,,,\n\
                    Comune di B,comune,sud,B,,,,\n";
        std::fs::create_dir_all(dir.path().join(CONTENT_DIR)).unwrap();
        std::fs::write(dir.path().join(CONTENT_DIR).join("servizi.csv"), text).unwrap();
        let diags = match load(dir.path(), &config) {
            Err(d) => d,
            Ok(_) => panic!("the unknown area is an error"),
        };
        let shown = diags.to_string();
        assert!(shown.contains("content/servizi.csv:4:"), "{shown}");
        assert_eq!(diags.error_count(), 1, "{shown}");
    }
}
