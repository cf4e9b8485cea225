//! The sandbox's own refusals reach the app through the worker as the right typed errors, readable, and
//! without the key: a wrong key, a key without the scope, an unknown lead, an invalid lead, a foreign cursor.

use leadbox::api::worker::{ApiEvent, ApiRequest, spawn_worker};
use leadbox::api::{ApiError, ApiKey, LeadSource, ListQuery, NewLead, NovalaClient};
use novala_sandbox::{KEY_ORIGIN, Sandbox, SandboxOptions};

async fn answer(client: NovalaClient, request: ApiRequest) -> ApiError {
    let mut worker = spawn_worker(client);
    worker.requests.send(request).unwrap();
    let event = worker.events.recv().await.unwrap();
    match event {
        ApiEvent::Listed { result: Err(e), .. }
        | ApiEvent::Fetched { result: Err(e), .. }
        | ApiEvent::Created { result: Err(e), .. } => e,
        other => panic!("expected an error, got {other:?}"),
    }
}

fn assert_readable_without(err: &ApiError, key: &ApiKey) {
    let shown = format!("{err:?} | {err}");
    assert!(!shown.contains(key.expose()), "the key leaked: {shown}");
    assert!(err.to_string().len() > 15, "{err}");
}

fn list(id: u64, cursor: Option<&str>) -> ApiRequest {
    ApiRequest::List {
        id,
        query: ListQuery::default(),
        cursor: cursor.map(str::to_string),
    }
}

#[tokio::test]
async fn each_refusal_of_the_sandbox_arrives_typed() {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(20)).await.unwrap();
    let base = sandbox.base_url();
    let secret = sandbox.secret_key();
    let client = |key: &ApiKey| NovalaClient::new(&base, key.clone()).unwrap();

    let wrong = ApiKey::new("sk_live_not_a_key_of_this_tenant", "NOVALA_SECRET_KEY");
    let err = answer(client(&wrong), list(1, None)).await;
    assert_eq!(
        err,
        ApiError::Unauthorized {
            key_origin: "NOVALA_SECRET_KEY".into()
        }
    );
    assert!(err.to_string().contains("NOVALA_SECRET_KEY"), "{err}");
    assert_readable_without(&err, &wrong);

    let read_only = sandbox.publishable_key();
    let err = answer(
        client(&read_only),
        ApiRequest::Create {
            id: 2,
            lead: NewLead::new("Ada", LeadSource::Referral),
        },
    )
    .await;
    assert!(
        matches!(&err, ApiError::Forbidden { scope, .. } if scope == "leads.lead.write"),
        "{err:?}"
    );
    assert!(!err.may_have_created());
    assert_readable_without(&err, &read_only);

    let write_only = sandbox.write_only_key();
    let err = answer(client(&write_only), list(3, None)).await;
    assert!(
        matches!(&err, ApiError::Forbidden { scope, .. } if scope == "leads.lead.read"),
        "{err:?}"
    );
    assert_readable_without(&err, &write_only);

    let err = answer(
        client(&secret),
        ApiRequest::Get {
            id: 4,
            lead_id: "00000000-0000-4000-8000-000000000000".into(),
        },
    )
    .await;
    assert!(matches!(err, ApiError::NotFound { .. }), "{err:?}");
    assert_readable_without(&err, &secret);

    let mut bad = NewLead::new("x".repeat(300), LeadSource::Referral);
    bad.email = Some("not an address".into());
    let err = answer(client(&secret), ApiRequest::Create { id: 5, lead: bad }).await;
    let fields: Vec<&str> = err.field_details().iter().map(|d| d.field.as_str()).collect();
    assert!(matches!(err, ApiError::Validation { .. }), "{err:?}");
    assert!(fields.contains(&"firstName") && fields.contains(&"email"), "{fields:?}");
    assert!(err.to_string().contains("firstName"), "{err}");
    assert_readable_without(&err, &secret);

    let err = answer(client(&secret), list(6, Some("a cursor this server never issued"))).await;
    assert!(matches!(err, ApiError::Validation { .. }), "{err:?}");
    assert!(err.to_string().to_lowercase().contains("cursor"), "{err}");

    assert_eq!(KEY_ORIGIN, secret.origin());
    assert_eq!(
        sandbox.lead_count().await.unwrap(),
        20,
        "no refused create stored anything"
    );
}
