//! Where every part of the screen goes. One pure function of the terminal's size and the few facts of the
//! app's state that move things (is the sidebar shown, where the list and the panes are scrolled to).
//! `ui` draws into these rectangles and `update` reads clicks against them, so a click always lands on
//! what the frame shows.

use ratatui::layout::{Constraint, Layout, Margin, Position, Rect};

use crate::api::types::LeadStatus;
use crate::app::filters::PaneKind;
use crate::app::list::window_start;
use crate::app::preview::Place;

/// Rows the status bar takes at the bottom of every screen.
pub const STATUS_BAR_ROWS: u16 = 1;
/// The width of the filter sidebar.
pub const SIDEBAR_WIDTH: u16 = 28;
/// From this width on the sidebar is always shown; below it only while a pane has focus.
pub const SIDEBAR_ALWAYS_FROM: u16 = 100;
/// With the preview open the sidebar gives way to it below this width (it still shows while a pane has
/// focus): the lead's detail tells a rep more than the filters they already chose.
pub const SIDEBAR_WITH_PREVIEW_FROM: u16 = 160;
/// The preview goes beside the list only when the list keeps at least this many columns.
pub const LIST_KEEPS_BESIDE_PREVIEW: u16 = 80;

/// What moves the layout besides the terminal's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LayoutState {
    pub sidebar: bool,
    /// The list's remembered first row, its selection and its row count (leads plus the trailer).
    pub list_offset: usize,
    pub list_selected: usize,
    pub list_row_count: usize,
    pub status_cursor: usize,
    pub assignee_cursor: usize,
    /// Where the preview pane goes, when it is shown.
    pub preview: Option<Place>,
}

/// The screen cut into its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenLayout {
    /// Everything above the status bar: the list screen, a lead's detail, or the form.
    pub body: Rect,
    pub status_bar: Rect,
    pub sidebar: Option<Sidebar>,
    pub list: ListArea,
    /// The detail's text: inside its border, one column of margin on each side.
    pub detail_text: Rect,
    pub preview: Option<PreviewArea>,
}

/// The preview pane: its block and its text inside, as the detail's. A wide, short pane (below the list)
/// has two columns: the lead's summary in `text`, still, and the rest in `more`, which scrolls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreviewArea {
    pub block: Rect,
    pub text: Rect,
    pub more: Option<Rect>,
}

/// From this width of text on, a preview below the list has two columns.
pub const PREVIEW_TWO_COLUMNS_FROM: u16 = 70;

impl PreviewArea {
    fn new(block: Rect, place: Place) -> PreviewArea {
        let text = block.inner(Margin::new(2, 1));
        if place == Place::Below && text.width >= PREVIEW_TWO_COLUMNS_FROM {
            let [left, right] = Layout::horizontal([Constraint::Percentage(55), Constraint::Fill(1)])
                .spacing(2)
                .areas(text);
            return PreviewArea {
                block,
                text: left,
                more: Some(right),
            };
        }
        PreviewArea {
            block,
            text,
            more: None,
        }
    }

    /// The scrolling text as columns and rows, at least 10 by 1 so wrapping and scrolling always work.
    pub fn text_size(&self) -> (usize, usize) {
        let text = self.more.unwrap_or(self.text);
        (usize::from(text.width).max(10), usize::from(text.height).max(1))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sidebar {
    pub status: PaneArea,
    pub assignee: PaneArea,
}

/// One filter pane: its block and the entries inside it, scrolled so that the cursor is in view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneArea {
    pub block: Rect,
    pub entries: Rect,
    /// The index of the entry in the first row.
    pub first: usize,
}

/// The lead list: its block, the header row and the rows of leads, scrolled to keep the selection in view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListArea {
    pub block: Rect,
    pub header: Rect,
    pub rows: Rect,
    /// The index of the lead in the first row.
    pub first: usize,
}

impl ListArea {
    /// How many leads (plus the trailer) the list shows at once; at least one, so paging always moves.
    pub fn row_count(&self) -> usize {
        usize::from(self.rows.height).max(1)
    }
}

/// What a click landed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// The lead at this index of the list (the trailer row is not a lead: the caller checks the index).
    Lead(usize),
    /// The entry at this index of a pane.
    PaneEntry(PaneKind, usize),
    /// Anywhere in the preview pane.
    Preview,
}

/// The statuses the status pane offers, "all" included.
pub const STATUS_ENTRIES: u16 = LeadStatus::KNOWN.len() as u16 + 1;

/// The layout of a terminal `area` for the app in `state`.
pub fn screen_layout(area: Rect, state: LayoutState) -> ScreenLayout {
    let [body, status_bar] = Layout::vertical([Constraint::Fill(1), Constraint::Length(STATUS_BAR_ROWS)]).areas(area);
    let (sidebar, list_block) = if state.sidebar {
        let [side, main] = Layout::horizontal([Constraint::Length(SIDEBAR_WIDTH), Constraint::Fill(1)]).areas(body);
        let [top, bottom] = Layout::vertical([Constraint::Length(STATUS_ENTRIES + 2), Constraint::Fill(1)]).areas(side);
        let sidebar = Sidebar {
            status: pane_area(top, state.status_cursor),
            assignee: pane_area(bottom, state.assignee_cursor),
        };
        (Some(sidebar), main)
    } else {
        (None, body)
    };
    let (list_block, preview) = match state.preview {
        Some(place) => {
            let (list, pane) = split_for_preview(list_block, place);
            (list, Some(PreviewArea::new(pane, place)))
        }
        None => (list_block, None),
    };
    let inner = list_block.inner(Margin::new(1, 1));
    let header = Rect {
        height: inner.height.min(1),
        ..inner
    };
    let rows = Rect {
        y: inner.y + header.height,
        height: inner.height - header.height,
        ..inner
    };
    let visible = usize::from(rows.height).max(1);
    let list = ListArea {
        block: list_block,
        header,
        rows,
        first: window_start(state.list_offset, state.list_selected, state.list_row_count, visible),
    };
    ScreenLayout {
        body,
        status_bar,
        sidebar,
        list,
        detail_text: body.inner(Margin::new(2, 1)),
        preview,
    }
}

/// The preview's width beside a list area `width` columns wide: two fifths, within reason.
pub fn preview_width(width: u16) -> u16 {
    (width * 2 / 5).clamp(36, 72).min(width.saturating_sub(20))
}

/// Where the preview goes when the rep has not said: beside the list when the list keeps
/// [`LIST_KEEPS_BESIDE_PREVIEW`] columns next to it, below it otherwise.
pub fn preview_auto_place(width: u16, sidebar: bool) -> Place {
    let main = if sidebar {
        width.saturating_sub(SIDEBAR_WIDTH)
    } else {
        width
    };
    if main.saturating_sub(preview_width(main)) >= LIST_KEEPS_BESIDE_PREVIEW {
        Place::Right
    } else {
        Place::Below
    }
}

/// The list's area cut in two: the list and the preview beside or below it. Below, the pane takes a
/// little under half the height, and the list keeps at least a few rows.
fn split_for_preview(area: Rect, place: Place) -> (Rect, Rect) {
    match place {
        Place::Right => {
            let [list, pane] =
                Layout::horizontal([Constraint::Fill(1), Constraint::Length(preview_width(area.width))]).areas(area);
            (list, pane)
        }
        Place::Below => {
            let height = (area.height * 9 / 20).max(3).min(area.height.saturating_sub(4));
            let [list, pane] = Layout::vertical([Constraint::Fill(1), Constraint::Length(height)]).areas(area);
            (list, pane)
        }
    }
}

fn pane_area(block: Rect, cursor: usize) -> PaneArea {
    let entries = block.inner(Margin::new(1, 1));
    PaneArea {
        block,
        entries,
        first: pane_window_start(cursor, usize::from(entries.height)),
    }
}

/// The first entry shown by a pane `rows` tall whose cursor is at `cursor`: the top until the cursor would
/// fall off the bottom, then the cursor on the last row.
pub fn pane_window_start(cursor: usize, rows: usize) -> usize {
    (cursor + 1).saturating_sub(rows.max(1))
}

impl ScreenLayout {
    /// Which lead or pane entry is drawn at this cell of the list screen, if any. The caller checks the
    /// index against what it holds: a row past the last lead, or past a pane's entries, is empty.
    pub fn hit(&self, column: u16, row: u16) -> Option<Hit> {
        let at = Position::new(column, row);
        if self.preview.is_some_and(|p| p.block.contains(at)) {
            return Some(Hit::Preview);
        }
        if let Some(sidebar) = &self.sidebar {
            for (pane, area) in [
                (PaneKind::Status, &sidebar.status),
                (PaneKind::Assignee, &sidebar.assignee),
            ] {
                if area.entries.contains(at) {
                    return Some(Hit::PaneEntry(pane, area.first + usize::from(row - area.entries.y)));
                }
            }
        }
        self.list
            .rows
            .contains(at)
            .then(|| Hit::Lead(self.list.first + usize::from(row - self.list.rows.y)))
    }

    /// The detail's text as columns and rows, at least 10 by 1 so wrapping and scrolling always work.
    pub fn detail_text_size(&self) -> (usize, usize) {
        (
            usize::from(self.detail_text.width).max(10),
            usize::from(self.detail_text.height).max(1),
        )
    }
}

/// Rows of leads (plus the trailer) visible in a terminal `height` rows tall. The count does not depend on
/// the width or on the sidebar, which sits beside the list.
pub fn list_rows(height: u16) -> usize {
    screen_layout(Rect::new(0, 0, SIDEBAR_ALWAYS_FROM, height), LayoutState::default())
        .list
        .row_count()
}

impl crate::app::App {
    /// Where everything is on screen now: what `ui` draws into and what clicks are read against.
    pub fn layout(&self) -> ScreenLayout {
        let state = LayoutState {
            sidebar: self.sidebar_visible(),
            list_offset: self.list.offset(),
            list_selected: self.list.selected(),
            list_row_count: self.list.row_count(),
            status_cursor: self.panes.status,
            assignee_cursor: self.panes.assignee,
            preview: self.preview_shown().then(|| self.preview_place()),
        };
        screen_layout(ratatui::layout::Rect::new(0, 0, self.width, self.height), state)
    }

    pub fn sidebar_visible(&self) -> bool {
        let from = if self.preview.open {
            SIDEBAR_WITH_PREVIEW_FROM
        } else {
            SIDEBAR_ALWAYS_FROM
        };
        self.screen == crate::app::Screen::List
            && (self.width >= from || matches!(self.focus, crate::app::Focus::Pane(_)))
    }

    /// Rows of leads (plus the trailer) the list screen shows, the preview below it counted, on whichever
    /// screen is open (the list keeps its place for when the rep comes back to it).
    pub fn list_rows(&self) -> usize {
        let below = self.preview.open && self.preview_place() == Place::Below;
        let state = LayoutState {
            preview: below.then_some(Place::Below),
            ..LayoutState::default()
        };
        screen_layout(Rect::new(0, 0, SIDEBAR_ALWAYS_FROM, self.height), state)
            .list
            .row_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_rows_leave_room_for_bar_borders_and_header() {
        assert_eq!(list_rows(24), 20);
        assert_eq!(list_rows(40), 36);
        assert_eq!(list_rows(3), 1);
    }

    #[test]
    fn pane_scrolls_only_when_the_cursor_would_fall_off() {
        assert_eq!(pane_window_start(0, 5), 0);
        assert_eq!(pane_window_start(4, 5), 0);
        assert_eq!(pane_window_start(5, 5), 1);
        assert_eq!(pane_window_start(9, 0), 9);
    }

    #[test]
    fn the_preview_goes_beside_only_where_the_list_keeps_80_columns() {
        assert_eq!(preview_auto_place(132, false), Place::Right);
        assert_eq!(preview_auto_place(131, false), Place::Below);
        assert_eq!(preview_auto_place(160, true), Place::Right);
        assert_eq!(preview_auto_place(159, true), Place::Below);
        for width in [80u16, 100, 132, 160, 200, 300] {
            let state = LayoutState {
                preview: Some(Place::Right),
                sidebar: width >= SIDEBAR_WITH_PREVIEW_FROM,
                ..LayoutState::default()
            };
            let layout = screen_layout(Rect::new(0, 0, width, 40), state);
            let pane = layout.preview.expect("a pane");
            assert_eq!(pane.block.x, layout.list.block.right(), "{width}");
            assert_eq!(pane.block.right(), width, "{width}");
            let fits = preview_auto_place(width, state.sidebar) == Place::Right;
            assert_eq!(fits, layout.list.block.width >= LIST_KEEPS_BESIDE_PREVIEW, "{width}");
        }
        // Below: the list keeps rows, the pane takes a little under half, two columns where wide.
        let state = LayoutState {
            preview: Some(Place::Below),
            ..LayoutState::default()
        };
        let layout = screen_layout(Rect::new(0, 0, 80, 24), state);
        let pane = layout.preview.expect("a pane");
        assert_eq!((layout.list.block.height, pane.block.height), (13, 10));
        assert!(pane.more.is_some());
        let narrow = screen_layout(Rect::new(0, 0, 60, 24), state).preview.expect("a pane");
        assert!(narrow.more.is_none());
    }

    #[test]
    fn hits_follow_the_rectangles() {
        let state = LayoutState {
            sidebar: true,
            list_row_count: 101,
            ..LayoutState::default()
        };
        let layout = screen_layout(Rect::new(0, 0, 120, 40), state);
        // Status pane: border at row 0, entries from row 1.
        assert_eq!(layout.hit(3, 1), Some(Hit::PaneEntry(PaneKind::Status, 0)));
        assert_eq!(layout.hit(3, 8), Some(Hit::PaneEntry(PaneKind::Status, 7)));
        // The border between the panes.
        assert_eq!(layout.hit(3, 9), None);
        assert_eq!(layout.hit(3, 11), Some(Hit::PaneEntry(PaneKind::Assignee, 0)));
        // The list's header is no lead; the first row under it is.
        assert_eq!(layout.hit(40, 1), None);
        assert_eq!(layout.hit(40, 2), Some(Hit::Lead(0)));
        assert_eq!(layout.hit(40, 39), None, "status bar");
    }
}
