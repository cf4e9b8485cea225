//! A hostile server: each case of misbehaviour a real tenant (or something posing as one) could show, and
//! the bound leadbox keeps against it. Every server here listens on 127.0.0.1.

use std::io::Write;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use leadbox::api::error::ApiError;
use leadbox::api::types::{LeadSource, ListQuery, NewLead};
use leadbox::api::{ApiKey, NovalaClient};

fn client(addr: std::net::SocketAddr) -> NovalaClient {
    NovalaClient::new(
        &format!("http://{addr}/api/v1"),
        ApiKey::new("sk_test_hostile", "the test"),
    )
    .unwrap()
}

/// A server answering every request with `answer`, counting the requests.
async fn serve<F, R>(answer: F) -> (std::net::SocketAddr, Arc<AtomicUsize>)
where
    F: Fn() -> R + Clone + Send + Sync + 'static,
    R: IntoResponse + 'static,
{
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().fallback(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        let answer = answer.clone();
        async move { answer() }
    });
    (novala_sandbox::testing::serve(app).await, hits)
}

/// About a megabyte of gzip that expands to `size` bytes of a JSON page (a long run of spaces inside it).
fn gzip_bomb(size: usize) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(b"{\"data\": [], \"notes\": \"").unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..size / block.len() {
        gz.write_all(&block).unwrap();
    }
    gz.write_all(b"\"}").unwrap();
    gz.finish().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gzip_bomb_is_cut_off_at_the_limit_and_not_asked_for_again() {
    let body = Arc::new(gzip_bomb(1 << 30));
    assert!(body.len() < 4 << 20, "a small body on the wire: {}", body.len());
    let (addr, hits) = serve(move || {
        (
            [
                (header::CONTENT_ENCODING, "gzip"),
                (header::CONTENT_TYPE, "application/json"),
            ],
            body.as_ref().clone(),
        )
    })
    .await;
    let error = client(addr).list(&ListQuery::default(), None).await.unwrap_err();
    assert!(matches!(error, ApiError::TooLarge { .. }), "{error:?}");
    assert!(error.to_string().contains("larger than 16 MiB"), "{error}");
    assert_eq!(hits.load(Ordering::SeqCst), 1, "too large is not retried");
    // The same answer to a create is a 2xx whose body was not read: the lead may exist.
    let created = client(addr)
        .create(&NewLead::new("Ada", LeadSource::WebForm))
        .await
        .unwrap_err();
    assert!(created.may_have_created(), "{created:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 2, "and it is not sent again");

    // The whole program stays small while refusing it.
    let dir = tempfile::tempdir().unwrap();
    let child = crate::support::leadbox_command(dir.path())
        .args(["--api-url", &format!("http://{addr}/api/v1"), "leads", "list"])
        .env("NOVALA_SECRET_KEY", "sk_test_hostile")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let peak = Arc::new(AtomicUsize::new(0));
    let watch = {
        let peak = peak.clone();
        std::thread::spawn(move || {
            while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
                if let Some(kib) = status
                    .lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<usize>().ok())
                {
                    peak.fetch_max(kib, Ordering::SeqCst);
                }
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let _ = watch.join();
    assert_eq!(out.status.code(), Some(7), "{}", String::from_utf8_lossy(&out.stderr));
    let peak_kib = peak.load(Ordering::SeqCst);
    // A sampler that never read the process (it ended first, or /proc said nothing) reads 0, which
    // would pass any upper bound.
    assert!(peak_kib > 0, "the process's peak memory was never read");
    let peak_mib = peak_kib / 1024;
    eprintln!("peak while refusing a 1 GiB answer: {peak_mib} MiB");
    assert!(peak_mib < 96, "peak {peak_mib} MiB while refusing a 1 GiB answer");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_is_not_followed_and_names_where_it_points() {
    let (elsewhere, elsewhere_hits) = serve(|| axum::Json(serde_json::json!({"data": [], "hasMore": false}))).await;
    for status in [StatusCode::FOUND, StatusCode::TEMPORARY_REDIRECT] {
        let target = format!("http://{elsewhere}/api/v1/leads");
        let (addr, _) = serve(move || (status, [(header::LOCATION, target.clone())])).await;
        let c = client(addr);
        let listed = c.list(&ListQuery::default(), None).await.unwrap_err();
        assert!(matches!(listed, ApiError::Redirected { .. }), "{listed:?}");
        assert!(listed.to_string().contains(&elsewhere.to_string()), "{listed}");
        let created = c.create(&NewLead::new("Ada", LeadSource::WebForm)).await.unwrap_err();
        assert!(matches!(created, ApiError::Redirected { .. }), "{created:?}");
        assert!(!created.may_have_created(), "a redirect is not a create");
    }
    assert_eq!(
        elsewhere_hits.load(Ordering::SeqCst),
        0,
        "nothing went where the redirects point"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_in_the_environment_never_sees_requests_for_this_machine() {
    let sandbox = novala_sandbox::testing::start(3).await;
    let (proxy, proxy_hits) = serve(|| StatusCode::BAD_GATEWAY).await;
    let dir = tempfile::tempdir().unwrap();
    let proxy_url = format!("http://{proxy}");
    let out = crate::support::leadbox_command(dir.path())
        .args(["--api-url", &sandbox.base_url(), "leads", "list", "--format", "jsonl"])
        .env("NOVALA_SECRET_KEY", sandbox.secret_key().expose())
        .env("http_proxy", &proxy_url)
        .env("HTTP_PROXY", &proxy_url)
        .env("all_proxy", &proxy_url)
        .env("ALL_PROXY", &proxy_url)
        .env_remove("no_proxy")
        .env_remove("NO_PROXY")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
    assert_eq!(
        proxy_hits.load(Ordering::SeqCst),
        0,
        "the key never went through the proxy"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_error_with_endless_details_and_text_is_cut_to_size() {
    let details: Vec<serde_json::Value> = (0..10_000)
        .map(|i| serde_json::json!({"field": format!("f{i}"), "message": "x".repeat(100)}))
        .collect();
    let (addr, _) = serve(move || {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(serde_json::json!({"error": "e".repeat(100_000), "details": details.clone()})),
        )
    })
    .await;
    let error = client(addr)
        .create(&NewLead::new("Ada", LeadSource::WebForm))
        .await
        .unwrap_err();
    // The claim's own figures: the first 50 details in the server's order, and exactly 300 characters of
    // the message followed by the mark that says it was cut.
    let fields: Vec<&str> = error.field_details().iter().map(|d| d.field.as_str()).collect();
    let first_fifty: Vec<String> = (0..50).map(|i| format!("f{i}")).collect();
    assert_eq!(fields, first_fifty, "at most 50 details, the first ones");
    assert!(
        error.field_details().iter().all(|d| d.message == "x".repeat(100)),
        "a detail's message within its own bound is kept whole"
    );
    let ApiError::Validation { message, .. } = &error else {
        panic!("a 400 is a validation error: {error:?}");
    };
    assert_eq!(message.chars().count(), 301, "{message}");
    assert_eq!(
        *message,
        format!("{}…", "e".repeat(300)),
        "300 characters kept, then the cut"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn escape_sequences_from_the_server_reach_the_log_file_as_text_never_as_bytes() {
    let (addr, _) = serve(|| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"error": "down\u{1b}]0;pwned\u{7}\u{1b}]52;c;Zm9v\u{7}\u{202e}"})),
        )
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("logs").join("leadbox.log");
    let out = crate::support::leadbox_command(dir.path())
        .args(["--api-url", &format!("http://{addr}/api/v1"), "--log-file"])
        .arg(&log)
        .args(["leads", "list"])
        .env("NOVALA_SECRET_KEY", "sk_test_hostile")
        .env("LEADBOX_LOG", "debug")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\u{1b}') && !stderr.contains('\u{202e}'), "{stderr:?}");
    let logged = std::fs::read(&log).unwrap();
    let text = String::from_utf8_lossy(&logged);
    assert!(text.contains("request failed"), "the failure is logged: {text}");
    assert!(text.contains("\\u{1b}]0;pwned"), "written out as text: {text}");
    assert!(
        !logged.contains(&0x1b) && !logged.contains(&0x07),
        "no escape byte in the log"
    );
    assert!(!text.contains('\u{202e}'));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&log).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_echoing_the_authorization_header_never_gets_the_key_into_an_error_or_the_log() {
    let app = axum::Router::new().fallback(|headers: axum::http::HeaderMap| async move {
        let auth = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (
            StatusCode::FORBIDDEN,
            axum::Json(
                serde_json::json!({"error": format!("bad key {auth}"), "details": [{"field": auth, "message": auth}]}),
            ),
        )
    });
    let addr = novala_sandbox::testing::serve(app).await;
    let key = "sk_live_ECHOED_SECRET_4242";
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("leadbox.log");
    for args in [
        &["leads", "list"][..],
        &["leads", "create", "--first-name", "Ada", "--source", "web_form"],
    ] {
        let out = crate::support::leadbox_command(dir.path())
            .args(["--api-url", &format!("http://{addr}/api/v1"), "--log-file"])
            .arg(&log)
            .args(args)
            .env("NOVALA_SECRET_KEY", key)
            .env("LEADBOX_LOG", "trace")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("[redacted key]"), "{args:?}: {stderr}");
        assert!(!stderr.contains(key) && !String::from_utf8_lossy(&out.stdout).contains(key));
    }
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(!logged.is_empty());
    assert!(!logged.contains(key), "{logged}");
}

#[test]
fn an_inbox_given_empty_pages_under_new_cursors_stops_asking_on_its_own() {
    use leadbox::api::worker::{ApiEvent, ApiRequest};
    use leadbox::app::{App, Msg, update};
    let start = crate::support::now();
    let mut app = App::new(crate::support::settings(), start, 120, 40);
    let mut pending = app.start().requests;
    let mut walked = 0;
    let mut n = 0;
    // Fifteen seconds of ticks with no key pressed, every page empty but "more to come".
    for step in 0..300 {
        for request in std::mem::take(&mut pending) {
            if let ApiRequest::List { id, cursor, .. } = request {
                if cursor.is_some() {
                    walked += 1;
                }
                n += 1;
                pending.extend(
                    update(
                        &mut app,
                        Msg::Api(ApiEvent::Listed {
                            id,
                            cursor,
                            result: Ok(leadbox::api::types::Page {
                                data: Vec::new(),
                                next_cursor: Some(format!("c{n}")),
                                has_more: true,
                            }),
                        }),
                    )
                    .requests,
                );
            }
        }
        pending.extend(
            update(
                &mut app,
                Msg::Tick {
                    now: start + chrono::Duration::milliseconds(50 * step),
                },
            )
            .requests,
        );
    }
    // The claim says three pages: the bound itself, and a walk that went exactly that far (the first page
    // and two under new cursors) before stopping.
    assert_eq!(novala_leads::paging::BARREN_PAGES, 3);
    assert_eq!(
        (n, walked),
        (3, 2),
        "{n} pages asked, {walked} under a cursor, for nothing"
    );
    assert!(!app.list().has_more(), "the walk is over");
}
