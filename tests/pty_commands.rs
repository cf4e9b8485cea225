//! The rep's own commands through the real binary: a key of `[[commands]]` runs a program with its
//! arguments filled from the lead (each value one argument, nothing of it run), the lead on stdin as
//! `leadbox leads get --format json` prints it, the profile in the environment and no key; a failing
//! command says its exit status and first error line; a terminal command hands the terminal over and the
//! inbox comes back, its keys working; `!` runs a command typed once.

use std::collections::BTreeMap;
use std::path::Path;

use leadbox::api::types::{LeadSource, NewLead};
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::leadbox_command;
use crate::support::pty::*;

/// A script that records its arguments (NUL-separated), its stdin and its environment under `dir/name.*`.
fn recorder(dir: &Path, name: &str) -> String {
    let path = dir.join(format!("{name}.sh"));
    let out = dir.join(name);
    let script = format!(
        "#!/bin/sh\nprintf '%s\\0' \"$@\" > '{o}.argv'\ncat > '{o}.stdin'\nenv > '{o}.env'\necho \"recorded $# arguments\"\n",
        o = out.display()
    );
    std::fs::write(&path, script).expect("script written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("executable");
    }
    path.display().to_string()
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_command_gets_the_lead_as_arguments_stdin_and_environment_and_never_runs_what_it_holds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(20))
        .await
        .expect("sandbox starts");
    let client = leadbox::api::NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).expect("client");
    let touched_x = dir.path().join("x");
    let touched_y = dir.path().join("y");
    let first = format!("Ann \"Q\" O'Neil ; touch {}", touched_x.display());
    let last = format!("$(touch {}) `id`", touched_y.display());
    let mut new = NewLead::new(&first, LeadSource::WebForm);
    new.last_name = Some(last.clone());
    new.email = Some("ann@example.com".into());
    new.company_name = Some("Blue  Harbor & Sons".into());
    new.custom_fields.insert("region".into(), serde_json::json!("emea"));
    let created = client.create(&new).await.expect("created");

    let record = recorder(dir.path(), "record");
    let typed = recorder(dir.path(), "typed");
    let config = dir.path().join("config.toml");
    let terminal_stdin = dir.path().join("terminal.stdin");
    let text = format!(
        r#"default_profile = "acme"
[profiles.acme]
url = "{url}"
key_env = "ACME_KEY"

[[commands]]
name = "record"
key = "c r"
run = [{record}, "{{first_name}}", "{{last_name}}", "{{company}}", "id={{id}}", "{{custom.region}}", "[{{custom.nope}}]", "{{phone}}"]

[[commands]]
name = "fail"
key = "c f"
context = "list"
run = ["sh", "-c", "echo 'no such calendar' >&2; echo second line >&2; exit 3"]

[[profiles.acme.commands]]
name = "pager"
key = "c t"
mode = "terminal"
confirm = true
run = ["sh", "-c", {pager}]
"#,
        url = sandbox.base_url(),
        record = toml_string(&record),
        pager = toml_string(&format!(
            "cat > '{}'; printf 'IN THE TERMINAL, press enter\\n'; read answer < /dev/tty",
            terminal_stdin.display()
        )),
    );
    std::fs::write(&config, text).expect("config written");
    let key = sandbox.secret_key().expose().to_string();
    let checked = leadbox_command(dir.path())
        .env("LEADBOX_CONFIG", &config)
        .args(["config", "check"])
        .output()
        .expect("config check runs");
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));

    let mut cmd = command(dir.path());
    cmd.env("LEADBOX_CONFIG", &config);
    cmd.env("ACME_KEY", &key);
    // A key left in the shell for another tenant must not reach a child either.
    cmd.env("NOVALA_SECRET_KEY", "sk_test_left_in_the_shell");
    let mut session = Session::launch(cmd).await;
    session.wait_for("the new lead on top", |s| s.contains("Ann \"Q\" O'Neil"));

    session.keys(b"cr");
    session.wait_for("the command's end", |s| {
        s.contains("record: done: recorded 7 arguments")
    });
    let argv = std::fs::read(dir.path().join("record.argv")).expect("argv recorded");
    let raw_args: Vec<&[u8]> = argv.split(|b| *b == 0).collect();
    assert_eq!(raw_args.len(), 8, "seven arguments, each NUL-ended: {argv:?}");
    let args: Vec<String> = raw_args[..7]
        .iter()
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    assert_eq!(
        args,
        [
            first.clone(),
            last.clone(),
            "Blue  Harbor & Sons".to_string(),
            format!("id={}", created.id),
            "emea".to_string(),
            "[]".to_string(),
            String::new(),
        ]
    );
    assert!(
        !touched_x.exists() && !touched_y.exists(),
        "nothing the lead holds was run"
    );

    // The lead on stdin is the lead as the tenant gives it, and as `leads get --format json` prints it.
    let stdin = std::fs::read_to_string(dir.path().join("record.stdin")).expect("stdin recorded");
    let got: serde_json::Value = serde_json::from_str(&stdin).expect("stdin is JSON");
    let fetched = client.get(&created.id).await.expect("the lead");
    assert_eq!(got, serde_json::to_value(&fetched).expect("as JSON"));
    let printed = leadbox_command(dir.path())
        .env("LEADBOX_CONFIG", &config)
        .env("ACME_KEY", &key)
        .args(["leads", "get", &created.id, "--format", "json"])
        .output()
        .expect("leads get runs");
    assert_eq!(String::from_utf8_lossy(&printed.stdout), stdin, "byte for byte");

    let env = std::fs::read_to_string(dir.path().join("record.env")).expect("env recorded");
    let vars: BTreeMap<&str, &str> = env.lines().filter_map(|l| l.split_once('=')).collect();
    assert_eq!(vars.get("LEADBOX_LEAD_ID"), Some(&created.id.as_str()));
    assert_eq!(vars.get("LEADBOX_PROFILE"), Some(&"acme"));
    assert_eq!(vars.get("LEADBOX_COMMAND"), Some(&"record"));
    assert!(
        !vars.contains_key("ACME_KEY") && !vars.contains_key("NOVALA_SECRET_KEY"),
        "{env}"
    );
    assert!(
        !env.contains(&key) && !env.contains("sk_test_left_in_the_shell"),
        "no key at all"
    );

    // A failing command: its exit status and the first line of its error output.
    session.keys(b"cf");
    session.wait_for("the failure said", |s| s.contains("✖ fail: exit 3: no such calendar"));

    // `!`: a command typed once, quoted as a shell would, run without one.
    session.keys(b"!");
    session.keys(format!("{typed} 'two words {{email}}' $HOME \";\"").as_bytes());
    session.wait_for("the prompt echoing", |s| s.contains("!") && s.contains("two words"));
    session.keys(b"\r");
    session.wait_for("the typed command's end", |s| {
        s.contains("typed.sh: done: recorded 3 arguments")
    });
    let typed_args = std::fs::read(dir.path().join("typed.argv")).expect("argv recorded");
    assert_eq!(typed_args, b"two words ann@example.com\0$HOME\0;\0");

    // A terminal command asks first, has the terminal, and hands it back with the inbox as it was.
    session.keys(b"ct");
    session.wait_for("the question", |s| {
        s.contains("Run pager? y runs · n does not · on Ann")
    });
    session.keys(b"y");
    session.wait_for("the command on the terminal", |s| {
        s.contains("IN THE TERMINAL, press enter")
    });
    session.keys(b"\r");
    session.wait_for("the inbox back", |s| {
        s.contains("Ann \"Q\" O'Neil") && s.contains("pager: done")
    });
    let handed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&terminal_stdin).expect("stdin")).expect("JSON");
    assert_eq!(handed["id"], serde_json::json!(created.id));
    // Keys still work: help opens and lists the rep's commands, then the inbox quits.
    session.keys(b"?");
    let help = session.wait_for("help", |s| s.contains("Your commands"));
    assert!(
        help.contains("record") && help.contains("fail (list)") && help.contains("pager"),
        "{help}"
    );
    session.keys(b"\x1b");
    // Esc and the next key written together would read as Alt and that key.
    session.wait_for("help closed", |s| !s.contains("Your commands"));
    session.keys(b"q");
    assert!(session.wait_exit().success());

    // The next start on the profile: `!` and Up bring back the command typed in the last session.
    let mut cmd = command(dir.path());
    cmd.env("LEADBOX_CONFIG", &config);
    cmd.env("ACME_KEY", &key);
    let mut session = Session::launch(cmd).await;
    session.wait_for("the list again", |s| s.contains("Ann \"Q\" O'Neil"));
    session.keys(b"!");
    session.wait_for("the prompt", |s| s.lines().last().is_some_and(|l| l.contains('!')));
    session.keys(b"\x1b[A");
    session.wait_for("the command typed last session", |s| s.contains("two words {email}"));
    session.keys(b"\x1b");
    session.wait_for("the prompt closed", |s| !s.contains("two words {email}"));
    session.keys(b"q");
    assert!(session.wait_exit().success());
}
