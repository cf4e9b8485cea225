//! leadbox: a terminal inbox for the leads of a Novala tenant.
//!
//! The crate has two faces. The inbox (`app`, `ui`, `tui`) talks to a tenant through `api`, whose worker is
//! the only code that touches the network. The `sandbox` is a real HTTP server over SQLite that speaks the
//! same contract, so the inbox works on a machine with no tenant, and the tests have a server to talk to.

pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod logging;
pub mod rules;
pub mod sandbox;
pub mod sanitize;
pub mod store;
pub mod tenant;
pub mod tui;
pub mod ui;
