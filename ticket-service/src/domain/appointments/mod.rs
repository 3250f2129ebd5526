//! Appointments at the Prefettura's citizenship office, as rules without I/O: the weekly
//! opening plans with their exceptions and the free slots they give (`slots`), and the checks
//! of the person booked for (`identity`).

pub mod ics;
pub mod identity;
pub mod plan_form;
pub mod quotas;
pub mod slots;
