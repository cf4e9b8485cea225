//! The `leadbox` binary: turns core dumps off, installs the error report, runs the command the command
//! line asks for, and ends the process with its exit code. Everything else lives in `leadbox::commands`.

use std::io::IsTerminal;

use leadbox::cli::Cli;
use leadbox::commands::exit;

fn main() {
    // First of all, before a key is read: a crash from here on leaves no core file holding it.
    if let Err(e) = leadbox::hardening::no_core_dumps() {
        eprintln!(
            "leadbox: warning: core dumps could not be turned off ({e}); a crash may leave the key in a core file"
        );
    }
    // A shell asking for completions (`LEADBOX_COMPLETE=bash leadbox -- …`) is answered and nothing else runs.
    clap_complete::CompleteEnv::with_factory(leadbox::commands::complete::command)
        .var(leadbox::commands::complete::ENV)
        .complete();
    // Installed before the terminal is touched, so a panic restores the terminal first and reports after.
    // A report read by a program or written to a file carries no colour codes.
    let installed = if std::io::stderr().is_terminal() {
        color_eyre::install()
    } else {
        color_eyre::config::HookBuilder::default()
            .theme(color_eyre::config::Theme::new())
            .install()
    };
    let cli = {
        use clap::FromArgMatches;
        // clap prints its own usage errors and help, and exits with its own code (2 for usage).
        Cli::from_arg_matches(&leadbox::cli::command().get_matches()).unwrap_or_else(|e| e.exit())
    };
    let code = match installed.and_then(|()| leadbox::commands::run(cli)) {
        Ok(code) => code,
        Err(report) => report_failure(&report),
    };
    std::process::exit(code);
}

/// Says what failed in a plain line (the full report with its backtrace only under `RUST_BACKTRACE`); the
/// exit code it means.
fn report_failure(report: &color_eyre::Report) -> i32 {
    // A reader that stopped reading (`leadbox man | head -1`) is not a failure.
    if report.chain().any(is_broken_pipe) {
        return exit::OK;
    }
    if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
        eprintln!("leadbox: {report:?}");
    } else {
        let chain: Vec<String> = report.chain().map(|e| e.to_string()).collect();
        eprintln!("leadbox: {}", leadbox::sanitize::line(&chain.join(": ")));
    }
    exit::FAILURE
}

fn is_broken_pipe(error: &(dyn std::error::Error + 'static)) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
