//! `leads create`'s look-alike check: a script creating a lead the tenant already has (the same email,
//! phone, or name and company) is told which lead, and nothing is sent unless it says `--allow-duplicate`.
//! The same comparison as the inbox's form, over the tenant's newest page and the pages the profile kept.

use crate::api::NovalaClient;
use crate::api::types::{Lead, ListQuery, NewLead};
use crate::app::duplicates::{self, Alike, Known};
use crate::model::lead::CompactLead;
use crate::store::state::StateFile;

/// The known lead `lead` looks like, and how. A tenant that cannot be asked is not a reason to stop here:
/// the create itself then says what went wrong.
pub async fn find(client: &NovalaClient, lead: &NewLead, state: &StateFile) -> Option<(Lead, Alike)> {
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
    match duplicates::find(lead, &views, &[], None)? {
        (Known::Listed(i), how) => known.get(i).cloned().map(|l| (l, how)),
        _ => None,
    }
}

/// What stderr says about the look-alike.
pub fn message(twin: &Lead, how: Alike) -> String {
    let view = CompactLead::new(twin);
    format!(
        "not sent: {} ({}) has {}; --allow-duplicate sends it anyway",
        crate::sanitize::line(view.name()),
        crate::sanitize::line(&twin.id),
        how.word()
    )
}
