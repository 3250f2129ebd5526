//! `respi-tickets`: the reserved area of the network of public offices for immigrants, where
//! operators log in to file reports to the Questura and the Prefettura and book appointments.

pub mod app;
pub mod attachment_store;
pub mod auth;
pub mod backup;
pub mod charts;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod forms;
pub mod import;
pub mod logging;
pub mod mail;
pub mod middleware;
pub mod notify;
pub mod pagination;
pub mod paths;
pub mod routes;
pub mod search;
pub mod startup;
pub mod state;
pub mod templates;
