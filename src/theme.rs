//! Colours and styles by role, in one value, so a colour means the same thing on every screen. A preset
//! for dark or light terminals, colours per role from the config file's `[theme]`, and none at all under
//! `NO_COLOR`, where focus and selection are still shown by reverse video, bold and underline.

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

use crate::api::types::LeadStatus;

/// Every role the config file may colour, with the role it sets.
pub const ROLES: &[&str] = &[
    "status_new",
    "status_contacted",
    "status_qualifying",
    "status_qualified",
    "status_converted",
    "status_disqualified",
    "status_lost",
    "status_other",
    "selection",
    "selection_unfocused",
    "focus",
    "error",
    "muted",
    "busy",
    "key",
    "heading",
    "active",
    "status_bar",
    "status_bar_background",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Dark,
    Light,
}

/// The styles of one look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    statuses: [Style; 8],
    selected_focused: Style,
    selected_unfocused: Style,
    border_focused: Style,
    border: Style,
    title_focused: Style,
    title: Style,
    header: Style,
    muted: Style,
    error: Style,
    busy: Style,
    key: Style,
    label: Style,
    heading: Style,
    active: Style,
    status_bar: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::preset(Preset::Dark)
    }
}

/// A problem with the `[theme]` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeError {
    pub name: String,
    pub message: String,
}

fn fg(c: Color) -> Style {
    Style::new().fg(c)
}

const BOLD: Modifier = Modifier::BOLD;

impl Theme {
    pub fn preset(preset: Preset) -> Theme {
        match preset {
            Preset::Dark => Theme {
                statuses: [
                    fg(Color::Cyan),
                    fg(Color::Blue),
                    fg(Color::Yellow),
                    fg(Color::Green),
                    fg(Color::LightGreen).add_modifier(BOLD),
                    fg(Color::DarkGray),
                    fg(Color::Red),
                    fg(Color::Magenta),
                ],
                selected_focused: Style::new().bg(Color::Blue).fg(Color::White).add_modifier(BOLD),
                selected_unfocused: Style::new().bg(Color::DarkGray).fg(Color::White),
                border_focused: fg(Color::Cyan),
                border: fg(Color::DarkGray),
                title_focused: fg(Color::Cyan).add_modifier(BOLD),
                title: Style::new().add_modifier(BOLD),
                header: fg(Color::Gray).add_modifier(BOLD | Modifier::UNDERLINED),
                muted: fg(Color::DarkGray),
                error: fg(Color::Red).add_modifier(BOLD),
                busy: fg(Color::Yellow),
                key: fg(Color::Cyan).add_modifier(BOLD),
                label: fg(Color::Gray).add_modifier(BOLD),
                heading: fg(Color::Cyan).add_modifier(BOLD),
                active: fg(Color::Green).add_modifier(BOLD),
                status_bar: Style::new().bg(Color::Black).fg(Color::Gray),
            },
            // Light backgrounds wash out yellow, light green and gray; use the darker half of the palette.
            Preset::Light => Theme {
                statuses: [
                    fg(Color::Blue),
                    fg(Color::Indexed(25)),
                    fg(Color::Indexed(130)),
                    fg(Color::Green),
                    fg(Color::Indexed(28)).add_modifier(BOLD),
                    fg(Color::Indexed(244)),
                    fg(Color::Red),
                    fg(Color::Magenta),
                ],
                selected_focused: Style::new().bg(Color::Blue).fg(Color::White).add_modifier(BOLD),
                selected_unfocused: Style::new().bg(Color::Indexed(252)).fg(Color::Black),
                border_focused: fg(Color::Blue),
                border: fg(Color::Indexed(248)),
                title_focused: fg(Color::Blue).add_modifier(BOLD),
                title: Style::new().add_modifier(BOLD),
                header: fg(Color::Indexed(238)).add_modifier(BOLD | Modifier::UNDERLINED),
                muted: fg(Color::Indexed(244)),
                error: fg(Color::Red).add_modifier(BOLD),
                busy: fg(Color::Indexed(130)),
                key: fg(Color::Blue).add_modifier(BOLD),
                label: fg(Color::Indexed(238)).add_modifier(BOLD),
                heading: fg(Color::Blue).add_modifier(BOLD),
                active: fg(Color::Green).add_modifier(BOLD),
                status_bar: Style::new().bg(Color::Indexed(254)).fg(Color::Black),
            },
        }
    }

    /// No colour at all (`NO_COLOR`): every role keeps only its modifiers, and focus and selection get
    /// reverse video, bold and underline so they stay visible.
    pub fn without_colour() -> Theme {
        let plain = Style::new();
        Theme {
            statuses: [plain; 8],
            selected_focused: Style::new().add_modifier(Modifier::REVERSED | BOLD),
            selected_unfocused: Style::new().add_modifier(Modifier::UNDERLINED),
            border_focused: Style::new().add_modifier(BOLD),
            border: plain,
            title_focused: Style::new().add_modifier(BOLD | Modifier::UNDERLINED),
            title: Style::new().add_modifier(BOLD),
            header: Style::new().add_modifier(BOLD | Modifier::UNDERLINED),
            muted: plain,
            error: Style::new().add_modifier(BOLD),
            busy: plain,
            key: Style::new().add_modifier(BOLD),
            label: Style::new().add_modifier(BOLD),
            heading: Style::new().add_modifier(BOLD),
            active: Style::new().add_modifier(BOLD),
            status_bar: Style::new().add_modifier(Modifier::REVERSED),
        }
    }

    /// The look a config file's `[theme]` asks for; `no_color` (the `NO_COLOR` convention) drops every colour.
    pub fn from_file(file: &crate::config::ConfigFile, no_color: bool) -> Result<Theme, Vec<ThemeError>> {
        let colours: BTreeMap<String, String> = file
            .theme_colours
            .iter()
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect();
        Theme::from_config(file.theme_preset.as_ref().map(|p| p.value.as_str()), &colours, no_color)
    }

    /// The look the config file asks for: `preset` ("dark" or "light", dark when absent), then each role's
    /// colour. With `no_color` (the `NO_COLOR` convention) colours are dropped whatever the file says, but
    /// the file is still checked. Every problem is reported.
    pub fn from_config(
        preset: Option<&str>,
        colours: &BTreeMap<String, String>,
        no_color: bool,
    ) -> Result<Theme, Vec<ThemeError>> {
        let mut errors = Vec::new();
        let mut theme = match preset {
            None | Some("dark") => Theme::preset(Preset::Dark),
            Some("light") => Theme::preset(Preset::Light),
            Some(other) => {
                errors.push(ThemeError {
                    name: "preset".to_string(),
                    message: format!("`{other}` is not a preset; use \"dark\" or \"light\""),
                });
                Theme::default()
            }
        };
        for (role, value) in colours {
            let colour = match Color::from_str(value.trim()) {
                Ok(c) => c,
                Err(_) => {
                    errors.push(ThemeError {
                        name: role.clone(),
                        message: format!(
                            "`{value}` is not a colour; use a name (red, lightblue), an index (0-255) or #rrggbb"
                        ),
                    });
                    continue;
                }
            };
            if !theme.set(role, colour) {
                errors.push(ThemeError {
                    name: role.clone(),
                    message: unknown_role(role),
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(if no_color { Theme::without_colour() } else { theme })
    }

    fn set(&mut self, role: &str, c: Color) -> bool {
        let status_index = ROLES[..8].iter().position(|r| *r == role);
        match (role, status_index) {
            (_, Some(i)) => self.statuses[i] = self.statuses[i].fg(c),
            ("selection", _) => self.selected_focused = self.selected_focused.bg(c),
            ("selection_unfocused", _) => self.selected_unfocused = self.selected_unfocused.bg(c),
            ("focus", _) => {
                self.border_focused = self.border_focused.fg(c);
                self.title_focused = self.title_focused.fg(c);
            }
            ("error", _) => self.error = self.error.fg(c),
            ("muted", _) => {
                self.muted = self.muted.fg(c);
                self.border = self.border.fg(c);
            }
            ("busy", _) => self.busy = self.busy.fg(c),
            ("key", _) => self.key = self.key.fg(c),
            ("heading", _) => self.heading = self.heading.fg(c),
            ("active", _) => self.active = self.active.fg(c),
            ("status_bar", _) => self.status_bar = self.status_bar.fg(c),
            ("status_bar_background", _) => self.status_bar = self.status_bar.bg(c),
            _ => return false,
        }
        true
    }

    pub fn status(&self, status: &LeadStatus) -> Style {
        let i = LeadStatus::KNOWN.iter().position(|k| k == status).unwrap_or(7);
        self.statuses[i]
    }

    /// The selected row: strong when the list has focus, muted when a pane has.
    pub fn selected(&self, focused: bool) -> Style {
        if focused {
            self.selected_focused
        } else {
            self.selected_unfocused
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused { self.border_focused } else { self.border }
    }

    pub fn title(&self, focused: bool) -> Style {
        if focused { self.title_focused } else { self.title }
    }

    pub fn header(&self) -> Style {
        self.header
    }

    pub fn muted(&self) -> Style {
        self.muted
    }

    pub fn error(&self) -> Style {
        self.error
    }

    pub fn busy(&self) -> Style {
        self.busy
    }

    pub fn key(&self) -> Style {
        self.key
    }

    pub fn label(&self) -> Style {
        self.label
    }

    pub fn heading(&self) -> Style {
        self.heading
    }

    /// The filter in force, marked in its pane.
    pub fn active(&self) -> Style {
        self.active
    }

    pub fn status_bar(&self) -> Style {
        self.status_bar
    }
}

fn unknown_role(role: &str) -> String {
    let closest = ROLES
        .iter()
        .map(|r| (strsim::levenshtein(role, r), *r))
        .min()
        .filter(|(d, r)| *d <= 2.max(r.len() / 3));
    match closest {
        Some((_, r)) => format!("`{role}` is not a role; did you mean `{r}`?"),
        None => format!("`{role}` is not a role; the roles are preset, {}", ROLES.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn colours(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn roles_take_colours_and_no_color_drops_them_but_keeps_focus_visible() {
        let theme = Theme::from_config(
            Some("light"),
            &colours(&[("error", "#ff0000"), ("status_new", "42")]),
            false,
        )
        .unwrap();
        assert_eq!(theme.error().fg, Some(Color::Rgb(255, 0, 0)));
        assert_eq!(theme.status(&LeadStatus::New).fg, Some(Color::Indexed(42)));
        assert_eq!(theme.status_bar(), Theme::preset(Preset::Light).status_bar());

        let plain = Theme::from_config(None, &colours(&[("error", "red")]), true).unwrap();
        assert_eq!(plain.error().fg, None);
        for style in [
            plain.selected(true),
            plain.selected(false),
            plain.title(true),
            plain.status_bar(),
        ] {
            assert_eq!((style.fg, style.bg), (None, None), "{style:?}");
            assert!(
                !style.add_modifier.is_empty(),
                "focus and selection stay visible: {style:?}"
            );
        }
        assert_ne!(plain.selected(true), plain.selected(false));
    }

    #[test]
    fn every_problem_in_the_theme_section_is_reported() {
        let errors =
            Theme::from_config(Some("sepia"), &colours(&[("eror", "red"), ("muted", "greyish")]), false).unwrap_err();
        let all: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.name, e.message)).collect();
        let all = all.join("\n");
        assert!(all.contains("`sepia` is not a preset"), "{all}");
        assert!(all.contains("`eror` is not a role; did you mean `error`?"), "{all}");
        assert!(all.contains("`greyish` is not a colour"), "{all}");
    }
}
