//! Creates that are stored and then lose their answer, on purpose: the lead is in the store exactly once while
//! its sender sees no answer (a closed connection) or gives up waiting (a timeout). Chosen by their number, so
//! every run hits "stored, answer lost".

use std::time::{Duration, Instant};

use novala_sandbox::faults::{Creates, FaultOptions, LostAnswer};
use novala_sandbox::{Sandbox, SandboxOptions};
use serde_json::{Value, json};

use crate::support::walk;

async fn losing(answer: LostAnswer, creates: Creates) -> Sandbox {
    let faults = FaultOptions::none().lose_answers(answer, creates);
    Sandbox::start(SandboxOptions::default().seed_leads(0).faults(faults))
        .await
        .expect("sandbox starts")
}

fn lead(marker: &str) -> Value {
    json!({"firstName": "Ada", "source": "web_form", "notes": marker, "customFields": {"region": "emea"}})
}

async fn create(sb: &Sandbox, timeout: Duration, body: &Value) -> Result<reqwest::Response, reqwest::Error> {
    reqwest::Client::new()
        .post(format!("{}/leads", sb.base_url()))
        .bearer_auth(sb.secret_key().expose())
        .timeout(timeout)
        .json(body)
        .send()
        .await
}

/// How many of the tenant's leads carry `marker` in their notes.
async fn stored_with(sb: &Sandbox, marker: &str) -> usize {
    walk(sb, sb.secret_key().expose(), "", 100)
        .await
        .iter()
        .filter(|l| l["notes"] == marker)
        .count()
}

/// Waits (bounded) until the store holds `n` leads: the visible sign that a create was committed.
async fn until_stored(sb: &Sandbox, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while sb.lead_count().await.unwrap() < n {
        assert!(Instant::now() < deadline, "the store never held {n} leads");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn the_second_create_is_stored_once_and_its_connection_closes_with_no_answer() {
    let sb = losing(LostAnswer::Reset, Creates::nth(2)).await;
    let first = create(&sb, Duration::from_secs(5), &lead("one")).await.unwrap();
    assert_eq!(first.status(), 201);

    let lost = create(&sb, Duration::from_secs(5), &lead("two")).await;
    let error = lost.expect_err("the second create gets no answer");
    assert!(!error.is_timeout(), "closed at once, not waited out: {error:?}");
    assert!(error.status().is_none(), "no status reached the client: {error:?}");

    let third = create(&sb, Duration::from_secs(5), &lead("three")).await.unwrap();
    assert_eq!(third.status(), 201, "only the chosen create loses its answer");
    for marker in ["one", "two", "three"] {
        assert_eq!(stored_with(&sb, marker).await, 1, "{marker}");
    }
    assert_eq!(sb.lead_count().await.unwrap(), 3);
}

#[tokio::test]
async fn a_held_create_is_stored_before_its_sender_times_out_and_never_answered() {
    let sb = losing(LostAnswer::HoldThenDrop(Duration::from_secs(30)), Creates::Every).await;
    let started = Instant::now();
    let sending = tokio::spawn({
        let (url, key) = (sb.base_url(), sb.secret_key().expose().to_string());
        async move {
            reqwest::Client::new()
                .post(format!("{url}/leads"))
                .bearer_auth(key)
                .timeout(Duration::from_secs(2))
                .json(&lead("held"))
                .send()
                .await
        }
    });
    until_stored(&sb, 1).await;
    assert!(!sending.is_finished(), "the lead is stored while its answer is held");
    let error = sending
        .await
        .unwrap()
        .expect_err("a held answer never reaches the client");
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(stored_with(&sb, "held").await, 1);
    assert_eq!(sb.lead_count().await.unwrap(), 1);
}

#[tokio::test]
async fn a_late_answer_comes_after_its_hold_and_a_client_that_waits_less_has_gone() {
    let sb = losing(LostAnswer::HoldThenAnswer(Duration::from_millis(800)), Creates::Every).await;
    let started = Instant::now();
    let late = create(&sb, Duration::from_secs(10), &lead("patient")).await.unwrap();
    assert_eq!(late.status(), 201);
    assert!(
        started.elapsed() >= Duration::from_millis(800),
        "{:?}",
        started.elapsed()
    );

    let gone = create(&sb, Duration::from_millis(200), &lead("hasty")).await;
    assert!(gone.expect_err("it gave up first").is_timeout());
    until_stored(&sb, 2).await;
    assert_eq!(stored_with(&sb, "patient").await, 1);
    assert_eq!(stored_with(&sb, "hasty").await, 1);
}

#[tokio::test]
async fn a_refused_create_is_counted_and_keeps_its_answer() {
    let sb = losing(LostAnswer::Reset, Creates::Numbered([1, 3].into())).await;
    let refused = create(&sb, Duration::from_secs(5), &json!({"firstName": "Ada"}))
        .await
        .unwrap();
    assert_eq!(refused.status(), 400, "nothing stored, so nothing to lose");
    let kept = create(&sb, Duration::from_secs(5), &lead("second")).await.unwrap();
    assert_eq!(kept.status(), 201, "the 2nd create is not chosen");
    assert!(create(&sb, Duration::from_secs(5), &lead("third")).await.is_err());
    let listed = reqwest::Client::new()
        .get(format!("{}/leads?limit=5", sb.base_url()))
        .bearer_auth(sb.secret_key().expose())
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200, "a list is never a create");
    assert_eq!(sb.lead_count().await.unwrap(), 2);
}

#[tokio::test]
async fn an_unstored_create_gets_the_same_silence_and_stores_nothing() {
    let sb = losing(LostAnswer::Unstored, Creates::nth(1)).await;
    let error = create(&sb, Duration::from_secs(5), &lead("never"))
        .await
        .expect_err("no answer");
    assert!(!error.is_timeout() && error.status().is_none(), "{error:?}");
    let kept = create(&sb, Duration::from_secs(5), &lead("after")).await.unwrap();
    assert_eq!(kept.status(), 201);
    assert_eq!(stored_with(&sb, "never").await, 0);
    assert_eq!(sb.lead_count().await.unwrap(), 1);
}
