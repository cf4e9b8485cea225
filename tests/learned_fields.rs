//! Custom fields the tenant taught by refusing a lead: on disk in the profile's state file the moment
//! they are learned, carried over from a file an older leadbox wrote, and known to `leads create`.

use leadbox::store::state::StateFile;
use leadbox::tenant::{CustomFieldDef, CustomFieldKind};
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::leadbox_command as leadbox;

fn region(required: bool) -> CustomFieldDef {
    let mut def = CustomFieldDef::new("region", "region", CustomFieldKind::Text, required, &[]);
    def.hint = Some(leadbox::app::learned::HINT.to_string());
    def
}

#[test]
fn a_learned_field_is_on_disk_when_the_write_returns_and_learned_again_as_required() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let file = StateFile::open(&path).unwrap().file;
    file.learn_field(&region(false)).unwrap();
    // Dropped without closing, as a kill would leave it.
    std::mem::forget(file);
    let file = StateFile::open(&path).unwrap().file;
    assert_eq!(file.learned_fields().unwrap(), vec![region(false)]);
    file.learn_field(&region(true)).unwrap();
    assert_eq!(
        file.learned_fields().unwrap(),
        vec![region(true)],
        "one row, now required"
    );
}

#[test]
fn a_state_file_from_before_learned_fields_is_carried_over_with_its_marks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sqlite3");
    let file = StateFile::open(&path).unwrap().file;
    file.set_marks(
        "lead-1",
        leadbox::model::Marks {
            done: true,
            ..Default::default()
        },
    )
    .unwrap();
    drop(file);
    // As schema 3 left it: no table for learned fields.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TABLE learned_fields; UPDATE meta SET value = '3' WHERE key = 'schema';")
        .unwrap();
    drop(conn);
    let opened = StateFile::open(&path).unwrap();
    assert!(opened.set_aside.is_none(), "an older file is not set aside");
    assert!(opened.file.marks().unwrap()["lead-1"].done);
    assert_eq!(opened.file.learned_fields().unwrap(), vec![]);
    opened.file.learn_field(&region(true)).unwrap();
    drop(opened);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let schema: String = conn
        .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(schema, "4");
}

#[tokio::test(flavor = "multi_thread")]
async fn leads_create_learns_a_required_field_from_its_refusal_and_names_it_before_sending_again() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(0)).await.unwrap();
    let create = |extra: &[&str]| {
        leadbox(dir.path())
            .args(["--api-url", &sandbox.base_url(), "leads", "create"])
            .args(["--first-name", "Ada", "--source", "referral"])
            .args(extra)
            .env("NOVALA_SECRET_KEY", sandbox.secret_key().expose())
            .output()
            .unwrap()
    };
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let out = create(&[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.len() >= 2 && lines[0].contains("not created"), "{err}");
    assert!(lines[1].contains("--custom region=VALUE"), "{err}");

    // The next run knows the field: refused before anything is sent, naming it.
    let out = create(&[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("region") && err.contains("is required") && err.contains("not sent"),
        "{err}"
    );
    assert_eq!(sandbox.lead_count().await.unwrap(), 0);

    let out = create(&["--custom", "region=emea"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(sandbox.lead_count().await.unwrap(), 1);
    sandbox.shutdown().await;
}
