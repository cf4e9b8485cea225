//! The shape of `src/`, read from the code itself: imports between its top-level modules run one way, no
//! file or function grows past what a reader can hold, the process ends only in `main`, and the library's
//! errors are types, not strings.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("src is readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The file's text without its `#[cfg(test)]` modules (tests may reach anywhere) and without comments. A
/// module ends at the first line that closes a brace at its own indentation, so code after a test module in
/// the middle of a file is still read.
fn code_of(text: &str) -> String {
    let mut kept = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let indent = line.len() - line.trim_start().len();
        if line.trim() == "#[cfg(test)]" && lines.peek().is_some_and(|next| next.trim_start().starts_with("mod ")) {
            // Left blank, so the lines after it keep their numbers.
            kept.push("");
            if lines.peek().is_some_and(|next| next.trim_end().ends_with(';')) {
                continue;
            }
            for inner in lines.by_ref() {
                kept.push("");
                if inner.len() - inner.trim_start().len() == indent && inner.trim() == "}" {
                    break;
                }
            }
            continue;
        }
        kept.push(match line.trim_start().starts_with("//") {
            true => "",
            false => line,
        });
    }
    kept.join("\n")
}

#[test]
fn the_code_read_leaves_out_test_modules_and_comments_only() {
    let text = "fn a() {}\n// a comment\n#[cfg(test)]\nmod tests {\n    fn t() {}\n}\nfn after() {}\n";
    let code = code_of(text);
    assert!(code.contains("fn a()") && code.contains("fn after()"), "{code}");
    assert!(!code.contains("fn t()") && !code.contains("a comment"), "{code}");
    assert_eq!(
        code.lines().position(|l| l.contains("fn after")),
        Some(6),
        "line numbers kept"
    );
}

/// The top-level module a file under `src/` belongs to (`app` for `src/app/form.rs`).
fn top_module(file: &Path) -> String {
    let rel = file.strip_prefix(src()).expect("under src");
    let first = rel.components().next().expect("a component");
    first.as_os_str().to_string_lossy().trim_end_matches(".rs").to_string()
}

/// Which top-level modules each top-level module names through `crate::…` (and `use crate::{a, b}`).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let files = rust_files(&src());
    let modules: BTreeSet<String> = files.iter().map(|f| top_module(f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = top_module(file);
        if from == "main" || from == "lib" {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(file).expect("readable"));
        let mut named = BTreeSet::new();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = &group[..group.find('}').unwrap_or(group.len())];
                for part in inner.split(',') {
                    named.insert(part.trim().split("::").next().unwrap_or("").to_string());
                }
            } else {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                named.insert(name);
            }
        }
        let edges = graph.entry(from.clone()).or_default();
        for name in named {
            if name != from && modules.contains(&name) {
                edges.insert(name);
            }
        }
    }
    graph
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn the_cycle_finder_finds_a_cycle_and_only_a_cycle() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
        }
        g
    };
    assert_eq!(find_cycle(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])), None);
    assert_eq!(
        find_cycle(&graph(&[("a", "b"), ("b", "c"), ("c", "a")])),
        Some(["a", "b", "c", "a"].map(String::from).to_vec())
    );
}

#[test]
fn main_only_runs_a_command() {
    let main = std::fs::read_to_string(src().join("main.rs")).expect("main.rs");
    assert!(main.lines().count() < 150, "main.rs has {} lines", main.lines().count());
}

#[test]
fn only_main_ends_the_process() {
    let ending: Vec<String> = rust_files(&src())
        .into_iter()
        .filter(|f| !f.ends_with("main.rs"))
        .filter(|f| code_of(&std::fs::read_to_string(f).expect("readable")).contains("process::exit"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(ending.is_empty(), "process::exit outside main: {ending:?}");
}

#[test]
fn no_file_holds_more_than_a_reader_can() {
    let long: Vec<String> = rust_files(&src())
        .into_iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(&f).expect("readable").lines().count();
            (lines > 900).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over 900 lines: {long:?}");
}

/// Whether `line` (trimmed) begins a function: any visibility (`pub`, `pub(crate)`, `pub(super)`,
/// `pub(in …)`), then any of `const`, `async`, `unsafe` and `extern "…"`, then `fn`.
fn starts_fn(line: &str) -> bool {
    let mut rest = line;
    if let Some(after) = rest.strip_prefix("pub") {
        rest = match after.strip_prefix('(') {
            Some(inner) => match inner.find(')') {
                Some(close) => &inner[close + 1..],
                None => return false,
            },
            None => after,
        };
        if !rest.starts_with(' ') {
            return false;
        }
        rest = rest.trim_start();
    }
    loop {
        let next = ["const ", "async ", "unsafe "]
            .iter()
            .find_map(|q| rest.strip_prefix(q))
            .or_else(|| {
                let after = rest.strip_prefix("extern \"")?;
                Some(&after[after.find("\" ")? + 2..])
            });
        match next {
            Some(after) => rest = after.trim_start(),
            None => break,
        }
    }
    rest.starts_with("fn ")
}

/// The functions of `code` longer than `most` lines: from a line starting a `fn` to the line where its
/// braces close, as rustfmt lays them out.
fn long_functions(code: &str, most: usize) -> Vec<(String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut long = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        if !starts_fn(t) {
            continue;
        }
        let indent = line.len() - t.len();
        // A signature over several lines ends at the first line holding its opening brace.
        let Some(open) =
            (i..lines.len()).find(|&j| lines[j].trim_end().ends_with('{') || lines[j].trim_end().ends_with(';'))
        else {
            continue;
        };
        if lines[open].trim_end().ends_with(';') {
            continue;
        }
        let close = (open + 1..lines.len()).find(|&j| {
            let l = lines[j];
            l.len() - l.trim_start().len() == indent && l.trim_start().starts_with('}')
        });
        if let Some(close) = close
            && close - i + 1 > most
        {
            let name: String = t
                .split("fn ")
                .nth(1)
                .unwrap_or("")
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            long.push((name, close - i + 1));
        }
    }
    long
}

#[test]
fn the_function_length_check_measures_from_signature_to_closing_brace() {
    let code =
        "fn short() {\n    1\n}\n\n    pub fn long(\n        a: u8,\n    ) -> u8 {\n        a\n        a\n    }\n";
    assert_eq!(long_functions(code, 3), [("long".to_string(), 6)]);
    assert!(long_functions(code, 6).is_empty());
    // Every visibility and qualifier, inside an `impl` block as well as at the top.
    let method = |sig: &str| format!("impl A {{\n    {sig} {{\n        1\n        2\n    }}\n}}\n");
    for sig in [
        "fn m(&self)",
        "pub(super) fn m(&self)",
        "pub(crate) fn m(&self)",
        "pub(in crate::app) fn m(&self)",
        "pub(crate) const fn m(&self)",
        "async unsafe fn m(&self)",
        "pub extern \"C\" fn m(&self)",
    ] {
        assert_eq!(long_functions(&method(sig), 3), [("m".to_string(), 4)], "{sig}");
    }
    assert!(!starts_fn("let fn_name = 1;"));
    assert!(!starts_fn("pubfn x() {"));
}

#[test]
fn no_function_is_longer_than_a_screenful_and_a_half() {
    let long: Vec<String> = rust_files(&src())
        .into_iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(&f).expect("readable");
            long_functions(&code_of(&text), 150)
                .into_iter()
                .map(move |(name, n)| format!("{}: {name} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "functions over 150 lines: {long:#?}");
}

#[test]
fn imports_between_top_level_modules_run_one_way() {
    let graph = imports();
    assert!(
        graph.contains_key("app") && graph["app"].contains("api"),
        "the graph is read: {graph:?}"
    );
    assert_eq!(find_cycle(&graph), None, "{graph:#?}");
}

/// Whether the type `ty` (whitespace removed) is text rather than an error type: `String` under any path,
/// a name in `aliases` that stands for one, a borrowed or shared `str`, or a tuple holding one of these
/// (`(String, i32)`, a message beside an exit code).
fn is_text(ty: &str, aliases: &BTreeSet<String>) -> bool {
    let ty = ty.trim_start_matches("::");
    if let Some(inner) = ty.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        return top_level(inner, ',').iter().any(|part| is_text(part, aliases));
    }
    let last = ty.rsplit("::").next().unwrap_or(ty);
    let borrowed = ty.starts_with('&') && ty.ends_with("str");
    let owned_str = ["Box<str>", "Rc<str>", "Arc<str>"].contains(&last);
    let cow = last.starts_with("Cow<") && last.ends_with("str>");
    let string = last == "String" && matches!(ty, "String" | "std::string::String" | "alloc::string::String");
    string || borrowed || owned_str || cow || aliases.contains(ty)
}

/// `text` split at each `sep` outside brackets; `->` (a function type's arrow) closes nothing.
fn top_level(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' if prev == '-' => {}
            '>' | ')' | ']' => depth -= 1,
            c if c == sep && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
        prev = c;
    }
    parts.push(&text[start..]);
    parts
}

/// The generic arguments of the `<` at `open` in `code`, up to its matching `>`, or `None` if it is never
/// closed.
fn generic_args(code: &str, open: usize) -> Option<&str> {
    let mut depth = 0i32;
    let mut prev = ' ';
    for (i, c) in code[open..].char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' if prev == '-' => {}
            '>' | ')' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&code[open + 1..open + i]);
                }
            }
            _ => {}
        }
        prev = c;
    }
    None
}

/// Every place in `code` whose error is text, as (line number, the line): a `Result` whose error type is
/// text however it is spelt or broken over lines (through a path, an alias of `String`, or a `Result`
/// alias that defaults its error to text), and an associated `type Err`/`type Error` that is text.
fn text_errors(code: &str) -> Vec<(usize, String)> {
    let squeezed = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut aliases = BTreeSet::new();
    for line in code.lines().map(str::trim) {
        let item = line.trim_start_matches("pub ").trim_start_matches("pub(crate) ");
        if let Some(rest) = item.strip_prefix("type ")
            && let Some((name, ty)) = rest.trim_end_matches(';').split_once('=')
            && !name.contains('<')
            && is_text(&squeezed(ty), &BTreeSet::new())
        {
            aliases.insert(name.trim().to_string());
        }
        if let Some(rest) = item.strip_prefix("use ")
            && let Some((path, name)) = rest.trim_end_matches(';').split_once(" as ")
            && is_text(&squeezed(path), &BTreeSet::new())
        {
            aliases.insert(name.trim().to_string());
        }
    }
    let mut found = BTreeMap::new();
    for (at, _) in code.match_indices("Result<") {
        let boundary = code[..at]
            .chars()
            .last()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let Some(args) = generic_args(code, at + "Result".len()).filter(|_| boundary) else {
            continue;
        };
        let args = top_level(args, ',');
        let error = args.get(1).map(|e| squeezed(e)).unwrap_or_default();
        // `type R<T, E = String> = Result<T, E>`: the error is a parameter of the alias that defaults to text.
        let line_start = code[..at].rfind('\n').map_or(0, |n| n + 1);
        let head = code[line_start..at].trim();
        let defaulted = head.contains("type ")
            && head.split_once('<').is_some_and(|(_, generics)| {
                let generics = generics.trim_end_matches('=').trim_end().trim_end_matches('>');
                top_level(generics, ',')
                    .iter()
                    .filter_map(|g| g.split_once('='))
                    .any(|(name, default)| {
                        (args.len() == 1 || squeezed(name) == error) && is_text(&squeezed(default), &aliases)
                    })
            });
        if is_text(&error, &aliases) || defaulted {
            found.insert(line_of(at), ());
        }
    }
    for item in ["type Err", "type Error"] {
        for (at, _) in code.match_indices(item) {
            let rest = &code[at + item.len()..];
            let Some(ty) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            if is_text(&squeezed(&ty[..ty.find(';').unwrap_or(ty.len())]), &aliases) {
                found.insert(line_of(at), ());
            }
        }
    }
    let lines: Vec<&str> = code.lines().collect();
    found
        .into_keys()
        .map(|n| (n, lines.get(n - 1).map_or("", |l| l.trim()).to_string()))
        .collect()
}

#[test]
fn the_text_error_finder_sees_through_paths_aliases_and_line_breaks() {
    let code = "fn a() -> Result<(), String> {}
fn b() -> Result<u8, std::string::String> {}
type R<T> = Result<T, String>;
fn c() -> Result<
    Vec<u8>,
    String,
> {}
type Why = String;
fn d() -> Result<(), Why> {}
impl FromStr for X { type Err = String; }
    type Error = String;
fn e() -> Result<(), (String, i32)> {}
fn f() -> Result<(), &'static str> {}
type Q<T, E = String> = Result<T, E>;
use std::string::String as Text;
fn g() -> std::result::Result<(), Text> {}
fn ok1() -> Result<String, MyError> {}
fn ok2() -> io::Result<String> {}
fn ok3() -> Result<Vec<String>, Box<dyn Fn() -> String>> {}
fn ok4(x: Result<HashMap<String, String>, E>) {}
fn ok5() -> Result<(), StringError> {}
fn ok6() -> MyResult<(), String> {}
type Error = ConfigError;
";
    let lines: Vec<usize> = text_errors(code).into_iter().map(|(n, _)| n).collect();
    assert_eq!(lines, [1, 2, 3, 4, 9, 10, 11, 12, 13, 14, 16]);
}

/// The text errors in the files under `src/` that `pick` keeps, as `file:line: code`.
fn text_errors_in(pick: impl Fn(&Path) -> bool) -> Vec<String> {
    rust_files(&src())
        .into_iter()
        .filter(|f| !f.ends_with("main.rs") && pick(f))
        .flat_map(|f| {
            let code = code_of(&std::fs::read_to_string(&f).expect("readable"));
            text_errors(&code)
                .into_iter()
                .map(|(n, l)| format!("{}:{n}: {l}", f.display()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn library_errors_are_types_not_strings() {
    let app = src().join("app");
    let stringly = text_errors_in(|f| !f.starts_with(&app));
    assert!(
        stringly.is_empty(),
        "{} errors that are text: {stringly:#?}",
        stringly.len()
    );
}

#[test]
fn the_apps_errors_are_types_not_strings() {
    let app = src().join("app");
    let stringly = text_errors_in(|f| f.starts_with(&app));
    assert!(
        stringly.is_empty(),
        "{} errors that are text: {stringly:#?}",
        stringly.len()
    );
}

/// What each top-level module may import, read bottom-up: leaf helpers anyone may use, then data, the
/// config as plain data, what is built from it, the disk, the app, its drawing, the loop, the commands.
/// A new edge is a decision about the shape, made here, not an accident of a `use` line.
const MAY_IMPORT: &[(&str, &[&str])] = &[
    ("api", &[]),
    ("sanitize", &[]),
    ("text", &["sanitize"]),
    ("owner_only", &[]),
    ("child", &["api"]),
    ("exporting", &["child", "sanitize"]),
    ("logging", &["sanitize"]),
    ("cli", &["import", "sync"]),
    ("hardening", &[]),
    ("model", &["api", "sanitize", "text"]),
    ("config", &["api", "child", "model", "owner_only", "sanitize", "text"]),
    ("keymap", &["config", "model"]),
    ("theme", &["api", "config"]),
    ("outbox", &["api", "model", "sanitize", "text"]),
    ("store", &["api", "model", "outbox", "owner_only", "sanitize", "text"]),
    ("sync", &["api", "config", "model", "store"]),
    (
        "import",
        &[
            "api",
            "config",
            "model",
            "outbox",
            "owner_only",
            "sanitize",
            "store",
            "text",
        ],
    ),
    (
        "app",
        &[
            "api", "config", "keymap", "model", "outbox", "sanitize", "store", "sync", "text", "theme",
        ],
    ),
    (
        "ui",
        &[
            "api", "app", "keymap", "model", "outbox", "sanitize", "store", "text", "theme",
        ],
    ),
    ("step", &["api", "app", "sanitize", "store"]),
    (
        "tui",
        &[
            "api",
            "app",
            "child",
            "exporting",
            "sanitize",
            "step",
            "store",
            "sync",
            "ui",
        ],
    ),
];

#[test]
fn each_module_imports_only_what_lies_below_it() {
    let graph = imports();
    let mut wrong = Vec::new();
    for (from, to) in &graph {
        if from == "commands" {
            continue;
        }
        let Some((_, allowed)) = MAY_IMPORT.iter().find(|(m, _)| m == from) else {
            wrong.push(format!("{from} is not in MAY_IMPORT: place it"));
            continue;
        };
        for t in to {
            if !allowed.contains(&t.as_str()) {
                wrong.push(format!("{from} -> {t}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the shape: {wrong:#?}");
}
