//! The config file as a new rep first writes it (issue 18): team members by first name in saved views and
//! `--assigned-to`, and `config check`'s places and words. Each runs the real binary.

use std::process::Stdio;

use crate::support::leadbox_command as leadbox;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_first_name_picks_the_member_in_views_and_assigned_to_and_an_ambiguous_one_lists_the_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(300).await;
    let roster = sandbox.profile().roster.clone();
    let (diego, dina) = (roster[1].id.clone(), roster[2].id.clone());
    let config = dir.path().join("config.toml");
    let write = |view_who: &str| {
        std::fs::write(
            &config,
            format!(
                "[profiles.t]\nurl = \"{}\"\nkey_env = \"T_KEY\"\n\
                 team = [{{ id = \"{diego}\", name = \"Diego Fernández\" }}, {{ id = \"{dina}\", name = \"Dina Park\" }}]\n\n\
                 [[profiles.t.views]]\nname = \"diego\"\nassigned_to = \"{view_who}\"\n",
                sandbox.base_url()
            ),
        )
        .unwrap();
    };
    let run = |args: &[&str]| {
        leadbox(dir.path())
            .arg("--config")
            .arg(&config)
            .args(["--profile", "t"])
            .args(args)
            .env("T_KEY", sandbox.secret_key().expose())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let assignees = |out: &std::process::Output| -> Vec<String> {
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
            .lines()
            .map(|l| {
                let lead: serde_json::Value = serde_json::from_str(l).unwrap();
                lead["assignedTo"].as_str().unwrap_or_default().to_string()
            })
            .collect()
    };

    write("Diego");
    let check = run(&["config", "check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    for args in [
        &["leads", "list", "--format", "jsonl", "--limit", "100"][..],
        &[
            "--view", "diego", "leads", "list", "--format", "jsonl", "--limit", "100",
        ][..],
    ] {
        let mut args = args.to_vec();
        if args[0] == "leads" {
            args.extend(["--assigned-to", "Diego"]);
        }
        let who = assignees(&run(&args));
        assert!(!who.is_empty(), "{args:?}");
        assert!(who.iter().all(|w| *w == diego), "{args:?}: {who:?}");
    }

    let out = run(&["leads", "list", "--assigned-to", "Di"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--assigned-to") && err.contains("Diego Fernández") && err.contains("Dina Park"),
        "{err}"
    );

    // A view naming two members is a problem of the file, with its place and the candidates.
    write("Di");
    let check = run(&["config", "check"]);
    let err = text(&check.stderr);
    assert_eq!(check.status.code(), Some(2), "{err}");
    assert!(
        err.contains(":1:11: profiles.t.views.diego.assigned_to: `Di` could be"),
        "{err}"
    );
    assert!(err.contains("\"Diego Fernández\", \"Dina Park\""), "{err}");
    let out = run(&["--view", "diego", "leads", "list"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("--assigned-to"), "a flag the rep never typed: {err}");
    assert!(err.contains("views.diego.assigned_to"), "{err}");
    sandbox.shutdown().await;
}

#[test]
fn config_check_puts_a_key_clash_on_its_line_and_a_syntax_error_adds_nothing_spurious() {
    let dir = tempfile::tempdir().unwrap();
    let check = |name: &str, body: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        let out = leadbox(dir.path())
            .arg("--config")
            .arg(&path)
            .args(["config", "check"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        (err.replace(&format!("{}:", path.display()), "FILE:"), out.stdout)
    };
    let (err, _) = check("clash.toml", "[keys]\nquit = \"q\"\nnew_lead = \"q\"\n");
    assert!(
        err.contains("FILE:3:1: keys.new_lead: `q` would both quit and new lead"),
        "the binding that made the clash, by its action: {err}"
    );
    assert!(err.contains("bind one of them to another key"), "{err}");
    let (err, _) = check(
        "syntax.toml",
        "default_profile = \"acme\"\n[profiles.acme\nurl = \"https://acme.novala.ai\"\n",
    );
    assert!(err.contains("FILE:2:15: (syntax)"), "{err}");
    assert!(err.contains("has 1 problem:"), "the syntax error alone: {err}");
    assert!(!err.contains("no profile"), "{err}");
}

#[test]
fn an_explicit_config_path_that_does_not_exist_is_an_error_not_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.toml");
    for args in [&["leads", "list", "--limit", "1"][..], &["config", "check"], &[]] {
        let out = leadbox(dir.path())
            .arg("--config")
            .arg(&missing)
            .args(args)
            .output()
            .unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: no lead of the sandbox");
        assert!(
            err.contains("there is no config file at") && err.contains("missing.toml"),
            "{err}"
        );
    }
    // Writing it there is what `config init` is for.
    let out = leadbox(dir.path())
        .arg("--config")
        .arg(&missing)
        .args(["config", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(missing.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_inbox_opens_a_saved_view_that_names_a_member_by_first_name() {
    use crate::support::pty::{Session, command};
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(200).await;
    let roster = sandbox.profile().roster.clone();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.t]\nurl = \"{}\"\nkey_env = \"T_KEY\"\n\
             team = [{{ id = \"{}\", name = \"Diego Fernández\" }}]\n\n\
             [[profiles.t.views]]\nname = \"diegos\"\nassigned_to = \"Diego\"\n",
            sandbox.base_url(),
            roster[1].id
        ),
    )
    .unwrap();
    let mut cmd = command(dir.path());
    cmd.arg("--config");
    cmd.arg(&config);
    cmd.args(["--profile", "t", "--view", "diegos"]);
    cmd.env("T_KEY", sandbox.secret_key().expose());
    let mut session = Session::launch(cmd).await;
    let screen = session.wait_for("the saved view", |s| s.contains(" diegos ") && s.contains("Diego"));
    assert!(!screen.contains("no view"), "{screen}");
    session.keys(b"q");
    assert!(session.wait_exit().success());
    sandbox.shutdown().await;
}
