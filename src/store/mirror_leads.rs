//! The mirror answering the inbox's lists, so a tenant mirrored whole opens at once, filters without a
//! request, and is there with no network. Only a complete mirror answers a first page: one still being
//! filled by its first sync would show a part of the tenant as if it were all of it, so until then the
//! tenant answers, as without a mirror.

use std::path::PathBuf;
use std::sync::Mutex;

use novala_leads::ApiError;
use novala_leads::types::{Lead, ListQuery, Page};

use super::mirror::{After, Filter, MirrorFile};
use crate::api::worker::LocalLeads;
use crate::model::lead::list_copy;

/// A cursor the mirror made, told from the tenant's by its prefix.
const CURSOR: &str = "mirror:";

/// Local pages cost no round trip: each after the first holds this many times the leads the app asked
/// for (at most [`MOST`]), so a whole tenant loads in few steps.
const SCALE: usize = 10;
const MOST: usize = 2_000;

/// The profile's mirror as the worker reads it.
pub struct MirrorLeads {
    path: PathBuf,
    /// Opened on first use and kept: a read is a query, not a file opened again.
    file: Mutex<Option<MirrorFile>>,
}

impl MirrorLeads {
    pub fn new(path: PathBuf) -> MirrorLeads {
        MirrorLeads {
            path,
            file: Mutex::new(None),
        }
    }

    fn with_file<T>(&self, read: impl FnOnce(&MirrorFile) -> Option<T>) -> Option<T> {
        let mut slot = self.file.lock().ok()?;
        if slot.is_none() {
            *slot = MirrorFile::open_existing(&self.path)
                .map_err(|e| tracing::debug!(error = %e, "the mirror cannot be read; the tenant answers"))
                .ok();
        }
        read(slot.as_ref()?)
    }
}

fn encode(lead: &Lead) -> String {
    format!("{CURSOR}{}:{}", lead.created_at.timestamp_millis(), lead.id)
}

fn decode(cursor: &str) -> Option<After> {
    let (ms, id) = cursor.strip_prefix(CURSOR)?.split_once(':')?;
    Some(After {
        created_at_ms: ms.parse().ok()?,
        id: id.to_string(),
    })
}

impl LocalLeads for MirrorLeads {
    fn page(&self, query: &ListQuery, cursor: Option<&str>) -> Option<Result<Page<Lead>, ApiError>> {
        let after = match cursor {
            Some(c) => Some(decode(c)?),
            None => None,
        };
        self.with_file(|file| {
            if after.is_none() && !file.is_complete() {
                return None;
            }
            let filter = Filter {
                status: query.status.as_ref().map(|s| s.as_str().to_string()),
                assigned_to: query.assigned_to.clone(),
            };
            // The first page is what the app asked for, so the first frame waits for no more than a
            // tenant's page; the pages after it are larger.
            let asked = query.limit.unwrap_or(100) as usize;
            let size = match after {
                None => asked,
                Some(_) => asked.saturating_mul(SCALE),
            }
            .clamp(1, MOST);
            match file.page(&filter, after.as_ref(), size) {
                Ok(data) => {
                    let data: Vec<Lead> = data.into_iter().map(list_copy).collect();
                    let has_more = data.len() == size;
                    let next_cursor = has_more.then(|| data.last().map(encode)).flatten();
                    Some(Ok(Page {
                        data,
                        next_cursor,
                        has_more,
                    }))
                }
                // A cursor of the mirror's own cannot go to the tenant: say the page failed.
                Err(e) if after.is_some() => Some(Err(ApiError::Network {
                    message: format!("the mirror could not be read: {e}"),
                    maybe_created: false,
                })),
                Err(e) => {
                    tracing::warn!(error = %e, "the mirror could not be read; the tenant answers");
                    None
                }
            }
        })
    }

    fn lead(&self, id: &str) -> Option<Lead> {
        self.with_file(|file| file.lead(id).ok().flatten())
    }

    fn remember(&self, leads: &[Lead]) {
        let Ok(mut slot) = self.file.lock() else {
            return;
        };
        if slot.is_none() {
            *slot = MirrorFile::open_existing(&self.path).ok();
        }
        if let Some(file) = slot.as_mut()
            && let Err(e) = file.put_seen(leads, chrono::Utc::now().timestamp_millis())
        {
            // Another process writing holds the file a moment: the next sync brings the leads anyway.
            tracing::debug!(error = %e, "leads read from the tenant were not kept in the mirror");
        }
    }
}
