//! A server that answers a page with more leads than its `limit` asked for: the client keeps `limit` of them.

use std::time::Duration;

use axum::Router;
use axum::http::header;
use novala_leads::{ApiKey, ListQuery, NovalaClient};
use novala_sandbox::testing::serve;

use novala_leads::testing::quick;

/// A page of `n` leads with distinct ids, newest first, claiming there is more.
fn page_of(n: usize) -> String {
    let leads: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id":"00000000-0000-4000-8000-{i:012}","firstName":"Flood {i}","status":"new","createdAt":"2025-01-15T10:30:00.000Z"}}"#
            )
        })
        .collect();
    format!(r#"{{"data":[{}],"nextCursor":"c1","hasMore":true}}"#, leads.join(","))
}

#[tokio::test]
async fn a_page_of_fifty_thousand_leads_for_a_limit_of_ten_keeps_ten() {
    let body = page_of(50_000);
    let app = Router::new().fallback(move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
    });
    let addr = serve(app).await;
    let client = NovalaClient::with_options(
        &format!("http://{addr}/api/v1"),
        ApiKey::new("sk_test_flood", "the test"),
        quick(1, Duration::from_secs(30)),
    )
    .unwrap();

    let query = ListQuery {
        limit: Some(10),
        ..ListQuery::default()
    };
    let page = client.list(&query, None).await.unwrap();
    assert_eq!(page.data.len(), 10);
    let names: Vec<&str> = page
        .data
        .iter()
        .map(|l| l.first_name.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(names[0], "Flood 0", "the first ones are kept, in order");
    assert_eq!(names[9], "Flood 9");
    assert!(page.has_more, "the rest of the page is not taken as the end");

    let page = client.list(&ListQuery::default(), None).await.unwrap();
    assert_eq!(page.data.len(), 100, "no limit asked: the contract's largest page");
}
