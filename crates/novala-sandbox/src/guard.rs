//! The layers in front of every route, which refuse a request before anything else looks at it. Each refusal
//! is the contract's JSON error body.
//!
//! - **Host** ([`is_loopback_host`]): the sandbox answers only a request whose `Host` (and the authority of an
//!   absolute request URI, if any) names a loopback host: `localhost`, a loopback IP such as `127.0.0.1` or
//!   `[::1]`, with any port or none. Anything else is `421 Misdirected Request`, so a web page that rebinds its
//!   own DNS name to 127.0.0.1 cannot read or create leads through the user's browser. A request with no `Host`
//!   at all (HTTP/1.0) passes; it cannot come from a browser. Two `Host` headers are a `400`.
//! - **URI length**: a request URI longer than [`MAX_URI_BYTES`] is `414 URI Too Long`. (hyper itself refuses a
//!   request line of 64 KiB or more, or a head beyond its read buffer, before any layer runs; those answers are
//!   hyper's and carry no body.)
//! - **Requests in flight**: at most `max_in_flight` requests are served at once ([`DEFAULT_MAX_IN_FLIGHT`]).
//!   A request holds its slot from before its body is read until its answer's body has been sent (or its
//!   connection closed), so clients that read answers slowly cannot pile answers up in memory. A request that
//!   finds no slot free within [`IN_FLIGHT_WAIT`] is `503` with `Retry-After: 1`.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::refusal::Refusal;

/// The longest request URI served, in bytes; longer is `414`.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// How many requests are served at once unless the options say otherwise.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 64;
/// How long a request waits for a slot before it is refused with `503`.
pub const IN_FLIGHT_WAIT: Duration = Duration::from_secs(10);

/// Wraps `app` (the routes, and the fault injector if any) in the guards, outermost first: the in-flight
/// limit, the URI length, the Host check.
pub fn guard(app: Router, max_in_flight: usize) -> Router {
    guard_with(app, max_in_flight, IN_FLIGHT_WAIT)
}

fn guard_with(app: Router, max_in_flight: usize, wait: Duration) -> Router {
    let slots = Arc::new(Semaphore::new(max_in_flight.clamp(1, Semaphore::MAX_PERMITS)));
    app.layer(middleware::from_fn(check_host))
        .layer(middleware::from_fn(check_uri_length))
        .layer(middleware::from_fn_with_state((slots, wait), limit_in_flight))
}

/// True for `localhost` (a final dot allowed, any case) and for a loopback IP literal (`127.0.0.1`, any of
/// 127.0.0.0/8, `[::1]`), each with an optional `:port`.
pub fn is_loopback_host(host: &str) -> bool {
    let (name, port) = if host.starts_with('[') {
        match host.find(']') {
            Some(end) => host.split_at(end + 1),
            None => return false,
        }
    } else {
        match host.find(':') {
            Some(colon) => host.split_at(colon),
            None => (host, ""),
        }
    };
    let port_ok = match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => {
            digits.is_empty() || (digits.bytes().all(|b| b.is_ascii_digit()) && digits.parse::<u16>().is_ok())
        }
    };
    port_ok && is_loopback_name(name)
}

fn is_loopback_name(name: &str) -> bool {
    if let Some(v6) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    name.eq_ignore_ascii_case("localhost") || name.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

fn not_loopback() -> Response {
    Refusal::new(
        StatusCode::MISDIRECTED_REQUEST,
        "This sandbox answers only requests for a loopback host (localhost, 127.0.0.1 or [::1])",
    )
    .into_response()
}

async fn check_host(request: Request, next: Next) -> Response {
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let host = hosts.next();
    if hosts.next().is_some() {
        return Refusal::bad_request("A request may carry only one Host header").into_response();
    }
    if let Some(host) = host
        && !host.to_str().is_ok_and(is_loopback_host)
    {
        return not_loopback();
    }
    // An absolute request URI (`GET http://host/… HTTP/1.1`, or HTTP/2's :authority) names a host too.
    if let Some(authority) = request.uri().authority()
        && (authority.as_str().contains('@') || !is_loopback_host(authority.as_str()))
    {
        return not_loopback();
    }
    next.run(request).await
}

async fn check_uri_length(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let length = uri.scheme_str().map_or(0, str::len)
        + uri.authority().map_or(0, |a| a.as_str().len())
        + uri.path_and_query().map_or(0, |p| p.as_str().len());
    if length > MAX_URI_BYTES {
        return Refusal::new(
            StatusCode::URI_TOO_LONG,
            format!("The request URI is longer than {MAX_URI_BYTES} bytes"),
        )
        .into_response();
    }
    next.run(request).await
}

async fn limit_in_flight(
    State((slots, wait)): State<(Arc<Semaphore>, Duration)>,
    request: Request,
    next: Next,
) -> Response {
    let permit = match tokio::time::timeout(wait, slots.acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        // Timed out, or (never, as nothing closes it) the semaphore closed.
        _ => {
            return Refusal {
                retry_after_secs: Some(1),
                ..Refusal::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The sandbox is busy: too many requests in flight; retry later",
                )
            }
            .into_response();
        }
    };
    let response = next.run(request).await;
    hold_until_sent(response, permit)
}

/// The same answer, whose body keeps `permit` until it has been sent or dropped. The body becomes a stream,
/// so an exact length it had is kept as `Content-Length`.
fn hold_until_sent(response: Response, permit: OwnedSemaphorePermit) -> Response {
    let (mut parts, body) = response.into_parts();
    if let Some(length) = body.size_hint().exact()
        && length > 0
        && !parts.headers.contains_key(header::CONTENT_LENGTH)
    {
        parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    let chunks = body.into_data_stream().map(move |chunk| {
        let _slot = &permit;
        chunk
    });
    Response::from_parts(parts, Body::from_stream(chunks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Status line and body of a `GET path` on a new connection.
    async fn fetch(addr: std::net::SocketAddr, path: &str) -> (String, String) {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        (head.to_string(), body.to_string())
    }

    #[tokio::test]
    async fn a_request_that_finds_no_free_slot_in_time_is_a_json_503() {
        let gate = Arc::new(tokio::sync::Notify::new());
        let open = gate.clone();
        // The slow handler says when it holds the only slot, so the fast request is sent only then.
        let (entered_tx, entered) = tokio::sync::oneshot::channel::<()>();
        let entered_tx = Arc::new(std::sync::Mutex::new(Some(entered_tx)));
        let app = Router::new()
            .route(
                "/slow",
                get(move || async move {
                    if let Some(tx) = entered_tx.lock().unwrap().take() {
                        let _ = tx.send(());
                    }
                    open.notified().await;
                    "slow"
                }),
            )
            .route("/fast", get(|| async { "fast" }));
        let app = guard_with(app, 1, Duration::from_millis(300));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let slow = tokio::spawn(async move { fetch(addr, "/slow").await });
        tokio::time::timeout(Duration::from_secs(10), entered)
            .await
            .expect("the slow request reached its handler within 10 s")
            .unwrap();
        let (head, body) = fetch(addr, "/fast").await;
        assert!(head.starts_with("HTTP/1.1 503"), "{head}");
        assert!(head.to_ascii_lowercase().contains("retry-after: 1"), "{head}");
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(body["error"].as_str().unwrap().contains("busy"), "{body}");

        gate.notify_one();
        let (head, body) = slow.await.unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert_eq!(body, "slow");
        let (head, _) = fetch(addr, "/fast").await;
        assert!(head.starts_with("HTTP/1.1 200"), "the slot is free again: {head}");
    }

    #[tokio::test]
    async fn an_answer_holds_its_slot_until_its_body_is_gone_and_keeps_its_length() {
        let slots = Arc::new(Semaphore::new(1));
        let permit = slots.clone().acquire_owned().await.unwrap();
        let answer = hold_until_sent(Response::new(Body::from("twelve bytes")), permit);
        assert_eq!(answer.headers()[header::CONTENT_LENGTH], "12");
        assert_eq!(slots.available_permits(), 0, "the head is out, the body is not");
        let body = axum::body::to_bytes(answer.into_body(), 1024).await.unwrap();
        assert_eq!(&body[..], b"twelve bytes");
        assert_eq!(slots.available_permits(), 1, "the body is sent");

        let permit = slots.clone().acquire_owned().await.unwrap();
        drop(hold_until_sent(Response::new(Body::from("unread")), permit));
        assert_eq!(
            slots.available_permits(),
            1,
            "a body dropped unsent (connection closed) frees it too"
        );
    }

    #[test]
    fn loopback_names_with_any_port_pass_and_everything_else_does_not() {
        for host in [
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.0.0.1:",
            "127.1.2.3:1",
            "localhost",
            "LOCALHOST:65535",
            "localhost.:80",
            "[::1]",
            "[::1]:443",
            "[0:0:0:0:0:0:0:1]:9",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "",
            "evil.example",
            "evil.example:80",
            "localhost.evil.example",
            "evil-localhost",
            "127.0.0.1.evil.example",
            "0.0.0.0",
            "10.0.0.1:80",
            "[::]",
            "[::ffff:127.0.0.1]",
            "::1",
            "[::1",
            "[::1]x",
            "[::1]:http",
            "localhost:65536",
            "localhost:-1",
            "localhost:80:80",
            "localhost :80",
            "user@localhost",
            "192.168.1.10",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
