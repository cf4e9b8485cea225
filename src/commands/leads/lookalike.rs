//! The look-alike check of `leads create` and `leads import`: a script creating a lead the tenant already
//! has (the same email, phone, or name and company) is told which lead, and nothing is sent unless it says
//! `--allow-duplicate`.
//!
//! With a mirror (`mirror = true`, and always on the embedded sandbox) every mirrored lead is compared, by
//! the mirror's indexed keys, with the phone compared as a number however it is written
//! ([`crate::model::likeness`]). `leads create` then also looks where it looks without a mirror: the
//! tenant's newest page and the pages the profile kept (the same comparison as the inbox's form), which
//! covers leads newer than the last sync.

use crate::api::NovalaClient;
use crate::api::types::{Lead, ListQuery, NewLead};
use crate::app::duplicates::{self, Known};
use crate::commands::prepare::Prepared;
use crate::model::lead::CompactLead;
use crate::model::likeness::Keys;
use crate::store::mirror::{MirrorError, MirrorFile};
use crate::store::state::StateFile;

/// The profile's mirror to compare with, when it keeps one that has been synced. One that cannot be read
/// is not a reason to stop: the check is then what it is without a mirror.
pub fn open_mirror(prepared: &Prepared) -> Option<MirrorFile> {
    if !prepared.profile.mirror {
        return None;
    }
    let dir = prepared.state_dir.as_ref().ok()?;
    match MirrorFile::open_existing(&crate::commands::sync::mirror_path(dir)) {
        Ok(mirror) => Some(mirror),
        Err(MirrorError::Missing { .. }) => {
            tracing::info!("no mirror yet: the look-alike check reads the tenant's newest leads only");
            None
        }
        Err(e) => {
            tracing::warn!(error = %crate::sanitize::line(&e.to_string()), "the look-alike check could not open the mirror");
            None
        }
    }
}

/// The mirrored lead `lead` looks like, and how; `None` too when the mirror cannot be asked.
pub fn in_mirror(mirror: &MirrorFile, lead: &NewLead) -> Option<(Lead, &'static str)> {
    match mirror.look_alike(&Keys::of_new(lead)) {
        Ok(twin) => twin.map(|t| (t.lead, t.how.word())),
        Err(e) => {
            tracing::warn!(error = %crate::sanitize::line(&e.to_string()), "the look-alike check could not read the mirror");
            None
        }
    }
}

/// The known lead `lead` looks like, and how: among every mirrored lead first, then the tenant's newest
/// page and the kept pages. A tenant that cannot be asked is not a reason to stop here: the create itself
/// then says what went wrong.
pub async fn find(
    client: &NovalaClient,
    lead: &NewLead,
    state: &StateFile,
    mirror: Option<&MirrorFile>,
) -> Option<(Lead, &'static str)> {
    if let Some(found) = mirror.and_then(|m| in_mirror(m, lead)) {
        return Some(found);
    }
    let newest = client
        .list(
            &ListQuery {
                limit: Some(crate::cli::MAX_LIMIT as u32),
                ..ListQuery::default()
            },
            None,
        )
        .await;
    let mut known: Vec<Lead> = match newest {
        Ok(page) => page.data,
        Err(e) => {
            tracing::warn!(error = %crate::sanitize::line(&e.to_string()), "the look-alike check could not list the newest leads");
            Vec::new()
        }
    };
    match state.cached_leads() {
        Ok(kept) => known.extend(
            kept.into_iter()
                .filter(|k| !known.iter().any(|n| n.id == k.id))
                .collect::<Vec<_>>(),
        ),
        Err(e) => tracing::warn!(error = %e, "the look-alike check could not read the kept pages"),
    }
    let views: Vec<CompactLead> = known.iter().map(CompactLead::new).collect();
    match duplicates::find(lead, views.iter().map(CompactLead::row), &[], None)? {
        (Known::Listed(i), how) => known.get(i).cloned().map(|l| (l, how.word())),
        _ => None,
    }
}

/// What stderr says about the look-alike (`how` as [`crate::model::likeness::Alike::word`] says it).
pub fn message(twin: &Lead, how: &str) -> String {
    let view = CompactLead::new(twin);
    format!(
        "not sent: {} ({}) has {}; --allow-duplicate sends it anyway",
        crate::sanitize::line(view.name()),
        crate::sanitize::line(&twin.id),
        how
    )
}
