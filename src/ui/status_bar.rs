//! The bottom line: network activity, how much is loaded, the outbox, the filters, and on the right the last
//! error or notice, what may follow the first key of a sequence, or the keys that work here. When it does
//! not fit, the parts that tell least give way first (filters not in force, then hints, then shorter
//! counts), and only then is a part cut, with an ellipsis inside it: the counts, the outbox, the filters in
//! force and an error always keep a place.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::app::action::{FormCommand, LeadField};
use crate::app::filters::{UNASSIGNED, assignee_label};
use crate::app::list::PageState;
use crate::app::{App, Focus, Screen};
use crate::keymap::{Action, Context};
use crate::text::{count, fit};
use crate::ui::SPINNER;

/// "status: new · assignee: Ada Admin"
pub fn filters_text(app: &App) -> String {
    let q = app.list().query();
    let status = q.status.as_ref().map_or("all", |s| s.as_str());
    let assignee = assignee_text(app).unwrap_or_else(|| "all".to_string());
    format!("status: {status} · assignee: {assignee}")
}

/// The assignee filter in force, if any: a name, a short id, or "unassigned".
fn assignee_text(app: &App) -> Option<String> {
    if app.unassigned_only() {
        let unassigned = UNASSIGNED.to_lowercase();
        return Some(match app.unassigned_note() {
            Some(note) => format!("{unassigned} {note}"),
            None => unassigned,
        });
    }
    let id = app.list().query().assigned_to.as_deref()?;
    // The pane's "Assigned to me", said as short: the rep knows their own leads without a name or an id.
    if app.settings().me.as_deref() == Some(id) {
        return Some("me".to_string());
    }
    Some(assignee_label(&app.settings().tenant, app.settings().show_names, id))
}

/// What is loaded, the leads new above the window, and the outbox: a part each, so that each can give way
/// on its own and none of them is lost to another.
fn count_parts(app: &App) -> Vec<Part> {
    let mut parts = Vec::new();
    let list = app.list();
    let loaded = count(list.leads().len());
    if list.is_cached() {
        parts.push(Part::new(
            Slot::Counts,
            format!("cached · {loaded} from last time · refreshing"),
            8,
        ));
    } else if app.mirror().is_some_and(|m| m.whole) && list.has_more() {
        parts.push(Part::new(Slot::Counts, format!("from the mirror · {loaded} loaded"), 8));
    } else if app.loading_all() {
        let stop = app
            .keymap()
            .hint_key(Context::List, Action::LoadAll)
            .unwrap_or_default();
        parts.push(Part::new(
            Slot::Counts,
            format!("loading all · {loaded} loaded · {stop} stops"),
            8,
        ));
    } else if list.is_first_load() {
        let text = match list.pages() {
            PageState::Failed { .. } => "nothing loaded",
            _ => "loading",
        };
        parts.push(Part::new(Slot::Counts, text.to_string(), 0));
    } else if app.screen() == Screen::Detail && !list.is_empty() {
        // In the detail, where the open lead sits in the list.
        let more = if list.has_more() { " · more" } else { "" };
        parts.push(Part::new(
            Slot::Counts,
            format!("lead {} of {}{more}", count(list.selected() + 1), count(list.len())),
            8,
        ));
    } else {
        // Leads that arrived above the window while the rep was further down: they must not go unseen.
        if list.new_above() > 0 {
            parts.push(Part::new(Slot::Counts, format!("↑ {} new", count(list.new_above())), 0));
        }
        let unread = match app.unread() {
            0 => String::new(),
            u => format!(" · {} unread", count(u)),
        };
        let (more, plus) = if list.has_more() { ("more", "+") } else { ("all", "") };
        parts.push(
            Part::new(Slot::Counts, format!("{loaded} loaded · {more}{unread}"), 8)
                .or(format!("{loaded}{plus}{unread}"), RANK_COUNTS_SHORT),
        );
    }
    // Leads picked for the keys that act on many: in sight wherever those keys act on them, with those the
    // list hides. The detail's keys act on the open lead alone, so there the count would mislead.
    if app.picked_count() > 0 && app.screen() != Screen::Detail {
        let picked = format!("{} picked", count(app.picked_count()));
        parts.push(match app.picked_hidden() {
            0 => Part::new(Slot::Counts, picked, 0),
            h => Part::new(Slot::Counts, format!("{picked} ({} hidden)", count(h)), 0),
        });
    }
    // Leads typed here and not created yet: how many wait, and how many wait for the rep.
    let outbox = app.outbox();
    let waiting = match (outbox.pending(), outbox.needing_rep()) {
        (0, 0) => None,
        (p, 0) => Some(format!("{p} to send")),
        (0, r) => Some(format!("{r} need you")),
        (p, r) => Some(format!("{p} to send, {r} need you")),
    };
    parts.extend(waiting.map(|w| Part::new(Slot::Counts, w, 8)));
    // How fresh the mirror is; with no network, that the inbox shows the leads as last synced.
    // Offline gives way last (down to the word itself); how fresh, after the hints beyond the first but
    // before the counts shorten: a rep over a mirror reads how old the list is at a glance.
    if let Some(words) = app.mirror_words() {
        let part = Part::new(Slot::Counts, words, 0);
        parts.push(match app.mirror().is_some_and(|m| m.failing.is_some()) {
            true => part.or("offline".to_string(), RANK_COUNTS_SHORT),
            false => part.or(String::new(), RANK_FRESHNESS),
        });
    }
    // Another leadbox on this profile sends what is typed here: the rep must know it is not this one.
    if let crate::store::sender::Sender::Other(pid) = app.sender() {
        let pid = pid.map(|p| format!(" {p}")).unwrap_or_default();
        parts.push(Part::new(Slot::Counts, format!("outbox: pid{pid}"), 8));
    }
    parts
}

/// How much of the filters a rendering spells out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Spelling {
    /// "status: new · assignee: Diego Fernández"
    Named,
    /// "new · Diego Fernández"
    Values,
    /// "new · Diego"
    FirstNames,
}

/// Only the filters in force, for when the bar needs the room: "status: new", or nothing.
fn compact_filters_text(app: &App, spelling: Spelling) -> String {
    let short = spelling != Spelling::Named;
    let q = app.list().query();
    let mut parts = Vec::new();
    if let Some(s) = &q.status {
        parts.push(if short {
            s.as_str().to_string()
        } else {
            format!("status: {}", s.as_str())
        });
    }
    if let Some(who) = assignee_text(app) {
        let who = match spelling {
            Spelling::Named => format!("assignee: {who}"),
            Spelling::Values => who,
            Spelling::FirstNames => who.split_whitespace().next().unwrap_or_default().to_string(),
        };
        parts.push(who);
    }
    parts.join(" · ")
}

/// The hints on the right, most useful first, each key read from the keymap: "↵ open · / search · ? help".
/// Help's key, when bound, is always last: it is kept when the others give way.
fn hints(app: &App) -> Vec<String> {
    let keymap = app.keymap();
    let key = |ctx, action| keymap.hint_key(ctx, action);
    let pair = |a: Option<String>, b: Option<String>| match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}/{b}")),
        (a, b) => a.or(b),
    };
    let help = (key(Context::Global, Action::ToggleHelp), "help");
    let triage = (
        pair(
            key(Context::Lead, Action::ToggleDone),
            key(Context::Lead, Action::ToggleStar),
        ),
        "done/star",
    );
    let copy = (
        keymap.hint_prefix(Context::Lead, Action::Copy(LeadField::Email)),
        "copy",
    );
    let open = (
        keymap.hint_prefix(Context::Lead, Action::OpenWith(LeadField::Email)),
        "open",
    );
    let clear = |ctx| {
        let k = key(ctx, Action::ClearFilters).filter(|_| app.filters_beyond_view());
        (k, "clear filters")
    };
    let parts: Vec<(Option<String>, &str)> = if app.export_prompt().is_some() {
        vec![
            (key(Context::Search, Action::Choose), "export"),
            (key(Context::Search, Action::Back), "cancel"),
        ]
    } else if app.command_prompt().is_some() {
        vec![
            (key(Context::Prompt, Action::Choose), "run"),
            (key(Context::Prompt, Action::Back), "close"),
            (key(Context::Prompt, Action::Up), "earlier"),
        ]
    } else if app.search_box().is_some() {
        vec![
            (key(Context::Search, Action::Choose), "keep"),
            (key(Context::Search, Action::Back), "clear"),
            (
                pair(key(Context::Search, Action::Down), key(Context::Search, Action::Up)),
                "matches",
            ),
        ]
    } else {
        match (app.screen(), app.focus()) {
            (Screen::Detail, _) => vec![
                (key(Context::Detail, Action::Back), "back"),
                (
                    pair(
                        key(Context::Detail, Action::NextLead),
                        key(Context::Detail, Action::PrevLead),
                    ),
                    "next/previous lead",
                ),
                (
                    pair(key(Context::Move, Action::Down), key(Context::Move, Action::Up)),
                    "scroll",
                ),
                triage,
                copy,
                open,
                help,
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
            (Screen::List, Focus::Preview) => vec![
                (key(Context::Detail, Action::Back), "back"),
                (
                    pair(key(Context::Move, Action::Down), key(Context::Move, Action::Up)),
                    "scroll",
                ),
                (
                    pair(
                        key(Context::Detail, Action::NextLead),
                        key(Context::Detail, Action::PrevLead),
                    ),
                    "next/previous lead",
                ),
                (key(Context::Lead, Action::TogglePreview), "close"),
                help,
            ],
            (Screen::List, Focus::Pane(_)) => vec![
                (key(Context::Pane, Action::Choose), "apply"),
                clear(Context::Pane),
                (key(Context::Pane, Action::Back), "back"),
                help,
            ],
            (Screen::List, Focus::List) => vec![
                (key(Context::List, Action::Open), "open"),
                // Next to open when it has something to clear: the way back from a narrowed list.
                clear(Context::List),
                (key(Context::List, Action::Search), "search"),
                (
                    pair(
                        key(Context::Global, Action::FocusStatus),
                        key(Context::Global, Action::FocusAssignee),
                    ),
                    "filter",
                ),
                triage,
                copy,
                open,
                (key(Context::Global, Action::NewLead), "new"),
                help,
            ],
        }
    };
    parts
        .into_iter()
        .filter_map(|(k, word)| k.map(|k| format!("{k} {word}")))
        .collect()
}

/// "y… e email · p phone · n name · i id · esc cancels": what may follow the keys of a sequence typed so
/// far, from the keymap in force.
fn pending_hint(app: &App) -> Option<Vec<String>> {
    let pending = app.pending_keys();
    if pending.is_empty() {
        return None;
    }
    let typed = pending.iter().map(|k| k.short_label()).collect::<Vec<_>>().join(" ");
    let next: Vec<String> = app
        .keymap()
        .continuations(app.contexts(), pending)
        .into_iter()
        .map(|(rest, action)| format!("{rest} {}", app.keymap().word_for(action)))
        .collect();
    let mut items = vec![format!("{typed}… {}", next.join(" · "))];
    items.push("esc cancels".to_string());
    Some(items)
}

/// One part of the bar: its renderings from the fullest to the shortest, each with the rank at which
/// the bar gives way to it (the highest rank goes first), and how narrow a cut may make it once every part
/// is as short as it goes.
struct Part {
    forms: Vec<(String, u8)>,
    at: usize,
    /// 0: never cut (it is short and means nothing cut).
    min_cut: usize,
    slot: Slot,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// What is loaded, new above, the outbox: joined with " · ".
    Counts,
    /// The filters, after " │ ".
    Filters,
    /// The message or hints, on the right.
    Right,
}

impl Part {
    fn new(slot: Slot, full: String, min_cut: usize) -> Part {
        Part {
            forms: vec![(full, 0)],
            at: 0,
            min_cut,
            slot,
        }
    }

    /// A shorter rendering, given way to at `rank`.
    fn or(mut self, shorter: String, rank: u8) -> Part {
        self.forms.push((shorter, rank));
        self
    }

    fn text(&self) -> &str {
        self.forms.get(self.at).map_or("", |(t, _)| t.as_str())
    }

    /// The rank of the next shortening, if there is one.
    fn next_rank(&self) -> Option<u8> {
        self.forms.get(self.at + 1).map(|(_, r)| *r)
    }
}

/// The left side as drawn: counts joined with " · ", then " │ " and the filters.
fn left_text(parts: &[Part]) -> String {
    let counts: Vec<&str> = parts
        .iter()
        .filter(|p| p.slot == Slot::Counts)
        .map(Part::text)
        .filter(|t| !t.is_empty())
        .collect();
    let counts = counts.join(" · ");
    let filters = parts
        .iter()
        .filter(|p| p.slot == Slot::Filters)
        .map(Part::text)
        .find(|t| !t.is_empty());
    match filters {
        Some(f) if counts.is_empty() => f.to_string(),
        Some(f) => format!("{counts} │ {f}"),
        None => counts,
    }
}

fn right_text(parts: &[Part]) -> String {
    parts
        .iter()
        .filter(|p| p.slot == Slot::Right)
        .map(Part::text)
        .collect::<Vec<_>>()
        .concat()
}

/// The columns the bar needs: the activity, the left side and a space, the right side and a space.
fn needed(parts: &[Part]) -> usize {
    3 + left_text(parts).width() + 1 + right_text(parts).width() + 1
}

/// Gives way part by part until the bar fits `width`: first the shortenings of the highest rank, then
/// cuts with an ellipsis inside a part, the least useful part first, each no narrower than it may be.
/// `cut_order` names each part to cut with the narrowest it may be made at that step (0: its own least).
fn lay_out(parts: &mut [Part], width: usize, cut_order: &[(usize, usize)]) {
    while needed(parts) > width {
        let next = parts
            .iter_mut()
            .filter_map(|p| p.next_rank().map(|r| (r, p)))
            .max_by_key(|(r, _)| *r);
        match next {
            Some((_, part)) => part.at += 1,
            None => break,
        }
    }
    for &(i, floor) in cut_order {
        let over = needed(parts).saturating_sub(width);
        if over == 0 {
            return;
        }
        let Some(part) = parts.get_mut(i) else {
            continue;
        };
        let text = part.text().to_string();
        let least = part.min_cut.max(floor);
        if part.min_cut == 0 || text.width() <= least {
            continue;
        }
        let to = text.width().saturating_sub(over).max(least);
        if let Some(form) = part.forms.get_mut(part.at) {
            form.0 = fit(&text, to);
        }
    }
}

/// The items of a hint line as the bar's forms: all of them, then fewer from the end (help's key stays
/// last), then help's alone, then none.
fn hint_part(items: Vec<String>, keep_last: bool) -> Part {
    let joined = |items: &[String]| items.join(" · ");
    let mut part = Part::new(Slot::Right, joined(&items), 0);
    let (body, last) = match (keep_last, items.split_last()) {
        (true, Some((last, body))) => (body.to_vec(), Some(last.clone())),
        _ => (items.clone(), None),
    };
    for n in (1..body.len()).rev() {
        let mut kept = body[..n].to_vec();
        kept.extend(last.clone());
        part = part.or(joined(&kept), RANK_HINTS);
    }
    if let Some(last) = last.filter(|_| !body.is_empty()) {
        part = part.or(last, RANK_HINTS_LAST);
    }
    part.or(String::new(), RANK_HINTS_LAST)
}

/// The order parts give way in, the first to go highest: filters not in force are noise next to any
/// hint; hints beyond help before the counts are shortened; help's key before the filters in force are.
const RANK_FILTERS_ALL: u8 = 9;
const RANK_HINTS: u8 = 8;
const RANK_FRESHNESS: u8 = 7;
const RANK_COUNTS_SHORT: u8 = 6;
const RANK_HINTS_LAST: u8 = 5;
const RANK_FILTERS_SHORT: u8 = 4;
const RANK_FILTERS_FIRST_NAMES: u8 = 3;

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
            (Part::new(Slot::Right, n.to_string(), 12), look.busy())
        } else {
            (Part::new(Slot::Right, format!("✔ {n}"), 12), look.active())
        }
    };
    let pending = pending_hint(app);
    let (right, right_style) = match (app.error(), app.notice()) {
        _ if pending.is_some() => (
            Part::new(Slot::Right, pending.clone().unwrap_or_default().join(" · "), 12).or(
                pending.and_then(|p| p.into_iter().next()).unwrap_or_default(),
                RANK_HINTS,
            ),
            look.key(),
        ),
        (Some(_), Some(n)) if app.notice_is_newer() => said(n),
        (Some(e), _) => (Part::new(Slot::Right, format!("✖ {e}"), 12), look.error()),
        (None, Some(n)) => said(n),
        (None, None) => {
            let keep_help = app.screen() != Screen::Form;
            (hint_part(hints(app), keep_help), look.muted())
        }
    };
    let mut parts = Vec::new();
    if let Some((typed, n)) = app.export_prompt() {
        parts.push(Part::new(
            Slot::Counts,
            format!(
                "Export {} to (a file, or |command): {typed}▏",
                crate::text::plural(n, "lead")
            ),
            10,
        ));
    } else if let Some((typed, _)) = app.command_prompt() {
        // What is typed is the rep's own, but a paste could carry anything: drawn through the sanitiser.
        parts.push(Part::new(
            Slot::Counts,
            format!("!{}▏", crate::sanitize::line(typed)),
            10,
        ));
    } else if let Some((typed, _)) = app.search_box() {
        let matches = count(app.list().len());
        let plural = if app.list().len() == 1 { "" } else { "es" };
        // Still ranking: how many match is not known yet, and the bar says so rather than count the rows.
        let found = match super::list::searching(app) {
            Some(searching) => searching,
            None => format!("{matches} match{plural}"),
        };
        parts.push(Part::new(Slot::Counts, format!("/{typed}▏ {found}"), 10));
    } else {
        parts.extend(count_parts(app));
        let in_force = compact_filters_text(app, Spelling::Named);
        let short = compact_filters_text(app, Spelling::Values);
        let first_names = compact_filters_text(app, Spelling::FirstNames);
        parts.push(
            Part::new(Slot::Filters, filters_text(app), 8)
                .or(in_force, RANK_FILTERS_ALL)
                .or(short, RANK_FILTERS_SHORT)
                .or(first_names, RANK_FILTERS_FIRST_NAMES),
        );
    }
    parts.push(right);
    // Cut first a long message down to a fair share, then what tells least (the filters, who sends the
    // outbox, the counts), and only then the message further.
    let order_of = |slot: Slot| {
        parts
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.slot == slot)
            .map(|(i, _)| i)
    };
    let fair = width / 4;
    let mut cut_order: Vec<(usize, usize)> = order_of(Slot::Right).map(|i| (i, fair)).collect();
    cut_order.extend(order_of(Slot::Filters).map(|i| (i, 0)));
    cut_order.extend(
        order_of(Slot::Counts)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .map(|i| (i, 0)),
    );
    cut_order.extend(order_of(Slot::Right).map(|i| (i, 0)));
    lay_out(&mut parts, width, &cut_order);

    let left = fit(&left_text(&parts), width.saturating_sub(4));
    let left = if left.is_empty() { left } else { format!("{left} ") };
    let room = width.saturating_sub(3 + left.width() + 1);
    let right = Span::styled(fit(&right_text(&parts), room), right_style);
    let pad = width.saturating_sub(3 + left.width() + right.content.width() + 1);
    let line = Line::from(vec![activity, Span::raw(left), Span::raw(" ".repeat(pad)), right]);
    frame.render_widget(Paragraph::new(line).style(look.status_bar()), area);
}
