//! `[[commands]]` and `[[profiles.NAME.commands]]`: the rep's own commands, each checked where it is
//! written (a name, a key, where it applies, a program whose placeholders name fields, how it runs). The
//! key's clashes are the keymap's to find (`commands::checked`), which knows the built-in bindings.

use super::*;
use crate::model::user_command::{self, Applies, RunMode, UserCommand};

const COMMAND_KEYS: &[&str] = &["name", "key", "context", "run", "mode", "confirm"];

/// One command as the file wrote it, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandConfig {
    pub command: UserCommand,
    /// The key's path, `commands[0]` or `profiles.acme.commands[1]`.
    pub path: String,
    /// Where its `key` is written (or the table, when it has none).
    pub key_at: Location,
}

/// The commands of one list (`[[commands]]`, or a profile's); a name used twice in it is a problem.
pub(super) fn read_commands(reader: &mut Reader<'_>, path: &str, value: &Spanned<DeValue<'_>>) -> Vec<CommandConfig> {
    let mut out: Vec<CommandConfig> = Vec::new();
    for (i, item) in reader.tables(value, path) {
        let item_path = format!("{path}[{i}]");
        let Some(table) = reader.table(item, &item_path) else {
            continue;
        };
        if let Some(command) = read_command(reader, &item_path, item.span(), table) {
            if out.iter().any(|c| c.command.name == command.command.name) {
                reader.problem(
                    item.span(),
                    &join(&item_path, "name"),
                    format!("`{}` names two commands; give each its own name", command.command.name),
                );
                continue;
            }
            out.push(command);
        }
    }
    out
}

fn read_command(reader: &mut Reader<'_>, path: &str, span: Range<usize>, t: &DeTable<'_>) -> Option<CommandConfig> {
    let mut name = None;
    let mut key = None;
    let mut key_at = reader.lines.at(span.start);
    let mut applies = Applies::Both;
    let mut run = None;
    let mut mode = RunMode::Background;
    let mut confirm = false;
    let mut sound = true;
    for (k, v) in reader.entries(t, path, COMMAND_KEYS) {
        let field: &str = k.get_ref();
        let full = join(path, field);
        match field {
            "name" => match reader.string(v, &full) {
                Some(s) if !s.trim().is_empty() && !s.chars().any(char::is_control) => {
                    name = Some(s.trim().to_string())
                }
                Some(_) => {
                    reader.problem(v.span(), &full, "must be a name of printable text, e.g. \"calendar\"");
                    sound = false;
                }
                None => sound = false,
            },
            "key" => {
                key_at = reader.lines.at(v.span().start);
                match reader.string(v, &full) {
                    Some(s) => key = Some(s),
                    None => sound = false,
                }
            }
            "context" => match reader.string(v, &full) {
                Some(s) => match Applies::parse(s.trim()) {
                    Some(a) => applies = a,
                    None => {
                        reader.problem(v.span(), &full, one_of(&s, Applies::NAMES, "where a command applies"));
                        sound = false;
                    }
                },
                None => sound = false,
            },
            "mode" => match reader.string(v, &full) {
                Some(s) => match RunMode::parse(s.trim()) {
                    Some(m) => mode = m,
                    None => {
                        reader.problem(v.span(), &full, one_of(&s, RunMode::NAMES, "a way to run"));
                        sound = false;
                    }
                },
                None => sound = false,
            },
            "confirm" => match reader.boolean(v, &full) {
                Some(b) => confirm = b,
                None => sound = false,
            },
            _ => match read_run(reader, &full, v) {
                Some(words) => run = Some(words),
                None => sound = false,
            },
        }
    }
    for (missing, absent) in [("name", name.is_none()), ("key", key.is_none()), ("run", run.is_none())] {
        // A value written but wrong has been reported already.
        if absent && !t.iter().any(|(k, _)| k.get_ref() == missing) {
            let example = match missing {
                "name" => "name = \"calendar\"",
                "key" => "key = \"c c\"",
                _ => "run = [\"xdg-open\", \"https://cal.example.com/?email={email:url}\"]",
            };
            reader.problem(span.clone(), path, format!("needs a `{missing}`, e.g. {example}"));
        }
    }
    if !sound {
        return None;
    }
    Some(CommandConfig {
        command: UserCommand {
            name: name?,
            key: key?,
            applies,
            run: run?,
            mode,
            confirm,
        },
        path: path.to_string(),
        key_at,
    })
}

/// `run`: a list of strings, the program first, whose placeholders all name fields.
fn read_run(reader: &mut Reader<'_>, full: &str, v: &Spanned<DeValue<'_>>) -> Option<Vec<String>> {
    let DeValue::Array(items) = v.get_ref() else {
        let hint = match v.get_ref() {
            DeValue::String(_) => {
                "; write each word as its own string, e.g. run = [\"xdg-open\", \"{email}\"] \
                                   (nothing goes through a shell unless you write [\"sh\", \"-c\", \"…\"])"
            }
            _ => "",
        };
        reader.problem(
            v.span(),
            full,
            format!("must be a list of strings, not {}{hint}", v.get_ref().type_str()),
        );
        return None;
    };
    let mut words = Vec::new();
    for item in items {
        words.push(reader.string(item, full)?);
    }
    if let Err(why) = user_command::check(&words) {
        reader.problem(v.span(), full, why.to_string());
        return None;
    }
    Some(words)
}

fn one_of(written: &str, names: &[&str], what: &str) -> String {
    let hint = closest(written.trim(), names)
        .map(|n| format!("did you mean `{n}`? "))
        .unwrap_or_default();
    format!("`{written}` is not {what}; {hint}write one of {}", names.join(", "))
}
