//! `config discover` against the sandbox, which knows its own team and custom fields: the proposal must find
//! them from the leads alone, read-only, within the limit, and write them as config that parses back.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::Method;
use leadbox::commands::discover::{self, Proposal};
use leadbox::tenant::CustomFieldKind;
use novala_leads::{ApiKey, NovalaClient};
use novala_sandbox::testing;
use serde_json::json;

fn uncomment(block: &str) -> String {
    block
        .lines()
        .map(|l| l.strip_prefix("# ").or_else(|| l.strip_prefix('#')).unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn discovery_finds_the_sandboxs_team_and_custom_fields() {
    let sandbox = testing::start(2_000).await;
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).unwrap();
    let before = sandbox.lead_count().await.unwrap();
    let started = std::time::Instant::now();
    let proposal = discover::discover(&client, 1_500).await.unwrap();
    eprintln!("walked {} leads in {:?}", proposal.leads_seen, started.elapsed());
    assert_eq!(proposal.leads_seen, 1_500, "the limit bounds the walk");
    assert_eq!(sandbox.lead_count().await.unwrap(), before, "nothing was created");

    let defined = &sandbox.profile().custom_fields;
    assert_eq!(defined.len(), 10);
    for def in defined {
        let found = proposal
            .fields
            .iter()
            .find(|f| f.key == def.key)
            .unwrap_or_else(|| panic!("{} not found in {:?}", def.key, proposal.fields));
        assert_eq!(found.kind, def.kind, "{}", def.key);
        for option in &found.options {
            assert!(def.options.contains(option), "{}: {option} is not an option", def.key);
        }
        assert_eq!(
            found.probably_required(proposal.leads_seen),
            def.required,
            "{}",
            def.key
        );
    }
    let region = proposal.fields.iter().find(|f| f.key == "region").unwrap();
    let mut options = region.options.clone();
    options.sort();
    let mut expected = sandbox.profile().custom_field("region").unwrap().options.clone();
    expected.sort();
    assert_eq!(options, expected);

    for member in &sandbox.profile().roster {
        assert!(
            proposal.team.iter().any(|(id, _)| *id == member.id),
            "{} missing from {:?}",
            member.id,
            proposal.team
        );
    }
    let held: usize = proposal.team.iter().map(|(_, n)| n).sum();
    assert!(held > 0 && held <= proposal.leads_seen);
    assert!(proposal.team.windows(2).all(|w| w[0].1 >= w[1].1), "most leads first");

    // The block parses back, once uncommented, to the same team and fields.
    let block = proposal.to_toml("acme", "2026-11-28");
    assert!(
        block.lines().all(|l| l.starts_with('#')),
        "every line is commented out:\n{block}"
    );
    let parsed: toml::Table = toml::from_str(&uncomment(&block)).unwrap_or_else(|e| panic!("{e}\n{block}"));
    let team = parsed["team"].as_array().unwrap();
    assert_eq!(team.len(), proposal.team.len());
    let fields = parsed["profiles"]["acme"]["custom_fields"].as_array().unwrap();
    assert_eq!(fields.len(), 10);
    let region = fields.iter().find(|f| f["key"].as_str() == Some("region")).unwrap();
    assert_eq!(region["required"].as_bool(), Some(true));
    sandbox.shutdown().await;
}

#[derive(Clone, Default)]
struct Seen {
    methods: Arc<Mutex<Vec<Method>>>,
}

async fn record(State(seen): State<Seen>, request: Request) -> axum::Json<serde_json::Value> {
    seen.methods.lock().unwrap().push(request.method().clone());
    let page: u64 = request
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("cursor=")))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let data: Vec<_> = (0..100)
        .map(|i| {
            let n = page * 100 + i;
            json!({
                "id": format!("00000000-0000-4000-8000-{n:012}"),
                "status": "new",
                "createdAt": "2026-01-01T00:00:00.000Z",
                "customFields": { "Bad Key\u{1b}[31m": 1, "tier": if n.is_multiple_of(2) { "gold\"\n[x]" } else { "silver" } }
            })
        })
        .collect();
    axum::Json(json!({ "data": data, "nextCursor": (page + 1).to_string(), "hasMore": true }))
}

#[tokio::test]
async fn discovery_only_reads_stops_at_its_limit_and_escapes_what_it_writes() {
    let seen = Seen::default();
    let app = Router::new().fallback(record).with_state(seen.clone());
    let addr = testing::serve(app).await;
    let client = NovalaClient::new(&format!("http://{addr}"), ApiKey::new("sk_test", "test")).unwrap();
    let proposal = discover::discover(&client, 250).await.unwrap();
    assert_eq!(proposal.leads_seen, 250);
    let methods = seen.methods.lock().unwrap().clone();
    assert_eq!(methods.len(), 3, "three pages for 250 leads");
    assert!(methods.iter().all(|m| *m == Method::GET), "{methods:?}");

    let tier = proposal.fields.iter().find(|f| f.key == "tier").unwrap();
    assert_eq!(tier.kind, CustomFieldKind::Dropdown);
    assert_eq!(proposal.skipped.len(), 1);
    assert!(!proposal.skipped[0].contains('\u{1b}'));
    let block = proposal.to_toml("my profile", "2026-11-28");
    assert!(!block.contains('\u{1b}'), "{block:?}");
    let parsed: toml::Table = toml::from_str(&uncomment(&block)).unwrap_or_else(|e| panic!("{e}\n{block}"));
    let options = parsed["profiles"]["my profile"]["custom_fields"][0]["options"]
        .as_array()
        .unwrap();
    assert!(options.iter().any(|o| o.as_str() == Some("gold\"\n[x]")), "{options:?}");
}

#[test]
fn appending_keeps_the_file_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let mine = "default_profile = \"acme\"\n# my notes\n[profiles.acme]\nurl = \"https://acme.novala.ai\"\n";
    std::fs::write(&path, mine).unwrap();
    let proposal = Proposal {
        leads_seen: 3,
        team: vec![("b1ea6bd8-6503-42dc-a553-583617e08e42".into(), 3)],
        ..Proposal::default()
    };
    let block = proposal.to_toml("acme", "2026-11-28");
    discover::append_to_file(&path, &block).unwrap();
    let now = std::fs::read_to_string(&path).unwrap();
    assert!(now.starts_with(mine));
    assert!(now.ends_with(&block));
    assert!(
        leadbox::commands::checked::load_file(&path).is_ok(),
        "the file still loads:\n{now}"
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let fresh = dir.path().join("new/config.toml");
        discover::append_to_file(&fresh, &block).unwrap();
        assert_eq!(std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn discover_append_leaves_out_the_team_members_and_fields_the_profile_has() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let sandbox = testing::start(400).await;
    let roster = sandbox.profile().roster.clone();
    let field = sandbox.profile().custom_fields[0].key.clone();
    let config = dir.path().join("config.toml");
    let original = format!(
        "[profiles.t]\nurl = \"{}\"\nkey_env = \"T_KEY\"\nallow_insecure_http = true\n\
         team = [{{ id = \"{}\", name = \"Known Person\" }}]\n\n\
         [[profiles.t.custom_fields]]\nkey = \"{field}\"\nlabel = \"Known\"\nkind = \"text\"\n",
        sandbox.base_url(),
        roster[0].id
    );
    std::fs::write(&config, &original).unwrap();
    let out = crate::support::leadbox_command(dir.path())
        .arg("--config")
        .arg(&config)
        .args(["--profile", "t", "config", "discover", "--limit", "400", "--append"])
        .env("T_KEY", sandbox.secret_key().expose())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let after = std::fs::read_to_string(&config).unwrap();
    let appended = after.strip_prefix(&original).unwrap();
    assert!(
        !appended.contains(&roster[0].id),
        "a member already in the team: {appended}"
    );
    assert!(
        !appended.contains(&format!("key = \"{field}\"")),
        "a field already defined: {appended}"
    );
    assert!(appended.contains(&roster[1].id), "the others are proposed: {appended}");
    assert!(!appended.contains("# team = ["), "no second `team`: {appended}");
    assert!(appended.contains("Left out: 2"), "{appended}");
    sandbox.shutdown().await;
}
