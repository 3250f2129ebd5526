//! Urgency codes and due dates in business days: weekends, Italian national holidays (Easter
//! Monday computed) and the local holidays of the configuration are skipped. While a report
//! waits on the Questura or the Prefettura the clock is paused, and the due date moves on by
//! the business days spent waiting.

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

/// One urgency code of the configuration, such as `U1` = answer within 2 business days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrgencyCode {
    pub code: String,
    pub label: String,
    pub business_days: u32,
    /// Reports with this code are announced to the coordination by e-mail as soon as filed.
    #[serde(default)]
    pub urgent: bool,
}

/// The network's default codes; the configuration may replace them.
pub fn default_codes() -> Vec<UrgencyCode> {
    [
        ("U1", "Urgente: scadenza imminente", 2, true),
        ("U2", "Prioritaria", 5, false),
        ("U3", "Ordinaria", 10, false),
    ]
    .into_iter()
    .map(|(code, label, business_days, urgent)| UrgencyCode {
        code: code.to_owned(),
        label: label.to_owned(),
        business_days,
        urgent,
    })
    .collect()
}

/// Fixed-date national holidays, as (month, day).
const NATIONAL_HOLIDAYS: [(i8, i8); 10] = [
    (1, 1),   // Capodanno
    (1, 6),   // Epifania
    (4, 25),  // Festa della Liberazione
    (5, 1),   // Festa del lavoro
    (6, 2),   // Festa della Repubblica
    (8, 15),  // Ferragosto
    (11, 1),  // Ognissanti
    (12, 8),  // Immacolata Concezione
    (12, 25), // Natale
    (12, 26), // Santo Stefano
];

/// Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm).
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // Both values are small by construction (month 3 or 4, day 1 to 31).
    Date::new(year, month as i8, day as i8).expect("Easter is a valid date")
}

/// Which days count: Monday to Friday, minus national and local holidays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BusinessCalendar {
    /// Local holidays as (month, day), such as the patron saint of the town.
    local_holidays: Vec<(i8, i8)>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("festività locale «{0}» non valida: scrivila come MM-GG, per esempio 09-29")]
pub struct BadHoliday(pub String);

impl BusinessCalendar {
    /// A calendar with local holidays written `MM-DD`.
    pub fn new(local_holidays: &[String]) -> Result<Self, BadHoliday> {
        let parsed = local_holidays
            .iter()
            .map(|text| {
                let bad = || BadHoliday(text.clone());
                let (month, day) = text.split_once('-').ok_or_else(bad)?;
                let month: i8 = month.parse().map_err(|_| bad())?;
                let day: i8 = day.parse().map_err(|_| bad())?;
                // A leap year accepts every month-day pair that exists at all.
                Date::new(2024, month, day).map_err(|_| bad())?;
                Ok((month, day))
            })
            .collect::<Result<_, _>>()?;
        Ok(BusinessCalendar {
            local_holidays: parsed,
        })
    }

    pub fn is_holiday(&self, date: Date) -> bool {
        let key = (date.month(), date.day());
        NATIONAL_HOLIDAYS.contains(&key)
            || self.local_holidays.contains(&key)
            || easter_sunday(date.year()).tomorrow().ok() == Some(date)
    }

    pub fn is_business_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.is_holiday(date)
    }

    /// The `days`-th business day after `start` (a report filed on Friday with 2 days is due
    /// on Tuesday).
    pub fn add_business_days(&self, start: Date, days: u32) -> Date {
        let mut date = start;
        let mut left = days;
        while left > 0 {
            date = date.tomorrow().expect("due dates stay far from year 9999");
            if self.is_business_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// Business days after `from` up to and including `to`: how far a pause that began on
    /// `from` and ended on `to` pushes the due date.
    pub fn business_days_between(&self, from: Date, to: Date) -> u32 {
        let mut count = 0;
        let mut date = from;
        while date < to {
            date = date.tomorrow().expect("pauses stay far from year 9999");
            if self.is_business_day(date) {
                count += 1;
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn calendar() -> BusinessCalendar {
        BusinessCalendar::new(&["09-29".to_owned()]).unwrap()
    }

    #[test]
    fn easter_is_computed() {
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
        assert_eq!(easter_sunday(2026), date(2026, 4, 5));
        assert_eq!(easter_sunday(2027), date(2027, 3, 28));
        assert_eq!(easter_sunday(2038), date(2038, 4, 25));
    }

    #[test]
    fn weekends_are_skipped() {
        // Friday 20 November 2026 + 2 business days = Tuesday 24.
        assert_eq!(
            calendar().add_business_days(date(2026, 11, 20), 2),
            date(2026, 11, 24)
        );
        // Filed on a Saturday: Monday is the first business day.
        assert_eq!(
            calendar().add_business_days(date(2026, 11, 21), 1),
            date(2026, 11, 23)
        );
    }

    #[test]
    fn christmas_and_new_year_are_skipped() {
        // Wed 23 Dec 2026 + 2: Thu 24 counts, Fri 25 and Sat 26 and Sun 27 do not, Mon 28.
        assert_eq!(
            calendar().add_business_days(date(2026, 12, 23), 2),
            date(2026, 12, 28)
        );
        // Wed 30 Dec 2026 + 3: Thu 31, (Fri 1 Jan holiday, weekend), Mon 4, Tue 5.
        assert_eq!(
            calendar().add_business_days(date(2026, 12, 30), 3),
            date(2027, 1, 5)
        );
    }

    #[test]
    fn easter_monday_and_liberation_day_are_skipped() {
        // Thu 2 Apr 2026 + 2: Fri 3, (weekend, Easter Monday 6), Tue 7.
        assert_eq!(
            calendar().add_business_days(date(2026, 4, 2), 2),
            date(2026, 4, 7)
        );
        assert!(!calendar().is_business_day(date(2027, 3, 29)));
        assert!(calendar().is_business_day(date(2027, 3, 30)));
        // 25 April 2025 is a Friday.
        assert_eq!(
            calendar().add_business_days(date(2025, 4, 24), 1),
            date(2025, 4, 28)
        );
    }

    #[test]
    fn local_holidays_come_from_the_configuration() {
        // Tue 29 Sep 2026 is the configured patron saint.
        assert_eq!(
            calendar().add_business_days(date(2026, 9, 28), 1),
            date(2026, 9, 30)
        );
        assert_eq!(
            BusinessCalendar::default().add_business_days(date(2026, 9, 28), 1),
            date(2026, 9, 29)
        );
        assert!(BusinessCalendar::new(&["13-01".to_owned()]).is_err());
        assert!(BusinessCalendar::new(&["4 dicembre".to_owned()]).is_err());
    }

    #[test]
    fn a_pause_counts_only_business_days() {
        // Paused Friday 20 Nov, resumed Tuesday 24 Nov: Monday and Tuesday.
        assert_eq!(
            calendar().business_days_between(date(2026, 11, 20), date(2026, 11, 24)),
            2
        );
        assert_eq!(
            calendar().business_days_between(date(2026, 11, 20), date(2026, 11, 20)),
            0
        );
        // Over Christmas 2026: 24, 28, 29, 30, 31 December.
        assert_eq!(
            calendar().business_days_between(date(2026, 12, 23), date(2027, 1, 1)),
            5
        );
    }

    #[test]
    fn the_default_codes_are_ordered_by_urgency() {
        let codes = default_codes();
        assert!(
            codes
                .windows(2)
                .all(|w| w[0].business_days < w[1].business_days)
        );
        assert!(codes[0].urgent);
    }
}
