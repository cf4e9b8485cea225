//! The status and assignee panes: what each offers, which entry the cursor is on, and the filter each
//! entry stands for.

use crate::api::types::LeadStatus;
use crate::app::lead_view::short_id;
use crate::tenant::TenantProfile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaneKind {
    Status,
    Assignee,
}

/// One entry of the assignee pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssigneeOption {
    /// `None` is "all".
    pub id: Option<String>,
    /// Drawn text: "all", "Name (short id)" or the short id.
    pub label: String,
}

/// The statuses the status pane offers after "all".
pub fn status_options() -> Vec<Option<LeadStatus>> {
    std::iter::once(None)
        .chain(LeadStatus::KNOWN.iter().cloned().map(Some))
        .collect()
}

/// The assignee pane's entry for the rep's own leads.
pub const ASSIGNED_TO_ME: &str = "Assigned to me";

/// "all", then "Assigned to me" when the profile says who the rep is, then the roster in its order, then
/// every other assignee id seen in loaded leads, in the order first seen (so entries never move under the
/// cursor while pages arrive).
pub fn assignee_options(
    profile: &TenantProfile,
    show_names: bool,
    me: Option<&str>,
    seen: &[String],
) -> Vec<AssigneeOption> {
    let mut out = vec![AssigneeOption {
        id: None,
        label: "all".to_string(),
    }];
    if let Some(me) = me {
        out.push(AssigneeOption {
            id: Some(me.to_string()),
            label: ASSIGNED_TO_ME.to_string(),
        });
    }
    for m in profile.roster.iter().filter(|m| Some(m.id.as_str()) != me) {
        let label = if show_names {
            format!("{} ({})", crate::sanitize::line(&m.name), short_id(&m.id))
        } else {
            short_id(&m.id)
        };
        out.push(AssigneeOption {
            id: Some(m.id.clone()),
            label,
        });
    }
    for id in seen {
        if profile.member(id).is_none() && Some(id.as_str()) != me {
            out.push(AssigneeOption {
                id: Some(id.clone()),
                label: short_id(id),
            });
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
