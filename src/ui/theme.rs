//! Colours and styles in one place, so a colour means the same thing on every screen.

use ratatui::style::{Color, Modifier, Style};

use crate::api::types::LeadStatus;

pub fn status(status: &LeadStatus) -> Style {
    let fg = match status {
        LeadStatus::New => Color::Cyan,
        LeadStatus::Contacted => Color::Blue,
        LeadStatus::Qualifying => Color::Yellow,
        LeadStatus::Qualified => Color::Green,
        LeadStatus::Converted => Color::LightGreen,
        LeadStatus::Disqualified => Color::DarkGray,
        LeadStatus::Lost => Color::Red,
        LeadStatus::Other(_) => Color::Magenta,
    };
    let style = Style::new().fg(fg);
    if *status == LeadStatus::Converted {
        style.add_modifier(Modifier::BOLD)
    } else {
        style
    }
}

/// The selected row: strong when the list has focus, muted when a pane has.
pub fn selected(focused: bool) -> Style {
    if focused {
        Style::new()
            .bg(Color::Blue)
            .fg(Color::White)
            .add_modifier(Modifier::BOLD)
    } else {
        Style::new().bg(Color::DarkGray).fg(Color::White)
    }
}

pub fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

pub fn title(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

pub fn header() -> Style {
    Style::new()
        .fg(Color::Gray)
        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

pub fn muted() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn busy() -> Style {
    Style::new().fg(Color::Yellow)
}

pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

pub fn label() -> Style {
    Style::new().fg(Color::Gray).add_modifier(Modifier::BOLD)
}

pub fn heading() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// The filter in force, marked in its pane.
pub fn active() -> Style {
    Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
}

pub fn status_bar() -> Style {
    Style::new().bg(Color::Black).fg(Color::Gray)
}
