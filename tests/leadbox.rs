//! leadbox's tests, as one binary: linking the app, the client and the sandbox once instead of once per
//! file is most of what a clean test run costs.
// A test's unwrap is its assertion: a failure there is the test failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod architecture;
mod client_support;
mod config;
mod demo_tenant;
mod discover;
mod exactly_once;
mod first_hour_cli;
mod first_hour_config;
mod form_support;
mod mirror_worker;
mod support;
mod triage;

mod app_mirror;
mod app_poll;
mod app_scroll;
mod app_update;
mod form_app;
mod form_draft;
mod form_e2e;
mod form_snapshots;
mod form_state;
mod fuzz_corpus;
mod headless;
mod hints_and_panes;
mod hostile;
mod hostile_text;
mod import;
mod import_rows;
mod inbox_daily;
mod inbox_e2e;
mod keys_and_looks;
mod learned_fields;
mod lookalikes;
mod lost_answers;
mod one_sender;
mod opener;
mod outbox;
mod pty_first_hour;
mod pty_form;
mod pty_inbox;
mod pty_looks;
mod pty_mirror;
mod pty_search;
mod sandbox_bounds;
mod signals_secrets;
mod soak;
mod sync;
mod ui_snapshots;
mod worker_cancel;
mod worker_errors;
mod worker_sandbox_errors;
mod worker_walk;
