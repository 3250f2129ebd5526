//! Use cases: one function for each thing a person does (log in, file a report, apply an
//! action, make a batch, …). A use case takes the state (or the parts of it it needs), the
//! `Principal` when someone is logged in, and the typed input the handler extracted; it checks
//! permissions, applies the rules of `domain`, and writes through `db` in one transaction
//! together with its audit line or timeline entry. It returns what happened (a typed outcome,
//! or the form's errors to show again), never HTML: handlers in `routes` render.

pub mod account_links;
pub mod appointment_plans;
pub mod appointments;
pub mod audit_log;
pub mod booking_moves;
pub mod calendar_feeds;
pub mod citizen_data;
pub mod faq_export;
pub mod feedback;
pub mod form_session;
pub mod login;
pub mod monitoring;
pub mod organisations;
pub mod own_sessions;
pub mod page_counter;
pub mod passwords;
pub mod reauthentication;
pub mod reports;
pub mod retention;
pub mod second_factor;
pub mod statistics;
pub mod topics;
pub mod typed_password;
pub mod users;
