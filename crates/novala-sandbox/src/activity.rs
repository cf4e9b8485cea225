//! A tenant that lives: colleagues at work in Novala's web app, simulated. New leads arrive, and existing
//! leads change status or assignee, as a rep's teammates would change them.
//!
//! **This is a simulation of ours, not part of Novala's API.** Novala documents no endpoint that changes a
//! lead, and none is invented here: the changes are made straight in the sandbox's database, and a client
//! sees them only as the API shows any tenant's leads (a list or a get answering differently). It exists so
//! that what a client does about a changing tenant (a mirror's refresh sweep, the poll for new leads,
//! alerts) can be seen and tested. `leadbox sandbox --activity N` makes N changes a minute.
//!
//! The same seed over the same database makes the same changes in the same order.

use chrono::{DateTime, Utc};
use novala_leads::tenant::TenantProfile;
use novala_leads::types::{Lead, LeadStatus};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{Connection, OptionalExtension, params};

use crate::seed::LeadGenerator;
use crate::store::{self, StoreError};

/// How lively the tenant is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActivityOptions {
    /// Changes a minute (0 for none).
    pub per_minute: f64,
    pub seed: u64,
}

/// The most changes a minute (one every 10 ms).
pub const MAX_PER_MINUTE: f64 = 6_000.0;

/// One change a colleague made.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A new lead arrived (a web form, a call logged by a colleague).
    Created(Box<Lead>),
    Status {
        id: String,
        from: LeadStatus,
        to: LeadStatus,
    },
    Assigned {
        id: String,
        from: Option<String>,
        to: Option<String>,
    },
}

/// The simulated colleagues of one tenant.
pub struct Activity {
    rng: ChaCha8Rng,
    generator: LeadGenerator,
    tenant: String,
    roster: Vec<String>,
}

impl Activity {
    /// Colleagues of `tenant`, choosing as `seed` says. `known_leads` (the tenant's count now) goes into
    /// the new leads' ids, so a sandbox restarted with the same seed does not make the same ids again.
    pub fn new(seed: u64, tenant: &str, profile: TenantProfile, known_leads: u64) -> Activity {
        let roster = profile.roster.iter().map(|m| m.id.clone()).collect();
        Activity {
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x6163_7469_7669_7479),
            generator: LeadGenerator::new(seed ^ known_leads.rotate_left(29) ^ 0x5eed, tenant, profile),
            tenant: tenant.to_string(),
            roster,
        }
    }

    /// Makes one change at `now`, committed when this returns. A tenant with no lead gets a new one.
    pub fn step(&mut self, conn: &mut Connection, now: DateTime<Utc>) -> Result<Change, StoreError> {
        let count = store::count_leads(conn, &self.tenant)?;
        let roll = self.rng.random_range(0..100u32);
        if count == 0 || roll < 25 {
            return self.create(conn, now);
        }
        // Colleagues work mostly on recent leads: the square of a uniform share, from the newest.
        let share: f64 = self.rng.random();
        let offset = ((share * share) * count as f64) as i64;
        let picked: Option<(String, String, Option<String>)> = conn
            .query_row(
                "SELECT id, status, assigned_to FROM leads WHERE tenant_id = ?1
                 ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?2",
                params![self.tenant, offset.min(count as i64 - 1)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((id, status, assigned_to)) = picked else {
            return self.create(conn, now);
        };
        if roll < 65 || self.roster.is_empty() {
            let from = LeadStatus::from_wire(&status);
            let others: Vec<&LeadStatus> = LeadStatus::KNOWN.iter().filter(|s| **s != from).collect();
            let to = others[self.rng.random_range(0..others.len())].clone();
            conn.execute(
                "UPDATE leads SET status = ?1 WHERE id = ?2 AND tenant_id = ?3",
                params![to.as_str(), id, self.tenant],
            )?;
            return Ok(Change::Status { id, from, to });
        }
        let others: Vec<&String> = self
            .roster
            .iter()
            .filter(|m| Some(*m) != assigned_to.as_ref())
            .collect();
        // Now and then a lead is handed back to nobody.
        let to = match others.len() {
            0 => None,
            _ if self.rng.random_bool(0.1) => None,
            n => Some(others[self.rng.random_range(0..n)].clone()),
        };
        conn.execute(
            "UPDATE leads SET assigned_to = ?1 WHERE id = ?2 AND tenant_id = ?3",
            params![to, id, self.tenant],
        )?;
        Ok(Change::Assigned {
            id,
            from: assigned_to,
            to,
        })
    }

    fn create(&mut self, conn: &mut Connection, now: DateTime<Utc>) -> Result<Change, StoreError> {
        let mut lead = self.generator.next_lead();
        lead.created_at = DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
        lead.status = LeadStatus::New;
        store::insert_leads(conn, &self.tenant, [&lead])?;
        Ok(Change::Created(Box::new(lead)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{DEMO_TENANT, seed_database, tenants};

    fn changes(seed: u64) -> Vec<Change> {
        let store = store::Store::open_in_memory().unwrap();
        store
            .with_conn(|c| {
                seed_database(c, 1, 200)?;
                let profile = tenants(1)[0].profile.clone();
                let mut activity = Activity::new(seed, DEMO_TENANT, profile, 200);
                let now = crate::seed::anchor();
                (0..40).map(|_| activity.step(c, now)).collect()
            })
            .unwrap()
    }

    #[test]
    fn the_same_seed_makes_the_same_changes_and_every_kind_happens() {
        let a = changes(7);
        assert_eq!(a, changes(7));
        assert_ne!(a, changes(8));
        assert!(a.iter().any(|c| matches!(c, Change::Created(_))));
        assert!(
            a.iter()
                .any(|c| matches!(c, Change::Status { from, to, .. } if from != to))
        );
        assert!(a.iter().any(|c| matches!(c, Change::Assigned { .. })));
    }
}
