//! The fuzz targets' seed corpus (`fuzz/corpus/<target>/`), and a few thousand deterministic mutations of
//! it, through the same checks the fuzz targets run (`fuzz/checks.rs`): a bounded stand-in for the fuzzer
//! that runs on stable with every `cargo test`.

use std::path::{Path, PathBuf};

include!("../fuzz/checks.rs");

/// At most this many files of one corpus directory are read (in name order), so a corpus grown by a long
/// fuzzing run keeps this test short.
const MAX_FILES: usize = 300;
/// Larger files are left out.
const MAX_FILE_BYTES: u64 = 64 * 1024;
/// Mutations of the seeds per target.
const MUTATIONS: usize = 3_000;

type Check = fn(&[u8]);

const TARGETS: [(&str, Check); 4] = [
    ("page_decode", page_one),
    ("cursor_decode", cursor_one),
    ("create_rules", create_one),
    ("sanitize", sanitize_one),
];

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.metadata().is_ok_and(|m| m.len() <= MAX_FILE_BYTES))
        .take(MAX_FILES)
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// Runs one input, naming it if it fails.
fn run(check: Check, name: &str, input: &[u8]) {
    let outcome = std::panic::catch_unwind(|| check(input));
    if let Err(panic) = outcome {
        eprintln!(
            "{name} failed on {} bytes: {:?}",
            input.len(),
            String::from_utf8_lossy(input)
        );
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn every_seed_passes_its_target() {
    for (target, check) in TARGETS {
        let seeds = corpus(target);
        assert!(seeds.len() >= 10, "fuzz/corpus/{target} holds {} seeds", seeds.len());
        for (path, bytes) in &seeds {
            run(check, &path.display().to_string(), bytes);
        }
    }
}

/// splitmix64: a fixed seed, so every run tries the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that mean something to a JSON decoder, a cursor, the rules or a terminal.
const TOKENS: &[&str] = &[
    "\"",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "-0",
    "1e999",
    "18446744073709551616",
    "-9223372036854775809",
    "0.1e-400",
    "\\u0000",
    "\\ud800",
    "\\u202e",
    "\u{1b}[2J",
    "\u{1b}]52;c;Zm9v\u{7}",
    "\u{9b}31m",
    "\u{202e}",
    "\u{2066}",
    "\u{200b}",
    "\u{feff}",
    "\u{e0041}",
    "\u{fe0f}",
    "\u{0301}",
    "\r\n",
    "\t",
    "\0",
    ".",
    "=",
    "@",
    "+",
    "2025-01-15T10:30:00.000Z",
    "0000-01-01T00:00:00+01:00",
    "firstName",
    "source",
    "customFields",
    "data",
    "nextCursor",
    "hasMore",
    "createdAt",
    "\u{FFFD}",
];

fn mutate(rng: &mut Rng, seeds: &[(PathBuf, Vec<u8>)]) -> Vec<u8> {
    let mut input = seeds[rng.below(seeds.len())].1.clone();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(input.len() + 1);
        match rng.below(7) {
            // Flip a bit.
            0 if !input.is_empty() => {
                let at = at.min(input.len() - 1);
                input[at] ^= 1 << rng.below(8);
            }
            // A random byte, invalid UTF-8 included.
            1 => input.insert(at, rng.next() as u8),
            // Cut the rest off: truncated JSON, a half cursor.
            2 => input.truncate(at),
            // Drop a range.
            3 => {
                let end = (at + rng.below(16)).min(input.len());
                input.drain(at..end);
            }
            // Repeat a range: deep nesting, long runs.
            4 => {
                let end = (at + 1 + rng.below(8)).min(input.len());
                let run = input[at.min(end)..end].to_vec();
                for _ in 0..rng.below(64) {
                    input.splice(at..at, run.iter().copied());
                }
            }
            // Splice in part of another seed.
            5 => {
                let other = &seeds[rng.below(seeds.len())].1;
                let from = rng.below(other.len());
                let to = (from + rng.below(64)).min(other.len());
                input.splice(at..at, other[from..to].iter().copied());
            }
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                input.splice(at..at, token.iter().copied());
            }
        }
    }
    input.truncate(MAX_FILE_BYTES as usize);
    input
}

#[test]
fn mutations_of_the_seeds_pass_their_target() {
    for (n, (target, check)) in TARGETS.into_iter().enumerate() {
        let seeds = corpus(target);
        let mut rng = Rng(0x1ead_b0c5 + n as u64);
        for i in 0..MUTATIONS {
            let input = mutate(&mut rng, &seeds);
            run(check, &format!("{target} mutation {i}"), &input);
        }
    }
}

#[test]
fn deep_nesting_and_huge_inputs_pass() {
    for depth in [10, 127, 128, 129, 10_000] {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        page_one(nested.as_bytes());
        create_one(nested.as_bytes());
        let in_page = format!(r#"{{"data":[],"nextCursor":"c","hasMore":true,"x":{nested}}}"#);
        page_one(in_page.as_bytes());
    }
    let long = "\u{1b}[".repeat(20_000) + &"\u{0301}".repeat(20_000);
    sanitize_one(long.as_bytes());
    cursor_one(long.as_bytes());
}

#[test]
fn some_cursor_seeds_were_issued_with_the_fuzz_key() {
    // Without them nothing would reach past the signature check: the fuzzer cannot forge one.
    let key = CursorKey::new(CURSOR_SECRET);
    let opened = corpus("cursor_decode")
        .iter()
        .filter(|(_, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            filters()
                .iter()
                .any(|f| ["demo", "rival"].iter().any(|t| key.open(t, f, &text).is_ok()))
        })
        .count();
    assert!(opened >= 5, "{opened} seeds open");
}
