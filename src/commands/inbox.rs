//! `leadbox` with no command: the inbox. Opens the log, the draft and the profile's state file, starts the
//! embedded sandbox when no tenant is configured, and hands all of it to the terminal loop.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use color_eyre::eyre::WrapErr;

use super::prepare::{Prepared, embedded_demo};
use crate::api::worker::spawn_worker_with;
use crate::app::{self, App, AppSettings};
use crate::store::draft_file::{self, DraftFile};
use crate::store::mirror_leads::MirrorLeads;
use crate::store::shared::NoStateFile;
use crate::store::state::StateFile;
use crate::sync::background::{Background, SyncNews};
use crate::{logging, tui};

/// The inbox's name for the embedded sandbox, in its title.
const DEMO_LABEL: &str = "sandbox (demo data; README: Use your own tenant)";

pub async fn run(prepared: Prepared) -> color_eyre::Result<()> {
    let Prepared {
        profile,
        keymap,
        theme,
        client,
        state_dir,
        data_dir,
        log_file,
        terminal,
        view_flag,
        alerts,
        poll_every_secs,
        demo_activity,
    } = prepared;
    let _log =
        logging::to_file(&log_file).wrap_err_with(|| format!("could not open the log file {}", log_file.display()))?;

    let state_path = state_dir
        .as_ref()
        .map(|dir| dir.join("state.sqlite3"))
        .map_err(Clone::clone);
    // Drafts are kept per profile, so one tenant's half-typed lead never opens in another's form.
    let draft_path = state_dir.clone().map(|dir| {
        let path = dir.join(draft_file::FILE_NAME);
        if let Ok(data) = &data_dir {
            // Earlier versions kept the draft in the data directory itself, named after the tenant's host.
            draft_file::adopt_old(data, profile.host(), &path);
        }
        path
    });

    // The sandbox must outlive the inbox, so it is held here until the loop ends.
    let (client, tenant, show_names, _sandbox) = match client {
        Some(client) => {
            let show_names = !profile.tenant.roster.is_empty();
            (client, profile.tenant.clone(), show_names, None)
        }
        None => {
            // The demo tenant lives: simulated colleagues add leads and move them along, gently.
            let (client, sandbox) = embedded_demo(&data_dir, demo_activity).await?;
            let tenant = sandbox.profile().clone();
            (client, tenant, true, Some(sandbox))
        }
    };
    tracing::info!(profile = %crate::sanitize::line(&profile.name), "inbox starting");

    // With a mirror, lists come from it once it holds the whole tenant, and a background sync keeps it so.
    let mirror = match (&state_dir, profile.mirror) {
        (Ok(dir), true) => Some(start_mirror(dir, &client, profile.sync_rate.0, poll_every_secs)),
        _ => None,
    };
    let worker = spawn_worker_with(client, mirror.as_ref().map(|m| m.leads.clone()));
    let (views, view_warnings) = app::views::views(&profile.views, profile.me.as_deref(), &tenant);
    for w in &view_warnings {
        tracing::warn!(warning = %crate::sanitize::line(w), "a saved view was left out");
    }
    let settings = AppSettings {
        views,
        alerts,
        keymap,
        theme,
        me: profile.me.clone(),
        tenant,
        page_size: app::DEFAULT_PAGE_SIZE,
        // On the embedded sandbox the rep is looking at made-up leads: the title says so, and where the README
        // tells how to open a real tenant.
        source_label: if _sandbox.is_some() {
            DEMO_LABEL.to_string()
        } else {
            profile.name.clone()
        },
        show_names,
        poll_every_secs,
        form_defaults: profile.form_defaults.clone(),
    };
    // A placeholder size: tui::run gives the app the terminal's real size before its first request.
    let mut app = App::new(settings, Utc::now(), 80, 24);
    if let Some(m) = &mirror {
        app.use_mirror(m.whole, m.synced_at);
    }
    app.use_commands(profile.commands.clone(), &profile.name);
    let draft_file = match draft_path {
        Ok(path) => Some(open_draft(&mut app, path)),
        Err(e) => {
            tracing::warn!(error = %e, "no place to keep the form's draft");
            app.draft_not_saved(&e.to_string());
            None
        }
    };
    let state = match &state_path {
        Ok(path) => open_state(&mut app, path, view_flag.as_deref()),
        Err(e) => {
            app.local_state_failed(&e.to_string());
            Err(NoStateFile::NoPlace(Arc::new(e.clone())))
        }
    };
    let state = crate::store::shared::SharedProfile::new(state);
    let news = mirror.map(|m| m.news);
    tui::run(app, worker.requests, worker.events, draft_file, state, terminal, news).await?;
    Ok(())
}

/// The profile's mirror as the inbox uses it: the worker's local answers, the background sync's news, and
/// what the file says of itself at start.
struct Mirror {
    leads: Arc<dyn crate::api::worker::LocalLeads>,
    news: tokio::sync::mpsc::UnboundedReceiver<SyncNews>,
    whole: bool,
    synced_at: Option<chrono::DateTime<Utc>>,
}

/// Opens the mirror's reader and starts its background sync, a run every poll period.
fn start_mirror(dir: &Path, client: &crate::api::NovalaClient, rate: f64, poll_every_secs: u32) -> Mirror {
    let path = dir.join(crate::store::mirror::FILE_NAME);
    let (whole, synced_at) = match crate::store::mirror::MirrorFile::open_existing(&path) {
        Ok(file) => {
            let synced = crate::sync::freshness(&file).ok().and_then(|(_, at)| at);
            let synced_at = synced
                .and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok())
                .map(|at| at.with_timezone(&Utc));
            (file.is_complete(), synced_at)
        }
        Err(_) => (false, None),
    };
    let (tx, news) = tokio::sync::mpsc::unbounded_channel();
    let background = Background {
        dir: dir.to_path_buf(),
        rate,
        every: std::time::Duration::from_secs(u64::from(poll_every_secs)),
        sweep_pages: 1,
    };
    crate::sync::background::spawn(client.clone(), background, tx);
    Mirror {
        leads: Arc::new(MirrorLeads::new(path)),
        news,
        whole,
        synced_at,
    }
}

/// Opens the profile's state file and hands the app what it keeps: marks, the last view (or the one
/// `--view` names), the kept pages, the outbox and the cached first page.
fn open_state(app: &mut App, path: &Path, view_flag: Option<&str>) -> Result<StateFile, NoStateFile> {
    let opened = match StateFile::open(path) {
        Ok(opened) => opened,
        Err(e) => {
            // Not set aside (it is not damaged): nothing can be queued until it is fixed, so nothing is
            // sent without its record.
            tracing::warn!(error = %e, "the state file could not be opened");
            app.local_state_failed(&format!("{e}: leads cannot be sent until it opens"));
            return Err(NoStateFile::Unopened(Arc::new(e)));
        }
    };
    if let Some(why) = &opened.set_aside {
        tracing::warn!(why = %why, "the state file was set aside");
        app.local_state_failed(why);
    }
    match opened.file.learned_fields() {
        Ok(learned) => app.learn_fields(&learned),
        Err(e) => tracing::warn!(error = %e, "the learned custom fields were not read"),
    }
    match opened.file.typed_commands() {
        Ok(typed) => app.restore_command_history(typed),
        Err(e) => tracing::warn!(error = %e, "the commands typed at ! before could not be read"),
    }
    let marks = opened.file.marks().unwrap_or_default();
    let remembered = opened.file.get("view").ok().flatten();
    let wanted = view_flag.or(remembered.as_deref());
    if let Some(name) = view_flag
        && !app.views().iter().any(|v| v.name == name)
    {
        let known: Vec<&str> = app.views().iter().map(|v| v.name.as_str()).collect();
        app.local_state_failed(&format!("no view `{name}`; the views are {}", known.join(", ")));
    }
    app.restore_triage(marks, wanted);
    match opened.file.cached_leads() {
        Ok(leads) => app.remember_known(&leads),
        Err(e) => tracing::warn!(error = %e, "the kept pages were not read"),
    }
    match opened.file.outbox() {
        Ok((entries, unreadable)) => {
            if !unreadable.is_empty() {
                app.local_state_failed(&format!(
                    "{} outbox entries could not be read and were left in the state file",
                    unreadable.len()
                ));
            }
            app.restore_outbox(entries);
        }
        Err(e) => app.local_state_failed(&format!("the outbox was not read: {e}")),
    }
    match opened.file.cached_page(&app::page_key(app.list().query())) {
        Ok(Some(leads)) => app.restore_cached_page(&leads),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "the cached first page was not read"),
    }
    Ok(opened.file)
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
