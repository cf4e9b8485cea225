//! Reading an import file: CSV with a header row, or JSON Lines (one object per line). Every row is read
//! and checked before anything is sent, and every problem of every row is kept, with the line it is on and
//! the column it came from, so one report shows all that needs fixing.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde_json::Value;

use super::fields::{Cells, Fills, target};
use crate::api::types::{LeadSource, NewLead};
use crate::tenant::TenantProfile;

/// How the file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    Csv,
    Jsonl,
}

impl InputFormat {
    /// From the file's name: `.jsonl`, `.ndjson` or `.json` are JSON Lines, anything else CSV.
    pub fn of(path: &Path) -> InputFormat {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("jsonl" | "ndjson" | "json") => InputFormat::Jsonl,
            _ => InputFormat::Csv,
        }
    }
}

/// One row of the file, as a new lead.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Where it starts in the file, counted from 1 (the header is line 1 of a CSV), as a spreadsheet or
    /// an editor shows it.
    pub line: u64,
    pub lead: NewLead,
    /// The row as written, to go into the refused-rows file if the tenant refuses it.
    pub raw: Vec<String>,
}

/// Something wrong with one cell (or a whole row, or the file's columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 0 for the file as a whole (its header).
    pub line: u64,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let column = crate::sanitize::line(&self.column);
        let message = crate::sanitize::line(&self.message);
        match (self.line, column.is_empty()) {
            (0, _) => write!(f, "{column}: {message}"),
            (line, true) => write!(f, "line {line}: {message}"),
            (line, false) => write!(f, "line {line}, {column}: {message}"),
        }
    }
}

/// What the file holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contents {
    /// The column names as written (for a JSONL file, every key met, in order of first sight).
    pub header: Vec<String>,
    /// Rows that passed every check.
    pub rows: Vec<Row>,
    /// Rows that did not (all their problems are in `problems`).
    pub bad: Vec<Row>,
    pub problems: Vec<Problem>,
    /// Columns of values the tenant sets itself (`id`, `createdAt`, `status`), left out.
    pub left_out: Vec<String>,
}

fn left_out(header: &[String], targets: &[Fills]) -> Vec<String> {
    header
        .iter()
        .zip(targets)
        .filter(|(_, t)| **t == Fills::SetByTenant)
        .map(|(name, _)| name.clone())
        .collect()
}

/// How to read the file: the tenant's fields, `--map` and `--set`.
#[derive(Debug, Clone)]
pub struct Reading<'a> {
    pub cells: Cells<'a>,
    /// `--map COLUMN=FIELD`: columns whose names are not fields, by name as written in the file.
    pub map: BTreeMap<String, String>,
    /// `--set FIELD=VALUE`: a value for every row that has none of its own.
    pub set: Vec<(Fills, Value)>,
}

/// The most rows one file may hold: an import is a day's leads, not a tenant's history.
pub const MAX_ROWS: usize = 100_000;

impl Reading<'_> {
    fn tenant(&self) -> &TenantProfile {
        self.cells.tenant
    }

    /// Which field each column goes to; a column that is none is a problem (never dropped silently).
    fn targets(&self, header: &[String], problems: &mut Vec<Problem>) -> Vec<Fills> {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        let targets: Vec<Fills> = header
            .iter()
            .map(|name| {
                let mapped = self.map.get(name).or_else(|| self.map.get(name.trim()));
                let found = match mapped {
                    Some(field) => target(field, self.tenant()).ok_or_else(|| {
                        format!("--map {name}={field}: `{field}` is not a field; the fields are {}", super::fields::FIELD_NAMES)
                    }),
                    None => target(name, self.tenant()).ok_or_else(|| {
                        format!(
                            "not a field of a lead: name it with --map '{name}=FIELD' (or --map '{name}=-' to leave it out)"
                        )
                    }),
                };
                match found {
                    Ok(t) => {
                        if !matches!(t, Fills::Skip | Fills::SetByTenant)
                            && let Some(other) = seen.insert(t.wire(), name)
                        {
                            problems.push(Problem {
                                line: 0,
                                column: format!("column `{name}`"),
                                message: format!("goes to {} as column `{other}` does", t.wire()),
                            });
                        }
                        t
                    }
                    Err(message) => {
                        problems.push(Problem {
                            line: 0,
                            column: format!("column `{name}`"),
                            message,
                        });
                        Fills::Skip
                    }
                }
            })
            .collect();
        for name in self.map.keys() {
            if !header.iter().any(|h| h == name || h.trim() == name) {
                problems.push(Problem {
                    line: 0,
                    column: format!("--map {name}=…"),
                    message: format!("the file has no column `{name}`"),
                });
            }
        }
        targets
    }

    /// One row from its cells (by column), checked by the rules of the form.
    fn row(&self, line: u64, header: &[String], targets: &[Fills], cells: &[Value], out: &mut Contents) {
        let mut lead = NewLead::new("", LeadSource::Import);
        let mut problems = Vec::new();
        let mut written: Vec<String> = Vec::new();
        for ((name, target), value) in header.iter().zip(targets).zip(cells) {
            if let Err(why) = self.cells.set(&mut lead, target, value) {
                problems.push(Problem {
                    line,
                    column: name.clone(),
                    message: why.to_string(),
                });
            }
            if !matches!(value, Value::Null) && !value.as_str().is_some_and(|s| s.trim().is_empty()) {
                written.push(target.wire());
            }
        }
        for (target, value) in &self.set {
            let already = written.contains(&target.wire())
                || match target {
                    Fills::Custom(key) => lead.custom_fields.contains_key(key),
                    Fills::Attribution(key) => lead.attribution.as_ref().is_some_and(|a| a.contains_key(key)),
                    _ => false,
                };
            if !already && let Err(why) = self.cells.set(&mut lead, target, value) {
                problems.push(Problem {
                    line,
                    column: format!("--set {}", target.wire()),
                    message: why.to_string(),
                });
            }
        }
        for detail in super::fields::problems(&lead, self.tenant()) {
            if problems
                .iter()
                .any(|p| target(&p.column, self.tenant()).is_some_and(|t| t.wire() == detail.field))
            {
                continue;
            }
            let column = header
                .iter()
                .zip(targets)
                .find(|(_, t)| t.wire() == detail.field)
                .map(|(name, _)| name.clone())
                .unwrap_or(detail.field);
            problems.push(Problem {
                line,
                column,
                message: detail.message,
            });
        }
        let raw = cells
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            })
            .collect();
        let row = Row { line, lead, raw };
        if problems.is_empty() {
            out.rows.push(row);
        } else {
            out.problems.extend(problems);
            out.bad.push(row);
        }
    }

    /// Reads every row of `input`.
    pub fn read(&self, input: impl Read, format: InputFormat) -> Contents {
        match format {
            InputFormat::Csv => self.read_csv(input),
            InputFormat::Jsonl => self.read_jsonl(input),
        }
    }

    fn read_csv(&self, mut input: impl Read) -> Contents {
        let mut out = Contents::default();
        let mut bytes = Vec::new();
        if let Err(e) = input.read_to_end(&mut bytes) {
            out.problems.push(Problem {
                line: 1,
                column: String::new(),
                message: format!("cannot be read: {e}"),
            });
            return out;
        }
        let mut lines = LineOf::new(&bytes);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes.as_slice());
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim_start_matches('\u{feff}').to_string()).collect(),
            Err(e) => {
                out.problems.push(Problem {
                    line: 1,
                    column: String::new(),
                    message: format!("the header row cannot be read: {e}"),
                });
                return out;
            }
        };
        let targets = self.targets(&header, &mut out.problems);
        out.left_out = left_out(&header, &targets);
        out.header = header.clone();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().map_or(0, |p| lines.at(p.byte()));
                    if out.rows.len() + out.bad.len() >= MAX_ROWS {
                        out.problems.push(Problem {
                            line,
                            column: String::new(),
                            message: format!("a file may hold at most {MAX_ROWS} rows: split it"),
                        });
                        break;
                    }
                    if record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    if record.len() > header.len() {
                        out.problems.push(Problem {
                            line,
                            column: String::new(),
                            message: format!("{} cells for {} columns", record.len(), header.len()),
                        });
                    }
                    let cells: Vec<Value> = record.iter().map(|c| Value::String(c.to_string())).collect();
                    self.row(line, &header, &targets, &cells, &mut out);
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| lines.at(p.byte()));
                    out.problems.push(Problem {
                        line,
                        column: String::new(),
                        message: format!("cannot be read: {e}"),
                    });
                    // A broken quote or bad UTF-8 leaves the reader lost: what follows is not trusted either.
                    if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                        break;
                    }
                }
            }
        }
        out
    }

    fn read_jsonl(&self, input: impl Read) -> Contents {
        use std::io::BufRead;
        let mut out = Contents::default();
        let mut objects: Vec<(u64, serde_json::Map<String, Value>)> = Vec::new();
        for (i, line) in std::io::BufReader::new(input).lines().enumerate() {
            let number = i as u64 + 1;
            let text = match line {
                Ok(text) => text,
                Err(e) => {
                    out.problems.push(Problem {
                        line: number,
                        column: String::new(),
                        message: format!("cannot be read: {e}"),
                    });
                    break;
                }
            };
            // A BOM some editors write before the first line is no part of its JSON.
            let text = if i == 0 {
                text.trim_start_matches('\u{feff}').to_string()
            } else {
                text
            };
            if text.trim().is_empty() {
                continue;
            }
            if objects.len() >= MAX_ROWS {
                out.problems.push(Problem {
                    line: number,
                    column: String::new(),
                    message: format!("a file may hold at most {MAX_ROWS} rows: split it"),
                });
                break;
            }
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => {
                    for key in map.keys() {
                        if !out.header.contains(key) {
                            out.header.push(key.clone());
                        }
                    }
                    objects.push((number, map));
                }
                Ok(_) => out.problems.push(Problem {
                    line: number,
                    column: String::new(),
                    message: "is not a JSON object".to_string(),
                }),
                Err(e) => out.problems.push(Problem {
                    line: number,
                    column: String::new(),
                    message: format!("is not JSON: {e}"),
                }),
            }
        }
        // A nested `customFields` or `attribution` object is as good as its dotted columns.
        let mut names: Vec<String> = Vec::new();
        for name in &out.header {
            let nested = matches!(name.as_str(), "customFields" | "attribution")
                && objects.iter().any(|(_, m)| m.get(name).is_some_and(Value::is_object));
            if !nested {
                if !names.contains(name) {
                    names.push(name.clone());
                }
                continue;
            }
            for (_, m) in &objects {
                if let Some(Value::Object(inner)) = m.get(name) {
                    for k in inner.keys() {
                        let dotted = format!("{name}.{k}");
                        if !names.contains(&dotted) {
                            names.push(dotted);
                        }
                    }
                }
            }
        }
        let cell = |map: &serde_json::Map<String, Value>, name: &str| -> Value {
            if let Some(v) = map.get(name) {
                return v.clone();
            }
            name.split_once('.')
                .and_then(|(parent, key)| map.get(parent)?.as_object()?.get(key).cloned())
                .unwrap_or(Value::Null)
        };
        let targets = self.targets(&names, &mut out.problems);
        out.left_out = left_out(&names, &targets);
        out.header = names.clone();
        for (line, map) in &objects {
            let cells: Vec<Value> = names.iter().map(|name| cell(map, name)).collect();
            self.row(*line, &names, &targets, &cells, &mut out);
        }
        out
    }
}

/// The line of the file a record starts on, as an editor numbers it. The csv reader's own count is of the
/// record's start as it read it: after a CRLF header the `\n` still ahead of the row, after a blank line
/// the blank line, both a line early. A cell spanning lines counts as the line its row starts on.
struct LineOf<'a> {
    bytes: &'a [u8],
    /// How far the newlines have been counted, and how many there were before it.
    counted: usize,
    newlines: u64,
}

impl<'a> LineOf<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineOf {
            bytes,
            counted: 0,
            newlines: 0,
        }
    }

    /// The line of the record whose reading began at `byte`: the line of its first character past the line
    /// ends and blank lines before it. Records come in order, so the count goes on from the last.
    fn at(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.counted {
            self.counted = 0;
            self.newlines = 0;
        }
        self.newlines += memchr::memchr_iter(b'\n', &self.bytes[self.counted..start]).count() as u64;
        self.counted = start;
        self.newlines + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tenant::{CustomFieldDef, CustomFieldKind};

    fn tenant() -> TenantProfile {
        TenantProfile {
            roster: vec![],
            custom_fields: vec![CustomFieldDef::new(
                "region",
                "Region",
                CustomFieldKind::Dropdown,
                true,
                &["emea", "apac"],
            )],
        }
    }

    fn reading(tenant: &TenantProfile) -> Reading<'_> {
        Reading {
            cells: Cells { tenant, me: None },
            map: BTreeMap::new(),
            set: Vec::new(),
        }
    }

    #[test]
    fn every_problem_of_every_row_is_reported_with_its_line_and_column() {
        let t = tenant();
        let csv = "First name,Last name,Email,Region\n\
                   Ada,Lovelace,ada@example.com,emea\n\
                   ,Nameless,not-an-email,mars\n\
                   Bo,,bo@example.com,apac\n";
        let read = reading(&t).read(csv.as_bytes(), InputFormat::Csv);
        assert_eq!(read.rows.len(), 2);
        assert_eq!(read.rows[0].line, 2);
        assert_eq!(read.rows[1].lead.first_name, "Bo");
        assert_eq!(
            read.rows[1].lead.source,
            LeadSource::Import,
            "a file without sources imports as `import`"
        );
        let found: Vec<String> = read.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            found,
            [
                "line 3, First name: is required",
                "line 3, Email: must be an email address like name@example.com",
                "line 3, Region: must be one of: emea, apac"
            ]
        );
        assert_eq!(read.bad[0].raw, ["", "Nameless", "not-an-email", "mars"]);
    }

    #[test]
    fn a_row_is_numbered_as_an_editor_numbers_its_line_whatever_the_line_ends() {
        let t = tenant();
        let lf = "firstName,email\nAda,ada@example.com\n\nBo,bo@example\n\"Cy\nline\",cy@example\nDi,di@example\n";
        let crlf = lf.replace('\n', "\r\n");
        let bom = format!("\u{feff}{crlf}");
        for text in [lf.to_string(), crlf, bom] {
            let read = reading(&t).read(text.as_bytes(), InputFormat::Csv);
            let lines: Vec<u64> = read.rows.iter().chain(&read.bad).map(|r| r.line).collect();
            // Ada on line 2, a blank line 3, Bo on 4, Cy's cell spans 5 and 6, Di on 7.
            assert_eq!(lines, [2, 4, 5, 7], "{text:?}");
            let found: Vec<String> = read.problems.iter().map(|p| p.to_string()).collect();
            assert!(found.iter().any(|p| p.starts_with("line 4, email:")), "{found:?}");
            assert!(found.iter().any(|p| p.starts_with("line 7, email:")), "{found:?}");
        }
    }

    #[test]
    fn an_unknown_column_stops_the_import_until_it_is_mapped_or_left_out() {
        let t = tenant();
        let csv = "firstName,Booth,region\nAda,B12,emea\n";
        let read = reading(&t).read(csv.as_bytes(), InputFormat::Csv);
        assert_eq!(read.problems.len(), 1);
        assert!(
            read.problems[0].to_string().contains("column `Booth`: not a field"),
            "{:?}",
            read.problems
        );
        let mut mapped = reading(&t);
        mapped.map.insert("Booth".into(), "notes".into());
        let read = mapped.read(csv.as_bytes(), InputFormat::Csv);
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        assert_eq!(read.rows[0].lead.notes.as_deref(), Some("B12"));
        mapped.map.insert("Booth".into(), "-".into());
        let read = mapped.read(csv.as_bytes(), InputFormat::Csv);
        assert_eq!(read.rows[0].lead.notes, None);
    }

    #[test]
    fn set_fills_what_a_row_leaves_empty() {
        let t = tenant();
        let mut r = reading(&t);
        r.set
            .push((Fills::Custom("region".into()), Value::String("apac".into())));
        let read = r.read("firstName,region\nAda,\nBo,emea\n".as_bytes(), InputFormat::Csv);
        assert!(read.problems.is_empty(), "{:?}", read.problems);
        assert_eq!(read.rows[0].lead.custom_fields["region"], "apac");
        assert_eq!(read.rows[1].lead.custom_fields["region"], "emea");
    }

    #[test]
    fn json_lines_take_flat_dotted_or_nested_custom_fields() {
        let t = tenant();
        let jsonl = "{\"firstName\":\"Ada\",\"customFields\":{\"region\":\"emea\"}}\n\n\
                     {\"firstName\":\"Bo\",\"customFields.region\":\"apac\",\"email\":\"bo@example.com\"}\n\
                     [1,2]\n";
        let read = reading(&t).read(jsonl.as_bytes(), InputFormat::Jsonl);
        assert_eq!(read.rows.len(), 2, "{:?}", read.problems);
        assert_eq!(read.rows[0].lead.custom_fields["region"], "emea");
        assert_eq!(read.rows[1].line, 3);
        assert_eq!(read.rows[1].lead.custom_fields["region"], "apac");
        assert_eq!(read.problems[0].to_string(), "line 4: is not a JSON object");
    }
}
