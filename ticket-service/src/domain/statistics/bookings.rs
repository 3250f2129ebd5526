//! The figures of the appointments of a period, for each kind: the seats the plan offered,
//! those booked and those left free, cancellations, attendance and no-shows, and the lead time
//! from booking to appointment.

use jiff::civil::Date;

use super::measures::{Share, Spread};
use super::period::Period;
use crate::domain::appointments::slots::Plan;
use crate::domain::urgency::BusinessCalendar;

/// What became of a booking, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingOutcome {
    /// Booked, attendance not recorded (yet).
    Active,
    Cancelled,
    Attended,
    NoShow,
}

impl BookingOutcome {
    /// The stored state of a booking (`attiva`, `annullata`, `presente`, `assente`).
    pub fn from_state(state: &str) -> Option<BookingOutcome> {
        match state {
            "attiva" => Some(BookingOutcome::Active),
            "annullata" => Some(BookingOutcome::Cancelled),
            "presente" => Some(BookingOutcome::Attended),
            "assente" => Some(BookingOutcome::NoShow),
            _ => None,
        }
    }
}

/// One booking of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingFacts {
    pub outcome: BookingOutcome,
    /// Seconds from the booking to the start of the appointment.
    pub lead_secs: i64,
}

/// The figures of one kind of appointment (or of all of them together).
#[derive(Debug, Clone, PartialEq)]
pub struct BookingFigures {
    /// Seats the current plan offers in the period.
    pub seats: u64,
    /// Seats taken by bookings not cancelled.
    pub used: u64,
    pub free: u64,
    pub cancelled: u64,
    pub attended: u64,
    pub no_shows: u64,
    /// No-shows out of the bookings whose attendance was recorded.
    pub no_show_share: Share,
    /// From booking to appointment, for bookings not cancelled.
    pub lead: Spread,
}

/// The seats `plan` offers on the days of `period`: its slots, each with its seats.
pub fn seats_offered(plan: &Plan, period: Period, calendar: &BusinessCalendar) -> u64 {
    let mut seats = 0;
    let mut day: Date = period.from;
    while day <= period.until {
        seats += plan.slots_on(day, calendar).len() as u64 * u64::from(plan.seats);
        let Ok(next) = day.tomorrow() else { break };
        day = next;
    }
    seats
}

/// The figures of `bookings` against `seats` offered.
pub fn booking_figures(seats: u64, bookings: &[BookingFacts]) -> BookingFigures {
    let count = |outcome| bookings.iter().filter(|b| b.outcome == outcome).count() as u64;
    let cancelled = count(BookingOutcome::Cancelled);
    let attended = count(BookingOutcome::Attended);
    let no_shows = count(BookingOutcome::NoShow);
    let used = bookings.len() as u64 - cancelled;
    let lead = bookings
        .iter()
        .filter(|b| b.outcome != BookingOutcome::Cancelled)
        .map(|b| b.lead_secs)
        .collect();
    BookingFigures {
        seats,
        used,
        free: seats.saturating_sub(used),
        cancelled,
        attended,
        no_shows,
        no_show_share: Share {
            part: no_shows,
            whole: attended + no_shows,
        },
        lead: Spread::of(lead),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::appointments::slots::{Exception, Opening};
    use jiff::civil::{Weekday, date, time};

    #[test]
    fn seats_are_the_slots_of_open_days_times_their_seats() {
        let plan = Plan {
            openings: vec![Opening {
                weekday: Weekday::Monday,
                from: time(9, 0, 0, 0),
                until: time(10, 0, 0, 0),
            }],
            slot_minutes: 30,
            seats: 3,
            exceptions: vec![Exception::Closed(date(2026, 3, 9))],
            min_notice_hours: 0,
            horizon_days: 30,
        };
        // Mondays 2, 9, 16 and 23 March 2026; the 9th closed: 3 days × 2 slots × 3 seats.
        let period = Period {
            from: date(2026, 3, 1),
            until: date(2026, 3, 28),
        };
        assert_eq!(
            seats_offered(&plan, period, &BusinessCalendar::default()),
            18
        );
    }

    #[test]
    fn cancelled_bookings_free_their_seat_and_have_no_lead_time() {
        let booking = |outcome, days: i64| BookingFacts {
            outcome,
            lead_secs: days * 86_400,
        };
        let figures = booking_figures(
            10,
            &[
                booking(BookingOutcome::Attended, 2),
                booking(BookingOutcome::NoShow, 4),
                booking(BookingOutcome::Active, 9),
                booking(BookingOutcome::Cancelled, 1),
            ],
        );
        assert_eq!((figures.used, figures.free, figures.cancelled), (3, 7, 1));
        assert_eq!(figures.no_show_share, Share { part: 1, whole: 2 });
        assert_eq!(figures.lead.median_secs, Some(4.0 * 86_400.0));
        assert_eq!(figures.lead.p90_secs, Some(9 * 86_400));
    }
}
