//! `leadbox sync`: the profile's mirror brought up to date from its tenant (or the embedded sandbox), with
//! a progress line on a terminal and the run's counts at the end.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use color_eyre::eyre::WrapErr;

use crate::cli::SyncArgs;
use crate::commands::exit;
use crate::commands::prepare::{Prepared, embedded_tenant};
use crate::store::mirror::{self, MirrorFile, SyncLock};
use crate::sync::{self, Phase, Progress, SyncError, SyncOptions};
use crate::{logging, sanitize};

/// The mirror's file in the profile's directory.
pub fn mirror_path(profile_dir: &Path) -> PathBuf {
    profile_dir.join(mirror::FILE_NAME)
}

/// The mirror key under which the tenant's roster and custom fields are kept (the sandbox's, which
/// `--offline` cannot ask it for).
pub const TENANT_META: &str = "tenant";

/// Runs `leadbox sync`; returns the exit code.
pub async fn run(prepared: Prepared, args: &SyncArgs) -> color_eyre::Result<i32> {
    let _log = logging::to_file(&prepared.log_file)
        .wrap_err_with(|| format!("could not open the log file {}", prepared.log_file.display()))?;
    let profile = &prepared.profile;
    if !profile.mirror {
        eprintln!(
            "leadbox: profile `{}` keeps no mirror; add `mirror = true` to [profiles.{}] in the config file",
            sanitize::line(&profile.name),
            sanitize::line(&profile.name)
        );
        return Ok(exit::USAGE);
    }
    let dir = match &prepared.state_dir {
        Ok(dir) => dir.clone(),
        Err(why) => {
            eprintln!(
                "leadbox: the profile's directory is not usable: {}",
                sanitize::line(&why.to_string())
            );
            return Ok(exit::LOCAL_STATE);
        }
    };
    let lock_path = dir.join(mirror::LOCK_NAME);
    let _lock = match SyncLock::try_take(&lock_path) {
        Ok(Some(lock)) => lock,
        Ok(None) => {
            let pid = crate::store::sender::holder(&lock_path).map_or(String::new(), |p| format!(" (pid {p})"));
            eprintln!("leadbox: another leadbox{pid} is syncing this profile's mirror; nothing was done");
            return Ok(exit::LOCAL_STATE);
        }
        Err(e) => {
            eprintln!(
                "leadbox: the mirror's lock {} could not be taken: {e}",
                lock_path.display()
            );
            return Ok(exit::LOCAL_STATE);
        }
    };
    let mut mirror = match MirrorFile::open(&mirror_path(&dir)) {
        Ok(opened) => {
            if let Some(why) = &opened.set_aside {
                tracing::warn!(why = %why, "the mirror was set aside");
                eprintln!("leadbox: {why}");
            }
            opened.file
        }
        Err(e) => {
            eprintln!(
                "leadbox: the mirror could not be opened: {}",
                sanitize::line(&e.to_string())
            );
            return Ok(exit::LOCAL_STATE);
        }
    };
    let (client, sandbox) = match prepared.client.clone() {
        Some(client) => (client, None),
        None => {
            let (client, sandbox) = embedded_tenant(&prepared.data_dir).await?;
            (client, Some(sandbox))
        }
    };
    let tenant = sandbox
        .as_ref()
        .map_or_else(|| profile.tenant.clone(), |s| s.profile().clone());
    if let Ok(json) = serde_json::to_string(&tenant)
        && let Err(e) = mirror.set_meta(TENANT_META, &json)
    {
        eprintln!(
            "leadbox: the mirror could not be written: {}",
            sanitize::line(&e.to_string())
        );
        return Ok(exit::LOCAL_STATE);
    }
    let options = SyncOptions {
        rate: profile.sync_rate.0,
        sweep: args.sweep,
        ..SyncOptions::default()
    };
    let bar = progress_bar();
    let mut show = |p: &Progress<'_>| bar.set_message(progress_line(p));
    let client = sync::client_for_sync(&client);
    let outcome = tokio::select! {
        outcome = sync::run(&client, &mut mirror, &options, &mut show) => Some(outcome),
        () = interrupted() => None,
    };
    bar.finish_and_clear();
    drop(sandbox);
    Ok(match outcome {
        None => {
            eprintln!("leadbox: interrupted; every page read is in the mirror, and the next sync goes on from there");
            exit::INTERRUPTED
        }
        Some(Ok(report)) => {
            println!("{}", summary(&profile.name, &report));
            exit::OK
        }
        Some(Err(e)) => {
            eprintln!("leadbox: the sync stopped: {}", sanitize::line(&e.to_string()));
            eprintln!("leadbox: every page read before is in the mirror; the next sync goes on from there");
            match &e {
                SyncError::Api(api) => exit::of_api_error(api),
                SyncError::Mirror(_) => exit::LOCAL_STATE,
                SyncError::TooManyRequests(_) => exit::UNREACHABLE,
            }
        }
    })
}

/// Ctrl-C or SIGTERM. Every page is committed with its cursor, so stopping at once loses nothing.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

fn progress_bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr_with_hz(4));
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
}

/// "first sync · 3/7 lists done · 12400 leads read · 130 requests · 4.9/s".
pub fn progress_line(p: &Progress<'_>) -> String {
    let part = match p.phase {
        Phase::FirstSync => format!("first sync · {}/{} lists done", p.chains_done, p.chains),
        Phase::Poll => "new leads".to_string(),
        Phase::Sweep => "refresh sweep".to_string(),
    };
    format!(
        "{part} · {} new · {} changed · {} requests · {:.1}/s",
        p.report.new, p.report.changed, p.report.requests, p.rate
    )
}

/// The run in one line: what the mirror holds, what changed, what it cost, how long it took.
pub fn summary(profile: &str, r: &sync::Report) -> String {
    let mut line = format!(
        "synced {}: {} leads in the mirror · {} new · {} changed · {} requests at {:.1}/s (budget {}/s)",
        sanitize::line(profile),
        r.leads,
        r.new,
        r.changed,
        r.requests,
        r.rate(),
        r.budget
    );
    if r.rate_limited > 0 {
        line.push_str(&format!(" · rate limited {} times", r.rate_limited));
    }
    if r.sweeps_finished > 0 {
        line.push_str(" · sweep finished");
    }
    if !r.complete {
        line.push_str(" · first sync not complete");
    }
    line.push_str(&format!(" · {:.1} s", r.elapsed.as_secs_f64()));
    line
}
