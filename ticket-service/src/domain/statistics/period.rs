//! The period the statistics cover, chosen in a GET form, and the period of equal length just
//! before it that they are compared with.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{ToSpan, Zoned};

/// The longest period one page covers.
pub const MAX_DAYS: i32 = 3660;

/// Days from `from` to `until`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub until: Date,
}

/// Why the dates typed in the form were refused; the message says how to fix them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("La data «{0}» non è valida: scrivila come GG/MM/AAAA, per esempio 31/01/2026.")]
    BadDate(String),
    #[error("La data di inizio viene dopo quella di fine: scambiale o correggi una delle due.")]
    Reversed,
    #[error("Il periodo può durare al massimo 10 anni: scegli date più vicine.")]
    TooLong,
}

/// Which field of the form a refused date came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub error: PeriodError,
}

/// A date as the form sends it: `YYYY-MM-DD` from a date field, or `DD/MM/YYYY` typed by hand.
pub fn parse_date(text: &str) -> Result<Date, PeriodError> {
    let text = text.trim();
    let bad = || PeriodError::BadDate(text.chars().take(40).collect());
    if let Ok(date) = text.parse::<Date>() {
        return Ok(date);
    }
    let mut parts = text.split('/');
    let (Some(day), Some(month), Some(year), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let number = |part: &str| part.trim().parse::<i16>().map_err(|_| bad());
    let (day, month, year) = (number(day)?, number(month)?, number(year)?);
    let (Ok(day), Ok(month)) = (i8::try_from(day), i8::try_from(month)) else {
        return Err(bad());
    };
    Date::new(year, month, day).map_err(|_| bad())
}

impl Period {
    /// The default: from the first day of the month eleven months ago to `today`, a year of
    /// whole months with the current one so far.
    pub fn default_for(today: Date) -> Period {
        let first = today.first_of_month();
        let from = first.checked_sub(11.months()).unwrap_or(first);
        Period { from, until: today }
    }

    /// The period the form asks for; an empty field takes the default's date.
    pub fn from_form(from: &str, until: &str, today: Date) -> Result<Period, FieldError> {
        let default = Period::default_for(today);
        let field = |field: &'static str, text: &str, fallback: Date| {
            if text.trim().is_empty() {
                return Ok(fallback);
            }
            parse_date(text).map_err(|error| FieldError { field, error })
        };
        let from = field("dal", from, default.from)?;
        let until = field("al", until, default.until)?;
        if from > until {
            let error = PeriodError::Reversed;
            return Err(FieldError {
                field: "dal",
                error,
            });
        }
        let period = Period { from, until };
        if period.days() > MAX_DAYS {
            let error = PeriodError::TooLong;
            return Err(FieldError {
                field: "dal",
                error,
            });
        }
        Ok(period)
    }

    /// How many days it covers.
    pub fn days(self) -> i32 {
        (self.until - self.from).get_days() + 1
    }

    /// The period of as many days that ends the day before this one starts.
    pub fn previous(self) -> Period {
        let until = self.from.yesterday().unwrap_or(self.from);
        let from = until
            .checked_sub((self.days() - 1).days())
            .unwrap_or(Date::MIN);
        Period { from, until }
    }

    /// The first and the last day of every calendar month it touches.
    pub fn months(self) -> Vec<Date> {
        let mut months = Vec::new();
        let mut month = self.from.first_of_month();
        while month <= self.until {
            months.push(month);
            let Ok(next) = month.checked_add(1.month()) else {
                break;
            };
            month = next;
        }
        months
    }

    /// The period as UTC unix seconds in `zone`: its first midnight, and the midnight after it.
    pub fn bounds(self, zone: &TimeZone) -> (i64, i64) {
        let end = self.until.tomorrow().unwrap_or(self.until);
        (midnight(self.from, zone), midnight(end, zone))
    }
}

/// The first instant of `date` in `zone`, as UTC unix seconds.
pub fn midnight(date: Date, zone: &TimeZone) -> i64 {
    date.to_zoned(zone.clone())
        .map(|zoned: Zoned| zoned.timestamp().as_second())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_default_is_a_year_of_whole_months_up_to_today() {
        let period = Period::default_for(date(2026, 3, 14));
        assert_eq!(period.from, date(2025, 4, 1));
        assert_eq!(period.until, date(2026, 3, 14));
        assert_eq!(period.months().len(), 12);
    }

    #[test]
    fn the_previous_period_has_as_many_days_and_ends_the_day_before() {
        let period = Period {
            from: date(2026, 3, 1),
            until: date(2026, 3, 31),
        };
        let previous = period.previous();
        assert_eq!(previous.until, date(2026, 2, 28));
        assert_eq!(previous.from, date(2026, 1, 29));
        assert_eq!(previous.days(), 31);
    }

    #[test]
    fn dates_are_read_as_a_date_field_or_a_person_writes_them() {
        assert_eq!(parse_date("2026-02-03"), Ok(date(2026, 2, 3)));
        assert_eq!(parse_date(" 3/2/2026 "), Ok(date(2026, 2, 3)));
        assert!(matches!(
            parse_date("31/02/2026"),
            Err(PeriodError::BadDate(_))
        ));
        assert!(matches!(parse_date("ieri"), Err(PeriodError::BadDate(_))));
    }

    #[test]
    fn the_form_refuses_reversed_and_overlong_periods_naming_the_field() {
        let today = date(2026, 5, 10);
        let reversed = Period::from_form("2026-05-01", "2026-04-01", today).unwrap_err();
        assert_eq!(reversed.error, PeriodError::Reversed);
        let long = Period::from_form("2000-01-01", "2026-01-01", today).unwrap_err();
        assert_eq!(long.error, PeriodError::TooLong);
        let bad = Period::from_form("", "domani", today).unwrap_err();
        assert_eq!(bad.field, "al");
        let empty = Period::from_form("", "", today).unwrap();
        assert_eq!(empty, Period::default_for(today));
    }

    #[test]
    fn bounds_follow_italian_midnights_across_summer_time() {
        let zone = TimeZone::get("Europe/Rome").unwrap();
        let period = Period {
            from: date(2026, 3, 29),
            until: date(2026, 3, 29),
        };
        let (start, end) = period.bounds(&zone);
        // The day summer time starts has 23 hours; midnight is 23:00 UTC of the day before.
        assert_eq!(end - start, 23 * 3600);
        assert_eq!(start, 1_774_738_800);
    }
}
