//! The detail of one lead, laid out as lines for a given width. `update` needs the line count to bound
//! scrolling and `draw` needs the lines, so both call `document`.

use crate::text::wrap;
use chrono::{DateTime, Utc};

use crate::api::types::LeadStatus;
use crate::api::worker::RequestId;
use crate::app::filters::assignee_label;
use crate::model::{CompactLead, LeadRef};
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

/// How much of the lead a document holds, in which order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extent {
    /// Every field, then attribution, custom fields and notes: the detail screen.
    Whole,
    /// What a list's copy surely has (name, company, status, email, phone, assignee, age): the preview's
    /// while the rest is on its way.
    Summary,
    /// Every field, what a rep reads at a glance first: the summary, the notes and the custom fields,
    /// then the rest (the preview pane, which is short).
    Glance,
    /// The glance without its summary: the preview's second column, beside the summary.
    Rest,
}

/// The lead as lines no wider than `width` columns.
pub fn document(
    view: LeadRef<'_>,
    profile: &TenantProfile,
    show_names: bool,
    now: DateTime<Utc>,
    width: usize,
) -> Vec<DocLine> {
    document_of(view, profile, show_names, now, width, Extent::Whole)
}

/// The lead as lines no wider than `width` columns, whole, in summary, or for a glance.
pub fn document_of(
    view: LeadRef<'_>,
    profile: &TenantProfile,
    show_names: bool,
    now: DateTime<Utc>,
    width: usize,
    extent: Extent,
) -> Vec<DocLine> {
    let mut doc = Doc {
        view,
        profile,
        show_names,
        width,
        value_width: width.saturating_sub(LABEL_WIDTH + 1).max(10),
        out: Vec::new(),
    };
    match extent {
        Extent::Whole => {
            doc.fields(now, true);
            doc.attribution();
            doc.custom_fields();
            doc.notes();
        }
        Extent::Summary => doc.fields(now, false),
        Extent::Glance => {
            doc.fields(now, false);
            doc.rest();
        }
        Extent::Rest => {
            doc.rest();
            // A column of its own begins with its first heading.
            doc.out.remove(0);
        }
    }
    doc.out
}

/// A document being written: the lead, how to name things, and the lines so far.
struct Doc<'a> {
    view: LeadRef<'a>,
    profile: &'a TenantProfile,
    show_names: bool,
    width: usize,
    value_width: usize,
    out: Vec<DocLine>,
}

const DASH: &str = "—";

impl Doc<'_> {
    fn field(&mut self, label: &str, value: &str, status: Option<LeadStatus>) {
        for (i, part) in wrap(value, self.value_width).into_iter().enumerate() {
            self.out.push(DocLine::Field {
                label: if i == 0 { label.to_string() } else { String::new() },
                value: part,
                status: status.clone(),
            });
        }
    }

    /// The lead's own fields; `whole` adds source, channel, id and intent among them.
    fn fields(&mut self, now: DateTime<Utc>, whole: bool) {
        let view = self.view;
        let name = if view.name().is_empty() {
            "(no name)"
        } else {
            view.name()
        };
        self.field("Name", name, None);
        self.field("Company", view.company().unwrap_or(DASH), None);
        let status = view.status();
        self.field("Status", status.as_str(), Some(status.clone()));
        if whole {
            self.field("Source", view.source().unwrap_or(DASH), None);
            self.field("Channel", view.channel().unwrap_or(DASH), None);
        }
        self.field("Email", view.email().unwrap_or(DASH), None);
        self.field("Phone", view.phone().unwrap_or(DASH), None);
        let assignee = match view.assignee().map(|id| id.as_str()) {
            Some(id) => match self.profile.member(&id) {
                Some(_) if self.show_names => {
                    format!("{} ({})", assignee_label(self.profile, true, &id), short_id(&id))
                }
                // A summary names an unknown assignee as the list does, by the start of the id.
                _ if !whole => short_id(&id),
                _ => crate::sanitize::line(&id).into_owned(),
            },
            None => "unassigned".to_string(),
        };
        self.field("Assigned to", &assignee, None);
        let ago = match age(view.created_at(), now) {
            a if a == "now" => "just now".to_string(),
            a => format!("{a} ago"),
        };
        if whole {
            let at = view.created_at().format("%Y-%m-%d %H:%M:%S UTC");
            self.field("Created", &format!("{at} ({ago})"), None);
        } else {
            // A summary says how old the lead is; the moment itself is further down.
            self.field("Created", &ago, None);
        }
        if whole {
            self.field("Id", &view.id_display(), None);
            self.field("Intent", view.intent().unwrap_or(DASH), None);
        }
    }

    /// What a glance reads after the summary: the notes, the custom fields, and what the summary left out.
    fn rest(&mut self) {
        self.notes();
        self.custom_fields();
        self.out.push(DocLine::Blank);
        self.out.push(DocLine::Heading("More".to_string()));
        self.more_fields();
        self.attribution();
    }

    /// What `fields` leaves out when not whole.
    fn more_fields(&mut self) {
        let view = self.view;
        let created = view.created_at().format("%Y-%m-%d %H:%M:%S UTC").to_string();
        self.field("Created at", &created, None);
        self.field("Source", view.source().unwrap_or(DASH), None);
        self.field("Channel", view.channel().unwrap_or(DASH), None);
        self.field("Intent", view.intent().unwrap_or(DASH), None);
        self.field("Id", &view.id_display(), None);
    }

    fn attribution(&mut self) {
        self.out.push(DocLine::Blank);
        self.out.push(DocLine::Heading("Attribution".to_string()));
        let view = self.view;
        if view.attribution().next().is_none() {
            self.out.push(DocLine::Text("none".to_string()));
        }
        for (k, v) in view.attribution() {
            self.field(k, v, None);
        }
    }

    fn custom_fields(&mut self) {
        self.out.push(DocLine::Blank);
        self.out.push(DocLine::Heading("Custom fields".to_string()));
        let view = self.view;
        if view.custom_fields().next().is_none() {
            self.out.push(DocLine::Text("none".to_string()));
        }
        for (key, value) in view.custom_fields() {
            let label = match self.profile.custom_field(key) {
                Some(def) if self.show_names => crate::sanitize::line(&def.label).into_owned(),
                _ => key.to_string(),
            };
            self.field(&label, value, None);
        }
    }

    fn notes(&mut self) {
        self.out.push(DocLine::Blank);
        self.out.push(DocLine::Heading("Notes".to_string()));
        match self.view.notes() {
            Some(notes) => {
                for para in notes.split('\n') {
                    if para.trim().is_empty() {
                        self.out.push(DocLine::Text(String::new()));
                        continue;
                    }
                    let width = self.width.max(10);
                    self.out.extend(wrap(para, width).into_iter().map(DocLine::Text));
                }
            }
            None => self.out.push(DocLine::Text("none".to_string())),
        }
    }
}
