//! The embedded Novala sandbox: axum routes over a SQLite store, seeded with demo leads.

pub mod faults;
