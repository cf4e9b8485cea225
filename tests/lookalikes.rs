//! Look-alikes over the whole tenant: `leads create` and `leads import` through the real binary, on a
//! profile with a mirror (against a sandbox on 127.0.0.1, and the embedded sandbox) and on one without.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use leadbox::api::types::Lead;
use leadbox::model::likeness::{Keys, phone_tail};
use novala_sandbox::{ListFilter, Sandbox, SandboxOptions, store};

use crate::support::leadbox_command as leadbox;

/// Leads of the sandbox this file seeds: many more than the newest page the check reads without a mirror.
const LEADS: usize = 3_000;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every lead of the demo tenant, newest first, straight from the sandbox's database.
async fn tenant_leads(sandbox: &Sandbox) -> Vec<Lead> {
    let tenant = sandbox.demo_tenant_id();
    sandbox
        .store()
        .run(move |c| store::list_leads(c, tenant, &ListFilter::default(), None, 10_000_000))
        .await
        .unwrap()
}

/// An old lead (past the first `depth` leads, newest first) whose `key` no newer lead shares: the lead a
/// look-alike check must name, found only by one that reads every lead.
fn old_unique(leads: &[Lead], depth: usize, key: impl Fn(&Lead) -> Option<String>) -> &Lead {
    let mut first: HashMap<String, usize> = HashMap::new();
    for (i, lead) in leads.iter().enumerate() {
        if let Some(k) = key(lead) {
            first.entry(k).or_insert(i);
        }
    }
    leads
        .iter()
        .enumerate()
        .skip(depth)
        .find(|(i, l)| key(l).is_some_and(|k| first.get(&k) == Some(i)))
        .map(|(_, l)| l)
        .expect("an old lead whose key no newer lead has")
}

/// A config with two profiles on `sandbox`: `m` keeps a mirror, `plain` does not.
fn config(dir: &Path, sandbox: &Sandbox) -> PathBuf {
    let path = dir.join("config.toml");
    let url = sandbox.base_url();
    std::fs::write(
        &path,
        format!(
            "[profiles.m]\nurl = \"{url}\"\nkey_env = \"T_KEY\"\nmirror = true\nsync_rate = 1000\n\n\
             [profiles.plain]\nurl = \"{url}\"\nkey_env = \"T_KEY\"\n"
        ),
    )
    .unwrap();
    path
}

fn on(dir: &Path, sandbox: &Sandbox, profile: &str, args: &[&str]) -> Command {
    let mut cmd = leadbox(dir);
    cmd.arg("--config")
        .arg(dir.join("config.toml"))
        .args(["--profile", profile])
        .args(args)
        .env("T_KEY", sandbox.secret_key().expose());
    cmd
}

fn output(mut cmd: Command) -> Output {
    cmd.output().unwrap()
}

fn create_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "leads",
        "create",
        "--first-name",
        "Someone",
        "--source",
        "referral",
        "--custom",
        "region=emea",
    ];
    args.extend_from_slice(extra);
    args
}

/// A CSV cell holding `s` as it is, commas and quotes included.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `+1 555 123 4567` as it is dialled at home: `(555) 123-4567`.
fn national(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let national = digits.strip_prefix('1').expect("the sandbox's numbers are +1");
    format!("({}) {}-{}", &national[..3], &national[3..6], &national[6..])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_look_alike_is_found_by_email_or_by_a_phone_written_otherwise_only_with_a_mirror() {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(LEADS))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), &sandbox);
    let leads = tenant_leads(&sandbox).await;
    let by_email = old_unique(&leads, 2_000, |l| Keys::of_lead(l).email).clone();
    let by_phone = old_unique(&leads, 2_000, |l| {
        Keys::of_lead(l).phone.map(|p| phone_tail(&p).to_string())
    })
    .clone();
    let email = by_email.email.clone().unwrap().to_uppercase();
    let phone = national(by_phone.phone.as_deref().unwrap());

    let out = output(on(dir.path(), &sandbox, "m", &["sync"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let before = sandbox.lead_count().await.unwrap();

    let out = output(on(dir.path(), &sandbox, "m", &create_args(&["--email", &email])));
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(10), "{err}");
    assert!(err.contains(&by_email.id) && err.contains("the same email"), "{err}");
    assert!(err.contains("--allow-duplicate sends it anyway"), "{err}");
    assert!(out.stdout.is_empty());

    let out = output(on(dir.path(), &sandbox, "m", &create_args(&["--phone", &phone])));
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(10), "{phone} vs {:?}: {err}", by_phone.phone);
    assert!(err.contains(&by_phone.id) && err.contains("the same phone"), "{err}");
    assert_eq!(sandbox.lead_count().await.unwrap(), before, "nothing was sent");

    // Without a mirror the check reads the newest page only: the old lead is not claimed.
    let out = output(on(dir.path(), &sandbox, "plain", &create_args(&["--email", &email])));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(sandbox.lead_count().await.unwrap(), before + 1);
    // With the mirror and --allow-duplicate, it is sent.
    let out = output(on(
        dir.path(),
        &sandbox,
        "m",
        &create_args(&["--phone", &phone, "--allow-duplicate"]),
    ));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(sandbox.lead_count().await.unwrap(), before + 2);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_names_every_row_like_a_mirrored_lead_and_sends_none_of_them_unless_allowed() {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(LEADS))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    config(dir.path(), &sandbox);
    let leads = tenant_leads(&sandbox).await;
    let by_email = old_unique(&leads, 2_000, |l| Keys::of_lead(l).email).clone();
    let by_phone = old_unique(&leads, 2_000, |l| {
        Keys::of_lead(l).phone.map(|p| phone_tail(&p).to_string())
    })
    .clone();
    let by_name = old_unique(&leads, 2_000, |l| Keys::of_lead(l).name_company).clone();
    let file = dir.path().join("show.csv");
    std::fs::write(
        &file,
        format!(
            "first name,last name,company,email,phone,customFields.region,source\n\
             New,Person,,new.person@fresh.example,,emea,referral\n\
             Other,One,,{},,emea,referral\n\
             Third,One,,,{},emea,referral\n\
             {},{},{},,,emea,referral\n",
            quoted(by_email.email.as_deref().unwrap()),
            quoted(&national(by_phone.phone.as_deref().unwrap())),
            quoted(by_name.first_name.as_deref().unwrap()),
            quoted(by_name.last_name.as_deref().unwrap()),
            quoted(&by_name.company_name.as_deref().unwrap().to_uppercase()),
        ),
    )
    .unwrap();
    let import = |extra: &[&str]| {
        let mut cmd = on(dir.path(), &sandbox, "m", &["leads", "import"]);
        cmd.arg(&file).args(extra);
        output(cmd)
    };
    let out = output(on(dir.path(), &sandbox, "m", &["sync"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let before = sandbox.lead_count().await.unwrap();

    let out = import(&[]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(10), "{err}");
    for (line, twin, how) in [
        (3, &by_email, "the same email"),
        (4, &by_phone, "the same phone"),
        (5, &by_name, "the same name and company"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(&format!("line {line}: not sent:")) && l.contains(&twin.id) && l.contains(how)),
            "line {line}: {err}"
        );
    }
    assert!(!err.contains("line 2:"), "{err}");
    assert!(
        err.contains("3 rows look like leads the tenant has; nothing was sent"),
        "{err}"
    );
    assert_eq!(sandbox.lead_count().await.unwrap(), before, "nothing was sent");

    // --skip-invalid sends the row that looks like no one, and keeps the others to look at.
    let out = import(&["--skip-invalid"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(sandbox.lead_count().await.unwrap(), before + 1);
    let refused = std::fs::read_to_string(dir.path().join("show.refused.csv")).unwrap();
    assert_eq!(refused.lines().count(), 4, "{refused}");
    assert!(
        refused.contains("looks like") && refused.contains(&by_phone.id),
        "{refused}"
    );

    // Once mirrored, the row this import created is its journal's, not a look-alike of itself.
    let out = output(on(dir.path(), &sandbox, "m", &["sync"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = import(&["--allow-duplicate"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("3 created") && err.contains("1 created by an earlier run"),
        "{err}"
    );
    assert!(!err.contains("not sent:"), "{err}");
    assert_eq!(sandbox.lead_count().await.unwrap(), before + 4);
    sandbox.shutdown().await;
}

#[test]
fn the_embedded_sandbox_syncs_its_mirror_and_checks_every_demo_lead() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        output({
            let mut cmd = leadbox(dir.path());
            cmd.args(args);
            cmd
        })
    };
    let out = run(&["sync"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("5000 leads in the mirror"),
        "{}",
        text(&out.stdout)
    );
    let out = run(&["leads", "list", "--offline", "--all", "--format", "jsonl"]);
    let leads: Vec<Lead> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let old = old_unique(&leads, 4_000, |l| Keys::of_lead(l).email);
    let out = run(&create_args(&["--email", old.email.as_deref().unwrap()]));
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(10), "{err}");
    assert!(err.contains(&old.id) && err.contains("the same email"), "{err}");
}
