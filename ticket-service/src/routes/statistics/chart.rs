//! The statistics page's bar charts ([`crate::charts`]): one for the current period's counts
//! of each table, drawn by the page's template.

use crate::app::statistics::{Table, Value};
pub use crate::charts::Chart;
use crate::charts::Item;

/// Bars drawn at most; the table lists every line.
pub const MAX_BARS: usize = 15;

/// The chart of the current period's counts of `table`, or `None` when it has nothing.
pub fn bar_chart(table: &Table, period: &str) -> Option<Chart> {
    let items: Vec<Item<'_>> = table
        .rows
        .iter()
        .filter(|row| !matches!(row.current, Value::Count(0) | Value::Missing))
        .take(MAX_BARS)
        .map(|row| Item {
            label: &row.label,
            text: row.current.text(),
            count: match row.current {
                Value::Count(count) => Some(count),
                _ => None,
            },
        })
        .collect();
    if items.is_empty() {
        return None;
    }
    let shown = if table.rows.len() > items.len() {
        format!(
            " Sono disegnate le prime {} voci; la tabella le elenca tutte.",
            items.len()
        )
    } else {
        String::new()
    };
    Some(Chart::new(
        format!("grafico-{}", table.id),
        format!("{}, {period}", table.title),
        format!(
            "Grafico a barre orizzontali: una barra per voce, lunga quanto il numero di segnalazioni, con il numero scritto accanto.{shown} Gli stessi dati sono nella tabella che segue."
        ),
        &items,
    ))
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
        assert_eq!(chart.bars[0].width, 480.0);
        assert_eq!(chart.bars[1].width, 240.0);
        assert_eq!(chart.bars[2].width, 0.0);
        assert_eq!(chart.bars[2].value, "meno di 3");
        assert!(chart.title.contains("dal 01/03/2026"));
    }

    #[test]
    fn an_empty_table_has_no_chart() {
        assert!(bar_chart(&table(&[("Nuova", Value::Count(0))]), "x").is_none());
    }
}
