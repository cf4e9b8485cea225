//! Deterministic demo data: the same seed number gives the same tenants, roster and leads. (Not the keys: those
//! are random per database, see [`crate::auth`].)

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use serde_json::{Value, json};

use novala_leads::tenant::{CustomFieldDef, CustomFieldKind, Member, TenantProfile};
use novala_leads::types::{Lead, LeadSource, LeadStatus};

use super::records::TenantRecord;
use super::store::{self, StoreError};

pub const DEMO_TENANT: &str = "demo";
pub const RIVAL_TENANT: &str = "rival";
/// How many leads the second tenant gets, enough to test isolation without slowing anything.
pub const RIVAL_LEADS: usize = 25;
/// How long before its anchor a database's newest seeded leads may be: a demo opened right after it is
/// made shows leads from minutes ago, as a working inbox does.
pub const FRESH_MINUTES: i64 = 3;

/// The anchor a new database is seeded from: a few minutes before now, to the second. Only the times move
/// with it; the same seed gives the same leads otherwise.
pub fn seed_anchor(now: DateTime<Utc>) -> DateTime<Utc> {
    let secs = now.timestamp() - FRESH_MINUTES * 60;
    DateTime::from_timestamp(secs, 0).unwrap_or_else(anchor)
}

/// Seeded leads are spread over this many days before [`anchor`].
pub const SPREAD_DAYS: i64 = 270;

const FIRST_NAMES: &str = include_str!("../../../assets/seed/first_names.txt");
const LAST_NAMES: &str = include_str!("../../../assets/seed/last_names.txt");
const COMPANIES: &str = include_str!("../../../assets/seed/companies.txt");
const INTENTS: &str = include_str!("../../../assets/seed/intents.txt");
const NOTES: &str = include_str!("../../../assets/seed/notes.txt");
const ROSTER: &str = include_str!("../../../assets/seed/roster.txt");

fn words(list: &'static str) -> Vec<&'static str> {
    list.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

/// The anchor of a generator made with [`LeadGenerator::new`]: fixed, so tests get the same instants on any
/// day. A database is seeded from [`seed_anchor`] instead.
pub fn anchor() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 17, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

/// One custom field of every kind; `region` is required.
pub fn demo_custom_fields() -> Vec<CustomFieldDef> {
    use CustomFieldKind::*;
    vec![
        CustomFieldDef::new("region", "Region", Dropdown, true, &["emea", "amer", "apac"]),
        CustomFieldDef::new("budget", "Budget (USD)", Number, false, &[]),
        CustomFieldDef::new("plan", "Plan", Dropdown, false, &["starter", "growth", "enterprise"]),
        CustomFieldDef::new(
            "interests",
            "Interests",
            MultiSelect,
            false,
            &["crm", "analytics", "automation", "support"],
        ),
        CustomFieldDef::new("newsletter", "Newsletter opt-in", Boolean, false, &[]),
        CustomFieldDef::new("decision_date", "Decision date", Date, false, &[]),
        CustomFieldDef::new("website", "Website", Url, false, &[]),
        CustomFieldDef::new("billing_email", "Billing email", Email, false, &[]),
        CustomFieldDef::new("direct_line", "Direct line", Phone, false, &[]),
        CustomFieldDef::new("industry", "Industry", Text, false, &[]),
    ]
}

fn rival_custom_fields() -> Vec<CustomFieldDef> {
    vec![
        CustomFieldDef::new(
            "priority",
            "Priority",
            CustomFieldKind::Dropdown,
            true,
            &["low", "high"],
        ),
        CustomFieldDef::new("contract_value", "Contract value", CustomFieldKind::Number, false, &[]),
    ]
}

fn uuid(rng: &mut ChaCha8Rng) -> String {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid().to_string()
}

fn roster(rng: &mut ChaCha8Rng, names: &[&str]) -> Vec<Member> {
    names
        .iter()
        .map(|name| Member {
            id: uuid(rng),
            name: name.to_string(),
        })
        .collect()
}

/// The demo tenant and the second tenant, with their rosters drawn from `seed`.
pub fn tenants(seed: u64) -> [TenantRecord; 2] {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let demo = TenantRecord {
        id: DEMO_TENANT.into(),
        name: "Demo Co".into(),
        profile: TenantProfile {
            roster: roster(&mut rng, &words(ROSTER)),
            custom_fields: demo_custom_fields(),
        },
    };
    let rival = TenantRecord {
        id: RIVAL_TENANT.into(),
        name: "Rival Inc".into(),
        profile: TenantProfile {
            roster: roster(&mut rng, &["Rhea Vance", "Otto Klein", "Imani Brooks"]),
            custom_fields: rival_custom_fields(),
        },
    };
    [demo, rival]
}

/// A plausible ASCII mailbox part for a name ("Zoë" → "zoe"; scripts with no Latin letters give "").
fn ascii_slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'a'..='z' | '0'..='9' => c,
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ą' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ė' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ı' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ọ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'ư' => 'u',
            'ç' | 'ć' => 'c',
            'ñ' | 'ń' => 'n',
            'ł' => 'l',
            'ś' | 'š' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'đ' => 'd',
            'ý' => 'y',
            'þ' => 't',
            'ß' => 's',
            'æ' => 'a',
            'ễ' | 'ệ' => 'e',
            'ộ' => 'o',
            _ => continue,
        };
        out.push(mapped);
    }
    out
}

/// Draws leads one at a time from a seeded stream, so a million never sit in memory at once.
pub struct LeadGenerator {
    rng: ChaCha8Rng,
    profile: Arc<TenantProfile>,
    previous_ms: Option<i64>,
    anchor: DateTime<Utc>,
}

/// The word lists of `assets/seed`, split once per process.
struct Vocabulary {
    first: Vec<&'static str>,
    last: Vec<&'static str>,
    companies: Vec<&'static str>,
    intents: Vec<&'static str>,
    notes: Vec<&'static str>,
}

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| Vocabulary {
        first: words(FIRST_NAMES),
        last: words(LAST_NAMES),
        companies: words(COMPANIES),
        intents: words(INTENTS),
        notes: words(NOTES),
    })
}

impl LeadGenerator {
    pub fn new(seed: u64, tenant_id: &str, profile: TenantProfile) -> LeadGenerator {
        // A separate stream per tenant, so the demo leads do not change when the other tenant's count does.
        let stream = seed ^ u64::from_le_bytes(*b"leads\0\0\0") ^ (tenant_id.len() as u64).rotate_left(40);
        let mut rng = ChaCha8Rng::seed_from_u64(stream);
        rng.set_stream(tenant_id.bytes().fold(0u64, |h, b| h.rotate_left(8) ^ u64::from(b)));
        LeadGenerator {
            rng,
            profile: Arc::new(profile),
            previous_ms: None,
            anchor: anchor(),
        }
    }

    fn pick(&mut self, list: &[&'static str]) -> &'static str {
        list.choose(&mut self.rng).copied().unwrap_or("")
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// The instant the newest leads are made at (their times go back [`SPREAD_DAYS`] from it).
    pub fn anchored_at(mut self, anchor: DateTime<Utc>) -> LeadGenerator {
        self.anchor = anchor;
        self
    }

    fn created_at(&mut self) -> DateTime<Utc> {
        let newest = self.anchor.timestamp_millis();
        // A few leads share their predecessor's instant, so ordering ties are broken by id in real data too.
        let tie = self.chance(0.02);
        let spread = SPREAD_DAYS * 86_400_000;
        let ms = match self.previous_ms {
            Some(prev) if tie => prev,
            _ => {
                // Denser towards the anchor, as an inbox is (many leads this week, fewer each month back):
                // the square of a uniform share of the spread. One draw, as before, so the other fields
                // of every lead stay what the seed made them.
                let share = self.rng.random_range(0..spread) as f64 / spread as f64;
                newest - (share * share * spread as f64) as i64
            }
        };
        self.previous_ms = Some(ms);
        DateTime::from_timestamp_millis(ms).unwrap_or(self.anchor)
    }

    fn custom_fields(&mut self, created_at: DateTime<Utc>) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        let profile = Arc::clone(&self.profile);
        for def in &profile.custom_fields {
            if !def.required && !self.chance(0.3) {
                continue;
            }
            let value = match def.kind {
                CustomFieldKind::Dropdown => json!(self.pick_owned(&def.options)),
                CustomFieldKind::MultiSelect => {
                    let picked: Vec<&String> = def.options.iter().filter(|_| self.rng.random_bool(0.4)).collect();
                    json!(picked)
                }
                CustomFieldKind::Number => json!(self.rng.random_range(5..500) * 100),
                CustomFieldKind::Boolean => json!(self.chance(0.5)),
                CustomFieldKind::Date => {
                    let days = self.rng.random_range(7..120);
                    json!((created_at + Duration::days(days)).format("%Y-%m-%d").to_string())
                }
                CustomFieldKind::Url => json!(format!("https://www.example.com/{}", self.rng.random_range(1..999))),
                CustomFieldKind::Email => json!(format!("billing{}@example.com", self.rng.random_range(1..999))),
                CustomFieldKind::Phone => json!(format!("+1 555 010 {:04}", self.rng.random_range(0..10_000))),
                CustomFieldKind::Text => {
                    // Free text as reps type it: many distinct values, as a real tenant's text field has.
                    let industry = [
                        "Healthcare",
                        "Retail",
                        "Hospitality",
                        "Construction",
                        "Software",
                        "Finance",
                        "Dental practice",
                        "Veterinary clinic",
                        "Boutique hotel",
                        "Craft brewery",
                        "Logistics",
                        "Property management",
                        "Law firm",
                        "Accounting",
                        "Fitness studio",
                        "Landscaping",
                        "E-commerce",
                        "Event planning",
                        "Auto repair",
                        "Solar installation",
                        "Private school",
                        "Marketing agency",
                        "Insurance broker",
                        "Bakery",
                        "Plumbing",
                    ];
                    json!(self.pick(&industry))
                }
            };
            out.insert(def.key.clone(), value);
        }
        out
    }

    fn pick_owned(&mut self, list: &[String]) -> String {
        list.choose(&mut self.rng).cloned().unwrap_or_default()
    }

    pub fn next_lead(&mut self) -> Lead {
        let id = uuid(&mut self.rng);
        let created_at = self.created_at();
        let words = vocabulary();
        let first = self.pick(&words.first);
        let last = self.chance(0.95).then(|| self.pick(&words.last));
        let company = self.chance(0.75).then(|| self.pick(&words.companies));
        let status = LeadStatus::KNOWN[self.rng.random_range(0..LeadStatus::KNOWN.len())].clone();
        let source = LeadSource::KNOWN[self.rng.random_range(0..LeadSource::KNOWN.len())].clone();
        let email = self.chance(0.85).then(|| {
            let local = match (ascii_slug(first), last.map(ascii_slug)) {
                (f, Some(l)) if !f.is_empty() && !l.is_empty() => format!("{f}.{l}"),
                (f, _) if !f.is_empty() => f,
                _ => format!("lead{}", self.rng.random_range(100..99_999)),
            };
            let domain = company
                .map(ascii_slug)
                .filter(|d| !d.is_empty())
                .unwrap_or("mail".into());
            format!("{local}@{domain}.example")
        });
        let phone = self.chance(0.7).then(|| {
            format!(
                "+1 555 {:03} {:04}",
                self.rng.random_range(100..1000),
                self.rng.random_range(0..10_000)
            )
        });
        let intent = self.chance(0.9).then(|| self.pick(&words.intents).to_string());
        let notes = self.chance(0.2).then(|| self.pick(&words.notes).to_string());
        let assigned_to = match self.profile.roster.len() {
            0 => None,
            n if self.chance(0.8) => Some(self.profile.roster[self.rng.random_range(0..n)].id.clone()),
            _ => None,
        };
        let channel = match source {
            LeadSource::WebForm => Some(self.pick(&["website", "instagram", "facebook_ads", "google_ads"])),
            LeadSource::Import => Some(self.pick(&["trade_show", "csv_upload"])),
            _ => None,
        }
        .map(str::to_string);
        let attribution = (source == LeadSource::WebForm && self.chance(0.5)).then(|| {
            let campaign = self.pick(&["spring_promo", "black_friday", "webinar_q3", "retargeting"]);
            BTreeMap::from([
                (
                    "utm_source".to_string(),
                    json!(self.pick(&["google", "meta", "newsletter"])),
                ),
                ("utm_campaign".to_string(), json!(campaign)),
            ])
        });
        let custom_fields = self.custom_fields(created_at);
        Lead {
            id,
            first_name: Some(first.to_string()),
            last_name: last.map(str::to_string),
            email,
            phone,
            company_name: company.map(str::to_string),
            status,
            source: Some(source),
            intent,
            notes,
            assigned_to,
            custom_fields,
            created_at,
            channel,
            attribution,
        }
    }
}

/// Creates both tenants and their leads in an empty database, all in one transaction, so an interrupted seed
/// leaves an empty database that the next start seeds again. The keys are not seeded: see
/// [`crate::auth::database_keys`].
pub fn seed_database(conn: &mut Connection, seed: u64, demo_leads: usize) -> Result<(), StoreError> {
    // The primary key's index still takes random insertions; a larger page cache keeps them in memory.
    conn.pragma_update(None, "cache_size", -256 * 1024)?;
    let tx = conn.transaction()?;
    let tenants = tenants(seed);
    for tenant in &tenants {
        store::insert_tenant(&tx, tenant)?;
    }
    let [demo, rival] = tenants;
    store::drop_list_indexes(&tx)?;
    let anchor = seed_anchor(Utc::now());
    let mut demo_gen = LeadGenerator::new(seed, &demo.id, demo.profile).anchored_at(anchor);
    store::insert_leads(&tx, &demo.id, (0..demo_leads).map(|_| demo_gen.next_lead()))?;
    let mut rival_gen = LeadGenerator::new(seed, &rival.id, rival.profile).anchored_at(anchor);
    store::insert_leads(&tx, &rival.id, (0..RIVAL_LEADS).map(|_| rival_gen.next_lead()))?;
    store::create_list_indexes(&tx)?;
    store::meta_set(&tx, "seed", &seed.to_be_bytes())?;
    tx.commit()?;
    conn.pragma_update(None, "cache_size", -2000)?;
    Ok(())
}

/// The seed a database was created with, or `None` if it was never seeded.
pub fn stored_seed(conn: &Connection) -> Result<Option<u64>, StoreError> {
    match store::meta_get(conn, "seed")? {
        None => Ok(None),
        Some(bytes) => {
            let bytes: [u8; 8] = bytes
                .try_into()
                .map_err(|_| StoreError::Corrupt("the stored seed is not 8 bytes".into()))?;
            Ok(Some(u64::from_be_bytes(bytes)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use novala_leads::rules;

    #[test]
    fn same_seed_same_leads_other_seed_other_leads() {
        let [demo, _] = tenants(3);
        let a: Vec<Lead> = {
            let mut g = LeadGenerator::new(3, DEMO_TENANT, demo.profile.clone());
            (0..50).map(|_| g.next_lead()).collect()
        };
        let mut g = LeadGenerator::new(3, DEMO_TENANT, demo.profile.clone());
        let b: Vec<Lead> = (0..50).map(|_| g.next_lead()).collect();
        assert_eq!(a, b);
        let mut g = LeadGenerator::new(4, DEMO_TENANT, demo.profile);
        assert_ne!(a[0], g.next_lead());
        assert_eq!(tenants(3), tenants(3));
        assert_ne!(tenants(3)[0].profile.roster, tenants(4)[0].profile.roster);
    }

    #[test]
    fn seeded_leads_are_varied_and_pass_the_create_rules() {
        let [demo, _] = tenants(1);
        let defs = demo.profile.custom_fields.clone();
        let mut g = LeadGenerator::new(1, DEMO_TENANT, demo.profile.clone());
        let leads: Vec<Lead> = (0..2_000).map(|_| g.next_lead()).collect();
        for s in LeadStatus::KNOWN {
            assert!(leads.iter().any(|l| l.status == s), "no {s} lead");
        }
        for s in LeadSource::KNOWN {
            assert!(leads.iter().any(|l| l.source.as_ref() == Some(&s)), "no {s} lead");
        }
        assert!(leads.iter().any(|l| !l.full_name().is_ascii()));
        assert!(leads.iter().any(|l| l.assigned_to.is_none()));
        for m in &demo.profile.roster {
            assert!(leads.iter().any(|l| l.assigned_to.as_deref() == Some(m.id.as_str())));
        }
        assert!(leads.iter().any(|l| l.custom_fields.len() > 2));
        let oldest = leads.iter().map(|l| l.created_at).min().unwrap();
        let newest = leads.iter().map(|l| l.created_at).max().unwrap();
        assert!(newest - oldest > Duration::days(180), "spread over months");
        assert!(newest <= anchor());
        for lead in &leads {
            let mut new =
                novala_leads::types::NewLead::new(lead.first_name.clone().unwrap(), lead.source.clone().unwrap());
            new.last_name = lead.last_name.clone();
            new.email = lead.email.clone();
            new.phone = lead.phone.clone();
            new.company_name = lead.company_name.clone();
            new.intent = lead.intent.clone();
            new.notes = lead.notes.clone();
            new.assigned_to = lead.assigned_to.clone();
            new.channel = lead.channel.clone();
            new.custom_fields = lead.custom_fields.clone();
            assert_eq!(rules::validate_new_lead(&new, &defs), vec![], "{lead:?}");
        }
    }

    #[test]
    fn another_anchor_moves_the_times_and_keeps_the_leads() {
        let [demo, _] = tenants(1);
        let now = Utc::now();
        let make = |anchor: DateTime<Utc>| -> Vec<Lead> {
            let mut g = LeadGenerator::new(1, DEMO_TENANT, demo.profile.clone()).anchored_at(anchor);
            (0..5_000).map(|_| g.next_lead()).collect()
        };
        let (fixed, fresh) = (make(anchor()), make(seed_anchor(now)));
        for (a, b) in fixed.iter().zip(&fresh) {
            assert_eq!((&a.id, &a.email, &a.status), (&b.id, &b.email, &b.status));
            assert_eq!(b.created_at - a.created_at, seed_anchor(now) - anchor());
        }
        let newest = fresh.iter().map(|l| l.created_at).max().unwrap();
        let oldest = fresh.iter().map(|l| l.created_at).min().unwrap();
        assert!(
            now - newest < Duration::minutes(15),
            "the newest is minutes old: {newest}"
        );
        assert!(now - oldest > Duration::weeks(8), "spread back over weeks: {oldest}");
        let this_week = fresh.iter().filter(|l| now - l.created_at < Duration::days(7)).count();
        assert!(this_week > 100, "an inbox's week: {this_week}");
    }

    #[test]
    fn ascii_slugs() {
        assert_eq!(ascii_slug("Zoë"), "zoe");
        assert_eq!(ascii_slug("Łukasz"), "lukasz");
        assert_eq!(ascii_slug("O'Brien"), "obrien");
        assert_eq!(ascii_slug("太郎"), "");
    }
}
