//! The leads of one list, kept as columns: a tenant mirrored whole is a million leads in memory, and a
//! lead held as a struct with its text in an allocation of its own costs twice what its text does. Here
//! the text of every lead lies in one buffer, each status/source/channel triple and each assignee is
//! kept once, and the search's character sets lie side by side, so a keystroke's pass over the leads
//! reads memory in order.

use std::collections::HashMap;
use std::hash::BuildHasher;

use hashbrown::HashTable;

use chrono::{DateTime, Utc};

use super::lead::{CompactLead, LeadRef};
use crate::api::CompactId;

/// Where a lead's text lies in the buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    start: u64,
    len: u32,
    search_len: u32,
}

/// Values many leads share, each kept once and named by its place.
#[derive(Debug, Clone)]
struct Shared<T: std::hash::Hash + Eq + Clone> {
    values: Vec<T>,
    places: HashMap<T, u32>,
}

impl<T: std::hash::Hash + Eq + Clone> Default for Shared<T> {
    fn default() -> Self {
        Shared {
            values: Vec::new(),
            places: HashMap::new(),
        }
    }
}

impl<T: std::hash::Hash + Eq + Clone> Shared<T> {
    fn place(&mut self, value: &T) -> u32 {
        if let Some(&at) = self.places.get(value) {
            return at;
        }
        let at = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
        self.values.push(value.clone());
        self.places.insert(value.clone(), at);
        at
    }

    fn get(&self, at: u32) -> Option<&T> {
        self.values.get(at as usize)
    }
}

/// Every lead of a list, in the list's order.
#[derive(Clone, Default)]
pub struct LeadRows {
    ids: Vec<CompactId>,
    created: Vec<DateTime<Utc>>,
    /// 0 for none, else 1 + the place in `assignees`.
    assignee: Vec<u32>,
    tags: Vec<u32>,
    chars: Vec<u64>,
    spans: Vec<Span>,
    text: String,
    /// Bytes of `text` no lead points at any more (leads replaced or dropped).
    unused: usize,
    assignees: Shared<CompactId>,
    tag_texts: Shared<Box<str>>,
    /// Each row's number, found by its lead's id: a list knows which leads it holds, and where, without a
    /// second copy of a million ids.
    index: HashTable<u32>,
    hasher: std::hash::RandomState,
    /// Names which lead each row holds: a new one whenever rows move or change leads (appending keeps
    /// it), so what was worked out per row can tell whether it still holds.
    layout: u64,
    /// How many times a lead was replaced where it stands (its status or assignee may have changed).
    edits: u64,
}

/// A layout no list has had before.
fn new_layout() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl LeadRows {
    pub fn new() -> LeadRows {
        LeadRows {
            layout: new_layout(),
            ..LeadRows::default()
        }
    }

    /// Which lead each row holds, as a name: the same while only rows are added at the end.
    pub fn layout(&self) -> u64 {
        self.layout
    }

    /// Changes whenever a lead is replaced where it stands ([`LeadRows::set`]).
    pub fn edits(&self) -> u64 {
        self.edits
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<LeadRef<'_>> {
        let span = *self.spans.get(i)?;
        let start = usize::try_from(span.start).ok()?;
        let text = self.text.get(start..start.checked_add(span.len as usize)?)?;
        let assignee = match self.assignee.get(i)? {
            0 => None,
            n => self.assignees.get(n - 1),
        };
        Some(LeadRef {
            id: self.ids.get(i)?,
            assignee,
            created_at: *self.created.get(i)?,
            chars: *self.chars.get(i)?,
            text,
            search_len: span.search_len,
            tags: self.tag_texts.get(*self.tags.get(i)?).map_or("", |t| t),
        })
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = LeadRef<'_>> + ExactSizeIterator + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or_else(|| self.missing()))
    }

    /// Never reached (every column is as long as the others); a lead with nothing in it rather than a
    /// panic.
    fn missing(&self) -> LeadRef<'_> {
        static NONE: std::sync::OnceLock<CompactId> = std::sync::OnceLock::new();
        LeadRef {
            id: NONE.get_or_init(|| CompactId::new("")),
            assignee: None,
            created_at: DateTime::<Utc>::MIN_UTC,
            chars: 0,
            text: "",
            search_len: 0,
            tags: "",
        }
    }

    /// Lead `i`'s [`LeadRef::search_text`], read without the rest of the lead: what a search reads of
    /// each lead its character set lets through.
    pub fn search_text(&self, i: usize) -> Option<&str> {
        let span = self.spans.get(i)?;
        let start = usize::try_from(span.start).ok()?;
        self.text
            .get(start..start.checked_add(span.search_len.min(span.len) as usize)?)
    }

    /// Whether lead `i` is assigned to anyone.
    pub fn is_assigned(&self, i: usize) -> Option<bool> {
        self.assignee.get(i).map(|&a| a != 0)
    }

    pub fn id(&self, i: usize) -> Option<&CompactId> {
        self.ids.get(i)
    }

    pub fn created_at(&self, i: usize) -> Option<DateTime<Utc>> {
        self.created.get(i).copied()
    }

    /// Each lead's [`LeadRef::haystack_chars`], in order: what a search passes over first.
    pub fn chars(&self) -> &[u64] {
        &self.chars
    }

    /// Where the lead `id` stands.
    pub fn position(&self, id: &CompactId) -> Option<usize> {
        let ids = &self.ids;
        self.index
            .find(self.hasher.hash_one(id), |&row| ids.get(row as usize) == Some(id))
            .map(|&row| row as usize)
    }

    /// True when the list holds the lead `id`.
    pub fn contains(&self, id: &CompactId) -> bool {
        self.position(id).is_some()
    }

    /// Adds row `row` to the index.
    fn index_row(&mut self, row: usize) {
        let (ids, hasher) = (&self.ids, &self.hasher);
        if let Some(id) = ids.get(row) {
            let row = u32::try_from(row).unwrap_or(u32::MAX);
            self.index.insert_unique(hasher.hash_one(id), row, |&r| {
                ids.get(r as usize).map_or(0, |id| hasher.hash_one(id))
            });
        }
    }

    /// Indexes every row again (after rows left the list).
    fn reindex(&mut self) {
        self.index.clear();
        for row in 0..self.len() {
            self.index_row(row);
        }
    }

    /// The parts of `lead` that go in the columns, its text added to the buffer.
    fn parts(&mut self, lead: LeadRef<'_>) -> (u32, u32, Span) {
        let assignee = lead.assignee.map_or(0, |a| self.assignees.place(a).saturating_add(1));
        let tags = self.tag_texts.place(&Box::from(lead.tags));
        let start = self.text.len() as u64;
        self.text.push_str(lead.text);
        let span = Span {
            start,
            len: u32::try_from(lead.text.len()).unwrap_or(u32::MAX),
            search_len: lead.search_len,
        };
        (assignee, tags, span)
    }

    pub fn push(&mut self, lead: &CompactLead) {
        let lead = lead.row();
        let (assignee, tags, span) = self.parts(lead);
        self.ids.push(lead.id.clone());
        self.created.push(lead.created_at);
        self.assignee.push(assignee);
        self.tags.push(tags);
        self.chars.push(lead.chars);
        self.spans.push(span);
        self.index_row(self.len() - 1);
    }

    pub fn extend<'a>(&mut self, leads: impl IntoIterator<Item = &'a CompactLead>) {
        for lead in leads {
            self.push(lead);
        }
    }

    /// Puts `lead` before the lead at `at` (at the end past the last).
    pub fn insert(&mut self, at: usize, lead: &CompactLead) {
        let at = at.min(self.len());
        self.layout = new_layout();
        let lead = lead.row();
        let (assignee, tags, span) = self.parts(lead);
        self.ids.insert(at, lead.id.clone());
        self.created.insert(at, lead.created_at);
        self.assignee.insert(at, assignee);
        self.tags.insert(at, tags);
        self.chars.insert(at, lead.chars);
        self.spans.insert(at, span);
        for row in self.index.iter_mut() {
            if *row as usize >= at {
                *row += 1;
            }
        }
        self.index_row(at);
    }

    /// Puts each lead before the lead that stood at its place; `places` do not go down. In one pass over
    /// each column, however many leads come.
    pub fn insert_many(&mut self, leads: &[CompactLead], places: &[usize]) {
        if leads.len() == 1 {
            if let (Some(lead), Some(&at)) = (leads.first(), places.first()) {
                self.insert(at, lead);
            }
            return;
        }
        self.layout = new_layout();
        let parts: Vec<(u32, u32, Span)> = leads.iter().map(|l| self.parts(l.row())).collect();
        fn merged<T: Clone>(column: &mut Vec<T>, places: &[usize], new: impl Iterator<Item = T>) {
            let old = std::mem::take(column);
            let mut out = Vec::with_capacity(old.len() + places.len());
            let mut new = places.iter().copied().zip(new).peekable();
            for (i, value) in old.into_iter().enumerate() {
                while let Some((_, v)) = new.next_if(|&(at, _)| at <= i) {
                    out.push(v);
                }
                out.push(value);
            }
            out.extend(new.map(|(_, v)| v));
            *column = out;
        }
        merged(&mut self.ids, places, leads.iter().map(|l| l.id().clone()));
        merged(&mut self.created, places, leads.iter().map(CompactLead::created_at));
        merged(&mut self.assignee, places, parts.iter().map(|p| p.0));
        merged(&mut self.tags, places, parts.iter().map(|p| p.1));
        merged(&mut self.chars, places, leads.iter().map(CompactLead::haystack_chars));
        merged(&mut self.spans, places, parts.iter().map(|p| p.2));
        // A row moves down by the new leads put before it.
        for row in self.index.iter_mut() {
            let moved = *row as usize + places.partition_point(|&at| at <= *row as usize);
            *row = u32::try_from(moved).unwrap_or(u32::MAX);
        }
        for (n, &at) in places.iter().enumerate() {
            self.index_row(at + n);
        }
    }

    /// Replaces the lead at `at` (the same lead, as it is now).
    pub fn set(&mut self, at: usize, lead: &CompactLead) {
        if at >= self.len() {
            return;
        }
        let old = self.spans[at].len as usize;
        self.edits += 1;
        let lead = lead.row();
        let (assignee, tags, span) = self.parts(lead);
        let same_id = self.ids[at] == *lead.id;
        if !same_id {
            self.layout = new_layout();
            let hash = self.hasher.hash_one(&self.ids[at]);
            if let Ok(entry) = self.index.find_entry(hash, |&row| row as usize == at) {
                entry.remove();
            }
        }
        self.ids[at] = lead.id.clone();
        self.created[at] = lead.created_at;
        self.assignee[at] = assignee;
        self.tags[at] = tags;
        self.chars[at] = lead.chars;
        self.spans[at] = span;
        if !same_id {
            self.index_row(at);
        }
        self.unused += old;
        self.compact_if_worth_it();
    }

    /// Keeps the leads `keep` says yes to, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(LeadRef<'_>) -> bool) {
        let kept: Vec<bool> = self.iter().map(&mut keep).collect();
        if kept.iter().all(|&k| k) {
            return;
        }
        self.layout = new_layout();
        fn keep_only<T>(column: &mut Vec<T>, kept: &[bool]) {
            let mut flags = kept.iter();
            column.retain(|_| flags.next().copied().unwrap_or(true));
        }
        for (span, _) in self.spans.iter().zip(&kept).filter(|(_, k)| !**k) {
            self.unused += span.len as usize;
        }
        keep_only(&mut self.ids, &kept);
        keep_only(&mut self.created, &kept);
        keep_only(&mut self.assignee, &kept);
        keep_only(&mut self.tags, &kept);
        keep_only(&mut self.chars, &kept);
        keep_only(&mut self.spans, &kept);
        self.reindex();
        self.compact_if_worth_it();
    }

    pub fn clear(&mut self) {
        *self = LeadRows::new();
    }

    /// Once most of the buffer is text of leads gone, the text still used is copied into a new one.
    fn compact_if_worth_it(&mut self) {
        if self.unused < 1 << 20 || self.unused < self.text.len() / 2 {
            return;
        }
        let mut text = String::with_capacity(self.text.len() - self.unused);
        for span in &mut self.spans {
            let start = usize::try_from(span.start).unwrap_or(usize::MAX);
            let piece = self
                .text
                .get(start..start.saturating_add(span.len as usize))
                .unwrap_or_default();
            span.start = text.len() as u64;
            text.push_str(piece);
        }
        self.text = text;
        self.unused = 0;
    }
}

impl std::fmt::Debug for LeadRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> FromIterator<&'a CompactLead> for LeadRows {
    fn from_iter<I: IntoIterator<Item = &'a CompactLead>>(leads: I) -> LeadRows {
        let mut rows = LeadRows::new();
        rows.extend(leads);
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Lead;
    use serde_json::json;

    fn lead(id: &str, name: &str, status: &str, assignee: Option<&str>) -> CompactLead {
        let lead: Lead = serde_json::from_value(json!({
            "id": id, "status": status, "createdAt": "2026-01-01T00:00:00Z",
            "firstName": name, "companyName": "Acme", "assignedTo": assignee,
            "notes": format!("notes of {name}"), "customFields": {"region": "emea"},
        }))
        .unwrap();
        CompactLead::new(&lead)
    }

    fn names(rows: &LeadRows) -> Vec<&str> {
        rows.iter().map(LeadRef::name).collect()
    }

    #[test]
    fn each_lead_reads_back_as_it_was_put_in_wherever_it_was_put() {
        let leads: Vec<CompactLead> = (0..6)
            .map(|i| {
                lead(
                    &i.to_string(),
                    &format!("Lead {i}"),
                    ["new", "won"][i % 2],
                    ["u-1", "u-2"].get(i % 3).copied(),
                )
            })
            .collect();
        let mut rows: LeadRows = leads[..3].iter().collect();
        rows.insert(1, &leads[3]);
        rows.insert_many(&leads[4..], &[0, 3]);
        assert_eq!(
            names(&rows),
            ["Lead 4", "Lead 0", "Lead 3", "Lead 1", "Lead 5", "Lead 2"]
        );
        for row in rows.iter() {
            let i: usize = row.id().as_str().parse().unwrap();
            assert_eq!(row, leads[i].row(), "lead {i}");
            assert_eq!(row.notes(), Some(format!("notes of Lead {i}").as_str()));
        }
        assert_eq!(rows.tag_texts.values.len(), 2, "one triple per status here");
        assert_eq!(rows.assignees.values.len(), 2);
        assert_eq!(rows.chars().len(), 6);
        for (at, row) in rows.iter().enumerate() {
            assert_eq!(rows.position(row.id()), Some(at), "the index follows every insert");
        }
        assert!(!rows.contains(&CompactId::new("9")));

        rows.set(3, &lead("1", "Lead 1 renamed", "lost", None));
        assert_eq!(
            rows.get(3)
                .map(|r| (r.name(), r.status().as_str().to_string(), r.assignee())),
            Some(("Lead 1 renamed", "lost".to_string(), None))
        );
        rows.retain(|r| r.status().as_str() != "won");
        assert_eq!(names(&rows), ["Lead 4", "Lead 0", "Lead 1 renamed", "Lead 2"]);
        for (at, row) in rows.iter().enumerate() {
            assert_eq!(rows.position(row.id()), Some(at), "and every lead let go");
        }
        assert!(!rows.contains(leads[3].id()));
        rows.set(0, &lead("40", "Lead 40", "new", None));
        assert_eq!(
            (rows.position(&CompactId::new("40")), rows.contains(leads[4].id())),
            (Some(0), false)
        );
        assert_eq!(rows.get(0).map(|r| r.company()), Some(Some("Acme")));
    }

    #[test]
    fn the_text_of_replaced_leads_is_let_go_once_it_is_most_of_the_buffer() {
        let with_notes = |id: &str, notes: String| {
            let lead: Lead = serde_json::from_value(json!({
                "id": id, "status": "new", "createdAt": "2026-01-01T00:00:00Z",
                "firstName": id, "notes": notes,
            }))
            .unwrap();
            CompactLead::new(&lead)
        };
        let big = "x".repeat(40_000);
        let mut rows: LeadRows = [with_notes("a", big.clone()), with_notes("b", "small".into())]
            .iter()
            .collect();
        for n in 0..60 {
            rows.set(0, &with_notes("a", format!("{n}{big}")));
        }
        assert!(rows.text.len() < 3 * 1024 * 1024, "{} bytes kept", rows.text.len());
        assert!(
            rows.get(0)
                .and_then(LeadRef::notes)
                .is_some_and(|n| n.starts_with("59x"))
        );
        assert_eq!(rows.get(1).and_then(LeadRef::notes), Some("small"));
        assert_eq!(rows.get(1).map(LeadRef::name), Some("b"));
    }
}
