//! Where the inbox gets its leads: a tenant named on the command line with its key from the environment,
//! or the embedded sandbox. Also where leadbox keeps its files.

use std::path::PathBuf;

use crate::api::ApiKey;

/// The environment variable Novala's own examples read the secret key from.
pub const KEY_ENV: &str = "NOVALA_SECRET_KEY";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "{KEY_ENV} is not set. leadbox needs the tenant's secret key to read and create leads:\n  \
         export {KEY_ENV}=sk_live_…\n  leadbox --api-url {url}\n(Without --api-url, leadbox opens on its embedded sandbox.)"
    )]
    MissingKey { url: String },
    #[error("{KEY_ENV} is set but empty")]
    EmptyKey,
    #[error("no home directory was found for leadbox's data; pass --log-file and run the sandbox with --db")]
    NoDataDir,
}

/// Reads the tenant's key from the environment, described by where it came from and never echoed.
pub fn key_from_env(url: &str, read: impl Fn(&str) -> Option<String>) -> Result<ApiKey, ConfigError> {
    match read(KEY_ENV) {
        None => Err(ConfigError::MissingKey { url: url.to_string() }),
        Some(k) if k.trim().is_empty() => Err(ConfigError::EmptyKey),
        Some(k) => Ok(ApiKey::new(k.trim(), KEY_ENV)),
    }
}

/// The platform's data directory for leadbox (e.g. ~/.local/share/leadbox).
pub fn data_dir() -> Result<PathBuf, ConfigError> {
    directories::ProjectDirs::from("", "", "leadbox")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or(ConfigError::NoDataDir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_key_says_what_to_do() {
        let err = key_from_env("https://acme.novala.ai", |_| None).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("NOVALA_SECRET_KEY is not set"), "{text}");
        assert!(text.contains("--api-url https://acme.novala.ai"), "{text}");
    }

    #[test]
    fn key_is_trimmed_and_named_by_origin() {
        let key = key_from_env("u", |name| (name == KEY_ENV).then(|| " sk_live_abc \n".to_string())).unwrap();
        assert_eq!(key.expose(), "sk_live_abc");
        assert_eq!(key.origin(), KEY_ENV);
        assert!(matches!(
            key_from_env("u", |_| Some("  ".into())),
            Err(ConfigError::EmptyKey)
        ));
    }
}
