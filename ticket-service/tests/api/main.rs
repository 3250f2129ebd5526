//! Integration tests: the real service over HTTP on a loopback port.

mod admin;
mod authorisation;
mod batch_pdf;
mod csrf;
mod demo;
mod forms;
mod hardening_auth;
mod hardening_reports;
mod headers;
mod helpers;
mod login;
mod mail;
mod organisations;
mod reauthentication;
mod reports;
mod second_factor;
mod sessions;
mod startup;
mod topics;
mod totp_key;
