//! Integration tests: the real service over HTTP on a loopback port.

mod admin;
mod attachments_quotas;
mod authorisation;
mod batch_pdf;
mod csrf;
mod demo;
mod feedback;
mod forms;
mod hardening_auth;
mod headers;
mod helpers;
mod lists;
mod login;
mod mail;
mod organisations;
mod reauthentication;
mod reports_access;
mod reports_story;
mod second_factor;
mod service_files;
mod sessions;
mod startup;
mod steps;
mod topics;
mod totp_key;
mod transactions;
