//! The free slots of an opening plan. A plan says, for one kind of appointment, on which
//! weekdays and hours the office receives, how long a slot lasts and how many people it
//! takes. Exceptions close a day or open an extra one; national holidays (and the local ones
//! of the calendar) are closed without saying so. Only slots after the minimum notice and
//! within the booking horizon are offered, each with the seats that bookings have left.

use std::collections::HashMap;

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::{Span, ToSpan};

use crate::domain::urgency::BusinessCalendar;

/// The hours of one weekday, `from` inclusive to `until` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    pub weekday: Weekday,
    pub from: Time,
    pub until: Time,
}

/// A change to the weekly plan on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exception {
    /// No appointments that day (a closure, a strike, a local event).
    Closed(Date),
    /// Appointments that day at these hours, instead of (or besides) the weekly ones.
    Open { date: Date, from: Time, until: Time },
}

/// The weekly plan of one kind of appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub openings: Vec<Opening>,
    pub slot_minutes: i32,
    pub seats: u32,
    pub exceptions: Vec<Exception>,
    /// Hours between booking and the slot, at the least.
    pub min_notice_hours: i32,
    /// Days ahead that can be booked, counted from today.
    pub horizon_days: i32,
}

/// A slot people can book, with the seats still free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FreeSlot {
    pub start: DateTime,
    pub free: u32,
}

/// Why a plan cannot be saved, in words for the Prefettura's staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("la durata di un appuntamento va da 5 a 240 minuti")]
    SlotLength,
    #[error("ogni appuntamento deve avere almeno un posto, e al massimo 50")]
    Seats,
    #[error("l'orario del {0} finisce prima di cominciare, o non contiene neanche un appuntamento")]
    Hours(String),
    #[error("il preavviso va da 0 a 720 ore e l'orizzonte da 1 a 366 giorni")]
    Window,
}

impl Plan {
    /// Refuses a plan that would offer nothing sensible.
    pub fn check(&self) -> Result<(), PlanError> {
        if !(5..=240).contains(&self.slot_minutes) {
            return Err(PlanError::SlotLength);
        }
        if !(1..=50).contains(&self.seats) {
            return Err(PlanError::Seats);
        }
        if !(0..=720).contains(&self.min_notice_hours) || !(1..=366).contains(&self.horizon_days) {
            return Err(PlanError::Window);
        }
        let slot = self.slot_minutes.minutes();
        let too_short =
            |from: Time, until: Time| from.checked_add(slot).is_ok_and(|end| end > until);
        for opening in &self.openings {
            if opening.until <= opening.from || too_short(opening.from, opening.until) {
                return Err(PlanError::Hours(weekday_name(opening.weekday).to_owned()));
            }
        }
        for exception in &self.exceptions {
            if let Exception::Open { date, from, until } = *exception
                && (until <= from || too_short(from, until))
            {
                return Err(PlanError::Hours(date.strftime("%d/%m/%Y").to_string()));
            }
        }
        Ok(())
    }

    /// The hours the office receives on `date`: none on holidays and closed days, the
    /// exception's hours on an extra day, the weekly ones otherwise.
    pub fn hours_on(&self, date: Date, calendar: &BusinessCalendar) -> Vec<(Time, Time)> {
        if self.exceptions.contains(&Exception::Closed(date)) {
            return Vec::new();
        }
        let extra: Vec<(Time, Time)> = self
            .exceptions
            .iter()
            .filter_map(|exception| match *exception {
                Exception::Open {
                    date: on,
                    from,
                    until,
                } if on == date => Some((from, until)),
                _ => None,
            })
            .collect();
        if !extra.is_empty() {
            return extra;
        }
        if calendar.is_holiday(date) {
            return Vec::new();
        }
        self.openings
            .iter()
            .filter(|opening| opening.weekday == date.weekday())
            .map(|opening| (opening.from, opening.until))
            .collect()
    }

    /// Every slot of `date`, in order: whole slots only.
    pub fn slots_on(&self, date: Date, calendar: &BusinessCalendar) -> Vec<DateTime> {
        let length: Span = self.slot_minutes.minutes();
        let mut starts = Vec::new();
        for (from, until) in self.hours_on(date, calendar) {
            let mut start = from;
            while let Ok(end) = start.checked_add(length) {
                if end > until || end < start {
                    break;
                }
                starts.push(date.to_datetime(start));
                start = end;
            }
        }
        starts.sort();
        starts.dedup();
        starts
    }

    /// The slots that can be booked at `now` (Italian time), with the seats `booked` leaves:
    /// after the minimum notice, up to the horizon, never full ones.
    pub fn free_slots(
        &self,
        now: DateTime,
        calendar: &BusinessCalendar,
        booked: &HashMap<DateTime, u32>,
    ) -> Vec<FreeSlot> {
        let earliest = now
            .checked_add(self.min_notice_hours.hours())
            .unwrap_or(DateTime::MAX);
        let mut free = Vec::new();
        let mut date = now.date();
        for _ in 0..=self.horizon_days {
            for start in self.slots_on(date, calendar) {
                let taken = booked.get(&start).copied().unwrap_or(0);
                if start >= earliest && taken < self.seats {
                    free.push(FreeSlot {
                        start,
                        free: self.seats - taken,
                    });
                }
            }
            let Ok(next) = date.tomorrow() else { break };
            date = next;
        }
        free
    }
}

/// The Italian name of a weekday, as the plan's pages write it.
pub fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "lunedì",
        Weekday::Tuesday => "martedì",
        Weekday::Wednesday => "mercoledì",
        Weekday::Thursday => "giovedì",
        Weekday::Friday => "venerdì",
        Weekday::Saturday => "sabato",
        Weekday::Sunday => "domenica",
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, time};

    use super::*;

    /// Tuesdays 9:00–11:00 and Thursdays 14:00–15:00, slots of 30 minutes, 2 seats.
    fn plan() -> Plan {
        Plan {
            openings: vec![
                Opening {
                    weekday: Weekday::Tuesday,
                    from: time(9, 0, 0, 0),
                    until: time(11, 0, 0, 0),
                },
                Opening {
                    weekday: Weekday::Thursday,
                    from: time(14, 0, 0, 0),
                    until: time(15, 0, 0, 0),
                },
            ],
            slot_minutes: 30,
            seats: 2,
            exceptions: Vec::new(),
            min_notice_hours: 24,
            horizon_days: 14,
        }
    }

    fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> DateTime {
        date(y, m, d).at(h, min, 0, 0)
    }

    fn starts(slots: &[FreeSlot]) -> Vec<String> {
        slots
            .iter()
            .map(|slot| slot.start.strftime("%Y-%m-%d %H:%M").to_string())
            .collect()
    }

    #[test]
    fn a_week_gives_the_slots_of_its_opening_hours() {
        // Monday 30 November 2026 at 08:00: Tuesday 1 December is 25 hours away.
        let now = at(2026, 11, 30, 8, 0);
        let plan = Plan {
            horizon_days: 3,
            ..plan()
        };
        let free = plan.free_slots(now, &BusinessCalendar::default(), &HashMap::new());
        assert_eq!(
            starts(&free),
            [
                "2026-12-01 09:00",
                "2026-12-01 09:30",
                "2026-12-01 10:00",
                "2026-12-01 10:30",
                "2026-12-03 14:00",
                "2026-12-03 14:30",
            ]
        );
        assert!(free.iter().all(|slot| slot.free == 2));
    }

    #[test]
    fn the_minimum_notice_and_the_horizon_bound_the_offer() {
        // Monday 30 November at 09:45: a day's notice leaves Tuesday from 10:00.
        let now = at(2026, 11, 30, 9, 45);
        let plan = Plan {
            horizon_days: 2,
            ..plan()
        };
        let free = plan.free_slots(now, &BusinessCalendar::default(), &HashMap::new());
        assert_eq!(starts(&free), ["2026-12-01 10:00", "2026-12-01 10:30"]);
    }

    #[test]
    fn holidays_are_closed_and_exceptions_close_or_open_days() {
        // Tuesday 8 December is the Immaculate Conception; Thursday 10 closes for a strike;
        // Saturday 12 opens 9:00–10:00 for once.
        let plan = Plan {
            exceptions: vec![
                Exception::Closed(date(2026, 12, 10)),
                Exception::Open {
                    date: date(2026, 12, 12),
                    from: time(9, 0, 0, 0),
                    until: time(10, 0, 0, 0),
                },
            ],
            ..plan()
        };
        let calendar = BusinessCalendar::default();
        assert!(plan.slots_on(date(2026, 12, 8), &calendar).is_empty());
        assert!(plan.slots_on(date(2026, 12, 10), &calendar).is_empty());
        let now = at(2026, 12, 6, 12, 0);
        let free = plan.free_slots(
            now,
            &calendar,
            &HashMap::from([(at(2026, 12, 12, 9, 0), 1), (at(2026, 12, 12, 9, 30), 2)]),
        );
        let week: Vec<String> = starts(&free)
            .into_iter()
            .filter(|start| start.as_str() < "2026-12-14")
            .collect();
        assert_eq!(
            week,
            ["2026-12-12 09:00"],
            "one seat left at 9:00, 9:30 full"
        );
        assert_eq!(free[0].free, 1);
        // A local holiday written in the calendar closes a weekly day too.
        let local = BusinessCalendar::new(&["12-15".to_owned()]).unwrap();
        assert!(plan.slots_on(date(2026, 12, 15), &local).is_empty());
        assert_eq!(plan.slots_on(date(2026, 12, 15), &calendar).len(), 4);
    }

    #[test]
    fn only_whole_slots_fit_in_the_hours() {
        let plan = Plan {
            openings: vec![Opening {
                weekday: Weekday::Tuesday,
                from: time(9, 0, 0, 0),
                until: time(10, 10, 0, 0),
            }],
            slot_minutes: 20,
            ..plan()
        };
        let slots = plan.slots_on(date(2026, 12, 1), &BusinessCalendar::default());
        let times: Vec<String> = slots
            .iter()
            .map(|s| s.strftime("%H:%M").to_string())
            .collect();
        assert_eq!(times, ["09:00", "09:20", "09:40"]);
    }

    #[test]
    fn a_plan_that_offers_nothing_sensible_is_refused() {
        assert_eq!(plan().check(), Ok(()));
        let short = Plan {
            openings: vec![Opening {
                weekday: Weekday::Monday,
                from: time(9, 0, 0, 0),
                until: time(9, 15, 0, 0),
            }],
            ..plan()
        };
        assert_eq!(short.check(), Err(PlanError::Hours("lunedì".to_owned())));
        assert_eq!(Plan { seats: 0, ..plan() }.check(), Err(PlanError::Seats));
        assert_eq!(
            Plan {
                slot_minutes: 1,
                ..plan()
            }
            .check(),
            Err(PlanError::SlotLength)
        );
        assert_eq!(
            Plan {
                horizon_days: 0,
                ..plan()
            }
            .check(),
            Err(PlanError::Window)
        );
    }
}
