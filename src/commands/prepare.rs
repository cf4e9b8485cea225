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
    let keymap = crate::keymap::Keymap::from_config(&file).map_err(|errors| eyre!("{errors:?}"))?;
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

/// The embedded sandbox over the SQLite file `db`, on a loopback port of its own.
pub async fn start_embedded_sandbox(db: PathBuf) -> color_eyre::Result<Sandbox> {
    let options = SandboxOptions::default().db_path(db.clone()).port(0);
    Sandbox::start(options)
        .await
        .wrap_err_with(|| format!("could not start the embedded sandbox on {}", db.display()))
}

/// The embedded sandbox of the data directory, and a client for it.
pub async fn embedded_tenant(data_dir: &Result<PathBuf, DirError>) -> color_eyre::Result<(NovalaClient, Sandbox)> {
    let db = data_dir.clone().map_err(|e| eyre!("{e}"))?.join("sandbox.sqlite3");
    let sandbox = start_embedded_sandbox(db).await?;
    let client = NovalaClient::new(&sandbox.base_url(), sandbox.secret_key()).map_err(|e| eyre!("{e}"))?;
    Ok((client, sandbox))
}

#[cfg(test)]
mod tests {
    use super::*;

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
