//! The statistics as CSV files for spreadsheets: UTF-8 with a byte-order mark, so that
//! spreadsheet programs read accents right, and `;` with decimal commas for Italian ones or
//! `,` with decimal points. The file of aggregates holds the same tables as the page; the
//! file of single reports holds no citizen data, only what the statistics count.

use crate::app::statistics::{NamedLine, Statistics, Value};
use crate::domain::report_fields::{label_of, office_choices};

/// The byte-order mark that starts every file.
pub const BOM: &[u8] = "\u{feff}".as_bytes();

/// The separator asked for in the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// `;` and decimal commas, as Italian spreadsheets expect.
    Semicolon,
    /// `,` and decimal points.
    Comma,
}

impl Separator {
    /// The form's `separatore` field: `punto-e-virgola` (the default) or `virgola`.
    pub fn from_form(value: Option<&str>) -> Option<Separator> {
        match value.unwrap_or("punto-e-virgola") {
            "punto-e-virgola" | "" => Some(Separator::Semicolon),
            "virgola" => Some(Separator::Comma),
            _ => None,
        }
    }

    fn byte(self) -> u8 {
        match self {
            Separator::Semicolon => b';',
            Separator::Comma => b',',
        }
    }

    fn decimal_comma(self) -> bool {
        self == Separator::Semicolon
    }
}

/// A spreadsheet must not take a cell for a formula (CSV injection): such cells get a `'`.
fn safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn writer(separator: Separator) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(separator.byte())
        .from_writer(BOM.to_vec())
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

/// Every table of the page, one line per figure: section, line, the period's value, the
/// previous period's value.
pub fn aggregates(statistics: &Statistics, separator: Separator) -> Result<Vec<u8>, csv::Error> {
    let comma = separator.decimal_comma();
    let number = |value: Value| value.number(comma);
    let mut out = writer(separator);
    let period = format!(
        "dal {} al {}",
        statistics.period.from, statistics.period.until
    );
    let previous = format!(
        "dal {} al {}",
        statistics.previous.from, statistics.previous.until
    );
    out.write_record(["sezione", "voce", &period, &previous])?;
    for row in &statistics.indicators {
        out.write_record([
            "indicatori",
            &safe(&row.label),
            &number(row.current),
            &number(row.previous),
        ])?;
    }
    for table in &statistics.tables {
        for row in &table.rows {
            out.write_record([
                table.id,
                &safe(&row.label),
                &number(row.current),
                &number(row.previous),
            ])?;
        }
    }
    for kind in &statistics.kinds {
        let figures = [
            ("posti offerti", kind.seats),
            ("posti prenotati", kind.used),
            ("posti rimasti liberi", kind.free),
            ("prenotazioni annullate", kind.cancelled),
            ("presenti", kind.attended),
            ("assenti", kind.no_shows),
            ("assenze tra le presenze registrate (%)", kind.no_show_share),
            (
                "anticipo della prenotazione, mediana (giorni)",
                kind.lead_median,
            ),
            (
                "anticipo della prenotazione, 90° percentile (giorni)",
                kind.lead_p90,
            ),
        ];
        for (label, value) in figures {
            let line = format!("{}: {label}", kind.name);
            out.write_record(["appuntamenti", &safe(&line), &number(value), ""])?;
        }
    }
    finish(out)
}

fn days(secs: Option<i64>, comma: bool) -> String {
    secs.map(|secs| Value::Days(secs as f64 / 86_400.0).number(comma))
        .unwrap_or_default()
}

/// One line per report, for roles that see every single report: no citizen data.
pub fn reports(
    lines: &[NamedLine],
    today: jiff::civil::Date,
    separator: Separator,
) -> Result<Vec<u8>, csv::Error> {
    let comma = separator.decimal_comma();
    let offices = office_choices();
    let mut out = writer(separator);
    out.write_record([
        "protocollo",
        "inviata_il",
        "stato",
        "urgenza",
        "argomento",
        "sportello_o_servizio",
        "bacino",
        "ufficio_destinatario",
        "giorni_alla_prima_risposta",
        "giorni_di_attesa_presso_l_ente",
        "riaperture",
        "validazioni",
        "rifiuti",
        "in_ritardo_oggi",
    ])?;
    for named in lines {
        let facts = &named.line.facts;
        let filed = crate::clock::local_date(facts.filed_at).to_string();
        let first_answer = facts.first_answer_at.map(|at| at - facts.filed_at);
        let waited = (facts.waits > 0).then_some(facts.waited_secs);
        let office = label_of(&offices, &facts.addressed_office).unwrap_or(&facts.addressed_office);
        out.write_record([
            named.line.protocol.as_str(),
            &filed,
            facts.state.label(),
            &facts.urgency,
            &safe(&named.topic),
            &safe(&named.organisation),
            &safe(&named.area),
            office,
            &days(first_answer, comma),
            &days(waited, comma),
            &facts.reopen_count.to_string(),
            &facts.validations.to_string(),
            &facts.refusals.to_string(),
            if facts.is_overdue(today) { "sì" } else { "no" },
        ])?;
    }
    finish(out)
}
