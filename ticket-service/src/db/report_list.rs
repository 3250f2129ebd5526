//! The list of reports a principal may see, a page at a time, read from indexes so that a page
//! costs the same over a hundred reports or a hundred thousand.
//!
//! The list's order puts the reports still to be answered first (overdue ones first), then the
//! answered ones; within each, by urgency code (in the configured order) and due date, or by
//! due date and urgency code. Sorting every report in scope on each request is what made a page
//! slow; instead the list is read as consecutive stretches, each of which one index gives in
//! order:
//!
//! - the reports still to be answered: few at any time (the work in hand), read whole through
//!   the state indexes and sorted in full;
//! - the answered ones, the many: one stretch per urgency code, in the order of the index on
//!   (urgency, due date, id), then those whose code is no longer configured; or, in the
//!   due-date order, one stretch in the order of the index on (due date, id).
//!
//! How many reports each stretch holds comes from `report_counts`, a few rows kept by triggers,
//! so a page skips whole stretches without reading them. Only the page's ids are read from the
//! indexes; the page's rows are then read by id.

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{Connection, params};

use crate::db::reports::{ReportRow, rows_by_id};
use crate::domain::report::{ReportScope, ReportState};

/// A list of reports: whose (the scope), which (all, or those in one state), and in which
/// order. Reports still to be answered come before answered ones, overdue ones first; then
/// by urgency (in the configured order) and due date, or by due date and urgency.
#[derive(Debug, Clone)]
pub struct ReportList {
    pub scope: ReportScope,
    pub state: Option<ReportState>,
    pub by_due_date: bool,
    /// Today in Italy: a report whose clock runs is overdue when due before it.
    pub today: String,
    /// The urgency codes, most urgent first.
    pub urgency_codes: Vec<String>,
}

/// One stretch of the list, in the order the list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stretch {
    /// The reports still to be answered.
    Open,
    /// The answered reports of one configured urgency code, by due date.
    AnsweredOf(String),
    /// The answered reports whose urgency code is no longer configured, by due date.
    AnsweredOfOtherCodes,
    /// The answered reports by due date, then urgency code.
    AnsweredByDueDate,
}

/// How many reports of the scope there are, by (state, urgency code).
type Tallies = HashMap<(ReportState, String), i64>;

impl ReportList {
    /// The states of one side of the list (answered or not) that the filter lets through.
    fn states(&self, answered: bool) -> Vec<ReportState> {
        ReportState::ALL
            .into_iter()
            .filter(|state| state.is_answered() == answered)
            .filter(|state| self.state.is_none_or(|only| only == *state))
            .collect()
    }

    fn stretches(&self) -> Vec<Stretch> {
        let mut stretches = vec![Stretch::Open];
        if self.by_due_date {
            stretches.push(Stretch::AnsweredByDueDate);
        } else {
            stretches.extend(self.urgency_codes.iter().cloned().map(Stretch::AnsweredOf));
            stretches.push(Stretch::AnsweredOfOtherCodes);
        }
        stretches
    }

    /// How many reports `stretch` holds.
    fn size(&self, tallies: &Tallies, stretch: &Stretch) -> i64 {
        let answered = !matches!(stretch, Stretch::Open);
        let states = self.states(answered);
        tallies
            .iter()
            .filter(|((state, urgency), _)| {
                states.contains(state)
                    && match stretch {
                        Stretch::Open | Stretch::AnsweredByDueDate => true,
                        Stretch::AnsweredOf(code) => urgency == code,
                        Stretch::AnsweredOfOtherCodes => !self.urgency_codes.contains(urgency),
                    }
            })
            .map(|(_, count)| count)
            .sum()
    }

    /// `,a,b,`, for `instr(?, ',' || column || ',')`.
    fn codes_param(&self) -> String {
        format!(",{},", self.urgency_codes.join(","))
    }

    fn states_param(&self, answered: bool) -> String {
        let codes: Vec<&str> = self
            .states(answered)
            .into_iter()
            .map(ReportState::as_str)
            .collect();
        serde_json::to_string(&codes).unwrap_or_else(|_| "[]".to_owned())
    }
}

/// The condition of the scope on a table aliased `r` with the scope's value as `?1`, and that
/// value. Literals only: the queries below are put together from these and their own text.
fn scope_condition(scope: ReportScope) -> (&'static str, Value) {
    match scope {
        ReportScope::All => ("?1 = 0", Value::Integer(0)),
        ReportScope::Organisation(id) => ("r.organisation_id = ?1", Value::Integer(id)),
        ReportScope::Institution(kind) => ("r.institution = ?1", Value::Text(kind.as_str().into())),
    }
}

/// How many reports of the list's scope there are of each state and urgency code.
fn tallies(conn: &Connection, list: &ReportList) -> rusqlite::Result<Tallies> {
    let (scope, value) = scope_condition(list.scope);
    let sql = format!(
        "SELECT r.state, r.urgency, SUM(r.reports) FROM report_counts r
         WHERE {scope} GROUP BY r.state, r.urgency"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query([value])?;
    let mut tallies = Tallies::new();
    while let Some(row) = rows.next()? {
        let state: String = row.get(0)?;
        // A state no longer known cannot be listed; the table's CHECK keeps them out anyway.
        if let Ok(state) = state.parse::<ReportState>() {
            tallies.insert((state, row.get(1)?), row.get(2)?);
        }
    }
    Ok(tallies)
}

/// How many reports the list holds.
pub fn count(conn: &Connection, list: &ReportList) -> rusqlite::Result<i64> {
    let tallies = tallies(conn, list)?;
    Ok(list
        .stretches()
        .iter()
        .map(|stretch| list.size(&tallies, stretch))
        .sum())
}

/// `limit` reports of the list from `offset`, in its order (a negative `limit`: all of them).
/// An urgency code no longer configured sorts after the known ones.
pub fn page(
    conn: &Connection,
    list: &ReportList,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<ReportRow>> {
    let tallies = tallies(conn, list)?;
    let mut wanted = if limit < 0 { i64::MAX } else { limit };
    let mut skip = offset.max(0);
    let mut ids = Vec::new();
    for stretch in list.stretches() {
        if wanted == 0 {
            break;
        }
        let size = list.size(&tallies, &stretch);
        if skip >= size {
            skip -= size;
            continue;
        }
        let read = stretch_ids(conn, list, &stretch, wanted.min(size - skip), skip)?;
        wanted -= read.len() as i64;
        skip = 0;
        ids.extend(read);
    }
    let mut rows = rows_by_id(conn, &ids)?;
    let position: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|row| position.get(&row.id).copied().unwrap_or(usize::MAX));
    Ok(rows)
}

/// The rank of a report's urgency code in the configured order (`?3`, `,a,b,`); codes no
/// longer configured rank last.
const URGENCY_RANK: &str = "COALESCE(NULLIF(instr(?3, ',' || r.urgency || ','), 0), 1000000000)";

/// The ids of `limit` reports of `stretch` from `offset`, in the list's order.
fn stretch_ids(
    conn: &Connection,
    list: &ReportList,
    stretch: &Stretch,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<i64>> {
    let (scope, value) = scope_condition(list.scope);
    let answered = !matches!(stretch, Stretch::Open);
    // `+r.state` keeps the answered stretches on the urgency and due-date indexes: nearly
    // every report is answered, so the state says little about where to start reading.
    let (condition, order) = match stretch {
        Stretch::Open => (
            "r.state IN (SELECT value FROM json_each(?2))",
            // ?4: the states whose clock runs; ?6: today; ?7: whether by due date first.
            format!(
                "NOT (instr(?4, ',' || r.state || ',') > 0 AND r.due_date < ?6),
                 CASE WHEN ?7 THEN r.due_date ELSE {URGENCY_RANK} END,
                 CASE WHEN ?7 THEN {URGENCY_RANK} ELSE r.due_date END,
                 r.id DESC"
            ),
        ),
        Stretch::AnsweredOf(_) => (
            "+r.state IN (SELECT value FROM json_each(?2)) AND r.urgency = ?5",
            "r.due_date, r.id DESC".to_owned(),
        ),
        Stretch::AnsweredOfOtherCodes => (
            "+r.state IN (SELECT value FROM json_each(?2)) AND instr(?3, ',' || r.urgency || ',') = 0",
            "r.due_date, r.id DESC".to_owned(),
        ),
        Stretch::AnsweredByDueDate => (
            "+r.state IN (SELECT value FROM json_each(?2))",
            format!("r.due_date, {URGENCY_RANK}, r.id DESC"),
        ),
    };
    let code = match stretch {
        Stretch::AnsweredOf(code) => code.as_str(),
        _ => "",
    };
    // Every query ends with ?9, so one list of values fits them all (SQLite counts parameters
    // up to the highest number, used or not).
    let sql = format!(
        "SELECT r.id FROM reports r
         WHERE {scope} AND {condition}
         ORDER BY {order}
         LIMIT ?8 OFFSET ?9"
    );
    let clock_runs = states_where(ReportState::clock_runs);
    let mut statement = conn.prepare_cached(&sql)?;
    statement
        .query_map(
            params![
                value,
                list.states_param(answered),
                list.codes_param(),
                clock_runs,
                code,
                list.today,
                list.by_due_date,
                limit,
                offset,
            ],
            |row| row.get(0),
        )?
        .collect()
}

/// States as one parameter, `,a,b,`, for `instr(?, ',' || state || ',')`: the rule of which
/// states count stays in the domain's one place.
fn states_where(rule: impl Fn(ReportState) -> bool) -> String {
    let mut list = String::from(",");
    for state in ReportState::ALL.into_iter().filter(|state| rule(*state)) {
        list.push_str(state.as_str());
        list.push(',');
    }
    list
}

#[cfg(test)]
#[path = "report_list_tests.rs"]
mod tests;
