//! The statistics as labelled tables, the same for the page and the CSV: the indicators with
//! the previous period beside them, the counts by month and by each dimension, and the
//! appointment figures of each kind. Values hidden by the small-cell rule stay hidden here,
//! so no view can show them by mistake.

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;

use super::Loaded;
use crate::db::statistics::BookingLine;
use crate::domain::report::ReportState;
use crate::domain::report_fields::{label_of, office_choices};
use crate::domain::statistics::bookings::{
    BookingFacts, BookingFigures, BookingOutcome, booking_figures, seats_offered,
};
use crate::domain::statistics::figures::{ReportFigures, compared, report_figures};
use crate::domain::statistics::measures::{Disclosure, SMALL_CELL, Share, Spread};
use crate::domain::statistics::period::Period;
use crate::domain::urgency::{BusinessCalendar, UrgencyCode};

const DAY_SECS: f64 = 86_400.0;

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

    fn count(count: u64, disclosure: Disclosure) -> Value {
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

    fn median(spread: Spread, disclosure: Disclosure) -> Value {
        Value::days(spread.median_secs, spread, disclosure)
    }

    fn p90(spread: Spread, disclosure: Disclosure) -> Value {
        Value::days(spread.p90_secs.map(|secs| secs as f64), spread, disclosure)
    }

    fn share(share: Share, disclosure: Disclosure) -> Value {
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
    pub today: Date,
    pub months: &'a [Date],
    pub month_starts: &'a [i64],
    pub urgency: &'a [UrgencyCode],
    pub calendar: &'a BusinessCalendar,
    pub zone: &'a TimeZone,
}

pub(crate) fn build(context: &Context<'_>, loaded: Loaded) -> Statistics {
    let previous_period = context.period.previous();
    let previous_starts: Vec<i64> = Vec::new();
    let current = report_figures(&loaded.current, context.month_starts, context.today);
    let previous = report_figures(&loaded.previous, &previous_starts, context.today);
    let (kinds, totals) = appointment_lines(context, context.period, &loaded.bookings, &loaded);
    let (_, previous_totals) =
        appointment_lines(context, previous_period, &loaded.previous_bookings, &loaded);
    let mut indicators = report_indicators(&current, &previous, context.disclosure);
    indicators.extend(booking_indicators(
        &totals,
        &previous_totals,
        context.disclosure,
    ));
    let tables = dimension_tables(context, &current, &previous, &loaded);
    Statistics {
        period: context.period,
        previous: previous_period,
        disclosure: context.disclosure,
        indicators,
        tables,
        kinds,
    }
}

fn row(label: &str, current: Value, previous: Value) -> Row {
    Row {
        label: label.to_owned(),
        current,
        previous,
    }
}

fn report_indicators(now: &ReportFigures, before: &ReportFigures, d: Disclosure) -> Vec<Row> {
    let spreads = |label: &str, now: Spread, before: Spread| {
        [
            row(
                &format!("{label}: mediana (giorni)"),
                Value::median(now, d),
                Value::median(before, d),
            ),
            row(
                &format!("{label}: 90° percentile (giorni)"),
                Value::p90(now, d),
                Value::p90(before, d),
            ),
        ]
    };
    let shares = |label: &str, now: Share, before: Share| {
        row(label, Value::share(now, d), Value::share(before, d))
    };
    let mut rows = vec![
        row(
            "Segnalazioni inviate",
            Value::count(now.total, d),
            Value::count(before.total, d),
        ),
        row(
            "Segnalazioni con una risposta pubblicata",
            Value::count(now.first_answer.count, d),
            Value::count(before.first_answer.count, d),
        ),
    ];
    rows.extend(spreads(
        "Tempo dall’invio alla prima risposta",
        now.first_answer,
        before.first_answer,
    ));
    rows.extend(spreads(
        "Attesa presso la Questura",
        now.waiting_questura,
        before.waiting_questura,
    ));
    rows.extend(spreads(
        "Attesa presso la Prefettura",
        now.waiting_prefettura,
        before.waiting_prefettura,
    ));
    rows.extend([
        shares(
            "Riaperte, tra quelle con risposta (%)",
            now.reopened,
            before.reopened,
        ),
        shares(
            "Risposte validate, tra quelle con risposta (%)",
            now.validated,
            before.validated,
        ),
        shares(
            "Risposte rifiutate almeno una volta (%)",
            now.refused,
            before.refused,
        ),
        shares(
            "In ritardo oggi, sul totale (%)",
            now.overdue,
            before.overdue,
        ),
    ]);
    rows
}

fn booking_indicators(now: &BookingFigures, before: &BookingFigures, d: Disclosure) -> Vec<Row> {
    let counts = |label: &str, pick: fn(&BookingFigures) -> u64| {
        row(
            label,
            Value::count(pick(now), d),
            Value::count(pick(before), d),
        )
    };
    vec![
        counts("Appuntamenti: posti offerti", |f| f.seats),
        counts("Appuntamenti: posti prenotati", |f| f.used),
        counts("Appuntamenti: posti rimasti liberi", |f| f.free),
        counts("Appuntamenti: prenotazioni annullate", |f| f.cancelled),
        row(
            "Appuntamenti: assenze, tra le presenze registrate (%)",
            Value::share(now.no_show_share, d),
            Value::share(before.no_show_share, d),
        ),
        row(
            "Appuntamenti: anticipo della prenotazione, mediana (giorni)",
            Value::median(now.lead, d),
            Value::median(before.lead, d),
        ),
        row(
            "Appuntamenti: anticipo della prenotazione, 90° percentile (giorni)",
            Value::p90(now.lead, d),
            Value::p90(before.lead, d),
        ),
    ]
}

/// The figures of each kind of appointment in `period`, and of all kinds together.
fn appointment_lines(
    context: &Context<'_>,
    period: Period,
    bookings: &[BookingLine],
    loaded: &Loaded,
) -> (Vec<KindLine>, BookingFigures) {
    let mut by_kind: HashMap<i64, Vec<BookingFacts>> = HashMap::new();
    for booking in bookings {
        let Some(outcome) = BookingOutcome::from_state(&booking.state) else {
            continue;
        };
        let starts = booking
            .starts_at
            .to_zoned(context.zone.clone())
            .map_or(booking.created_at, |zoned| zoned.timestamp().as_second());
        let facts = BookingFacts {
            outcome,
            lead_secs: starts - booking.created_at,
        };
        by_kind.entry(booking.kind_id).or_default().push(facts);
    }
    let mut lines = Vec::new();
    let (mut seats_in_all, mut all) = (0, Vec::new());
    for (id, name, kind) in &loaded.kinds {
        let seats = kind.as_ref().map_or(0, |kind| {
            seats_offered(&kind.plan, period, context.calendar)
        });
        let facts = by_kind.remove(id).unwrap_or_default();
        if seats == 0 && facts.is_empty() {
            continue;
        }
        lines.push(kind_line(
            name,
            &booking_figures(seats, &facts),
            context.disclosure,
        ));
        seats_in_all += seats;
        all.extend(facts);
    }
    let totals = booking_figures(seats_in_all, &all);
    if lines.len() > 1 {
        lines.push(kind_line("Totale", &totals, context.disclosure));
    }
    (lines, totals)
}

fn kind_line(name: &str, figures: &BookingFigures, d: Disclosure) -> KindLine {
    KindLine {
        name: name.to_owned(),
        seats: Value::count(figures.seats, d),
        used: Value::count(figures.used, d),
        free: Value::count(figures.free, d),
        cancelled: Value::count(figures.cancelled, d),
        attended: Value::count(figures.attended, d),
        no_shows: Value::count(figures.no_shows, d),
        no_show_share: Value::share(figures.no_show_share, d),
        lead_median: Value::median(figures.lead, d),
        lead_p90: Value::p90(figures.lead, d),
    }
}

/// Rows of counts by a key, labelled, in the order `rank` gives (then by label).
fn count_rows<K: Eq + std::hash::Hash + Clone>(
    now: &HashMap<K, u64>,
    before: &HashMap<K, u64>,
    d: Disclosure,
    label: impl Fn(&K) -> String,
    rank: impl Fn(&K, u64) -> (usize, i64),
) -> Vec<Row> {
    let mut rows: Vec<((usize, i64), Row)> = compared(now, before)
        .into_iter()
        .map(|(key, current, previous)| {
            let row = row(
                &label(&key),
                Value::count(current, d),
                Value::count(previous, d),
            );
            (rank(&key, current), row)
        })
        .collect();
    rows.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.label.cmp(&y.label)));
    rows.into_iter().map(|(_, row)| row).collect()
}

/// Larger counts first.
fn by_count<K>(_: &K, count: u64) -> (usize, i64) {
    (0, -(count as i64))
}

fn dimension_tables(
    context: &Context<'_>,
    now: &ReportFigures,
    before: &ReportFigures,
    loaded: &Loaded,
) -> Vec<Table> {
    let d = context.disclosure;
    let names: HashMap<i64, &str> = loaded
        .organisations
        .iter()
        .map(|o| (o.id, o.name.as_str()))
        .collect();
    let areas: HashMap<i64, &str> = loaded
        .organisations
        .iter()
        .filter_map(|o| Some((o.id, o.area.as_deref()?)))
        .collect();
    let topics: HashMap<i64, &str> = loaded
        .topics
        .iter()
        .map(|(id, name)| (*id, name.as_str()))
        .collect();
    let by_area = |counts: &HashMap<i64, u64>| {
        let mut out: HashMap<String, u64> = HashMap::new();
        for (organisation, count) in counts {
            let area = areas.get(organisation).map_or("Senza bacino", |area| area);
            *out.entry(area.to_owned()).or_default() += count;
        }
        out
    };
    let state_rank = |state: &ReportState, _| {
        (
            ReportState::ALL
                .iter()
                .position(|s| s == state)
                .unwrap_or(usize::MAX),
            0,
        )
    };
    let urgency_rank = |code: &String, _| {
        (
            context
                .urgency
                .iter()
                .position(|u| &u.code == code)
                .unwrap_or(usize::MAX),
            0,
        )
    };
    let urgency_label = |code: &String| {
        context
            .urgency
            .iter()
            .find(|u| &u.code == code)
            .map_or_else(|| code.clone(), |u| format!("{} – {}", u.code, u.label))
    };
    let offices = office_choices();
    vec![
        month_table(context, now),
        table(
            "stato",
            "Segnalazioni per stato",
            "Stato",
            count_rows(
                &now.by_state,
                &before.by_state,
                d,
                |s| s.label().to_owned(),
                state_rank,
            ),
        ),
        table(
            "urgenza",
            "Segnalazioni per urgenza",
            "Urgenza",
            count_rows(
                &now.by_urgency,
                &before.by_urgency,
                d,
                urgency_label,
                urgency_rank,
            ),
        ),
        table(
            "argomento",
            "Segnalazioni per argomento",
            "Argomento",
            count_rows(
                &now.by_topic,
                &before.by_topic,
                d,
                |t| {
                    t.and_then(|id| topics.get(&id))
                        .map_or("Senza argomento".to_owned(), |n| (*n).to_owned())
                },
                by_count,
            ),
        ),
        table(
            "organizzazione",
            "Segnalazioni per sportello o servizio",
            "Sportello o servizio",
            count_rows(
                &now.by_organisation,
                &before.by_organisation,
                d,
                |id| {
                    names
                        .get(id)
                        .map_or_else(|| format!("Organizzazione {id}"), |n| (*n).to_owned())
                },
                by_count,
            ),
        ),
        table(
            "bacino",
            "Segnalazioni per bacino territoriale",
            "Bacino territoriale",
            count_rows(
                &by_area(&now.by_organisation),
                &by_area(&before.by_organisation),
                d,
                String::clone,
                by_count,
            ),
        ),
        table(
            "destinatario",
            "Segnalazioni per ufficio destinatario",
            "Ufficio destinatario",
            count_rows(
                &now.by_addressed_office,
                &before.by_addressed_office,
                d,
                |value| label_of(&offices, value).map_or_else(|| value.clone(), str::to_owned),
                by_count,
            ),
        ),
    ]
}

fn table(id: &'static str, title: &'static str, dimension: &'static str, rows: Vec<Row>) -> Table {
    Table {
        id,
        title,
        dimension,
        rows,
        compared: true,
    }
}

const MONTHS: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

fn month_table(context: &Context<'_>, now: &ReportFigures) -> Table {
    let rows = context
        .months
        .iter()
        .zip(&now.by_month)
        .map(|(month, count)| {
            let name = MONTHS[usize::try_from(month.month() - 1).unwrap_or(0)];
            let label = format!("{name} {}", month.year());
            row(
                &label,
                Value::count(*count, context.disclosure),
                Value::Missing,
            )
        })
        .collect();
    Table {
        id: "mese",
        title: "Segnalazioni per mese",
        dimension: "Mese",
        rows,
        compared: false,
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
