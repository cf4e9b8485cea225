//! The sections of the manual that clap does not know: the inbox's keys (from the keymap), the config file's
//! shape, the files and environment leadbox reads, and which exit codes a local command can end with.

use crate::commands::exit;
use crate::keymap::{Context, Keymap, Trigger};

/// The KEYS section: every built-in binding, by where it applies, in the order help lists them, with the
/// name a `[keys]` table rebinds it by.
pub fn keys() -> String {
    let keymap = Keymap::default();
    let names = crate::keymap::action_names();
    let mut out = String::from(
        ".SH KEYS\nThe keys as built in. Press \\fB?\\fR in the inbox for the keymap in force: a \\fB[keys]\\fR \
         table in the config file rebinds an action by the name shown in italics (see CONFIGURATION).\n",
    );
    for context in Context::ALL {
        let bindings: Vec<_> = keymap.bindings().iter().filter(|b| b.context == *context).collect();
        if bindings.is_empty() {
            continue;
        }
        out.push_str(&format!(".SS {}\n", super::escape(context.title())));
        for binding in bindings {
            let mut labels: Vec<String> = Vec::new();
            for trigger in &binding.triggers {
                let label = match trigger {
                    Trigger::Keys(keys) => keys.iter().map(|k| k.label()).collect::<Vec<_>>().join(" "),
                    Trigger::WheelDown | Trigger::WheelUp => "wheel".to_string(),
                    Trigger::Click => "click".to_string(),
                };
                if !labels.contains(&label) {
                    labels.push(label);
                }
            }
            // The views' nine digits read as a range.
            if labels.len() > 2
                && labels
                    .iter()
                    .all(|l| l.len() == 1 && l.chars().all(|c| c.is_ascii_digit()))
            {
                labels = vec![format!("{} ... {}", labels[0], labels[labels.len() - 1])];
            }
            let keys: Vec<String> = labels.iter().map(|l| format!("\\fB{}\\fR", super::escape(l))).collect();
            // `[keys]` rebinds keys; a mouse binding stays as it is.
            let by_mouse = binding.triggers.iter().all(|t| !matches!(t, Trigger::Keys(_)));
            let name = names
                .iter()
                .filter(|_| !by_mouse)
                .find(|(_, actions)| actions.contains(&binding.action))
                .map(|(n, _)| format!(" (\\fI{}\\fR)", super::escape(n)))
                .unwrap_or_default();
            out.push_str(&format!(
                ".TP\n{}\n{}{name}\n",
                keys.join(", "),
                super::escape(&binding.description)
            ));
        }
    }
    out
}

/// The codes a command that reaches no tenant can end with; `None` for the others, which can end with any.
pub fn local_codes(page: &str) -> Option<&'static [i32]> {
    const LOCAL: &[i32] = &[exit::OK, exit::FAILURE, exit::USAGE];
    match page {
        "leadbox-config-init"
        | "leadbox-config-path"
        | "leadbox-config-check"
        | "leadbox-key"
        | "leadbox-key-set"
        | "leadbox-sandbox"
        | "leadbox-completions"
        | "leadbox-man" => Some(LOCAL),
        _ => None,
    }
}

/// The config file's shape (the names agreed for it; `leadbox config init` writes a commented example).
pub const CONFIGURATION: &str = r#".SH CONFIGURATION
The config file is TOML. \fBleadbox config init\fR writes a commented one to start from,
\fBleadbox config check\fR reports every problem in it with its line and column; an unknown key is an
error, with the closest known one. With no file, leadbox opens the built\-in \fBsandbox\fR profile.
.PP
At the top:
.TP
\fBdefault_profile\fR = "NAME"
the profile opened when neither \fB\-\-profile\fR nor \fBLEADBOX_PROFILE\fR names one
.TP
\fBpoll_seconds\fR = N
how often the inbox asks for new leads, 10 to 3600 (60)
.TP
\fBmouse\fR = false
leave the mouse to the terminal, as \fB\-\-no\-mouse\fR does
.TP
\fB[alerts]\fR \fBbell\fR, \fBnotify\fR, \fBview\fR
ring the bell or notify ("osc9", "osc777" or "none") for new leads of a view
.TP
\fB[form_defaults]\fR
values a new lead's form starts with: \fBsource\fR, \fBchannel\fR, \fBintent\fR, \fBnotes\fR,
\fBassigned_to\fR, \fBattribution\fR, \fBcompany\fR, \fBcustom_fields\fR
.TP
\fB[keys]\fR
an action's name = a key or a list of keys (\fB"ctrl\-n"\fR, \fB["g g", "home"]\fR); the names are those the KEYS section of the leadbox page lists
.TP
\fB[theme]\fR
\fBpreset\fR = "dark" or "light", then colours by role: a name, an index (0\-255) or #rrggbb
.PP
A tenant, in \fB[profiles.NAME]\fR:
.TP
\fBurl\fR = "https://acme.novala.ai"
the tenant, with or without /api/v1
.TP
\fBkey_command\fR, \fBkey_env\fR, \fBkeyring\fR, \fBkey\fR
where the secret key comes from, exactly one of: a command's output (run directly, not through a shell),
an environment variable, the OS keyring (\fBleadbox key set\fR), or the file itself (only if it is
readable by its owner alone). With none, \fBNOVALA_SECRET_KEY\fR.
.TP
\fBallow_insecure_http\fR = true
let an http:// URL to a host other than this machine through
.TP
\fBme\fR, \fBteam\fR = [{ id, name }, ...]
the rep's user id and the team's names, shown instead of ids
.TP
\fB[[profiles.NAME.custom_fields]]\fR \fBkey\fR, \fBlabel\fR, \fBkind\fR, \fBrequired\fR, \fBoptions\fR, \fBunit\fR, \fBhint\fR
the tenant's custom fields; kind is text, number, date, boolean, dropdown, multi_select, url, email or phone
(\fBleadbox config discover\fR proposes them)
.TP
\fB[[profiles.NAME.views]]\fR \fBname\fR, \fBstatus\fR, \fBassigned_to\fR
saved views, after the built\-in Inbox, Starred and All (\fB\-\-view NAME\fR)
.TP
\fB[profiles.NAME.form_defaults]\fR
as \fB[form_defaults]\fR, for this profile, over those
.TP
\fBmirror\fR = true, \fBsync_rate\fR = N
keep every lead of the tenant on this machine (\fBleadbox sync\fR), spending at most N requests a second (5)
"#;

/// Where leadbox keeps what it keeps.
pub const FILES: &str = r#".SH FILES
.TP
\fI~/.config/leadbox/config.toml\fR
the config file (\fB$XDG_CONFIG_HOME\fR; \fB\-\-config\fR or \fBLEADBOX_CONFIG\fR name another)
.TP
\fI~/.local/share/leadbox/profiles/NAME/\fR
a profile's state, readable by its owner alone: \fIstate.sqlite3\fR (marks, the outbox, fields learned),
\fImirror.sqlite3\fR (\fBleadbox sync\fR), the draft and \fIlogs/leadbox.log\fR (\fB$XDG_DATA_HOME\fR)
.TP
\fI~/.local/share/leadbox/sandbox.sqlite3\fR
the built\-in sandbox's demo tenant
"#;

/// The environment leadbox reads.
pub const ENVIRONMENT: &str = r#".SH ENVIRONMENT
.TP
\fBLEADBOX_CONFIG\fR
the config file, when \fB\-\-config\fR is not given
.TP
\fBLEADBOX_PROFILE\fR
the profile, when \fB\-\-profile\fR is not given
.TP
\fBNOVALA_API_URL\fR
a tenant to open when no profile is chosen (it never replaces a profile's URL)
.TP
\fBNOVALA_SECRET_KEY\fR
the key, for a profile that names no key source
.TP
\fBLEADBOX_LOG\fR
the log's filter (for example \fBdebug\fR)
.TP
\fBNO_COLOR\fR
no colours; focus and selection stay visible
.TP
\fBLEADBOX_COMPLETE\fR
set by the completion scripts of \fBleadbox completions\fR: the run answers the shell's Tab
"#;
