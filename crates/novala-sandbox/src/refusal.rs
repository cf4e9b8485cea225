//! Every refusal the sandbox sends: a status and a JSON `{"error": …}` body, `details` on validation
//! failures and `Retry-After` on 429.
//!
//! A validation answer carries at most [`MAX_DETAILS`] details, and a `field` that echoes a name the client
//! chose (an unknown body key, an unknown custom field) is cut to [`MAX_DETAIL_FIELD_CHARS`] characters, so a
//! body of a hundred thousand made-up keys, or one key of a mebibyte, gets a small answer.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use novala_leads::types::{ErrorBody, FieldDetail};

/// The most `details` one validation answer lists; the rest are dropped.
pub const MAX_DETAILS: usize = 50;
/// The longest `field` a detail names, in characters; a longer one is cut and ends in `…`.
pub const MAX_DETAIL_FIELD_CHARS: usize = 120;

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

    /// A 400 "Validation failed" with the first [`MAX_DETAILS`] of `details`, their field names cut to length.
    pub fn validation(mut details: Vec<FieldDetail>) -> Refusal {
        details.truncate(MAX_DETAILS);
        for detail in &mut details {
            if let Some((cut, _)) = detail.field.char_indices().nth(MAX_DETAIL_FIELD_CHARS) {
                detail.field.truncate(cut);
                detail.field.push('…');
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(field: &str) -> FieldDetail {
        FieldDetail {
            field: field.into(),
            message: "is wrong".into(),
        }
    }

    #[test]
    fn validation_answers_list_at_most_fifty_details_with_short_field_names() {
        let many: Vec<FieldDetail> = (0..500).map(|i| detail(&format!("f{i}"))).collect();
        let refusal = Refusal::validation(many);
        assert_eq!(refusal.status, StatusCode::BAD_REQUEST);
        let details = refusal.body.details.unwrap();
        assert_eq!(details.len(), MAX_DETAILS);
        assert_eq!(details[0].field, "f0");
        assert_eq!(details[MAX_DETAILS - 1].field, format!("f{}", MAX_DETAILS - 1));

        let long = format!("customFields.{}", "é".repeat(100_000));
        let details = Refusal::validation(vec![detail(&long), detail("firstName")])
            .body
            .details
            .unwrap();
        assert_eq!(details[0].field.chars().count(), MAX_DETAIL_FIELD_CHARS + 1);
        assert!(details[0].field.starts_with("customFields.é") && details[0].field.ends_with('…'));
        assert_eq!(details[1].field, "firstName");
        let exact = "x".repeat(MAX_DETAIL_FIELD_CHARS);
        let details = Refusal::validation(vec![detail(&exact)]).body.details.unwrap();
        assert_eq!(details[0].field, exact, "a name at the limit is kept whole");
    }
}
