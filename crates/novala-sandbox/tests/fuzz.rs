//! Random methods, paths, query strings, headers and bodies thrown at one sandbox: never a 5xx, and every 4xx
//! carries a JSON `error` string.

use std::sync::OnceLock;

use crate::support::{LEAD_KEYS, http, start};
use novala_sandbox::Sandbox;
use proptest::prelude::*;
use reqwest::{Method, Url};
use serde_json::{Map, Value, json};

struct Target {
    runtime: tokio::runtime::Runtime,
    sandbox: Sandbox,
    http: reqwest::Client,
    cursor: String,
}

/// One sandbox for every case, on its own runtime, so the cases stay fast.
fn target() -> &'static Target {
    static TARGET: OnceLock<Target> = OnceLock::new();
    TARGET.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime.block_on(start(60));
        let http = http();
        let cursor = runtime.block_on(async {
            let page: Value = http
                .get(format!("{}/leads?limit=5", sandbox.base_url()))
                .bearer_auth(sandbox.secret_key().expose())
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            page["nextCursor"].as_str().unwrap().to_string()
        });
        Target {
            runtime,
            sandbox,
            http,
            cursor,
        }
    })
}

#[derive(Debug, Clone)]
enum Key {
    None,
    Secret,
    Publishable,
    WriteOnly,
    Other,
    Raw(String),
}

#[derive(Debug, Clone)]
struct Case {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    raw_query: Option<String>,
    key: Key,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[a-z_]{1,12}",
        "\\PC{0,40}",
        ".{0,20}",
        Just("é".repeat(300)),
        Just("\u{202e}\u{1b}[31m\0".to_string()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::from),
        Just(json!("2026-02-30")),
        Just(json!("emea")),
        Just(json!("https://acme.io")),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Every key of a lead, plus one the contract does not know.
fn body_fields() -> Vec<&'static str> {
    LEAD_KEYS.iter().copied().chain(["extra"]).collect()
}

/// Bodies near the shape of a lead, so the rules past the JSON parse get exercised too.
fn lead_body() -> impl Strategy<Value = Vec<u8>> {
    let field_value = prop_oneof![
        json_value(),
        Just(json!("web_form")),
        Just(json!({"region": "emea"})),
        Just(json!({"region": "mars", "budget": "x", "interests": ["crm", 1]})),
        text().prop_map(Value::from),
    ];
    prop::collection::btree_map(prop::sample::select(body_fields()), field_value, 0..8).prop_map(|m| {
        let mut o: Map<String, Value> = m.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        if !o.contains_key("firstName") {
            o.insert("firstName".into(), json!("Ada"));
        }
        Value::Object(o).to_string().into_bytes()
    })
}

fn body() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        Just(None),
        lead_body().prop_map(Some),
        json_value().prop_map(|v| Some(v.to_string().into_bytes())),
        prop::collection::vec(any::<u8>(), 0..200).prop_map(Some),
    ]
}

fn query_pair() -> impl Strategy<Value = (String, String)> {
    let name = prop_oneof![
        Just("limit".to_string()),
        Just("cursor".to_string()),
        Just("status".to_string()),
        Just("assignedTo".to_string()),
        "[a-zA-Z]{1,8}",
    ];
    let value = prop_oneof![
        (-5i64..200).prop_map(|n| n.to_string()),
        Just("lost".to_string()),
        Just("CURSOR".to_string()),
        Just(uuid::Uuid::nil().to_string()),
        text(),
    ];
    (name, value)
}

fn case() -> impl Strategy<Value = Case> {
    let method = prop::sample::select(vec![
        Method::GET,
        Method::GET,
        Method::POST,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::HEAD,
        Method::OPTIONS,
    ]);
    let path = prop_oneof![
        Just("/api/v1/leads".to_string()),
        Just("/api/v1/leads".to_string()),
        Just(format!("/api/v1/leads/{}", uuid::Uuid::new_v4())),
        "/api/v1/leads/[a-zA-Z0-9%._-]{0,40}",
        "/[a-z/]{0,20}",
    ];
    let key = prop_oneof![
        Just(Key::None),
        Just(Key::Secret),
        Just(Key::Secret),
        Just(Key::Publishable),
        Just(Key::WriteOnly),
        Just(Key::Other),
        "[ -~]{0,30}".prop_map(Key::Raw),
    ];
    let header = (
        prop::sample::select(vec![
            "content-type",
            "accept",
            "accept-encoding",
            "content-length-ish",
            "x-anything",
        ]),
        prop_oneof![
            Just("application/json".to_string()),
            Just("text/plain".to_string()),
            Just("gzip".to_string()),
            "[ -~]{0,30}",
        ],
    )
        .prop_map(|(k, v)| (k.to_string(), v));
    (
        method,
        path,
        prop::collection::vec(query_pair(), 0..5),
        prop::option::of("[ -~]{0,60}"),
        key,
        prop::collection::vec(header, 0..3),
        body(),
    )
        .prop_map(|(method, path, query, raw_query, key, headers, body)| Case {
            method,
            path,
            query,
            raw_query,
            key,
            headers,
            body,
        })
}

fn run(case: &Case) -> Result<(), TestCaseError> {
    let t = target();
    let mut url = Url::parse(&format!("http://{}{}", t.sandbox.addr(), case.path))
        .map_err(|e| TestCaseError::reject(format!("unparsable path: {e}")))?;
    match &case.raw_query {
        Some(raw) => url.set_query(Some(raw)),
        None => {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &case.query {
                // A real cursor now and then, so signed cursors meet random filters.
                let v = if v == "CURSOR" { t.cursor.as_str() } else { v.as_str() };
                pairs.append_pair(k, v);
            }
        }
    }
    let mut request = t.http.request(case.method.clone(), url);
    let key = match &case.key {
        Key::None => None,
        Key::Secret => Some(t.sandbox.secret_key().expose().to_string()),
        Key::Publishable => Some(t.sandbox.publishable_key().expose().to_string()),
        Key::WriteOnly => Some(t.sandbox.write_only_key().expose().to_string()),
        Key::Other => Some(t.sandbox.other_tenant_key().expose().to_string()),
        Key::Raw(raw) => Some(raw.clone()),
    };
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    for (k, v) in &case.headers {
        request = request.header(k.as_str(), v.as_str());
    }
    if let Some(body) = &case.body {
        request = request.body(body.clone());
    }
    let (status, raw) = t.runtime.block_on(async {
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status();
        (status, response.bytes().await.expect("a whole body"))
    });
    prop_assert!(
        !status.is_server_error(),
        "{case:?} -> {status}: {}",
        String::from_utf8_lossy(&raw)
    );
    if status.is_client_error() && case.method != Method::HEAD {
        let body: Value = serde_json::from_slice(&raw)
            .map_err(|e| TestCaseError::fail(format!("{case:?} -> {status}: not JSON ({e}): {raw:?}")))?;
        prop_assert!(body["error"].is_string(), "{case:?} -> {status}: {body}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_request_gets_a_5xx_or_a_non_json_4xx(case in case()) {
        run(&case)?;
    }
}
