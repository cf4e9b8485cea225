//! Views: which leads the list shows. Three are built in (Inbox: not done; Starred; All) and the profile
//! may save more, each naming a status and an assignee (`me`, a team name or a user id). Number keys switch
//! between them; the last one open is remembered.

use crate::api::types::LeadStatus;
use crate::model::Marks;
use crate::tenant::TenantProfile;

/// Which marks a view admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Triage {
    /// Every lead not marked done.
    NotDone,
    Starred,
    All,
}

impl Triage {
    pub fn admits(self, marks: Option<&Marks>) -> bool {
        match self {
            Triage::NotDone => !marks.is_some_and(|m| m.done),
            Triage::Starred => marks.is_some_and(|m| m.starred),
            Triage::All => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub name: String,
    pub triage: Triage,
    /// The server-side filter a saved view sets; built-in views keep the panes' filters.
    pub status: Option<LeadStatus>,
    pub assigned_to: Option<String>,
    pub saved: bool,
}

impl View {
    fn built_in(name: &str, triage: Triage) -> View {
        View {
            name: name.to_string(),
            triage,
            status: None,
            assigned_to: None,
            saved: false,
        }
    }
}

/// The built-in views, then the profile's saved ones. A saved view's assignee is `me` (the profile's user),
/// a team member's name, or an id; one that names nobody known is left out with a warning.
pub fn views(saved: &[crate::config::ViewConfig], me: Option<&str>, team: &TenantProfile) -> (Vec<View>, Vec<String>) {
    let mut out = vec![
        View::built_in("Inbox", Triage::NotDone),
        View::built_in("Starred", Triage::Starred),
        View::built_in("All", Triage::All),
    ];
    let mut warnings = Vec::new();
    for v in saved {
        let assigned_to = match v.assigned_to.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(who) => match crate::config::team::assignee_id(who, me, &team.roster) {
                Ok(id) => Some(id),
                Err(why) => {
                    warnings.push(format!("view `{}`: {why}", v.name));
                    continue;
                }
            },
        };
        out.push(View {
            name: v.name.clone(),
            triage: Triage::NotDone,
            status: v.status.clone(),
            assigned_to,
            saved: true,
        });
    }
    (out, warnings)
}

impl View {
    /// Whether a lead just arrived (no marks yet) belongs in this view.
    pub fn admits_new(&self, lead: crate::model::LeadRef<'_>) -> bool {
        self.triage.admits(None)
            && self.status.as_ref().is_none_or(|s| *s == lead.status())
            && self
                .assigned_to
                .as_ref()
                .is_none_or(|a| lead.assignee().is_some_and(|x| x.is(a)))
    }
}

pub use crate::config::{Alerts, Notify};
