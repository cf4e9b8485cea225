//! The sandbox's tests, as one binary: the contract over real HTTP, and random requests that must never get a
//! 5xx or an answer without a JSON `error`.
// A test's unwrap is its assertion: a failure there is the test failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod contract;
mod fuzz;
mod keys;
mod limits;
mod lost_answers;
mod support;
