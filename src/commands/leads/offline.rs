//! `leads list --offline` and `leads get --offline`: the same answers in the same formats, from the
//! profile's mirror (`leadbox sync`), without the network or the embedded sandbox.

use std::io::Write;

use super::{Output, render_one};
use crate::cli::LeadsCommand;
use crate::commands::exit;
use crate::commands::prepare::Prepared;
use crate::commands::sync::{TENANT_META, mirror_path};
use crate::config::Target;
use crate::sanitize;
use crate::store::mirror::{After, Filter, MirrorError, MirrorFile};
use crate::tenant::TenantProfile;

/// Leads read from the mirror at a time: memory stays flat however many it holds.
const CHUNK: usize = 1_000;

/// Runs an offline `leads list` or `leads get`; the exit code.
pub fn run(prepared: &Prepared, command: LeadsCommand) -> i32 {
    let mirror = match open(prepared) {
        Ok(mirror) => mirror,
        Err(code) => return code,
    };
    match crate::sync::freshness(&mirror) {
        Ok((false, _)) => eprintln!(
            "leadbox: the mirror's first sync is not complete, so some leads may be missing (`leadbox sync` goes on)"
        ),
        Ok((true, _)) => {}
        Err(e) => return failed(&e),
    }
    let tenant = match prepared.profile.target {
        // The sandbox's roster and custom fields come from the sandbox, which the sync kept in the mirror.
        Target::Sandbox => mirror
            .meta(TENANT_META)
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str::<TenantProfile>(&json).ok())
            .unwrap_or_default(),
        Target::Tenant { .. } => prepared.profile.tenant.clone(),
    };
    let me = match prepared.profile.target {
        Target::Sandbox => None,
        Target::Tenant { .. } => prepared.profile.me.clone(),
    };
    let width = crate::tui::stdout_columns().unwrap_or(100);
    match command {
        LeadsCommand::List {
            status,
            assigned_to,
            limit,
            all,
            format,
            ..
        } => {
            let query = match super::run::list_query(prepared, &tenant, me.as_deref(), status, assigned_to) {
                Ok(query) => query,
                Err(why) => {
                    eprintln!("leadbox: {}", sanitize::line(&why.to_string()));
                    return exit::USAGE;
                }
            };
            let filter = Filter {
                status: query.status.map(|s| s.as_str().to_string()),
                assigned_to: query.assigned_to,
            };
            let mut output = Output::for_stdout(format, width, &tenant);
            let most = if all { usize::MAX } else { limit };
            match list(&mirror, &filter, most, &mut output, &mut std::io::stdout().lock()) {
                Ok(_) => exit::OK,
                Err(e) => failed(&e),
            }
        }
        LeadsCommand::Get { id, format, .. } => {
            let output = Output::for_stdout(format, width, &tenant);
            get(&mirror, &id, &output)
        }
        // Only list and get have --offline.
        _ => exit::USAGE,
    }
}

fn open(prepared: &Prepared) -> Result<MirrorFile, i32> {
    let dir = prepared.state_dir.as_ref().map_err(|why| {
        eprintln!(
            "leadbox: the profile's directory is not usable: {}",
            sanitize::line(&why.to_string())
        );
        exit::LOCAL_STATE
    })?;
    match MirrorFile::open_existing(&mirror_path(dir)) {
        Ok(mirror) => Ok(mirror),
        Err(MirrorError::Missing { .. }) => {
            let name = sanitize::line(&prepared.profile.name).into_owned();
            let how = if prepared.profile.mirror {
                "run `leadbox sync` first".to_string()
            } else {
                format!("add `mirror = true` to [profiles.{name}] and run `leadbox sync`")
            };
            eprintln!("leadbox: profile `{name}` has no mirror to answer --offline from: {how}");
            Err(exit::LOCAL_STATE)
        }
        Err(e) => Err(failed(&e)),
    }
}

fn failed(e: &MirrorError) -> i32 {
    eprintln!(
        "leadbox: the mirror could not be read: {}",
        sanitize::line(&e.to_string())
    );
    exit::LOCAL_STATE
}

/// Writes up to `most` leads `filter` selects, newest first, as `leads list` writes the tenant's.
pub fn list(
    mirror: &MirrorFile,
    filter: &Filter,
    most: usize,
    output: &mut Output,
    out: &mut impl Write,
) -> Result<usize, MirrorError> {
    let mut after: Option<After> = None;
    let mut written = 0;
    let mut opened = false;
    loop {
        let want = CHUNK.min(most - written);
        let leads = if want == 0 {
            Vec::new()
        } else {
            mirror.page(filter, after.as_ref(), want)?
        };
        if !opened {
            opened = true;
            let _ = write!(out, "{}", output.opening(&leads));
        }
        for lead in &leads {
            let _ = write!(out, "{}", output.lead(lead, written));
            written += 1;
        }
        match leads.last() {
            Some(last) if leads.len() == want && written < most => after = Some(After::of(last)),
            _ => break,
        }
    }
    if output.format == crate::cli::Format::Json {
        let _ = writeln!(out, "{}]", if written == 0 { "" } else { "\n" });
    }
    let _ = out.flush();
    Ok(written)
}

fn get(mirror: &MirrorFile, typed: &str, output: &Output) -> i32 {
    let typed = typed.trim();
    let found = if crate::rules::is_uuid(typed) {
        mirror
            .lead(typed)
            .and_then(|l| match l {
                Some(lead) => Ok(Some(lead)),
                None => mirror.lead(&typed.to_lowercase()),
            })
            .map(|l| l.into_iter().collect::<Vec<_>>())
    } else {
        mirror.with_id_prefix(typed, 11)
    };
    let found = match found {
        Ok(found) => found,
        Err(e) => return failed(&e),
    };
    match found.as_slice() {
        [] => {
            eprintln!(
                "leadbox: no lead in the mirror has an id starting with `{}` (a lead newer than the last \
                 `leadbox sync` is not there yet)",
                sanitize::line(typed)
            );
            exit::NOT_FOUND
        }
        [lead] => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", render_one(lead, output));
            let _ = out.flush();
            exit::OK
        }
        several => {
            eprintln!(
                "leadbox: {}{} leads in the mirror have an id starting with `{}`; give more of it:",
                several.len().min(10),
                if several.len() > 10 { "+" } else { "" },
                sanitize::line(typed)
            );
            for lead in several.iter().take(10) {
                let view = crate::model::CompactLead::new(lead);
                eprintln!("  {}  {}", sanitize::line(&lead.id), sanitize::line(view.name()));
            }
            exit::USAGE
        }
    }
}
