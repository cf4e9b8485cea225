//! `leadbox man`: one manual page for the whole program. clap_mangen's own page names a `leadbox-leads(1)`
//! page per subcommand that is never installed, so the commands are listed here in full (`leadbox leads
//! list`, with their flags), followed by the inbox's keys and the exit status a script can act on.

use std::io::Write;

/// The page, in roff.
pub fn render(cmd: &clap::Command) -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    writeln!(out, ".SH COMMANDS")?;
    commands(&mut out, cmd, "leadbox")?;
    out.extend_from_slice(KEYS.as_bytes());
    out.extend_from_slice(EXIT_STATUS.as_bytes());
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// Every leaf command with its about text and its own (visible, not global) flags.
fn commands(out: &mut Vec<u8>, cmd: &clap::Command, path: &str) -> std::io::Result<()> {
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let full = format!("{path} {}", sub.get_name());
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        writeln!(out, ".TP\n\\fB{}\\fR\n{}", escape(&full), escape(&about))?;
        let flags: Vec<String> = sub
            .get_arguments()
            .filter(|a| !a.is_hide_set() && !a.is_global_set() && a.get_id() != "help")
            .map(|a| match (a.get_long(), a.get_value_names()) {
                (Some(long), Some(names)) if a.get_action().takes_values() => {
                    format!("--{long} {}", names.join(" "))
                }
                (Some(long), _) => format!("--{long}"),
                (None, _) => a.get_value_names().map_or(a.get_id().to_string(), |n| n.join(" ")),
            })
            .collect();
        if !flags.is_empty() {
            writeln!(out, ".br\n{}", escape(&flags.join(", ")))?;
        }
        commands(out, sub, &full)?;
    }
    Ok(())
}

/// Text made inert for roff: backslashes and hyphens escaped, and no line starting as a request.
fn escape(text: &str) -> String {
    text.replace('\\', "\\e")
        .replace('-', "\\-")
        .lines()
        .map(|line| {
            if line.starts_with('.') || line.starts_with('\'') {
                format!("\\&{line}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The keys of the default keymap a rep uses all day (README "Keys"); `?` in the inbox lists them all.
const KEYS: &str = r#".SH KEYS
Press \fB?\fR in the inbox for every binding of the keymap in force (a \fB[keys]\fR table in the config file remaps them).
.TP
\fB/\fR
search the loaded leads as you type; Enter keeps the search, Esc clears it
.TP
\fBL\fR
keep loading pages until the whole list is in
.TP
\fBEnter\fR, \fBJ\fR / \fBK\fR
open a lead; in its detail, the next or previous lead
.TP
\fBy e\fR, \fBy p\fR, \fBy n\fR, \fBy i\fR
copy the email, phone, name or id
.TP
\fBo e\fR, \fBo p\fR, \fBo w\fR
write an email, call, or open the lead's website
.TP
\fBd\fR, \fB*\fR, \fBu\fR
mark done, star, undo the last mark
.TP
\fB1\fR ... \fB9\fR
views: 1 Inbox, 2 Starred, 3 All, then the profile's saved views
.TP
\fBs\fR, \fBa\fR, \fB0\fR
the status and assignee panes (Unassigned narrows the loaded leads); 0 clears every filter and the search
.TP
\fBn\fR, then \fBCtrl\-s\fR / \fBAlt\-s\fR
type a new lead; send it, or send it and start the next
.TP
\fBO\fR
the outbox: leads typed here and where each stands
.TP
\fBq\fR
quit
"#;

/// The exit codes of `leadbox::commands::exit`, as the README's "Exit codes" lists them.
const EXIT_STATUS: &str = r#".SH EXIT STATUS
.TP
\fB0\fR
done
.TP
\fB1\fR
leadbox itself failed (the terminal, the log file, the embedded sandbox or the OS keyring could not be used)
.TP
\fB2\fR
usage: a wrong flag or value, a config file with problems or missing (\fB\-\-config\fR), a profile or view that cannot be used, an id's start that several leads have, or \fBkey set\fR without a terminal
.TP
\fB3\fR
refused, by leadbox's checks or by the tenant (every problem listed)
.TP
\fB4\fR
the key is missing, not accepted, or lacks a scope
.TP
\fB5\fR
not found (for \fBleads get\fR, also an id's start that no known lead has)
.TP
\fB6\fR
rate limited after retries
.TP
\fB7\fR
unreachable, a timeout or a server error
.TP
\fB8\fR
a create may have happened (outcome unknown); it waits in the profile's outbox
.TP
\fB9\fR
leadbox's own state on disk could not be read or written: nothing was sent (also: another \fBsync\fR of the profile's mirror is running, or \fB\-\-offline\fR found no mirror)
.TP
\fB10\fR
\fBleads create\fR found a lead with the same email, phone, or name and company: nothing was sent (\fB\-\-allow\-duplicate\fR sends it)
.TP
\fB130\fR
interrupted
"#;
