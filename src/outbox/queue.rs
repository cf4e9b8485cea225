//! Every create goes through the outbox: the lead is recorded (in the profile's state file) before it is
//! sent, sent in the background oldest first, and marked sent with the server's id when the 201 arrives.
//! A tenant that cannot be reached keeps leads queued, sent again with backoff; a create whose answer was
//! lost is never sent again blindly: the tenant's newest leads are looked through for it first.
//!
//! Pure: the app hands it the time and request ids, and carries out what it returns.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::types::{Lead, NewLead};
use crate::api::worker::{ApiRequest, RequestId};
use crate::model::Draft;

/// Where one lead of the outbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting its turn, or for the tenant to answer again (`next_try`).
    Queued,
    /// Sent; the answer is awaited. Found in this state at start, it may or may not have arrived.
    Sending,
    /// Its answer was lost: the tenant's newest leads are being looked through for it.
    Checking,
    /// Not found where it should be: the rep decides whether to send it again or drop it.
    Unknown,
    /// The tenant refused it (a field it does not accept): the rep edits it or drops it.
    Rejected,
    /// Created; `server_id` is its id in the tenant.
    Sent,
}

/// One lead in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Made on this machine, so the entry is known before the tenant gives the lead an id.
    pub key: String,
    pub lead: NewLead,
    pub state: OutboxState,
    pub attempts: u32,
    pub queued_at: DateTime<Utc>,
    /// When it was last sent: a lead created from it is no older than this.
    pub sent_at: Option<DateTime<Utc>>,
    /// Not sent again before this.
    pub next_try: Option<DateTime<Utc>>,
    pub server_id: Option<String>,
    /// What went wrong last, sanitised, for the outbox view.
    pub error: Option<String>,
    /// The tenant's word on each field it refused, so whichever leadbox typed the lead can open it in the
    /// form with those words (the one that sent it may be another process).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused_fields: Vec<crate::api::types::FieldDetail>,
    /// The form as it was sent, to be opened again when the lead is edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<Draft>,
    /// The entry's revision in the state file once this copy is written: 1 for a new entry, one more for
    /// each change. A write lands only over the revision before it, so a change made by another leadbox
    /// meanwhile is never overwritten. Kept in its own column, not in the body.
    #[serde(skip)]
    pub rev: u64,
}

impl OutboxEntry {
    /// The lead's name as the outbox view and notices show it ("(no name)" when it has none).
    pub fn name(&self) -> String {
        let name = match &self.lead.last_name {
            Some(last) if !last.trim().is_empty() => format!("{} {last}", self.lead.first_name),
            _ => self.lead.first_name.clone(),
        };
        match name.trim() {
            "" => "(no name)".to_string(),
            name => crate::sanitize::line(name).into_owned(),
        }
    }

    /// Waiting to be sent, being sent or being looked for: the rep need not do anything.
    pub fn is_pending(&self) -> bool {
        matches!(
            self.state,
            OutboxState::Queued | OutboxState::Sending | OutboxState::Checking
        )
    }

    /// Waiting for the rep: not found after a lost answer, or refused by the tenant.
    pub fn needs_rep(&self) -> bool {
        matches!(self.state, OutboxState::Unknown | OutboxState::Rejected)
    }
}

/// What the outbox did with an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// The lead is in the tenant (created, or found after a lost answer).
    Created { entry: OutboxEntry, lead: Box<Lead> },
    /// Kept, to be sent or looked for again later, or left for the rep; `error` is why.
    Kept {
        entry: OutboxEntry,
        error: Option<ApiError>,
    },
}

/// A failed send waits longer each time, up to this.
const RETRY_MAX_SECS: i64 = 300;
/// How far before its sending a lead's `createdAt` may be (the tenant's clock against this machine's).
const CLOCK_SLACK_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq)]
pub struct Outbox {
    entries: Vec<OutboxEntry>,
    /// The requests out for the outbox, the entry each is for, and that entry as it was before (put back
    /// if the request never leaves).
    in_flight: Vec<InFlight>,
    /// Whether this process sends (it holds the profile's sender lock); another leadbox's outbox only
    /// queues and shows.
    sending: bool,
    /// Entries enqueued by this process: only these reopen the form when the tenant refuses them.
    own: Vec<String>,
    /// How many requests may be out at once (0 counts as 1): one for the inbox, a few for an import.
    max_in_flight: usize,
    /// A rate limit is the tenant's, not one lead's: after a 429 nothing is sent before this.
    paused_until: Option<DateTime<Utc>>,
    /// An entry open in the form: not sent until the form sends it again or closes.
    held: Option<String>,
    /// One at a time (the inbox): the tenant could not be reached, so nothing is sent before this. A lead
    /// typed or a rep's "send now" tries again at once.
    tenant_wait: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
struct InFlight {
    id: RequestId,
    key: String,
    before: OutboxEntry,
}

impl Default for Outbox {
    fn default() -> Outbox {
        Outbox {
            entries: Vec::new(),
            in_flight: Vec::new(),
            sending: true,
            own: Vec::new(),
            max_in_flight: 0,
            paused_until: None,
            held: None,
            tenant_wait: None,
        }
    }
}

/// What changed in an entry another leadbox handled, as [`Outbox::merge`] found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    pub entry: OutboxEntry,
    /// Its state before, or `None` when it is new to this process.
    pub was: Option<OutboxState>,
    /// Enqueued by this process.
    pub own: bool,
}

impl Outbox {
    /// The outbox as the state file kept it. A lead that was being sent when leadbox stopped may have
    /// arrived: it is looked for before anything else is sent.
    pub fn restore(entries: Vec<OutboxEntry>) -> Outbox {
        let mut outbox = Outbox {
            entries,
            ..Outbox::default()
        };
        outbox.entries.sort_by_key(|e| e.queued_at);
        // Entries found at start are this session's to see through, as if typed here.
        outbox.own = outbox.entries.iter().map(|e| e.key.clone()).collect();
        outbox.claim_orphans();
        outbox
    }

    /// Entries marked as being sent that no request of this process is out for: their sender stopped
    /// (quit, or was killed) before the answer. They may have arrived, so they are looked for first.
    fn claim_orphans(&mut self) {
        if !self.sending {
            return;
        }
        let in_flight = &self.in_flight;
        for entry in &mut self.entries {
            if entry.state == OutboxState::Sending && !in_flight.iter().any(|f| f.key == entry.key) {
                entry.state = OutboxState::Checking;
                entry.next_try = None;
            }
        }
    }

    /// Whether this process sends the outbox.
    pub fn is_sending(&self) -> bool {
        self.sending
    }

    /// This process takes over sending (it got the sender lock) or gives it up. Taking over claims the
    /// entries the last sender left mid-send.
    pub fn set_sending(&mut self, sending: bool) {
        self.sending = sending;
        self.claim_orphans();
    }

    /// Nothing is sent before `until` (the disk refused a write: trying again at once would only fail again).
    pub fn pause_until(&mut self, until: DateTime<Utc>) {
        self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
    }

    /// Whether this process enqueued the entry `key`.
    pub fn is_own(&self, key: &str) -> bool {
        self.own.iter().any(|k| k == key)
    }

    /// Takes in the outbox as the state file now holds it (another leadbox queued, sent or dropped
    /// entries). What this process has out stays as it knows it; everything else is as on disk. Returns
    /// the entries whose state another process changed.
    pub fn merge(&mut self, on_disk: Vec<OutboxEntry>) -> Vec<Moved> {
        let mut moved = Vec::new();
        let mut merged = Vec::with_capacity(on_disk.len());
        for disk in on_disk {
            let mine = self.entries.iter().position(|e| e.key == disk.key);
            if self.in_flight_is(&disk.key) {
                if let Some(at) = mine {
                    merged.push(self.entries[at].clone());
                }
                continue;
            }
            let was = mine.map(|at| self.entries[at].state);
            if was != Some(disk.state) {
                moved.push(Moved {
                    entry: disk.clone(),
                    was,
                    own: self.is_own(&disk.key),
                });
            }
            merged.push(disk);
        }
        // An entry of ours still out but gone from disk stays until its answer comes.
        for entry in &self.entries {
            if self.in_flight_is(&entry.key) && !merged.iter().any(|m| m.key == entry.key) {
                merged.push(entry.clone());
            }
        }
        merged.sort_by_key(|e| e.queued_at);
        self.entries = merged;
        let entries = &self.entries;
        self.own.retain(|k| entries.iter().any(|e| &e.key == k));
        self.claim_orphans();
        moved
    }

    /// The request `id` never left (its entry could not be kept on disk): the entry is as it was before.
    /// Returns its key.
    pub fn abandon(&mut self, id: RequestId) -> Option<String> {
        let at = self.in_flight.iter().position(|f| f.id == id)?;
        let flight = self.in_flight.remove(at);
        if let Some(entry) = self.entries.iter_mut().find(|e| e.key == flight.key) {
            *entry = flight.before;
        }
        Some(flight.key)
    }

    /// The entry a request of the outbox is for.
    pub fn key_of(&self, id: RequestId) -> Option<&str> {
        self.in_flight.iter().find(|f| f.id == id).map(|f| f.key.as_str())
    }

    /// Forgets an entry that never reached the disk (its first write failed), so nothing of it is sent.
    pub fn forget(&mut self, key: &str) -> Option<OutboxEntry> {
        if self.in_flight_is(key) {
            return None;
        }
        let at = self.entries.iter().position(|e| e.key == key)?;
        self.own.retain(|k| k != key);
        Some(self.entries.remove(at))
    }

    /// Lets up to `n` requests be out at once (at least one).
    pub fn with_max_in_flight(mut self, n: usize) -> Outbox {
        self.max_in_flight = n.max(1);
        self
    }

    fn one_at_a_time(&self) -> bool {
        self.max_in_flight <= 1
    }

    /// After a failure that was the tenant's (not reached, overloaded), nothing is sent before `until`.
    fn tenant_failed(&mut self, until: Option<DateTime<Utc>>) {
        if self.one_at_a_time() {
            self.tenant_wait = until;
        }
    }

    fn is_full(&self) -> bool {
        self.in_flight.len() >= self.max_in_flight.max(1)
    }

    pub fn entries(&self) -> &[OutboxEntry] {
        &self.entries
    }

    pub fn get(&self, key: &str) -> Option<&OutboxEntry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// How many leads wait to be sent (or looked for).
    pub fn pending(&self) -> usize {
        self.entries.iter().filter(|e| e.is_pending()).count()
    }

    /// How many leads wait for the rep.
    pub fn needing_rep(&self) -> usize {
        self.entries.iter().filter(|e| e.needs_rep()).count()
    }

    /// The oldest request out, if any.
    pub fn in_flight(&self) -> Option<RequestId> {
        self.in_flight.first().map(|f| f.id)
    }

    /// Whether `id` is a request of the outbox still awaiting its answer.
    pub fn awaits(&self, id: RequestId) -> bool {
        self.in_flight.iter().any(|f| f.id == id)
    }

    /// How many requests are out.
    pub fn in_flight_count(&self) -> usize {
        self.in_flight.len()
    }

    /// Holds an entry back from sending while the rep edits it (`None` lets it go again).
    pub fn hold(&mut self, key: Option<String>) {
        self.held = key;
    }

    /// Records a new lead, to be sent when its turn comes. Returns the entry to keep on disk.
    pub fn enqueue(&mut self, key: String, lead: NewLead, draft: Option<Draft>, now: DateTime<Utc>) -> OutboxEntry {
        let entry = OutboxEntry {
            key,
            lead,
            draft,
            state: OutboxState::Queued,
            attempts: 0,
            queued_at: now,
            sent_at: None,
            next_try: None,
            server_id: None,
            error: None,
            refused_fields: Vec::new(),
            rev: 1,
        };
        self.entries.push(entry.clone());
        self.own.push(entry.key.clone());
        // A lead typed now is worth one try at once, whatever the tenant did a minute ago.
        self.tenant_wait = None;
        entry
    }

    /// The next request to make, if one is due and none is out: the oldest lead to look for or to send.
    /// Returns the request and the entry as changed (to be on disk before the request goes).
    pub fn next_request(&mut self, now: DateTime<Utc>, id: RequestId) -> Option<(ApiRequest, OutboxEntry)> {
        if !self.sending || self.is_full() || self.paused_until.is_some_and(|until| until > now) {
            return None;
        }
        let in_flight = &self.in_flight;
        let waiting = || {
            self.entries
                .iter()
                .enumerate()
                .filter(|(_, e)| matches!(e.state, OutboxState::Queued | OutboxState::Checking))
                .filter(|(_, e)| self.held.as_deref() != Some(e.key.as_str()))
                .filter(|(_, e)| !in_flight.iter().any(|f| f.key == e.key))
        };
        let due = |e: &OutboxEntry| e.next_try.is_none_or(|t| t <= now);
        let at = if self.one_at_a_time() {
            // One at a time (the inbox): oldest first, always. When anything is due (a lead just typed, a
            // wait run out), the oldest waiting lead goes: its wait was the tenant's, not its own.
            if self.tenant_wait.is_some_and(|t| t > now) || !waiting().any(|(_, e)| due(e)) {
                return None;
            }
            waiting().min_by_key(|(_, e)| e.queued_at).map(|(at, _)| at)?
        } else {
            // Several at once (an import): each row keeps its own wait, so one failing row holds no other.
            waiting()
                .filter(|(_, e)| due(e))
                .min_by_key(|(_, e)| e.queued_at)
                .map(|(at, _)| at)?
        };
        // Leads of this outbox already found or created with the same names and email are not this one.
        let taken: Vec<String> = match self.entries[at].state {
            OutboxState::Checking => self
                .entries
                .iter()
                .filter(|other| other.state == OutboxState::Sent && other.lead.same_person(&self.entries[at].lead))
                .filter_map(|other| other.server_id.clone())
                .collect(),
            _ => Vec::new(),
        };
        let before = self.entries[at].clone();
        let entry = &mut self.entries[at];
        entry.rev += 1;
        let request = match entry.state {
            OutboxState::Checking => ApiRequest::FindCreated {
                id,
                lead: entry.lead.clone(),
                since: entry.sent_at.unwrap_or(entry.queued_at) - Duration::seconds(CLOCK_SLACK_SECS),
                taken,
            },
            _ => {
                entry.state = OutboxState::Sending;
                entry.attempts += 1;
                entry.sent_at = Some(now);
                ApiRequest::Create {
                    id,
                    lead: entry.lead.clone(),
                }
            }
        };
        let entry = entry.clone();
        self.in_flight.push(InFlight {
            id,
            key: entry.key.clone(),
            before,
        });
        Some((request, entry))
    }

    /// The tenant answered some other request (a page, a poll): it can be reached again, so a lead that
    /// waits out a backoff goes at once, as a mail client sends its outbox when the connection is back. A
    /// rate limit still holds: that wait is the tenant's word, not a guess.
    pub fn tenant_answered(&mut self, now: DateTime<Utc>) {
        self.tenant_wait = None;
        if self.paused_until.is_some_and(|p| p > now) {
            return;
        }
        for e in &mut self.entries {
            if matches!(e.state, OutboxState::Queued | OutboxState::Checking) && e.next_try.is_some_and(|t| t > now) {
                e.next_try = None;
            }
        }
    }

    /// The earliest time a queued lead may be tried again, if any waits for a time (and a request could
    /// go then).
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        if !self.sending || self.is_full() {
            return None;
        }
        let waiting = self
            .entries
            .iter()
            .filter(|e| matches!(e.state, OutboxState::Queued | OutboxState::Checking))
            .filter(|e| self.held.as_deref() != Some(e.key.as_str()))
            .filter(|e| !self.in_flight.iter().any(|f| f.key == e.key));
        let (mut due_now, mut earliest) = (false, None::<DateTime<Utc>>);
        for e in waiting {
            match e.next_try {
                Some(t) => earliest = Some(earliest.map_or(t, |m| m.min(t))),
                None => due_now = true,
            }
        }
        let due = match self.paused_until {
            // No lead goes before the pause ends.
            Some(p) if due_now => Some(p),
            Some(p) => earliest.map(|t| t.max(p)),
            // A lead due now is due at once: the loop must not sleep until some later wake.
            None if due_now => Some(DateTime::<Utc>::MIN_UTC),
            None => earliest,
        };
        match (due, self.tenant_wait) {
            (Some(d), Some(w)) => Some(d.max(w)),
            (due, _) => due,
        }
    }

    fn take_in_flight(&mut self, id: RequestId) -> Option<&mut OutboxEntry> {
        let at = self.in_flight.iter().position(|f| f.id == id)?;
        let flight = self.in_flight.remove(at);
        let entry = self.entries.iter_mut().find(|e| e.key == flight.key)?;
        entry.rev += 1;
        Some(entry)
    }

    /// The answer to a create the outbox sent; `None` when `id` is not its request.
    pub fn on_created(&mut self, id: RequestId, result: Result<Lead, ApiError>, now: DateTime<Utc>) -> Option<Settled> {
        if let Err(error @ ApiError::RateLimited { .. }) = &result {
            let until = now + backoff(1, error);
            self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
        }
        let entry = self.take_in_flight(id)?;
        let settled = match result {
            Ok(lead) => {
                entry.state = OutboxState::Sent;
                entry.server_id = Some(lead.id.clone());
                entry.error = None;
                entry.next_try = None;
                Settled::Created {
                    entry: entry.clone(),
                    lead: Box::new(lead),
                }
            }
            Err(error) => {
                entry.error = Some(crate::sanitize::line(&error.to_string()).into_owned());
                entry.refused_fields = error.field_details().to_vec();
                entry.state = if error.may_have_created() {
                    OutboxState::Checking
                } else if reachable_later(&error) {
                    OutboxState::Queued
                } else {
                    OutboxState::Rejected
                };
                entry.next_try = match entry.state {
                    OutboxState::Queued => Some(now + backoff(entry.attempts, &error)),
                    _ => None,
                };
                Settled::Kept {
                    entry: entry.clone(),
                    error: Some(error),
                }
            }
        };
        let wait = match &settled {
            Settled::Kept { entry, .. } if entry.state == OutboxState::Queued => entry.next_try,
            _ => None,
        };
        self.tenant_failed(wait);
        Some(settled)
    }

    /// The rep edited a lead the tenant refused (or one not sent yet): it waits its turn again, as typed
    /// now. Refused while it is out to the tenant or already created.
    pub fn replace(&mut self, key: &str, lead: NewLead, draft: Option<Draft>) -> Option<OutboxEntry> {
        if self.in_flight_is(key) {
            return None;
        }
        let entry = self
            .entries
            .iter_mut()
            .find(|e| e.key == key && !matches!(e.state, OutboxState::Sent | OutboxState::Sending))?;
        entry.lead = lead;
        entry.draft = draft;
        entry.state = OutboxState::Queued;
        entry.next_try = None;
        entry.error = None;
        entry.rev += 1;
        Some(entry.clone())
    }

    /// The answer to a look for a create whose answer was lost; `None` when `id` is not its request.
    pub fn on_found(
        &mut self,
        id: RequestId,
        result: Result<Option<Lead>, ApiError>,
        now: DateTime<Utc>,
    ) -> Option<Settled> {
        if result.is_ok() {
            self.tenant_wait = None;
        }
        let entry = self.take_in_flight(id)?;
        Some(match result {
            Ok(Some(lead)) => {
                entry.state = OutboxState::Sent;
                entry.server_id = Some(lead.id.clone());
                entry.error = None;
                Settled::Created {
                    entry: entry.clone(),
                    lead: Box::new(lead),
                }
            }
            Ok(None) => {
                entry.state = OutboxState::Unknown;
                entry.error = Some("its answer was lost and it is not among the newest leads".to_string());
                Settled::Kept {
                    entry: entry.clone(),
                    error: None,
                }
            }
            Err(error) => {
                // Still unknown: looked for again once the tenant answers.
                entry.error = Some(crate::sanitize::line(&error.to_string()).into_owned());
                let next = now + backoff(entry.attempts, &error);
                entry.next_try = Some(next);
                let kept = Settled::Kept {
                    entry: entry.clone(),
                    error: Some(error),
                };
                self.tenant_failed(Some(next));
                kept
            }
        })
    }

    /// The rep chose to send a lead again (one not found, or one whose wait they cut short).
    pub fn send_again(&mut self, key: &str) -> Option<OutboxEntry> {
        if self.in_flight_is(key) {
            return None;
        }
        let entry = self.entries.iter_mut().find(|e| e.key == key)?;
        if !matches!(
            entry.state,
            OutboxState::Unknown | OutboxState::Queued | OutboxState::Rejected
        ) {
            return None;
        }
        entry.state = OutboxState::Queued;
        entry.next_try = None;
        entry.rev += 1;
        let again = entry.clone();
        self.tenant_wait = None;
        Some(again)
    }

    /// Whether the entry `key` has a request out.
    pub fn in_flight_is(&self, key: &str) -> bool {
        self.in_flight.iter().any(|f| f.key == key)
    }

    /// Takes a lead out of the outbox (dropped, or taken back into the form to be edited); refused while
    /// it is out to the tenant or already created.
    pub fn remove(&mut self, key: &str) -> Option<OutboxEntry> {
        if self.in_flight_is(key) {
            return None;
        }
        let at = self
            .entries
            .iter()
            .position(|e| e.key == key && !matches!(e.state, OutboxState::Sent | OutboxState::Sending))?;
        Some(self.entries.remove(at))
    }
}

/// Failures after which the same lead may well be accepted later: the tenant was not reached or was
/// overloaded.
pub fn reachable_later(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::Network { .. } | ApiError::Timeout { .. } | ApiError::Server { .. } | ApiError::RateLimited { .. }
    )
}

fn backoff(attempts: u32, error: &ApiError) -> Duration {
    if let ApiError::RateLimited {
        retry_after: Some(after),
    } = error
    {
        return Duration::from_std(*after)
            .unwrap_or(Duration::seconds(RETRY_MAX_SECS))
            .min(Duration::seconds(RETRY_MAX_SECS));
    }
    Duration::seconds(crate::model::backoff::doubling_secs(
        attempts,
        crate::model::backoff::FIRST_SECS,
        RETRY_MAX_SECS,
    ))
}
