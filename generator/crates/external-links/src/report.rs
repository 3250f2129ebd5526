//! What the editors read: each broken or moved link with the file and line that hold it, as
//! text for the terminal, as JSON for programs and as CSV, a file the portal can publish for
//! its editors and that opens in a spreadsheet.

use std::collections::HashMap;
use std::fmt;

use jiff::Timestamp;
use serde::Serialize;

use crate::collect::LinkUse;
use crate::probe::Verdict;
use crate::schedule::Checked;

/// A link an editor should look at.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub url: String,
    pub verdict: Verdict,
    /// The last HTTP status; 0 when no answer came.
    pub status: u16,
    /// Where the redirects led.
    pub location: Option<String>,
    /// The problem in Italian.
    pub problem: String,
    pub checked: Timestamp,
}

/// The result of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Distinct addresses checked.
    pub addresses: usize,
    /// Of those, how many were answered from the cache.
    pub from_cache: usize,
    pub findings: Vec<Finding>,
}

impl Report {
    /// The links of `uses` whose address is not simply answering, in file and line order.
    pub fn new(uses: &[LinkUse], checked: &[Checked]) -> Report {
        let by_url: HashMap<&str, &Checked> = checked.iter().map(|c| (c.url.as_str(), c)).collect();
        let mut findings: Vec<Finding> = uses
            .iter()
            .filter_map(|u| {
                let c = by_url.get(u.url.as_str())?;
                let verdict = c.outcome.verdict();
                (verdict != Verdict::Ok).then(|| Finding {
                    file: u.file.to_string_lossy().replace('\\', "/"),
                    line: u.line,
                    url: u.url.clone(),
                    verdict,
                    status: c.outcome.status,
                    location: c.outcome.location.clone(),
                    problem: c.outcome.describe(),
                    checked: c.checked,
                })
            })
            .collect();
        findings.sort_by(|a, b| (&a.file, a.line, &a.url).cmp(&(&b.file, b.line, &b.url)));
        Report {
            addresses: checked.len(),
            from_cache: checked.iter().filter(|c| c.cached).count(),
            findings,
        }
    }

    pub fn count(&self, verdict: Verdict) -> usize {
        self.findings
            .iter()
            .filter(|f| f.verdict == verdict)
            .count()
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report serialises")
    }

    /// One line per finding, with a header line naming the columns.
    pub fn csv(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record([
                "file", "line", "url", "verdict", "status", "location", "problem", "checked",
            ])
            .expect("writing to memory");
        for f in &self.findings {
            writer
                .write_record([
                    f.file.as_str(),
                    &f.line.to_string(),
                    &f.url,
                    verdict_label(f.verdict),
                    &f.status.to_string(),
                    f.location.as_deref().unwrap_or(""),
                    &f.problem,
                    &f.checked.to_string(),
                ])
                .expect("writing to memory");
        }
        writer.into_inner().expect("writing to memory")
    }
}

fn verdict_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Ok => "funzionante",
        Verdict::Moved => "spostato",
        Verdict::Redirected => "reindirizzato",
        Verdict::Broken => "interrotto",
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.verdict == Verdict::Broken {
            "errore"
        } else {
            "avviso"
        };
        write!(
            f,
            "{}:{}: {kind}: collegamento {}: {} ({})",
            self.file,
            self.line,
            verdict_label(self.verdict),
            self.url,
            self.problem
        )?;
        if let Some(location) = &self.location {
            write!(f, "\n     = porta a {location}")?;
        }
        match self.verdict {
            Verdict::Moved => write!(f, "\n     = come correggere: scrivere il nuovo indirizzo"),
            Verdict::Broken => write!(
                f,
                "\n     = come correggere: cercare il nuovo indirizzo della pagina o togliere il collegamento"
            ),
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        write!(
            f,
            "{} indirizzi esterni controllati ({} dalla cache): {} interrotti, {} spostati, {} reindirizzati",
            self.addresses,
            self.from_cache,
            self.count(Verdict::Broken),
            self.count(Verdict::Moved),
            self.count(Verdict::Redirected)
        )
    }
}
