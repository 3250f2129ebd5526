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

use crate::db::open_order::OpenOrders;
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

/// How many reports of the scope there are, by state and urgency code (its position among the
/// configured codes; `None` for a code no longer configured).
pub type Tallies = HashMap<(ReportState, Option<usize>), i64>;

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
                        Stretch::AnsweredOf(code) => {
                            urgency.is_some_and(|rank| self.urgency_codes[rank] == *code)
                        }
                        Stretch::AnsweredOfOtherCodes => urgency.is_none(),
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

/// How many reports of the list's scope there are of each state and urgency code: read once
/// for a page, for its count ([`count_in`]) and its rows ([`page_in`]).
pub fn tallies(conn: &Connection, list: &ReportList) -> rusqlite::Result<Tallies> {
    let (scope, value) = scope_condition(list.scope);
    let sql = format!("SELECT r.state, r.urgency, r.reports FROM report_counts r WHERE {scope}");
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query([value])?;
    let mut tallies = Tallies::new();
    while let Some(row) = rows.next()? {
        // A state no longer known cannot be listed; the table's CHECK keeps them out anyway.
        if let Ok(state) = row.get_ref(0)?.as_str()?.parse::<ReportState>() {
            let code = row.get_ref(1)?.as_str()?;
            let rank = list.urgency_codes.iter().position(|known| known == code);
            *tallies.entry((state, rank)).or_default() += row.get::<_, i64>(2)?;
        }
    }
    Ok(tallies)
}

/// How many reports the list holds.
pub fn count(conn: &Connection, list: &ReportList) -> rusqlite::Result<i64> {
    Ok(count_in(list, &tallies(conn, list)?))
}

/// How many reports the list holds, by its `tallies`.
pub fn count_in(list: &ReportList, tallies: &Tallies) -> i64 {
    list.stretches()
        .iter()
        .map(|stretch| list.size(tallies, stretch))
        .sum()
}

/// `limit` reports of the list from `offset`, in its order (a negative `limit`: all of them).
/// An urgency code no longer configured sorts after the known ones. With `orders`, the order
/// of the reports still to be answered is kept there between calls.
pub fn page(
    conn: &Connection,
    list: &ReportList,
    limit: i64,
    offset: i64,
    orders: Option<&OpenOrders>,
) -> rusqlite::Result<Vec<ReportRow>> {
    page_in(conn, list, &tallies(conn, list)?, (limit, offset), orders)
}

/// [`page`], by the list's `tallies`, of `limit` reports from `offset`.
pub fn page_in(
    conn: &Connection,
    list: &ReportList,
    tallies: &Tallies,
    (limit, offset): (i64, i64),
    orders: Option<&OpenOrders>,
) -> rusqlite::Result<Vec<ReportRow>> {
    let mut wanted = if limit < 0 { i64::MAX } else { limit };
    let mut skip = offset.max(0);
    let mut ids = Vec::new();
    for stretch in list.stretches() {
        if wanted == 0 {
            break;
        }
        let size = list.size(tallies, &stretch);
        if skip >= size {
            skip -= size;
            continue;
        }
        let read = stretch_ids(conn, list, &stretch, wanted.min(size - skip), skip, orders)?;
        wanted -= read.len() as i64;
        skip = 0;
        ids.extend(read);
    }
    let mut rows = rows_by_id(conn, &ids)?;
    let position: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|row| position.get(&row.id).copied().unwrap_or(usize::MAX));
    Ok(rows)
}

/// The due-date order of answered reports: by due date, then by the rank of the urgency code
/// in the configured order (`?3`, `,a,b,`, codes no longer configured last), newest first.
const BY_DUE_DATE_THEN_URGENCY: &str = "r.due_date,
    COALESCE(NULLIF(instr(?3, ',' || r.urgency || ','), 0), 1000000000), r.id DESC";

/// The ids of `limit` reports of `stretch` from `offset`, in the list's order.
fn stretch_ids(
    conn: &Connection,
    list: &ReportList,
    stretch: &Stretch,
    limit: i64,
    offset: i64,
    orders: Option<&OpenOrders>,
) -> rusqlite::Result<Vec<i64>> {
    // `+r.state` keeps the answered stretches on the urgency and due-date indexes: nearly
    // every report is answered, so the state says little about where to start reading.
    let (condition, order, code) = match stretch {
        Stretch::Open => {
            let from = usize::try_from(offset).unwrap_or(usize::MAX);
            let count = usize::try_from(limit).unwrap_or(usize::MAX);
            let open = open_order(conn, list, orders)?;
            return Ok(open.iter().skip(from).take(count).copied().collect());
        }
        Stretch::AnsweredOf(code) => ("r.urgency = ?4", "r.due_date, r.id DESC", code.as_str()),
        Stretch::AnsweredOfOtherCodes => (
            "instr(?3, ',' || r.urgency || ',') = 0",
            "r.due_date, r.id DESC",
            "",
        ),
        Stretch::AnsweredByDueDate => ("?4 = ''", BY_DUE_DATE_THEN_URGENCY, ""),
    };
    let (scope, value) = scope_condition(list.scope);
    // Every query ends with ?6, so one list of values fits them all (SQLite counts parameters
    // up to the highest number, used or not).
    let sql = format!(
        "SELECT r.id FROM reports r
         WHERE {scope} AND +r.state IN (SELECT value FROM json_each(?2)) AND {condition}
         ORDER BY {order}
         LIMIT ?5 OFFSET ?6"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    statement
        .query_map(
            params![
                value,
                list.states_param(true),
                list.codes_param(),
                code,
                limit,
                offset
            ],
            |row| row.get(0),
        )?
        .collect()
}

/// The ids of the reports still to be answered, in the list's order: kept in `orders` while
/// `reports_version` stays put, read otherwise.
fn open_order(
    conn: &Connection,
    list: &ReportList,
    orders: Option<&OpenOrders>,
) -> rusqlite::Result<std::sync::Arc<Vec<i64>>> {
    let Some(orders) = orders else {
        return open_ids(conn, list).map(std::sync::Arc::new);
    };
    // Read before the reports: see `OpenOrders::get_or_read`.
    let version: i64 = conn
        .prepare_cached("SELECT version FROM reports_version WHERE id = 1")?
        .query_row([], |row| row.get(0))?;
    let key = format!(
        "{:?}|{:?}|{}|{}|{}",
        list.scope,
        list.state,
        list.by_due_date,
        list.today,
        list.urgency_codes.join(",")
    );
    orders.get_or_read(key, version, || open_ids(conn, list))
}

/// The ids of the reports still to be answered, in the list's order. They are few, so they
/// are all read from the state indexes (which hold what the order needs) and sorted here:
/// overdue ones first (a report whose clock runs, due before today), then by urgency code and
/// due date, or by due date and urgency code; the newest first among equals.
fn open_ids(conn: &Connection, list: &ReportList) -> rusqlite::Result<Vec<i64>> {
    let (scope, value) = scope_condition(list.scope);
    let sql = format!(
        "SELECT r.id, r.state, r.urgency, r.due_date FROM reports r
         WHERE {scope} AND r.state IN (SELECT value FROM json_each(?2))"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query(params![value, list.states_param(false)])?;
    let rank = |code: &str| {
        list.urgency_codes
            .iter()
            .position(|known| known == code)
            .map_or(u64::MAX, |rank| rank as u64)
    };
    let today = day_number(&list.today);
    let mut open = Vec::new();
    while let Some(row) = rows.next()? {
        let due = day_number(row.get_ref(3)?.as_str()?);
        let overdue = row
            .get_ref(1)?
            .as_str()?
            .parse::<ReportState>()
            .is_ok_and(ReportState::clock_runs)
            && due < today;
        let urgency = rank(row.get_ref(2)?.as_str()?);
        let (first, second) = if list.by_due_date {
            (due, urgency)
        } else {
            (urgency, due)
        };
        let id: i64 = row.get(0)?;
        open.push((!overdue, first, second, std::cmp::Reverse(id)));
    }
    open.sort_unstable();
    Ok(open
        .into_iter()
        .map(|(_, _, _, std::cmp::Reverse(id))| id)
        .collect())
}

/// A day written `YYYY-MM-DD` as the number `YYYYMMDD`, which sorts as the text does.
fn day_number(day: &str) -> u64 {
    day.bytes()
        .filter(u8::is_ascii_digit)
        .fold(0, |number, digit| number * 10 + u64::from(digit - b'0'))
}

#[cfg(test)]
#[path = "report_list_tests.rs"]
mod tests;
