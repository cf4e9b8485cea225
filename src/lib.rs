//! leadbox: a terminal inbox for the leads of a Novala tenant.
//!
//! The inbox (`app`, `ui`, `tui`) talks to a tenant through `api`, whose worker is the only code that touches
//! the network. The contract itself (wire types, create rules, the client) is the `novala-leads` crate; the
//! embedded server that stands in for a tenant is `novala-sandbox`, which only `commands` starts. The
//! binary only runs `commands::run` and exits with its code.

pub mod api;
pub mod app;
pub mod child;
pub mod cli;
pub mod commands;
pub mod config;
pub mod exporting;
pub mod hardening;
pub mod keymap;
pub mod logging;
pub mod model;
pub mod outbox;
pub mod owner_only;
pub mod sanitize;
pub mod step;
pub mod store;
pub mod sync;
pub mod text;
pub mod theme;
pub mod tui;
pub mod ui;

pub use novala_leads::{rules, tenant};
pub mod import;
