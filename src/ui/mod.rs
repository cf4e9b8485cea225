//! Drawing: pure functions of the app state.

pub mod form;
