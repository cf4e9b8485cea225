//! The rep's own commands (`[[commands]]` in the config file, and `!` typed in the inbox): what runs, where
//! its key works, and how its arguments are filled from a lead. Pure: the config file checks templates
//! here, the app fills them here, and only the terminal loop starts a process.
//!
//! A template is one argument: `{email}` and the like are replaced inside it, and whatever a lead holds
//! stays inside that one argument (no splitting at spaces, no shell), so a name written `; rm -rf ~` or
//! `$(curl …)` reaches the program as the text it is.

use crate::api::types::Lead;

/// Where a command's key works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// The lead list (on the selected lead).
    List,
    /// A lead's detail (on the open lead).
    Detail,
    /// Both.
    Both,
}

impl Applies {
    pub const NAMES: &[&str] = &["list", "detail", "both"];

    pub fn parse(s: &str) -> Option<Applies> {
        match s {
            "list" => Some(Applies::List),
            "detail" => Some(Applies::Detail),
            "both" => Some(Applies::Both),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Applies::List => "list",
            Applies::Detail => "detail",
            Applies::Both => "both",
        }
    }
}

/// How a command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RunMode {
    /// Away from the terminal: the inbox stays usable, and the status bar says how it ended.
    #[default]
    Background,
    /// With the terminal handed over (as for `$EDITOR`), the inbox coming back when it ends.
    Terminal,
}

impl RunMode {
    pub const NAMES: &[&str] = &["background", "terminal"];

    pub fn parse(s: &str) -> Option<RunMode> {
        match s {
            "background" => Some(RunMode::Background),
            "terminal" => Some(RunMode::Terminal),
            _ => None,
        }
    }
}

/// One command of the config file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCommand {
    pub name: String,
    /// The key or sequence, as written (the keymap parses it).
    pub key: String,
    pub applies: Applies,
    /// The program, then its arguments: templates, each one argument.
    pub run: Vec<String>,
    pub mode: RunMode,
    /// Ask y/n, naming the command and the lead, before it runs.
    pub confirm: bool,
}

/// The fields a template can name, in the order `config check` lists them.
pub const FIELDS: &[&str] = &[
    "id",
    "first_name",
    "last_name",
    "name",
    "email",
    "phone",
    "company",
    "status",
    "source",
    "intent",
    "notes",
    "assigned_to",
    "channel",
    "created_at",
    "profile",
];

/// What a placeholder filled with `:url` becomes: percent-encoded, for a link's query or path.
const URL_SUFFIX: &str = ":url";

/// How many commands typed at `!` the prompt brings back with Up, and the state file keeps for the next
/// start.
pub const TYPED_KEPT: usize = 50;

/// Why a template cannot be filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("`{{{name}}}` is not a field; {}", suggestion(name))]
    Unknown { name: String },
    #[error("a `{{` is never closed; write `{{{{` for a brace itself")]
    Unclosed,
    #[error("a `}}` closes nothing; write `}}}}` for a brace itself")]
    Stray,
    #[error("is empty: give the program to run, then its arguments")]
    Empty,
    #[error("the program itself cannot come from the lead (`{program}`): name it, and fill its arguments")]
    ProgramFilled { program: String },
}

fn suggestion(name: &str) -> String {
    let bare = name.strip_suffix(URL_SUFFIX).unwrap_or(name);
    let fieldlike = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    if !bare.chars().all(fieldlike) {
        // A brace of a script (`sh -c`, `jq`) rather than a placeholder.
        return "write `{{` and `}}` for braces themselves (in a script too)".to_string();
    }
    let close = FIELDS
        .iter()
        .map(|f| (strsim::levenshtein(bare, f), *f))
        .min()
        .filter(|(d, f)| *d <= 2.max(f.len() / 3));
    match close {
        Some((_, f)) => format!("did you mean `{{{f}}}`?"),
        None => format!(
            "the fields are {}, and custom.KEY for a custom field (add :url to percent-encode)",
            FIELDS.iter().map(|f| format!("{{{f}}}")).collect::<Vec<_>>().join(" ")
        ),
    }
}

/// A field a placeholder names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Known(&'static str),
    Custom(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field { field: Field, url: bool },
}

/// One template split into text and placeholders; `{{` and `}}` are braces themselves.
fn pieces(template: &str) -> Result<Vec<Piece>, TemplateError> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '}' => return Err(TemplateError::Stray),
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some('{') | None => return Err(TemplateError::Unclosed),
                        Some(c) => name.push(c),
                    }
                }
                if !text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                }
                out.push(placeholder(&name)?);
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Ok(out)
}

fn placeholder(written: &str) -> Result<Piece, TemplateError> {
    let name = written.trim();
    let (bare, url) = match name.strip_suffix(URL_SUFFIX) {
        Some(bare) => (bare, true),
        None => (name, false),
    };
    let field = if let Some(key) = bare.strip_prefix("custom.") {
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(TemplateError::Unknown {
                name: written.to_string(),
            });
        }
        Field::Custom(key.to_string())
    } else {
        match FIELDS.iter().find(|f| **f == bare) {
            Some(f) => Field::Known(f),
            None => {
                return Err(TemplateError::Unknown {
                    name: written.to_string(),
                });
            }
        }
    };
    Ok(Piece::Field { field, url })
}

/// Whether `run` can be filled: a program, placeholders that name fields, none in the program itself.
pub fn check(run: &[String]) -> Result<(), TemplateError> {
    let (program, args) = run.split_first().ok_or(TemplateError::Empty)?;
    if program.trim().is_empty() {
        return Err(TemplateError::Empty);
    }
    if pieces(program)?.iter().any(|p| matches!(p, Piece::Field { .. })) {
        return Err(TemplateError::ProgramFilled {
            program: program.clone(),
        });
    }
    for arg in args {
        pieces(arg)?;
    }
    Ok(())
}

/// `run` with every placeholder replaced by the lead's value (sanitised: no control character, escape or
/// bidi override reaches the program), a field the lead lacks as empty text. Exactly one argument for each
/// template, whatever the values hold.
pub fn fill(run: &[String], lead: &Lead, profile: &str) -> Result<Vec<String>, TemplateError> {
    check(run)?;
    run.iter()
        .map(|template| {
            let mut arg = String::new();
            for piece in pieces(template)? {
                match piece {
                    Piece::Text(t) => arg.push_str(&t),
                    Piece::Field { field, url } => {
                        let value = value(lead, &field, profile);
                        let clean = crate::sanitize::line(&value);
                        if url {
                            arg.push_str(&percent_encode(&clean));
                        } else {
                            arg.push_str(&clean);
                        }
                    }
                }
            }
            Ok(arg)
        })
        .collect()
}

/// The lead's value for `field`, as text; empty when the lead has none.
fn value(lead: &Lead, field: &Field, profile: &str) -> String {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    match field {
        Field::Custom(key) => match lead.custom_fields.get(key) {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
            Some(other) => other.to_string(),
        },
        Field::Known(name) => match *name {
            "id" => lead.id.clone(),
            "first_name" => text(&lead.first_name),
            "last_name" => text(&lead.last_name),
            "name" => lead.full_name(),
            "email" => text(&lead.email),
            "phone" => text(&lead.phone),
            "company" => text(&lead.company_name),
            "status" => lead.status.as_str().to_string(),
            "source" => lead.source.as_ref().map(|s| s.as_str().to_string()).unwrap_or_default(),
            "intent" => text(&lead.intent),
            "notes" => text(&lead.notes),
            "assigned_to" => text(&lead.assigned_to),
            "channel" => text(&lead.channel),
            "created_at" => lead.created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "profile" => profile.to_string(),
            _ => String::new(),
        },
    }
}

/// Everything but RFC 3986's unreserved characters as `%XX`, byte by byte of the UTF-8.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A one-off command typed at the `!` prompt, split into words as a shell would quote them (but never
/// run by one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypedError {
    #[error("the quotes do not close")]
    Quotes,
    #[error(transparent)]
    Template(#[from] TemplateError),
}

/// The words of `typed`, checked as a command's `run` is.
pub fn split_typed(typed: &str) -> Result<Vec<String>, TypedError> {
    let words = shell_words::split(typed).map_err(|_| TypedError::Quotes)?;
    check(&words)?;
    Ok(words)
}

/// How a command that ran ended, as the terminal loop saw it: said in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// Exit status 0; the first line it printed, if any.
    Done { output: String },
    /// It ran and failed: `exit 3` or `signal 9`, and the first line of its error output.
    Failed { status: String, stderr: String },
    /// It could not start (no such program, not executable): why.
    NotStarted { why: String },
    /// It still runs after this long (it is left to run; its end is said when it comes).
    StillRunning { secs: u64 },
}

/// The most of a child's line the status bar is handed (it cuts further to fit).
pub const SAID_AT_MOST: usize = 200;

/// The first non-empty line of `bytes`, sanitised and cut to [`SAID_AT_MOST`] characters.
pub fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let clean = crate::sanitize::line(line);
    let mut cut: String = clean.chars().take(SAID_AT_MOST).collect();
    if clean.chars().count() > SAID_AT_MOST {
        cut.push('…');
    }
    cut
}

impl Ended {
    /// "calendar: done", "calendar: exit 3: no such calendar": what the status bar says.
    pub fn said(&self, name: &str) -> (bool, String) {
        let name = crate::sanitize::line(name);
        match self {
            Ended::Done { output } if output.is_empty() => (true, format!("{name}: done")),
            Ended::Done { output } => (true, format!("{name}: done: {output}")),
            Ended::Failed { status, stderr } if stderr.is_empty() => (false, format!("{name}: {status}")),
            Ended::Failed { status, stderr } => (false, format!("{name}: {status}: {stderr}")),
            Ended::NotStarted { why } => (false, format!("{name}: could not start: {why}")),
            Ended::StillRunning { secs } => (true, format!("{name}: still running after {secs} s…")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lead(first: &str) -> Lead {
        let mut lead: Lead = serde_json::from_value(serde_json::json!({
            "id": "00000000-0000-4000-8000-000000000001",
            "status": "new",
            "createdAt": "2026-01-02T03:04:05.000Z",
            "email": "ana@example.com",
            "customFields": {"region": "emea", "seats": 12, "tags": ["a", "b"]},
        }))
        .unwrap();
        lead.first_name = Some(first.to_string());
        lead
    }

    fn run(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn placeholders_fill_inside_their_argument_and_missing_fields_are_empty() {
        let filled = fill(
            &run(&[
                "xdg-open",
                "https://cal.example/?e={email:url}&n={first_name:url}",
                "{custom.region}/{custom.seats}/{custom.tags}/{custom.nope}/{phone}",
                "{{literal}} {profile} {created_at}",
            ]),
            &lead("Ana María"),
            "acme",
        )
        .unwrap();
        assert_eq!(
            filled,
            [
                "xdg-open",
                "https://cal.example/?e=ana%40example.com&n=Ana%20Mar%C3%ADa",
                "emea/12/a,b//",
                "{literal} acme 2026-01-02T03:04:05.000Z",
            ]
        );
    }

    #[test]
    fn a_value_with_shell_syntax_or_control_characters_stays_one_plain_argument() {
        let hostile = "O'Brien \"x\" ; touch /tmp/x $(touch /tmp/y)\u{1b}]52;c;eA==\u{7}\n";
        let filled = fill(&run(&["echo", "{first_name}"]), &lead(hostile), "p").unwrap();
        assert_eq!(filled.len(), 2);
        assert!(
            filled[1].starts_with("O'Brien \"x\" ; touch /tmp/x $(touch /tmp/y)"),
            "{filled:?}"
        );
        assert!(!filled[1].contains(['\u{1b}', '\u{7}', '\n']), "{filled:?}");
    }

    #[test]
    fn templates_that_cannot_be_filled_say_why() {
        let said = |words: &[&str]| check(&run(words)).map_err(|e| e.to_string());
        assert_eq!(
            said(&["x", "{emial}"]),
            Err("`{emial}` is not a field; did you mean `{email}`?".into())
        );
        assert!(said(&["x", "{zzzzzzzz}"]).unwrap_err().contains("the fields are {id}"));
        assert!(
            said(&["sh", "-c", "{ echo; }"])
                .unwrap_err()
                .ends_with("write `{{` and `}}` for braces themselves (in a script too)")
        );
        assert!(said(&["x", "{email"]).unwrap_err().contains("never closed"));
        assert!(said(&["x", "a}"]).unwrap_err().contains("closes nothing"));
        assert!(said(&[]).unwrap_err().contains("is empty"));
        assert!(said(&["  "]).unwrap_err().contains("is empty"));
        assert!(said(&["{custom.tool}", "x"]).unwrap_err().contains("program itself"));
        assert!(said(&["x", "{custom.}"]).is_err());
        assert_eq!(said(&["x", "{custom.region:url}", "{{}}"]), Ok(()));
    }

    #[test]
    fn typed_commands_split_as_a_shell_quotes_them() {
        assert_eq!(
            split_typed("notify-send 'lead {name}' \"{email}\"").unwrap(),
            ["notify-send", "lead {name}", "{email}"]
        );
        assert_eq!(split_typed("echo 'open"), Err(TypedError::Quotes));
        assert!(matches!(split_typed("echo {nope}"), Err(TypedError::Template(_))));
        assert!(matches!(
            split_typed(""),
            Err(TypedError::Template(TemplateError::Empty))
        ));
    }

    #[test]
    fn how_a_command_ended_is_said_in_a_line() {
        let failed = Ended::Failed {
            status: "exit 3".into(),
            stderr: first_line(b"\n  no such calendar\x1b[31m\nmore\n"),
        };
        assert_eq!(
            failed.said("calendar"),
            (false, "calendar: exit 3: no such calendar\u{fffd}".into())
        );
        assert_eq!(
            Ended::Done { output: String::new() }.said("calendar"),
            (true, "calendar: done".into())
        );
        let long = first_line("x".repeat(1000).as_bytes());
        assert_eq!(long.chars().count(), SAID_AT_MOST + 1);
    }

    proptest! {
        #[test]
        fn each_template_is_exactly_one_argument_whatever_the_lead_holds(
            first in any::<String>(),
            region in any::<String>(),
            templates in proptest::collection::vec("[a-z {}=:]{0,12}", 0..5),
        ) {
            let mut lead = lead(&first);
            lead.custom_fields.insert("region".into(), serde_json::json!(region));
            let mut run = vec!["prog".to_string(), "{first_name}".to_string(), "x{custom.region}y".to_string()];
            run.extend(templates.into_iter().filter(|t| check(&[String::from("p"), t.clone()]).is_ok()));
            let filled = fill(&run, &lead, "p").unwrap();
            prop_assert_eq!(filled.len(), run.len());
            prop_assert_eq!(&filled[1], &crate::sanitize::line(&first).into_owned());
            prop_assert!(filled.iter().all(|a| !a.chars().any(|c| c.is_control())));
        }
    }
}
