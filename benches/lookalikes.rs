//! The look-alike check over a mirror of 1,000,000 leads (seeded straight into the mirror file, as the
//! sandbox seeds its demo leads, not through HTTP): one new lead as `leads create` checks it, and 100,000
//! import rows in one pass as `leads import` does; then the fill of a schema-1 file's keys from the bodies.
//!
//! The probes, a quarter each: an old lead's email (upper-cased), its phone written nationally
//! (`(555) 123-4567` for `+1 555 123 4567`), its name and company, and a lead like no one.
//!
//! `cargo bench --bench lookalikes` (`LOOKALIKE_LEADS=N` for another size)
// A bench's unwrap is its assertion: a failure there is the bench failing, with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use leadbox::api::types::{Lead, LeadSource, NewLead};
use leadbox::model::likeness::Keys;
use leadbox::store::mirror::{ChainState, MirrorFile};
use leadbox::tenant::TenantProfile;
use novala_sandbox::seed::LeadGenerator;

const PAGE: usize = 10_000;
const PROBES: usize = 2_000;
const IMPORT_ROWS: usize = 100_000;

fn national(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let national = digits.strip_prefix('1').unwrap_or(&digits);
    format!("({}) {}-{}", &national[..3], &national[3..6], &national[6..])
}

/// The `i`th probe: like `lead` in one way (or, every fourth, like no one).
fn probe(i: usize, lead: &Lead) -> NewLead {
    let mut new = NewLead::new("Someone", LeadSource::Referral);
    match i % 4 {
        0 => new.email = lead.email.as_ref().map(|e| e.to_uppercase()),
        1 => new.phone = lead.phone.as_deref().map(national),
        2 => {
            new.first_name = lead.first_name.clone().unwrap_or_default();
            new.last_name = lead.last_name.clone();
            new.company_name = lead.company_name.clone();
        }
        _ => {
            new.email = Some(format!("nobody{i}@nowhere.example"));
            new.phone = Some(format!("+44 20 {:04} {:04}", i % 10_000, (i * 7) % 10_000));
            new.last_name = Some("Nobody".into());
            new.company_name = Some("Nowhere Ltd".into());
        }
    }
    new
}

/// What the one-pass lookups are weighed against: every row's keys in a temporary table, joined with the
/// mirror's indexed keys in three statements. Returns its time and the candidates it found.
fn join_pass(path: &std::path::Path, rows: &[Keys]) -> (Duration, usize) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let started = Instant::now();
    conn.execute_batch("CREATE TEMP TABLE probe (i INTEGER PRIMARY KEY, email TEXT, tail TEXT, name TEXT)")
        .unwrap();
    {
        let mut put = conn
            .prepare("INSERT INTO probe (i, email, tail, name) VALUES (?1, ?2, ?3, ?4)")
            .unwrap();
        for (i, k) in rows.iter().enumerate() {
            let tail = k.phone.as_deref().map(leadbox::model::likeness::phone_tail);
            put.execute(rusqlite::params![i as i64, k.email, tail, k.name_company])
                .unwrap();
        }
    }
    let mut candidates = 0;
    for (column, key) in [("email", "email_key"), ("tail", "phone_tail"), ("name", "name_key")] {
        let mut stmt = conn
            .prepare(&format!(
                "SELECT p.i, l.rowid FROM probe p JOIN leads l ON l.{key} = p.{column} WHERE p.{column} IS NOT NULL"
            ))
            .unwrap();
        candidates += stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .unwrap()
            .count();
    }
    (started.elapsed(), candidates)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let leads: usize = std::env::var("LOOKALIKE_LEADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mirror.sqlite3");
    let mut mirror = MirrorFile::open(&path).unwrap().file;
    let profile = TenantProfile {
        custom_fields: novala_sandbox::seed::demo_custom_fields(),
        ..TenantProfile::default()
    };
    let mut generator = LeadGenerator::new(7, "bench", profile);
    let seeding = Instant::now();
    // Every lead a probe is made from: spread over the whole mirror, most of them far from the newest.
    let mut sampled = Vec::with_capacity(PROBES);
    let every = (leads / PROBES).max(1);
    let mut written = 0;
    while written < leads {
        let page: Vec<Lead> = (0..PAGE.min(leads - written)).map(|_| generator.next_lead()).collect();
        for (i, lead) in page.iter().enumerate() {
            if (written + i).is_multiple_of(every) && sampled.len() < PROBES {
                sampled.push(lead.clone());
            }
        }
        mirror
            .write_page("walk:bench", &page, &ChainState::default(), 0)
            .unwrap();
        written += page.len();
    }
    eprintln!("seeded {leads} leads into the mirror in {:.1?}", seeding.elapsed());

    let probes: Vec<NewLead> = sampled.iter().enumerate().map(|(i, l)| probe(i, l)).collect();
    // One new lead, as `leads create` asks: alternately the hits and the misses, each timed alone.
    let mut times = Vec::with_capacity(probes.len());
    let mut found = [0usize; 4];
    // A probe can be found only by what its lead has (an email, a phone, a last name and a company).
    let mut could = [0usize; 4];
    for (i, lead) in sampled.iter().enumerate() {
        let keys = Keys::of_lead(lead);
        let has = [
            keys.email.is_some(),
            keys.phone.is_some(),
            keys.name_company.is_some(),
            true,
        ];
        could[i % 4] += usize::from(has[i % 4]);
    }
    for (i, new) in probes.iter().enumerate() {
        let started = Instant::now();
        let twin = mirror.look_alike(&Keys::of_new(new)).unwrap();
        times.push(started.elapsed());
        if twin.is_some() {
            found[i % 4] += 1;
        }
    }
    times.sort();
    println!(
        "one new lead against {leads} mirrored leads, {} probes: median {:.1?}, p95 {:.1?}, max {:.1?}; \
         found by email {}/{}, by phone written nationally {}/{}, by name and company {}/{} (of the probes \
         whose lead has one), misses claimed {}/{}",
        probes.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times[times.len() - 1],
        found[0],
        could[0],
        found[1],
        could[1],
        found[2],
        could[2],
        found[3],
        could[3],
    );
    assert!(found[..3] == could[..3] && found[3] == 0, "{found:?} of {could:?}");

    // An import of 100,000 rows, a quarter of each kind, in one pass.
    let rows: Vec<Keys> = (0..IMPORT_ROWS)
        .map(|i| Keys::of_new(&probe(i, &sampled[i % sampled.len()])))
        .collect();
    let started = Instant::now();
    let twins = mirror.look_alikes(&rows).unwrap();
    let elapsed = started.elapsed();
    println!(
        "an import of {IMPORT_ROWS} rows against {leads} mirrored leads in one pass: {:.2} s ({:.1} µs a row), \
         {} look-alikes",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / IMPORT_ROWS as f64,
        twins.iter().filter(|t| t.is_some()).count()
    );
    drop(mirror);
    let joined = join_pass(&path, &rows);
    println!(
        "the same rows as one join instead (a temporary table of their keys, joined on the three indexes; \
         candidates only, before the phones are compared): {:.2} s, {} candidate rows",
        joined.0.as_secs_f64(),
        joined.1
    );

    // The same file as the first leadbox with a mirror left it: schema 1, no keys.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP INDEX leads_by_email; DROP INDEX leads_by_phone; DROP INDEX leads_by_name;
         ALTER TABLE leads DROP COLUMN email_key; ALTER TABLE leads DROP COLUMN phone_key;
         ALTER TABLE leads DROP COLUMN phone_tail; ALTER TABLE leads DROP COLUMN name_key;
         UPDATE meta SET value = '1' WHERE key = 'schema';",
    )
    .unwrap();
    drop(conn);
    let started = Instant::now();
    let mirror = MirrorFile::open(&path).unwrap().file;
    println!(
        "a schema-1 mirror of {leads} leads given its keys when the sync opens it: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(mirror.look_alike(&Keys::of_new(&probes[0])).unwrap().is_some());
}
