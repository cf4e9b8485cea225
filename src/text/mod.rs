//! Text helpers every layer shares: fitting into columns, wrapping at words, counts and plurals.

pub mod fold;

use chrono::{DateTime, Utc};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `s` cut to `width` columns, ending in "…" when cut. Passed through the sanitiser first (a no-op for
/// text that already was), so whatever is fitted into a column is as wide as its characters say.
pub fn fit(s: &str, width: usize) -> String {
    let s = crate::sanitize::line(s);
    let s = s.as_ref();
    if s.width() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// 1234567 as "1,234,567".
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Word-wraps one line of text to `width` columns; words longer than a line are split.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut current_width = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = word.width();
        if current_width > 0 && current_width + 1 + w <= width {
            current.push(' ');
            current.push_str(word);
            current_width += 1 + w;
            continue;
        }
        if current_width > 0 {
            lines.push(std::mem::take(&mut current));
            current_width = 0;
        }
        if w <= width {
            current.push_str(word);
            current_width = w;
            continue;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if current_width + cw > width {
                lines.push(std::mem::take(&mut current));
                current_width = 0;
            }
            current.push(c);
            current_width += cw;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// A lead's name as a sentence says it, "(no name)" for an empty one.
pub fn display_name(name: &str) -> &str {
    if name.is_empty() { "(no name)" } else { name }
}

/// "1 lead", "2 leads".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The first 8 characters of an id, enough to tell team members apart on screen.
pub fn short_id(id: &str) -> String {
    crate::sanitize::line(id).chars().take(8).collect()
}

/// "now", "5m", "3h", "2d", "4mo", "2y": how long ago `then` was, as of `now`.
pub fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    if secs < 60 {
        return "now".to_string();
    }
    let mins = secs / 60;
    if mins < 60 {
        return format!("{mins}m");
    }
    let hours = mins / 60;
    if hours < 24 {
        return format!("{hours}h");
    }
    let days = hours / 24;
    if days < 30 {
        return format!("{days}d");
    }
    if days < 365 {
        return format!("{}mo", days / 30);
    }
    format!("{}y", days / 365)
}

/// The first moment after `now` when [`age`] of `then` reads differently.
pub fn age_changes_at(then: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
    let secs = (now - then).num_seconds();
    // The unit [`age`] counts in at this age, in seconds.
    let unit: i64 = match secs {
        ..60 => return then + chrono::Duration::seconds(60),
        60..3_600 => 60,
        3_600..86_400 => 3_600,
        _ if secs / 86_400 < 30 => 86_400,
        _ if secs / 86_400 < 365 => 30 * 86_400,
        _ => 365 * 86_400,
    };
    then + chrono::Duration::seconds((secs / unit + 1) * unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fit_cuts_by_columns_with_an_ellipsis() {
        assert_eq!(fit("Lovelace", 8), "Lovelace");
        assert_eq!(fit("Lovelace", 5), "Love…");
        assert_eq!(fit("山田太郎", 5), "山田…");
        assert_eq!(count(0), "0");
        assert_eq!(count(1234), "1,234");
        assert_eq!(count(100000), "100,000");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_splits_long_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("", 3), vec![""]);
        assert_eq!(wrap("山田太郎", 4), vec!["山田", "太郎"]);
    }

    #[test]
    fn an_age_changes_exactly_when_its_text_does() {
        let then = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        for secs in [
            -300,
            0,
            30,
            59,
            60,
            61,
            3_599,
            3_600,
            7_200,
            86_399,
            86_400,
            29 * 86_400,
            40 * 86_400,
            400 * 86_400,
        ] {
            let now = then + chrono::Duration::seconds(secs);
            let change = age_changes_at(then, now);
            assert!(change > now, "{secs}");
            let before = change - chrono::Duration::seconds(1);
            assert_eq!(
                age(then, before),
                age(then, now),
                "{secs}: nothing changes before {change}"
            );
            assert_ne!(age(then, change), age(then, now), "{secs}: it changes at {change}");
        }
    }

    #[test]
    fn ages_read_like_a_mail_client() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let ago = |s: i64| age(now - chrono::Duration::seconds(s), now);
        assert_eq!(ago(-30), "now");
        assert_eq!(ago(59), "now");
        assert_eq!(ago(60), "1m");
        assert_eq!(ago(3 * 3600 + 59), "3h");
        assert_eq!(ago(2 * 86400), "2d");
        assert_eq!(ago(90 * 86400), "3mo");
        assert_eq!(ago(800 * 86400), "2y");
    }
}
