//! State and update of the inbox.

pub mod form;
