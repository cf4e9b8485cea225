//! The inbox over the profile's mirror: once the mirror holds the whole tenant, every list (each filter,
//! each view) comes from it whole, so search, panes and marks work over every lead, and with no network
//! the inbox says so and goes on. The background sync's news says how fresh it is.

use chrono::{DateTime, Utc};

use super::App;
use crate::api::worker::{ApiEvent, ApiRequest};
use crate::sync::background::SyncNews;

/// What the inbox knows of its mirror.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MirrorState {
    /// The mirror holds the whole tenant (its first sync finished): lists load whole from it.
    pub whole: bool,
    /// When a sync last ended well.
    pub synced_at: Option<DateTime<Utc>>,
    /// Why the last sync failed (most often: the tenant cannot be reached), until one ends well.
    pub failing: Option<String>,
    /// Leads mirrored so far while the first sync runs.
    pub filling: Option<u64>,
    /// Another leadbox (its pid, when known) syncs the mirror; this one reads what it writes.
    pub elsewhere: Option<Option<u32>>,
    /// The first sync finished while this list came from the tenant: the next list comes from the mirror
    /// (a list is not swapped under the rep's hands).
    pub whole_next: bool,
}

impl App {
    /// The profile keeps a mirror; `whole` when it already holds the whole tenant, last synced at
    /// `synced_at`. Called before the first request.
    pub fn use_mirror(&mut self, whole: bool, synced_at: Option<DateTime<Utc>>) {
        self.mirror = Some(MirrorState {
            whole,
            synced_at,
            ..MirrorState::default()
        });
    }

    pub fn mirror(&self) -> Option<&MirrorState> {
        self.mirror.as_ref()
    }

    /// A new list starts: from the mirror, if its first sync has finished since the last one.
    pub(super) fn mirror_for_next_list(&mut self) {
        if let Some(m) = self.mirror.as_mut().filter(|m| m.whole_next) {
            m.whole = true;
            m.whole_next = false;
        }
    }

    /// Lists come from a whole mirror: each loads whole, as `L` would, at no cost to the tenant.
    pub(super) fn mirror_whole(&self) -> bool {
        self.mirror.as_ref().is_some_and(|m| m.whole)
    }

    pub(super) fn on_sync(&mut self, news: SyncNews) -> Vec<ApiRequest> {
        let Some(mirror) = self.mirror.as_mut() else {
            return Vec::new();
        };
        match news {
            SyncNews::Filling { leads } => {
                mirror.filling = Some(leads);
                mirror.failing = None;
            }
            SyncNews::Synced {
                at,
                complete,
                new,
                changed,
                changed_leads,
                ..
            } => {
                mirror.synced_at = Some(at);
                mirror.failing = None;
                mirror.filling = None;
                mirror.elsewhere = None;
                // The sync reached the tenant: a lead waiting out a backoff in the outbox goes now.
                self.outbox.tenant_answered(self.now);
                if complete && !mirror.whole {
                    mirror.whole_next = true;
                    return Vec::new();
                }
                if mirror.whole && (new > 0 || changed > 0) {
                    // Changes deep in a whole list show at once; the poll finds the new leads.
                    if self.list.update_anywhere(&changed_leads) > 0 {
                        self.refresh_shown(false);
                    }
                    self.poller.look_now(self.now);
                    return self.on_tick(self.now);
                }
            }
            SyncNews::Failed { why, last } => {
                mirror.failing = Some(crate::sanitize::line(&why).into_owned());
                mirror.filling = None;
                if last.is_some() {
                    mirror.synced_at = last;
                }
            }
            SyncNews::Elsewhere { pid, synced_at } => {
                // The other leadbox keeps the mirror fresh: say how fresh, as the file has it.
                mirror.elsewhere = Some(pid);
                if synced_at > mirror.synced_at {
                    mirror.synced_at = synced_at;
                    mirror.failing = None;
                }
            }
            SyncNews::SetAside(why) => {
                mirror.whole = false;
                self.said.error = Some(crate::sanitize::line(&why).into_owned());
            }
        }
        Vec::new()
    }

    /// Over a mirror, what an answer from the tenant itself says of its reach: one out of reach says the
    /// inbox is offline at once, not only after the next sync fails; one that came back says it is online
    /// again, whatever the last sync met. Those answers are a lead read, a refresh's page, a create and a
    /// look for one; any other list may have come from the mirror and says nothing of the tenant.
    pub(super) fn note_reach(&mut self, event: &ApiEvent) {
        let reached = match event {
            ApiEvent::FetchedKept { why, .. } => Err(why),
            ApiEvent::Listed { id, result, .. } if self.refresh.page == Some(*id) => result.as_ref().map(|_| ()),
            ApiEvent::Fetched { result, .. } => result.as_ref().map(|_| ()),
            ApiEvent::Created { result, .. } => result.as_ref().map(|_| ()),
            ApiEvent::Found { result, .. } => result.as_ref().map(|_| ()),
            _ => return,
        };
        let Some(mirror) = self.mirror.as_mut() else {
            return;
        };
        match reached {
            Ok(()) => mirror.failing = None,
            Err(why) if why.is_unreachable() && mirror.failing.is_none() => {
                mirror.failing = Some(crate::sanitize::line(&why.to_string()).into_owned());
            }
            Err(_) => {}
        }
    }

    /// The mirror's state in a few words for the status bar, as of now: "offline · synced 14m ago".
    pub fn mirror_words(&self) -> Option<String> {
        let mirror = self.mirror.as_ref()?;
        let ago = mirror
            .synced_at
            .map(|at| match crate::text::age(at, self.now).as_str() {
                "now" => "synced just now".to_string(),
                age => format!("synced {age} ago"),
            });
        Some(match (&mirror.failing, mirror.filling, ago) {
            (Some(_), _, Some(ago)) => format!("offline · {ago}"),
            (Some(_), _, None) => "offline · never synced".to_string(),
            (None, Some(leads), _) => format!("mirroring · {} leads", crate::text::count(leads as usize)),
            (None, None, Some(ago)) if mirror.whole => ago,
            (None, None, _) => return None,
        })
    }
}
