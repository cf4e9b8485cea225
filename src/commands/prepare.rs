//! What the inbox and `leadbox leads` read before anything starts: the chosen profile, its keymap and
//! theme, its client with the key already read (a keyring may block, so before any async runtime runs),
//! and where its state and log go.

use std::path::PathBuf;
use std::sync::Arc;

use color_eyre::eyre::{WrapErr, eyre};
use novala_sandbox::{Sandbox, SandboxOptions};

use crate::api::client::{ClientError, ClientOptions, NovalaClient};
use crate::cli::GlobalArgs;
use crate::keymap::Keymap;
use crate::theme::Theme;
use crate::{app, config, tui};

/// Everything the inbox needs that comes from the file, the environment and the flags, read before the
/// terminal is touched (and before the async runtime starts: a keyring may block).
pub struct Prepared {
    pub profile: config::Profile,
    pub keymap: Keymap,
    pub theme: Theme,
    /// The tenant's client, or `None` for the embedded sandbox.
    pub client: Option<NovalaClient>,
    pub state_dir: Result<PathBuf, DirError>,
    pub data_dir: Result<PathBuf, DirError>,
    pub log_file: PathBuf,
    pub terminal: tui::TerminalOptions,
    pub view_flag: Option<String>,
    pub alerts: app::views::Alerts,
    pub poll_every_secs: u32,
    /// Simulated changes a minute on the embedded sandbox while the inbox shows it (see [`DEMO_ACTIVITY`]).
    pub demo_activity: f64,
}

/// Changes a minute the embedded demo tenant's simulated colleagues make while the inbox shows it: one
/// every 80 s, enough to see the tenant live without the list moving under the rep's eyes.
pub const DEMO_ACTIVITY: f64 = 0.75;
/// The variable that sets [`DEMO_ACTIVITY`] (`0` stills the demo tenant; the tests do).
pub const DEMO_ACTIVITY_ENV: &str = "LEADBOX_DEMO_ACTIVITY";

/// The demo's activity as `LEADBOX_DEMO_ACTIVITY` asks (changes a minute, `0` or `off` for none), or
/// [`DEMO_ACTIVITY`]. A value that is not a number is not a reason to refuse to start: the default holds.
pub fn demo_activity(env: &dyn Fn(&str) -> Option<String>) -> f64 {
    let Some(value) = env(DEMO_ACTIVITY_ENV) else {
        return DEMO_ACTIVITY;
    };
    let value = value.trim();
    if value.eq_ignore_ascii_case("off") {
        return 0.0;
    }
    match value.parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => n.min(novala_sandbox::activity::MAX_PER_MINUTE),
        _ => {
            tracing::warn!(value = %crate::sanitize::line(value), "{DEMO_ACTIVITY_ENV} is not a number of changes a minute");
            DEMO_ACTIVITY
        }
    }
}

/// Why there is no directory for leadbox's data, or for the profile's part of it: then nothing is kept
/// on disk, and nothing is queued (so nothing is sent without its record). Cloned, because the state file,
/// the draft and the sandbox each say it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DirError {
    #[error(transparent)]
    NoDataDir(Arc<config::ConfigError>),
    #[error("{}: {source}", path.display())]
    ProfileDir { path: PathBuf, source: Arc<std::io::Error> },
}

/// Why a tenant profile has no client.
#[derive(Debug, thiserror::Error)]
pub enum TenantClientError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Key(#[from] config::secret::SecretError),
    #[error(transparent)]
    Client(#[from] ClientError),
}

pub fn prepare(
    global: &GlobalArgs,
    flags: &config::Flags,
    env: &dyn Fn(&str) -> Option<String>,
) -> color_eyre::Result<Prepared> {
    let path = config::config_path(flags.config.as_deref(), env)?;
    let file = crate::commands::checked::load_chosen(&path, flags)?;
    let profile = config::resolve(&file, env, flags)?;
    let keymap = crate::keymap::Keymap::from_config(&file)
        .map_err(|errors| eyre!("{errors:?}"))?
        .with_commands(&profile.commands)
        .map_err(|errors| eyre!("{errors:?}"))?;
    let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = crate::theme::Theme::from_file(&file, no_color).map_err(|errors| eyre!("{errors:?}"))?;
    let data_dir = config::data_dir().map_err(|e| DirError::NoDataDir(Arc::new(e)));
    let state_dir = data_dir.as_ref().map_err(Clone::clone).and_then(|dir| {
        config::profile_dir(dir, &profile).map_err(|e| DirError::ProfileDir {
            path: profile.state_dir(dir),
            source: Arc::new(e),
        })
    });
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
        demo_activity: demo_activity(env),
    })
}

/// The client for a tenant profile: its key read from where the profile says (before any async runtime
/// runs: a keyring may block), plain http allowed only as the profile allows.
pub fn tenant_client(
    profile: &config::Profile,
    url: &str,
    key: &config::KeySource,
    allow_insecure_http: bool,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<NovalaClient, TenantClientError> {
    let key = match (key, profile.named) {
        // Without a profile, today's message for a missing NOVALA_SECRET_KEY says what to do.
        (config::KeySource::Env(var), false) if var == config::KEY_ENV => config::key_from_env(url, env)?,
        _ => config::secret::read_key(&profile.name, key, env, &config::secret::os_keyring)?,
    };
    let options = ClientOptions {
        allow_insecure_http,
        ..ClientOptions::default()
    };
    Ok(NovalaClient::with_options(url, key, options)?)
}

/// The embedded sandbox over the SQLite file `db`, on a loopback port of its own, its simulated colleagues
/// making `activity` changes a minute (none at 0).
pub async fn start_embedded_sandbox(db: PathBuf, activity: f64) -> color_eyre::Result<Sandbox> {
    // Seeded from the clock: each session's colleagues do something else.
    let seed = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(1);
    let options = SandboxOptions::default()
        .db_path(db.clone())
        .port(0)
        .activity(activity, seed);
    Sandbox::start(options)
        .await
        .wrap_err_with(|| format!("could not start the embedded sandbox on {}", db.display()))
}

/// The embedded sandbox of the data directory, still, and a client for it: what a command (`leads`,
/// `sync`) reads and writes, which changes nothing it did not ask for.
pub async fn embedded_tenant(data_dir: &Result<PathBuf, DirError>) -> color_eyre::Result<(NovalaClient, Sandbox)> {
    embedded_demo(data_dir, 0.0).await
}

/// The embedded sandbox of the data directory with `activity` simulated changes a minute, and a client
/// for it: the demo tenant the inbox shows.
pub async fn embedded_demo(
    data_dir: &Result<PathBuf, DirError>,
    activity: f64,
) -> color_eyre::Result<(NovalaClient, Sandbox)> {
    let db = data_dir.clone().map_err(|e| eyre!("{e}"))?.join("sandbox.sqlite3");
    let sandbox = start_embedded_sandbox(db, activity).await?;
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).map_err(|e| eyre!("{e}"))?;
    Ok((client, sandbox))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_lives_gently_unless_told_otherwise() {
        let with = |v: Option<&str>| {
            let v = v.map(str::to_string);
            demo_activity(&move |name| (name == DEMO_ACTIVITY_ENV).then(|| v.clone()).flatten())
        };
        assert_eq!(with(None), DEMO_ACTIVITY);
        let seconds_between = 60.0 / with(None);
        assert!(
            (60.0..=120.0).contains(&seconds_between),
            "a change every minute or two"
        );
        assert_eq!(with(Some("0")), 0.0);
        assert_eq!(with(Some("off")), 0.0);
        assert_eq!(with(Some(" 12 ")), 12.0);
        assert_eq!(with(Some("lots")), DEMO_ACTIVITY);
        assert_eq!(with(Some("-3")), DEMO_ACTIVITY);
    }

    #[test]
    fn a_profile_directory_that_cannot_be_made_is_named() {
        let why = DirError::ProfileDir {
            path: PathBuf::from("/data/leadbox/acme"),
            source: Arc::new(std::io::Error::from(std::io::ErrorKind::PermissionDenied)),
        };
        assert_eq!(why.to_string(), "/data/leadbox/acme: permission denied");
        let none = DirError::NoDataDir(Arc::new(config::ConfigError::NoDataDir));
        assert!(
            none.to_string()
                .starts_with("no home directory was found for leadbox's data"),
            "{none}"
        );
    }
}
