//! The inbox keeps its profile's mirror fresh while it is open: a sync run every so often (the first sync
//! until the mirror is whole, then the poll and a page or two of the sweep), each told to the app as
//! [`SyncNews`], so the screen says how fresh the mirror is, or that the tenant cannot be reached. Another
//! leadbox already syncing the profile is left to it: this one reads what that one writes.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::mpsc::UnboundedSender;

use super::{Sweep, SyncOptions};
use crate::api::NovalaClient;
use crate::api::types::Lead;
use crate::store::mirror::{self, MirrorFile, SyncLock};

/// What the inbox's background sync says to the app.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncNews {
    /// The first sync is under way: leads mirrored so far.
    Filling { leads: u64 },
    /// A run ended well at `at`.
    Synced {
        at: DateTime<Utc>,
        complete: bool,
        leads: u64,
        new: u64,
        changed: u64,
        /// The changed leads (at most [`super::CHANGED_KEPT`]), as lists show them.
        changed_leads: Vec<Lead>,
    },
    /// A run failed (most often: the tenant cannot be reached). `last` is the last run that ended well.
    Failed { why: String, last: Option<DateTime<Utc>> },
    /// Another leadbox syncs this profile's mirror; `synced_at` is when a run of anyone's last ended well,
    /// as the file says.
    Elsewhere {
        pid: Option<u32>,
        synced_at: Option<DateTime<Utc>>,
    },
    /// The mirror file was damaged and set aside; a new one is being filled.
    SetAside(String),
}

/// How the inbox syncs its profile's mirror.
#[derive(Debug, Clone)]
pub struct Background {
    /// The profile's directory, which holds the mirror and its lock.
    pub dir: PathBuf,
    /// Requests a second (the profile's `sync_rate`).
    pub rate: f64,
    /// Between the end of one run and the start of the next.
    pub every: Duration,
    /// Pages of the refresh sweep each run reads.
    pub sweep_pages: u64,
}

/// How often the first sync says how far it got.
const FILLING_EVERY: Duration = Duration::from_millis(500);

/// Runs the background sync until `news` is closed (the app ended).
pub fn spawn(
    client: NovalaClient,
    background: Background,
    news: UnboundedSender<SyncNews>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = super::client_for_sync(&client);
        let mut last_ok: Option<DateTime<Utc>> = None;
        while !news.is_closed() {
            let said = run_once(&client, &background, &news, &mut last_ok).await;
            if said.is_err() {
                return;
            }
            tokio::time::sleep(background.every).await;
        }
    })
}

/// One run, or word that another process runs it; `Err` once the app stopped listening.
async fn run_once(
    client: &NovalaClient,
    background: &Background,
    news: &UnboundedSender<SyncNews>,
    last_ok: &mut Option<DateTime<Utc>>,
) -> Result<(), ()> {
    let say = |n: SyncNews| news.send(n).map_err(|_| ());
    let lock_path = background.dir.join(mirror::LOCK_NAME);
    let lock = match SyncLock::try_take(&lock_path) {
        Ok(Some(lock)) => lock,
        Ok(None) => {
            let synced_at = MirrorFile::open_existing(&background.dir.join(mirror::FILE_NAME))
                .ok()
                .and_then(|file| last_sync_of(&file));
            return say(SyncNews::Elsewhere {
                pid: crate::store::sender::holder(&lock_path),
                synced_at,
            });
        }
        Err(e) => {
            return say(SyncNews::Failed {
                why: format!("the mirror's lock could not be taken: {e}"),
                last: *last_ok,
            });
        }
    };
    let opened = match MirrorFile::open(&background.dir.join(mirror::FILE_NAME)) {
        Ok(opened) => opened,
        Err(e) => {
            return say(SyncNews::Failed {
                why: e.to_string(),
                last: *last_ok,
            });
        }
    };
    if let Some(why) = opened.set_aside {
        say(SyncNews::SetAside(why))?;
    }
    let mut file = opened.file;
    let options = SyncOptions {
        rate: background.rate,
        sweep: Sweep::Pages(background.sweep_pages),
        ..SyncOptions::default()
    };
    let mut told = Instant::now();
    let mut gone = false;
    let result = super::run(client, &mut file, &options, &mut |progress| {
        if progress.phase == super::Phase::FirstSync && told.elapsed() >= FILLING_EVERY {
            told = Instant::now();
            let leads = progress.report.new;
            gone |= news.send(SyncNews::Filling { leads }).is_err();
        }
    })
    .await;
    if gone {
        return Err(());
    }
    // Free before the news goes out: whoever hears it may sync next.
    drop(lock);
    match result {
        Ok(report) => {
            let at = Utc::now();
            *last_ok = Some(at);
            say(SyncNews::Synced {
                at,
                complete: report.complete,
                leads: report.leads,
                new: report.new,
                changed: report.changed,
                changed_leads: report.changed_leads,
            })
        }
        Err(e) => say(SyncNews::Failed {
            why: e.to_string(),
            last: last_ok.or_else(|| last_sync_of(&file)),
        }),
    }
}

/// When the mirror's last run ended well, as the file says (an earlier session's, say).
fn last_sync_of(file: &MirrorFile) -> Option<DateTime<Utc>> {
    let (_, last) = super::freshness(file).ok()?;
    DateTime::parse_from_rfc3339(&last?).ok().map(|t| t.with_timezone(&Utc))
}
