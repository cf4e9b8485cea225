//! The sandbox answers the three endpoints over real HTTP with the demo keys it reports.

use leadbox::sandbox::{Sandbox, SandboxOptions};
use serde_json::{Value, json};

#[tokio::test]
async fn list_create_and_get_with_the_reported_keys() {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(40)).await.unwrap();
    assert_eq!(sandbox.lead_count().await.unwrap(), 40);
    assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
    assert!(sandbox.base_url().ends_with("/api/v1"));
    assert!(sandbox.secret_key().expose().starts_with("sk_live_"));
    assert!(sandbox.publishable_key().expose().starts_with("pk_live_"));
    assert_eq!(sandbox.profile().roster.len(), 8);

    let http = reqwest::Client::new();
    let key = sandbox.secret_key();
    let page: Value = http
        .get(format!("{}/leads", sandbox.base_url()))
        .bearer_auth(key.expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["data"].as_array().unwrap().len(), 25);
    assert_eq!(page["hasMore"], true);

    let created = http
        .post(format!("{}/leads", sandbox.base_url()))
        .bearer_auth(key.expose())
        .json(&json!({"firstName": "Ada", "source": "web_form", "customFields": {"region": "emea"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let id = created["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(created["data"]["status"], "new");

    let got: Value = http
        .get(format!("{}/leads/{id}", sandbox.base_url()))
        .bearer_auth(sandbox.publishable_key().expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["data"], created["data"]);
    assert_eq!(sandbox.lead_count().await.unwrap(), 41);
    sandbox.shutdown().await;
}
