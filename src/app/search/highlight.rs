//! Which characters of a row the search marks: for each word of the query, where the ranking found it
//! (the word start or the stretch inside a word, in the field that matched), never letters gathered from
//! across the row.

use super::word_match::{COMPANY, NAME, best_fuzzy, find_whole, fuzzy_positions};
use crate::model::lead::LeadRef;
use crate::text::fold::{fold, fold_mapped};

/// The marked characters of the two fields a row shows, one flag a character of the field as drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowMarks {
    pub name: Vec<bool>,
    pub company: Vec<bool>,
}

/// What `query` marks in `lead`'s name and company.
pub fn highlights(lead: LeadRef<'_>, query: &str) -> RowMarks {
    let name = lead.name();
    let company = lead.company().unwrap_or_default();
    let mut marks = RowMarks {
        name: vec![false; name.chars().count()],
        company: vec![false; company.chars().count()],
    };
    let words: Vec<String> = query.split_whitespace().map(fold).filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return marks;
    }
    // The fields folded as the ranking reads them, each with where its bytes come from in the text drawn.
    let fields: Vec<(String, Vec<usize>)> = lead.fields().into_iter().map(fold_mapped).collect();
    let text = fields.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>().join("\t");
    for word in &words {
        let (field, bytes) = match find_whole(&text, word) {
            Some(found) => {
                let field_start = text[..found.at].rfind('\t').map_or(0, |t| t + 1);
                let from = found.at - field_start;
                (found.field, (from..from + found.len).collect::<Vec<_>>())
            }
            None => match best_fuzzy(&text, word) {
                Some((_, field)) => (field, fuzzy_positions(&fields[field].0, word)),
                None => continue,
            },
        };
        let target = match field {
            NAME => &mut marks.name,
            COMPANY => &mut marks.company,
            _ => continue,
        };
        let from = &fields[field].1;
        for b in bytes {
            if let Some(&c) = from.get(b)
                && let Some(mark) = target.get_mut(c)
            {
                *mark = true;
            }
        }
    }
    marks
}
