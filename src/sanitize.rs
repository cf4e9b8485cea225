//! The one gate every string from the server passes before it reaches a widget.
//!
//! A lead's text is untrusted: a name can carry an escape sequence that recolours the screen, retitles the
//! window or writes the clipboard, a bidi override that reverses what follows, or a newline that breaks a
//! table row. Each such character is replaced by a visible placeholder, so the rep sees that something
//! odd was there and nothing reaches the terminal but printable text.

use std::borrow::Cow;

/// Shown in place of C0/C1 controls (other than tab), DEL, and escape sequences.
pub const CONTROL_PLACEHOLDER: char = '\u{FFFD}';
/// Shown in place of bidi controls and invisible formatting characters.
pub const FORMAT_PLACEHOLDER: char = '\u{2423}';

pub fn is_bidi_or_invisible(c: char) -> bool {
    matches!(c,
        '\u{061C}'            // arabic letter mark
        | '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
        | '\u{2028}' | '\u{2029}' // line and paragraph separators
        | '\u{202A}'..='\u{202E}' // embeddings and overrides
        | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}' // isolates
        | '\u{FEFF}'              // byte order mark
        | '\u{FFF9}'..='\u{FFFB}' // interlinear annotations
    )
}

/// Text for one line of a widget: newlines and tabs become spaces, everything unsafe a placeholder.
pub fn line(s: &str) -> Cow<'_, str> {
    clean(s, false)
}

/// Text that may span lines (notes): newlines are kept, everything else as in [`line`].
pub fn multiline(s: &str) -> Cow<'_, str> {
    clean(s, true)
}

fn clean(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let safe = s.chars().all(|c| !c.is_control() && !is_bidi_or_invisible(c));
    if safe {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\r' if keep_newlines && chars.peek() == Some(&'\n') => {}
            '\n' | '\r' | '\t' => out.push(' '),
            '\u{1b}' => {
                out.push(CONTROL_PLACEHOLDER);
                skip_escape_sequence(&mut chars);
            }
            '\u{9b}' => {
                out.push(CONTROL_PLACEHOLDER);
                skip_csi_body(&mut chars);
            }
            c if c.is_control() => out.push(CONTROL_PLACEHOLDER),
            c if is_bidi_or_invisible(c) => out.push(FORMAT_PLACEHOLDER),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Swallows the rest of an escape sequence after ESC, so `\x1b[31m` shows as one placeholder, not `[31m`.
fn skip_escape_sequence(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi_body(chars);
        }
        // OSC, DCS, SOS, PM, APC: run to BEL or ST (ESC \).
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '\u{7}' || c == '\u{9c}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        // Two-character sequences such as ESC c (reset) or ESC 7.
        Some(c) if ('\u{20}'..='\u{7e}').contains(c) => {
            chars.next();
        }
        _ => {}
    }
}

fn skip_csi_body(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    // Parameter and intermediate bytes, then one final byte in @..~.
    while let Some(&c) = chars.peek() {
        if ('\u{20}'..='\u{3f}').contains(&c) {
            chars.next();
            continue;
        }
        if ('\u{40}'..='\u{7e}').contains(&c) {
            chars.next();
        }
        break;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(line("Zoë Ñúñez 山田"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_become_one_placeholder() {
        assert_eq!(line("a\x1b[31mred\x1b[0m"), "a\u{FFFD}red\u{FFFD}");
        assert_eq!(line("\x1b]0;pwned\x07title"), "\u{FFFD}title");
        assert_eq!(line("\x1b]52;c;Zm9v\x1b\\clip"), "\u{FFFD}clip");
        assert_eq!(line("\x1bcreset"), "\u{FFFD}reset");
        assert_eq!(line("\u{9b}2Jx"), "\u{FFFD}x");
    }

    #[test]
    fn controls_bidi_and_invisibles_are_visible() {
        assert_eq!(line("abc\u{202E}fed"), "abc\u{2423}fed");
        assert_eq!(line("a\u{200B}b"), "a\u{2423}b");
        assert_eq!(line("bell\x07 del\x7f nul\0"), "bell\u{FFFD} del\u{FFFD} nul\u{FFFD}");
        assert_eq!(line("two\nlines\tand\rcr"), "two lines and cr");
        assert_eq!(multiline("two\r\nlines\x1b[2J"), "two\nlines\u{FFFD}");
    }

    #[test]
    fn output_never_contains_controls() {
        let nasty: String = (0u32..0x250).filter_map(char::from_u32).collect();
        for out in [line(&nasty), multiline(&nasty)] {
            assert!(out.chars().all(|c| c == '\n' || !c.is_control()));
            assert!(!out.chars().any(is_bidi_or_invisible));
        }
    }
}
