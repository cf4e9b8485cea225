use std::path::PathBuf;

use chrono::Utc;
use clap::Parser;
use color_eyre::eyre::{WrapErr, eyre};
use leadbox::api::client::NovalaClient;
use leadbox::api::worker::spawn_worker;
use leadbox::app::keymap::Keymap;
use leadbox::app::{self, App, AppSettings};
use leadbox::cli::{Cli, Command, InboxArgs};
use leadbox::store::draft_file::{self, DraftFile};
use leadbox::tenant::TenantProfile;
use leadbox::{config, logging, tui};
use novala_sandbox::{Sandbox, SandboxOptions};

fn main() -> color_eyre::Result<()> {
    // Installed before the terminal is touched, so a panic restores the terminal first and reports after.
    color_eyre::install()?;
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new().wrap_err("could not start the async runtime")?;
    match cli.command {
        Some(Command::Sandbox(args)) => {
            logging::to_stderr();
            let db = match &args.db {
                Some(path) => path.clone(),
                None => config::data_dir()?.join("sandbox.sqlite3"),
            };
            runtime
                .block_on(novala_sandbox::run_standalone(args.options(db)))
                .wrap_err("the sandbox stopped with an error")
        }
        None => runtime.block_on(inbox(cli.inbox)),
    }
}

async fn inbox(args: InboxArgs) -> color_eyre::Result<()> {
    let data_dir = config::data_dir();
    let log_file = match (&args.log_file, &data_dir) {
        (Some(path), _) => path.clone(),
        (None, Ok(dir)) => dir.join("leadbox.log"),
        (None, Err(_)) => std::env::temp_dir().join("leadbox.log"),
    };
    logging::to_file(&log_file).wrap_err_with(|| format!("could not open the log file {}", log_file.display()))?;

    // Drafts are kept per tenant, so one tenant's half-typed lead never opens in another's form.
    let tenant_host = args.api_url.as_deref().map(host_of);
    let draft_path = data_dir
        .as_ref()
        .map(|dir| dir.join(draft_file::file_name(tenant_host.as_deref())))
        .map_err(|e| e.to_string());

    // The sandbox must outlive the inbox, so it is held here until the loop ends.
    let (client, profile, source_label, show_names, _sandbox) = match (&args.api_url, tenant_host) {
        (Some(url), Some(host)) => {
            let key = config::key_from_env(url, |name| std::env::var(name).ok())?;
            let client = NovalaClient::new(url, key).map_err(|e| eyre!("{e}"))?;
            (client, TenantProfile::default(), host, false, None)
        }
        _ => {
            let db = data_dir?.join("sandbox.sqlite3");
            let sandbox = start_embedded_sandbox(db).await?;
            let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).map_err(|e| eyre!("{e}"))?;
            let profile = sandbox.profile().clone();
            (client, profile, "sandbox".to_string(), true, Some(sandbox))
        }
    };
    tracing::info!(source = %source_label, "inbox starting");

    let worker = spawn_worker(client);
    let settings = AppSettings {
        keymap: Keymap::default(),
        theme: leadbox::ui::theme::Theme::default(),
        me: None,
        profile,
        page_size: app::DEFAULT_PAGE_SIZE,
        source_label,
        show_names,
    };
    // A placeholder size: tui::run gives the app the terminal's real size before its first request.
    let mut app = App::new(settings, Utc::now(), 80, 24);
    let draft_file = match draft_path {
        Ok(path) => Some(open_draft(&mut app, path)),
        Err(e) => {
            tracing::warn!(error = %e, "no place to keep the form's draft");
            app.draft_not_saved(&e);
            None
        }
    };
    tui::run(app, worker.requests, worker.events, draft_file).await?;
    Ok(())
}

/// Hands the app the draft left at `path` last time; an unreadable one is reported and started over.
fn open_draft(app: &mut App, path: PathBuf) -> DraftFile {
    let on_disk = match draft_file::load(&path) {
        Ok(draft) => draft,
        Err(e) => {
            tracing::warn!(error = %e, "the draft from last time was not restored");
            app.draft_unreadable(&e.to_string());
            None
        }
    };
    if let Some(draft) = &on_disk {
        tracing::info!(path = %path.display(), "restoring the draft from last time");
        app.restore_draft(draft.clone());
    }
    DraftFile::new(path, on_disk)
}

async fn start_embedded_sandbox(db: PathBuf) -> color_eyre::Result<Sandbox> {
    let options = SandboxOptions::default().db_path(db.clone()).port(0);
    Sandbox::start(options)
        .await
        .wrap_err_with(|| format!("could not start the embedded sandbox on {}", db.display()))
}

/// "acme.novala.ai" from "https://acme.novala.ai/api/v1", for the status bar.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest).to_string()
}
