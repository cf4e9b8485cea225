//! The one table of leadbox's exit codes: every command's outcome maps to one of these, and the README's
//! "Exit codes" and the manual page list them from here.

use crate::api::error::ApiError;

/// Everything went as asked.
pub const OK: i32 = 0;
/// leadbox itself failed: the runtime, the terminal, the log file or the embedded sandbox.
pub const FAILURE: i32 = 1;
/// Wrong use of the command line (clap's own code too), or a config file that cannot be used.
pub const USAGE: i32 = 2;
/// The server refused the request's values.
pub const VALIDATION: i32 = 3;
/// The key is missing, not accepted, or lacks a scope.
pub const AUTH: i32 = 4;
pub const NOT_FOUND: i32 = 5;
/// Still rate limited after the client's retries.
pub const RATE_LIMITED: i32 = 6;
/// No answer, a timeout, a server error or an answer that could not be read.
pub const UNREACHABLE: i32 = 7;
/// A create whose outcome is unknown: the lead may exist.
pub const MAYBE_CREATED: i32 = 8;
/// `leads create` found a look-alike of the lead among the tenant's (same email, phone, or name and
/// company), or `leads import` found look-alikes of rows in the profile's mirror: nothing was sent.
/// `--allow-duplicate` sends it anyway.
pub const DUPLICATE: i32 = 10;
/// leadbox's own state on disk (the profile's state file or outbox) could not be read or written, or
/// is held by another process for too long: nothing was sent.
pub const LOCAL_STATE: i32 = 9;
/// Stopped by Ctrl-C (or SIGTERM) after the answers still out were awaited.
pub const INTERRUPTED: i32 = 130;

/// Every code with what it means to a script, in order: the manual's EXIT STATUS is printed from here.
pub const TABLE: &[(i32, &str)] = &[
    (OK, "done"),
    (
        FAILURE,
        "leadbox itself failed (the terminal, the log file, the embedded sandbox or the OS keyring could not be used)",
    ),
    (
        USAGE,
        "usage: a wrong flag or value, a config file with problems or missing (--config), a profile or view that \
         cannot be used, an id's start that several leads have, or key set without a terminal",
    ),
    (
        VALIDATION,
        "refused, by leadbox's checks or by the tenant (every problem listed)",
    ),
    (AUTH, "the key is missing, not accepted, or lacks a scope"),
    (
        NOT_FOUND,
        "not found (for leads get, also an id's start that no known lead has)",
    ),
    (RATE_LIMITED, "rate limited after retries"),
    (UNREACHABLE, "unreachable, a timeout or a server error"),
    (
        MAYBE_CREATED,
        "a create may have happened (outcome unknown); it waits in the profile's outbox",
    ),
    (
        LOCAL_STATE,
        "leadbox's own state on disk could not be read or written: nothing was sent (also: another sync of the \
         profile's mirror is running, or --offline found no mirror)",
    ),
    (
        DUPLICATE,
        "leads create (or leads import, for rows) found a lead with the same email, phone, or name and \
         company: nothing was sent (--allow-duplicate sends it)",
    ),
    (INTERRUPTED, "interrupted"),
];

/// The exit code for `error`.
pub fn of_api_error(error: &ApiError) -> i32 {
    if error.may_have_created() {
        return MAYBE_CREATED;
    }
    match error {
        ApiError::Validation { .. } | ApiError::Rejected { .. } => VALIDATION,
        ApiError::Unauthorized { .. } | ApiError::Forbidden { .. } => AUTH,
        ApiError::NotFound { .. } => NOT_FOUND,
        ApiError::RateLimited { .. } => RATE_LIMITED,
        _ => UNREACHABLE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_every_code_once_in_order() {
        let codes: Vec<i32> = TABLE.iter().map(|(c, _)| *c).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted, "in order and each once");
        let every = [
            OK,
            FAILURE,
            USAGE,
            VALIDATION,
            AUTH,
            NOT_FOUND,
            RATE_LIMITED,
            UNREACHABLE,
            MAYBE_CREATED,
            LOCAL_STATE,
            DUPLICATE,
            INTERRUPTED,
        ];
        assert_eq!(codes.len(), every.len());
        assert!(every.iter().all(|c| codes.contains(c)));
    }

    #[test]
    fn each_kind_of_failure_has_its_own_exit_code() {
        let codes = [
            of_api_error(&ApiError::Validation {
                message: String::new(),
                details: vec![],
            }),
            of_api_error(&ApiError::Unauthorized {
                key_origin: String::new(),
            }),
            of_api_error(&ApiError::NotFound { message: String::new() }),
            of_api_error(&ApiError::RateLimited { retry_after: None }),
            of_api_error(&ApiError::Network {
                message: String::new(),
                maybe_created: false,
            }),
            of_api_error(&ApiError::Network {
                message: String::new(),
                maybe_created: true,
            }),
        ];
        assert_eq!(
            codes,
            [VALIDATION, AUTH, NOT_FOUND, RATE_LIMITED, UNREACHABLE, MAYBE_CREATED]
        );
    }
}
