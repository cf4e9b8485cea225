//! The detail of one lead, laid out as lines for a given width. `update` needs the line count to bound
//! scrolling and `draw` needs the lines, so both call `document`.

use crate::text::wrap;
use chrono::{DateTime, Utc};

use crate::api::types::LeadStatus;
use crate::api::worker::RequestId;
use crate::app::filters::assignee_label;
use crate::model::CompactLead;
use crate::tenant::TenantProfile;
use crate::text::{age, short_id};

#[derive(Debug, Clone, PartialEq)]
pub struct DetailState {
    pub view: CompactLead,
    /// The `Get` whose answer refreshes `view`, while awaited.
    pub request: Option<RequestId>,
    /// True once the server's copy has replaced the list's.
    pub refreshed: bool,
    /// Why the refresh failed, if it did.
    pub error: Option<String>,
    pub scroll: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DocLine {
    /// A labelled value; continuation lines of a wrapped value have an empty label.
    Field {
        label: String,
        value: String,
        status: Option<LeadStatus>,
    },
    Heading(String),
    /// Wrapped free text (notes, intent).
    Text(String),
    Blank,
}

/// The width of the label column.
pub const LABEL_WIDTH: usize = 14;

/// The lead as lines no wider than `width` columns.
pub fn document(
    view: &CompactLead,
    profile: &TenantProfile,
    show_names: bool,
    now: DateTime<Utc>,
    width: usize,
) -> Vec<DocLine> {
    let value_width = width.saturating_sub(LABEL_WIDTH + 1).max(10);
    let mut out = Vec::new();
    let field = |out: &mut Vec<DocLine>, label: &str, value: &str, status: Option<LeadStatus>| {
        for (i, part) in wrap(value, value_width).into_iter().enumerate() {
            out.push(DocLine::Field {
                label: if i == 0 { label.to_string() } else { String::new() },
                value: part,
                status: status.clone(),
            });
        }
    };
    let dash = "—";
    let name = if view.name().is_empty() {
        "(no name)"
    } else {
        view.name()
    };
    field(&mut out, "Name", name, None);
    field(&mut out, "Company", view.company().unwrap_or(dash), None);
    let status = view.status();
    field(&mut out, "Status", status.as_str(), Some(status.clone()));
    field(&mut out, "Source", view.source().unwrap_or(dash), None);
    field(&mut out, "Channel", view.channel().unwrap_or(dash), None);
    field(&mut out, "Email", view.email().unwrap_or(dash), None);
    field(&mut out, "Phone", view.phone().unwrap_or(dash), None);
    let assignee = match view.assignee().map(|id| id.as_str()) {
        Some(id) => match profile.member(&id) {
            Some(_) if show_names => format!("{} ({})", assignee_label(profile, true, &id), short_id(&id)),
            _ => crate::sanitize::line(&id).into_owned(),
        },
        None => "unassigned".to_string(),
    };
    field(&mut out, "Assigned to", &assignee, None);
    let created = format!(
        "{} ({} ago)",
        view.created_at().format("%Y-%m-%d %H:%M:%S UTC"),
        age(view.created_at(), now)
    );
    let created = created.replace("(now ago)", "(just now)");
    field(&mut out, "Created", &created, None);
    field(&mut out, "Id", &view.id_display(), None);
    field(&mut out, "Intent", view.intent().unwrap_or(dash), None);

    out.push(DocLine::Blank);
    out.push(DocLine::Heading("Attribution".to_string()));
    if view.attribution().next().is_none() {
        out.push(DocLine::Text("none".to_string()));
    }
    for (k, v) in view.attribution() {
        field(&mut out, k, v, None);
    }

    out.push(DocLine::Blank);
    out.push(DocLine::Heading("Custom fields".to_string()));
    if view.custom_fields().next().is_none() {
        out.push(DocLine::Text("none".to_string()));
    }
    for (key, value) in view.custom_fields() {
        let label = match profile.custom_field(key) {
            Some(def) if show_names => crate::sanitize::line(&def.label).into_owned(),
            _ => key.to_string(),
        };
        field(&mut out, &label, value, None);
    }

    out.push(DocLine::Blank);
    out.push(DocLine::Heading("Notes".to_string()));
    match view.notes() {
        Some(notes) => {
            for para in notes.split('\n') {
                if para.trim().is_empty() {
                    out.push(DocLine::Text(String::new()));
                    continue;
                }
                out.extend(wrap(para, width.max(10)).into_iter().map(DocLine::Text));
            }
        }
        None => out.push(DocLine::Text("none".to_string())),
    }
    out
}
