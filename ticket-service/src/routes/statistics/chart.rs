//! Bar charts as server-drawn SVG (ACCESSIBILITY.md): `role="img"` with a title and a
//! description, every bar labelled with its name and its value in text, one colour that
//! carries no meaning of its own, and the same figures in the table that follows each chart.
//! Only presentation attributes, no inline style, so the page's CSP holds.

use serde::Serialize;

use crate::app::statistics::{Table, Value};

/// Bars drawn at most; the table lists every line.
pub const MAX_BARS: usize = 15;
const WIDTH: u32 = 640;
const BAR_SPACE: f64 = 480.0;
const ROW_HEIGHT: u32 = 46;

#[derive(Debug, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: String,
    pub label_y: u32,
    pub bar_y: u32,
    pub width: f64,
    pub value_x: f64,
    pub value_y: u32,
}

#[derive(Debug, Serialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub description: String,
    pub width: u32,
    pub height: u32,
    pub bars: Vec<Bar>,
}

/// The chart of the current period's counts of `table`, or `None` when it has nothing.
pub fn bar_chart(table: &Table, period: &str) -> Option<Chart> {
    let counts: Vec<(&str, Value)> = table
        .rows
        .iter()
        .map(|row| (row.label.as_str(), row.current))
        .filter(|(_, value)| !matches!(value, Value::Count(0) | Value::Missing))
        .take(MAX_BARS)
        .collect();
    if counts.is_empty() {
        return None;
    }
    let max = counts
        .iter()
        .filter_map(|(_, value)| match value {
            Value::Count(count) => Some(*count),
            _ => None,
        })
        .max()
        .unwrap_or(1)
        .max(1);
    let bars = counts
        .iter()
        .zip(0u32..)
        .map(|((label, value), index)| bar(label, *value, index, max))
        .collect::<Vec<_>>();
    let shown = if table.rows.len() > bars.len() {
        format!(
            " Sono disegnate le prime {} voci; la tabella le elenca tutte.",
            bars.len()
        )
    } else {
        String::new()
    };
    Some(Chart {
        id: format!("grafico-{}", table.id),
        title: format!("{}, {period}", table.title),
        description: format!(
            "Grafico a barre orizzontali: una barra per voce, lunga quanto il numero di segnalazioni, con il numero scritto accanto.{shown} Gli stessi dati sono nella tabella che segue."
        ),
        width: WIDTH,
        height: ROW_HEIGHT * bars.len() as u32 + 8,
        bars,
    })
}

fn bar(label: &str, value: Value, index: u32, max: u64) -> Bar {
    let top = index * ROW_HEIGHT;
    let width = match value {
        Value::Count(count) => (count as f64 / max as f64 * BAR_SPACE).max(1.0),
        _ => 0.0,
    };
    Bar {
        label: label.to_owned(),
        value: value.text(),
        label_y: top + 16,
        bar_y: top + 22,
        width: (width * 10.0).round() / 10.0,
        value_x: (width + 8.0).round(),
        value_y: top + 38,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::statistics::Row;

    fn table(rows: &[(&str, Value)]) -> Table {
        Table {
            id: "stato",
            title: "Segnalazioni per stato",
            dimension: "Stato",
            rows: rows
                .iter()
                .map(|(label, value)| Row {
                    label: (*label).to_owned(),
                    current: *value,
                    previous: Value::Missing,
                })
                .collect(),
            compared: true,
        }
    }

    #[test]
    fn bars_are_as_long_as_their_counts_and_say_their_values() {
        let chart = bar_chart(
            &table(&[
                ("Nuova", Value::Count(4)),
                ("Chiusa", Value::Count(2)),
                ("Riaperta", Value::Count(0)),
                ("Validata", Value::Hidden),
            ]),
            "dal 01/03/2026 al 31/03/2026",
        )
        .unwrap();
        assert_eq!(chart.bars.len(), 3, "zero counts draw no bar");
        assert_eq!(chart.bars[0].width, BAR_SPACE);
        assert_eq!(chart.bars[1].width, BAR_SPACE / 2.0);
        assert_eq!(chart.bars[2].width, 0.0);
        assert_eq!(chart.bars[2].value, "meno di 3");
        assert!(chart.title.contains("dal 01/03/2026"));
    }

    #[test]
    fn an_empty_table_has_no_chart() {
        assert!(bar_chart(&table(&[("Nuova", Value::Count(0))]), "x").is_none());
    }
}
