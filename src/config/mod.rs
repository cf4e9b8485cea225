//! Settings, read once before the terminal is touched: the config file, the environment and the flags,
//! each layer overriding the one before. The result is plain values: the profile to open (the built-in
//! sandbox or a tenant with its URL, key, team and custom fields); `[keys]` and `[theme]` as strings, which
//! the keymap and the theme read. A bad file stops leadbox with every problem and where it is; nothing runs
//! half-configured.

mod disk;
pub mod file;
pub mod secret;
pub mod team;

use std::path::{Path, PathBuf};

use novala_leads::tenant::TenantProfile;

use crate::api::ApiKey;
pub use file::{Alerts, ConfigFile, KeySource, Located, Location, Notify, Problem, ProfileConfig, SANDBOX, ViewConfig};

pub use crate::api::KEY_ENV;
/// Overrides where the config file is read from.
pub const CONFIG_ENV: &str = "LEADBOX_CONFIG";
/// Chooses the profile when `--profile` is not given.
pub const PROFILE_ENV: &str = "LEADBOX_PROFILE";
/// A tenant's URL, as `--api-url` gives it.
pub const URL_ENV: &str = "NOVALA_API_URL";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "{KEY_ENV} is not set. leadbox needs the tenant's secret key to read and create leads:\n  \
         export {KEY_ENV}=sk_live_…\n  leadbox --api-url {url}\n(Without --api-url, leadbox opens on its embedded sandbox; \
         a profile in the config file can name where the key comes from instead: leadbox config init.)"
    )]
    MissingKey { url: String },
    #[error("{KEY_ENV} is set but empty")]
    EmptyKey,
    #[error("no home directory was found for leadbox's data; pass --log-file and run the sandbox with --db")]
    NoDataDir,
    #[error("no home directory was found for leadbox's config file; pass --config PATH")]
    NoConfigDir,
    #[error("could not read the config file {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}", render_problems(path, problems))]
    Invalid { path: PathBuf, problems: Vec<Problem> },
    #[error(
        "there is no config file at {} (given with --config); `leadbox --config {} config init` writes one",
        path.display(),
        path.display()
    )]
    NoSuchFile { path: PathBuf },
    #[error("{0}")]
    Profile(String),
    #[error(transparent)]
    Secret(#[from] secret::SecretError),
}

fn render_problems(path: &Path, problems: &[Problem]) -> String {
    let n = problems.len();
    let mut out = format!("{} has {n} problem{}:", path.display(), if n == 1 { "" } else { "s" });
    for p in problems {
        out.push_str("\n  ");
        out.push_str(&p.render(path));
    }
    out.push_str("\n(leadbox config check lists them again once fixed.)");
    out
}

/// Reads the tenant's key from the environment, described by where it came from and never echoed.
pub fn key_from_env(url: &str, read: impl Fn(&str) -> Option<String>) -> Result<ApiKey, ConfigError> {
    match read(KEY_ENV) {
        None => Err(ConfigError::MissingKey {
            url: without_credentials(url),
        }),
        Some(k) if k.trim().is_empty() => Err(ConfigError::EmptyKey),
        Some(k) => Ok(ApiKey::new(k.trim(), KEY_ENV)),
    }
}

/// The platform's data directory for leadbox (e.g. ~/.local/share/leadbox).
pub fn data_dir() -> Result<PathBuf, ConfigError> {
    let dir = directories::ProjectDirs::from("", "", "leadbox")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or(ConfigError::NoDataDir)?;
    make_private_dir(&dir);
    Ok(dir)
}

/// Creates `dir` readable by its owner alone, or makes it so: it holds the rep's drafts, marks, logs and
/// the sandbox's database. A failure here is left for the first file written in it to report.
fn make_private_dir(dir: &Path) {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    let _ = builder.create(dir);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
}

/// Where the config file is read from: `--config`, else `LEADBOX_CONFIG`, else `config.toml` in the
/// platform's config directory (`~/.config/leadbox/config.toml` on Linux).
pub fn config_path(flag: Option<&Path>, env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf, ConfigError> {
    if let Some(path) = flag {
        return Ok(path.to_path_buf());
    }
    if let Some(path) = env(CONFIG_ENV).filter(|p| !p.trim().is_empty()) {
        return Ok(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "leadbox")
        .map(|d| d.config_dir().join("config.toml"))
        .ok_or(ConfigError::NoConfigDir)
}

/// What the command line says about where to connect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    pub config: Option<PathBuf>,
    pub profile: Option<String>,
    pub api_url: Option<String>,
}

/// Which tenant a profile opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The embedded sandbox, which brings its own team and custom fields.
    Sandbox,
    Tenant {
        url: String,
        /// Where the key comes from; read only when the inbox starts (`secret::read_key`).
        key: KeySource,
        allow_insecure_http: bool,
    },
}

/// The profile leadbox opens, every layer applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// `sandbox`, a profile's name, or the host of an `--api-url` given without a profile.
    pub name: String,
    /// False for an `--api-url` without a profile: nothing about the tenant is configured.
    pub named: bool,
    pub target: Target,
    pub me: Option<String>,
    /// The team and custom fields from the file (empty for the sandbox, which knows its own).
    pub tenant: TenantProfile,
    pub views: Vec<ViewConfig>,
    /// What a new lead's form starts with: the file's `[form_defaults]`, then the profile's own.
    pub form_defaults: file::FormDefaults,
    /// Whether the profile keeps a mirror of its tenant (`mirror = true`; always for the sandbox).
    pub mirror: bool,
    /// Requests a second the mirror's sync may spend.
    pub sync_rate: file::SyncRate,
    /// The rep's own commands: the file's `[[commands]]`, then the profile's own (which replace one of the
    /// same name).
    pub commands: Vec<crate::model::user_command::UserCommand>,
}

/// The profile's own directory in leadbox's data directory, created readable by its owner alone (as are
/// the directories above it that leadbox creates).
pub fn profile_dir(data_dir: &Path, profile: &Profile) -> std::io::Result<PathBuf> {
    crate::owner_only::create_dir(profile.state_dir(data_dir))
}

impl Profile {
    /// The tenant's host (`acme.novala.ai`), none for the sandbox: what earlier versions named a draft after.
    pub fn host(&self) -> Option<&str> {
        match &self.target {
            Target::Sandbox => None,
            Target::Tenant { url, .. } => Some(authority_of(url)),
        }
    }

    /// The directory for this profile's own state (drafts, logs, caches), inside leadbox's data directory.
    pub fn state_dir(&self, data_dir: &Path) -> PathBuf {
        let safe: String = self
            .name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let dir = if self.named { safe } else { format!("url-{safe}") };
        data_dir.join("profiles").join(dir)
    }
}

/// Problems a layer above finds in a file that reads well: `[keys]` as the keymap builds them, `[theme]`
/// as the theme does. The config holds those sections as strings and does not know their rules.
pub type MoreChecks = fn(&ConfigFile) -> Vec<Problem>;

/// The config file, or an empty one when there is none. Every problem in it, its own and those `more`
/// finds, is an error.
pub fn load_file(path: &Path, more: MoreChecks) -> Result<ConfigFile, ConfigError> {
    let text = match disk::read_text(path) {
        Ok(Some(text)) => text,
        Ok(None) => {
            return Ok(ConfigFile {
                path: path.to_path_buf(),
                ..ConfigFile::default()
            });
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let (file, mut problems) = check_text(path, &text, more);
    if let Some(at) = file.holds_a_key()
        && let Some(message) = secret::readable_by_others(path)
    {
        problems.push(Problem {
            at,
            key: "key".to_string(),
            message,
        });
    }
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            problems,
        })
    }
}

/// The file as far as it reads, problems and all, for the shell's completions: nothing is checked beyond
/// its shape, no key is read and no key command runs. `None` when there is no file or it cannot be read.
pub fn peek(path: &Path) -> Option<ConfigFile> {
    let text = disk::read_text(path).ok()??;
    Some(file::parse(path, &text).0)
}

/// The config file the flags chose: as [`load_file`], except that a file named by `--config` must exist
/// (a mistyped path must not quietly open the sandbox instead of the rep's tenant).
pub fn load_chosen(path: &Path, flags: &Flags, more: MoreChecks) -> Result<ConfigFile, ConfigError> {
    if flags.config.is_some()
        && let Err(e) = std::fs::metadata(path)
        && e.kind() == std::io::ErrorKind::NotFound
    {
        return Err(ConfigError::NoSuchFile {
            path: path.to_path_buf(),
        });
    }
    load_file(path, more)
}

/// Every problem of a file's text: its shape, its views, then what `more` finds.
pub fn check_text(path: &Path, text: &str, more: MoreChecks) -> (ConfigFile, Vec<Problem>) {
    let (file, mut problems) = file::parse(path, text);
    problems.extend(more(&file));
    problems.extend(view_problems(&file));
    problems.sort_by_key(|p| (p.at.line, p.at.column));
    (file, problems)
}

/// Every saved view whose `assigned_to` names nobody, or several, in its profile's team: such a view would
/// otherwise be left out as the inbox starts.
fn view_problems(file: &ConfigFile) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (name, p) in &file.profiles {
        for v in &p.views {
            let Some(who) = v.assigned_to.as_deref().map(str::trim).filter(|w| !w.is_empty()) else {
                continue;
            };
            if let Err(why) = team::assignee_id(who, p.me.as_deref(), &p.team) {
                problems.push(Problem {
                    at: p.at,
                    key: format!("profiles.{name}.views.{}.assigned_to", v.name),
                    message: why.to_string(),
                });
            }
        }
    }
    problems
}

/// The profile to open: `--profile`, else `LEADBOX_PROFILE`, else an `--api-url` (or `NOVALA_API_URL`) given
/// without a profile, else the file's `default_profile`, else the built-in sandbox. Only the `--api-url`
/// flag replaces a profile's URL: a `NOVALA_API_URL` left in the shell must not carry a profile's key to
/// another host. A pure function of the file, the environment and the flags.
pub fn resolve(file: &ConfigFile, env: &dyn Fn(&str) -> Option<String>, flags: &Flags) -> Result<Profile, ConfigError> {
    let non_empty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let chosen = non_empty(flags.profile.clone()).or_else(|| non_empty(env(PROFILE_ENV)));
    let flag_url = non_empty(flags.api_url.clone());
    let url = flag_url.clone().or_else(|| non_empty(env(URL_ENV)));
    let name = match (&chosen, &url) {
        (Some(name), _) => Some(name.clone()),
        (None, Some(_)) => None,
        (None, None) => Some(
            file.default_profile
                .as_ref()
                .map_or(SANDBOX.to_string(), |d| d.value.clone()),
        ),
    };
    let Some(name) = name else {
        // An unnamed profile: the URL given, the key from NOVALA_SECRET_KEY, nothing else known.
        let url = url.unwrap_or_default();
        return Ok(Profile {
            name: host_of(&url),
            named: false,
            target: Target::Tenant {
                url,
                key: KeySource::Env(KEY_ENV.to_string()),
                allow_insecure_http: false,
            },
            me: None,
            tenant: TenantProfile::default(),
            views: Vec::new(),
            form_defaults: with_me(file.form_defaults.clone(), None),
            mirror: false,
            sync_rate: file::SyncRate(file::DEFAULT_SYNC_RATE),
            commands: commands_of(file, None),
        });
    };
    // From here on a profile is named: only the flag may replace its URL.
    let url = flag_url;
    if name == SANDBOX {
        if url.is_some() {
            return Err(ConfigError::Profile(
                "the sandbox profile has no URL to override: drop --api-url (or NOVALA_API_URL), or choose another profile"
                    .to_string(),
            ));
        }
        return Ok(Profile {
            name,
            named: true,
            target: Target::Sandbox,
            me: None,
            tenant: TenantProfile::default(),
            views: Vec::new(),
            form_defaults: with_me(file.form_defaults.clone(), None),
            // The sandbox runs on this machine: its mirror costs no tenant anything.
            mirror: true,
            sync_rate: file::SyncRate(file::SANDBOX_SYNC_RATE),
            commands: commands_of(file, None),
        });
    }
    let Some(p) = file.profiles.get(&name) else {
        let message = file::missing_profile_message(&name, file);
        let whence = if file.profiles.is_empty() {
            format!(" ({} defines none)", file.path.display())
        } else {
            String::new()
        };
        return Err(ConfigError::Profile(format!("{message}{whence}")));
    };
    // `allow_insecure_http` vouches for the network of the URL written next to it, not for whatever URL a
    // flag or the environment puts in its place.
    let own_url = p.url.as_ref().map(|u| u.value.clone());
    let (url, allow_insecure_http) = match url {
        Some(url) if own_url.as_deref() != Some(url.as_str()) => (url, false),
        _ => (
            own_url.ok_or_else(|| ConfigError::Profile(format!("profile `{name}` has no url")))?,
            p.allow_insecure_http,
        ),
    };
    // A profile that names no key source takes NOVALA_SECRET_KEY; one that names a source keeps it, so a key
    // meant for another tenant in the shell's environment is never sent to this one.
    let key = p
        .key
        .as_ref()
        .map_or(KeySource::Env(KEY_ENV.to_string()), |k| k.value.clone());
    Ok(Profile {
        name,
        named: true,
        target: Target::Tenant {
            url,
            key,
            allow_insecure_http,
        },
        me: p.me.clone(),
        tenant: TenantProfile {
            roster: p.team.clone(),
            custom_fields: p.custom_fields.clone(),
        },
        // A saved view may name a member by first name or the start of a name; from here on it carries the
        // whole name, which every reader of the view knows.
        views: p
            .views
            .iter()
            .map(|v| ViewConfig {
                assigned_to: v.assigned_to.as_deref().map(|who| match team::member(who, &p.team) {
                    Ok(Some(m)) => m.name.clone(),
                    _ => who.to_string(),
                }),
                ..v.clone()
            })
            .collect(),
        form_defaults: with_me(
            file.form_defaults
                .iter()
                .chain(&p.form_defaults)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            p.me.as_deref(),
        ),
        mirror: p.mirror,
        sync_rate: p.sync_rate.unwrap_or(file::SyncRate(file::DEFAULT_SYNC_RATE)),
        commands: commands_of(file, Some(p)),
    })
}

/// The commands a profile runs: the file's own, each replaced by the profile's command of the same name,
/// then the profile's others.
pub fn commands_of(
    file: &ConfigFile,
    profile: Option<&file::ProfileConfig>,
) -> Vec<crate::model::user_command::UserCommand> {
    let own = profile.map_or(&[][..], |p| p.commands.as_slice());
    let mut out: Vec<_> = file
        .commands
        .iter()
        .map(|c| {
            own.iter()
                .find(|o| o.command.name == c.command.name)
                .unwrap_or(c)
                .command
                .clone()
        })
        .collect();
    out.extend(
        own.iter()
            .filter(|o| !file.commands.iter().any(|c| c.command.name == o.command.name))
            .map(|o| o.command.clone()),
    );
    out
}

/// Form defaults with `assigned_to = "me"` made the rep's own id, or left out when the profile does not
/// say who the rep is (there is no one to assign to).
fn with_me(mut defaults: file::FormDefaults, me: Option<&str>) -> file::FormDefaults {
    use crate::model::DraftValue;
    if let Some(DraftValue::Text(who)) = defaults.get("assignedTo")
        && who.trim() == "me"
    {
        match me {
            Some(me) => defaults.insert("assignedTo".to_string(), DraftValue::Text(me.to_string())),
            None => defaults.remove("assignedTo"),
        };
    }
    defaults
}

/// `url` without a `user:password@` written into it, for messages: it is a secret like the key.
pub fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return crate::sanitize::line(url).into_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let rest = match rest[..authority_end].rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    crate::sanitize::line(&format!("{scheme}://{rest}")).into_owned()
}

/// "acme.novala.ai" from "https://acme.novala.ai/api/v1", for the status bar, the log and the state
/// directory. A `user:password@` written into the URL is left out: it is a secret like the key.
pub fn host_of(url: &str) -> String {
    let authority = authority_of(url);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
        .to_string()
}

/// Everything between `://` and the path, as earlier versions named a tenant's draft file after it.
pub fn authority_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// The commented starting file `leadbox config init` writes.
pub const EXAMPLE: &str = include_str!("../../assets/config.example.toml");

/// Writes the starting file at `path`, owner-only, creating its directory; never over an existing file.
pub fn init(path: &Path) -> Result<(), std::io::Error> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    let mut file = crate::owner_only::open(path, options)?;
    std::io::Write::write_all(&mut file, EXAMPLE.as_bytes())
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

    #[test]
    fn a_hosts_name_leaves_out_any_password_in_the_url() {
        assert_eq!(host_of("https://acme.novala.ai/api/v1"), "acme.novala.ai");
        assert_eq!(host_of("http://127.0.0.1:7878"), "127.0.0.1:7878");
        assert_eq!(host_of("https://rep:hunter2@acme.novala.ai/api/v1"), "acme.novala.ai");
        assert_eq!(host_of("https://acme.novala.ai?x=1"), "acme.novala.ai");
        assert_eq!(authority_of("https://rep:pw@acme.novala.ai/x"), "rep:pw@acme.novala.ai");
    }
}
