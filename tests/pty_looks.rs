//! What the real binary writes to a terminal, byte by byte: CSV from a hostile server sanitised on a
//! terminal but kept whole in a pipe, an inbox without colour under `NO_COLOR=1`, and the config file's
//! `poll_seconds` bringing a new lead in within its period.

use std::time::{Duration, Instant};

use leadbox::api::types::{LeadSource, NewLead};
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;

/// A first name no terminal should act on: a title-setting OSC, a colour, a bidi override.
const HOSTILE: &str = "Eve\u{1b}]0;pwned\u{7}\u{1b}[31mRed\u{202e}evil";

async fn sandbox_with(first_name: &str) -> Sandbox {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(0))
        .await
        .expect("sandbox starts");
    let mut lead = NewLead::new(first_name, LeadSource::WebForm);
    lead.custom_fields.insert("region".into(), serde_json::json!("emea"));
    sandbox
        .insert_lead_at(sandbox.demo_tenant_id(), lead, chrono::Utc::now())
        .await
        .expect("the lead is stored");
    sandbox
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_is_sanitised_on_a_terminal_and_kept_byte_for_byte_in_a_pipe() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = sandbox_with(HOSTILE).await;
    let args = ["--api-url", &sandbox.base_url(), "leads", "list", "--format", "csv"];

    let mut cmd = command(dir.path());
    cmd.args(args);
    cmd.env("NOVALA_SECRET_KEY", sandbox.secret_key().expose());
    let mut session = tokio::task::spawn_blocking(move || Session::start(cmd))
        .await
        .expect("leadbox starts");
    assert!(session.wait_exit().success());
    let written = session.bytes.lock().expect("bytes").clone();
    let text = String::from_utf8_lossy(&written);
    assert!(text.contains("Eve"), "the lead was printed: {text:?}");
    assert!(
        !written.contains(&0x1b),
        "an escape byte reached the terminal: {text:?}"
    );
    assert!(!written.contains(&0x07), "a bell reached the terminal: {text:?}");
    assert!(
        !text.contains('\u{202e}'),
        "a bidi override reached the terminal: {text:?}"
    );

    let out = crate::support::leadbox_command(dir.path())
        .args(args)
        .env("NOVALA_SECRET_KEY", sandbox.secret_key().expose())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("leadbox runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header = reader.headers().expect("a header").clone();
    let col = header
        .iter()
        .position(|h| h == "firstName")
        .expect("a firstName column");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0][col].as_bytes(),
        HOSTILE.as_bytes(),
        "a pipe gets the value as the server sent it"
    );
    sandbox.shutdown().await;
}

/// The SGR parameters that set a colour (30–37, 38, 40–47, 48, 90–97, 100–107) in `bytes`; 39 and 49
/// (back to the terminal's own colours) set none.
fn colour_codes(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == 0x1b && bytes[i + 1] == b'[' {
            let start = i + 2;
            let mut end = start;
            while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b';' || bytes[end] == b':') {
                end += 1;
            }
            if end < bytes.len() && bytes[end] == b'm' {
                let params = String::from_utf8_lossy(&bytes[start..end]).into_owned();
                let colour = params
                    .split([';', ':'])
                    .filter_map(|p| p.parse::<u32>().ok())
                    .any(|p| matches!(p, 30..=38 | 40..=48 | 90..=97 | 100..=107));
                if colour {
                    found.push(params);
                }
            }
            i = end;
        } else {
            i += 1;
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn no_color_draws_no_colour_and_keeps_selection_and_focus_visible() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(30))
        .await
        .expect("sandbox starts");
    let mut cmd = stranger(dir.path(), &sandbox);
    cmd.env("NO_COLOR", "1");
    let mut session = Session::launch(cmd).await;
    session.wait_for("the tenant's leads", leads_loaded);
    // Focus the status pane: its focus must show without colour too.
    session.keys(b"s?");
    session.wait_for("the pane's help", |s| s.contains("Status and assignee panes"));
    session.keys(b"\x1b");
    session.wait_for("the help closed", |s| !s.contains(" Keys "));
    {
        let parser = session.parser.lock().expect("parser lock");
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        let cells: Vec<vt100::Cell> = (0..rows.get())
            .flat_map(|r| (0..cols.get()).filter_map(move |c| screen.cell(r, c).cloned()))
            .collect();
        assert!(
            cells.iter().any(vt100::Cell::inverse),
            "the selection is shown in reverse video"
        );
        assert!(
            cells.iter().any(|c| c.bold() || c.underline()),
            "focus and headings are shown in bold or underline"
        );
        assert!(
            cells
                .iter()
                .all(|c| c.fgcolor() == vt100::Color::Default && c.bgcolor() == vt100::Color::Default),
            "a cell on screen has a colour"
        );
    }
    session.keys(b"q");
    assert!(session.wait_exit().success());
    let written = session.bytes.lock().expect("bytes").clone();
    assert!(written.len() > 1_000, "a real session: {} bytes", written.len());
    let colours = colour_codes(&written);
    assert!(colours.is_empty(), "colour codes written under NO_COLOR: {colours:?}");
    // The check itself finds colour where there is some.
    assert_eq!(colour_codes(b"\x1b[1;38;5;4mx\x1b[39m\x1b[42m"), ["1;38;5;4", "42"]);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn poll_seconds_from_the_config_file_brings_a_new_lead_within_its_period() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = sandbox_with("Firstcomer").await;
    let config = format!(
        "default_profile = \"local\"\npoll_seconds = 10\n[profiles.local]\nurl = \"{}\"\nkey_env = \"LOCAL_NOVALA_KEY\"\n",
        sandbox.base_url()
    );
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, config).expect("config written");
    let mut cmd = command(dir.path());
    cmd.env("LEADBOX_CONFIG", &config_path);
    cmd.env("LOCAL_NOVALA_KEY", sandbox.secret_key().expose());
    let mut session = Session::launch(cmd).await;
    session.wait_for("the first lead", |s| s.contains("Firstcomer"));

    // Behind the inbox's back: only a poll can bring it.
    let mut lead = NewLead::new("Latecomer", LeadSource::WebForm);
    lead.custom_fields.insert("region".into(), serde_json::json!("emea"));
    sandbox
        .insert_lead_at(sandbox.demo_tenant_id(), lead, chrono::Utc::now())
        .await
        .expect("the lead is stored");
    let added = Instant::now();
    // The harness waits 30 s at most, half the default period of 60 s.
    session.wait_for("the new lead, brought by a poll", |s| s.contains("Latecomer"));
    let took = added.elapsed();
    assert!(
        took <= Duration::from_secs(12),
        "the lead took {took:?} to appear with poll_seconds = 10"
    );
    session.keys(b"q");
    assert!(session.wait_exit().success());
    sandbox.shutdown().await;
}
