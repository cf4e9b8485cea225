//! `leadbox man`: the manual. On stdout, one page holding every command in full (`leadbox leads list`, with
//! its flags), so that nothing it names is missing when it is the only page installed. With `--dir`, that
//! page and one per command besides, named as git's are (`leadbox-leads-list(1)`, `leadbox-sync(1)`): each
//! with its options and examples, the exit codes it can end with, and, for the commands that read the config
//! file, where the files are and the environment they read. The inbox's page (`leadbox(1)`) has its keys,
//! from the keymap's table of defaults, and the config file's shape.

mod sections;

use std::io::Write;
use std::path::{Path, PathBuf};

/// One page of the manual: its name (`leadbox-leads-list`) and its roff.
#[derive(Debug, Clone)]
pub struct Page {
    pub name: String,
    pub roff: Vec<u8>,
}

impl Page {
    /// The page's file name in section 1.
    pub fn file_name(&self) -> String {
        format!("{}.1", self.name)
    }
}

/// The one page for stdout, in roff.
pub fn render(cmd: &clap::Command) -> std::io::Result<Vec<u8>> {
    top_page(cmd, &[])
}

/// `leadbox(1)` and a page for every command under it, each naming its neighbours under SEE ALSO.
pub fn pages(cmd: &clap::Command) -> std::io::Result<Vec<Page>> {
    let mut built = without_help_subcommand(cmd.clone());
    built.build();
    let mut subs = Vec::new();
    collect(&built, &mut subs);
    let names: Vec<String> = subs.iter().map(|c| page_name(c)).collect();
    let mut out = vec![Page {
        name: "leadbox".to_string(),
        roff: top_page(cmd, &names)?,
    }];
    for sub in subs {
        out.push(Page {
            name: page_name(sub),
            roff: command_page(sub)?,
        });
    }
    Ok(out)
}

/// Writes every page into `dir` (made if missing); the paths written, in order.
pub fn write_all(cmd: &clap::Command, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for page in pages(cmd)? {
        let path = dir.join(page.file_name());
        std::fs::write(&path, &page.roff)?;
        written.push(path);
    }
    Ok(written)
}

/// `cmd` without clap's `help` subcommand at any level: it has no page, so no page lists it.
fn without_help_subcommand(mut cmd: clap::Command) -> clap::Command {
    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, without_help_subcommand);
    }
    cmd.disable_help_subcommand(true)
}

/// Every command under `cmd` that has a page, depth first in the order `--help` lists them.
fn collect<'c>(cmd: &'c clap::Command, out: &mut Vec<&'c clap::Command>) {
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        out.push(sub);
        collect(sub, out);
    }
}

/// `leadbox-leads-list` for `leadbox leads list` (clap sets the display name when the command is built).
fn page_name(cmd: &clap::Command) -> String {
    cmd.get_display_name().unwrap_or(cmd.get_name()).to_string()
}

fn top_page(cmd: &clap::Command, others: &[String]) -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    writeln!(out, ".SH COMMANDS")?;
    commands(&mut out, cmd, "leadbox")?;
    out.extend_from_slice(sections::keys().as_bytes());
    out.extend_from_slice(sections::CONFIGURATION.as_bytes());
    out.extend_from_slice(sections::FILES.as_bytes());
    out.extend_from_slice(sections::ENVIRONMENT.as_bytes());
    out.extend_from_slice(exit_status(None).as_bytes());
    if !others.is_empty() {
        writeln!(out, ".SH SEE ALSO")?;
        let refs: Vec<String> = others.iter().map(|n| format!("\\fB{}\\fR(1)", escape(n))).collect();
        writeln!(out, "{}", refs.join(", "))?;
    }
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// The page of one command (built, so its bin name and the global flags it takes are in place).
fn command_page(cmd: &clap::Command) -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.clone()).source(format!("leadbox {}", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    let has_subcommands = cmd
        .get_subcommands()
        .any(|s| !s.is_hide_set() && s.get_name() != "help");
    if has_subcommands {
        man.render_subcommands_section(&mut out)?;
    }
    if let Some(after) = cmd.get_after_help() {
        out.extend_from_slice(examples(&after.to_string()).as_bytes());
    }
    let name = page_name(cmd);
    let reads_config = cmd.get_arguments().any(|a| a.get_id() == "config" && !a.is_hide_set());
    if name.starts_with("leadbox-config") {
        out.extend_from_slice(sections::CONFIGURATION.as_bytes());
    }
    if reads_config {
        out.extend_from_slice(sections::FILES.as_bytes());
        out.extend_from_slice(sections::ENVIRONMENT.as_bytes());
    }
    out.extend_from_slice(exit_status(Some(&name)).as_bytes());
    writeln!(out, ".SH SEE ALSO")?;
    let parent = name.rsplit_once('-').map_or("leadbox", |(p, _)| p).to_string();
    let mut refs = vec![parent];
    if has_subcommands {
        refs.extend(
            cmd.get_subcommands()
                .filter(|s| !s.is_hide_set() && s.get_name() != "help")
                .map(page_name),
        );
    }
    if reads_config && !name.starts_with("leadbox-config") {
        refs.push("leadbox-config".to_string());
    }
    let refs: Vec<String> = refs.iter().map(|n| format!("\\fB{}\\fR(1)", escape(n))).collect();
    writeln!(out, "{}", refs.join(", "))?;
    // The version the page documents, as the top page says it (a subcommand has no --version of its own).
    writeln!(out, ".SH VERSION\nv{}", env!("CARGO_PKG_VERSION"))?;
    Ok(out)
}

/// A command's after-help as an EXAMPLES section: the example lines (indented by two spaces) kept as
/// written, the sentences around them filled.
fn examples(after: &str) -> String {
    let mut out = String::from(".SH EXAMPLES\n");
    for paragraph in after.split("\n\n") {
        let mut verbatim = false;
        out.push_str(".PP\n");
        for line in paragraph.lines() {
            let example = line.starts_with("  ");
            if example && !verbatim {
                out.push_str(".nf\n");
            } else if !example && verbatim {
                out.push_str(".fi\n");
            }
            verbatim = example;
            out.push_str(&escape(if example { line.trim_start() } else { line }));
            out.push('\n');
        }
        if verbatim {
            out.push_str(".fi\n");
        }
    }
    out
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

/// The EXIT STATUS section, from the one table of exit codes: the codes the page's command can end with
/// (every code for the inbox's page, `None`).
fn exit_status(page: Option<&str>) -> String {
    let codes = page.and_then(sections::local_codes);
    let mut out = String::from(".SH EXIT STATUS\n");
    for (code, means) in crate::commands::exit::TABLE {
        if codes.is_some_and(|c| !c.contains(code)) {
            continue;
        }
        out.push_str(&format!(".TP\n\\fB{code}\\fR\n{}\n", escape(means)));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples_keep_their_lines_and_fill_the_sentences() {
        let roff = super::examples("Examples:\n  leadbox sync\n  leadbox sync --sweep all\n\nExit codes: 0 synced");
        assert_eq!(
            roff,
            ".SH EXAMPLES\n.PP\nExamples:\n.nf\nleadbox sync\nleadbox sync \\-\\-sweep all\n.fi\n.PP\nExit codes: 0 synced\n"
        );
    }
}
