//! Weekly quotas that keep a kind's seats fair across the province. Either each office may
//! book at most a number of seats a week, or the seats of a regular week are shared among the
//! territorial areas in proportion to their foreign residents (the `[[areas]]` of the
//! portal's `site.toml`), by largest remainders so the shares add up to the week's seats.
//! A week runs from Monday to Sunday: the week of the appointment, not of the booking.

use jiff::ToSpan;
use jiff::civil::{Date, Time, Weekday};

use crate::domain::appointments::slots::Plan;

/// A territorial area and its foreign residents, as `site.toml` gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaFigure {
    pub id: String,
    pub name: String,
    pub foreign_residents: u64,
}

/// The seats a week of one area.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AreaQuota {
    pub area: String,
    pub name: String,
    pub foreign_residents: u64,
    pub seats: u32,
}

/// The quota of a kind of appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Quota {
    None,
    /// Each office books at most this many seats a week.
    PerOffice(u32),
    /// The offices of each area book together at most the area's seats a week; offices
    /// outside these areas (and the Prefettura itself) are not limited.
    ByArea(Vec<AreaQuota>),
}

impl Quota {
    /// The code stored for the rule.
    pub fn code(&self) -> &'static str {
        match self {
            Quota::None => "nessuna",
            Quota::PerOffice(_) => "sportello",
            Quota::ByArea(_) => "area",
        }
    }

    /// The rule in words, for the review page and the list of kinds.
    pub fn describe(&self) -> String {
        match self {
            Quota::None => "Nessuna quota: ogni sportello prenota finché ci sono posti.".to_owned(),
            Quota::PerOffice(seats) => format!(
                "Ogni sportello prenota al massimo {seats} {} a settimana (da lunedì a domenica, contando la settimana dell'appuntamento).",
                if *seats == 1 { "posto" } else { "posti" }
            ),
            Quota::ByArea(_) => "I posti di una settimana normale sono divisi tra le aree del territorio in proporzione ai loro residenti stranieri (metodo dei resti più alti); gli sportelli di un'area prenotano insieme al massimo la quota dell'area in ogni settimana. La Prefettura e le organizzazioni senza area non hanno quota.".to_owned(),
        }
    }
}

/// Why a quota cannot be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuotaError {
    #[error("la quota per sportello va da 1 a 10000 posti a settimana")]
    OfficeSeats,
    #[error(
        "il file site.toml del portale non indica aree con residenti stranieri: la quota per area non si può calcolare"
    )]
    NoAreas,
    #[error(
        "il piano non ha posti in una settimana normale: non c'è nulla da dividere tra le aree"
    )]
    NoSeats,
}

/// The seats of a regular week of `plan`: its weekly hours only, without exceptions and
/// holidays.
pub fn weekly_seats(plan: &Plan) -> u32 {
    let slots: u32 = plan
        .openings
        .iter()
        .map(|opening| whole_slots(opening.from, opening.until, plan.slot_minutes))
        .sum();
    slots * plan.seats
}

fn whole_slots(from: Time, until: Time, slot_minutes: i32) -> u32 {
    let minutes = |time: Time| i32::from(time.hour()) * 60 + i32::from(time.minute());
    let length = minutes(until) - minutes(from);
    if slot_minutes <= 0 || length <= 0 {
        return 0;
    }
    u32::try_from(length / slot_minutes).unwrap_or(0)
}

/// Shares `seats` among `areas` in proportion to their foreign residents, by largest
/// remainders (ties to the area listed first), so the shares add up to `seats`.
pub fn apportion(seats: u32, areas: &[AreaFigure]) -> Result<Vec<AreaQuota>, QuotaError> {
    let total: u64 = areas.iter().map(|area| area.foreign_residents).sum();
    if areas.is_empty() || total == 0 {
        return Err(QuotaError::NoAreas);
    }
    if seats == 0 {
        return Err(QuotaError::NoSeats);
    }
    let exact: Vec<(u64, u64)> = areas
        .iter()
        .map(|area| {
            let product = u64::from(seats) * area.foreign_residents;
            (product / total, product % total)
        })
        .collect();
    let given: u64 = exact.iter().map(|(whole, _)| whole).sum();
    let mut order: Vec<usize> = (0..areas.len()).collect();
    order.sort_by(|a, b| exact[*b].1.cmp(&exact[*a].1).then(a.cmp(b)));
    let left = usize::try_from(u64::from(seats) - given).unwrap_or(0);
    let mut shares: Vec<u64> = exact.iter().map(|(whole, _)| *whole).collect();
    for index in order.into_iter().take(left) {
        shares[index] += 1;
    }
    Ok(areas
        .iter()
        .zip(shares)
        .map(|(area, share)| AreaQuota {
            area: area.id.clone(),
            name: area.name.clone(),
            foreign_residents: area.foreign_residents,
            seats: u32::try_from(share).unwrap_or(u32::MAX),
        })
        .collect())
}

/// The Monday that starts the week of `date`, and the Monday after.
pub fn week_of(date: Date) -> (Date, Date) {
    let back = i64::from(date.weekday().since(Weekday::Monday));
    let monday = date.checked_sub(back.days()).unwrap_or(date);
    let next = monday.checked_add(7.days()).unwrap_or(monday);
    (monday, next)
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, time};

    use super::*;
    use crate::domain::appointments::slots::Opening;

    fn area(id: &str, residents: u64) -> AreaFigure {
        AreaFigure {
            id: id.to_owned(),
            name: id.to_uppercase(),
            foreign_residents: residents,
        }
    }

    #[test]
    fn seats_are_shared_by_residents_with_the_largest_remainders() {
        // 10 seats, residents 5, 3, 2 of 10: exactly 5, 3, 2.
        let even = apportion(10, &[area("a", 5), area("b", 3), area("c", 2)]).unwrap();
        let seats: Vec<u32> = even.iter().map(|q| q.seats).collect();
        assert_eq!(seats, [5, 3, 2]);
        // 7 seats, residents 14800, 16200, 9700, 7300, 6100 (54100): exact shares 1.915,
        // 2.096, 1.255, 0.945, 0.789; wholes 1, 2, 1, 0, 0 make 4; the 3 seats left go to
        // the largest remainders .945, .915, .789.
        let province = [
            area("cuneo", 14800),
            area("alba", 16200),
            area("saluzzo", 9700),
            area("fossano", 7300),
            area("mondovi", 6100),
        ];
        let shares: Vec<u32> = apportion(7, &province)
            .unwrap()
            .iter()
            .map(|q| q.seats)
            .collect();
        assert_eq!(shares, [2, 2, 1, 1, 1]);
        assert_eq!(apportion(7, &[]), Err(QuotaError::NoAreas));
        assert_eq!(apportion(0, &province), Err(QuotaError::NoSeats));
    }

    #[test]
    fn a_regular_week_counts_whole_slots_times_seats() {
        let plan = Plan {
            openings: vec![
                Opening {
                    weekday: Weekday::Monday,
                    from: time(9, 0, 0, 0),
                    until: time(12, 0, 0, 0),
                },
                Opening {
                    weekday: Weekday::Thursday,
                    from: time(14, 0, 0, 0),
                    until: time(15, 10, 0, 0),
                },
            ],
            slot_minutes: 20,
            seats: 2,
            exceptions: Vec::new(),
            min_notice_hours: 0,
            horizon_days: 10,
        };
        // Monday 9 slots, Thursday 3 whole slots: 12 slots of 2 seats.
        assert_eq!(weekly_seats(&plan), 24);
    }

    #[test]
    fn a_week_runs_from_monday_to_sunday() {
        assert_eq!(
            week_of(date(2026, 12, 6)),
            (date(2026, 11, 30), date(2026, 12, 7))
        );
        assert_eq!(
            week_of(date(2026, 12, 7)),
            (date(2026, 12, 7), date(2026, 12, 14))
        );
    }
}
