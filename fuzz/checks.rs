// What each fuzz target does with one input, in one place: `fuzz/src/lib.rs` (the fuzz targets, on nightly)
// and `tests/fuzz_corpus.rs` (`cargo test`, on stable) both `include!` this file, so the seed corpus and the
// fuzzer run the very same checks. Every function takes any bytes and panics only on a bug.

use std::collections::{BTreeMap, BTreeSet};

use leadbox::model::lead::{self, CompactLead};
use leadbox::import::fields;
use leadbox::sanitize;
use novala_leads::Paging;
use novala_leads::rules::{self, TextField};
use novala_leads::tenant::{CustomFieldDef, CustomFieldKind, TenantProfile};
use novala_leads::types::{Data, Lead, LeadSource, LeadStatus, NewLead, Page};
use novala_sandbox::ListFilter;
use novala_sandbox::cursor::{CursorError, CursorKey};
use novala_sandbox::store::Position;
use serde_json::Value;

/// The signing secret of the cursors in `fuzz/corpus/cursor_decode`.
pub const CURSOR_SECRET: [u8; 32] = [7; 32];
/// A roster member's id, as the sandbox spells them.
const MEMBER: &str = "3f8e2a1c-7b4d-4e9a-8c2f-1d5b6a7e9f01";
/// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants RFC 3339 can write.
const RFC3339_MS: std::ops::RangeInclusive<i64> = -62_167_219_200_000..=253_402_300_799_999;

// ---- sanitize ----

/// Arbitrary bytes (as UTF-8, lossily) through `sanitize::line` and `multiline`, and through a lead's view.
pub fn sanitize_one(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_sanitizer(&text);
    // Every text of this lead is `text`, checked just above: only the view is left to check.
    check_view(&lead_with_text(&text));
}

/// What reaches a widget holds no control character (but the newlines of `multiline`), nothing
/// `is_bidi_or_invisible` and no variation selector.
fn assert_shown_safely(input: &str, shown: &str, newlines: bool) {
    for c in shown.chars() {
        assert!(
            !c.is_control() || (newlines && c == '\n'),
            "control {:#x} in {shown:?}, sanitised from {input:?}",
            c as u32
        );
        assert!(
            !sanitize::is_bidi_or_invisible(c),
            "bidi or invisible {:#x} in {shown:?}, sanitised from {input:?}",
            c as u32
        );
        assert!(
            !sanitize::is_variation_selector(c),
            "variation selector {:#x} in {shown:?}, sanitised from {input:?}",
            c as u32
        );
    }
}

fn check_sanitizer(text: &str) {
    let line = sanitize::line(text);
    assert_shown_safely(text, &line, false);
    let multiline = sanitize::multiline(text);
    assert_shown_safely(text, &multiline, true);
    let newlines = |s: &str| s.matches('\n').count();
    assert!(
        newlines(&multiline) <= newlines(text),
        "multiline made lines: {text:?} -> {multiline:?}"
    );
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        assert_eq!(line, text, "printable ASCII is shown as it is");
        assert_eq!(multiline, text, "printable ASCII is shown as it is");
    }
    // What is shown once is shown as it is again: the sanitiser has nothing left to do.
    assert_eq!(
        sanitize::line(&line),
        line,
        "line() changes its own output, from {text:?}"
    );
    assert_eq!(
        sanitize::multiline(&multiline),
        multiline,
        "multiline() changes its own output, from {text:?}"
    );
    let marks = |s: &str| {
        let (mut run, mut longest) = (0, 0);
        for c in s.chars() {
            if !c.is_ascii() && unicode_width::UnicodeWidthChar::width(c) == Some(0) {
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
        }
        longest
    };
    assert!(
        marks(&line) <= sanitize::MAX_COMBINING,
        "{} marks in a row from {text:?}",
        marks(&line)
    );
    let short = leadbox::text::short_id(text);
    assert!(short.chars().count() <= 8, "{short:?}");
    assert_shown_safely(text, &short, false);
}

/// A lead with `text` in every text field, custom field and attribution entry, so the view meets it everywhere.
fn lead_with_text(text: &str) -> Lead {
    let value = Value::String(text.to_string());
    let mut lead: Lead = serde_json::from_value(serde_json::json!({
        "id": text, "status": text, "source": text, "createdAt": "2025-01-15T10:30:00.000Z",
        "firstName": text, "lastName": text, "email": text, "phone": text, "companyName": text,
        "intent": text, "notes": text, "assignedTo": text, "channel": text,
    }))
    .unwrap_or_else(|e| panic!("a lead of any text decodes: {e}"));
    lead.custom_fields.insert(text.to_string(), value.clone());
    lead.custom_fields.insert(
        "list".into(),
        Value::Array(vec![value.clone(), Value::Null, Value::Bool(true)]),
    );
    let object = serde_json::Map::from_iter([(text.to_string(), serde_json::json!([value.clone(), 1.5]))]);
    lead.custom_fields.insert("object".into(), Value::Object(object));
    lead.attribution = Some(BTreeMap::from([(text.to_string(), value)]));
    lead
}

// ---- page_decode ----

/// Arbitrary bytes as a page, a single lead and a cached page; whatever decodes goes through `Paging` and
/// `CompactLead`, and every text of every lead through the sanitiser.
pub fn page_one(data: &[u8]) {
    if let Ok(page) = serde_json::from_slice::<Page<Lead>>(data) {
        check_page(page);
    }
    if let Ok(one) = serde_json::from_slice::<Data<Lead>>(data) {
        check_lead(&one.data);
    }
    // The page cache keeps first pages as bare arrays of leads.
    if let Ok(leads) = serde_json::from_slice::<Vec<Lead>>(data) {
        leads.iter().for_each(check_lead);
    }
}

fn check_page(page: Page<Lead>) {
    page.data.iter().for_each(check_lead);
    let distinct = page.data.iter().map(|l| l.id.as_str()).collect::<BTreeSet<_>>().len();
    let continuation = page.continuation().map(str::to_string);

    let mut paging = Paging::new();
    let first = paging.accept(None, page.clone());
    assert_eq!(first.len(), distinct, "each id of a first page is handed out once");
    assert_eq!(paging.seen_count(), distinct);
    assert_eq!(
        first.iter().map(|l| l.id.as_str()).collect::<BTreeSet<_>>().len(),
        distinct
    );
    match continuation {
        None => assert!(paging.is_done(), "no cursor to follow ends the walk"),
        Some(cursor) => {
            assert_eq!(paging.next_cursor(), Some(cursor.as_str()));
            assert!(!paging.is_done());
            // The same page behind its own cursor again: nothing new, and a cursor already followed ends the walk.
            assert!(paging.accept(Some(&cursor), page.clone()).is_empty());
            assert!(paging.is_done(), "a page pointing at itself ends the walk");
        }
    }
    assert!(
        paging.accept(None, page.clone()).is_empty(),
        "nothing is taken after the end"
    );
    assert!(paging.fresh(page.data).is_empty(), "every lead was handed out already");
}

/// Every text a lead carries, sanitised both ways, and the lead's view.
fn check_lead(lead: &Lead) {
    for text in lead_texts(lead) {
        check_sanitizer(text);
    }
    check_view(lead);
}

/// The lead's view shows what the lead holds, every text of it safe, and the lead reads back as itself.
fn check_view(lead: &Lead) {
    let view = CompactLead::new(lead);
    assert!(view.id().is(&lead.id));
    assert_eq!(view.id().as_str(), lead.id.as_str());
    assert_eq!(view.created_at(), lead.created_at);
    // A value past what a screen can show is kept cut, and says so; shorter ones are whole.
    let kept = |s: &str| {
        let kept = leadbox::model::lead::line(s).into_owned();
        if s.len() <= leadbox::model::lead::FIELD_KEPT {
            assert_eq!(kept, sanitize::line(s));
        } else {
            assert!(kept.ends_with("more not shown)"), "a cut value says it was cut");
        }
        kept
    };
    assert_eq!(view.name(), kept(lead.full_name().trim()));
    let shown = |field: &Option<String>| {
        field
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(kept)
            .filter(|s| !s.is_empty())
    };
    assert_eq!(view.company().map(str::to_string), shown(&lead.company_name));
    assert_eq!(view.email().map(str::to_string), shown(&lead.email));
    assert_eq!(view.phone().map(str::to_string), shown(&lead.phone));
    assert_eq!(view.intent().map(str::to_string), shown(&lead.intent));
    assert_eq!(view.channel().map(str::to_string), shown(&lead.channel));
    let source = lead.source.as_ref().map(|s| kept(s.as_str()));
    assert_eq!(view.source().map(str::to_string), source.filter(|s| !s.is_empty()));
    assert_eq!(
        view.status(),
        LeadStatus::from_wire(&kept(lead.status.as_str()))
    );
    if lead.status.as_str().bytes().all(|b| (0x20..0x7f).contains(&b)) {
        assert_eq!(view.status(), lead.status);
    }
    let notes = lead
        .notes
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            let kept = leadbox::model::lead::notes_text(s);
            if s.len() <= leadbox::model::lead::NOTES_KEPT {
                assert_eq!(kept, sanitize::multiline(s));
            }
            kept
        })
        .filter(|s| !s.is_empty());
    assert_eq!(view.notes().map(str::to_string), notes);

    let custom: Vec<(&str, &str)> = view.custom_fields().collect();
    assert_eq!(custom.len(), lead.custom_fields.len());
    for ((key, value), (shown_key, shown_value)) in lead.custom_fields.iter().zip(&custom) {
        assert_eq!(*shown_key, kept(key));
        assert_eq!(*shown_value, lead::value_text(value));
    }
    let attribution = lead.attribution.as_ref().map_or(0, BTreeMap::len);
    assert_eq!(view.attribution().count(), attribution);

    let haystack = view.row().fields().join("\t");
    let haystack = haystack.as_str();
    // The search reads the fields folded (a copy only of those accents fold), its characters known ahead.
    let search_text = view.search_text();
    assert!(
        leadbox::app::search::fold(haystack).eq_ignore_ascii_case(search_text),
        "{search_text:?} is not {haystack:?} folded"
    );
    assert_eq!(view.haystack_chars(), lead::char_mask(search_text));
    // Read from a list's rows, the lead is the same lead.
    let rows: leadbox::model::LeadRows = std::iter::once(&view).collect();
    assert_eq!(rows.get(0), Some(view.row()));
    let line_texts = [view.name(), haystack, &view.id_display()]
        .into_iter()
        .chain(
            [view.company(), view.email(), view.phone(), view.intent()]
                .into_iter()
                .flatten(),
        )
        .chain([view.source(), view.channel()].into_iter().flatten())
        .map(str::to_string)
        .collect::<Vec<_>>();
    for text in line_texts {
        // The haystack's fields are split by tabs; each field is one sanitised line.
        for field in text.split('\t') {
            assert_shown_safely(&lead.id, field, false);
        }
    }
    for (key, value) in view.custom_fields().chain(view.attribution()) {
        assert_shown_safely(&lead.id, key, false);
        assert_shown_safely(&lead.id, value, false);
    }
    if let Some(notes) = view.notes() {
        assert_shown_safely(&lead.id, notes, true);
    }

    // A lead written back (the page cache) reads back as itself, to the millisecond and the last digit: a
    // time outside years 0 to 9999 is refused when read, so no decoded lead holds one.
    assert!(
        RFC3339_MS.contains(&lead.created_at.timestamp_millis()),
        "{:?}",
        lead.created_at
    );
    let once = serde_json::to_vec(lead).unwrap_or_else(|e| panic!("a lead encodes: {e}"));
    let back: Lead = serde_json::from_slice(&once)
        .unwrap_or_else(|e| panic!("a lead read back decodes: {e}: {}", String::from_utf8_lossy(&once)));
    assert_same_json(lead, &back);
}

/// `a` and `b` encode alike (serde_json reads numbers back exactly with `float_roundtrip`).
fn assert_same_json<T: serde::Serialize + std::fmt::Debug>(a: &T, b: &T) {
    let encode = |v: &T| serde_json::to_value(v).unwrap_or_else(|e| panic!("{v:?} encodes: {e}"));
    assert_eq!(encode(a), encode(b), "{a:?} read back as {b:?}");
}

fn lead_texts(lead: &Lead) -> Vec<&str> {
    let mut texts = vec![lead.id.as_str(), lead.status.as_str()];
    texts.extend(lead.source.as_ref().map(LeadSource::as_str));
    texts.extend(
        [
            &lead.first_name,
            &lead.last_name,
            &lead.email,
            &lead.phone,
            &lead.company_name,
            &lead.intent,
            &lead.notes,
            &lead.assigned_to,
            &lead.channel,
        ]
        .into_iter()
        .filter_map(Option::as_deref),
    );
    for (key, value) in lead.custom_fields.iter().chain(lead.attribution.iter().flatten()) {
        texts.push(key);
        value_strings(value, &mut texts);
    }
    texts
}

/// Every string in a JSON value, keys included, down to any depth.
fn value_strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| value_strings(v, out)),
        Value::Object(map) => {
            for (key, v) in map {
                out.push(key);
                value_strings(v, out);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

// ---- cursor_decode ----

fn filters() -> [ListFilter; 3] {
    [
        ListFilter::default(),
        ListFilter {
            status: Some(LeadStatus::Lost),
            assigned_to: None,
        },
        ListFilter {
            status: Some(LeadStatus::New),
            assigned_to: Some(MEMBER.to_string()),
        },
    ]
}

/// Arbitrary bytes as a cursor given to the sandbox (`CursorKey::open`, which every list request with a
/// cursor goes through), and as a position (8 bytes of milliseconds, then the id) issued and opened again.
pub fn cursor_one(data: &[u8]) {
    let key = CursorKey::new(CURSOR_SECRET);
    let text = String::from_utf8_lossy(data);
    for filter in &filters() {
        for tenant in ["demo", "rival"] {
            // Only a cursor this key issued opens; issued again, it opens to the same place (when RFC 3339
            // can write its instant: see below).
            if let Ok(pos) = key.open(tenant, filter, &text)
                && RFC3339_MS.contains(&pos.created_at_ms)
            {
                let again = key.issue(tenant, filter, &pos);
                assert_eq!(key.open(tenant, filter, &again), Ok(pos));
            }
        }
    }

    let (ms, id) = match data.split_first_chunk::<8>() {
        Some((ms, id)) => (i64::from_le_bytes(*ms), String::from_utf8_lossy(id).into_owned()),
        None => (1_736_937_000_000, text.into_owned()),
    };
    let pos = Position { created_at_ms: ms, id };
    let [all, lost, _] = filters();
    let cursor = key.issue("demo", &all, &pos);
    let opened = key.open("demo", &all, &cursor);
    if cursor.len() > 512 {
        assert_eq!(opened, Err(CursorError::Malformed), "too long a cursor is refused");
        return;
    }
    // Outside years 0 to 9999 the sandbox issues a cursor it cannot open again (chrono writes `+10000-…` or
    // `-0001-…`, which RFC 3339 has no room for): refused as malformed, which is no panic, so left alone here.
    if RFC3339_MS.contains(&ms) {
        assert_eq!(opened, Ok(pos.clone()), "an issued cursor opens where it was issued");
    }
    // Not for another tenant or another filter, nor under another key.
    assert_eq!(key.open("rival", &all, &cursor), Err(CursorError::Foreign));
    assert_eq!(key.open("demo", &lost, &cursor), Err(CursorError::Foreign));
    assert_eq!(
        CursorKey::new([8; 32]).open("demo", &all, &cursor),
        Err(CursorError::Foreign)
    );
    // One character changed, anywhere, and it opens nowhere.
    let at = data.first().map_or(0, |&b| usize::from(b)) % cursor.len();
    let was = cursor.as_bytes()[at];
    let with = data
        .get(1)
        .copied()
        .filter(|b| b.is_ascii_graphic() && *b != was)
        .unwrap_or(if was == b'A' { b'B' } else { b'A' });
    let mut forged = cursor.into_bytes();
    forged[at] = with;
    let forged = String::from_utf8_lossy(&forged);
    assert!(key.open("demo", &all, &forged).is_err(), "{forged} was accepted");
}

// ---- create_rules ----

/// Arbitrary bytes as a create request: JSON decoded as a `NewLead`, or else NUL-separated fields
/// (first name, source, the other text fields in contract order, then `key=value` custom fields). Either is
/// checked against no custom fields, one of each kind, and fields made up from the lead's own keys, and
/// every custom value goes through the import's `custom_value`.
pub fn create_one(data: &[u8]) {
    let lead = match serde_json::from_slice::<Value>(data) {
        Ok(value) => {
            let mut strings = Vec::new();
            value_strings(&value, &mut strings);
            let tenant = tenant_of_every_kind();
            for s in strings.iter().take(64) {
                let _ = fields::target(s, &tenant);
            }
            match serde_json::from_value::<NewLead>(value) {
                Ok(lead) => lead,
                Err(_) => return,
            }
        }
        Err(_) => lead_from_fields(data),
    };
    check_new_lead(&lead);
}

fn lead_from_fields(data: &[u8]) -> NewLead {
    let mut parts = data.split(|&b| b == 0).map(|p| String::from_utf8_lossy(p).into_owned());
    let mut lead = NewLead::new(
        parts.next().unwrap_or_default(),
        LeadSource::from_wire(&parts.next().unwrap_or_default()),
    );
    for field in [
        &mut lead.last_name,
        &mut lead.email,
        &mut lead.phone,
        &mut lead.company_name,
        &mut lead.channel,
        &mut lead.intent,
        &mut lead.notes,
        &mut lead.assigned_to,
    ] {
        *field = parts.next().filter(|p| !p.is_empty());
    }
    for part in parts.take(32) {
        let (key, value) = part.split_once('=').unwrap_or((&part, ""));
        lead.custom_fields
            .insert(key.to_string(), Value::String(value.to_string()));
    }
    lead
}

fn tenant_of_every_kind() -> TenantProfile {
    let custom_fields = CustomFieldKind::ALL
        .into_iter()
        .enumerate()
        .map(|(n, kind)| {
            let options: &[&str] = match kind {
                CustomFieldKind::Dropdown | CustomFieldKind::MultiSelect => &["EMEA", "APAC", "Americas", ""],
                _ => &[],
            };
            CustomFieldDef::new(kind.as_str(), &format!("Field {n}"), kind, n % 2 == 0, options)
        })
        .collect();
    TenantProfile {
        roster: vec![novala_leads::tenant::Member {
            id: MEMBER.into(),
            name: "Ana Ruiz".into(),
        }],
        custom_fields,
    }
}

/// Custom field definitions for the lead's own keys, their kinds picked by a hash of the key, their
/// options taken from the lead's string values, every other one required.
fn defs_for(lead: &NewLead) -> Vec<CustomFieldDef> {
    let options: Vec<&str> = lead.custom_fields.values().filter_map(Value::as_str).take(8).collect();
    lead.custom_fields
        .keys()
        .enumerate()
        .map(|(n, key)| {
            let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            let kind = CustomFieldKind::ALL[(hash % CustomFieldKind::ALL.len() as u64) as usize];
            CustomFieldDef::new(key, key, kind, n % 2 == 1, &options)
        })
        .collect()
}

fn check_new_lead(lead: &NewLead) {
    let every_kind = tenant_of_every_kind();
    let own = defs_for(lead);
    for defs in [&[][..], every_kind.custom_fields.as_slice(), own.as_slice()] {
        let details = rules::validate_new_lead(lead, defs);
        assert_eq!(
            details,
            rules::validate_new_lead(lead, defs),
            "the rules are deterministic"
        );
        for d in &details {
            let known = TextField::ALL.iter().any(|f| f.wire_name() == d.field)
                || d.field == "source"
                || d.field.starts_with("customFields.");
            assert!(known, "a detail names no field: {d:?}");
            assert!(!d.message.is_empty(), "{d:?}");
        }
        let names = |field: &str| details.iter().any(|d| d.field == field);
        if lead.first_name.trim().is_empty() {
            assert!(names("firstName"), "a lead without a first name is refused");
        }
        for (field, value) in [
            (TextField::FirstName, Some(&lead.first_name)),
            (TextField::LastName, lead.last_name.as_ref()),
            (TextField::Email, lead.email.as_ref()),
            (TextField::Phone, lead.phone.as_ref()),
            (TextField::CompanyName, lead.company_name.as_ref()),
            (TextField::Channel, lead.channel.as_ref()),
            (TextField::Intent, lead.intent.as_ref()),
            (TextField::Notes, lead.notes.as_ref()),
            (TextField::AssignedTo, lead.assigned_to.as_ref()),
        ] {
            // A blank value counts as absent, whatever its length.
            if value.is_some_and(|v| !v.trim().is_empty() && v.chars().count() > field.max_chars()) {
                assert!(names(field.wire_name()), "{} over its length passes", field.wire_name());
            }
        }
        if !lead.source.is_known() {
            assert!(names("source"));
        }
        for key in lead.custom_fields.keys() {
            if !defs.iter().any(|d| &d.key == key) {
                assert!(
                    names(&format!("customFields.{key}")),
                    "unknown custom field {key:?} passes"
                );
            }
        }
        for def in defs.iter().filter(|d| d.required) {
            if lead.custom_fields.get(&def.key).is_none_or(Value::is_null) {
                assert!(
                    names(&format!("customFields.{}", def.key)),
                    "required {} passes",
                    def.key
                );
            }
        }
    }
    // The import leaves custom fields to a tenant whose profile names none.
    let unknown = fields::problems(lead, &TenantProfile::default());
    assert!(unknown.iter().all(|d| !d.field.starts_with("customFields.")));

    for def in every_kind.custom_fields.iter().chain(&own) {
        for value in lead.custom_fields.values().take(16) {
            check_custom_value(def, value);
        }
    }
    for text in TextField::ALL {
        let _ = rules::check_text(text, &lead.first_name);
    }

    let json = serde_json::to_vec(lead).unwrap_or_else(|e| panic!("a new lead encodes: {e}"));
    let back: NewLead = serde_json::from_slice(&json)
        .unwrap_or_else(|e| panic!("a new lead decodes again: {e}: {}", String::from_utf8_lossy(&json)));
    assert_same_json(lead, &back);
}

/// The import's reading of one cell for one field, and the rules on what it read.
fn check_custom_value(def: &CustomFieldDef, value: &Value) {
    let read = fields::custom_value(def, value);
    let _ = rules::check_custom_value(def, value);
    let Value::String(_) = value else {
        assert_eq!(read.as_ref(), Ok(value), "a JSON value is taken as it is");
        return;
    };
    let Ok(read) = read else {
        assert!(matches!(def.kind, CustomFieldKind::Number | CustomFieldKind::Boolean));
        return;
    };
    let problem = rules::check_custom_value(def, &read);
    match def.kind {
        CustomFieldKind::Number => {
            assert!(read.is_number(), "{value} read as {read}");
            assert_eq!(problem, None, "{value} read as {read}");
        }
        CustomFieldKind::Boolean => {
            assert!(read.is_boolean(), "{value} read as {read}");
            assert_eq!(problem, None, "{value} read as {read}");
        }
        CustomFieldKind::MultiSelect => assert!(read.as_array().is_some_and(|a| a.iter().all(Value::is_string))),
        _ => assert!(read.is_string(), "{value} read as {read}"),
    }
}
