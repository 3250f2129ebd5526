//! Reading what the statistics of a period are made of, in one transaction.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use rusqlite::Connection;

use crate::db::appointments::KindRow;
use crate::db::statistics::{self, BookingLine, OrganisationName};
use crate::domain::statistics::figures::{ReportFigures, Tally};
use crate::domain::statistics::period::{Period, midnight};

/// Everything the figures of a period and of the one before it are made from, read in one
/// transaction so both periods see the same database.
pub(crate) struct Loaded {
    pub current: ReportFigures,
    pub previous: ReportFigures,
    pub organisations: Vec<OrganisationName>,
    pub topics: Vec<(i64, String)>,
    pub bookings: Vec<BookingLine>,
    pub previous_bookings: Vec<BookingLine>,
    pub kinds: Vec<(i64, String, Option<KindRow>)>,
}

/// The figures of the reports filed in `period`, counted by month from `month_starts`.
fn tally(
    conn: &Connection,
    period: Period,
    zone: &TimeZone,
    month_starts: &[i64],
    today: Date,
) -> rusqlite::Result<ReportFigures> {
    let (from, until) = period.bounds(zone);
    let mut tally = Tally::new(month_starts, today);
    statistics::for_each_report(conn, from, until, |facts| tally.add(facts))?;
    Ok(tally.finish())
}

/// Reads and counts the period and the one before it; the counting runs here, on the
/// database's thread, so no period's reports are ever held all at once.
pub(crate) fn load(
    conn: &mut Connection,
    period: Period,
    zone: &TimeZone,
    today: Date,
) -> rusqlite::Result<Loaded> {
    let tx = conn.transaction()?;
    let previous = period.previous();
    let (_, starts) = month_starts(period, zone);
    let loaded = Loaded {
        current: tally(&tx, period, zone, &starts, today)?,
        previous: tally(&tx, previous, zone, &[], today)?,
        organisations: statistics::organisation_names(&tx)?,
        topics: statistics::topic_names(&tx)?,
        bookings: statistics::bookings(&tx, period.from, period.until)?,
        previous_bookings: statistics::bookings(&tx, previous.from, previous.until)?,
        kinds: statistics::kinds(&tx)?,
    };
    tx.commit()?;
    Ok(loaded)
}

/// The UTC seconds at which each month of `period` starts (the first one at the period's
/// first day), for counting reports by month.
pub(crate) fn month_starts(period: Period, zone: &TimeZone) -> (Vec<Date>, Vec<i64>) {
    let months = period.months();
    let starts = months
        .iter()
        .map(|month| midnight((*month).max(period.from), zone))
        .collect();
    (months, starts)
}
