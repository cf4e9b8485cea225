//! `leadbox leads …` from the parsed command line to its exit code: the tenant (or the embedded sandbox),
//! then the subcommand.

use std::io::Write;

use color_eyre::eyre::WrapErr;

use super::{Named, Output};
use crate::api::NovalaClient;
use crate::api::types::{LeadStatus, ListQuery};
use crate::cli::LeadsCommand;
use crate::commands::exit;
use crate::commands::prepare::{Prepared, embedded_tenant};
use crate::commands::signals::{Interrupts, interrupts};
use crate::sanitize;
use crate::store::state::StateFile;
use crate::tenant::TenantProfile;
use crate::{logging, tui};

/// Runs a `leadbox leads` command; returns the exit code.
pub async fn run(prepared: Prepared, command: LeadsCommand) -> color_eyre::Result<i32> {
    let _log = logging::to_file(&prepared.log_file)
        .wrap_err_with(|| format!("could not open the log file {}", prepared.log_file.display()))?;
    // From the mirror, before any client or sandbox: --offline touches no network.
    if matches!(
        command,
        LeadsCommand::List { offline: true, .. } | LeadsCommand::Get { offline: true, .. }
    ) {
        return Ok(super::offline::run(&prepared, command));
    }
    // The sandbox must outlive the command, so it is held here.
    let (client, sandbox) = match prepared.client.clone() {
        Some(client) => (client, None),
        None => {
            let (client, sandbox) = embedded_tenant(&prepared.data_dir).await?;
            (client, Some(sandbox))
        }
    };
    let (tenant, me) = match &sandbox {
        Some(sandbox) => (sandbox.profile().clone(), None),
        None => (prepared.profile.tenant.clone(), prepared.profile.me.clone()),
    };
    Ok(match command {
        LeadsCommand::Import(args) => {
            let identity = match (&sandbox, prepared.data_dir.as_ref()) {
                (Some(_), Ok(dir)) => {
                    format!("the embedded sandbox in {}", dir.join("sandbox.sqlite3").display())
                }
                _ => client.leads_url().to_string(),
            };
            let mirror = super::lookalike::open_mirror(&prepared);
            let tenant = crate::commands::import::Tenant {
                identity,
                client,
                profile: &tenant,
                me: me.as_deref(),
                mirror: mirror.as_ref(),
            };
            // Only the commands that send listen for Ctrl-C: a list or a get just stops.
            let Interrupts { first, second } = interrupts();
            let mut stderr = std::io::stderr();
            let import = crate::commands::import::run(&args, tenant, &mut stderr, first);
            at_once_on(second, import).await
        }
        LeadsCommand::Create(args) => {
            let Interrupts { first, second } = interrupts();
            at_once_on(second, create(&prepared, &args, client, &tenant, me.as_deref(), first)).await
        }
        LeadsCommand::Get { id, format, .. } => get(&prepared, &client, &tenant, &id, format).await,
        LeadsCommand::List {
            status,
            assigned_to,
            limit,
            all,
            format,
            ..
        } => {
            let query = match list_query(&prepared, &tenant, me.as_deref(), status, assigned_to) {
                Ok(query) => query,
                Err(why) => {
                    eprintln!("leadbox: {}", sanitize::line(&why.to_string()));
                    return Ok(exit::USAGE);
                }
            };
            let width = tui::stdout_columns().unwrap_or(100);
            let mut output = Output::for_stdout(format, width, &tenant);
            let mut out = std::io::stdout().lock();
            let listed = super::list(&client, &query, limit, all, &mut output, &mut out).await;
            finished(listed.map(|_| ()))
        }
    })
}

/// `command`'s exit code, or at `second` (the second Ctrl-C) at once: what was sent is in the journal or
/// the outbox already.
async fn at_once_on(
    second: impl std::future::Future<Output = ()>,
    command: impl std::future::Future<Output = i32>,
) -> i32 {
    tokio::select! {
        code = command => code,
        () = second => exit::INTERRUPTED,
    }
}

/// The exit code of a finished read, its error said on stderr.
fn finished(result: Result<(), crate::api::error::ApiError>) -> i32 {
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("leadbox: {}", sanitize::line(&e.to_string()));
            exit::of_api_error(&e)
        }
    }
}

/// Why `leads create` has no outbox to record its lead in.
#[derive(Debug, thiserror::Error)]
enum OutboxUnopened {
    #[error(transparent)]
    NoPlace(crate::commands::prepare::DirError),
    #[error(transparent)]
    State(crate::store::state::StateError),
}

/// `leads create`: recorded in the profile's outbox before it is sent, like a lead typed in the form.
async fn create(
    prepared: &Prepared,
    args: &crate::cli::CreateArgs,
    client: NovalaClient,
    tenant: &TenantProfile,
    me: Option<&str>,
    interrupted: impl std::future::Future<Output = ()>,
) -> i32 {
    let opened = prepared
        .state_dir
        .as_ref()
        .map_err(Clone::clone)
        .map_err(OutboxUnopened::NoPlace)
        .and_then(|dir| StateFile::open(&dir.join("state.sqlite3")).map_err(OutboxUnopened::State));
    let state = match opened {
        Ok(opened) => {
            if let Some(why) = &opened.set_aside {
                tracing::warn!(why = %why, "the state file was set aside");
                eprintln!("leadbox: {why}");
            }
            opened.file
        }
        Err(why) => {
            let why = why.to_string();
            tracing::warn!(error = %sanitize::line(&why), "the state file could not be opened");
            eprintln!(
                "leadbox: the lead was not sent: the outbox could not be opened ({})",
                sanitize::line(&why)
            );
            return exit::LOCAL_STATE;
        }
    };
    // What the tenant taught the profile by refusing leads is checked before this one is sent.
    let mut tenant = tenant.clone();
    match state.learned_fields() {
        Ok(learned) => {
            crate::app::learned::merge(&mut tenant, &learned);
        }
        Err(e) => tracing::warn!(error = %e, "the learned custom fields were not read"),
    }
    let mirror = super::lookalike::open_mirror(prepared);
    let destination = super::create::Destination {
        client,
        cells: crate::import::fields::Cells { tenant: &tenant, me },
        state: &state,
        mirror: mirror.as_ref(),
    };
    let width = tui::stdout_columns().unwrap_or(100);
    super::create::run(
        args,
        destination,
        width,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
        interrupted,
    )
    .await
}

/// `leads get ID`: the whole id, or the start of one that a single known lead has.
async fn get(
    prepared: &Prepared,
    client: &NovalaClient,
    tenant: &TenantProfile,
    typed: &str,
    format: super::Format,
) -> i32 {
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
    match super::name_lead(client, typed, known).await {
        Ok(Named::Id(id)) => {
            let width = tui::stdout_columns().unwrap_or(100);
            let output = Output::for_stdout(format, width, tenant);
            let mut out = std::io::stdout().lock();
            let got = super::get(client, &id, &output, &mut out).await;
            let _ = out.flush();
            finished(got)
        }
        Ok(Named::Nothing) => {
            eprintln!(
                "leadbox: no lead known to this profile has an id starting with `{}` (the newest 100 and \
                 the pages the inbox kept); give the whole id, as `leads list --format jsonl` prints it",
                sanitize::line(typed)
            );
            exit::NOT_FOUND
        }
        Ok(Named::Several(leads)) => {
            eprintln!(
                "leadbox: {} leads have an id starting with `{}`; give more of it:",
                leads.len(),
                sanitize::line(typed)
            );
            for lead in leads.iter().take(10) {
                let view = crate::model::lead::CompactLead::new(lead);
                eprintln!("  {}  {}", sanitize::line(&lead.id), sanitize::line(view.name()));
            }
            exit::USAGE
        }
        Err(e) => finished(Err(e)),
    }
}

/// Why the flags and the saved view ask for no list: said in the words of what the rep typed.
#[derive(Debug, thiserror::Error)]
pub(super) enum QueryError {
    #[error("--view: no saved view `{name}` in this profile (saved views: {})", if saved.is_empty() { "none".to_string() } else { saved.join(", ") })]
    NoSuchView { name: String, saved: Vec<String> },
    /// `whence` is the flag, or the saved view's `assigned_to`.
    #[error("{whence}: {reason}")]
    NoSuchMember {
        whence: String,
        reason: crate::config::team::MemberError,
    },
    #[error("--status: not a status; the statuses are {}", LeadStatus::KNOWN.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))]
    NotAStatus,
}

/// The query `leads list` asks for: its flags, over the saved view `--view` names (the flags win). An
/// error is said in the words of what the rep typed: the flag, or the saved view it came from.
pub(super) fn list_query(
    prepared: &Prepared,
    tenant: &TenantProfile,
    me: Option<&str>,
    status: Option<String>,
    assigned_to: Option<String>,
) -> Result<ListQuery, QueryError> {
    let profile = &prepared.profile;
    let view = match prepared.view_flag.as_deref() {
        Some(name) => match profile.views.iter().find(|v| v.name == name) {
            Some(v) => Some(v.clone()),
            None => {
                return Err(QueryError::NoSuchView {
                    name: name.to_string(),
                    saved: profile.views.iter().map(|v| v.name.clone()).collect(),
                });
            }
        },
        None => None,
    };
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
            let id = crate::config::team::assignee_id(&who, me, &tenant.roster);
            Some(id.map_err(|reason| QueryError::NoSuchMember { whence, reason })?)
        }
        None => None,
    };
    let status = match status.as_deref().map(LeadStatus::parse_known) {
        Some(None) => return Err(QueryError::NotAStatus),
        Some(status) => status,
        None => view.and_then(|v| v.status),
    };
    Ok(ListQuery {
        status,
        assigned_to,
        limit: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_that_cannot_be_asked_for_is_said_in_the_words_of_the_flag() {
        let none = QueryError::NoSuchView {
            name: "hot".into(),
            saved: vec![],
        };
        assert_eq!(
            none.to_string(),
            "--view: no saved view `hot` in this profile (saved views: none)"
        );
        let some = QueryError::NoSuchView {
            name: "hot".into(),
            saved: vec!["mine".into(), "emea".into()],
        };
        assert_eq!(
            some.to_string(),
            "--view: no saved view `hot` in this profile (saved views: mine, emea)"
        );
        assert_eq!(
            QueryError::NotAStatus.to_string(),
            "--status: not a status; the statuses are new, contacted, qualifying, qualified, converted, \
             disqualified, lost"
        );
    }
}
