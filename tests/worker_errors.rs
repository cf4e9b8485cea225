//! Every kind of failure reaches the app as the right typed error inside the right `ApiEvent`, with a message a
//! person can read, and the key string in neither its `Debug` nor its `Display`. A stand-in server answers each
//! path with one canned failure; some answers even echo the `Authorization` header back.

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use leadbox::api::worker::{ApiEvent, ApiRequest, spawn_worker};
use leadbox::api::{ApiError, ApiKey, LeadSource, ListQuery, NewLead, NovalaClient};
use serde_json::json;

use crate::client_support::{assert_network, quick};

const KEY: &str = "sk_test_d0n0tl3akm3";

fn echo_auth(headers: &HeaderMap) -> String {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// `GET /api/v1/leads/{id}`: the id picks the failure.
async fn lead(axum::extract::Path(id): axum::extract::Path<String>, headers: HeaderMap) -> axum::response::Response {
    let auth = echo_auth(&headers);
    let json = |status: StatusCode, body: serde_json::Value| (status, axum::Json(body)).into_response();
    match id.as_str() {
        "unauthorized" => json(
            StatusCode::UNAUTHORIZED,
            json!({"error": format!("Unknown key {auth}")}),
        ),
        "forbidden" => json(
            StatusCode::FORBIDDEN,
            json!({"error": "The key lacks the scope leads.lead.write"}),
        ),
        "missing" => json(StatusCode::NOT_FOUND, json!({"error": "Lead not found"})),
        "invalid" => json(
            StatusCode::BAD_REQUEST,
            json!({"error": format!("Validation failed for {auth}"),
                   "details": [{"field": "firstName", "message": format!("must not be {auth}")}]}),
        ),
        "conflict" => json(StatusCode::CONFLICT, json!({"error": "Already exists"})),
        "limited" => {
            let mut r = json(StatusCode::TOO_MANY_REQUESTS, json!({"error": "Slow down"}));
            r.headers_mut().insert(header::RETRY_AFTER, "3".parse().unwrap());
            r
        }
        "broken" => json(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"error": format!("boom {auth}")}),
        ),
        "gateway" => (StatusCode::BAD_GATEWAY, "<html>proxy says no</html>").into_response(),
        "misshapen" => json(
            StatusCode::OK,
            json!({"data": {"id": "x", "status": "new", "createdAt": "yesterday"}}),
        ),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            json(StatusCode::OK, json!({}))
        }
        _ => json(StatusCode::NOT_FOUND, json!({"error": "no such case"})),
    }
}

/// A list whose second lead has a number where the timestamp belongs.
async fn list() -> axum::response::Response {
    let good = json!({"id": "a", "status": "new", "createdAt": "2025-01-15T10:30:00Z"});
    let bad = json!({"id": "b", "status": "new", "createdAt": 12});
    axum::Json(json!({"data": [good, bad], "nextCursor": null, "hasMore": false})).into_response()
}

async fn create(headers: HeaderMap) -> axum::response::Response {
    let auth = echo_auth(&headers);
    (
        StatusCode::FORBIDDEN,
        axum::Json(json!({"error": format!("{auth} is read-only")})),
    )
        .into_response()
}

async fn serve() -> String {
    let app = Router::new()
        .route("/api/v1/leads", get(list).post(create))
        .route("/api/v1/leads/{id}", get(lead));
    format!("http://{}", crate::client_support::serve(app).await)
}

fn client(base: &str) -> NovalaClient {
    let opts = quick(2, Duration::from_millis(1500));
    NovalaClient::with_options(base, ApiKey::new(KEY, "NOVALA_SECRET_KEY"), opts).unwrap()
}

fn assert_no_key(err: &ApiError) {
    let shown = format!("{err:?} {err}");
    assert!(!shown.contains(KEY), "the key leaked: {shown}");
    assert!(!shown.contains("d0n0tl3akm3"), "part of the key leaked: {shown}");
}

#[tokio::test]
async fn each_failure_arrives_typed_readable_and_without_the_key() {
    let base = serve().await;
    let mut worker = spawn_worker(client(&base));
    let cases = [
        "unauthorized",
        "forbidden",
        "missing",
        "invalid",
        "conflict",
        "limited",
        "broken",
        "gateway",
        "misshapen",
        "slow",
    ];
    for (i, case) in cases.iter().enumerate() {
        worker
            .requests
            .send(ApiRequest::Get {
                id: i as u64,
                lead_id: case.to_string(),
            })
            .unwrap();
    }
    worker
        .requests
        .send(ApiRequest::List {
            id: 100,
            query: ListQuery::default(),
            cursor: Some("c/1+=".into()),
        })
        .unwrap();
    worker
        .requests
        .send(ApiRequest::Create {
            id: 101,
            lead: NewLead::new("Ada", LeadSource::Referral),
        })
        .unwrap();
    drop(worker.requests);

    let mut seen = 0;
    while let Some(event) = crate::client_support::next_event(&mut worker.events).await {
        seen += 1;
        let err = match &event {
            ApiEvent::Fetched { result: Err(e), .. } => e.clone(),
            ApiEvent::Listed {
                id: 100,
                cursor,
                result: Err(e),
            } => {
                assert_eq!(cursor.as_deref(), Some("c/1+="), "the cursor asked with is echoed");
                e.clone()
            }
            ApiEvent::Created {
                id: 101,
                result: Err(e),
            } => e.clone(),
            other => panic!("unexpected event {other:?}"),
        };
        assert_no_key(&err);
        let text = err.to_string();
        assert!(text.len() > 10, "{text}");
        let case = cases.get(event.id() as usize).copied().unwrap_or("");
        match (event.id(), &err) {
            (100, ApiError::Decode { field, .. }) => assert_eq!(field, "data[1].createdAt"),
            (101, ApiError::Forbidden { scope, message }) => {
                assert_eq!(
                    scope, "leads.lead.write",
                    "the scope the request needs, as none is named"
                );
                assert!(message.contains("[redacted key]"), "{message}");
            }
            (_, ApiError::Unauthorized { key_origin }) if case == "unauthorized" => {
                assert_eq!(key_origin, "NOVALA_SECRET_KEY");
                assert!(text.contains("NOVALA_SECRET_KEY"), "{text}");
            }
            (_, ApiError::Forbidden { scope, .. }) if case == "forbidden" => {
                assert_eq!(scope, "leads.lead.write");
                assert!(text.contains("leads.lead.write"), "{text}");
            }
            (_, ApiError::NotFound { message }) if case == "missing" => assert_eq!(message, "Lead not found"),
            (_, ApiError::Validation { details, .. }) if case == "invalid" => {
                assert_eq!(details.len(), 1);
                assert_eq!(details[0].field, "firstName");
                assert!(text.contains("firstName"), "{text}");
            }
            (_, ApiError::Rejected { status: 409, message }) if case == "conflict" => {
                assert_eq!(message, "Already exists")
            }
            (_, ApiError::RateLimited { retry_after }) if case == "limited" => {
                assert_eq!(*retry_after, Some(Duration::from_secs(3)));
                assert!(text.contains("3s"), "{text}");
            }
            (
                _,
                ApiError::Server {
                    status: 500,
                    message,
                    maybe_created: false,
                },
            ) if case == "broken" => {
                assert!(message.starts_with("boom"), "{message}")
            }
            (
                _,
                ApiError::Server {
                    status: 502,
                    message,
                    maybe_created: false,
                },
            ) if case == "gateway" => {
                assert_eq!(message, "<html>proxy says no</html>")
            }
            (_, ApiError::Decode { field, .. }) if case == "misshapen" => assert_eq!(field, "data.createdAt"),
            (
                _,
                ApiError::Timeout {
                    maybe_created: false, ..
                },
            ) if case == "slow" => {}
            (id, other) => panic!("request {id} ({case}) came back as {other:?}"),
        }
    }
    assert_eq!(seen, cases.len() + 2, "one event per request, then the channel closes");
}

#[tokio::test]
async fn a_refused_connection_is_a_network_error_and_a_create_there_was_never_sent() {
    // A port that was just free: nothing listens there.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = client(&format!("http://127.0.0.1:{port}/api/v1"));
    let err = client.list(&ListQuery::default(), None).await.unwrap_err();
    assert_network(&err, false);
    assert!(err.to_string().contains("could not"), "{err}");
    assert_no_key(&err);
    let err = client
        .create(&NewLead::new("Ada", LeadSource::Referral))
        .await
        .unwrap_err();
    assert_network(&err, false);
    assert!(!err.may_have_created());
}
