use std::path::PathBuf;

use chrono::Utc;
use color_eyre::eyre::{WrapErr, eyre};
use leadbox::api::client::{ClientOptions, NovalaClient};
use leadbox::api::worker::spawn_worker;
use leadbox::app::keymap::Keymap;
use leadbox::app::{self, App, AppSettings};
use leadbox::cli::{Cli, Command, ConfigCommand, DiscoverArgs, GlobalArgs, KeyCommand, LeadsCommand};
use leadbox::config::commands;
use leadbox::store::draft_file::{self, DraftFile};
use leadbox::store::state::StateFile;
use leadbox::ui::theme::Theme;
use leadbox::{config, logging, store, tui};
use novala_sandbox::{Sandbox, SandboxOptions};

use std::io::IsTerminal;

/// Exit code of a command used the wrong way (as clap's own usage errors).
const EXIT_USAGE: i32 = 2;

/// The inbox's name for the embedded sandbox, in its title.
const DEMO_LABEL: &str = "sandbox (demo data; README: Use your own tenant)";

/// Exit code of leadbox itself failing: the runtime, the terminal, the log file or the embedded sandbox.
const EXIT_FAILURE: i32 = 1;

fn main() {
    // First of all, before a key is read: a crash from here on leaves no core file holding it.
    if let Err(e) = leadbox::hardening::no_core_dumps() {
        eprintln!(
            "leadbox: warning: core dumps could not be turned off ({e}); a crash may leave the key in a core file"
        );
    }
    // Installed before the terminal is touched, so a panic restores the terminal first and reports after.
    // A report read by a program or written to a file carries no colour codes.
    let installed = if std::io::stderr().is_terminal() {
        color_eyre::install()
    } else {
        color_eyre::config::HookBuilder::default()
            .theme(color_eyre::config::Theme::new())
            .install()
    };
    let result = installed.and_then(|()| run());
    if let Err(report) = result {
        // A reader that stopped reading (`leadbox man | head -1`) is not a failure.
        if report.chain().any(is_broken_pipe) {
            std::process::exit(0);
        }
        // A plain message for the rep; the full report, with its backtrace, only when asked for.
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            eprintln!("leadbox: {report:?}");
        } else {
            let chain: Vec<String> = report.chain().map(|e| e.to_string()).collect();
            eprintln!("leadbox: {}", leadbox::sanitize::line(&chain.join(": ")));
        }
        std::process::exit(EXIT_FAILURE);
    }
}

fn is_broken_pipe(error: &(dyn std::error::Error + 'static)) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Writes `bytes` to stdout; a closed pipe ends the writing quietly.
fn emit(bytes: &[u8]) -> color_eyre::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).wrap_err("could not write to stdout"),
        _ => Ok(()),
    }
}

fn run() -> color_eyre::Result<()> {
    let cli = {
        use clap::FromArgMatches;
        Cli::from_arg_matches(&leadbox::cli::command().get_matches()).map_err(|e| e.exit())?
    };
    let env = |name: &str| std::env::var(name).ok();
    let flags = config::Flags {
        config: cli.global.config.clone(),
        profile: cli.global.profile.clone(),
        api_url: cli.global.api_url.clone(),
    };
    let config_path = || config::config_path(flags.config.as_deref(), &env);
    match cli.command {
        Some(Command::Sandbox(args)) => {
            logging::to_stderr();
            let db = match &args.db {
                Some(path) => path.clone(),
                None => config::data_dir()?.join("sandbox.sqlite3"),
            };
            let runtime = tokio::runtime::Runtime::new().wrap_err("could not start the async runtime")?;
            runtime
                .block_on(novala_sandbox::run_standalone(args.options(db)))
                .wrap_err("the sandbox stopped with an error")
        }
        Some(Command::Config(command)) => {
            let path = config_path()?;
            finish(match command {
                ConfigCommand::Path => commands::path(&path),
                ConfigCommand::Init => commands::init(&path),
                ConfigCommand::Check => commands::check(&path, &env, &flags),
                ConfigCommand::Discover(args) => discover(&path, &env, &flags, &args)?,
            })
        }
        Some(Command::Key(KeyCommand::Set)) => {
            let path = config_path()?;
            let profile = cli.global.profile.as_deref();
            let prompt = format!("Key of profile `{}` (not echoed): ", profile.unwrap_or(""));
            let key = if profile.is_some() {
                // Typed at a terminal without echo; a pipe, cron or a CI job has none to read it from.
                let read = if std::io::stdin().is_terminal() {
                    rpassword::prompt_password(prompt).map_err(|e| e.to_string())
                } else {
                    Err("stdin is not a terminal".to_string())
                };
                match read {
                    Ok(key) => key,
                    Err(why) => {
                        eprintln!(
                            "leadbox: the key is typed at a terminal, without echo, and there is none here ({}); \
                             run `leadbox key set --profile NAME` in a terminal, or give the profile key_command \
                             or key_env",
                            leadbox::sanitize::line(&why)
                        );
                        std::process::exit(EXIT_USAGE);
                    }
                }
            } else {
                String::new()
            };
            finish(commands::key_set(
                config::load_chosen(&path, &flags),
                profile,
                &key,
                config::secret::os_keyring(),
            ))
        }
        Some(Command::Leads(command)) => {
            let prepared = match prepare(&cli.global, &flags, &env) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("leadbox: {e}");
                    std::process::exit(commands::EXIT_CONFIG);
                }
            };
            let runtime = tokio::runtime::Runtime::new().wrap_err("could not start the async runtime")?;
            let code = runtime.block_on(leads(prepared, *command))?;
            std::process::exit(code);
        }
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut leadbox::cli::command(), "leadbox", &mut script);
            emit(&script)
        }
        Some(Command::Man) => {
            let page =
                leadbox::manpage::render(&leadbox::cli::command()).wrap_err("could not write the manual page")?;
            emit(&page)
        }
        None => {
            let prepared = match prepare(&cli.global, &flags, &env) {
                Ok(p) => p,
                Err(e) => {
                    // A bad file or a key that cannot be read stops leadbox before the terminal is touched,
                    // with the whole report and nothing else.
                    eprintln!("leadbox: {e}");
                    std::process::exit(commands::EXIT_CONFIG);
                }
            };
            if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
                // Under cron or in a pipe there is no screen to draw the inbox on (a bad config file is
                // reported first: it is what such a job most needs to hear).
                eprintln!(
                    "leadbox: the inbox needs a terminal (stdin and stdout); for scripts, see `leadbox leads --help`"
                );
                std::process::exit(EXIT_USAGE);
            }
            // The terminal is served by this thread; the API task (and the embedded sandbox) need one more,
            // and a second would only be woken to look for work. The sandbox answers from a blocking thread,
            // kept past the poll period so an inbox left open does not make one every poll.
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .thread_keep_alive(std::time::Duration::from_secs(120))
                .build()
                .wrap_err("could not start the async runtime")?;
            runtime.block_on(inbox(prepared))
        }
    }
}

/// Reads the tenant's newest leads and proposes its team and custom fields.
fn discover(
    path: &std::path::Path,
    env: &dyn Fn(&str) -> Option<String>,
    flags: &config::Flags,
    args: &DiscoverArgs,
) -> color_eyre::Result<commands::Outcome> {
    let fail = |text: String| commands::Outcome {
        stdout: String::new(),
        stderr: format!("leadbox: {text}\n"),
        code: commands::EXIT_CONFIG,
    };
    let file = match config::load_chosen(path, flags) {
        Ok(file) => file,
        Err(e) => return Ok(fail(e.to_string())),
    };
    let profile = match config::resolve(&file, env, flags) {
        Ok(p) => p,
        Err(e) => return Ok(fail(e.to_string())),
    };
    let config::Target::Tenant {
        url,
        key,
        allow_insecure_http,
    } = &profile.target
    else {
        return Ok(fail(
            "the sandbox defines its own team and custom fields; discover a tenant: --profile NAME or --api-url URL"
                .to_string(),
        ));
    };
    if args.append && !profile.named {
        return Ok(fail(
            "--append needs --profile NAME, to know which profile the proposal is for".to_string(),
        ));
    }
    let client = match tenant_client(&profile, url, key, *allow_insecure_http, env) {
        Ok(c) => c,
        Err(e) => return Ok(fail(e)),
    };
    let runtime = tokio::runtime::Runtime::new().wrap_err("could not start the async runtime")?;
    let limit = usize::try_from(args.limit).unwrap_or(usize::MAX);
    let proposal = match runtime.block_on(leadbox::discover::discover(&client, limit)) {
        Ok(p) => p.without_configured(&profile.tenant),
        Err(e) => {
            return Ok(commands::Outcome {
                stdout: String::new(),
                stderr: format!("leadbox: {}\n", leadbox::sanitize::line(&e.to_string())),
                code: 1,
            });
        }
    };
    let block = proposal.to_toml(&profile.name, &Utc::now().format("%Y-%m-%d").to_string());
    let summary = proposal.summary();
    if args.append {
        if let Err(e) = leadbox::discover::append_to_file(path, &block) {
            return Ok(fail(e.to_string()));
        }
        return Ok(commands::Outcome {
            stdout: String::new(),
            stderr: format!(
                "{summary}Appended the proposal, commented out, to {}.\n",
                path.display()
            ),
            code: 0,
        });
    }
    Ok(commands::Outcome {
        stdout: block,
        stderr: summary,
        code: 0,
    })
}

/// The client for a tenant profile: its key read from where the profile says (before any async runtime
/// runs: a keyring may block), plain http allowed only as the profile allows.
fn tenant_client(
    profile: &config::Profile,
    url: &str,
    key: &config::KeySource,
    allow_insecure_http: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<NovalaClient, String> {
    let key = match (key, profile.named) {
        // Without a profile, today's message for a missing NOVALA_SECRET_KEY says what to do.
        (config::KeySource::Env(var), false) if var == config::KEY_ENV => {
            config::key_from_env(url, env).map_err(|e| e.to_string())?
        }
        _ => {
            config::secret::read_key(&profile.name, key, env, &config::secret::os_keyring).map_err(|e| e.to_string())?
        }
    };
    let options = ClientOptions {
        allow_insecure_http,
        ..ClientOptions::default()
    };
    NovalaClient::with_options(url, key, options).map_err(|e| e.to_string())
}

fn finish(outcome: commands::Outcome) -> color_eyre::Result<()> {
    emit(outcome.stdout.as_bytes())?;
    eprint!("{}", outcome.stderr);
    if outcome.code != 0 {
        std::process::exit(outcome.code);
    }
    Ok(())
}

/// Everything the inbox needs that comes from the file, the environment and the flags, read before the
/// terminal is touched (and before the async runtime starts: a keyring may block).
struct Prepared {
    profile: config::Profile,
    keymap: Keymap,
    theme: Theme,
    /// The tenant's client, or `None` for the embedded sandbox.
    client: Option<NovalaClient>,
    state_dir: Result<PathBuf, String>,
    data_dir: Result<PathBuf, String>,
    log_file: PathBuf,
    terminal: tui::TerminalOptions,
    view_flag: Option<String>,
    alerts: leadbox::app::views::Alerts,
    poll_every_secs: u32,
}

fn prepare(
    global: &GlobalArgs,
    flags: &config::Flags,
    env: &dyn Fn(&str) -> Option<String>,
) -> color_eyre::Result<Prepared> {
    let path = config::config_path(flags.config.as_deref(), env)?;
    let file = config::load_chosen(&path, flags)?;
    let profile = config::resolve(&file, env, flags)?;
    let keymap = config::keymap(&file).map_err(|errors| eyre!("{errors:?}"))?;
    let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = config::theme(&file, no_color).map_err(|errors| eyre!("{errors:?}"))?;
    let data_dir = config::data_dir().map_err(|e| e.to_string());
    let state_dir = data_dir
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|dir| store::profile_dir(dir, &profile).map_err(|e| e.to_string()));
    let log_file = match (&global.log_file, &state_dir) {
        (Some(path), _) => path.clone(),
        (None, Ok(dir)) => dir.join("leadbox.log"),
        (None, Err(_)) => std::env::temp_dir().join("leadbox.log"),
    };
    let client = match &profile.target {
        config::Target::Sandbox => None,
        config::Target::Tenant {
            url,
            key,
            allow_insecure_http,
        } => Some(tenant_client(&profile, url, key, *allow_insecure_http, env).map_err(|e| eyre!("{e}"))?),
    };
    let terminal = tui::TerminalOptions {
        mouse: !global.no_mouse && file.mouse != Some(false),
    };
    Ok(Prepared {
        profile,
        keymap,
        theme,
        client,
        state_dir,
        data_dir,
        log_file,
        terminal,
        view_flag: global.view.clone(),
        alerts: file.alerts.clone(),
        poll_every_secs: file.poll_seconds.unwrap_or(app::poll::DEFAULT_POLL_SECS),
    })
}

async fn inbox(prepared: Prepared) -> color_eyre::Result<()> {
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
    } = prepared;
    let _log =
        logging::to_file(&log_file).wrap_err_with(|| format!("could not open the log file {}", log_file.display()))?;

    let state_path = state_dir
        .as_ref()
        .map(|dir| dir.join("state.sqlite3"))
        .map_err(Clone::clone);
    // Drafts are kept per profile, so one tenant's half-typed lead never opens in another's form.
    let draft_path = state_dir.map(|dir| {
        let path = dir.join(draft_file::FILE_NAME);
        if let Ok(data) = &data_dir {
            draft_file::adopt_old(data, &profile, &path);
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
            let db = data_dir.map_err(|e| eyre!("{e}"))?.join("sandbox.sqlite3");
            let sandbox = start_embedded_sandbox(db).await?;
            let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).map_err(|e| eyre!("{e}"))?;
            let tenant = sandbox.profile().clone();
            (client, tenant, true, Some(sandbox))
        }
    };
    tracing::info!(profile = %leadbox::sanitize::line(&profile.name), "inbox starting");

    let worker = spawn_worker(client);
    let (views, view_warnings) = leadbox::app::views::views(&profile.views, profile.me.as_deref(), &tenant);
    for w in &view_warnings {
        tracing::warn!(warning = %leadbox::sanitize::line(w), "a saved view was left out");
    }
    let settings = AppSettings {
        views,
        alerts,
        keymap,
        theme,
        me: profile.me.clone(),
        profile: tenant,
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
    let draft_file = match draft_path {
        Ok(path) => Some(open_draft(&mut app, path)),
        Err(e) => {
            tracing::warn!(error = %e, "no place to keep the form's draft");
            app.draft_not_saved(&e);
            None
        }
    };
    let state = match &state_path {
        Ok(path) => match StateFile::open(path) {
            Ok(opened) => {
                if let Some(why) = &opened.set_aside {
                    tracing::warn!(why = %why, "the state file was set aside");
                    app.local_state_failed(why);
                }
                match opened.file.learned_fields() {
                    Ok(learned) => app.learn_fields(&learned),
                    Err(e) => tracing::warn!(error = %e, "the learned custom fields were not read"),
                }
                let marks = opened.file.marks().unwrap_or_default();
                let remembered = opened.file.get("view").ok().flatten();
                let wanted = view_flag.as_deref().or(remembered.as_deref());
                if let Some(name) = &view_flag
                    && !app.views().iter().any(|v| &v.name == name)
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
                match opened.file.cached_page(&leadbox::app::page_key(app.list().query())) {
                    Ok(Some(leads)) => app.restore_cached_page(&leads),
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "the cached first page was not read"),
                }
                Ok(opened.file)
            }
            Err(e) => {
                // Not set aside (it is not damaged): nothing can be queued until it is fixed, so nothing is
                // sent without its record.
                tracing::warn!(error = %e, "the state file could not be opened");
                app.local_state_failed(&format!("{e}: leads cannot be sent until it opens"));
                Err(e.to_string())
            }
        },
        Err(e) => {
            app.local_state_failed(e);
            Err(e.clone())
        }
    };
    let state = leadbox::store::shared::SharedProfile::new(state);
    tui::run(app, worker.requests, worker.events, draft_file, state, terminal).await?;
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

/// Runs a `leadbox leads` command; returns the exit code.
async fn leads(prepared: Prepared, command: LeadsCommand) -> color_eyre::Result<i32> {
    use leadbox::headless::{self, exit};
    let _log = logging::to_file(&prepared.log_file)
        .wrap_err_with(|| format!("could not open the log file {}", prepared.log_file.display()))?;
    // The sandbox must outlive the command, so it is held here.
    let (client, _sandbox) = match prepared.client {
        Some(client) => (client, None),
        None => {
            let db = prepared
                .data_dir
                .clone()
                .map_err(|e| eyre!("{e}"))?
                .join("sandbox.sqlite3");
            let sandbox = start_embedded_sandbox(db).await?;
            let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).map_err(|e| eyre!("{e}"))?;
            (client, Some(sandbox))
        }
    };
    let (tenant, me) = match &_sandbox {
        Some(sandbox) => (sandbox.profile().clone(), None),
        None => (prepared.profile.tenant.clone(), prepared.profile.me.clone()),
    };
    if let LeadsCommand::Import(args) = &command {
        let identity = match (&_sandbox, prepared.data_dir.as_ref()) {
            (Some(_), Ok(dir)) => format!("the embedded sandbox in {}", dir.join("sandbox.sqlite3").display()),
            _ => client.leads_url().to_string(),
        };
        let tenant = leadbox::import::command::Tenant {
            identity,
            client,
            profile: &tenant,
            me: me.as_deref(),
        };
        return Ok(leadbox::import::command::run(args, tenant, &mut std::io::stderr(), interrupted()).await);
    }
    let width = tui::stdout_columns().unwrap_or(100);
    if let LeadsCommand::Create(args) = &command {
        // Recorded in the profile's outbox before it is sent, like a lead typed in the form.
        let opened = prepared
            .state_dir
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|dir| StateFile::open(&dir.join("state.sqlite3")).map_err(|e| e.to_string()));
        let state = match opened {
            Ok(opened) => {
                if let Some(why) = &opened.set_aside {
                    tracing::warn!(why = %why, "the state file was set aside");
                    eprintln!("leadbox: {why}");
                }
                opened.file
            }
            Err(why) => {
                tracing::warn!(error = %leadbox::sanitize::line(&why), "the state file could not be opened");
                eprintln!(
                    "leadbox: the lead was not sent: the outbox could not be opened ({})",
                    leadbox::sanitize::line(&why)
                );
                return Ok(exit::LOCAL_STATE);
            }
        };
        // What the tenant taught the profile by refusing leads is checked before this one is sent.
        let mut tenant = tenant.clone();
        match state.learned_fields() {
            Ok(learned) => {
                leadbox::app::learned::merge(&mut tenant, &learned);
            }
            Err(e) => tracing::warn!(error = %e, "the learned custom fields were not read"),
        }
        let destination = leadbox::headless::create::Destination {
            client,
            cells: leadbox::import::fields::Cells {
                tenant: &tenant,
                me: me.as_deref(),
            },
            state: &state,
        };
        return Ok(leadbox::headless::create::run(
            args,
            destination,
            width,
            &mut std::io::stdout(),
            &mut std::io::stderr(),
            interrupted(),
        )
        .await);
    }
    let output = |format| headless::Output::for_stdout(format, width, &tenant);
    let mut out = std::io::stdout().lock();
    let result = match command {
        LeadsCommand::Get { id, format } => {
            // The kept pages are only read: a state file that is not there yet is not made for this.
            let known = prepared
                .state_dir
                .as_ref()
                .ok()
                .map(|dir| dir.join("state.sqlite3"))
                .filter(|path| path.exists())
                .and_then(|path| StateFile::open(&path).ok())
                .and_then(|opened| opened.file.cached_leads().ok())
                .unwrap_or_default();
            match headless::name_lead(&client, &id, known).await {
                Ok(headless::Named::Id(id)) => headless::get(&client, &id, &output(format), &mut out).await,
                Ok(headless::Named::Nothing) => {
                    eprintln!(
                        "leadbox: no lead known to this profile has an id starting with `{}` (the newest 100 and \
                         the pages the inbox kept); give the whole id, as `leads list --format jsonl` prints it",
                        leadbox::sanitize::line(&id)
                    );
                    return Ok(exit::NOT_FOUND);
                }
                Ok(headless::Named::Several(leads)) => {
                    eprintln!(
                        "leadbox: {} leads have an id starting with `{}`; give more of it:",
                        leads.len(),
                        leadbox::sanitize::line(&id)
                    );
                    for lead in leads.iter().take(10) {
                        let view = leadbox::app::lead_view::LeadView::new(lead);
                        eprintln!(
                            "  {}  {}",
                            leadbox::sanitize::line(&lead.id),
                            leadbox::sanitize::line(view.name())
                        );
                    }
                    return Ok(exit::USAGE);
                }
                Err(e) => Err(e),
            }
        }
        // Handled above, before stdout is locked.
        LeadsCommand::Import(_) | LeadsCommand::Create(_) => Ok(()),
        LeadsCommand::List {
            status,
            assigned_to,
            limit,
            all,
            format,
        } => {
            let usage = |why: String| {
                eprintln!("leadbox: {}", leadbox::sanitize::line(&why));
                Ok(exit::USAGE)
            };
            let profile = &prepared.profile;
            // The global --view names a saved view whose filters apply (--status and --assigned-to win).
            let view = match prepared.view_flag.as_deref() {
                Some(name) => match profile.views.iter().find(|v| v.name == name) {
                    Some(v) => Some(v.clone()),
                    None => {
                        let names: Vec<&str> = profile.views.iter().map(|v| v.name.as_str()).collect();
                        return usage(format!(
                            "--view: no saved view `{name}` in this profile (saved views: {})",
                            if names.is_empty() {
                                "none".to_string()
                            } else {
                                names.join(", ")
                            }
                        ));
                    }
                },
                None => None,
            };
            // Said in the words of what the rep typed: the flag, or the saved view it came from.
            let (who, whence) = match (assigned_to, view.as_ref().and_then(|v| v.assigned_to.clone())) {
                (Some(who), _) => (Some(who), "--assigned-to".to_string()),
                (None, Some(who)) => (
                    Some(who),
                    format!("view `{}`'s assigned_to", view.as_ref().map_or("", |v| v.name.as_str())),
                ),
                (None, None) => (None, String::new()),
            };
            let assigned_to = match who {
                Some(who) => {
                    let who = match leadbox::config::team::member(&who, &tenant.roster) {
                        Ok(Some(member)) => member.id.clone(),
                        Ok(None) => who,
                        Err(why) => return usage(format!("{whence}: {why}")),
                    };
                    match leadbox::app::views::assignee_id(&who, me.as_deref(), &tenant) {
                        Ok(id) => Some(id),
                        Err(why) => return usage(format!("{whence}: {why}")),
                    }
                }
                None => None,
            };
            let status = match status.as_deref().map(leadbox::api::types::LeadStatus::parse_known) {
                Some(None) => {
                    let known: Vec<&str> = leadbox::api::types::LeadStatus::KNOWN
                        .iter()
                        .map(|s| s.as_str())
                        .collect();
                    eprintln!("leadbox: --status: not a status; the statuses are {}", known.join(", "));
                    return Ok(exit::USAGE);
                }
                Some(status) => status,
                None => view.and_then(|v| v.status),
            };
            let query = leadbox::api::types::ListQuery {
                status,
                assigned_to,
                limit: None,
            };
            headless::list(&client, &query, limit, all, &mut output(format), &mut out)
                .await
                .map(|_| ())
        }
    };
    Ok(match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("leadbox: {}", leadbox::sanitize::line(&e.to_string()));
            headless::exit_code(&e)
        }
    })
}

/// Resolves at the first Ctrl-C or SIGTERM (the command then finishes what is out and stops); a second one
/// ends the process at once, which is safe: every request is in the journal before it leaves.
fn interrupted() -> impl std::future::Future<Output = ()> {
    async fn signal() {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                },
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        signal().await;
        eprintln!("leadbox: stopping after the answers still out (again to stop at once)");
        let _ = tx.send(());
        signal().await;
        eprintln!("leadbox: stopped at once; the journal knows every row that was sent");
        std::process::exit(leadbox::headless::exit::INTERRUPTED);
    });
    async move {
        if rx.await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

async fn start_embedded_sandbox(db: PathBuf) -> color_eyre::Result<Sandbox> {
    let options = SandboxOptions::default().db_path(db.clone()).port(0);
    Sandbox::start(options)
        .await
        .wrap_err_with(|| format!("could not start the embedded sandbox on {}", db.display()))
}
