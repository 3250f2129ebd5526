//! The measures the statistics are made of: medians and 90th percentiles of durations, shares,
//! and the small-cell rule that keeps single reports out of what restricted roles read.

use serde::Serialize;

use crate::domain::permissions::{self, Action};
use crate::domain::role::Role;

/// Counts from 1 to `SMALL_CELL - 1` are hidden from roles that may not see single reports:
/// one or two reports in a cell may be told apart.
pub const SMALL_CELL: u64 = 3;

/// What a role may learn from the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Disclosure {
    /// The role sees single reports anyway: every figure as it is.
    Full,
    /// The role sees no single report: small counts, and measures made of few reports, hidden.
    AggregatesOnly,
}

impl Disclosure {
    /// Only roles that see every report of the network read figures as they are: the
    /// statistics cover the whole network.
    pub fn for_role(role: Role) -> Disclosure {
        if permissions::allows(role, Action::ViewAllReports) {
            Disclosure::Full
        } else {
            Disclosure::AggregatesOnly
        }
    }

    /// Whether a figure made of `count` reports may be shown.
    pub fn shows(self, count: u64) -> bool {
        match self {
            Disclosure::Full => true,
            Disclosure::AggregatesOnly => count == 0 || count >= SMALL_CELL,
        }
    }

    /// `count`, or `None` when it must stay hidden.
    pub fn count(self, count: u64) -> Option<u64> {
        self.shows(count).then_some(count)
    }
}

/// The median: the middle value, or the mean of the two middle ones. `None` for no values.
pub fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let upper = sorted[n / 2] as f64;
    if n % 2 == 1 {
        Some(upper)
    } else {
        Some((sorted[n / 2 - 1] as f64 + upper) / 2.0)
    }
}

/// The `p`-th percentile by the nearest-rank method: the smallest value such that at least
/// `p`% of the values are at most it, that is the value of rank ⌈p·n/100⌉.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (p as usize * n).div_ceil(100).clamp(1, n);
    Some(sorted[rank - 1])
}

/// How a set of durations spreads: how many, the median and the 90th percentile, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Spread {
    pub count: u64,
    pub median_secs: Option<f64>,
    pub p90_secs: Option<i64>,
}

impl Spread {
    /// The spread of `values`, which it sorts.
    pub fn of(mut values: Vec<i64>) -> Spread {
        values.sort_unstable();
        Spread {
            count: values.len() as u64,
            median_secs: median(&values),
            p90_secs: percentile(&values, 90),
        }
    }

    /// The same spread without its measures when they rest on too few reports for `disclosure`.
    pub fn disclosed(self, disclosure: Disclosure) -> Spread {
        if disclosure.shows(self.count) {
            self
        } else {
            Spread {
                count: self.count,
                median_secs: None,
                p90_secs: None,
            }
        }
    }
}

/// A share: `part` out of `whole`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Share {
    pub part: u64,
    pub whole: u64,
}

impl Share {
    /// The share in percent; `None` when there is nothing to share.
    pub fn percent(self) -> Option<f64> {
        (self.whole > 0).then(|| self.part as f64 * 100.0 / self.whole as f64)
    }

    /// Whether `disclosure` lets both numbers be read.
    pub fn shown(self, disclosure: Disclosure) -> bool {
        disclosure.shows(self.part) && disclosure.shows(self.whole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_values() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[7]), Some(7.0));
        assert_eq!(median(&[1, 3, 10]), Some(3.0));
        assert_eq!(median(&[1, 2, 4, 10]), Some(3.0));
    }

    #[test]
    fn the_90th_percentile_is_the_value_of_the_nearest_rank() {
        let ten: Vec<i64> = (1..=10).collect();
        // ⌈0.9 × 10⌉ = 9: the ninth value.
        assert_eq!(percentile(&ten, 90), Some(9));
        let eleven: Vec<i64> = (1..=11).collect();
        // ⌈0.9 × 11⌉ = ⌈9.9⌉ = 10.
        assert_eq!(percentile(&eleven, 90), Some(10));
        assert_eq!(percentile(&[5], 90), Some(5));
        assert_eq!(percentile(&[], 90), None);
        // Two values: ⌈1.8⌉ = 2, the larger one.
        assert_eq!(percentile(&[3, 8], 90), Some(8));
    }

    #[test]
    fn spreads_sort_their_values() {
        let spread = Spread::of(vec![30, 10, 20]);
        assert_eq!(spread.count, 3);
        assert_eq!(spread.median_secs, Some(20.0));
        assert_eq!(spread.p90_secs, Some(30));
    }

    #[test]
    fn only_roles_that_see_every_report_read_figures_in_full() {
        for role in Role::ALL {
            let full = Disclosure::for_role(role) == Disclosure::Full;
            assert_eq!(
                full,
                matches!(role, Role::Coordination | Role::Liaison),
                "{role}"
            );
        }
    }

    #[test]
    fn small_cells_are_hidden_only_from_restricted_roles() {
        for count in [1, 2] {
            assert!(!Disclosure::AggregatesOnly.shows(count));
            assert!(Disclosure::Full.shows(count));
        }
        assert!(Disclosure::AggregatesOnly.shows(0));
        assert!(Disclosure::AggregatesOnly.shows(3));
        let few = Spread::of(vec![100, 200]);
        assert_eq!(few.disclosed(Disclosure::AggregatesOnly).median_secs, None);
        assert_eq!(few.disclosed(Disclosure::Full).median_secs, Some(150.0));
        let share = Share { part: 1, whole: 40 };
        assert!(!share.shown(Disclosure::AggregatesOnly));
        assert_eq!(share.percent(), Some(2.5));
    }
}
