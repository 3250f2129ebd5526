//! Types and rules of the reserved area, free of I/O so they can be tested without a server.

pub mod account_link;
pub mod anonymise;
pub mod appointments;
pub mod attachment;
pub mod audit;
pub mod faq_draft;
pub mod feedback;
pub mod lockout;
pub mod monitoring;
pub mod organisation;
pub mod page_counter;
pub mod password;
pub mod password_choice;
pub mod permissions;
pub mod rate_limit;
pub mod report;
pub mod report_fields;
pub mod report_form;
pub mod role;
pub mod search;
pub mod second_factor;
pub mod session;
pub mod statistics;
pub mod topic;
pub mod urgency;
pub mod user;
