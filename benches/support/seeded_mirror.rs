//! A profile `acme` whose mirror holds a whole tenant of generated leads, written straight into the file
//! and marked complete, and whose tenant cannot be reached: the inbox then runs on the mirror alone.

use std::path::Path;

use leadbox::api::types::Lead;
use leadbox::store::mirror::{COMPLETE_AT, ChainState, MirrorFile};
use leadbox::tenant::TenantProfile;
use novala_sandbox::seed::LeadGenerator;

const PAGE: usize = 10_000;

/// Writes `total` leads made by the bench generator under `profile` into `dir`'s data directory, and
/// `dir/config.toml`.
pub fn seed(dir: &Path, total: usize, profile: TenantProfile) {
    let profile_dir = dir.join("data/leadbox/profiles/acme");
    std::fs::create_dir_all(&profile_dir).unwrap();
    let mut mirror = MirrorFile::open(&profile_dir.join("mirror.sqlite3")).unwrap().file;
    let mut generator = LeadGenerator::new(7, "bench", profile);
    let mut written = 0;
    while written < total {
        let page: Vec<Lead> = (0..PAGE.min(total - written)).map(|_| generator.next_lead()).collect();
        mirror
            .write_page("walk:bench", &page, &ChainState::default(), 0)
            .unwrap();
        written += page.len();
    }
    mirror.set_meta(COMPLETE_AT, "2026-12-01T00:00:00.000Z").unwrap();
    // Port 9 (discard) on loopback: nothing answers, so the inbox is offline from its first request.
    std::fs::write(
        dir.join("config.toml"),
        "default_profile = \"acme\"\n[profiles.acme]\nurl = \"http://127.0.0.1:9\"\nkey_env = \"ACME_KEY\"\nmirror = true\n",
    )
    .unwrap();
}
