//! Every rule of `shared/novala-leads-api.md`, checked against a running sandbox over real HTTP.

use std::collections::{BTreeSet, HashSet};

use crate::support::*;
use chrono::{DateTime, Duration, Utc};
use novala_leads::types::{LeadSource, NewLead};
use novala_sandbox::{ListFilter, RateLimit, Sandbox, SandboxOptions};
use reqwest::Method;
use serde_json::{Value, json};

fn keys_of(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|s| s.to_string()).collect()
}

/// The smallest body the demo tenant accepts (its `region` custom field is required).
fn minimal() -> Value {
    json!({"firstName": "Ada", "source": "web_form", "customFields": {"region": "emea"}})
}

fn with(mut body: Value, field: &str, value: Value) -> Value {
    body[field] = value;
    body
}

fn with_custom(mut body: Value, key: &str, value: Value) -> Value {
    body["customFields"][key] = value;
    body
}

#[tokio::test]
async fn list_envelope_and_lead_have_exactly_the_documented_keys() {
    let sb = start(30).await;
    let key = sb.secret_key();
    let page = get(&sb, "/leads", key.expose()).await;
    assert_eq!(page.status, 200);
    assert_eq!(keys_of(&page.body), set(&["data", "nextCursor", "hasMore"]));
    assert_eq!(page.body["data"].as_array().unwrap().len(), 25, "default limit is 25");
    assert_eq!(page.body["hasMore"], true);
    assert!(page.body["nextCursor"].is_string());
    for lead in page.body["data"].as_array().unwrap() {
        assert_eq!(keys_of(lead), set(&LEAD_KEYS));
        assert!(uuid::Uuid::try_parse(lead["id"].as_str().unwrap()).is_ok());
        DateTime::parse_from_rfc3339(lead["createdAt"].as_str().unwrap()).unwrap();
        assert!(lead["createdAt"].as_str().unwrap().ends_with('Z'));
    }
    let id = page.body["data"][0]["id"].as_str().unwrap();
    let one = get(&sb, &format!("/leads/{id}"), key.expose()).await;
    assert_eq!(one.status, 200);
    assert_eq!(keys_of(&one.body), set(&["data"]));
    assert_eq!(one.body["data"], page.body["data"][0]);
}

#[tokio::test]
async fn limits_outside_1_to_100_are_400() {
    let sb = start(120).await;
    let key = sb.secret_key();
    for bad in ["0", "101", "abc", "", "-1", "1.5", "99999999999999999999999"] {
        let a = get(&sb, &format!("/leads?limit={bad}"), key.expose()).await;
        assert_eq!(a.status, 400, "limit={bad}: {}", a.raw);
        assert!(a.error().contains("limit"), "{}", a.raw);
    }
    for (limit, expect) in [(1, 1), (100, 100), (37, 37)] {
        let a = get(&sb, &format!("/leads?limit={limit}"), key.expose()).await;
        assert_eq!(a.body["data"].as_array().unwrap().len(), expect);
    }
    let a = get(&sb, "/leads?limit=1&limit=2", key.expose()).await;
    assert_eq!(a.status, 400, "{}", a.raw);
}

#[tokio::test]
async fn filters_narrow_the_list_and_bad_values_are_400() {
    let sb = start(150).await;
    let key = sb.secret_key();
    let all = walk(&sb, key.expose(), "", 100).await;

    let lost = walk(&sb, key.expose(), "&status=lost", 7).await;
    let expected: Vec<&Value> = all.iter().filter(|l| l["status"] == "lost").collect();
    assert!(!expected.is_empty());
    assert_eq!(lost.iter().collect::<Vec<_>>(), expected);

    let member = sb.profile().roster[2].id.clone();
    let mine = walk(&sb, key.expose(), &format!("&assignedTo={}", member.to_uppercase()), 5).await;
    let expected: Vec<&Value> = all.iter().filter(|l| l["assignedTo"] == member.as_str()).collect();
    assert!(!expected.is_empty());
    assert_eq!(mine.iter().collect::<Vec<_>>(), expected);

    let both = walk(&sb, key.expose(), &format!("&status=new&assignedTo={member}"), 3).await;
    assert!(
        both.iter()
            .all(|l| l["status"] == "new" && l["assignedTo"] == member.as_str())
    );
    let expected: Vec<&Value> = all
        .iter()
        .filter(|l| l["status"] == "new" && l["assignedTo"] == member.as_str())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(both.iter().collect::<Vec<_>>(), expected);

    for bad in [
        "status=nurturing",
        "status=NEW",
        "status=",
        "assignedTo=bob",
        "assignedTo=",
        "assignedTo=123",
    ] {
        let a = get(&sb, &format!("/leads?{bad}"), key.expose()).await;
        assert_eq!(a.status, 400, "{bad}: {}", a.raw);
        assert!(!a.error().is_empty());
    }
}

#[tokio::test]
async fn walking_every_page_returns_every_lead_once_newest_first() {
    let sb = start(137).await;
    let key = sb.secret_key();
    let leads = walk(&sb, key.expose(), "", 10).await;
    assert_eq!(leads.len() as u64, sb.lead_count().await.unwrap());
    let ids: HashSet<&str> = leads.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), leads.len(), "no lead twice");
    for pair in leads.windows(2) {
        assert!(
            order_key(&pair[0]) > order_key(&pair[1]),
            "{:?} before {:?}",
            order_key(&pair[0]),
            order_key(&pair[1])
        );
    }
}

#[tokio::test]
async fn ties_on_created_at_are_ordered_by_id_across_page_boundaries() {
    let sb = start(0).await;
    let at = Utc::now() - Duration::days(1);
    for i in 0..9 {
        sb.insert_lead_at(
            sb.demo_tenant_id(),
            NewLead::new(format!("Twin {i}"), LeadSource::Mcp),
            at,
        )
        .await
        .unwrap();
    }
    let leads = walk(&sb, sb.secret_key().expose(), "", 2).await;
    assert_eq!(leads.len(), 9);
    let ids: Vec<&str> = leads.iter().map(|l| l["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted);
}

#[tokio::test]
async fn leads_created_while_paging_do_not_shift_repeat_or_drop_pages() {
    let sb = start(60).await;
    let key = sb.secret_key();
    let before = walk(&sb, key.expose(), "", 100).await;

    let first = get(&sb, "/leads?limit=10", key.expose()).await;
    let mut seen: Vec<Value> = first.body["data"].as_array().unwrap().clone();
    let mut cursor = first.body["nextCursor"].as_str().unwrap().to_string();

    // New leads at the top (created now), one among the leads already seen, and one further down the list.
    let mut added: Vec<Value> = Vec::new();
    for i in 0..5 {
        let a = post_json(
            &sb,
            key.expose(),
            &with(minimal(), "firstName", json!(format!("New {i}"))),
        )
        .await;
        assert_eq!(a.status, 201);
        added.push(a.body["data"].clone());
    }
    let seen_time: DateTime<Utc> = seen[4]["createdAt"].as_str().unwrap().parse().unwrap();
    let later_time: DateTime<Utc> = before[40]["createdAt"].as_str().unwrap().parse().unwrap();
    for (name, at) in [
        ("Among seen", seen_time),
        ("Further down", later_time - Duration::milliseconds(1)),
    ] {
        let lead = sb
            .insert_lead_at(sb.demo_tenant_id(), NewLead::new(name, LeadSource::Mcp), at)
            .await
            .unwrap();
        added.push(serde_json::to_value(lead).unwrap());
    }

    let first_page_len = seen.len();
    for pages in 0.. {
        assert!(pages < 1_000, "the list never ended");
        let page = get(
            &sb,
            &format!("/leads?limit=10&cursor={}", urlencode(&cursor)),
            key.expose(),
        )
        .await;
        assert_eq!(page.status, 200);
        seen.extend(page.body["data"].as_array().unwrap().iter().cloned());
        match page.body["nextCursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    // Exactly the leads that were behind the first page's last lead, old and new, each once, in order.
    let boundary = order_key(&seen[first_page_len - 1]);
    let mut expected: Vec<&Value> = before[first_page_len..]
        .iter()
        .chain(added.iter().filter(|l| order_key(l) < boundary))
        .collect();
    expected.sort_by_key(|l| std::cmp::Reverse(order_key(l)));
    let ids =
        |leads: &[&Value]| -> Vec<String> { leads.iter().map(|l| l["id"].as_str().unwrap().to_string()).collect() };
    assert_eq!(ids(&seen[first_page_len..].iter().collect::<Vec<_>>()), ids(&expected));
    assert!(
        expected.iter().any(|l| l["firstName"] == "Further down"),
        "a lead created behind the cursor shows up when paging reaches it"
    );
    assert!(!expected.iter().any(|l| l["firstName"] == "Among seen"));
}

#[tokio::test]
async fn cursors_that_are_tampered_foreign_or_for_another_filter_are_400() {
    let sb = start(40).await;
    let key = sb.secret_key();
    let page = get(&sb, "/leads?limit=5", key.expose()).await;
    let cursor = page.body["nextCursor"].as_str().unwrap().to_string();
    let ok = get(
        &sb,
        &format!("/leads?limit=5&cursor={}", urlencode(&cursor)),
        key.expose(),
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body["data"][0], walk(&sb, key.expose(), "", 40).await[5]);

    let mut tampered = cursor.clone().into_bytes();
    let i = tampered.len() / 3;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let other_tenant = sb.other_tenant_key();
    let cases = [
        ("tampered", key.expose(), format!("cursor={}", urlencode(&tampered))),
        (
            "other tenant",
            other_tenant.expose(),
            format!("cursor={}", urlencode(&cursor)),
        ),
        (
            "other filter",
            key.expose(),
            format!("status=new&cursor={}", urlencode(&cursor)),
        ),
        ("garbage", key.expose(), "cursor=hello".to_string()),
        (
            "twice",
            key.expose(),
            format!("cursor={0}&cursor={0}", urlencode(&cursor)),
        ),
    ];
    for (what, key, query) in cases {
        let a = get(&sb, &format!("/leads?{query}"), key).await;
        assert_eq!(a.status, 400, "{what}: {}", a.raw);
        assert!(a.error().to_lowercase().contains("cursor"), "{what}: {}", a.raw);
    }
    // A cursor made deep in the list by the store, without walking, continues from there.
    let deep = sb.cursor_at_depth(ListFilter::default(), 30).await.unwrap().unwrap();
    let a = get(
        &sb,
        &format!("/leads?limit=100&cursor={}", urlencode(&deep)),
        key.expose(),
    )
    .await;
    assert_eq!(a.body["data"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn create_answers_201_with_the_new_lead() {
    let sb = start(5).await;
    let key = sb.secret_key();
    let member = sb.profile().roster[0].id.clone();
    let body = json!({
        "firstName": "Zoë", "lastName": "Ølund", "email": "zoe@example.co.uk", "phone": "+44 20 7946 0958",
        "companyName": "Analytical Engines Ltd", "source": "referral", "channel": "trade_show",
        "intent": "Wants a demo", "notes": "Met at the booth", "assignedTo": member,
        "attribution": {"utm_source": "newsletter"},
        "customFields": {"region": "apac", "budget": 1200.5, "plan": "growth", "interests": ["crm", "support"],
            "newsletter": true, "decision_date": "2027-01-31", "website": "https://acme.io",
            "billing_email": "ap@acme.io", "direct_line": "+1 (555) 010-9999", "industry": "Software"}
    });
    let sent_at = Utc::now();
    let a = post_json(&sb, key.expose(), &body).await;
    assert_eq!(a.status, 201, "{}", a.raw);
    assert_eq!(keys_of(&a.body), set(&["data"]));
    let lead = &a.body["data"];
    assert_eq!(keys_of(lead), set(&LEAD_KEYS));
    assert_eq!(lead["status"], "new");
    for field in [
        "firstName",
        "lastName",
        "email",
        "phone",
        "companyName",
        "source",
        "channel",
        "intent",
        "notes",
        "assignedTo",
        "attribution",
        "customFields",
    ] {
        assert_eq!(lead[field], body[field], "{field}");
    }
    let id = lead["id"].as_str().unwrap();
    assert_eq!(uuid::Uuid::try_parse(id).unwrap().get_version_num(), 4);
    let created: DateTime<Utc> = lead["createdAt"].as_str().unwrap().parse().unwrap();
    assert!(created >= sent_at - Duration::seconds(5) && created <= Utc::now() + Duration::seconds(5));
    assert_eq!(a.headers["location"], format!("/api/v1/leads/{id}").as_str());
    let top = get(&sb, "/leads?limit=1", key.expose()).await;
    assert_eq!(top.body["data"][0], *lead, "a new lead is the newest");

    // Server-owned fields cannot be sent.
    let a = post_json(&sb, key.expose(), &with(minimal(), "status", json!("converted"))).await;
    assert_eq!(a.detail_fields(), ["status"]);
}

#[tokio::test]
async fn every_create_rule_names_its_field() {
    let sb = start(0).await;
    let key = sb.secret_key();
    let m = minimal;
    let e = |n: usize| "é".repeat(n);
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        (
            "firstName missing",
            json!({"source": "mcp", "customFields": {"region": "emea"}}),
            vec!["firstName"],
        ),
        (
            "firstName blank",
            with(m(), "firstName", json!("  ")),
            vec!["firstName"],
        ),
        ("firstName number", with(m(), "firstName", json!(5)), vec!["firstName"]),
        (
            "firstName 256",
            with(m(), "firstName", json!(e(256))),
            vec!["firstName"],
        ),
        ("lastName 256", with(m(), "lastName", json!(e(256))), vec!["lastName"]),
        (
            "companyName 256",
            with(m(), "companyName", json!(e(256))),
            vec!["companyName"],
        ),
        ("channel 256", with(m(), "channel", json!(e(256))), vec!["channel"]),
        ("phone 51", with(m(), "phone", json!("1".repeat(51))), vec!["phone"]),
        (
            "email 255",
            with(m(), "email", json!(format!("{}@example.com", "a".repeat(243)))),
            vec!["email"],
        ),
        ("intent 1001", with(m(), "intent", json!(e(1001))), vec!["intent"]),
        ("notes 10001", with(m(), "notes", json!(e(10_001))), vec!["notes"]),
        (
            "email format",
            with(m(), "email", json!("ada@localhost")),
            vec!["email"],
        ),
        ("email two @", with(m(), "email", json!("a@b@c.com")), vec!["email"]),
        ("assignedTo", with(m(), "assignedTo", json!("bob")), vec!["assignedTo"]),
        (
            "source missing",
            json!({"firstName": "A", "customFields": {"region": "emea"}}),
            vec!["source"],
        ),
        ("source unknown", with(m(), "source", json!("fax")), vec!["source"]),
        ("source type", with(m(), "source", json!(3)), vec!["source"]),
        (
            "attribution type",
            with(m(), "attribution", json!("utm")),
            vec!["attribution"],
        ),
        (
            "attribution values",
            with(m(), "attribution", json!({"utm_source": 1})),
            vec!["attribution.utm_source"],
        ),
        (
            "customFields type",
            with(m(), "customFields", json!([])),
            vec!["customFields", "customFields.region"],
        ),
        (
            "required custom",
            with(m(), "customFields", json!({})),
            vec!["customFields.region"],
        ),
        (
            "required custom null",
            with_custom(m(), "region", Value::Null),
            vec!["customFields.region"],
        ),
        (
            "unknown custom",
            with_custom(m(), "colour", json!("red")),
            vec!["customFields.colour"],
        ),
        (
            "dropdown",
            with_custom(m(), "region", json!("mars")),
            vec!["customFields.region"],
        ),
        (
            "number",
            with_custom(m(), "budget", json!("12")),
            vec!["customFields.budget"],
        ),
        (
            "date",
            with_custom(m(), "decision_date", json!("2026-02-30")),
            vec!["customFields.decision_date"],
        ),
        (
            "date shape",
            with_custom(m(), "decision_date", json!("2026-2-3")),
            vec!["customFields.decision_date"],
        ),
        (
            "boolean",
            with_custom(m(), "newsletter", json!("true")),
            vec!["customFields.newsletter"],
        ),
        (
            "multi_select",
            with_custom(m(), "interests", json!(["crm", "golf"])),
            vec!["customFields.interests"],
        ),
        (
            "multi_select type",
            with_custom(m(), "interests", json!("crm")),
            vec!["customFields.interests"],
        ),
        (
            "url",
            with_custom(m(), "website", json!("acme.io")),
            vec!["customFields.website"],
        ),
        (
            "email field",
            with_custom(m(), "billing_email", json!("ap")),
            vec!["customFields.billing_email"],
        ),
        (
            "phone field",
            with_custom(m(), "direct_line", json!("call me")),
            vec!["customFields.direct_line"],
        ),
        (
            "text field",
            with_custom(m(), "industry", json!(5)),
            vec!["customFields.industry"],
        ),
        (
            "unknown top-level",
            with(m(), "favouriteColour", json!("red")),
            vec!["favouriteColour"],
        ),
        (
            "several at once",
            json!({"firstName": "", "source": "fax", "email": "x"}),
            vec!["firstName", "email", "source", "customFields.region"],
        ),
    ];
    for (what, body, fields) in cases {
        let a = post_json(&sb, key.expose(), &body).await;
        let mut got = a.detail_fields();
        let mut want: Vec<String> = fields.iter().map(|s| s.to_string()).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{what}: {}", a.raw);
    }
    assert_eq!(sb.lead_count().await.unwrap(), 0, "no refused body created a lead");

    // The limits themselves are allowed, counted in characters, not bytes.
    let at_limits = json!({"firstName": e(255), "lastName": e(255), "companyName": e(255), "channel": e(255),
        "phone": "1".repeat(50), "email": format!("{}@example.com", "a".repeat(242)), "intent": e(1000),
        "notes": e(10_000), "source": "import", "customFields": {"region": "amer"}});
    let a = post_json(&sb, key.expose(), &at_limits).await;
    assert_eq!(a.status, 201, "{}", a.raw);
}

#[tokio::test]
async fn bodies_that_are_not_json_objects_are_400_with_details() {
    let sb = start(0).await;
    let key = sb.secret_key();
    for body in [
        &b"{"[..],
        b"",
        b"not json",
        b"[1,2]",
        b"\"Ada\"",
        b"null",
        b"\xff\xfe{}",
    ] {
        let a = send(
            &sb,
            Method::POST,
            "/leads",
            Some(key.expose()),
            Some("application/json"),
            Some(body.to_vec()),
        )
        .await;
        assert_eq!(a.detail_fields(), ["body"], "{:?}", String::from_utf8_lossy(body));
    }
    let a = send(
        &sb,
        Method::POST,
        "/leads",
        Some(key.expose()),
        Some("text/plain"),
        Some(minimal().to_string().into_bytes()),
    )
    .await;
    assert_eq!(a.status, 415);
    assert!(a.error().contains("application/json"));
    let a = send(
        &sb,
        Method::POST,
        "/leads",
        Some(key.expose()),
        Some("application/json; charset=utf-8"),
        Some(minimal().to_string().into_bytes()),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.raw);
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_413() {
    let sb = start(0).await;
    let key = sb.secret_key();
    let mut body = minimal();
    body["notes"] = json!("x".repeat(1024 * 1024));
    let a = post_json(&sb, key.expose(), &body).await;
    assert_eq!(a.status, 413);
    assert!(!a.error().is_empty());
    // Just under the limit is read (and refused on its merits, not its size).
    body["notes"] = json!("x".repeat(1024 * 1024 - 200));
    let a = post_json(&sb, key.expose(), &body).await;
    assert_eq!(a.detail_fields(), ["notes"]);
    assert_eq!(sb.lead_count().await.unwrap(), 0);
}

#[tokio::test]
async fn get_by_id_is_404_for_unknown_malformed_and_other_tenants_leads() {
    let sb = start(3).await;
    let key = sb.secret_key();
    let other = sb.other_tenant_key();
    let theirs = get(&sb, "/leads?limit=1", other.expose()).await;
    let their_id = theirs.body["data"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        get(&sb, &format!("/leads/{their_id}"), other.expose()).await.status,
        200
    );
    let unknown = uuid::Uuid::new_v4().to_string();
    for id in [unknown.as_str(), "not-a-uuid", "1", "%E2%80%AE", their_id.as_str()] {
        let a = get(&sb, &format!("/leads/{id}"), key.expose()).await;
        assert_eq!(a.status, 404, "{id}: {}", a.raw);
        assert_eq!(a.error(), "Lead not found");
    }
    // The other tenant's list shows none of the demo tenant's leads and the other way round.
    let mine: HashSet<String> = walk(&sb, key.expose(), "", 100)
        .await
        .iter()
        .map(|l| l["id"].to_string())
        .collect();
    let theirs: HashSet<String> = walk(&sb, other.expose(), "", 100)
        .await
        .iter()
        .map(|l| l["id"].to_string())
        .collect();
    assert!(mine.is_disjoint(&theirs));
    assert_eq!(mine.len(), 3);
}

#[tokio::test]
async fn missing_or_unknown_keys_are_401_and_missing_scopes_are_403() {
    let sb = start(3).await;
    let a = send(&sb, Method::GET, "/leads", None, None, None).await;
    assert_eq!(a.status, 401);
    assert!(!a.error().is_empty());
    for bad in ["sk_live_0000", "", "pk_live_"] {
        let a = get(&sb, "/leads", bad).await;
        assert_eq!(a.status, 401, "{bad}");
        assert!(!a.error().is_empty());
    }
    let basic = http()
        .get(format!("{}/leads", sb.base_url()))
        .header("authorization", format!("Basic {}", sb.secret_key().expose()))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);

    // A publishable key reads but cannot create.
    let pk = sb.publishable_key();
    assert_eq!(get(&sb, "/leads", pk.expose()).await.status, 200);
    let a = post_json(&sb, pk.expose(), &minimal()).await;
    assert_eq!(a.status, 403);
    assert_eq!(keys_of(&a.body), set(&["error"]));
    assert!(a.error().contains("leads.lead.write"), "{}", a.raw);
    // A write-only key creates but cannot read.
    let wo = sb.write_only_key();
    let created = post_json(&sb, wo.expose(), &minimal()).await;
    assert_eq!(created.status, 201);
    let id = created.body["data"]["id"].as_str().unwrap();
    for path in ["/leads".to_string(), format!("/leads/{id}")] {
        let a = get(&sb, &path, wo.expose()).await;
        assert_eq!(a.status, 403);
        assert!(a.error().contains("leads.lead.read"), "{}", a.raw);
    }
    // Auth comes before anything else about the request.
    let a = send(
        &sb,
        Method::POST,
        "/leads",
        None,
        Some("application/json"),
        Some(b"{".to_vec()),
    )
    .await;
    assert_eq!(a.status, 401);
}

#[tokio::test]
async fn rate_limit_is_per_tenant_with_retry_after() {
    let sb = Sandbox::start(SandboxOptions::default().seed_leads(3).rate_limit(RateLimit {
        per_second: 0.01,
        burst: 2,
    }))
    .await
    .unwrap();
    let key = sb.secret_key();
    assert_eq!(get(&sb, "/leads", key.expose()).await.status, 200);
    assert_eq!(post_json(&sb, key.expose(), &minimal()).await.status, 201);
    let a = get(&sb, "/leads", key.expose()).await;
    assert_eq!(a.status, 429);
    assert!(!a.error().is_empty());
    let retry: u64 = a.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=100).contains(&retry), "{retry}");
    // The other tenant has its own bucket.
    assert_eq!(get(&sb, "/leads", sb.other_tenant_key().expose()).await.status, 200);
    // The publishable key shares the demo tenant's bucket.
    assert_eq!(get(&sb, "/leads", sb.publishable_key().expose()).await.status, 429);
}

#[tokio::test]
async fn routing_mistakes_answer_json_errors() {
    let sb = start(1).await;
    let key = sb.secret_key();
    let cases = [
        (Method::DELETE, "/leads", 405),
        (Method::PUT, "/leads/abc", 405),
        (Method::GET, "/nope", 404),
        (Method::GET, "/leads/a/b", 404),
    ];
    for (method, path, status) in cases {
        let a = send(&sb, method.clone(), path, Some(key.expose()), None, None).await;
        assert_eq!(a.status, status, "{method} {path}: {}", a.raw);
        assert_eq!(a.headers["content-type"], "application/json");
        assert!(!a.error().is_empty());
    }
    let a = http().get(format!("http://{}/", sb.addr())).send().await.unwrap();
    assert_eq!(a.status(), 404);
    let v: Value = a.json().await.unwrap();
    assert!(v["error"].is_string());
}

#[tokio::test]
async fn answers_are_gzipped_for_clients_that_ask() {
    let sb = start(30).await;
    let plain = reqwest::Client::builder().no_gzip().build().unwrap();
    let a = plain
        .get(format!("{}/leads?limit=100", sb.base_url()))
        .bearer_auth(sb.secret_key().expose())
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), 200);
    assert_eq!(a.headers()["content-encoding"], "gzip");
    // reqwest with its gzip feature decodes it transparently.
    let page = get(&sb, "/leads?limit=100", sb.secret_key().expose()).await;
    assert_eq!(page.body["data"].as_array().unwrap().len(), 30);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data_but_each_database_its_own_random_keys() {
    let a = Sandbox::start(SandboxOptions::default().seed_leads(40).seed(9))
        .await
        .unwrap();
    let b = Sandbox::start(SandboxOptions::default().seed_leads(40).seed(9))
        .await
        .unwrap();
    let c = Sandbox::start(SandboxOptions::default().seed_leads(40).seed(10))
        .await
        .unwrap();
    async fn all(s: &Sandbox) -> Vec<Value> {
        walk(s, s.secret_key().expose(), "", 100).await
    }
    assert_eq!(all(&a).await, all(&b).await);
    assert_ne!(all(&a).await, all(&c).await);
    for (x, y) in [(&a, &b), (&a, &c)] {
        assert_ne!(x.secret_key(), y.secret_key());
        assert_ne!(x.publishable_key(), y.publishable_key());
        assert_ne!(x.write_only_key(), y.write_only_key());
        assert_ne!(x.other_tenant_key(), y.other_tenant_key());
    }
    // One database's key opens nothing in another.
    assert_eq!(get(&b, "/leads", a.secret_key().expose()).await.status, 401);
    assert_eq!(a.profile(), b.profile());
    assert_ne!(a.profile().roster, c.profile().roster);
}

#[tokio::test]
async fn a_database_file_keeps_its_leads_keys_and_cursors_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("sandbox.sqlite3");
    let first = Sandbox::start(SandboxOptions::default().db_path(&path).seed_leads(12).seed(4))
        .await
        .unwrap();
    let key = first.secret_key();
    let first_keys = [
        first.secret_key(),
        first.publishable_key(),
        first.write_only_key(),
        first.other_tenant_key(),
    ];
    let page = get(&first, "/leads?limit=5", key.expose()).await;
    let cursor = page.body["nextCursor"].as_str().unwrap().to_string();
    assert_eq!(post_json(&first, key.expose(), &minimal()).await.status, 201);
    first.shutdown().await;

    // Other seed options do not reseed an existing database.
    let second = Sandbox::start(SandboxOptions::default().db_path(&path).seed_leads(500).seed(5))
        .await
        .unwrap();
    assert_eq!(second.secret_key(), key);
    assert_eq!(second.seed(), 4);
    assert_eq!(second.lead_count().await.unwrap(), 13);
    let next = get(
        &second,
        &format!("/leads?limit=5&cursor={}", urlencode(&cursor)),
        key.expose(),
    )
    .await;
    assert_eq!(next.status, 200, "{}", next.raw);
    assert_eq!(second.publishable_key(), first_keys[1]);
    assert_eq!(second.write_only_key(), first_keys[2]);
    assert_eq!(second.other_tenant_key(), first_keys[3]);
    // The keys are in the file, so it (with its WAL while open) and the directory made for it are the owner's
    // only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        let files: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|f| f.unwrap().path())
            .collect();
        assert!(files.iter().any(|f| f.to_string_lossy().ends_with("-wal")), "{files:?}");
        for file in files {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }
    second.shutdown().await;
}
