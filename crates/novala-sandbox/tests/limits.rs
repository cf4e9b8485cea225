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
