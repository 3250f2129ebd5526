//! Reading what the statistics of a period are made of, in one transaction.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use rusqlite::Connection;

use crate::db::appointments::KindRow;
use crate::db::statistics::{self, BookingLine, OrganisationName};
use crate::domain::statistics::figures::ReportFacts;
use crate::domain::statistics::period::{Period, midnight};

/// Everything the figures of a period and of the one before it are made from, read in one
/// transaction so both periods see the same database.
pub(crate) struct Loaded {
    pub current: Vec<ReportFacts>,
    pub previous: Vec<ReportFacts>,
    pub organisations: Vec<OrganisationName>,
    pub topics: Vec<(i64, String)>,
    pub bookings: Vec<BookingLine>,
    pub previous_bookings: Vec<BookingLine>,
    pub kinds: Vec<(i64, String, Option<KindRow>)>,
}

pub(crate) fn load(
    conn: &mut Connection,
    period: Period,
    zone: &TimeZone,
) -> rusqlite::Result<Loaded> {
    let tx = conn.transaction()?;
    let previous = period.previous();
    let (from, until) = period.bounds(zone);
    let (previous_from, previous_until) = previous.bounds(zone);
    let loaded = Loaded {
        current: statistics::report_facts(&tx, from, until)?,
        previous: statistics::report_facts(&tx, previous_from, previous_until)?,
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
