//! Every refusal the sandbox sends: a status and a JSON `{"error": …}` body, `details` on validation
//! failures and `Retry-After` on 429.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use novala_leads::types::{ErrorBody, FieldDetail};

#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: StatusCode,
    pub body: ErrorBody,
    pub retry_after_secs: Option<u64>,
}

impl Refusal {
    pub fn new(status: StatusCode, error: impl Into<String>) -> Refusal {
        Refusal {
            status,
            body: ErrorBody::new(error),
            retry_after_secs: None,
        }
    }

    pub fn bad_request(error: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, error)
    }

    pub fn validation(details: Vec<FieldDetail>) -> Refusal {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            body: ErrorBody {
                error: "Validation failed".into(),
                details: Some(details),
            },
            retry_after_secs: None,
        }
    }

    pub fn not_found() -> Refusal {
        Refusal::new(StatusCode::NOT_FOUND, "Lead not found")
    }

    pub fn rate_limited(retry_after_secs: u64) -> Refusal {
        Refusal {
            retry_after_secs: Some(retry_after_secs),
            ..Refusal::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Rate limit exceeded: slow down and retry later",
            )
        }
    }

    /// A fault of the sandbox itself; the cause goes to the log, not to the client.
    pub fn internal(cause: &dyn std::fmt::Display) -> Refusal {
        tracing::error!(%cause, "sandbox request failed");
        Refusal::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error")
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
