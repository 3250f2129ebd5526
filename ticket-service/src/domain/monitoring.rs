//! The monitoring report of a period (the interim and final assessments the project
//! publishes): the period's days, the suppression of small counts, and the portal page that
//! holds the tables. No I/O: the figures come from `db::monitoring`.

use jiff::civil::Date;
use respi_sources::frontmatter::{FrontMatter, write_page};

use crate::charts::{Chart, Item};
use crate::domain::small_cells::complementary;

/// Counts below this are shown as "< 5", so no small group of people can be singled out.
pub const SMALL_CELL: i64 = 5;

/// A period of the report: a quarter (`2026-Q3`), a half (`2026-H1`) or a year (`2026`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub code: String,
    pub label: String,
    pub first: Date,
    pub last: Date,
}

/// Reads a period as the command line and the form take it.
pub fn parse_period(text: &str) -> Result<Period, String> {
    let code = text.trim().to_uppercase();
    let wrong = || {
        format!(
            "Periodo non valido «{}»: scrivi un trimestre (2026-Q3), un semestre (2026-H1) o un anno (2026).",
            text.trim()
        )
    };
    let (year, part) = code
        .split_once('-')
        .map_or((code.as_str(), None), |(y, p)| (y, Some(p)));
    let year: i16 = year
        .parse()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(wrong)?;
    let (first_month, months, label) = match part {
        None => (1, 12, format!("anno {year}")),
        Some(q @ ("Q1" | "Q2" | "Q3" | "Q4")) => {
            let n: i8 = q[1..].parse().map_err(|_| wrong())?;
            (3 * n - 2, 3, format!("{}º trimestre {year}", n))
        }
        Some(h @ ("H1" | "H2")) => {
            let n: i8 = h[1..].parse().map_err(|_| wrong())?;
            (6 * n - 5, 6, format!("{}º semestre {year}", n))
        }
        Some(_) => return Err(wrong()),
    };
    let first = Date::new(year, first_month, 1).map_err(|_| wrong())?;
    let after = first
        .checked_add(jiff::Span::new().months(months))
        .map_err(|_| wrong())?;
    let last = after.yesterday().map_err(|_| wrong())?;
    Ok(Period {
        code,
        label,
        first,
        last,
    })
}

/// A count as the report shows it: below [`SMALL_CELL`] only "< 5".
pub fn shown(count: i64) -> String {
    if count < SMALL_CELL {
        format!("< {SMALL_CELL}")
    } else {
        count.to_string()
    }
}

/// The median of `values` (days), with one decimal; `None` when there are fewer than
/// [`SMALL_CELL`] of them, as a median of few cases would describe those few.
pub fn median_days(values: &mut [f64]) -> Option<String> {
    if (values.len() as i64) < SMALL_CELL {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    let median = if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    };
    Some(format!("{median:.1}").replace('.', ","))
}

/// One table of the report: a caption, the header of the first column, and (label, count) rows.
#[derive(Debug, Clone)]
pub struct CountTable {
    pub caption: String,
    pub first_column: String,
    pub rows: Vec<(String, i64)>,
    /// The rows add up to a figure the page gives (the reports received, the page views): a
    /// single small count would be recovered by subtraction, so a second one is hidden with it.
    pub adds_up: bool,
}

/// What the report shows for a count hidden only so that a small one cannot be recovered.
pub const WITHHELD: &str = "non indicato";

impl CountTable {
    /// Each row's count as the page shows it: the number, "< 5", or [`WITHHELD`].
    pub fn cells(&self) -> Vec<String> {
        let counts: Vec<u64> = self
            .rows
            .iter()
            .map(|(_, n)| u64::try_from(*n).unwrap_or(0))
            .collect();
        let small: Vec<bool> = self.rows.iter().map(|(_, n)| *n < SMALL_CELL).collect();
        let hidden = complementary(&counts, &small, self.adds_up);
        self.rows
            .iter()
            .zip(hidden)
            .map(|((_, n), hidden)| match (*n < SMALL_CELL, hidden) {
                (true, _) => shown(*n),
                (false, true) => WITHHELD.to_owned(),
                (false, false) => n.to_string(),
            })
            .collect()
    }
}

impl CountTable {
    /// The chart of the table's counts that the page shows as numbers; the hidden ones ("< 5",
    /// [`WITHHELD`]) get no bar. `None` when no count is shown.
    pub fn chart(&self, id: &str) -> Option<Chart> {
        let cells = self.cells();
        let items: Vec<Item<'_>> = self
            .rows
            .iter()
            .zip(cells)
            .filter(|((_, n), cell)| *cell == n.to_string())
            .map(|((label, n), cell)| Item {
                label,
                text: cell,
                count: u64::try_from(*n).ok(),
            })
            .collect();
        if items.is_empty() {
            return None;
        }
        let left_out = if items.len() < self.rows.len() {
            format!(
                " Le voci con meno di {SMALL_CELL} o con il numero non indicato non sono disegnate, per non rivelarle: la tabella le elenca."
            )
        } else {
            String::new()
        };
        Some(Chart::new(
            id.to_owned(),
            self.caption.clone(),
            format!(
                "Grafico a barre orizzontali: una barra per voce, lunga quanto il numero, con il numero scritto accanto.{left_out} Gli stessi dati sono nella tabella che segue."
            ),
            &items,
        ))
    }
}

/// The file of the chart of the `index`-th table of the page `stem`, next to the page.
pub fn chart_file(stem: &str, index: usize) -> String {
    format!("{stem}-grafico-{}.svg", index + 1)
}

/// The charts of the page `stem`: each file's name and its SVG.
pub fn charts(tables: &[CountTable], stem: &str) -> Vec<(String, String)> {
    tables
        .iter()
        .enumerate()
        .filter_map(|(index, table)| {
            let file = chart_file(stem, index);
            let id = file.trim_end_matches(".svg").to_owned();
            table.chart(&id).map(|chart| (file, chart.svg()))
        })
        .collect()
}

/// What the page says besides the tables.
pub struct ReportText<'a> {
    pub period: &'a Period,
    pub reports_filed: i64,
    pub answered: i64,
    pub median_answer_days: Option<String>,
    pub page_views: i64,
    pub tables: &'a [CountTable],
    /// The page's file name without `.md`, which its charts' files start with.
    pub stem: &'a str,
}

fn table(out: &mut String, table: &CountTable, chart: Option<&str>) {
    if table.rows.is_empty() {
        out.push_str(&format!("{}: nessun dato nel periodo.\n\n", table.caption));
        return;
    }
    if let Some(file) = chart {
        out.push_str(&format!(
            "![{}: grafico a barre con i numeri della tabella che segue]({file})\n\n",
            table.caption.replace(['[', ']'], "")
        ));
    }
    out.push_str(&format!("Table: {} {{righe}}\n\n", table.caption));
    out.push_str(&format!("| {} | Numero |\n|---|---|\n", table.first_column));
    let cells = table.cells();
    for ((label, _), cell) in table.rows.iter().zip(&cells) {
        let label = label.replace('|', "/");
        out.push_str(&format!("| {label} | {cell} |\n"));
    }
    out.push('\n');
    if chart.is_some()
        && cells
            .iter()
            .any(|cell| !cell.chars().all(|c| c.is_ascii_digit()))
    {
        out.push_str(&format!(
            "Nel grafico non hanno barra le voci con meno di {SMALL_CELL} o con il numero non indicato.\n\n"
        ));
    }
    if cells.iter().any(|cell| cell == WITHHELD) {
        out.push_str(&format!(
            "«{WITHHELD}»: il numero non è indicato perché, togliendo dal totale dato «In sintesi» gli altri numeri della tabella, si ricaverebbe un numero inferiore a {SMALL_CELL}.\n\n"
        ));
    }
}

/// The portal page of the report: a draft for the editors to read before publishing.
pub fn page(text: &ReportText<'_>) -> String {
    let period = text.period;
    let mut body = format!(
        "Dati aggregati della rete per il periodo dal {} al {}. I numeri inferiori a {SMALL_CELL} sono indicati come «< {SMALL_CELL}», perché non si possano riconoscere le persone.\n\n## In sintesi\n\n",
        period.first.strftime("%d/%m/%Y"),
        period.last.strftime("%d/%m/%Y"),
    );
    body.push_str(&format!(
        "- Segnalazioni ricevute: {}\n- Segnalazioni con risposta pubblicata nel periodo: {}\n- Tempo mediano di risposta: {}\n- Letture delle pagine del portale: {}\n\n## Tabelle\n\n",
        shown(text.reports_filed),
        shown(text.answered),
        text.median_answer_days
            .as_ref()
            .map_or_else(|| "non indicato (meno di 5 risposte)".to_owned(), |d| format!("{d} giorni")),
        shown(text.page_views),
    ));
    let drawn = charts(text.tables, text.stem);
    for (index, t) in text.tables.iter().enumerate() {
        let file = chart_file(text.stem, index);
        let chart = drawn
            .iter()
            .any(|(name, _)| *name == file)
            .then_some(file.as_str());
        table(&mut body, t, chart);
    }
    let front = FrontMatter {
        title: Some(format!("Monitoraggio della rete: {}", period.label)),
        description: format!("I dati aggregati della rete ReSPI, {}.", period.label),
        draft: true,
        ..FrontMatter::default()
    };
    write_page(&front, &body).expect("a front matter of strings writes as YAML")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_quarters_halves_or_years() {
        let q3 = parse_period("2026-q3").unwrap();
        assert_eq!(
            (q3.first.to_string(), q3.last.to_string()),
            ("2026-07-01".into(), "2026-09-30".into())
        );
        assert_eq!(q3.code, "2026-Q3");
        let h1 = parse_period("2026-H1").unwrap();
        assert_eq!(h1.last.to_string(), "2026-06-30");
        let year = parse_period("2026").unwrap();
        assert_eq!(year.last.to_string(), "2026-12-31");
        for wrong in ["2026-Q5", "Q3", "26-Q1", "2026-X"] {
            assert!(
                parse_period(wrong)
                    .unwrap_err()
                    .contains("Periodo non valido"),
                "{wrong}"
            );
        }
    }

    #[test]
    fn counts_below_five_are_suppressed() {
        for small in 0..5 {
            assert_eq!(shown(small), "< 5");
        }
        assert_eq!(shown(5), "5");
        assert_eq!(shown(123), "123");
        assert_eq!(median_days(&mut [1.0, 2.0, 3.0, 4.0]), None);
        assert_eq!(
            median_days(&mut [5.0, 1.0, 3.0, 2.0, 4.0]).as_deref(),
            Some("3,0")
        );
    }

    #[test]
    fn a_small_count_that_the_total_would_reveal_hides_a_second_one() {
        let period = parse_period("2026-Q3").unwrap();
        let rows = vec![
            ("Lavoro".to_owned(), 3),
            ("Cittadinanza".to_owned(), 12),
            ("Casa".to_owned(), 7),
        ];
        let tables = [CountTable {
            caption: "Segnalazioni per argomento".into(),
            first_column: "Argomento".into(),
            rows,
            adds_up: true,
        }];
        let text = page(&ReportText {
            period: &period,
            reports_filed: 22,
            answered: 0,
            median_answer_days: None,
            page_views: 0,
            tables: &tables,
            stem: "2026-q3",
        });
        assert!(text.contains("| Lavoro | < 5 |"), "{text}");
        assert!(text.contains("| Casa | non indicato |"), "{text}");
        assert!(text.contains("| Cittadinanza | 12 |"), "{text}");
        assert!(text.contains("«non indicato»: il numero non è indicato"));
    }

    #[test]
    fn the_page_shows_small_counts_as_less_than_five() {
        let period = parse_period("2026-Q3").unwrap();
        let tables = [CountTable {
            caption: "Segnalazioni per argomento".into(),
            first_column: "Argomento".into(),
            rows: vec![("Lavoro".into(), 3), ("Cittadinanza".into(), 12)],
            adds_up: false,
        }];
        let text = page(&ReportText {
            period: &period,
            reports_filed: 15,
            answered: 4,
            median_answer_days: None,
            page_views: 0,
            tables: &tables,
            stem: "2026-q3",
        });
        assert!(text.contains("draft: true"), "{text}");
        assert!(text.contains("| Lavoro | < 5 |"), "{text}");
        assert!(text.contains("| Cittadinanza | 12 |"), "{text}");
        assert!(text.contains("Segnalazioni con risposta pubblicata nel periodo: < 5"));
        assert!(text.contains("Table: Segnalazioni per argomento {righe}"));
    }
}
