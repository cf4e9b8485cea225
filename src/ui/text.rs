//! Small text helpers for fitting strings into columns.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_by_columns_with_an_ellipsis() {
        assert_eq!(fit("Lovelace", 8), "Lovelace");
        assert_eq!(fit("Lovelace", 5), "Love…");
        assert_eq!(fit("山田太郎", 5), "山田…");
        assert_eq!(count(0), "0");
        assert_eq!(count(1234), "1,234");
        assert_eq!(count(100000), "100,000");
    }
}
