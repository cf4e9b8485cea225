//! leadbox installed as a tool: completions that complete values (statuses and formats from the command
//! line, profiles and views from the rep's config file), a manual page per command, and the files the
//! Debian package is built from. Each runs the real binary; the package's own listing is checked only where
//! one has been built (`packaging/build-deb`) and `dpkg-deb` is there.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::leadbox_command as leadbox;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A home whose config file (where `leadbox(dir)` reads it) is `toml`.
fn config_dir_with(toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config/leadbox");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), toml).unwrap();
    dir
}

/// A config file with the profiles `acme` (the default, with two saved views) and `globex` (one view).
fn config_dir() -> tempfile::TempDir {
    config_dir_with(
        r#"default_profile = "acme"

[profiles.acme]
url = "https://acme.novala.ai"
key_env = "ACME_KEY"

[[profiles.acme.views]]
name = "mine"
assigned_to = "me"
status = "new"

[[profiles.acme.views]]
name = "hot"
status = "qualified"

[profiles.globex]
url = "https://globex.novala.ai"
key_env = "GLOBEX_KEY"

[[profiles.globex.views]]
name = "emea-calls"
status = "contacted"
"#,
    )
}

/// What the shell's Tab would get for the last of `words` (the command line after `leadbox`), asked the
/// way the bash script asks: `LEADBOX_COMPLETE=bash leadbox -- leadbox WORDS…`.
fn complete(dir: &Path, shell: &str, words: &[&str]) -> Output {
    leadbox(dir)
        .env("LEADBOX_COMPLETE", shell)
        .env("_CLAP_IFS", "\n")
        .env("_CLAP_COMPLETE_INDEX", words.len().to_string())
        .arg("--")
        .arg("leadbox")
        .args(words)
        .output()
        .unwrap()
}

/// The candidates offered, their descriptions left out.
fn candidates(dir: &Path, words: &[&str]) -> Vec<String> {
    let out = complete(dir, "bash", words);
    assert_eq!(out.status.code(), Some(0), "{words:?}: {}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{words:?}: quiet: {}", text(&out.stderr));
    text(&out.stdout).lines().map(String::from).collect()
}

#[test]
fn completions_offer_every_status_and_format_the_command_takes() {
    let dir = config_dir();
    let statuses: Vec<String> = leadbox::api::types::LeadStatus::KNOWN
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    assert_eq!(candidates(dir.path(), &["leads", "list", "--status", ""]), statuses);
    assert_eq!(
        candidates(dir.path(), &["leads", "list", "--status", "qual"]),
        ["qualifying", "qualified"]
    );
    assert_eq!(
        candidates(dir.path(), &["leads", "list", "--format", ""]),
        ["table", "json", "jsonl", "csv"]
    );
    let subcommands = candidates(dir.path(), &[""]);
    for name in ["sandbox", "config", "key", "leads", "sync", "completions", "man"] {
        assert!(subcommands.contains(&name.to_string()), "{name}: {subcommands:?}");
    }
}

#[test]
fn completions_offer_the_profiles_and_views_of_the_config_file_as_it_stands() {
    let dir = config_dir();
    for words in [
        &["--profile", ""][..],
        &["leads", "list", "--profile", ""],
        &["sync", "--profile", ""],
    ] {
        assert_eq!(
            candidates(dir.path(), words),
            ["sandbox", "acme", "globex"],
            "{words:?}"
        );
    }
    assert_eq!(candidates(dir.path(), &["--profile", "g"]), ["globex"]);
    // The views of the profile the line chooses, else of the default; the inbox's own views only where the
    // inbox opens (`leads list --view` takes a saved view).
    assert_eq!(
        candidates(dir.path(), &["--view", ""]),
        ["Inbox", "Starred", "All", "mine", "hot"]
    );
    assert_eq!(
        candidates(dir.path(), &["leads", "list", "--profile", "globex", "--view", ""]),
        ["emea-calls"]
    );
    assert_eq!(
        candidates(dir.path(), &["--profile=globex", "leads", "list", "--view", ""]),
        ["emea-calls"]
    );
    // Another file, named on the line, is the one read.
    let other = dir.path().join("other.toml");
    std::fs::write(
        &other,
        "[profiles.initech]\nurl = \"https://initech.novala.ai\"\nkey_env = \"K\"\n",
    )
    .unwrap();
    let path = other.to_str().unwrap();
    assert_eq!(
        candidates(dir.path(), &["--config", path, "--profile", ""]),
        ["sandbox", "initech"]
    );
    // A shell that shows descriptions gets the tenant's host beside its name.
    let fish = complete(dir.path(), "fish", &["--profile", ""]);
    assert!(
        text(&fish.stdout).contains("acme\tacme.novala.ai"),
        "{}",
        text(&fish.stdout)
    );
}

#[test]
fn assigned_to_completes_me_and_the_team_of_the_profile_the_line_chooses() {
    let dir = config_dir_with(
        r#"default_profile = "acme"

[profiles.acme]
url = "https://acme.novala.ai"
key_env = "ACME_KEY"
me = "b1ea6bd8-6503-42dc-a553-583617e08e42"
team = [
  { id = "b1ea6bd8-6503-42dc-a553-583617e08e42", name = "Maya Johnson" },
  { id = "131b08b0-71b2-435e-a3e5-a10be2bf1dda", name = "Diego Fernández" },
]

[profiles.globex]
url = "https://globex.novala.ai"
key_env = "GLOBEX_KEY"
team = [{ id = "dd310bb2-797c-4de6-ab92-e68ce1a956a1", name = "Priya Raman" }]
"#,
    );
    let acme = [
        "me",
        "b1ea6bd8-6503-42dc-a553-583617e08e42",
        "131b08b0-71b2-435e-a3e5-a10be2bf1dda",
    ];
    assert_eq!(candidates(dir.path(), &["leads", "list", "--assigned-to", ""]), acme);
    assert_eq!(candidates(dir.path(), &["leads", "create", "--assigned-to", ""]), acme);
    assert_eq!(
        candidates(dir.path(), &["leads", "list", "--assigned-to", "13"]),
        ["131b08b0-71b2-435e-a3e5-a10be2bf1dda"]
    );
    // Another profile on the line: its team, and no `me`, which it does not name.
    assert_eq!(
        candidates(
            dir.path(),
            &["--profile", "globex", "leads", "list", "--assigned-to", ""]
        ),
        ["dd310bb2-797c-4de6-ab92-e68ce1a956a1"]
    );
    // A shell that shows descriptions gets the names beside the ids.
    let fish = text(&complete(dir.path(), "fish", &["leads", "list", "--assigned-to", ""]).stdout);
    assert!(fish.contains("me\tyou (Maya Johnson)"), "{fish}");
    assert!(
        fish.contains("131b08b0-71b2-435e-a3e5-a10be2bf1dda\tDiego Fernández"),
        "{fish}"
    );
}

#[test]
fn completing_over_a_broken_config_is_quiet_runs_no_key_command_and_prints_no_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config/leadbox");
    std::fs::create_dir_all(&config).unwrap();
    let ran = dir.path().join("key-command-ran");
    std::fs::write(
        config.join("config.toml"),
        format!(
            "[profiles.acme]\nurl = \"https://acme.novala.ai\"\nkey_command = \"touch {}\"\n\n\
             [profiles.globex]\nurl = \"https://globex.novala.ai\"\nkey = \"sk_live_do_not_show\"\n\n\
             [profiles.\"bad\\u001b[31m\"]\nurl = \"https://x.novala.ai\"\n\n\
             [profiles.broken\nurl = \n",
            ran.display()
        ),
    )
    .unwrap();
    let offered = candidates(dir.path(), &["--profile", ""]);
    assert_eq!(offered, ["sandbox", "acme", "globex"], "what reads, without the escape");
    let fish = complete(dir.path(), "fish", &["--profile", ""]);
    assert!(fish.stderr.is_empty(), "{}", text(&fish.stderr));
    assert!(!text(&fish.stdout).contains("sk_live"), "{}", text(&fish.stdout));
    assert!(!ran.exists(), "a Tab ran the profile's key command");
    // A config path that is a directory gives the sandbox alone, quietly.
    assert_eq!(
        candidates(dir.path(), &["--config", dir.path().to_str().unwrap(), "--profile", ""]),
        ["sandbox"]
    );
}

#[test]
fn the_bash_script_completes_profiles_in_a_real_bash() {
    let Ok(bash) = which("bash") else {
        eprintln!("no bash here: skipped");
        return;
    };
    let dir = config_dir();
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_leadbox"), bin.join("leadbox")).unwrap();
    let script = leadbox(dir.path()).args(["completions", "bash"]).output().unwrap();
    assert_eq!(script.status.code(), Some(0));
    let path = dir.path().join("leadbox.bash");
    std::fs::write(&path, &script.stdout).unwrap();
    // What bash does at `leadbox leads list --profile <Tab>`: the function the script registered, called
    // with the words so far.
    let probe = format!(
        "source {}\ncomplete -p leadbox\nCOMP_WORDS=(leadbox leads list --profile '')\nCOMP_CWORD=4\n\
         COMP_LINE='leadbox leads list --profile '\nCOMP_POINT=${{#COMP_LINE}}\n\
         _clap_complete_leadbox leadbox '' --profile\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        path.display()
    );
    let out = std::process::Command::new(bash)
        .arg("--norc")
        .arg("-c")
        .arg(&probe)
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env_remove("LEADBOX_CONFIG")
        .env_remove("LEADBOX_PROFILE")
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()),
        )
        .output()
        .unwrap();
    let said = text(&out.stdout);
    assert!(said.contains("-F _clap_complete_leadbox leadbox"), "registered: {said}");
    let offered: Vec<&str> = said.lines().skip(1).map(str::trim_end).collect();
    assert_eq!(offered, ["sandbox", "acme", "globex"], "{said}\n{}", text(&out.stderr));
}

fn which(program: &str) -> Result<PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
        .ok_or(())
}

/// Every command's page name, from the command line itself (`leadbox-leads-list` for `leadbox leads list`).
fn command_pages() -> Vec<String> {
    fn walk(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
        for sub in cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            let name = format!("{prefix}-{}", sub.get_name());
            out.push(name.clone());
            walk(sub, &name, out);
        }
    }
    let mut out = vec!["leadbox".to_string()];
    walk(&leadbox::cli::command(), "leadbox", &mut out);
    out
}

/// Pages written by `leadbox man --dir`, by name.
fn written_pages(dir: &Path) -> Vec<(String, String)> {
    let out = dir.join("man");
    let run = leadbox(dir).arg("man").arg("--dir").arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let mut pages: Vec<(String, String)> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .trim_end_matches(".1")
                .to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    pages.sort();
    pages
}

#[test]
fn every_command_has_its_own_manual_page_with_the_sections_that_apply_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let pages = written_pages(dir.path());
    let names: BTreeSet<String> = pages.iter().map(|(n, _)| n.clone()).collect();
    let expected: BTreeSet<String> = command_pages().into_iter().collect();
    assert_eq!(names, expected);
    for must in [
        "leadbox-leads-list",
        "leadbox-sync",
        "leadbox-config-check",
        "leadbox-key-set",
    ] {
        assert!(names.contains(must), "{must}");
    }
    let page = |name: &str| pages.iter().find(|(n, _)| n == name).map(|(_, p)| p.as_str()).unwrap();
    for (name, roff) in &pages {
        assert!(
            roff.contains(".SH NAME") && roff.contains(".SH SYNOPSIS"),
            "{name}: {roff}"
        );
        assert!(roff.contains(".SH EXIT STATUS"), "{name}");
        // Every page it names is shipped beside it.
        for named in roff
            .split("\\fB")
            .skip(1)
            .filter_map(|s| s.split_once("\\fR(1)"))
            .map(|(n, _)| n)
        {
            let named = named.replace("\\-", "-");
            assert!(names.contains(&named), "{name} names {named}(1), which is not written");
        }
        for line in roff.lines().filter(|l| l.ends_with("(1)") && l.starts_with("leadbox")) {
            let named = line.trim_end_matches("(1)").replace("\\-", "-");
            assert!(names.contains(&named), "{name} lists {named}(1), which is not written");
        }
    }
    // The synopsis is the command as typed.
    assert!(
        page("leadbox-leads-list").contains("leadbox leads list"),
        "{}",
        page("leadbox-leads-list")
    );
    // The inbox's keys, by the names `[keys]` rebinds them with, on the inbox's page.
    let top = page("leadbox");
    assert!(top.contains(".SH KEYS"));
    for (action, _) in leadbox::keymap::action_names() {
        assert!(
            top.contains(&format!("\\fI{}\\fR", action.replace('-', "\\-"))),
            "KEYS lacks {action}"
        );
    }
    // The config file's shape where the config is written and checked, and the files wherever it is read.
    for name in ["leadbox", "leadbox-config", "leadbox-config-check"] {
        let p = page(name);
        assert!(p.contains(".SH CONFIGURATION") && p.contains("key_command"), "{name}");
    }
    for name in [
        "leadbox-leads-list",
        "leadbox-sync",
        "leadbox-key-set",
        "leadbox-config-discover",
    ] {
        let p = page(name);
        assert!(p.contains(".SH FILES") && p.contains("LEADBOX_PROFILE"), "{name}");
    }
    assert!(
        !page("leadbox-sandbox").contains(".SH FILES"),
        "the sandbox reads no config file"
    );
    // A command that reaches a tenant can end with any code of the table; one that does not, with 0, 1 or 2.
    for (code, _) in leadbox::commands::exit::TABLE {
        let entry = format!(".TP\n\\fB{code}\\fR\n");
        assert!(
            page("leadbox-leads-create").contains(&entry),
            "leads create: exit {code}"
        );
        assert_eq!(
            page("leadbox-config-path").contains(&entry),
            *code <= 2,
            "config path: exit {code}"
        );
    }
    assert!(page("leadbox-sync").contains(".SH EXAMPLES") && page("leadbox-sync").contains("\n.nf\n"));
}

#[test]
fn the_manual_pages_read_cleanly_in_man() {
    let Ok(groff) = which("groff") else {
        eprintln!("no groff here: skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (name, roff) in written_pages(dir.path()) {
        let out = std::process::Command::new(&groff)
            .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
            .stdin(std::fs::File::open(dir.path().join("man").join(format!("{name}.1"))).unwrap())
            .output()
            .unwrap();
        assert!(out.stderr.is_empty(), "{name}: {}\n{roff}", text(&out.stderr));
    }
}

/// `[package.metadata.deb]`'s assets: (source, destination).
fn deb_assets() -> Vec<(String, String)> {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let manifest: toml::Table = manifest.parse().unwrap();
    let assets = manifest["package"]["metadata"]["deb"]["assets"].as_array().unwrap();
    assets
        .iter()
        .map(|a| {
            let a = a.as_array().unwrap();
            (a[0].as_str().unwrap().to_string(), a[1].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn the_packaging_step_writes_every_file_the_package_lists() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("assets");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/packaging/assets");
    let run = std::process::Command::new("bash")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_leadbox"))
        .arg(&out)
        .env_remove("LEADBOX_COMPLETE")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let assets = deb_assets();
    let mut man_pages = Vec::new();
    for (source, dest) in &assets {
        let local = match source.strip_prefix("target/assets/") {
            Some(rest) => out.join(rest),
            None if source == "target/release/leadbox" => continue,
            None => root.join(source),
        };
        match local
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix('*'))
        {
            Some(suffix) => {
                let found: Vec<PathBuf> = std::fs::read_dir(local.parent().unwrap())
                    .unwrap()
                    .map(|e| e.unwrap().path())
                    .filter(|p| p.to_str().unwrap().ends_with(suffix))
                    .collect();
                assert!(!found.is_empty(), "{source} matches nothing");
                if dest == "usr/share/man/man1/" {
                    man_pages = found;
                }
            }
            None => assert!(local.is_file(), "{source} was not written ({})", local.display()),
        }
    }
    // Every command's page, gzipped roff.
    let mut names: Vec<String> = man_pages
        .iter()
        .map(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .trim_end_matches(".1.gz")
                .to_string()
        })
        .collect();
    names.sort();
    let mut expected = command_pages();
    expected.sort();
    assert_eq!(names, expected);
    let mut roff = String::new();
    let gz = std::fs::File::open(out.join("man/leadbox-leads-list.1.gz")).unwrap();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(gz), &mut roff).unwrap();
    assert!(roff.contains("\n.TH leadbox-leads-list 1 "), "{roff}");
    // Where each shell looks for the completions of a command installed by a package.
    let dests: Vec<&str> = assets.iter().map(|(_, d)| d.as_str()).collect();
    for dest in [
        "usr/bin/",
        "usr/share/bash-completion/completions/leadbox",
        "usr/share/zsh/vendor-completions/_leadbox",
        "usr/share/fish/vendor_completions.d/leadbox.fish",
    ] {
        assert!(dests.contains(&dest), "{dest}: {dests:?}");
    }
    let bash = std::fs::read_to_string(out.join("completions/leadbox.bash")).unwrap();
    assert!(
        bash.contains("LEADBOX_COMPLETE=\"bash\"")
            && bash.lines().any(|l| l.trim_start().starts_with("\"leadbox\" -- ")),
        "calls leadbox from the PATH: {bash}"
    );
}

#[test]
fn the_built_package_lists_the_binary_the_pages_and_the_completions() {
    let debs: Vec<PathBuf> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/target/debian"))
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "deb"))
        .collect();
    let (Some(deb), Ok(dpkg_deb)) = (debs.first(), which("dpkg-deb")) else {
        eprintln!("no package built (packaging/build-deb) or no dpkg-deb: skipped");
        return;
    };
    let out = std::process::Command::new(dpkg_deb)
        .arg("-c")
        .arg(deb)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    let mut wanted: Vec<String> = command_pages()
        .iter()
        .map(|p| format!("./usr/share/man/man1/{p}.1.gz"))
        .collect();
    wanted.extend(
        [
            "./usr/bin/leadbox",
            "./usr/share/bash-completion/completions/leadbox",
            "./usr/share/zsh/vendor-completions/_leadbox",
            "./usr/share/fish/vendor_completions.d/leadbox.fish",
        ]
        .map(String::from),
    );
    for path in wanted {
        assert!(
            listing.lines().any(|l| l.ends_with(&path)),
            "{path} not in {}:\n{listing}",
            deb.display()
        );
    }
}
