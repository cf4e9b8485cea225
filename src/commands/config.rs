//! `leadbox config …` and `leadbox key set`: each returns what to print and how to exit, so the binary stays
//! a thin shell around them and the tests can run them without one.

use std::path::Path;
use std::sync::Arc;

use keyring_core::api::CredentialStore;

use crate::commands::exit;
use crate::config::{self, ConfigError, KeySource, Target};

/// What a command has to say: text for stdout, text for stderr, and the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Outcome {
    fn ok(stdout: String) -> Outcome {
        Outcome {
            stdout,
            stderr: String::new(),
            code: 0,
        }
    }

    fn fail(stderr: String, code: i32) -> Outcome {
        Outcome {
            stdout: String::new(),
            stderr,
            code,
        }
    }
}

pub fn path(path: &Path) -> Outcome {
    let note = if path.exists() {
        ""
    } else {
        "  (not there yet: leadbox config init writes it)"
    };
    Outcome::ok(format!("{}{note}\n", path.display()))
}

pub fn init(path: &Path) -> Outcome {
    if path.exists() {
        return Outcome::fail(
            format!(
                "{} already exists; leadbox never overwrites it. `leadbox config check` checks it.\n",
                path.display()
            ),
            exit::FAILURE,
        );
    }
    match config::init(path) {
        Ok(()) => Outcome::ok(format!(
            "Wrote {} (readable by you alone). Edit the acme profile, then: leadbox config check\n",
            path.display()
        )),
        Err(e) => Outcome::fail(format!("could not write {}: {e}\n", path.display()), exit::FAILURE),
    }
}

/// Every problem of the file, or a summary of its profiles; with a chosen profile, also whether it resolves.
/// Never prints a key.
pub fn check(path: &Path, env: &dyn Fn(&str) -> Option<String>, flags: &config::Flags) -> Outcome {
    let file = match crate::commands::checked::load_chosen(path, flags) {
        Ok(file) => file,
        Err(e) => return Outcome::fail(format!("{e}\n"), exit::USAGE),
    };
    let mut out = String::new();
    if !path.exists() {
        out.push_str(&format!(
            "{} does not exist: leadbox opens its built-in sandbox.\n",
            path.display()
        ));
    } else {
        out.push_str(&format!("{}: no problems.\n", path.display()));
    }
    let default = file
        .default_profile
        .as_ref()
        .map_or(config::SANDBOX, |d| d.value.as_str());
    out.push_str(&format!(
        "  sandbox (built in){}\n",
        if default == config::SANDBOX { ", default" } else { "" }
    ));
    for (name, p) in &file.profiles {
        let source = match p.key.as_ref().map(|k| &k.value) {
            Some(KeySource::Env(var)) => format!("key from ${var}"),
            Some(KeySource::Command(_)) => "key from key_command".to_string(),
            Some(KeySource::Keyring) => "key in the OS keyring".to_string(),
            Some(KeySource::InFile(_)) => "key in this file".to_string(),
            None => format!("key from ${}", config::KEY_ENV),
        };
        let mirror = match (p.mirror, p.sync_rate) {
            (false, _) => String::new(),
            (true, rate) => format!(
                " · mirror, synced at {} requests/s",
                rate.map_or(config::file::DEFAULT_SYNC_RATE, |r| r.0)
            ),
        };
        let commands = config::commands_of(&file, Some(p)).len();
        let commands = match commands {
            0 => String::new(),
            n => format!(" · {}", crate::text::plural(n, "command")),
        };
        out.push_str(&format!(
            "  {name}{}: {} · {source} · team of {} · {} custom field{}{mirror}{commands}\n",
            if default == name { ", default" } else { "" },
            p.url.as_ref().map_or("(no url)", |u| u.value.as_str()),
            p.team.len(),
            p.custom_fields.len(),
            if p.custom_fields.len() == 1 { "" } else { "s" },
        ));
    }
    match config::resolve(&file, env, flags) {
        Ok(profile) => {
            if let Target::Tenant {
                url,
                allow_insecure_http,
                ..
            } = &profile.target
                && let Some(why) = novala_leads::transport::insecure_http_refusal(url, *allow_insecure_http)
            {
                return Outcome::fail(format!("{out}profile `{}`: {why}\n", profile.name), exit::USAGE);
            }
            out.push_str(&format!("leadbox would open: {}\n", profile.name));
            Outcome::ok(out)
        }
        Err(e) => Outcome::fail(format!("{out}{e}\n"), exit::USAGE),
    }
}

/// Stores `key` for the profile `profile` in `store`.
pub fn key_set(
    file: Result<config::ConfigFile, ConfigError>,
    profile: Option<&str>,
    key: &str,
    store: Result<Arc<CredentialStore>, config::secret::KeyringError>,
) -> Outcome {
    let Some(profile) = profile.filter(|p| !p.trim().is_empty()) else {
        return Outcome::fail(
            "say which profile: leadbox key set --profile NAME\n".to_string(),
            exit::USAGE,
        );
    };
    if profile == config::SANDBOX {
        return Outcome::fail("the sandbox needs no key\n".to_string(), exit::USAGE);
    }
    if key.trim().is_empty() {
        return Outcome::fail("no key was typed; nothing stored\n".to_string(), exit::FAILURE);
    }
    let store = match store {
        Ok(store) => store,
        Err(why) => {
            return Outcome::fail(
                format!("the OS keyring cannot be used here ({why}); use key_command or key_env instead\n"),
                exit::FAILURE,
            );
        }
    };
    if let Err(why) = config::secret::store_key(&store, profile, key) {
        return Outcome::fail(format!("the OS keyring refused the key: {why}\n"), exit::FAILURE);
    }
    let uses_keyring = file.ok().and_then(|f| {
        f.profiles
            .get(profile)
            .and_then(|p| p.key.as_ref().map(|k| k.value.clone()))
    }) == Some(KeySource::Keyring);
    let hint = if uses_keyring {
        String::new()
    } else {
        format!(" Add `keyring = true` to [profiles.{profile}] so leadbox reads it from there.")
    };
    Outcome::ok(format!(
        "Stored the key of profile `{profile}` in the OS keyring.{hint}\n"
    ))
}

/// `config discover`: reads the tenant's newest leads and proposes its team and custom fields, printed or
/// (`--append`) added to the file as a commented block.
pub fn discover(
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    flags: &config::Flags,
    args: &crate::cli::DiscoverArgs,
) -> color_eyre::Result<Outcome> {
    use color_eyre::eyre::WrapErr;
    let fail = |text: String| Outcome::fail(format!("leadbox: {text}\n"), exit::USAGE);
    let file = match crate::commands::checked::load_chosen(path, flags) {
        Ok(file) => file,
        Err(e) => return Ok(fail(e.to_string())),
    };
    let profile = match config::resolve(&file, env, flags) {
        Ok(p) => p,
        Err(e) => return Ok(fail(e.to_string())),
    };
    let Target::Tenant {
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
    let client = match crate::commands::prepare::tenant_client(&profile, url, key, *allow_insecure_http, env) {
        Ok(c) => c,
        Err(e) => return Ok(fail(e.to_string())),
    };
    let runtime = tokio::runtime::Runtime::new().wrap_err("could not start the async runtime")?;
    let limit = usize::try_from(args.limit).unwrap_or(usize::MAX);
    let proposal = match runtime.block_on(super::discover::discover(&client, limit)) {
        Ok(p) => p.without_configured(&profile.tenant),
        Err(e) => {
            return Ok(Outcome::fail(
                format!("leadbox: {}\n", crate::sanitize::line(&e.to_string())),
                exit::FAILURE,
            ));
        }
    };
    let block = proposal.to_toml(&profile.name, &chrono::Utc::now().format("%Y-%m-%d").to_string());
    let summary = proposal.summary();
    if args.append {
        if let Err(e) = super::discover::append_to_file(path, &block) {
            return Ok(fail(e.to_string()));
        }
        return Ok(Outcome {
            stdout: String::new(),
            stderr: format!(
                "{summary}Appended the proposal, commented out, to {}.\n",
                path.display()
            ),
            code: exit::OK,
        });
    }
    Ok(Outcome {
        stdout: block,
        stderr: summary,
        code: exit::OK,
    })
}
