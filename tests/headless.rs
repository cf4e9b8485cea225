//! The binary without a terminal (under cron, in a pipe) and the commands that only print.

use std::process::{Command, Stdio};

fn leadbox(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadbox"));
    cmd.env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("NOVALA_SECRET_KEY")
        .env_remove("NOVALA_API_URL")
        .env_remove("LEADBOX_PROFILE")
        .env_remove("LEADBOX_CONFIG");
    cmd
}

#[test]
fn without_a_terminal_the_inbox_says_so_in_one_plain_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = leadbox(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        "leadbox: the inbox needs a terminal (stdin and stdout); for scripts, see `leadbox --help`\n"
    );
    assert!(!err.contains('\x1b'), "no colour codes into a pipe");
}

#[test]
fn completions_and_the_manual_page_go_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, mark) in [
        ("bash", "complete -F _leadbox"),
        ("zsh", "#compdef leadbox"),
        ("fish", "complete -c leadbox"),
        ("elvish", "leadbox"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = leadbox(dir.path()).args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(mark), "{shell}: {text}");
        assert!(
            text.contains("sandbox") && text.contains("config"),
            "{shell} completes the subcommands"
        );
    }
    let out = leadbox(dir.path()).arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with(".ie") || page.contains(".TH leadbox"), "{page}");
    assert!(page.contains("terminal inbox"), "{page}");
    let out = leadbox(dir.path()).args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "an unknown shell is a usage error");
}

#[test]
fn an_error_report_into_a_pipe_carries_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the sandbox's database file should be: it cannot start.
    let out = leadbox(dir.path())
        .args(["sandbox", "--port", "0", "--db"])
        .arg(dir.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("Error:"), "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
}
