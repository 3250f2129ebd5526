//! The counts of the reports by month and by each dimension (state, urgency, topic,
//! organisation, area, addressed office), labelled and ordered, with the previous period.

use std::collections::HashMap;
use std::hash::Hash;

use super::load::Loaded;
use super::model::{Context, Row, Table, Value, row};
use crate::domain::report::ReportState;
use crate::domain::report_fields::{label_of, office_choices};
use crate::domain::small_cells::complementary;
use crate::domain::statistics::figures::{ReportFigures, compared};
use crate::domain::statistics::measures::Disclosure;

/// The reports sent in the period and the one before, as the indicators give them: a column
/// of counts that adds up to one of them gives a single hidden count away by subtraction.
#[derive(Debug, Clone, Copy)]
struct Totals {
    now: u64,
    before: u64,
}

/// For a role that sees no single report, withholds a second count of a column whose `counts`
/// add up to `total` when one alone is hidden (complementary suppression).
fn withhold_complements(values: &mut [&mut Value], counts: &[u64], total: u64, d: Disclosure) {
    let hidden: Vec<bool> = values
        .iter()
        .map(|v| matches!(**v, Value::Hidden))
        .collect();
    let adds_up = d == Disclosure::AggregatesOnly && counts.iter().sum::<u64>() == total;
    let hide = complementary(counts, &hidden, adds_up);
    for ((value, hide), was) in values.iter_mut().zip(hide).zip(hidden) {
        if hide && !was {
            **value = Value::Withheld;
        }
    }
}

/// A row with its place in the table and its counts (now, before).
type Ranked = ((usize, i64), (u64, u64), Row);

/// Rows of counts by a key, labelled, in the order `rank` gives (then by label), with the
/// counts a total would reveal withheld.
fn count_rows<K: Eq + Hash + Clone>(
    (now, before): (&HashMap<K, u64>, &HashMap<K, u64>),
    d: Disclosure,
    totals: Totals,
    label: impl Fn(&K) -> String,
    rank: impl Fn(&K, u64) -> (usize, i64),
) -> Vec<Row> {
    let mut rows: Vec<Ranked> = compared(now, before)
        .into_iter()
        .map(|(key, current, previous)| {
            let row = row(
                &label(&key),
                Value::count(current, d),
                Value::count(previous, d),
            );
            (rank(&key, current), (current, previous), row)
        })
        .collect();
    rows.sort_by(|(a, _, x), (b, _, y)| a.cmp(b).then_with(|| x.label.cmp(&y.label)));
    let (current, previous): (Vec<u64>, Vec<u64>) = rows.iter().map(|(_, c, _)| *c).unzip();
    let mut rows: Vec<Row> = rows.into_iter().map(|(_, _, row)| row).collect();
    let mut column: Vec<&mut Value> = rows.iter_mut().map(|r| &mut r.current).collect();
    withhold_complements(&mut column, &current, totals.now, d);
    let mut column: Vec<&mut Value> = rows.iter_mut().map(|r| &mut r.previous).collect();
    withhold_complements(&mut column, &previous, totals.before, d);
    rows
}

/// Larger counts first.
fn by_count<K>(_: &K, count: u64) -> (usize, i64) {
    (0, -(count as i64))
}

/// The names the codes of the facts stand for.
struct Names<'a> {
    organisations: HashMap<i64, (&'a str, Option<&'a str>)>,
    topics: HashMap<i64, &'a str>,
}

impl<'a> Names<'a> {
    fn of(loaded: &'a Loaded) -> Self {
        Names {
            organisations: loaded
                .organisations
                .iter()
                .map(|o| (o.id, (o.name.as_str(), o.area.as_deref())))
                .collect(),
            topics: loaded
                .topics
                .iter()
                .map(|(id, name)| (*id, name.as_str()))
                .collect(),
        }
    }

    fn organisation(&self, id: i64) -> String {
        self.organisations.get(&id).map_or_else(
            || format!("Organizzazione {id}"),
            |(name, _)| (*name).to_owned(),
        )
    }

    fn topic(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.topics.get(&id))
            .map_or_else(|| "Senza argomento".to_owned(), |name| (*name).to_owned())
    }

    /// The counts by organisation summed by the organisations' areas.
    fn by_area(&self, counts: &HashMap<i64, u64>) -> HashMap<String, u64> {
        let mut out: HashMap<String, u64> = HashMap::new();
        for (organisation, count) in counts {
            let area = self
                .organisations
                .get(organisation)
                .and_then(|(_, area)| *area)
                .unwrap_or("Senza bacino");
            *out.entry(area.to_owned()).or_default() += count;
        }
        out
    }
}

/// In the workflow's order.
fn state_rank(state: &ReportState, _: u64) -> (usize, i64) {
    let position = ReportState::ALL.iter().position(|s| s == state);
    (position.unwrap_or(usize::MAX), 0)
}

fn state_table(now: &ReportFigures, before: &ReportFigures, d: Disclosure) -> Table {
    let rows = count_rows(
        (&now.by_state, &before.by_state),
        d,
        totals(now, before),
        |state| state.label().to_owned(),
        state_rank,
    );
    table("stato", "Segnalazioni per stato", "Stato", rows)
}

/// In the order of the configured codes, each with its label.
fn urgency_table(context: &Context<'_>, now: &ReportFigures, before: &ReportFigures) -> Table {
    let codes = context.urgency;
    let rows = count_rows(
        (&now.by_urgency, &before.by_urgency),
        context.disclosure,
        totals(now, before),
        |code| {
            codes
                .iter()
                .find(|u| &u.code == code)
                .map_or_else(|| code.clone(), |u| format!("{} – {}", u.code, u.label))
        },
        |code, _| {
            let position = codes.iter().position(|u| &u.code == code);
            (position.unwrap_or(usize::MAX), 0)
        },
    );
    table("urgenza", "Segnalazioni per urgenza", "Urgenza", rows)
}

fn addressed_table(now: &ReportFigures, before: &ReportFigures, d: Disclosure) -> Table {
    let offices = office_choices();
    let rows = count_rows(
        (&now.by_addressed_office, &before.by_addressed_office),
        d,
        totals(now, before),
        |value| label_of(&offices, value).map_or_else(|| value.clone(), str::to_owned),
        by_count,
    );
    let title = "Segnalazioni per ufficio destinatario";
    table("destinatario", title, "Ufficio destinatario", rows)
}

pub(crate) fn dimension_tables(
    context: &Context<'_>,
    now: &ReportFigures,
    before: &ReportFigures,
    loaded: &Loaded,
) -> Vec<Table> {
    let d = context.disclosure;
    let names = Names::of(loaded);
    let topics = count_rows(
        (&now.by_topic, &before.by_topic),
        d,
        totals(now, before),
        |id| names.topic(*id),
        by_count,
    );
    let organisations = count_rows(
        (&now.by_organisation, &before.by_organisation),
        d,
        totals(now, before),
        |id| names.organisation(*id),
        by_count,
    );
    let areas = count_rows(
        (
            &names.by_area(&now.by_organisation),
            &names.by_area(&before.by_organisation),
        ),
        d,
        totals(now, before),
        String::clone,
        by_count,
    );
    vec![
        month_table(context, now),
        state_table(now, before, d),
        urgency_table(context, now, before),
        table(
            "argomento",
            "Segnalazioni per argomento",
            "Argomento",
            topics,
        ),
        table(
            "organizzazione",
            "Segnalazioni per sportello o servizio",
            "Sportello o servizio",
            organisations,
        ),
        table(
            "bacino",
            "Segnalazioni per bacino territoriale",
            "Bacino territoriale",
            areas,
        ),
        addressed_table(now, before, d),
    ]
}

/// The reports sent in each period, which the indicators give.
fn totals(now: &ReportFigures, before: &ReportFigures) -> Totals {
    Totals {
        now: now.total,
        before: before.total,
    }
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

fn month_table(context: &Context<'_>, now: &ReportFigures) -> Table {
    let mut rows: Vec<Row> = context
        .months
        .iter()
        .zip(&now.by_month)
        .map(|(month, count)| {
            let name = crate::clock::month_name(*month);
            let label = format!("{name} {}", month.year());
            row(
                &label,
                Value::count(*count, context.disclosure),
                Value::Missing,
            )
        })
        .collect();
    let mut column: Vec<&mut Value> = rows.iter_mut().map(|r| &mut r.current).collect();
    let counts = &now.by_month[..column.len()];
    withhold_complements(&mut column, counts, now.total, context.disclosure);
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

    fn column(values: &[Value], counts: &[u64], total: u64, d: Disclosure) -> Vec<Value> {
        let mut values = values.to_vec();
        let mut refs: Vec<&mut Value> = values.iter_mut().collect();
        withhold_complements(&mut refs, counts, total, d);
        values
    }

    #[test]
    fn a_single_hidden_count_that_the_total_reveals_withholds_the_smallest_other() {
        let d = Disclosure::AggregatesOnly;
        let values = [Value::Count(9), Value::Hidden, Value::Count(4)];
        assert_eq!(
            column(&values, &[9, 2, 4], 15, d),
            [Value::Count(9), Value::Hidden, Value::Withheld]
        );
        // Counts that do not add up to the total (a report in several rows, or none) reveal
        // nothing by subtraction.
        assert_eq!(column(&values, &[9, 2, 4], 20, d), values);
        // Roles that see every report read every count.
        let full = [Value::Count(9), Value::Count(2), Value::Count(4)];
        assert_eq!(column(&full, &[9, 2, 4], 15, Disclosure::Full), full);
        assert_eq!(Value::Withheld.text(), "non indicato");
    }
}
