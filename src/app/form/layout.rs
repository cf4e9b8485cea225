//! Where the form's text goes across its width: the label column and the rows a multi-line value wraps
//! into. The drawing and the notes' Up/Down both read them, so the caret moves along the rows the rep sees.

use unicode_width::UnicodeWidthStr;

use super::{Counter, Field, Form};

/// The narrowest and widest label column.
const LABEL_MIN: usize = 14;
const LABEL_MAX: usize = 32;

/// The columns a field's label takes before its value: the focus marker, the label, " *" when required and
/// room for " ↻" (any field may be kept for the next lead, and the column must not jump when one is), then
/// a gap that keeps the label off the value.
pub fn label_width(fields: &[Field], width: usize) -> usize {
    fields
        .iter()
        .map(|f| {
            let label = crate::sanitize::line(&f.label).width();
            let required = if f.required { 2 } else { 0 };
            2 + label + required + 2 + 1
        })
        .max()
        .unwrap_or(LABEL_MIN)
        .clamp(LABEL_MIN, LABEL_MAX)
        .min(width / 2)
}

/// The columns field `index`'s value is drawn in, in a form `width` columns wide: what the label column
/// leaves, less the length counter when it shows.
pub fn value_width(form: &Form, index: usize, width: usize) -> usize {
    let value = width.saturating_sub(label_width(form.fields(), width));
    let counter = form
        .counter(index)
        .filter(|c| c.visible())
        .map_or(0, |c| counter_text(c).width());
    value.saturating_sub(counter)
}

/// A length counter as drawn after the value: " 812/1000".
pub fn counter_text(counter: Counter) -> String {
    format!(" {}/{}", counter.chars, counter.max)
}

/// A character as the screen shows it (a control character as its placeholder) and its width.
fn shown(c: char) -> (String, usize) {
    let text = crate::sanitize::line(c.encode_utf8(&mut [0; 4])).into_owned();
    let w = text.width();
    (text, w)
}

/// One screen row of a wrapped value: the characters `[start, end)` of the whole value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrappedRow {
    pub start: usize,
    pub end: usize,
}

/// The rows `value` takes in `width` columns: each line of it broken after the last space that fits, a
/// word longer than a row broken where the row ends. The last column stays free for the caret (a space at
/// a row's end may use it).
pub fn wrap_rows(value: &str, width: usize) -> Vec<WrappedRow> {
    let limit = width.max(2) - 1;
    let mut rows = Vec::new();
    let mut at = 0;
    for line in value.split('\n') {
        let widths: Vec<usize> = line.chars().map(|c| shown(c).1).collect();
        let spaces: Vec<bool> = line.chars().map(char::is_whitespace).collect();
        let mut start = 0;
        let mut used = 0;
        // Just after the last space of the row being filled: where it breaks best.
        let mut after_space: Option<usize> = None;
        for i in 0..widths.len() {
            let w = widths[i];
            let hangs = spaces[i] && used + w <= limit + 1;
            if used + w > limit && i > start && !hangs {
                let end = match after_space {
                    Some(b) if b > start => b,
                    _ => i,
                };
                rows.push(WrappedRow {
                    start: at + start,
                    end: at + end,
                });
                used = widths[end..i].iter().sum();
                start = end;
                after_space = None;
            }
            used += w;
            if spaces[i] {
                after_space = Some(i + 1);
            }
        }
        rows.push(WrappedRow {
            start: at + start,
            end: at + widths.len(),
        });
        at += widths.len() + 1;
    }
    rows
}

/// The row and column the caret (a character index into `value`) sits at among `rows`.
pub fn caret_at(value: &str, rows: &[WrappedRow], cursor: usize) -> (usize, usize) {
    let row = rows.iter().rposition(|r| r.start <= cursor).unwrap_or(0);
    let col = rows.get(row).map_or(0, |r| {
        value
            .chars()
            .skip(r.start)
            .take(cursor.saturating_sub(r.start))
            .map(|c| shown(c).1)
            .sum()
    });
    (row, col)
}

/// The character index on row `row` nearest to column `col`: the caret moved up or down keeps its column
/// where the row is long enough. A row that wraps onto the next ends before its last character, so the
/// caret stays on the row it was moved to.
pub fn index_at(value: &str, rows: &[WrappedRow], row: usize, col: usize) -> usize {
    let Some(r) = rows.get(row) else {
        return value.chars().count();
    };
    let continues = rows.get(row + 1).is_some_and(|next| next.start == r.end);
    let last = if continues {
        r.end.saturating_sub(1).max(r.start)
    } else {
        r.end
    };
    let mut used = 0;
    let mut at = r.start;
    for c in value.chars().skip(r.start).take(last - r.start) {
        let w = shown(c).1;
        if used + w > col {
            break;
        }
        used += w;
        at += 1;
    }
    at
}

/// The text of one wrapped row as the screen shows it.
pub fn row_text(value: &str, row: WrappedRow) -> String {
    value
        .chars()
        .skip(row.start)
        .take(row.end - row.start)
        .map(|c| shown(c).0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(value: &str, width: usize) -> Vec<String> {
        wrap_rows(value, width)
            .into_iter()
            .map(|r| row_text(value, r))
            .collect()
    }

    #[test]
    fn rows_break_after_spaces_and_long_words_where_the_row_ends() {
        assert_eq!(texts("one two three", 9), ["one two ", "three"]);
        assert_eq!(texts("abcdefghij", 5), ["abcd", "efgh", "ij"]);
        assert_eq!(texts("ab\ncd", 10), ["ab", "cd"]);
        assert_eq!(texts("", 10), [""]);
    }

    #[test]
    fn the_caret_is_found_on_its_row_and_moves_by_rows() {
        let value = "one two three";
        let rows = wrap_rows(value, 9);
        // After "thr": second row, column 3.
        assert_eq!(caret_at(value, &rows, 11), (1, 3));
        // The start of "three" is the start of the second row, not the end of the first.
        assert_eq!(caret_at(value, &rows, 8), (1, 0));
        assert_eq!(index_at(value, &rows, 0, 3), 3);
        // Past the first row's end the caret stays before its last character.
        assert_eq!(index_at(value, &rows, 0, 20), 7);
        assert_eq!(index_at(value, &rows, 1, 20), 13);
    }
}
