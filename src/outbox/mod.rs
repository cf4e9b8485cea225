//! The outbox: leads typed or imported here, kept until the tenant has each exactly once. `queue` holds
//! the entries and their rules (oldest first, one send at a time per lead, what a lost answer means);
//! `drain` sends a queue without a screen, for `leads create` and `leads import`.

pub mod drain;
pub mod queue;

pub use queue::*;
