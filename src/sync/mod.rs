//! Keeping a profile's mirror ([`crate::store::mirror`]) in step with its tenant, through the API's list
//! alone (Novala has no change feed).
//!
//! A sync run has three parts:
//! - **The first sync** walks the whole tenant once. The seven status filters are independent cursor chains,
//!   so they are walked side by side: on a real network a page costs its round trip, and seven in flight
//!   cost about what one does. Each page is committed with its chain's cursor, so a run killed at any moment
//!   resumes every chain where it stood and never walks a finished one again.
//! - **The poll**, once the first sync is complete: the newest leads, page after page, until a page holds a
//!   lead the mirror knows. With nothing new that is one request.
//! - **The refresh sweep**: the unfiltered list from the newest lead to the oldest, a few pages a run (or all
//!   of it), at a quarter of the budget, so status and assignee changes made in Novala's web app (and a lead
//!   that changed status while the first sync walked past it, or whose status is none of the seven) reach
//!   the mirror. Its cursor is kept too.
//!
//! Every request goes through one [`budget::Budget`]: `sync_rate` requests a second, and a 429 holds and
//! slows every chain. Everything the server controls is bounded: tries per request, the hold a
//! `Retry-After` asks for, requests per run, pages that bring nothing, a cursor that repeats.

pub mod background;
pub mod budget;

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::stream::FuturesUnordered;

use crate::api::error::ApiError;
use crate::api::types::{Lead, LeadStatus, ListQuery, Page};
use crate::api::{NovalaClient, RetryPolicy};
use crate::store::mirror::{ChainState, Filter, MirrorError, MirrorFile};
use budget::Budget;

/// Requests a second when a profile does not say (`sync_rate`).
pub const DEFAULT_RATE: f64 = crate::config::file::DEFAULT_SYNC_RATE;
/// The sweep's pages per run when not told: with the poll, a sync with nothing new costs five requests.
pub const DEFAULT_SWEEP_PAGES: u64 = 4;
/// Tries of one page in all before the sync gives up on it.
pub const MAX_TRIES: u32 = 8;
/// Requests one run may make: a server inventing pages forever is stopped (100 million leads).
pub const MAX_REQUESTS: u64 = 1_000_000;
/// Pages in a row with no lead end a chain, whatever cursor they carry.
const BARREN_PAGES: u32 = 3;
/// The longest wait between tries of a failed page.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
const PAGE_LIMIT: u32 = 100;

/// How much of the sweep a run does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sweep {
    Off,
    /// This many pages from where the last run left it.
    Pages(u64),
    /// A whole pass from the newest lead to the oldest, now.
    Full,
}

/// How the first sync walks the tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chains {
    /// The seven status filters side by side.
    ByStatus,
    /// One unfiltered chain (what a walk without the status filters costs; for comparison).
    One,
}

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Requests a second, every chain together.
    pub rate: f64,
    pub sweep: Sweep,
    pub chains: Chains,
    /// Stops the run after this many pages are written, as a kill would (for tests).
    pub stop_after_pages: Option<u64>,
    pub max_requests: u64,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            rate: DEFAULT_RATE,
            sweep: Sweep::Pages(DEFAULT_SWEEP_PAGES),
            chains: Chains::ByStatus,
            stop_after_pages: None,
            max_requests: MAX_REQUESTS,
        }
    }
}

/// Which part of a run is going on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    FirstSync,
    Poll,
    Sweep,
}

/// The most changed leads a run hands to the inbox: a sweep's pass over a busy tenant may find thousands
/// changed, and the inbox shows the rest at its next list.
pub const CHANGED_KEPT: usize = 1_000;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Leads in the mirror at the end.
    pub leads: u64,
    pub new: u64,
    pub changed: u64,
    /// The changed leads as lists show them (at most [`CHANGED_KEPT`], the first found), so an inbox over
    /// the mirror shows a change made in Novala's web app wherever the lead stands in its list.
    pub changed_leads: Vec<Lead>,
    /// Every request, retries included.
    pub requests: u64,
    /// Requests of each chain (`walk:new`…, `poll`, `sweep`).
    pub chain_requests: BTreeMap<String, u64>,
    pub retries: u64,
    pub rate_limited: u64,
    pub pages: u64,
    pub elapsed: Duration,
    /// Whether the mirror holds a complete first sync.
    pub complete: bool,
    /// Passes of the sweep finished in this run.
    pub sweeps_finished: u64,
    /// Stopped by [`SyncOptions::stop_after_pages`].
    pub stopped: bool,
    /// The budget asked for, requests a second.
    pub budget: f64,
}

impl Report {
    /// Requests a second over the run.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 { self.requests as f64 / secs } else { 0.0 }
    }

    /// Requests of the chains whose names start with `prefix`.
    pub fn requests_of(&self, prefix: &str) -> u64 {
        self.chain_requests
            .iter()
            .filter(|(name, _)| name.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    }
}

/// Where a run stands, after each page.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    pub phase: Phase,
    pub report: &'a Report,
    /// Chains of this part finished, and in all.
    pub chains_done: usize,
    pub chains: usize,
    /// The pace now, requests a second.
    pub rate: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Mirror(#[from] MirrorError),
    #[error("the tenant kept sending pages: the sync stopped after {0} requests")]
    TooManyRequests(u64),
}

/// Meta keys of the mirror.
use crate::store::mirror::COMPLETE_AT;
const LAST_SYNC_AT: &str = "last_sync_at";
const SWEEP_PASSES: &str = "sweep_passes";
const LAST_SWEEP_AT: &str = "last_sweep_at";
const POLL: &str = "poll";
const SWEEP: &str = "sweep";

/// The names of the first sync's chains.
pub fn walk_chains(chains: Chains) -> Vec<(String, Option<LeadStatus>)> {
    match chains {
        Chains::ByStatus => LeadStatus::KNOWN
            .iter()
            .map(|s| (format!("walk:{}", s.as_str()), Some(s.clone())))
            .collect(),
        Chains::One => vec![("walk:all".to_string(), None)],
    }
}

/// Whether the mirror holds a complete first sync, and when the last run ended (RFC 3339).
pub fn freshness(mirror: &MirrorFile) -> Result<(bool, Option<String>), MirrorError> {
    Ok((mirror.meta(COMPLETE_AT)?.is_some(), mirror.meta(LAST_SYNC_AT)?))
}

/// The client the sync sends with: every request tried once, since the sync paces and retries them all
/// together (a 429 to one chain slows the others).
pub fn client_for_sync(client: &NovalaClient) -> NovalaClient {
    client.with_retry(RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    })
}

/// Runs one sync of `mirror` from `client` (see the module's head), calling `progress` after each page.
pub async fn run(
    client: &NovalaClient,
    mirror: &mut MirrorFile,
    options: &SyncOptions,
    progress: &mut (dyn FnMut(&Progress<'_>) + Send),
) -> Result<Report, SyncError> {
    let started = Instant::now();
    let budget = Budget::new(options.rate);
    let mut engine = Engine {
        client,
        mirror,
        budget: &budget,
        options,
        report: Report {
            budget: budget.target(),
            ..Report::default()
        },
        progress,
    };
    let result = engine.run_parts().await;
    engine.report.rate_limited = budget.rate_limited_count();
    engine.report.elapsed = started.elapsed();
    engine.report.leads = engine.mirror.count(&Filter::default())?;
    engine.report.complete = engine.mirror.meta(COMPLETE_AT)?.is_some();
    result?;
    if !engine.report.stopped {
        engine.mirror.set_meta(LAST_SYNC_AT, &now_rfc3339())?;
    }
    Ok(engine.report)
}

fn now_rfc3339() -> String {
    crate::api::types::rfc3339_millis::format(&chrono::Utc::now())
}

/// One chain as a run walks it.
struct Chain {
    name: String,
    query: ListQuery,
    cursor: Option<String>,
    kind: Kind,
    followed: HashSet<String>,
    barren: u32,
    tries: u32,
    /// Pages this run may still read of it (the sweep's share).
    pages_left: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Walk,
    Poll,
    Sweep,
}

impl Chain {
    fn new(name: String, status: Option<LeadStatus>, cursor: Option<String>, kind: Kind) -> Chain {
        Chain {
            name,
            query: ListQuery {
                status,
                assigned_to: None,
                limit: Some(PAGE_LIMIT),
            },
            cursor,
            kind,
            followed: HashSet::new(),
            barren: 0,
            tries: 0,
            pages_left: None,
        }
    }
}

/// A page's answer, for the chain at `index`, asked with `cursor`.
type Fetched = (usize, Option<String>, Result<Page<Lead>, ApiError>);

struct Engine<'a> {
    client: &'a NovalaClient,
    mirror: &'a mut MirrorFile,
    budget: &'a Budget,
    options: &'a SyncOptions,
    report: Report,
    progress: &'a mut (dyn FnMut(&Progress<'_>) + Send),
}

async fn fetch(
    client: &NovalaClient,
    budget: &Budget,
    index: usize,
    query: ListQuery,
    cursor: Option<String>,
    delay: Duration,
) -> Fetched {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    budget.acquire().await;
    let answer = client.list(&query, cursor.as_deref()).await;
    (index, cursor, answer)
}

/// Whether trying the same page again may help.
fn worth_retrying(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::RateLimited { .. }
            | ApiError::Server { .. }
            | ApiError::Network { .. }
            | ApiError::Timeout { .. }
            | ApiError::Decode { .. }
    )
}

fn backoff(tries: u32) -> Duration {
    let base = Duration::from_millis(100).saturating_mul(1 << tries.min(10).saturating_sub(1));
    base.min(MAX_BACKOFF)
}

impl Engine<'_> {
    async fn run_parts(&mut self) -> Result<(), SyncError> {
        if self.mirror.meta(COMPLETE_AT)?.is_none() {
            let mut chains = Vec::new();
            for (name, status) in walk_chains(self.options.chains) {
                let state = self.mirror.chain(&name)?.unwrap_or_default();
                if !state.done {
                    chains.push(Chain::new(name, status, state.cursor, Kind::Walk));
                }
            }
            self.drive(Phase::FirstSync, chains, self.budget).await?;
            if self.report.stopped {
                return Ok(());
            }
            let mut all_done = true;
            for (name, _) in walk_chains(self.options.chains) {
                all_done &= self.mirror.chain(&name)?.is_some_and(|s| s.done);
            }
            if !all_done {
                return Ok(());
            }
            self.mirror.set_meta(COMPLETE_AT, &now_rfc3339())?;
        }
        // A poll a killed run left unfinished goes on first: the leads below where it stopped are new too.
        if let Some(state) = self.mirror.chain(POLL)?
            && !state.done
            && state.cursor.is_some()
        {
            self.drive(
                Phase::Poll,
                vec![Chain::new(POLL.into(), None, state.cursor, Kind::Poll)],
                self.budget,
            )
            .await?;
            if self.report.stopped {
                return Ok(());
            }
        }
        self.drive(
            Phase::Poll,
            vec![Chain::new(POLL.into(), None, None, Kind::Poll)],
            self.budget,
        )
        .await?;
        if self.report.stopped {
            return Ok(());
        }
        let (cursor, pages) = match self.options.sweep {
            Sweep::Off => return Ok(()),
            Sweep::Pages(0) => return Ok(()),
            Sweep::Pages(n) => (self.mirror.chain(SWEEP)?.and_then(|s| s.cursor), Some(n)),
            Sweep::Full => (None, None),
        };
        let mut sweep = Chain::new(SWEEP.into(), None, cursor, Kind::Sweep);
        sweep.pages_left = pages;
        // The sweep is background work: a quarter of the budget, behind anything else of the tenant's.
        let quarter = Budget::new((self.options.rate / 4.0).max(0.1));
        let swept = self.drive(Phase::Sweep, vec![sweep], &quarter).await;
        self.report.rate_limited += quarter.rate_limited_count();
        swept
    }

    /// Walks `chains` side by side until each is finished (or the run is stopped).
    async fn drive(&mut self, phase: Phase, mut chains: Vec<Chain>, budget: &Budget) -> Result<(), SyncError> {
        let total = chains.len();
        let mut done = 0;
        let mut in_flight = FuturesUnordered::new();
        let client = self.client;
        for (i, chain) in chains.iter().enumerate() {
            in_flight.push(fetch(
                client,
                budget,
                i,
                chain.query.clone(),
                chain.cursor.clone(),
                Duration::ZERO,
            ));
            self.count_request(&chain.name)?;
        }
        while let Some((i, asked, answer)) = in_flight.next().await {
            let chain = &mut chains[i];
            let page = match answer {
                Ok(page) => {
                    budget.answered();
                    chain.tries = 0;
                    page
                }
                Err(error) => {
                    chain.tries += 1;
                    if !worth_retrying(&error) || chain.tries >= MAX_TRIES {
                        return Err(error.into());
                    }
                    let delay = match &error {
                        ApiError::RateLimited { retry_after } => {
                            budget.rate_limited(*retry_after);
                            Duration::ZERO
                        }
                        _ => backoff(chain.tries),
                    };
                    tracing::debug!(chain = %chain.name, tries = chain.tries, %error, "page failed; trying again");
                    self.report.retries += 1;
                    let name = chain.name.clone();
                    in_flight.push(fetch(client, budget, i, chain.query.clone(), asked, delay));
                    self.count_request(&name)?;
                    continue;
                }
            };
            let more = self.take_page(&mut chains[i], asked, page)?;
            self.report.pages += 1;
            if !more {
                done += 1;
            }
            (self.progress)(&Progress {
                phase,
                report: &self.report,
                chains_done: done,
                chains: total,
                rate: budget.rate(),
            });
            if self
                .options
                .stop_after_pages
                .is_some_and(|most| self.report.pages >= most)
            {
                self.report.stopped = true;
                return Ok(());
            }
            if more {
                let chain = &chains[i];
                in_flight.push(fetch(
                    client,
                    budget,
                    i,
                    chain.query.clone(),
                    chain.cursor.clone(),
                    Duration::ZERO,
                ));
                let name = chain.name.clone();
                self.count_request(&name)?;
            }
        }
        Ok(())
    }

    fn count_request(&mut self, chain: &str) -> Result<(), SyncError> {
        self.report.requests += 1;
        *self.report.chain_requests.entry(chain.to_string()).or_default() += 1;
        if self.report.requests > self.options.max_requests {
            return Err(SyncError::TooManyRequests(self.options.max_requests));
        }
        Ok(())
    }

    /// Writes a page of `chain` with the chain's next state; whether the chain goes on.
    fn take_page(&mut self, chain: &mut Chain, asked: Option<String>, page: Page<Lead>) -> Result<bool, SyncError> {
        if let Some(cursor) = &asked {
            chain.followed.insert(cursor.clone());
        }
        let mut next = page
            .continuation()
            .filter(|c| !chain.followed.contains(*c))
            .map(str::to_string);
        // A page listing one lead twice holds it once.
        let mut ids = HashSet::new();
        let leads: Vec<Lead> = page.data.into_iter().filter(|l| ids.insert(l.id.clone())).collect();
        chain.barren = if leads.is_empty() { chain.barren + 1 } else { 0 };
        if chain.barren >= BARREN_PAGES {
            next = None;
        }
        let mut more = next.is_some();
        let state = match chain.kind {
            Kind::Walk => ChainState {
                done: next.is_none(),
                cursor: next,
            },
            Kind::Poll => {
                let ids: Vec<&str> = leads.iter().map(|l| l.id.as_str()).collect();
                if self.mirror.known(&ids)? > 0 {
                    more = false;
                }
                ChainState {
                    done: !more,
                    cursor: if more { next } else { None },
                }
            }
            Kind::Sweep => {
                if let Some(left) = chain.pages_left.as_mut() {
                    *left = left.saturating_sub(1);
                    more &= *left > 0;
                }
                if next.is_none() {
                    self.report.sweeps_finished += 1;
                }
                // A finished pass starts the next one from the newest lead.
                ChainState {
                    cursor: next,
                    done: false,
                }
            }
        };
        let now_ms = chrono::Utc::now().timestamp_millis();
        let wrote = self.mirror.write_page(&chain.name, &leads, &state, now_ms)?;
        if chain.kind == Kind::Sweep && state.cursor.is_none() {
            let passes: u64 = self
                .mirror
                .meta(SWEEP_PASSES)?
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            self.mirror.set_meta(SWEEP_PASSES, &(passes + 1).to_string())?;
            self.mirror.set_meta(LAST_SWEEP_AT, &now_rfc3339())?;
        }
        self.report.new += wrote.new as u64;
        self.report.changed += wrote.changed as u64;
        let room = CHANGED_KEPT.saturating_sub(self.report.changed_leads.len());
        let changed = wrote.changed_at.iter().filter_map(|&at| leads.get(at));
        self.report
            .changed_leads
            .extend(changed.take(room).cloned().map(crate::model::lead::list_copy));
        chain.cursor = state.cursor.clone();
        Ok(more)
    }
}
