//! `[[commands]]` and `[[profiles.NAME.commands]]` as `config check` and the inbox read them: every problem
//! at its line and column (unknown keys with a suggestion, unknown placeholders, an empty `run`, a bad
//! context or mode, a key another binding or command already means), and which commands a profile runs.

use std::path::Path;

use leadbox::config::{self, Flags};
use leadbox::keymap::{Action, Context, Keymap};
use leadbox::model::user_command::{Applies, RunMode};

fn problems(text: &str) -> Vec<String> {
    let path = Path::new("config.toml");
    let (_, problems) = leadbox::commands::checked::check_text(path, text);
    problems.iter().map(|p| p.render(path)).collect()
}

const GOOD: &str = r#"default_profile = "acme"

[[commands]]
name = "calendar"
key = "c c"
context = "list"
run = ["xdg-open", "https://cal.example.com/book?email={email:url}&name={first_name:url}"]

[[commands]]
name = "vcard"
key = "c v"
run = ["sh", "-c", "jq -r .email | wl-copy"]

[profiles.acme]
url = "https://acme.novala.ai"

[[profiles.acme.commands]]
name = "calendar"
key = "c k"
context = "detail"
mode = "terminal"
confirm = true
run = ["acme-cal", "{custom.region}"]

[[profiles.acme.commands]]
name = "dial"
key = "c d"
run = ["dialer", "{phone}"]
"#;

#[test]
fn a_profile_runs_the_files_commands_with_its_own_in_place_of_those_of_the_same_name() {
    let (file, problems) = leadbox::commands::checked::check_text(Path::new("config.toml"), GOOD);
    assert!(problems.is_empty(), "{problems:?}");
    let acme = config::resolve(&file, &|_| None, &Flags::default()).unwrap();
    let names: Vec<(&str, &str)> = acme
        .commands
        .iter()
        .map(|c| (c.name.as_str(), c.key.as_str()))
        .collect();
    assert_eq!(names, [("calendar", "c k"), ("vcard", "c v"), ("dial", "c d")]);
    assert_eq!(acme.commands[0].applies, Applies::Detail);
    assert_eq!(acme.commands[0].mode, RunMode::Terminal);
    assert!(acme.commands[0].confirm);
    assert_eq!(acme.commands[1].applies, Applies::Both);
    assert_eq!(acme.commands[1].mode, RunMode::Background);
    let sandbox = Flags {
        profile: Some("sandbox".into()),
        ..Flags::default()
    };
    let on_sandbox = config::resolve(&file, &|_| None, &sandbox).unwrap();
    let names: Vec<&str> = on_sandbox.commands.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["calendar", "vcard"], "the file's own, for every profile");

    // The keymap binds each where it applies, and help's words name it.
    let keymap = Keymap::from_config(&file)
        .unwrap()
        .with_commands(&acme.commands)
        .unwrap();
    assert_eq!(
        keymap.key_label(Context::Detail, Action::Run(0)).as_deref(),
        Some("c k")
    );
    assert_eq!(keymap.key_label(Context::Lead, Action::Run(1)).as_deref(), Some("c v"));
    assert_eq!(keymap.word_for(Action::Run(2)), "dial");
}

#[test]
fn every_problem_of_a_command_is_reported_where_it_is_written() {
    let text = r#"[[commands]]
name = "calendar"
key = "c c"
contxt = "list"
run = ["xdg-open", "{emial}"]

[[commands]]
name = "empty"
key = "c e"
run = []

[[commands]]
name = "where"
key = "c w"
context = "lists"
mode = "foreground"
run = "xdg-open {email}"

[[commands]]
key = "c n"
run = ["{custom.tool}"]

[[commands]]
name = "fine"
key = "c f"
run = ["true"]

[[commands]]
name = "fine"
key = "c g"
run = ["true"]
"#;
    let said = problems(text);
    let expected = [
        "config.toml:4:1: commands[0].contxt: unknown key; did you mean `context`?",
        "config.toml:5:7: commands[0].run: `{emial}` is not a field; did you mean `{email}`?",
        "config.toml:10:7: commands[1].run: is empty: give the program to run, then its arguments",
        "config.toml:15:11: commands[2].context: `lists` is not where a command applies; did you mean `list`? write one of list, detail, both",
        "config.toml:16:8: commands[2].mode: `foreground` is not a way to run; write one of background, terminal",
        "config.toml:17:7: commands[2].run: must be a list of strings, not string; write each word as its own string",
        "config.toml:19:1: commands[3]: needs a `name`, e.g. name = \"calendar\"",
        "config.toml:21:7: commands[3].run: the program itself cannot come from the lead",
        "config.toml:28:1: commands[5].name: `fine` names two commands; give each its own name",
    ];
    for (i, want) in expected.iter().enumerate() {
        assert!(
            said.get(i).is_some_and(|s| s.starts_with(want)),
            "problem {i}: wanted {want:?}\nall:\n{}",
            said.join("\n")
        );
    }
    assert_eq!(said.len(), expected.len(), "{}", said.join("\n"));
}

#[test]
fn a_commands_key_that_another_binding_or_command_means_is_refused_at_its_key() {
    let text = r#"[keys]
reload = "c x"

[[commands]]
name = "down"
key = "j"

run = ["true"]

[[commands]]
name = "calendar"
key = "c c"
run = ["true"]

[[commands]]
name = "again"
key = "c c"
run = ["true"]

[[commands]]
name = "reloading"
key = "c x"
context = "detail"
run = ["true"]

[[commands]]
name = "bad"
key = "ctrl-nope"
run = ["true"]

[profiles.acme]
url = "https://acme.novala.ai"

[[profiles.acme.commands]]
name = "prefix"
key = "c"
context = "list"
run = ["true"]
"#;
    let said = problems(text).join("\n");
    assert!(
        said.contains("config.toml:6:7: commands[0].key: `j` would both"),
        "a built-in key:\n{said}"
    );
    assert!(
        said.contains("config.toml:17:7: commands[2].key: `c c` would both run calendar and run again"),
        "two commands: the later one is told\n{said}"
    );
    assert!(
        said.contains("config.toml:22:7: commands[3].key: `c x` would both"),
        "a key the [keys] section gave:\n{said}"
    );
    assert!(
        said.contains("config.toml:28:7: commands[4].key: `ctrl-nope` is not a key"),
        "{said}"
    );
    assert!(
        said.contains("profiles.acme.commands[0].key: `c c` and `c` begin alike"),
        "a profile's command against the file's:\n{said}"
    );
    assert!(
        !said.contains("commands[1].key"),
        "the first of two is not blamed:\n{said}"
    );
}

#[test]
fn the_readmes_commands_are_a_config_that_checks() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("### Your own commands").expect("the README's section");
    let section = &readme[start..];
    let section = &section[..section[4..].find("\n### ").map_or(section.len(), |end| end + 4)];
    let blocks: Vec<&str> = section
        .split("```toml\n")
        .skip(1)
        .map(|b| &b[..b.find("```").unwrap_or(b.len())])
        .collect();
    assert_eq!(blocks.len(), 2, "the shape, then the recipes");
    for block in blocks {
        let (file, problems) = leadbox::commands::checked::check_text(Path::new("README.md"), block);
        assert!(problems.is_empty(), "{problems:?}\n{block}");
        assert!(!file.commands.is_empty());
        Keymap::from_config(&file)
            .unwrap()
            .with_commands(&config::commands_of(&file, None))
            .unwrap();
    }
}
