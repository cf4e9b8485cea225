//! The data every layer names: the form's draft. A leaf: it depends on nothing of leadbox's.

pub mod draft;

pub use draft::{Draft, DraftValue};
