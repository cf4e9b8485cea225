//! A lead as the screens show it: every string from the server passed through the sanitiser exactly once,
//! when the lead arrives, so no widget ever sees raw server text.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::api::CompactId;
use crate::api::types::{Lead, LeadStatus};
use crate::sanitize;

/// A lead as a list holds it: what rows, search, filters and look-alikes read. Notes, custom fields and
/// attribution are left to the detail, which reads the lead whole when it opens (from the tenant, or the
/// mirror offline): a whole tenant in memory costs what its lists show, not every note ever written.
pub fn list_copy(mut lead: Lead) -> Lead {
    lead.notes = None;
    lead.custom_fields.clear();
    lead.attribution = None;
    lead
}

/// A lead as a list row reads it, wherever its text is kept: in a [`CompactLead`] of its own, or in a
/// list's [`LeadRows`](crate::model::lead_rows::LeadRows), which keeps the text of every lead in one
/// buffer. Every string from the server in it was sanitised on arrival.
///
/// `text` is the search text (name, company, email, phone and intent, each after a tab but the first: a
/// tab is whitespace to the matcher, like the spaces that separate words), each field folded for the
/// search (lower case, no accents; see [`crate::text::fold::fold`]) when folding changes more than its
/// ASCII case, else as drawn. When some field was folded, a file separator follows with the five fields
/// as drawn, split by tabs, each empty where the drawn field is the searched one: most leads need no
/// copy, and a lead with an accented name copies just its name. Then, when the lead has any, a record
/// separator before each of attribution, custom fields and notes; a pair's key and value are split by a
/// unit separator and pairs by a group separator. `tags` is status, source and channel, split by record
/// separators: a list keeps each such triple once. Sanitised text holds none of these characters, so
/// none can be forged by the server.
#[derive(Clone, Copy, PartialEq)]
pub struct LeadRef<'a> {
    pub(crate) id: &'a CompactId,
    pub(crate) assignee: Option<&'a CompactId>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) chars: u64,
    pub(crate) text: &'a str,
    pub(crate) search_len: u32,
    pub(crate) tags: &'a str,
}

/// A lead held on its own (the one a detail or a preview shows, one just created): a [`LeadRef`]'s parts
/// in two allocations.
#[derive(Clone, PartialEq)]
pub struct CompactLead {
    id: CompactId,
    assignee: Option<CompactId>,
    created_at: DateTime<Utc>,
    chars: u64,
    search_len: u32,
    tags: Box<str>,
    text: Box<str>,
}

/// A set of characters as bits, ASCII case ignored: one bit for each letter and digit, exact; other
/// ASCII characters share bits 36 to 62 and all others bit 63, so for those it only rules out.
pub fn char_mask(text: &str) -> u64 {
    text.bytes().fold(0, |mask, b| mask | char_bit(b))
}

/// The bit of [`char_mask`] for one byte (a byte of a multi-byte character sets bit 63).
pub fn char_bit(b: u8) -> u64 {
    let bit = match b.to_ascii_lowercase() {
        c @ b'a'..=b'z' => c - b'a',
        c @ b'0'..=b'9' => c - b'0' + 26,
        c if c.is_ascii() => 36 + c % 27,
        _ => 63,
    };
    1 << bit
}

const FIELD: char = '\t';
const FOLDED: char = '\u{1c}';
const RECORD: char = '\u{1e}';
const GROUP: char = '\u{1d}';
const UNIT: char = '\u{1f}';

#[derive(Clone, Copy)]
enum Searched {
    Name,
    Company,
    Email,
    Phone,
    Intent,
}

#[derive(Clone, Copy)]
enum Other {
    Status,
    Source,
    Channel,
    Attribution,
    CustomFields,
    Notes,
}

/// The most of one field's server text kept (bytes): far more than a row or a detail screen shows of a
/// name, an email or a custom field, so a hostile server's 10 MB value costs a screenful per key, not
/// 10 MB of sanitising, wrapping, measuring and searching.
pub const FIELD_KEPT: usize = 4 * 1024;
/// The most of the notes kept (bytes): many screens of scrolling in the detail.
pub const NOTES_KEPT: usize = 64 * 1024;

/// `s` cut to at most `at_most` bytes at a character boundary, and how many bytes were left out.
fn cut(s: &str, at_most: usize) -> (&str, usize) {
    if s.len() <= at_most {
        return (s, 0);
    }
    let mut end = at_most;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    (&s[..end], s.len() - end)
}

/// What is said in place of the text left out, so a cut value never looks whole.
fn left_out(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!(" … ({:.1} MB more not shown)", bytes as f64 / 1e6)
    } else {
        format!(" … ({bytes} bytes more not shown)")
    }
}

/// One line of server text, sanitised and cut to [`FIELD_KEPT`] (cut first: sanitising 10 MB is the cost
/// being avoided).
pub fn line(s: &str) -> std::borrow::Cow<'_, str> {
    match cut(s, FIELD_KEPT) {
        (whole, 0) => sanitize::line(whole),
        (head, rest) => std::borrow::Cow::Owned(format!("{}{}", sanitize::line(head), left_out(rest))),
    }
}

/// The notes, sanitised with their line breaks and cut to [`NOTES_KEPT`].
pub fn notes_text(s: &str) -> String {
    match cut(s, NOTES_KEPT) {
        (whole, 0) => sanitize::multiline(whole).into_owned(),
        (head, rest) => format!("{}{}", sanitize::multiline(head), left_out(rest)),
    }
}

fn present(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.trim().is_empty())
}

fn some(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// A JSON value of a custom field or attribution entry, as one line of text.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "—".to_string(),
        Value::Bool(true) => "yes".to_string(),
        Value::Bool(false) => "no".to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => line(s).into_owned(),
        Value::Array(items) => {
            // Items are added only while the line has room: a million of them cost no more than a few.
            let mut text = String::new();
            for (n, item) in items.iter().enumerate() {
                if text.len() > FIELD_KEPT {
                    text.push_str(&format!(" … ({} more not shown)", items.len() - n));
                    break;
                }
                if n > 0 {
                    text.push_str(", ");
                }
                text.push_str(&value_text(item));
            }
            text
        }
        Value::Object(_) => line(&v.to_string()).into_owned(),
    }
}

fn push_pairs<'a>(text: &mut String, pairs: impl Iterator<Item = (&'a String, &'a Value)>) {
    for (n, (k, v)) in pairs.enumerate() {
        if n > 0 {
            text.push(GROUP);
        }
        text.push_str(&line(k));
        text.push(UNIT);
        text.push_str(&value_text(v));
    }
}

fn pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.split(GROUP)
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once(UNIT).unwrap_or((p, "")))
}

/// The five searched fields of `lead`, sanitised and cut, in the search text's order.
fn searched_fields(lead: &Lead) -> [String; 5] {
    let field = |part: &Option<String>| present(part).map(line).unwrap_or_default().into_owned();
    [
        line(lead.full_name().trim()).into_owned(),
        field(&lead.company_name),
        field(&lead.email),
        field(&lead.phone),
        field(&lead.intent),
    ]
}

impl CompactLead {
    pub fn new(lead: &Lead) -> CompactLead {
        let fields = searched_fields(lead);
        let mut text = String::new();
        // Each field as searched: ASCII folds to itself but for case, which the search ignores.
        let searched: Vec<Option<String>> = fields
            .iter()
            .map(|f| {
                (!f.is_ascii())
                    .then(|| crate::text::fold::fold(f))
                    .filter(|folded| !folded.eq_ignore_ascii_case(f))
            })
            .collect();
        for (n, (drawn, folded)) in fields.iter().zip(&searched).enumerate() {
            if n > 0 {
                text.push(FIELD);
            }
            text.push_str(folded.as_deref().unwrap_or(drawn));
        }
        let search_len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        let chars = char_mask(&text);
        if searched.iter().any(Option::is_some) {
            text.push(FOLDED);
            for (n, (drawn, folded)) in fields.iter().zip(&searched).enumerate() {
                if n > 0 {
                    text.push(FIELD);
                }
                if folded.is_some() {
                    text.push_str(drawn);
                }
            }
        }
        let notes = present(&lead.notes);
        if lead.attribution.as_ref().is_some_and(|a| !a.is_empty()) || !lead.custom_fields.is_empty() || notes.is_some()
        {
            text.push(RECORD);
            push_pairs(&mut text, lead.attribution.iter().flatten());
            text.push(RECORD);
            push_pairs(&mut text, lead.custom_fields.iter());
            text.push(RECORD);
            if let Some(notes) = notes {
                text.push_str(&notes_text(notes));
            }
        }
        let mut tags = line(lead.status.as_str()).into_owned();
        tags.push(RECORD);
        tags.push_str(&lead.source.as_ref().map(|s| line(s.as_str())).unwrap_or_default());
        tags.push(RECORD);
        tags.push_str(&present(&lead.channel).map(line).unwrap_or_default());
        CompactLead {
            id: CompactId::new(&lead.id),
            assignee: lead
                .assigned_to
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(CompactId::new),
            created_at: lead.created_at,
            chars,
            search_len,
            tags: tags.into_boxed_str(),
            text: text.into_boxed_str(),
        }
    }

    /// The lead as any row is read.
    pub fn row(&self) -> LeadRef<'_> {
        LeadRef {
            id: &self.id,
            assignee: self.assignee.as_ref(),
            created_at: self.created_at,
            chars: self.chars,
            text: &self.text,
            search_len: self.search_len,
            tags: &self.tags,
        }
    }

    pub fn id(&self) -> &CompactId {
        &self.id
    }

    pub fn id_display(&self) -> String {
        self.row().id_display()
    }

    pub fn assignee(&self) -> Option<&CompactId> {
        self.assignee.as_ref()
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    pub fn search_text(&self) -> &str {
        self.row().search_text()
    }

    pub fn haystack_chars(&self) -> u64 {
        self.chars
    }

    pub fn name(&self) -> &str {
        self.row().name()
    }

    pub fn company(&self) -> Option<&str> {
        self.row().company()
    }

    pub fn email(&self) -> Option<&str> {
        self.row().email()
    }

    pub fn phone(&self) -> Option<&str> {
        self.row().phone()
    }

    pub fn intent(&self) -> Option<&str> {
        self.row().intent()
    }

    pub fn status(&self) -> LeadStatus {
        self.row().status()
    }

    pub fn source(&self) -> Option<&str> {
        self.row().source()
    }

    pub fn channel(&self) -> Option<&str> {
        self.row().channel()
    }

    pub fn notes(&self) -> Option<&str> {
        self.row().notes()
    }

    pub fn attribution(&self) -> impl Iterator<Item = (&str, &str)> {
        self.row().attribution()
    }

    pub fn custom_fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.row().custom_fields()
    }
}

impl<'a> LeadRef<'a> {
    /// The lead held on its own, as [`CompactLead::new`] would make it.
    pub fn to_owned(self) -> CompactLead {
        CompactLead {
            id: self.id.clone(),
            assignee: self.assignee.cloned(),
            created_at: self.created_at,
            chars: self.chars,
            search_len: self.search_len,
            tags: self.tags.into(),
            text: self.text.into(),
        }
    }

    /// As the server sent it: used for requests, de-duplication and marks, never drawn as is.
    pub fn id(self) -> &'a CompactId {
        self.id
    }

    /// The id as drawn (a server may send anything as an id).
    pub fn id_display(self) -> String {
        line(&self.id.as_str()).into_owned()
    }

    /// The assignee's id as the server sent it (matched against the roster and used as a filter).
    pub fn assignee(self) -> Option<&'a CompactId> {
        self.assignee
    }

    pub fn created_at(self) -> DateTime<Utc> {
        self.created_at
    }

    /// What the search compares: name, company, email, phone and intent split by tabs, each folded (lower
    /// case, no accents; see [`crate::text::fold::fold`]), except that ASCII letters may keep their case.
    pub fn search_text(self) -> &'a str {
        let end = (self.search_len as usize).min(self.text.len());
        // Off a character boundary (never made so): read as having nothing to find.
        self.text.get(..end).unwrap_or_default()
    }

    /// The characters of [`LeadRef::search_text`], as [`char_mask`] gives them, so a search can pass over
    /// a lead without reading its text.
    pub fn haystack_chars(self) -> u64 {
        self.chars
    }

    /// The text after the search text: the fields as drawn where they were folded, then the rest.
    fn after_search(self) -> &'a str {
        self.text.get(self.search_text().len()..).unwrap_or_default()
    }

    /// Searched field `n` as drawn.
    fn field(self, n: Searched) -> &'a str {
        let n = n as usize;
        let drawn = self
            .after_search()
            .strip_prefix(FOLDED)
            .and_then(|drawn| drawn.split(RECORD).next())
            .and_then(|drawn| drawn.split(FIELD).nth(n))
            .filter(|f| !f.is_empty());
        drawn.unwrap_or_else(|| self.search_text().split(FIELD).nth(n).unwrap_or_default())
    }

    /// The five searched fields as drawn: name, company, email, phone and intent.
    pub fn fields(self) -> [&'a str; 5] {
        [
            self.field(Searched::Name),
            self.field(Searched::Company),
            self.field(Searched::Email),
            self.field(Searched::Phone),
            self.field(Searched::Intent),
        ]
    }

    fn other(self, field: Other) -> &'a str {
        match field {
            Other::Status | Other::Source | Other::Channel => {
                self.tags.split(RECORD).nth(field as usize).unwrap_or_default()
            }
            Other::Attribution | Other::CustomFields | Other::Notes => self
                .after_search()
                .split(RECORD)
                .nth(field as usize - Other::Attribution as usize + 1)
                .unwrap_or_default(),
        }
    }

    /// "First Last", or an empty string when the lead has no name.
    pub fn name(self) -> &'a str {
        self.field(Searched::Name)
    }

    pub fn company(self) -> Option<&'a str> {
        some(self.field(Searched::Company))
    }

    pub fn email(self) -> Option<&'a str> {
        some(self.field(Searched::Email))
    }

    pub fn phone(self) -> Option<&'a str> {
        some(self.field(Searched::Phone))
    }

    pub fn intent(self) -> Option<&'a str> {
        some(self.field(Searched::Intent))
    }

    pub fn status(self) -> LeadStatus {
        LeadStatus::from_wire(self.other(Other::Status))
    }

    pub fn source(self) -> Option<&'a str> {
        some(self.other(Other::Source))
    }

    pub fn channel(self) -> Option<&'a str> {
        some(self.other(Other::Channel))
    }

    /// Keeps its line breaks.
    pub fn notes(self) -> Option<&'a str> {
        some(self.other(Other::Notes))
    }

    /// Key and value, in the server's key order.
    pub fn attribution(self) -> impl Iterator<Item = (&'a str, &'a str)> {
        pairs(self.other(Other::Attribution))
    }

    /// Raw key and value, in key order; the label comes from the tenant profile when drawn.
    pub fn custom_fields(self) -> impl Iterator<Item = (&'a str, &'a str)> {
        pairs(self.other(Other::CustomFields))
    }
}

impl std::fmt::Debug for LeadRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeadRef")
            .field("id", &self.id)
            .field("name", &self.name())
            .field("status", &self.status())
            .field("assignee", &self.assignee)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for CompactLead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompactLead")
            .field("id", &self.id)
            .field("name", &self.name())
            .field("status", &self.status())
            .field("assignee", &self.assignee)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_huge_field_is_kept_to_a_few_screens_and_says_it_was_cut() {
        let huge = "ab\u{e9} ".repeat(2_500_000);
        let lead: Lead = serde_json::from_value(json!({
            "id": "1", "status": "new", "createdAt": "2026-01-01T00:00:00Z",
            "firstName": huge, "notes": format!("first line\n{huge}"),
            "customFields": {"big": huge, "many": vec![1; 1_000_000]},
        }))
        .unwrap();
        let v = CompactLead::new(&lead);
        let name = v.name();
        assert!(name.len() < FIELD_KEPT + 100, "{}", name.len());
        assert!(name.starts_with("ab\u{e9} ab\u{e9}"), "{}", &name[..20]);
        assert!(name.ends_with("MB more not shown)"), "{}", &name[name.len() - 40..]);
        let notes = v.notes().unwrap();
        assert!(notes.len() < NOTES_KEPT + 100, "{}", notes.len());
        assert!(notes.starts_with("first line\nab"));
        assert!(notes.ends_with("MB more not shown)"));
        for (key, value) in v.custom_fields() {
            assert!(value.len() < FIELD_KEPT + 100, "{key}: {}", value.len());
            assert!(value.ends_with("more not shown)"), "{key}");
        }
    }

    #[test]
    fn server_text_is_sanitised_on_arrival() {
        let lead: Lead = serde_json::from_value(json!({
            "id": "id\u{202E}1", "status": "x\x1b[31m", "createdAt": "2026-01-01T00:00:00Z",
            "firstName": "Ada\x1b]0;pwn\x07", "companyName": "Evil\nCorp", "notes": "a\nb\x07",
            "customFields": {"k": "v\u{200B}", "list": ["a", "b"], "n": 3, "b": true},
            "attribution": {"utm": "x\ty"}
        }))
        .unwrap();
        let v = CompactLead::new(&lead);
        assert_eq!(v.id().as_str(), "id\u{202E}1");
        assert_eq!(v.id_display(), "id\u{2423}1");
        assert_eq!(v.name(), "Ada\u{FFFD}");
        assert_eq!(v.company(), Some("Evil Corp"));
        assert_eq!(v.email(), None);
        assert_eq!(v.notes(), Some("a\nb\u{FFFD}"));
        assert_eq!(v.status(), LeadStatus::Other("x\u{FFFD}".into()));
        assert_eq!(
            v.custom_fields().collect::<Vec<_>>(),
            vec![("b", "yes"), ("k", "v\u{2423}"), ("list", "a, b"), ("n", "3")]
        );
        assert_eq!(v.attribution().collect::<Vec<_>>(), [("utm", "x y")]);
    }

    #[test]
    fn every_field_reads_back_and_separators_from_the_server_cannot_move_a_field() {
        let lead: Lead = serde_json::from_value(json!({
            "id": "0b9f3c3e-8f4e-4a59-9d6b-2f1c7f4f2a10", "status": "qualified",
            "createdAt": "2026-01-01T00:00:00Z", "firstName": "Ada", "lastName": "L\u{1e}x",
            "companyName": "A\tB\u{1f}C", "email": "a@b.example", "phone": "+1 555",
            "intent": "buy\u{1d}", "notes": "line 1\nline\u{1e}2", "source": "web", "channel": "fair",
            "assignedTo": "u-1",
            "attribution": {"utm\u{1f}k": "v\u{1d}w", "b": 1},
            "customFields": {"region": "emea", "empty": ""}
        }))
        .unwrap();
        let v = CompactLead::new(&lead);
        assert_eq!(v.id().as_str(), "0b9f3c3e-8f4e-4a59-9d6b-2f1c7f4f2a10");
        assert_eq!(v.assignee().map(|a| a.as_str().into_owned()).as_deref(), Some("u-1"));
        assert_eq!(v.name(), "Ada L\u{FFFD}x");
        assert_eq!(v.company(), Some("A B\u{FFFD}C"));
        assert_eq!(v.email(), Some("a@b.example"));
        assert_eq!(v.phone(), Some("+1 555"));
        assert_eq!(v.intent(), Some("buy\u{FFFD}"));
        assert_eq!(v.status(), LeadStatus::Qualified);
        assert_eq!(v.source(), Some("web"));
        assert_eq!(v.channel(), Some("fair"));
        assert_eq!(v.notes(), Some("line 1\nline\u{FFFD}2"));
        assert_eq!(
            v.attribution().collect::<Vec<_>>(),
            [("b", "1"), ("utm\u{FFFD}k", "v\u{FFFD}w")]
        );
        assert_eq!(
            v.custom_fields().collect::<Vec<_>>(),
            [("empty", ""), ("region", "emea")]
        );
        assert_eq!(
            v.search_text(),
            "Ada L\u{FFFD}x\tA B\u{FFFD}C\ta@b.example\t+1 555\tbuy\u{FFFD}",
            "the replacement character folds to itself: no copy"
        );
        assert!(!v.row().text.contains(FOLDED));

        let bare: Lead = serde_json::from_value(json!({
            "id": "x", "status": "new", "createdAt": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        let v = CompactLead::new(&bare);
        assert_eq!((v.name(), v.company(), v.notes(), v.source()), ("", None, None, None));
        assert_eq!(v.assignee(), None);
        assert_eq!(v.attribution().count() + v.custom_fields().count(), 0);
    }

    #[test]
    fn a_name_with_accents_keeps_a_folded_copy_for_the_search_and_every_field_still_reads_back() {
        let lead: Lead = serde_json::from_value(json!({
            "id": "1", "status": "qualified", "createdAt": "2026-01-01T00:00:00Z",
            "firstName": "María", "lastName": "ĐORĐE", "companyName": "Acme", "notes": "n",
            "source": "web", "customFields": {"region": "emea"}
        }))
        .unwrap();
        let v = CompactLead::new(&lead);
        assert_eq!(v.search_text(), "maria dorde\tAcme\t\t\t");
        assert_eq!(
            v.row().text.matches("Acme").count(),
            1,
            "only the field that folds is kept twice"
        );
        assert_eq!(v.row().fields(), ["María ĐORĐE", "Acme", "", "", ""]);
        assert_eq!((v.name(), v.company(), v.email()), ("María ĐORĐE", Some("Acme"), None));
        assert_eq!(
            (v.status(), v.source(), v.notes()),
            (LeadStatus::Qualified, Some("web"), Some("n"))
        );
        assert_eq!(v.custom_fields().collect::<Vec<_>>(), [("region", "emea")]);
        assert_eq!(v.haystack_chars(), char_mask("mariadorde acme\t"));

        let ascii = CompactLead::new(
            &serde_json::from_value(json!({
                "id": "2", "status": "new", "createdAt": "2026-01-01T00:00:00Z", "firstName": "Ada"
            }))
            .unwrap(),
        );
        assert_eq!(ascii.row().text, "Ada\t\t\t\t", "no copy where case is all that folds");
    }
}
