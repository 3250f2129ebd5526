//! The service's clock: every "now" and "today" comes from here, so that a test can move time
//! forward instead of waiting for it. In production the offset is always zero.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Wall-clock time plus an offset that only tests change. Cloning shares the offset.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    /// The real time.
    pub fn system() -> Self {
        Clock::default()
    }

    /// The current time as UTC unix seconds, the unit of every time column.
    pub fn now(&self) -> i64 {
        Timestamp::now().as_second() + self.offset_secs.load(Ordering::Relaxed)
    }

    /// Today in Italy.
    pub fn today(&self) -> Date {
        local_date(self.now())
    }

    /// Moves the clock `secs` seconds forward: for tests of lifetimes, locks and due dates.
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

/// The time zone of every date people read, and of business days.
/// The Italian name of the month of `date` ("dicembre").
pub fn month_name(date: Date) -> &'static str {
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
    MONTHS[usize::try_from(date.month() - 1).unwrap_or(0)]
}

pub fn rome() -> TimeZone {
    TimeZone::get("Europe/Rome").unwrap_or(TimeZone::UTC)
}

/// The Italian calendar day of a stored UTC time.
pub fn local_date(at: i64) -> Date {
    let at = Timestamp::from_second(at).unwrap_or_else(|_| Timestamp::now());
    at.to_zoned(rome()).date()
}

/// A stored UTC time as Italian people read it.
pub fn local_time(at: i64) -> String {
    Timestamp::from_second(at)
        .map(|timestamp| {
            timestamp
                .to_zoned(rome())
                .strftime("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// A stored `YYYY-MM-DD` date as `DD/MM/YYYY`.
pub fn italian_date(iso: &str) -> String {
    iso.parse::<Date>()
        .map(|date| date.strftime("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| iso.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_advanced_clock_is_shared_by_its_clones() {
        let clock = Clock::system();
        let copy = clock.clone();
        let before = copy.now();
        clock.advance(3 * 86_400);
        assert!(copy.now() - before >= 3 * 86_400);
        assert!(copy.today() > local_date(before));
    }

    #[test]
    fn dates_are_shown_the_italian_way() {
        assert_eq!(italian_date("2026-12-24"), "24/12/2026");
        assert_eq!(italian_date("non una data"), "non una data");
        // 23:30 UTC on 31 December is already 1 January in Rome.
        assert_eq!(local_date(1_798_759_800).to_string(), "2027-01-01");
        assert_eq!(local_time(1_798_759_800), "01/01/2027 00:30");
    }
}
