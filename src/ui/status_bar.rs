//! The bottom line: network activity, filters, how much is loaded, and the last error or key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::app::action::FormCommand;
use crate::app::filters::assignee_label;
use crate::app::keymap::{Action, Context};
use crate::app::list::PageState;
use crate::app::{App, Focus, Screen};
use crate::ui::SPINNER;
use crate::ui::text::{count, fit};

/// "status: new · assignee: Ada Admin"
pub fn filters_text(app: &App) -> String {
    let q = app.list().query();
    let status = q.status.as_ref().map_or("all", |s| s.as_str());
    let assignee = q.assigned_to.as_deref().map_or_else(
        || "all".to_string(),
        |id| assignee_label(&app.settings().profile, app.settings().show_names, id),
    );
    format!("status: {status} · assignee: {assignee}")
}

fn loaded_text(app: &App) -> String {
    // Leads typed here and not created yet: how many wait, and how many wait for the rep.
    let outbox = app.outbox();
    let waiting = match (outbox.pending(), outbox.needing_rep()) {
        (0, 0) => String::new(),
        (p, 0) => format!(" · {p} to send"),
        (0, r) => format!(" · {r} need you"),
        (p, r) => format!(" · {p} to send, {r} need you"),
    };
    // Another leadbox on this profile sends what is typed here: the rep must know it is not this one.
    let waiting = match app.sender() {
        crate::store::sender::Sender::Other(pid) => {
            let pid = pid.map(|p| format!(" {p}")).unwrap_or_default();
            format!("{waiting} · outbox: pid{pid}")
        }
        crate::store::sender::Sender::Me => waiting,
    };
    list_text(app) + &waiting
}

fn list_text(app: &App) -> String {
    let list = app.list();
    if list.is_cached() {
        return format!("cached · {} from last time · refreshing", count(list.leads().len()));
    }
    if app.loading_all() {
        let stop = app
            .keymap()
            .hint_key(Context::List, Action::LoadAll)
            .unwrap_or_default();
        return format!("loading all · {} loaded · {stop} stops", count(list.leads().len()));
    }
    if list.is_first_load() {
        return match list.pages() {
            PageState::Failed { .. } => "nothing loaded".to_string(),
            _ => "loading".to_string(),
        };
    }
    // In the detail, where the open lead sits in the list.
    if app.screen() == Screen::Detail && !list.is_empty() {
        let more = if list.has_more() { " · more" } else { "" };
        return format!("lead {} of {}{more}", count(list.selected() + 1), count(list.len()));
    }
    let n = count(list.leads().len());
    let unread = match app.unread() {
        0 => String::new(),
        u => format!(" · {} unread", count(u)),
    };
    // Leads that arrived above the window while the rep was further down: they must not go unseen.
    let above = match list.new_above() {
        0 => String::new(),
        k => format!("↑ {} new · ", count(k)),
    };
    if list.has_more() {
        format!("{above}{n} loaded · more{unread}")
    } else {
        format!("{above}{n} loaded · all{unread}")
    }
}

/// Only the filters in force, for when an error needs the room: "status: new", or nothing.
fn compact_filters_text(app: &App) -> String {
    let q = app.list().query();
    let mut parts = Vec::new();
    if let Some(s) = &q.status {
        parts.push(format!("status: {}", s.as_str()));
    }
    if let Some(id) = &q.assigned_to {
        parts.push(format!(
            "assignee: {}",
            assignee_label(&app.settings().profile, app.settings().show_names, id)
        ));
    }
    parts.join(" · ")
}

/// The hints on the right, each key read from the keymap: "↵ open · s/a filter · ? help".
fn hints(app: &App) -> String {
    let keymap = app.keymap();
    let key = |ctx, action| keymap.hint_key(ctx, action);
    let pair = |a: Option<String>, b: Option<String>| match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}/{b}")),
        (a, b) => a.or(b),
    };
    if app.search_box().is_some() {
        let parts = [
            (key(Context::Search, Action::Choose), "keep"),
            (key(Context::Search, Action::Back), "clear"),
            (key(Context::List, Action::LoadAll), "load all"),
        ];
        return parts
            .into_iter()
            .filter_map(|(k, word)| k.map(|k| format!("{k} {word}")))
            .collect::<Vec<_>>()
            .join(" · ");
    }
    let parts: Vec<(Option<String>, &str)> = match (app.screen(), app.focus()) {
        (Screen::Detail, _) => vec![
            (key(Context::Detail, Action::Back), "back"),
            (
                pair(key(Context::Move, Action::Down), key(Context::Move, Action::Up)),
                "scroll",
            ),
        ],
        (Screen::Outbox, _) => vec![
            (key(Context::Outbox, Action::Open), "edit"),
            (key(Context::Outbox, Action::SendAgain), "send now"),
            (key(Context::Outbox, Action::Drop), "drop"),
            (key(Context::Outbox, Action::Back), "back"),
        ],
        (Screen::Form, _) => vec![
            (keymap.form_hint_key(FormCommand::Submit), "create"),
            (keymap.form_hint_key(FormCommand::Cancel), "close"),
        ],
        (Screen::List, Focus::Pane(_)) => vec![
            (key(Context::Pane, Action::Choose), "apply"),
            (key(Context::Pane, Action::Back), "back"),
            (key(Context::Global, Action::ToggleHelp), "help"),
        ],
        (Screen::List, Focus::List) => vec![
            (key(Context::List, Action::Open), "open"),
            (
                pair(
                    key(Context::Global, Action::FocusStatus),
                    key(Context::Global, Action::FocusAssignee),
                ),
                "filter",
            ),
            (key(Context::Global, Action::ToggleHelp), "help"),
        ],
    };
    parts
        .into_iter()
        .filter_map(|(k, word)| k.map(|k| format!("{k} {word}")))
        .collect::<Vec<_>>()
        .join(" · ")
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let look = app.theme();
    let width = usize::from(area.width);
    let activity = if app.busy() {
        Span::styled(format!(" {} ", SPINNER[app.spinner() % SPINNER.len()]), look.busy())
    } else {
        Span::raw("   ")
    };
    // Something under way is no success yet: it is said without the tick.
    let said = |n: &str| {
        if app.notice_is_progress() {
            (n.to_string(), look.busy())
        } else {
            (format!("✔ {n}"), look.active())
        }
    };
    let (right_text, right_style) = match (app.error(), app.notice()) {
        (Some(_), Some(n)) if app.notice_is_newer() => said(n),
        (Some(e), _) => (format!("✖ {e}"), look.error()),
        (None, Some(n)) => said(n),
        (None, None) => (hints(app), look.muted()),
    };
    let mut left = format!("{} │ {} ", loaded_text(app), filters_text(app));
    if let Some((typed, _)) = app.search_box() {
        left = format!(
            "/{typed}▏ {} match{} │ ",
            count(app.list().len()),
            if app.list().len() == 1 { "" } else { "es" }
        );
    }
    // The right side (an error, a notice, the hints) matters more than spelling out filters not in force.
    if 3 + left.width() + right_text.width() > width {
        let filters = compact_filters_text(app);
        left = if filters.is_empty() {
            format!("{} │ ", loaded_text(app))
        } else {
            format!("{} │ {filters} │ ", loaded_text(app))
        };
    }
    let left = fit(&left, width.saturating_sub(3));
    let room = width.saturating_sub(3 + left.width() + 1);
    let right = Span::styled(fit(&right_text, room), right_style);
    let pad = width.saturating_sub(3 + left.width() + right.content.width() + 1);
    let line = Line::from(vec![activity, Span::raw(left), Span::raw(" ".repeat(pad)), right]);
    frame.render_widget(Paragraph::new(line).style(look.status_bar()), area);
}
