//! What can go wrong talking to a tenant, in words a sales rep can act on. No variant ever holds the key.

use std::time::Duration;

use crate::types::FieldDetail;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// 401: the key is missing or not accepted. `key_origin` says where the key came from
    /// (e.g. "NOVALA_SECRET_KEY" or "the embedded sandbox"), never the key itself.
    #[error("the API key from {key_origin} was not accepted (401): check that it is a current key of this tenant")]
    Unauthorized { key_origin: String },

    /// 403: the key lacks a scope.
    #[error("the API key lacks the scope {scope} (403): {message}")]
    Forbidden { scope: String, message: String },

    /// 404: no such lead in this tenant.
    #[error("not found (404): {message}")]
    NotFound { message: String },

    /// 400: the server refused the request; `details` name the fields when it said which.
    #[error("{}", describe_validation(message, details))]
    Validation { message: String, details: Vec<FieldDetail> },

    /// 409 and any other 4xx the contract does not name.
    #[error("the server refused the request ({status}): {message}")]
    Rejected { status: u16, message: String },

    /// 429 after the client's own retries ran out.
    #[error("the tenant is rate limited (429){}", retry_hint(retry_after))]
    RateLimited { retry_after: Option<Duration> },

    /// 5xx after the client's own retries ran out. `maybe_created` is set on a create: a server that failed
    /// while handling it may have stored the lead before it failed.
    #[error("{}", describe_server(*status, message, *maybe_created))]
    Server {
        status: u16,
        message: String,
        maybe_created: bool,
    },

    /// No answer: connection refused or reset, DNS, TLS, a body cut off. `maybe_created` is set when a create
    /// may have reached the server, so the user checks the list before sending it again.
    #[error("{}", describe_network(message, *maybe_created))]
    Network { message: String, maybe_created: bool },

    /// The server took longer than the client's timeout.
    #[error("{}", describe_timeout(*after, *maybe_created))]
    Timeout { after: Duration, maybe_created: bool },

    /// The answer was not the JSON the contract promises; `field` is the path that did not match.
    #[error("the server's answer could not be read at {field}: {message}")]
    Decode { field: String, message: String },

    /// The answer was bigger than the client reads (counted after decompression); not tried again.
    #[error("the server's answer was larger than {} MiB, so it was not read", limit_bytes / (1024 * 1024))]
    TooLarge { limit_bytes: usize },

    /// A 3xx: redirects are not followed, since the key would go wherever they point.
    #[error(
        "the server answered {status}, pointing to {location}; leadbox does not follow redirects (the key would go along): check the tenant's address"
    )]
    Redirected { status: u16, location: String },

    /// The request was cancelled because the app no longer needed it.
    #[error("cancelled")]
    Cancelled,
}

impl ApiError {
    /// True when sending the same create again could make a second lead.
    pub fn may_have_created(&self) -> bool {
        matches!(
            self,
            ApiError::Network {
                maybe_created: true,
                ..
            } | ApiError::Timeout {
                maybe_created: true,
                ..
            } | ApiError::Server {
                maybe_created: true,
                ..
            }
        )
    }

    /// True when the tenant gave no answer (not reached, timed out, failing): a copy kept on this machine
    /// may stand in for its answer.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            ApiError::Network { .. } | ApiError::Timeout { .. } | ApiError::Server { .. }
        )
    }

    /// The field details of a 400, empty for every other error.
    pub fn field_details(&self) -> &[FieldDetail] {
        match self {
            ApiError::Validation { details, .. } => details,
            _ => &[],
        }
    }
}

fn describe_validation(message: &str, details: &[FieldDetail]) -> String {
    if details.is_empty() {
        return format!("the server refused the request (400): {message}");
    }
    let fields: Vec<String> = details.iter().map(|d| format!("{} {}", d.field, d.message)).collect();
    format!("the server refused the request (400): {message}: {}", fields.join("; "))
}

/// What every error that [`ApiError::may_have_created`] adds to its message.
const MAYBE_CREATED: &str = "the lead may have been created: check the list before sending again";

fn describe_server(status: u16, message: &str, maybe_created: bool) -> String {
    if maybe_created {
        format!("the server failed ({status}): {message}; {MAYBE_CREATED}")
    } else {
        format!("the server failed ({status}): {message}")
    }
}

fn retry_hint(after: &Option<Duration>) -> String {
    match after {
        Some(d) => format!(": try again in {}s", d.as_secs().max(1)),
        None => ": try again shortly".to_string(),
    }
}

fn describe_network(message: &str, maybe_created: bool) -> String {
    if maybe_created {
        format!("the connection failed ({message}); {MAYBE_CREATED}")
    } else {
        format!("could not reach the server: {message}")
    }
}

fn describe_timeout(after: Duration, maybe_created: bool) -> String {
    if maybe_created {
        format!("the server did not answer within {}s; {MAYBE_CREATED}", after.as_secs())
    } else {
        format!("the server did not answer within {}s", after.as_secs())
    }
}
