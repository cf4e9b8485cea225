//! Walking the whole list through the worker, as the inbox does: every seeded lead exactly once, newest first,
//! on a well-behaved sandbox and on one that fails a fifth of all requests in every way it knows.

use std::collections::HashSet;

use leadbox::api::worker::{ApiEvent, ApiRequest, WorkerHandle, spawn_worker};
use leadbox::api::{ApiError, Lead, ListQuery, NovalaClient, Paging};
use novala_sandbox::faults::FaultOptions;
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::client_support::faulty_sandbox;

/// What one walk saw: the leads as the pages brought them (duplicates kept), those `Paging` let through,
/// and the errors that reached the app after the client's own retries.
struct Walk {
    raw: Vec<Lead>,
    accepted: Vec<Lead>,
    errors: Vec<ApiError>,
}

/// Asks page after page, like the inbox: on an error event the same page is asked again.
async fn walk(worker: &mut WorkerHandle, limit: u32) -> Walk {
    let query = ListQuery {
        limit: Some(limit),
        ..ListQuery::default()
    };
    let mut paging = Paging::new();
    let mut out = Walk {
        raw: Vec::new(),
        accepted: Vec::new(),
        errors: Vec::new(),
    };
    let mut id = 0;
    while !paging.is_done() {
        id += 1;
        assert!(id <= 10_000, "the walk never ended");
        let cursor = paging.next_cursor().map(str::to_string);
        worker
            .requests
            .send(ApiRequest::List {
                id,
                query: query.clone(),
                cursor: cursor.clone(),
            })
            .unwrap();
        match crate::client_support::next_event(&mut worker.events).await.unwrap() {
            ApiEvent::Listed {
                id: got,
                cursor: asked_with,
                result,
            } => {
                assert_eq!(got, id);
                assert_eq!(asked_with, cursor, "the event echoes the cursor it was asked with");
                match result {
                    Ok(page) => {
                        out.raw.extend(page.data.iter().cloned());
                        out.accepted.extend(paging.accept(asked_with.as_deref(), page));
                    }
                    Err(e) => {
                        out.errors.push(e);
                        assert!(out.errors.len() < 20, "too many failed pages: {:?}", out.errors);
                    }
                }
            }
            other => panic!("{other:?}"),
        }
    }
    out
}

fn assert_each_once_newest_first(walk: &Walk, expected: usize) {
    let ids: HashSet<&str> = walk.raw.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(walk.raw.len(), expected, "the pages brought {} leads", walk.raw.len());
    assert_eq!(ids.len(), expected, "no lead came twice");
    assert_eq!(walk.accepted.len(), expected);
    for pair in walk.accepted.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            (a.created_at, &a.id) > (b.created_at, &b.id),
            "{} ({}) before {} ({})",
            a.id,
            a.created_at,
            b.id,
            b.created_at
        );
    }
}

#[tokio::test]
async fn all_5000_seeded_leads_come_once_newest_first() {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(5_000))
        .await
        .unwrap();
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).unwrap();
    let mut worker = spawn_worker(client);
    let walk = walk(&mut worker, 100).await;
    assert!(walk.errors.is_empty(), "{:?}", walk.errors);
    assert_each_once_newest_first(&walk, 5_000);
    assert_eq!(sandbox.lead_count().await.unwrap(), 5_000);
}

#[tokio::test]
async fn all_10000_leads_come_once_in_order_while_a_fifth_of_requests_fail() {
    let faults = FaultOptions::none().rate(0.2).seed(20);
    let (_sandbox, client) = faulty_sandbox(10_000, faults).await;
    let mut worker = spawn_worker(client);
    let walk = walk(&mut worker, 100).await;
    eprintln!(
        "pages that failed even after the client's retries: {}",
        walk.errors.len()
    );
    assert_each_once_newest_first(&walk, 10_000);
}

/// The sandbox of the test above really misbehaves, in every way: a bare client with no retries sees each kind.
#[tokio::test]
async fn the_faulty_sandbox_shows_every_kind_of_fault_to_a_bare_client() {
    let faults = FaultOptions::none().rate(0.2).seed(20);
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(10).faults(faults))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/leads?limit=1", sandbox.base_url());
    let auth = format!("Bearer {}", sandbox.secret_key().expose());
    let mut seen = HashSet::new();
    for _ in 0..300 {
        let kind = match http.get(&url).header("authorization", &auth).send().await {
            Err(_) => "reset",
            Ok(response) => {
                let status = response.status().as_u16();
                let has_retry_after = response.headers().contains_key("retry-after");
                match (status, response.bytes().await) {
                    (_, Err(_)) => "cut body",
                    (429, Ok(_)) if has_retry_after => "429 with Retry-After",
                    (500 | 503, Ok(_)) => {
                        if status == 500 {
                            "500"
                        } else {
                            "503"
                        }
                    }
                    (200, Ok(body)) if serde_json::from_slice::<serde_json::Value>(&body).is_err() => "not JSON",
                    (200, Ok(_)) => "fine",
                    (other, Ok(_)) => panic!("unexpected status {other}"),
                }
            }
        };
        seen.insert(kind);
    }
    for kind in [
        "reset",
        "cut body",
        "429 with Retry-After",
        "500",
        "503",
        "not JSON",
        "fine",
    ] {
        assert!(seen.contains(kind), "never saw {kind}: {seen:?}");
    }
}
