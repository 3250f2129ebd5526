//! The network's statistics, as pure arithmetic over facts the database gives: the period and
//! its predecessor, counts and shares, medians and 90th percentiles, appointment figures, and
//! the small-cell rule for roles that may not see single reports.

pub mod bookings;
pub mod figures;
pub mod measures;
pub mod period;
