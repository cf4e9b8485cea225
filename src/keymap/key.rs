//! One key press as bindings compare it, parsed and printed as the config file and help write it.

use crokey::{KeyCombination, KeyCombinationFormat, OneToThree};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Why a key as the config file writes it is none a terminal can report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("`{raw}` is not a key")]
    NotAKey { raw: String },
    #[error(
        "`{raw}` presses several keys at once, which terminals cannot report; write a sequence with spaces, e.g. `g g`"
    )]
    Chord { raw: String },
}

/// One key press as bindings compare it. Shift is left out: terminals report it inconsistently with
/// upper-case letters, `?` and BackTab, and the character itself already says it (`G`, not `g`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    pub const fn new(code: KeyCode, modifiers: KeyModifiers) -> Key {
        Key {
            code,
            modifiers: modifiers.difference(KeyModifiers::SHIFT),
        }
    }

    /// The key a terminal event stands for.
    pub fn of(event: &KeyEvent) -> Key {
        let combination = KeyCombination::from(*event);
        match combination.codes {
            OneToThree::One(code) => Key::new(code, combination.modifiers),
            _ => Key::new(event.code, event.modifiers),
        }
    }

    /// Parses one key as a user writes it in the config file: `ctrl-s`, `G` or `shift-g`, `pagedown`, `?`.
    pub fn parse(raw: &str) -> Result<Key, KeyError> {
        let raw = raw.trim();
        // crokey reads letters case-insensitively, so an upper-case letter is spelt out as shift + letter.
        let spelt = match raw.chars().last() {
            Some(c) if c.is_ascii_uppercase() && (raw.len() == 1 || raw.ends_with(&format!("-{c}"))) => {
                format!("{}shift-{}", &raw[..raw.len() - 1], c.to_ascii_lowercase())
            }
            _ => raw.to_string(),
        };
        let combination = crokey::parse(&spelt).map_err(|_| KeyError::NotAKey { raw: raw.to_string() })?;
        match combination.normalized().codes {
            OneToThree::One(code) => Ok(Key::new(code, combination.normalized().modifiers)),
            _ => Err(KeyError::Chord { raw: raw.to_string() }),
        }
    }

    fn combination(self) -> KeyCombination {
        let shifted = matches!(self.code, KeyCode::Char(c) if c.is_ascii_uppercase());
        let modifiers = if shifted {
            self.modifiers | KeyModifiers::SHIFT
        } else {
            self.modifiers
        };
        KeyCombination::one_key(self.code, modifiers)
    }

    /// How help writes the key: `j`, `G`, `↓`, `Ctrl-c`, `PgDn`, `Enter`, `Shift-Tab`.
    pub fn label(self) -> String {
        let format = KeyCombinationFormat::default().with_implicit_shift();
        glyphs(format.to_string(self.combination()))
    }

    /// How a hint in a status line writes the key: `↵`, `esc`, `ctrl-s`, `j`.
    pub fn short_label(self) -> String {
        match self.code {
            KeyCode::Enter if self.modifiers.is_empty() => "↵".to_string(),
            KeyCode::Esc if self.modifiers.is_empty() => "esc".to_string(),
            _ => {
                let format = KeyCombinationFormat::default()
                    .with_implicit_shift()
                    .with_lowercase_modifiers();
                glyphs(format.to_string(self.combination()))
            }
        }
    }
}

/// crokey names the arrows and paging keys in words; help and hints are read at a glance, so they get glyphs
/// and the short names every keyboard prints.
fn glyphs(label: String) -> String {
    let (mods, name) = match label.rfind('-') {
        Some(i) if i + 1 < label.len() => label.split_at(i + 1),
        _ => ("", label.as_str()),
    };
    let name = match name {
        "Down" => "↓",
        "Up" => "↑",
        "Left" => "←",
        "Right" => "→",
        "PageDown" => "PgDn",
        "PageUp" => "PgUp",
        "BackTab" => "Shift-Tab",
        other => other,
    };
    format!("{mods}{name}")
}
