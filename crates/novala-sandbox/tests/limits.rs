//! What the sandbox refuses to store or to serve, and that every such refusal is a small JSON answer.

use crate::support::*;
use serde_json::{Map, Value, json};

fn minimal() -> Value {
    json!({"firstName": "Ada", "source": "web_form", "customFields": {"region": "emea"}})
}

#[tokio::test]
async fn attribution_is_limited_to_fifty_keys_of_short_names_and_values() {
    let sb = start(0).await;
    let key = sb.secret_key();
    let attribution = |n: usize, key_chars: usize, value_chars: usize| {
        let map: Map<String, Value> = (0..n)
            .map(|i| (format!("{i:0>key_chars$}"), json!("v".repeat(value_chars))))
            .collect();
        let mut body = minimal();
        body["attribution"] = Value::Object(map);
        body
    };
    // At every limit at once: stored and echoed whole.
    let a = post_json(&sb, key.expose(), &attribution(50, 100, 1000)).await;
    assert_eq!(a.status, 201, "{}", a.raw);
    assert_eq!(a.body["data"]["attribution"].as_object().unwrap().len(), 50);

    for (body, field) in [
        (attribution(51, 3, 1), "attribution"),
        (attribution(1, 101, 1), "attribution"),
        (attribution(1, 3, 1001), "attribution.000"),
    ] {
        let a = post_json(&sb, key.expose(), &body).await;
        assert_eq!(a.detail_fields(), [field], "{}", a.raw);
    }
    // The name of a key too long is not echoed back.
    let a = post_json(&sb, key.expose(), &attribution(1, 5_000, 1)).await;
    assert_eq!(a.detail_fields(), ["attribution"]);
    assert!(a.raw.len() < 500, "{}", a.raw);
    assert_eq!(
        sb.lead_count().await.unwrap(),
        1,
        "only the body at the limits was stored"
    );
}

#[tokio::test]
async fn a_validation_answer_lists_at_most_fifty_details_with_short_field_names() {
    let sb = start(0).await;
    let key = sb.secret_key();
    let mut body = minimal();
    for i in 0..1_000 {
        body[format!("made_up_{i:04}")] = json!(1);
    }
    let a = post_json(&sb, key.expose(), &body).await;
    let fields = a.detail_fields();
    assert_eq!(fields.len(), 50, "{}", a.raw);
    assert!(fields.iter().all(|f| f.starts_with("made_up_")));

    // A made-up key of 200,000 characters, as a body field and as a custom field.
    let huge = "k".repeat(200_000);
    let mut body = minimal();
    body[huge.as_str()] = json!(1);
    body["customFields"][huge.as_str()] = json!("x");
    let a = post_json(&sb, key.expose(), &body).await;
    let fields = a.detail_fields();
    assert_eq!(fields.len(), 2, "{fields:?}");
    assert!(
        fields.iter().all(|f| f.chars().count() <= 121 && f.ends_with('…')),
        "{fields:?}"
    );
    assert!(a.raw.len() < 1_000, "{} bytes", a.raw.len());
    assert_eq!(sb.lead_count().await.unwrap(), 0);
}

/// A request for the demo tenant's newest lead with the given Host line(s) (or none), over a raw connection.
async fn list_with_host(sb: &novala_sandbox::Sandbox, version: &str, hosts: &[String]) -> RawAnswer {
    let mut request = format!(
        "GET /api/v1/leads?limit=1 {version}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n",
        sb.secret_key().expose()
    );
    for host in hosts {
        request.push_str(&format!("Host: {host}\r\n"));
    }
    request.push_str("\r\n");
    raw_http(sb.addr(), request.as_bytes()).await
}

#[tokio::test]
async fn only_requests_for_a_loopback_host_are_answered() {
    let sb = start(2).await;
    let port = sb.addr().port();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
        "127.0.0.1".to_string(),
        "localhost".to_string(),
    ] {
        let a = list_with_host(&sb, "HTTP/1.1", std::slice::from_ref(&host)).await;
        assert_eq!(a.status, 200, "{host}: {}", a.raw);
        assert_eq!(a.body["data"].as_array().unwrap().len(), 1);
    }
    // What a page whose DNS name was rebound to 127.0.0.1 sends.
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("192.168.1.20:{port}"),
        "".to_string(),
    ] {
        let a = list_with_host(&sb, "HTTP/1.1", std::slice::from_ref(&host)).await;
        assert_eq!(a.status, 421, "{host:?}: {}", a.raw);
        assert!(a.error().contains("loopback"), "{}", a.raw);
        assert!(a.body.get("data").is_none());
        assert_eq!(a.header("content-type"), Some("application/json"));
    }
    // HTTP/1.0 without a Host is served; two Hosts are not.
    let a = list_with_host(&sb, "HTTP/1.0", &[]).await;
    assert_eq!(a.status, 200, "{}", a.raw);
    let two = [format!("127.0.0.1:{port}"), "evil.example".to_string()];
    let a = list_with_host(&sb, "HTTP/1.1", &two).await;
    assert_eq!(a.status, 400, "{}", a.raw);
    assert!(!a.error().is_empty());
    // An absolute URI naming another host is refused even with a loopback Host.
    let request = format!(
        "GET http://evil.example/api/v1/leads HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {}\r\n\
         Connection: close\r\n\r\n",
        sb.secret_key().expose()
    );
    let a = raw_http(sb.addr(), request.as_bytes()).await;
    assert_eq!(a.status, 421, "{}", a.raw);

    // A rebound page cannot create either: refused before the body is read, nothing stored.
    let before = sb.lead_count().await.unwrap();
    let body = minimal().to_string();
    let request = format!(
        "POST /api/v1/leads HTTP/1.1\r\nHost: evil.example:{port}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        sb.secret_key().expose(),
        body.len()
    );
    let a = raw_http(sb.addr(), request.as_bytes()).await;
    assert_eq!(a.status, 421, "{}", a.raw);
    assert_eq!(sb.lead_count().await.unwrap(), before);
}

#[tokio::test]
async fn a_uri_over_eight_kibibytes_is_a_json_414() {
    let sb = start(2).await;
    let key = sb.secret_key();
    let path = |len: usize| {
        let prefix = "/api/v1/leads?limit=1&x=";
        format!("/leads?limit=1&x={}", "a".repeat(len - prefix.len()))
    };
    // At the limit, the unknown parameter is ignored as usual.
    let a = get(&sb, &path(8 * 1024), key.expose()).await;
    assert_eq!(a.status, 200, "{}", a.raw);
    for len in [8 * 1024 + 1, 60_000] {
        let a = get(&sb, &path(len), key.expose()).await;
        assert_eq!(a.status, 414, "{len}: {}", a.raw);
        assert!(a.error().contains("8192"), "{}", a.raw);
        assert_eq!(a.headers["content-type"], "application/json");
    }
    // Without a key too: the length is checked before anything else.
    let a = send(&sb, reqwest::Method::POST, &path(9_000), None, None, None).await;
    assert_eq!(a.status, 414, "{}", a.raw);
    assert!(!a.error().is_empty());
}

#[tokio::test]
async fn requests_beyond_the_in_flight_cap_wait_for_a_slot() {
    use novala_sandbox::faults::FaultOptions;
    use novala_sandbox::{Sandbox, SandboxOptions};
    use std::time::{Duration, Instant};
    let latency = Duration::from_millis(400);
    let sb = Sandbox::start(
        SandboxOptions::default()
            .seed_leads(3)
            .max_in_flight(2)
            .faults(FaultOptions::none().latency(latency)),
    )
    .await
    .unwrap();
    let key = sb.secret_key();
    let started = Instant::now();
    let answers = futures::future::join_all((0..6).map(|_| get(&sb, "/leads?limit=1", key.expose()))).await;
    let elapsed = started.elapsed();
    assert!(answers.iter().all(|a| a.status == 200));
    // Two at a time: three rounds of the injected latency, where six at once would take one.
    assert!(elapsed >= latency * 3 - Duration::from_millis(50), "{elapsed:?}");
}

#[tokio::test]
async fn a_chunked_body_over_one_mebibyte_is_a_json_413() {
    let sb = start(0).await;
    let mut body = minimal();
    body["notes"] = json!("x".repeat(1024 * 1024));
    let body = body.to_string();
    let mut request = format!(
        "POST /api/v1/leads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        sb.secret_key().expose()
    )
    .into_bytes();
    for chunk in body.as_bytes().chunks(16 * 1024) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let a = raw_http(sb.addr(), &request).await;
    assert_eq!(a.status, 413, "{}", a.raw);
    assert!(a.error().contains("larger than"), "{}", a.raw);
    assert_eq!(sb.lead_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_create_whose_body_stalls_is_a_json_408_after_5_s_and_stores_nothing() {
    use novala_sandbox::server::BODY_READ_TIMEOUT;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    assert_eq!(BODY_READ_TIMEOUT, Duration::from_secs(5));
    let sb = start(0).await;
    let mut stream = tokio::net::TcpStream::connect(sb.addr()).await.unwrap();
    let head = format!(
        "POST /api/v1/leads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{{\"firstName\"",
        sb.secret_key().expose()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut answer))
        .await
        .expect("answered before the test gave up")
        .unwrap();
    let took = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains(r#"{"error":"The request body did not arrive within 5 s"}"#),
        "{answer}"
    );
    assert!(
        (Duration::from_millis(4_800)..Duration::from_millis(6_000)).contains(&took),
        "{took:?}"
    );
    assert_eq!(sb.lead_count().await.unwrap(), 0);
}
