//! The status and assignee panes: what each offers, which entry the cursor is on, and the filter each
//! entry stands for.

use crate::api::types::LeadStatus;
use crate::tenant::TenantProfile;
use crate::text::short_id;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaneKind {
    Status,
    Assignee,
}

/// What an entry of the assignee pane filters by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssigneeFilter {
    All,
    /// Leads with no assignee. The API filters only by a user's id, so this one narrows the loaded leads.
    Unassigned,
    /// A user's id, sent to the tenant as `assignedTo`.
    User(String),
}

/// One entry of the assignee pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssigneeOption {
    pub filter: AssigneeFilter,
    /// The name, whole ("Diego Fernández"), or the short id when no name is known.
    pub label: String,
    /// The short id, drawn after the name only when another team member has the same name.
    pub id_hint: Option<String>,
    /// Drawn muted after the label: how the entry filters, where that is not at the tenant.
    pub note: Option<&'static str>,
}

impl AssigneeOption {
    fn plain(filter: AssigneeFilter, label: String) -> AssigneeOption {
        AssigneeOption {
            filter,
            label,
            id_hint: None,
            note: None,
        }
    }

    /// The id the tenant is asked to filter by, if any.
    pub fn user(&self) -> Option<&str> {
        match &self.filter {
            AssigneeFilter::User(id) => Some(id),
            _ => None,
        }
    }
}

/// The assignee pane's entry for leads nobody is assigned to.
pub const UNASSIGNED: &str = "Unassigned";
/// What the pane says of it: only the leads loaded so far are narrowed.
pub const LOADED_ONLY: &str = "(loaded)";

/// The statuses the status pane offers after "all".
pub fn status_options() -> Vec<Option<LeadStatus>> {
    std::iter::once(None)
        .chain(LeadStatus::KNOWN.iter().cloned().map(Some))
        .collect()
}

/// The assignee pane's entry for the rep's own leads.
pub const ASSIGNED_TO_ME: &str = "Assigned to me";

/// "all", then "Assigned to me" when the profile says who the rep is, then "Unassigned", then the roster
/// in its order, then every other assignee id seen in loaded leads, in the order first seen (so entries
/// never move under the cursor while pages arrive).
pub fn assignee_options(
    profile: &TenantProfile,
    show_names: bool,
    me: Option<&str>,
    seen: &[String],
    unassigned_note: Option<&'static str>,
) -> Vec<AssigneeOption> {
    let mut out = vec![AssigneeOption::plain(AssigneeFilter::All, "all".to_string())];
    if let Some(me) = me {
        out.push(AssigneeOption::plain(
            AssigneeFilter::User(me.to_string()),
            ASSIGNED_TO_ME.to_string(),
        ));
    }
    out.push(AssigneeOption {
        note: unassigned_note,
        ..AssigneeOption::plain(AssigneeFilter::Unassigned, UNASSIGNED.to_string())
    });
    let names: Vec<String> = profile
        .roster
        .iter()
        .map(|m| crate::sanitize::line(m.name.trim()).into_owned())
        .collect();
    for (m, name) in profile.roster.iter().zip(&names) {
        if Some(m.id.as_str()) == me {
            continue;
        }
        let filter = AssigneeFilter::User(m.id.clone());
        if !show_names || name.is_empty() {
            out.push(AssigneeOption::plain(filter, short_id(&m.id)));
            continue;
        }
        // Only a name two members share needs the id to tell them apart.
        let shared = names.iter().filter(|n| n.to_lowercase() == name.to_lowercase()).count() > 1;
        out.push(AssigneeOption {
            id_hint: shared.then(|| short_id(&m.id)),
            ..AssigneeOption::plain(filter, name.clone())
        });
    }
    for id in seen {
        if profile.member(id).is_none() && Some(id.as_str()) != me {
            out.push(AssigneeOption::plain(AssigneeFilter::User(id.clone()), short_id(id)));
        }
    }
    out
}

/// How an assignee is written in the list and the status bar: the roster name when names are shown,
/// otherwise the short id.
pub fn assignee_label(profile: &TenantProfile, show_names: bool, id: &str) -> String {
    match profile.member(id) {
        Some(m) if show_names => crate::sanitize::line(&m.name).into_owned(),
        _ => short_id(id),
    }
}
