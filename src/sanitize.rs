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

/// Characters a terminal either hides or draws at a width the layout cannot know: the format characters
/// (Unicode category Cf: soft hyphens, bidi controls, zero-width characters, tag characters…), the line and
/// paragraph separators, and the Hangul fillers. Each is shown as [`FORMAT_PLACEHOLDER`].
pub fn is_bidi_or_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'                // soft hyphen
        | '\u{0600}'..='\u{0605}' // Arabic number signs
        | '\u{061C}'              // arabic letter mark
        | '\u{06DD}' | '\u{070F}' | '\u{0890}' | '\u{0891}' | '\u{08E2}'
        | '\u{115F}' | '\u{1160}' // Hangul choseong and jungseong fillers
        | '\u{180E}'              // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
        | '\u{2028}' | '\u{2029}' // line and paragraph separators
        | '\u{202A}'..='\u{202E}' // embeddings and overrides
        | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
        | '\u{2066}'..='\u{206F}' // isolates, deprecated format characters
        | '\u{3164}'              // Hangul filler
        | '\u{FEFF}'              // byte order mark
        | '\u{FFA0}'              // halfwidth Hangul filler
        | '\u{FFF9}'..='\u{FFFB}' // interlinear annotations
        | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' // Egyptian hieroglyph format controls
        | '\u{1BCA0}'..='\u{1BCA3}' // shorthand format controls
        | '\u{1D173}'..='\u{1D17A}' // musical symbol format controls
        | '\u{E0000}'..='\u{E007F}' // tag characters, which can hide text
    )
}

/// Variation selectors: they change how the character before them is drawn (an emoji's width among
/// others) in ways terminals disagree on, and carry nothing a rep reads. They are dropped.
pub fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{180B}'..='\u{180D}' | '\u{180F}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Characters that text written as it is (a log line, JSON) must not carry to a terminal: controls other
/// than newline and tab, and everything [`line`] hides or drops. Such text escapes them instead.
pub fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_or_invisible(c) || is_variation_selector(c)
}

/// `value` as JSON (one line, or `pretty`), with every character [`needs_escape`] names written as a
/// `\u` escape: the text a script reads is the server's, byte for byte once parsed, yet nothing in it
/// can reach a terminal it is printed on as a control. The JSON Lines of `leadbox leads list` and of the
/// inbox's export.
pub fn json_text(value: &impl serde::Serialize, pretty: bool) -> String {
    let raw = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    }
    .unwrap_or_default();
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        // serde_json has escaped the newlines and tabs inside strings already.
        if needs_escape(c) {
            // Past U+FFFF as JSON writes it: a surrogate pair.
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// How many zero-width characters (combining marks) may follow one character; the rest are dropped, so a
/// name stacked with hundreds of marks stays one line high and costs what its letters cost.
pub const MAX_COMBINING: usize = 2;

fn is_zero_width(c: char) -> bool {
    !c.is_ascii() && unicode_width::UnicodeWidthChar::width(c) == Some(0)
}

/// True when [`clean`] would change nothing.
fn is_safe(s: &str) -> bool {
    if s.is_ascii() {
        return !s.bytes().any(|b| b.is_ascii_control());
    }
    let mut run = 0;
    for c in s.chars() {
        if c.is_control() || is_bidi_or_invisible(c) || is_variation_selector(c) {
            return false;
        }
        if is_zero_width(c) {
            run += 1;
            if run > MAX_COMBINING {
                return false;
            }
        } else {
            run = 0;
        }
    }
    true
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
    if is_safe(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut run = 0;
    while let Some(c) = chars.next() {
        if is_zero_width(c) && !is_bidi_or_invisible(c) && !is_variation_selector(c) {
            run += 1;
            if run <= MAX_COMBINING {
                out.push(c);
            }
            continue;
        }
        if is_variation_selector(c) {
            // Dropped, and not a character of its own: the marks around it still count as one run.
            continue;
        }
        run = 0;
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
    fn format_characters_fillers_and_tags_are_visible_and_selectors_and_extra_marks_go() {
        assert_eq!(line("co\u{00AD}op"), "co\u{2423}op");
        assert_eq!(line("a\u{115F}\u{3164}\u{FFA0}b"), "a\u{2423}\u{2423}\u{2423}b");
        assert_eq!(line("hi\u{E0041}\u{E0042}dden"), "hi\u{2423}\u{2423}dden");
        assert_eq!(line("\u{2764}\u{FE0F} ok"), "\u{2764} ok");
        let zalgo = format!("Z{}a", "\u{0301}".repeat(50));
        assert_eq!(line(&zalgo), "Z\u{0301}\u{0301}a");
        assert!(
            matches!(line("Zoe\u{0301}"), Cow::Borrowed(_)),
            "one accent is left alone"
        );
        let hidden = format!("Z{}", "\u{0301}\u{0301}\u{FE0F}".repeat(100));
        assert_eq!(
            line(&hidden),
            "Z\u{0301}\u{0301}",
            "a dropped selector does not restart the count"
        );
        assert_eq!(line(&line(&hidden)), line(&hidden), "clean text stays as it is");
    }

    #[test]
    fn every_line_is_as_wide_as_its_characters_say() {
        use unicode_width::UnicodeWidthChar;
        let nasty: String = (0u32..0x3_0000).step_by(7).filter_map(char::from_u32).collect();
        let out = line(&nasty);
        for c in out.chars() {
            assert!(
                !is_variation_selector(c) && !is_bidi_or_invisible(c) && !c.is_control(),
                "{:x}",
                c as u32
            );
            assert!(c.width().is_some());
        }
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
