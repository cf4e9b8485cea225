//! `leadbox leads import` as a user runs it: the real binary against a sandbox it treats as a stranger's
//! tenant (or through a profile), rows counted in the sandbox's own database.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use novala_sandbox::Sandbox;

use crate::support::leadbox_command as leadbox;

/// `leadbox --api-url … leads import FILE ARGS` with the sandbox's key in NOVALA_SECRET_KEY.
pub(crate) fn import(dir: &Path, sandbox: &Sandbox, file: &Path, args: &[&str]) -> Command {
    let mut cmd = leadbox(dir);
    cmd.args(["--api-url", &sandbox.base_url(), "leads", "import"])
        .arg(file)
        .args(args)
        .env("NOVALA_SECRET_KEY", sandbox.secret_key().expose());
    cmd
}

pub(crate) fn run(mut cmd: Command) -> (Option<i32>, String) {
    let out: Output = cmd.output().unwrap();
    assert!(out.stdout.is_empty(), "data only on stdout, and an import prints none");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// How many leads the sandbox holds for each email ending in `domain`.
pub(crate) fn by_email(sandbox: &Sandbox, domain: &str) -> BTreeMap<String, usize> {
    sandbox
        .store()
        .with_conn(|conn| {
            let mut stmt = conn.prepare("SELECT email, COUNT(*) FROM leads WHERE email LIKE ?1 GROUP BY email")?;
            let rows = stmt.query_map([format!("%@{domain}")], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
            })?;
            Ok(rows.collect::<Result<BTreeMap<_, _>, _>>()?)
        })
        .unwrap()
}

/// A CSV of `n` good rows whose emails are `row<i>@<domain>`.
fn rows_csv(n: usize, domain: &str) -> String {
    let mut csv = String::from("first name,last name,email,customFields.region,Booth\n");
    for i in 0..n {
        let region = ["emea", "amer", "apac"][i % 3];
        csv.push_str(&format!("Row{i},Import,row{i}@{domain},{region},B{i}\n"));
    }
    csv
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_checks_every_row_first_then_creates_the_good_ones_once_and_keeps_the_refused_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(20).await;
    let before = sandbox.lead_count().await.unwrap();
    let file = dir.path().join("show.csv");
    // Line 3 breaks a rule leadbox knows; line 5 one only the tenant knows (a stranger's custom fields
    // are not configured); line 6 is empty and skipped.
    std::fs::write(
        &file,
        "First name,Last name,Email,customFields.region,Booth\n\
         Ada,Lovelace,ada@show.test,emea,B1\n\
         Bo,Diddley,bo@show,amer,B2\n\
         Cy,Twombly,cy@show.test,apac,B3\n\
         Di,Fossey,di@show.test,mars,B4\n\
         ,,,,\n\
         Ed,Ruscha,ed@show.test,emea,B6\n",
    )
    .unwrap();

    // An unknown column stops everything before a row is read for sending.
    let (code, err) = run(import(dir.path(), &sandbox, &file, &[]));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("column `Booth`: not a field of a lead"), "{err}");
    assert!(err.contains("--map 'Booth=FIELD'"), "{err}");

    // Every problem of every row, together; nothing sent.
    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--map", "Booth=notes"]));
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("show.csv: line 3, Email: must be an email address"),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    let (code, err) = run(import(
        dir.path(),
        &sandbox,
        &file,
        &["--map", "Booth=notes", "--check"],
    ));
    assert_eq!(code, Some(3), "{err}");
    assert_eq!(
        sandbox.lead_count().await.unwrap(),
        before,
        "nothing sent before every row passes"
    );
    assert!(
        !dir.path().join("show.csv.leadbox-journal").exists(),
        "not even a journal"
    );

    // The good rows go; the refused ones (by leadbox's checks or by the tenant) are written out to fix.
    let (code, err) = run(import(
        dir.path(),
        &sandbox,
        &file,
        &["--map", "Booth=notes", "--skip-invalid"],
    ));
    assert_eq!(code, Some(3), "some rows were refused: {err}");
    assert!(err.contains("3 created"), "{err}");
    assert!(err.contains("line 5: refused by the tenant"), "{err}");
    assert!(err.contains("customFields.region"), "the tenant's reason: {err}");
    let created = by_email(&sandbox, "show.test");
    assert_eq!(
        created.keys().map(String::as_str).collect::<Vec<_>>(),
        ["ada@show.test", "cy@show.test", "ed@show.test"]
    );
    assert!(created.values().all(|&n| n == 1));
    let refused_path = dir.path().join("show.refused.csv");
    let refused = std::fs::read_to_string(&refused_path).unwrap();
    let lines: Vec<&str> = refused.lines().collect();
    assert_eq!(
        lines[0],
        "First name,Last name,Email,customFields.region,Booth,import error"
    );
    assert!(
        lines[1].starts_with("Bo,Diddley,bo@show,amer,B2,Email: must be an email"),
        "{refused}"
    );
    assert!(lines[2].starts_with("Di,Fossey,di@show.test,mars,B4,"), "{refused}");
    assert_eq!(lines.len(), 3);

    // The same command again sends nothing: the journal knows what is in the tenant.
    let (_, err) = run(import(
        dir.path(),
        &sandbox,
        &file,
        &["--map", "Booth=notes", "--skip-invalid"],
    ));
    assert!(
        err.contains("0 created") && err.contains("3 created by an earlier run"),
        "{err}"
    );
    assert!(by_email(&sandbox, "show.test").values().all(|&n| n == 1));

    // Fixed in the refused-rows file (its error column is left out when read back), they go in.
    std::fs::write(
        &refused_path,
        refused.replace("bo@show,", "bo@show.test,").replace(",mars,", ",apac,"),
    )
    .unwrap();
    let (code, err) = run(import(dir.path(), &sandbox, &refused_path, &["--map", "Booth=notes"]));
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("2 created"), "{err}");
    let all = by_email(&sandbox, "show.test");
    assert_eq!(all.len(), 5);
    assert!(all.values().all(|&n| n == 1), "{all:?}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_names_custom_fields_by_label_and_assignees_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(5).await;
    let bea = sandbox.profile().roster[1].clone();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.t]\nurl = \"{}\"\nkey_env = \"T_KEY\"\nteam = [{{ id = \"{}\", name = \"Beatriz Souza\" }}]\n\n\
             [[profiles.t.custom_fields]]\nkey = \"region\"\nlabel = \"Sales region\"\nkind = \"dropdown\"\nrequired = true\noptions = [\"emea\", \"amer\", \"apac\"]\n",
            sandbox.base_url(),
            bea.id
        ),
    )
    .unwrap();
    let file = dir.path().join("team.jsonl");
    std::fs::write(
        &file,
        "{\"first name\":\"Ana\",\"email\":\"ana@team.test\",\"Sales region\":\"EMEA\",\"owner\":\"bea\"}\n\
         {\"first name\":\"Bo\",\"email\":\"bo@team.test\",\"Sales region\":\"north\"}\n",
    )
    .unwrap();
    // `leadbox --config … --profile t leads ARGS`.
    let leads = |args: &[&str]| {
        let mut cmd = leadbox(dir.path());
        cmd.arg("--config")
            .arg(&config)
            .args(["--profile", "t", "leads"])
            .args(args)
            .env("T_KEY", sandbox.secret_key().expose());
        cmd
    };
    let file_arg = file.to_str().unwrap();
    let (code, err) = run(leads(&["import", file_arg, "--check"]));
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("line 2, Sales region: must be one of: emea, amer, apac"),
        "{err}"
    );
    std::fs::write(&file, std::fs::read_to_string(&file).unwrap().replace("north", "amer")).unwrap();
    let (code, err) = run(leads(&["import", file_arg, "--set", "source=referral"]));
    assert_eq!(code, Some(0), "{err}");
    let client = leadbox::api::NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).unwrap();
    let newest = client.list(&Default::default(), None).await.unwrap().data;
    let ana = newest
        .iter()
        .find(|l| l.email.as_deref() == Some("ana@team.test"))
        .unwrap();
    assert_eq!(ana.custom_fields["region"], "emea");
    assert_eq!(ana.assigned_to.as_deref(), Some(bea.id.as_str()));
    assert_eq!(ana.source.as_ref().map(|s| s.as_str()), Some("referral"));

    // `leads create` through the same profile: a custom field by its label, an assignee by the start of
    // their name, as the import above named her.
    let out = leads(&["create", "--first-name", "Cy", "--source", "mcp"])
        .args(["--custom", "Sales region=APAC", "--assigned-to", "Bea"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let cy: leadbox::api::types::Lead = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cy.custom_fields["region"], "apac");
    assert_eq!(cy.assigned_to.as_deref(), Some(bea.id.as_str()));
    // Without the required field the profile declares, nothing is sent.
    let out = leads(&["create", "--first-name", "Di", "--source", "mcp"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("customFields.region: is required"));
    sandbox.shutdown().await;
}

/// A sandbox answering 15 ms late, so an import of a few hundred rows can be stopped while creates are out.
async fn slow_sandbox() -> Sandbox {
    let faults = novala_sandbox::faults::FaultOptions::none().latency(Duration::from_millis(15));
    Sandbox::start(novala_sandbox::SandboxOptions::default().seed_leads(10).faults(faults))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_killed_halfway_and_run_again_creates_every_row_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = slow_sandbox().await;
    let rows = 300;
    let file = dir.path().join("big.csv");
    std::fs::write(&file, rows_csv(rows, "kill.test")).unwrap();
    let mut child = import(dir.path(), &sandbox, &file, &["--map", "Booth=notes"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let created: usize = by_email(&sandbox, "kill.test").values().sum();
        if created >= rows / 3 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the import made no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it was killed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let halfway: usize = by_email(&sandbox, "kill.test").values().sum();
    assert!(halfway < rows, "killed before the end ({halfway})");

    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--map", "Booth=notes"]));
    assert!(err.contains("created by an earlier run"), "{err}");
    // The rows that were out when the import was killed were looked for first; those the tenant never
    // stored are listed, not sent again unasked.
    let created = by_email(&sandbox, "kill.test");
    assert!(created.values().all(|&n| n == 1), "none twice: {created:?}");
    let missing: Vec<usize> = (0..rows)
        .filter(|i| !created.contains_key(&format!("row{i}@kill.test")))
        .collect();
    for i in &missing {
        assert!(
            err.contains(&format!("line {} (Row{i} Import)", i + 2)),
            "row {i} unaccounted for:\n{err}"
        );
    }
    assert_eq!(code, Some(if missing.is_empty() { 0 } else { 8 }), "{err}");
    let (code, err) = run(import(
        dir.path(),
        &sandbox,
        &file,
        &["--map", "Booth=notes", "--resend-unknown"],
    ));
    assert_eq!(code, Some(0), "{err}");
    let created = by_email(&sandbox, "kill.test");
    assert_eq!(created.len(), rows, "every row is in the tenant");
    let twice: Vec<_> = created.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "no row twice: {twice:?}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn under_20_percent_faults_every_row_is_created_once_or_reported_unknown_never_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (sandbox, _) =
        novala_sandbox::testing::faulty_sandbox(10, novala_sandbox::faults::FaultOptions::none().rate(0.2).seed(7))
            .await;
    let rows = 120;
    let file = dir.path().join("faults.csv");
    std::fs::write(&file, rows_csv(rows, "faults.test")).unwrap();
    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--map", "Booth=-"]));
    let created = by_email(&sandbox, "faults.test");
    assert!(created.values().all(|&n| n == 1), "none twice: {created:?}");
    // A row missing from the tenant is one the summary lists as unknown (a 5xx before the server stored
    // it looks like one after), never one silently dropped.
    for i in 0..rows {
        let email = format!("row{i}@faults.test");
        if !created.contains_key(&email) {
            assert!(
                err.contains(&format!("line {} (Row{i} Import)", i + 2)),
                "row {i} unaccounted for:\n{err}"
            );
        }
    }
    assert!(matches!(code, Some(0) | Some(8)), "{code:?}: {err}");
    // The user says to send the unknown ones again: in the end, every row exactly once.
    let mut last = (code, err);
    for _ in 0..5 {
        if last.0 == Some(0) {
            break;
        }
        last = run(import(
            dir.path(),
            &sandbox,
            &file,
            &["--map", "Booth=-", "--resend-unknown"],
        ));
    }
    assert_eq!(last.0, Some(0), "{}", last.1);
    let created = by_email(&sandbox, "faults.test");
    assert_eq!(created.len(), rows);
    assert!(created.values().all(|&n| n == 1), "none twice: {created:?}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_finishes_what_is_out_reports_and_the_same_command_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = slow_sandbox().await;
    let rows = 300;
    let file = dir.path().join("term.csv");
    std::fs::write(&file, rows_csv(rows, "term.test")).unwrap();
    let child = import(dir.path(), &sandbox, &file, &["--map", "Booth=-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while by_email(&sandbox, "term.test").len() < rows / 4 {
        assert!(std::time::Instant::now() < deadline, "the import made no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert!(err.contains("0 unknown"), "the answers still out were awaited: {err}");
    let halfway = by_email(&sandbox, "term.test").len();
    assert!(halfway < rows, "stopped before the end");

    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--map", "Booth=-"]));
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains(&format!("{halfway} created by an earlier run")), "{err}");
    let created = by_email(&sandbox, "term.test");
    assert_eq!(created.len(), rows);
    assert!(created.values().all(|&n| n == 1));
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_the_tenant_refuses_stops_the_import_at_once_and_the_rows_wait_for_the_right_key() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(3).await;
    let file = dir.path().join("key.csv");
    std::fs::write(&file, rows_csv(30, "key.test")).unwrap();
    let mut cmd = import(dir.path(), &sandbox, &file, &["--map", "Booth=-"]);
    cmd.env("NOVALA_SECRET_KEY", "sk_live_not_this_tenants_key");
    let (code, err) = run(cmd);
    assert_eq!(code, Some(4), "{err}");
    assert!(err.contains("401"), "{err}");
    assert!(
        err.contains("0 created") && err.contains("0 refused"),
        "not the rows' fault: {err}"
    );
    assert!(by_email(&sandbox, "key.test").is_empty());
    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--map", "Booth=-"]));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(by_email(&sandbox, "key.test").len(), 30);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_row_edited_after_it_was_created_is_not_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(3).await;
    let file = dir.path().join("edit.csv");
    std::fs::write(&file, rows_csv(3, "edit.test")).unwrap();
    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--map", "Booth=-"]));
    assert_eq!(code, Some(0), "{err}");
    // The rep fixes a typo in a row already in the tenant, and adds one.
    let edited =
        std::fs::read_to_string(&file).unwrap().replace("Row1,", "Rowan,") + "Row9,Import,row9@edit.test,emea,B9\n";
    std::fs::write(&file, edited).unwrap();
    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--map", "Booth=-"]));
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("line 3 changed since it was created; it is not sent again"),
        "{err}"
    );
    assert!(
        err.contains("1 created") && err.contains("3 created by an earlier run"),
        "{err}"
    );
    let created = by_email(&sandbox, "edit.test");
    assert_eq!(created.len(), 4);
    assert!(created.values().all(|&n| n == 1), "{created:?}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_import_killed_while_a_stored_rows_answer_is_held_finds_it_on_the_next_run_and_sends_it_never() {
    use novala_sandbox::faults::{Creates, FaultOptions, LostAnswer};
    let dir = tempfile::tempdir().unwrap();
    // The 6th create is stored by the tenant, then its answer is held far past the import's patience:
    // killed now, the import has a row out whose lead exists. Every run, not by luck of timing.
    let faults = FaultOptions::none().lose_answers(LostAnswer::HoldThenDrop(Duration::from_secs(120)), Creates::nth(6));
    let sandbox = Sandbox::start(novala_sandbox::SandboxOptions::default().seed_leads(10).faults(faults))
        .await
        .unwrap();
    let rows = 12;
    let file = dir.path().join("held.csv");
    std::fs::write(&file, rows_csv(rows, "held.test")).unwrap();
    let mut child = import(
        dir.path(),
        &sandbox,
        &file,
        &["--map", "Booth=notes", "--parallel", "1"],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while by_email(&sandbox, "held.test").values().sum::<usize>() < 6 {
        assert!(std::time::Instant::now() < deadline, "the 6th row was never stored");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it was killed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Stored, its answer held, one request at a time: nothing more goes until the answer comes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(by_email(&sandbox, "held.test").values().sum::<usize>(), 6);
    child.kill().unwrap();
    child.wait().unwrap();

    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--map", "Booth=notes"]));
    assert_eq!(code, Some(0), "the held row was found, nothing is unknown:\n{err}");
    let created = by_email(&sandbox, "held.test");
    assert_eq!(created.len(), rows, "every row: {created:?}");
    assert!(created.values().all(|&n| n == 1), "none twice: {created:?}");
    sandbox.shutdown().await;
}
