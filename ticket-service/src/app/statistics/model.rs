//! The statistics as a page or a file reads them: values that know how to write themselves,
//! lines with the period and the one before, tables, and the appointment lines. Values hidden
//! by the small-cell rule stay hidden here, so no view can show them by mistake.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::domain::statistics::measures::{Disclosure, SMALL_CELL, Share, Spread};
use crate::domain::statistics::period::Period;
use crate::domain::urgency::{BusinessCalendar, UrgencyCode};

const DAY_SECS: f64 = 86_400.0;

/// What a withheld count reads.
pub const WITHHELD: &str = "non indicato";

/// `value` with one decimal, a comma or a point before it.
fn decimal(value: f64, comma: bool) -> String {
    let text = format!("{value:.1}");
    if comma { text.replace('.', ",") } else { text }
}

/// One figure as a page or a file shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Value {
    Count(u64),
    Days(f64),
    Percent(f64),
    /// Made of one or two reports, for a role that sees no single report.
    Hidden,
    /// Hidden with a [`Value::Hidden`] of its column, which the column's total would reveal
    /// by subtraction otherwise (`domain::small_cells`).
    Withheld,
    /// Nothing to measure in the period.
    Missing,
}

impl Value {
    /// The value as a page shows it: one decimal with a comma, "meno di 3" for a hidden cell.
    pub fn text(self) -> String {
        match self {
            Value::Count(count) => count.to_string(),
            Value::Days(days) => decimal(days, true),
            Value::Percent(percent) => format!("{} %", decimal(percent, true)),
            Value::Hidden => format!("meno di {SMALL_CELL}"),
            Value::Withheld => WITHHELD.to_owned(),
            Value::Missing => "–".to_owned(),
        }
    }

    /// The value as a spreadsheet reads it: a bare number, with a decimal comma or point;
    /// a hidden cell as words, a missing one empty.
    pub fn number(self, decimal_comma: bool) -> String {
        match self {
            Value::Count(count) => count.to_string(),
            Value::Days(value) | Value::Percent(value) => decimal(value, decimal_comma),
            Value::Hidden => format!("meno di {SMALL_CELL}"),
            Value::Withheld => WITHHELD.to_owned(),
            Value::Missing => String::new(),
        }
    }

    /// How much the value moved since the previous period; `None` when either is unknown.
    pub fn change_from(self, previous: Value) -> Option<String> {
        let signed = |value: f64, text: String| {
            if value > 0.0 {
                format!("+{text}")
            } else if value < 0.0 {
                format!("−{text}")
            } else {
                text
            }
        };
        match (self, previous) {
            (Value::Count(now), Value::Count(before)) => {
                let change = now as i64 - before as i64;
                Some(signed(change as f64, change.unsigned_abs().to_string()))
            }
            (Value::Days(now), Value::Days(before)) => {
                let change = now - before;
                Some(signed(change, decimal(change.abs(), true)))
            }
            (Value::Percent(now), Value::Percent(before)) => {
                let change = now - before;
                Some(signed(
                    change,
                    format!("{} punti", decimal(change.abs(), true)),
                ))
            }
            _ => None,
        }
    }

    pub(crate) fn count(count: u64, disclosure: Disclosure) -> Value {
        disclosure.count(count).map_or(Value::Hidden, Value::Count)
    }

    fn days(secs: Option<f64>, spread: Spread, disclosure: Disclosure) -> Value {
        match secs {
            _ if spread.count == 0 => Value::Missing,
            _ if !disclosure.shows(spread.count) => Value::Hidden,
            Some(secs) => Value::Days(secs / DAY_SECS),
            None => Value::Missing,
        }
    }

    pub(crate) fn median(spread: Spread, disclosure: Disclosure) -> Value {
        Value::days(spread.median_secs, spread, disclosure)
    }

    pub(crate) fn p90(spread: Spread, disclosure: Disclosure) -> Value {
        Value::days(spread.p90_secs.map(|secs| secs as f64), spread, disclosure)
    }

    pub(crate) fn share(share: Share, disclosure: Disclosure) -> Value {
        match share.percent() {
            None => Value::Missing,
            Some(_) if !share.shown(disclosure) => Value::Hidden,
            Some(percent) => Value::Percent(percent),
        }
    }
}

/// A line of a table: what it counts, in the period and in the one before.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    pub current: Value,
    pub previous: Value,
}

/// Counts of the reports by one dimension.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// The anchor of its section and the name of the section in the CSV.
    pub id: &'static str,
    pub title: &'static str,
    /// The header of the column that names each line.
    pub dimension: &'static str,
    pub rows: Vec<Row>,
    /// Whether the previous period's column means anything (not for months).
    pub compared: bool,
}

/// The appointment figures of one kind, or of all of them (`name` "Totale").
#[derive(Debug, Clone, Serialize)]
pub struct KindLine {
    pub name: String,
    pub seats: Value,
    pub used: Value,
    pub free: Value,
    pub cancelled: Value,
    pub attended: Value,
    pub no_shows: Value,
    pub no_show_share: Value,
    pub lead_median: Value,
    pub lead_p90: Value,
}

/// The statistics of a period, as tables.
#[derive(Debug, Clone, Serialize)]
pub struct Statistics {
    #[serde(skip)]
    pub period: Period,
    #[serde(skip)]
    pub previous: Period,
    pub disclosure: Disclosure,
    pub indicators: Vec<Row>,
    pub tables: Vec<Table>,
    pub kinds: Vec<KindLine>,
}

/// What the tables need besides the rows read.
pub(crate) struct Context<'a> {
    pub period: Period,
    pub disclosure: Disclosure,
    pub months: &'a [Date],
    pub urgency: &'a [UrgencyCode],
    pub calendar: &'a BusinessCalendar,
    pub zone: &'a TimeZone,
}

pub(crate) fn row(label: &str, current: Value, previous: Value) -> Row {
    Row {
        label: label.to_owned(),
        current,
        previous,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_in_italian_and_in_spreadsheets() {
        assert_eq!(Value::Days(2.26).text(), "2,3");
        assert_eq!(Value::Percent(12.5).text(), "12,5 %");
        assert_eq!(Value::Percent(12.5).number(false), "12.5");
        assert_eq!(Value::Hidden.text(), "meno di 3");
        assert_eq!(Value::Missing.number(true), "");
        assert_eq!(
            Value::Count(3).change_from(Value::Count(5)).as_deref(),
            Some("−2")
        );
        assert_eq!(
            Value::Days(3.0).change_from(Value::Days(1.5)).as_deref(),
            Some("+1,5")
        );
        assert_eq!(Value::Count(3).change_from(Value::Hidden), None);
    }
}
