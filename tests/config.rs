//! The config file, the environment and the flags: how they layer, and every refusal with the words a user
//! sees. Nothing here sends a request: the insecure-http rule is checked as a function of the URL.

use std::path::{Path, PathBuf};
use std::time::Duration;

use leadbox::commands::config as commands;
use leadbox::config::secret::{self, SecretError};
use leadbox::config::{self, ConfigError, Flags, KeySource, Target};

fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
}

fn no_env(_: &str) -> Option<String> {
    None
}

const GOOD: &str = r#"
default_profile = "acme"

[profiles.acme]
url = "https://acme.novala.ai"
key_env = "ACME_KEY"
me = "b1ea6bd8-6503-42dc-a553-583617e08e42"
team = [
  { id = "b1ea6bd8-6503-42dc-a553-583617e08e42", name = "Maya Johnson" },
  { id = "131b08b0-71b2-435e-a3e5-a10be2bf1dda", name = "Diego Fernández" },
]

[[profiles.acme.custom_fields]]
key = "region"
label = "Region"
kind = "dropdown"
required = true
options = ["emea", "amer"]

[profiles.beta]
url = "https://beta.novala.ai/api/v1"
keyring = true

[keys]
create = "ctrl-s"
top = ["g g", "home"]

[theme]
preset = "light"
"#;

fn parsed(text: &str) -> config::ConfigFile {
    let (file, problems) = leadbox::commands::checked::check_text(Path::new("config.toml"), text);
    assert!(problems.is_empty(), "{problems:?}");
    file
}

fn problems(text: &str) -> Vec<String> {
    let path = Path::new("/home/rep/.config/leadbox/config.toml");
    let (_, problems) = leadbox::commands::checked::check_text(path, text);
    problems.iter().map(|p| p.render(path)).collect()
}

fn flags(profile: Option<&str>, api_url: Option<&str>) -> Flags {
    Flags {
        config: None,
        profile: profile.map(str::to_string),
        api_url: api_url.map(str::to_string),
    }
}

#[test]
fn layers_defaults_then_file_then_environment_then_flags() {
    // Nothing configured: the built-in sandbox.
    let empty = config::ConfigFile::default();
    let p = config::resolve(&empty, &no_env, &Flags::default()).unwrap();
    assert_eq!((p.name.as_str(), &p.target), ("sandbox", &Target::Sandbox));

    let file = parsed(GOOD);
    // The file's default profile, with its team and custom fields.
    let p = config::resolve(&file, &no_env, &Flags::default()).unwrap();
    assert_eq!(p.name, "acme");
    assert_eq!(p.me.as_deref(), Some("b1ea6bd8-6503-42dc-a553-583617e08e42"));
    assert_eq!(p.tenant.roster[1].name, "Diego Fernández");
    assert_eq!(p.tenant.custom_fields[0].options, ["emea", "amer"]);
    assert!(matches!(&p.target, Target::Tenant { url, key: KeySource::Env(var), .. }
        if url == "https://acme.novala.ai" && var == "ACME_KEY"));

    // The environment overrides the file; a flag overrides the environment.
    let env = env_of(&[("LEADBOX_PROFILE", "beta")]);
    assert_eq!(config::resolve(&file, &env, &Flags::default()).unwrap().name, "beta");
    let p = config::resolve(&file, &env, &flags(Some("sandbox"), None)).unwrap();
    assert_eq!(p.target, Target::Sandbox);

    // A URL without a profile is an unnamed profile keyed by NOVALA_SECRET_KEY, knowing nothing else.
    let p = config::resolve(&file, &no_env, &flags(None, Some("http://127.0.0.1:7878"))).unwrap();
    assert!(!p.named);
    assert_eq!(p.name, "127.0.0.1:7878");
    assert!(p.tenant.roster.is_empty() && p.me.is_none());
    assert!(matches!(&p.target, Target::Tenant { key: KeySource::Env(var), .. } if var == "NOVALA_SECRET_KEY"));
    let env = env_of(&[("NOVALA_API_URL", "https://other.novala.ai")]);
    let p = config::resolve(&file, &env, &Flags::default()).unwrap();
    assert_eq!(p.name, "other.novala.ai");

    // With a profile, only the flag's URL replaces the profile's (the profile's key source stays); a
    // NOVALA_API_URL left in the shell does not carry the profile's key elsewhere.
    let env = env_of(&[("NOVALA_API_URL", "https://elsewhere.example.com")]);
    let p = config::resolve(&file, &env, &flags(Some("beta"), None)).unwrap();
    assert!(matches!(&p.target, Target::Tenant { url, .. } if url == "https://beta.novala.ai/api/v1"));
    let p = config::resolve(&file, &no_env, &flags(Some("beta"), Some("https://staging.novala.ai"))).unwrap();
    assert!(
        matches!(&p.target, Target::Tenant { url, key: KeySource::Keyring, .. } if url == "https://staging.novala.ai")
    );

    // The keys and the theme come from the file.
    let keymap = leadbox::keymap::Keymap::from_config(&file).unwrap();
    assert_eq!(
        keymap
            .hint_key(leadbox::keymap::Context::Move, leadbox::keymap::Action::Top)
            .as_deref(),
        Some("g g")
    );
    assert_ne!(
        leadbox::theme::Theme::from_file(&file, false).unwrap(),
        leadbox::theme::Theme::default()
    );
}

#[test]
fn bad_toml_is_reported_with_its_line_and_column() {
    let found = problems("[profiles.acme]\nurl = \"https://acme.novala.ai\"\nkey_env = ACME_KEY\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("/home/rep/.config/leadbox/config.toml:3:11: (syntax): "),
        "{found:?}"
    );
}

#[test]
fn an_unknown_key_is_an_error_with_a_suggestion() {
    let found = problems("[profiles.acme]\nurll = \"https://acme.novala.ai\"\nkey_env = \"K\"\n");
    assert!(
        found.contains(
            &"/home/rep/.config/leadbox/config.toml:2:1: profiles.acme.urll: unknown key; did you mean `url`?"
                .to_string()
        ),
        "{found:?}"
    );
    let found = problems("default_profil = \"acme\"\n");
    assert!(found[0].contains("did you mean `default_profile`?"), "{found:?}");
}

#[test]
fn every_problem_is_reported_together() {
    let text = r#"
default_profile = "acmee"

[profiles.acme]
url = "ftp://acme.novala.ai"
key_env = "A"
key_command = "pass show x"
me = "not-a-uuid"

[[profiles.acme.custom_fields]]
key = "Region"
kind = "dropdwn"

[profiles.sandbox]
url = "https://x.novala.ai"

[keys]
quitt = "x"
reload = "ctrl-nope"

[theme]
eror = "red"
"#;
    let found = problems(text);
    let all = found.join("\n");
    for expected in [
        ":2:19: default_profile: no profile `acmee`; did you mean `acme`?",
        ":5:7: profiles.acme.url: must start with https://",
        "profiles.acme: says where its key comes from more than once (key_command, key_env)",
        ":8:6: profiles.acme.me: must be your user id",
        ":11:7: profiles.acme.custom_fields[0].key: must be lowercase letters",
        "`dropdwn` is not a kind; did you mean `dropdown`?",
        "profiles.sandbox: the sandbox profile is built in",
        "keys.quitt: `quitt` is not an action; did you mean `quit`?",
        "keys.reload: `ctrl-nope` is not a key",
        "theme.eror: `eror` is not a role; did you mean `error`?",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
    }
    assert_eq!(found.len(), 10, "{all}");
}

#[cfg(unix)]
#[test]
fn a_key_in_a_file_others_can_read_is_refused_with_the_chmod_that_fixes_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[profiles.acme]\nurl = \"https://acme.novala.ai\"\nkey = \"sk_live_filekey\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = leadbox::commands::checked::load_file(&path).unwrap_err().to_string();
    assert!(err.contains(&format!("chmod 600 {}", path.display())), "{err}");
    assert!(!err.contains("sk_live_filekey"), "the key itself is never shown: {err}");

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let file = leadbox::commands::checked::load_file(&path).unwrap();
    let p = config::resolve(&file, &no_env, &flags(Some("acme"), None)).unwrap();
    assert!(!format!("{p:?}").contains("sk_live_filekey"), "Debug redacts the key");
    let Target::Tenant { key, .. } = &p.target else {
        unreachable!()
    };
    let key = secret::read_key("acme", key, &no_env, &|| Err(secret::KeyringError::NoneHere)).unwrap();
    assert_eq!(key.expose(), "sk_live_filekey");
    assert!(!format!("{key:?}").contains("sk_live_filekey"));
}

#[test]
fn plain_http_to_another_machine_is_refused_unless_the_profile_allows_it() {
    use novala_leads::transport::insecure_http_refusal;
    assert!(insecure_http_refusal("http://acme.example.com", false).is_some());
    assert!(insecure_http_refusal("http://acme.example.com", true).is_none());
    assert!(insecure_http_refusal("http://127.0.0.1:7878", false).is_none());
    // The client refuses to be built for it: nothing is sent, since building a client sends nothing.
    let err = novala_leads::NovalaClient::new("http://acme.example.com", novala_leads::ApiKey::new("sk_x", "test"))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("refusing to send the key") && err.contains("plain http"),
        "{err}"
    );
    // And `config check` says so for a profile.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[profiles.lan]\nurl = \"http://crm.example.com\"\nkey_env = \"K\"\n",
    )
    .unwrap();
    let out = commands::check(&path, &no_env, &flags(Some("lan"), None));
    assert_eq!(out.code, leadbox::commands::exit::USAGE);
    assert!(out.stderr.contains("plain http"), "{out:?}");
    std::fs::write(
        &path,
        "[profiles.lan]\nurl = \"http://crm.example.com\"\nkey_env = \"K\"\nallow_insecure_http = true\n",
    )
    .unwrap();
    assert_eq!(commands::check(&path, &no_env, &flags(Some("lan"), None)).code, 0);

    // What the profile allows is for its own URL: an --api-url put in its place gets plain http only to
    // this machine, and a NOVALA_API_URL in the environment does not replace a profile's URL at all.
    let file = leadbox::commands::checked::load_file(&path).unwrap();
    let p = config::resolve(
        &file,
        &no_env,
        &flags(Some("lan"), Some("http://elsewhere.example.com")),
    )
    .unwrap();
    let Target::Tenant {
        url,
        allow_insecure_http,
        ..
    } = &p.target
    else {
        panic!("{p:?}")
    };
    assert_eq!(
        (url.as_str(), *allow_insecure_http),
        ("http://elsewhere.example.com", false)
    );
    assert!(insecure_http_refusal(url, *allow_insecure_http).is_some());
    let env = env_of(&[("NOVALA_API_URL", "http://elsewhere.example.com")]);
    let p = config::resolve(&file, &env, &flags(Some("lan"), None)).unwrap();
    assert!(
        matches!(&p.target, Target::Tenant { url, allow_insecure_http: true, .. } if url == "http://crm.example.com")
    );
    let out = commands::check(
        &path,
        &no_env,
        &flags(Some("lan"), Some("http://elsewhere.example.com")),
    );
    assert_eq!(out.code, leadbox::commands::exit::USAGE);
    assert!(out.stderr.contains("elsewhere.example.com is plain http"), "{out:?}");
    // Its own URL, given again, keeps what the profile allows.
    let p = config::resolve(&file, &no_env, &flags(Some("lan"), Some("http://crm.example.com"))).unwrap();
    assert!(matches!(
        p.target,
        Target::Tenant {
            allow_insecure_http: true,
            ..
        }
    ));
}

#[test]
fn a_key_pasted_where_its_source_belongs_is_refused_without_repeating_it() {
    let text = "[profiles.acme]\nurl = \"https://acme.novala.ai\"\nkey_env = \"sk_live_PASTED-1\"\n\n\
                [profiles.beta]\nurl = \"https://beta.novala.ai\"\nkey_command = \"sk_live_PASTED2\"\n";
    let found = problems(text);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].ends_with("config.toml:3:11: profiles.acme.key_env: must be the name of an environment variable (letters, digits, underscores), e.g. key_env = \"ACME_NOVALA_KEY\""),
        "{found:#?}"
    );
    assert!(
        found[1].contains("profiles.beta.key_command: looks like a key"),
        "{found:#?}"
    );
    assert!(!found.concat().contains("PASTED"), "{found:#?}");
    // Variable names as shells write them are fine.
    parsed("[profiles.a]\nurl = \"https://a.novala.ai\"\nkey_env = \"_ACME_key2\"\n");
}

#[test]
fn a_missing_profile_lists_the_ones_there_are() {
    let file = parsed(GOOD);
    let err = config::resolve(&file, &no_env, &flags(Some("acmee"), None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("no profile `acmee`; did you mean `acme`?"), "{err}");
    assert!(err.contains("The profiles are: sandbox, acme, beta"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_failing_key_command_shows_its_status_and_stderr_never_its_stdout() {
    let err = secret::run_key_command(
        "acme",
        "sh -c 'echo sk_live_LEAKED; echo \"vault is locked\" >&2; exit 3'",
        Duration::from_secs(10),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("key_command `sh` failed (exit status: 3)"), "{text}");
    assert!(text.contains("vault is locked"), "{text}");
    assert!(
        !text.contains("sk_live_LEAKED") && !format!("{err:?}").contains("sk_live_LEAKED"),
        "{text}"
    );

    // A command that hangs is stopped.
    let err = secret::run_key_command("acme", "sleep 5", Duration::from_millis(200)).unwrap_err();
    assert!(err.to_string().contains("no answer within"), "{err}");
    // One that is not there says so.
    let err = secret::run_key_command("acme", "no-such-password-manager get x", Duration::from_secs(5)).unwrap_err();
    assert!(matches!(err, SecretError::CommandStart { .. }), "{err}");
    // Escape sequences in its stderr do not reach the terminal.
    let err = secret::run_key_command(
        "acme",
        "sh -c 'printf \"\\033]0;owned\\007bad\" >&2; exit 1'",
        Duration::from_secs(5),
    )
    .unwrap_err()
    .to_string();
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
}

#[cfg(unix)]
#[test]
fn a_key_command_that_leaves_something_running_is_not_waited_for() {
    // What it started in the background keeps the pipes open for 20 s; leadbox stops reading them soon
    // after the command itself has finished.
    let started = std::time::Instant::now();
    let err = secret::run_key_command(
        "acme",
        "sh -c 'sleep 20 & echo \"agent locked\" >&2; exit 1'",
        Duration::from_secs(10),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("exit status: 1") && err.contains("agent locked"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());

    let started = std::time::Instant::now();
    let key =
        secret::run_key_command("acme", "sh -c 'sleep 20 & echo sk_live_AGENT'", Duration::from_secs(10)).unwrap();
    assert_eq!(key.expose(), "sk_live_AGENT");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());

    // One that hangs past its time is stopped, and says how long it was given.
    let err = secret::run_key_command("acme", "sleep 5", Duration::from_millis(200)).unwrap_err();
    assert!(err.to_string().contains("no answer within 200 ms"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_key_commands_output_is_the_key_and_appears_nowhere_else() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("leadbox.log");
    let guard = leadbox::logging::to_file(&log).unwrap();
    let key = secret::run_key_command("acme", "printf 'sk_live_FROMPASS\\n'", Duration::from_secs(10)).unwrap();
    assert_eq!(key.expose(), "sk_live_FROMPASS");
    assert!(!format!("{key:?} {key}").contains("FROMPASS"));
    assert_eq!(key.origin(), "key_command printf");
    tracing::info!(?key, "a key was read");
    drop(guard);
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(!logged.contains("FROMPASS"), "{logged}");
}

#[test]
fn the_keyring_holds_what_key_set_stores_and_says_what_to_do_when_empty() {
    let store: std::sync::Arc<keyring_core::api::CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let keyring = || Ok(store.clone());
    let err = secret::read_key("beta", &KeySource::Keyring, &no_env, &keyring)
        .unwrap_err()
        .to_string();
    assert!(err.contains("run `leadbox key set --profile beta`"), "{err}");

    let out = commands::key_set(Ok(parsed(GOOD)), Some("beta"), "sk_live_KEYRING\n", Ok(store.clone()));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains("KEYRING"));
    let key = secret::read_key("beta", &KeySource::Keyring, &no_env, &keyring).unwrap();
    assert_eq!(key.expose(), "sk_live_KEYRING");
    assert_eq!(key.origin(), "the OS keyring");

    // Without a keyring service the error says what to use instead.
    let none = || {
        Err(secret::KeyringError::Platform(keyring_core::Error::NoStorageAccess(
            "no Secret Service on the session bus".into(),
        )))
    };
    let err = secret::read_key("beta", &KeySource::Keyring, &no_env, &none)
        .unwrap_err()
        .to_string();
    assert!(err.contains("use key_command or key_env instead"), "{err}");
    assert!(
        err.contains("no Secret Service on the session bus"),
        "the keyring's reason is said: {err}"
    );
    let out = commands::key_set(Ok(parsed(GOOD)), None, "k", Ok(store));
    assert!(out.stderr.contains("--profile NAME"), "{out:?}");
}

#[test]
fn a_missing_environment_variable_is_named() {
    let err = secret::read_key("acme", &KeySource::Env("ACME_KEY".into()), &no_env, &|| {
        Err(secret::KeyringError::NoneHere)
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("$ACME_KEY, which is not set"), "{err}");
}

#[cfg(unix)]
#[test]
fn init_writes_an_owner_only_file_and_never_overwrites() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/leadbox/config.toml");
    let out = commands::init(&path);
    assert_eq!(out.code, 0, "{out:?}");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(
        leadbox::commands::checked::load_file(&path).is_ok(),
        "the starting file is a valid config"
    );
    std::fs::write(&path, "# mine\n").unwrap();
    let out = commands::init(&path);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("never overwrites"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
}

#[cfg(unix)]
#[test]
fn check_on_a_good_file_summarises_the_profiles_and_prints_no_key() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        format!("{GOOD}\n[profiles.gamma]\nurl = \"https://g.novala.ai\"\nkey = \"sk_live_INFILE\"\n"),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = commands::check(&path, &no_env, &Flags::default());
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("no problems"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("acme, default: https://acme.novala.ai · key from $ACME_KEY · team of 2 · 1 custom field"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("gamma: https://g.novala.ai · key in this file"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("INFILE") && !out.stderr.contains("INFILE"));
}

fn leadbox_cmd(home: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_leadbox"));
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("LEADBOX_CONFIG")
        .env_remove("LEADBOX_PROFILE")
        .env_remove("NOVALA_API_URL")
        .env_remove("NOVALA_SECRET_KEY");
    cmd
}

#[test]
fn the_binary_reports_a_bad_file_before_touching_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = leadbox_cmd(dir.path()).args(["config", "path"]).output().unwrap();
    assert!(out.status.success());
    let expected: PathBuf = dir.path().join("config/leadbox/config.toml");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(&expected.display().to_string()));

    std::fs::create_dir_all(expected.parent().unwrap()).unwrap();
    std::fs::write(&expected, "[profiles.acme]\nurll = \"https://acme.novala.ai\"\n").unwrap();
    for args in [&["config", "check"][..], &[][..], &["--profile", "acme"][..]] {
        let out = leadbox_cmd(dir.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(leadbox::commands::exit::USAGE), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(":2:1: profiles.acme.urll: unknown key; did you mean `url`?"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains('\u{1b}'), "no terminal codes: {stderr:?}");
        assert!(
            out.stdout.is_empty(),
            "the terminal is not touched: {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // The global flags work after the subcommand too.
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "default_profile = \"sandbox\"\n").unwrap();
    let out = leadbox_cmd(dir.path())
        .args(["config", "check", "--config"])
        .arg(&other)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn config_errors_are_plain_values() {
    // A typed error at the library's edge, with the whole report in its message.
    let (_, problems) = leadbox::commands::checked::check_text(Path::new("c.toml"), "x = 1\n");
    let err = ConfigError::Invalid {
        path: PathBuf::from("c.toml"),
        problems,
    };
    assert!(
        err.to_string()
            .starts_with("c.toml has 1 problem:\n  c.toml:1:1: x: unknown key"),
        "{err}"
    );
}

#[test]
fn mouse_and_alerts_are_read_from_the_file() {
    use leadbox::app::views::Notify;
    let file = parsed("mouse = false\n[alerts]\nbell = true\nnotify = \"osc777\"\nview = \"mine\"\n");
    assert_eq!(file.mouse, Some(false));
    assert!(file.alerts.bell);
    assert_eq!(file.alerts.notify, Notify::Osc777);
    assert_eq!(file.alerts.view.as_deref(), Some("mine"));
    let found = problems("[alerts]\nnotify = \"dbus\"\nbel = true\n");
    let all = found.join("\n");
    assert!(all.contains("alerts.notify: `dbus` is not a way to notify"), "{all}");
    assert!(all.contains("alerts.bel: unknown key; did you mean `bell`?"), "{all}");
}

#[test]
fn the_poll_period_is_read_from_the_file_within_its_bounds() {
    assert_eq!(parsed("poll_seconds = 45\n").poll_seconds, Some(45));
    assert_eq!(parsed("mouse = true\n").poll_seconds, None);
    for (text, said) in [
        (
            "poll_seconds = 5\n",
            "poll_seconds: must be a whole number of seconds from 10 to 3600",
        ),
        (
            "poll_seconds = 99999999999\n",
            "poll_seconds: must be a whole number of seconds from 10 to 3600",
        ),
        (
            "poll_seconds = -30\n",
            "poll_seconds: must be a whole number of seconds from 10 to 3600",
        ),
        (
            "poll_seconds = \"30\"\n",
            "poll_seconds: must be a whole number of seconds, not string",
        ),
        (
            "poll_second = 30\n",
            "poll_second: unknown key; did you mean `poll_seconds`?",
        ),
    ] {
        let found = problems(text).join("\n");
        assert!(found.contains(said), "{text}: {found}");
        assert!(found.contains("config.toml:1:"), "{text}: {found}");
    }
}

#[test]
fn each_profile_keeps_its_state_in_its_own_owner_only_directory_and_adopts_an_old_draft() {
    use leadbox::store::draft_file;
    let data = tempfile::tempdir().unwrap();
    let file = parsed(GOOD);
    // Where earlier versions kept the sandbox's draft and an --api-url tenant's.
    std::fs::write(data.path().join("draft.json"), "sandbox draft").unwrap();
    std::fs::write(data.path().join("draft-acme.novala.ai.json"), "acme draft").unwrap();

    let sandbox = config::resolve(&file, &no_env, &flags(Some("sandbox"), None)).unwrap();
    let acme = config::resolve(&file, &no_env, &Flags::default()).unwrap();
    let unnamed = config::resolve(
        &file,
        &no_env,
        &flags(None, Some("https://rep:pw@beta.novala.ai/api/v1")),
    )
    .unwrap();
    let mut dirs = Vec::new();
    for profile in [&sandbox, &acme, &unnamed] {
        let dir = config::profile_dir(data.path(), profile).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{}", dir.display());
        }
        let draft = dir.join(draft_file::FILE_NAME);
        draft_file::adopt_old(data.path(), profile.host(), &draft);
        dirs.push(dir);
    }
    let rel: Vec<PathBuf> = dirs
        .iter()
        .map(|d| d.strip_prefix(data.path()).unwrap().to_path_buf())
        .collect();
    assert_eq!(
        rel,
        [
            PathBuf::from("profiles/sandbox"),
            PathBuf::from("profiles/acme"),
            PathBuf::from("profiles/url-beta.novala.ai"),
        ]
    );
    let read = |dir: &PathBuf| std::fs::read_to_string(dir.join(draft_file::FILE_NAME)).ok();
    assert_eq!(read(&dirs[0]).as_deref(), Some("sandbox draft"));
    // acme's URL is the host an earlier --api-url draft was named after: it moves to the profile.
    assert_eq!(read(&dirs[1]).as_deref(), Some("acme draft"));
    assert!(!data.path().join("draft.json").exists() && !data.path().join("draft-acme.novala.ai.json").exists());
    assert_eq!(read(&dirs[2]), None);

    // A draft already in its profile's place is never replaced by an old one.
    std::fs::write(data.path().join("draft.json"), "older").unwrap();
    draft_file::adopt_old(data.path(), sandbox.host(), &dirs[0].join(draft_file::FILE_NAME));
    assert_eq!(read(&dirs[0]).as_deref(), Some("sandbox draft"));
}

#[test]
fn a_missing_key_message_leaves_out_a_password_in_the_url() {
    let err = config::key_from_env("https://rep:hunter2@acme.novala.ai/api/v1", |_| None)
        .unwrap_err()
        .to_string();
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.contains("https://acme.novala.ai/api/v1"), "{err}");
}

#[test]
fn form_defaults_come_from_the_file_and_a_profile_adds_its_own() {
    use leadbox::app::form::{DraftValue, Form};
    let text = r#"
[form_defaults]
source = "referral"
channel = "trade_show"

[profiles.acme]
url = "https://acme.novala.ai"
key_env = "ACME_KEY"
me = "b1ea6bd8-6503-42dc-a553-583617e08e42"

[profiles.acme.form_defaults]
channel = "webinar"
assigned_to = "me"

[profiles.acme.form_defaults.custom_fields]
region = "emea"
"#;
    let file = parsed(text);
    let acme = config::resolve(&file, &no_env, &flags(Some("acme"), None)).unwrap();
    let text_of = |s: &str| DraftValue::Text(s.to_string());
    assert_eq!(acme.form_defaults.get("source"), Some(&text_of("referral")));
    assert_eq!(
        acme.form_defaults.get("channel"),
        Some(&text_of("webinar")),
        "the profile's own wins"
    );
    assert_eq!(acme.form_defaults.get("customFields.region"), Some(&text_of("emea")));
    assert_eq!(
        acme.form_defaults.get("assignedTo"),
        Some(&text_of("b1ea6bd8-6503-42dc-a553-583617e08e42")),
        "`me` is the rep's own id"
    );
    let sandbox = config::resolve(&file, &no_env, &flags(Some("sandbox"), None)).unwrap();
    assert_eq!(sandbox.form_defaults.get("channel"), Some(&text_of("trade_show")));

    // A form opened with them holds them, and is no draft until something is typed.
    let form = Form::with_defaults(&Default::default(), &sandbox.form_defaults);
    assert_eq!(
        form.values().get("source"),
        Some(&DraftValue::Choice("referral".into()))
    );
    assert_eq!(form.values().get("channel"), Some(&text_of("trade_show")));
    assert!(form.draft().is_none() && !form.is_dirty());

    let found = problems(
        "[form_defaults]\nsorce = \"web\"\nsource = \"fax\"\n[form_defaults.custom_fields]\n\"bad key\" = 1\n",
    )
    .join("\n");
    assert!(
        found.contains("form_defaults.sorce: unknown key; did you mean `source`?"),
        "{found}"
    );
    assert!(found.contains("form_defaults.source: `fax` is not a source"), "{found}");
    assert!(
        found.contains("form_defaults.custom_fields.bad key: is not a custom field key"),
        "{found}"
    );
}

#[test]
fn a_profile_turns_its_mirror_on_with_a_sync_rate_and_the_sandbox_has_one_by_default() {
    let text = "[profiles.acme]\nurl = \"https://acme.novala.ai\"\nkey_env = \"K\"\nmirror = true\nsync_rate = 2.5\n\
                [profiles.plain]\nurl = \"https://plain.novala.ai\"\nkey_env = \"K\"\n";
    let file = parsed(text);
    let acme = config::resolve(&file, &no_env, &flags(Some("acme"), None)).unwrap();
    assert!(acme.mirror);
    assert_eq!(acme.sync_rate.0, 2.5);
    let plain = config::resolve(&file, &no_env, &flags(Some("plain"), None)).unwrap();
    assert!(!plain.mirror, "off unless asked for");
    assert_eq!(plain.sync_rate.0, config::file::DEFAULT_SYNC_RATE);
    let sandbox = config::resolve(&file, &no_env, &flags(Some("sandbox"), None)).unwrap();
    assert!(sandbox.mirror);
    for (value, said) in [
        ("0", "sync_rate: must be a number of requests a second from 0.1 to 1000"),
        (
            "\"fast\"",
            "sync_rate: must be a number of requests a second, not string",
        ),
    ] {
        let text = format!("[profiles.acme]\nurl = \"https://acme.novala.ai\"\nsync_rate = {value}\n");
        let found = problems(&text).join("\n");
        assert!(found.contains(said), "{value}: {found}");
    }
    let found = problems("[profiles.acme]\nurl = \"https://acme.novala.ai\"\nmirror = \"yes\"\n").join("\n");
    assert!(found.contains("profiles.acme.mirror: must be true or false"), "{found}");
}
