//! The embedded Novala sandbox: axum routes over a SQLite store, seeded with demo leads.
//!
//! [`Sandbox::start`] serves the contract of `shared/novala-leads-api.md` on 127.0.0.1 for the inbox and the
//! tests; [`run_standalone`] is `leadbox sandbox`. It knows the contract through `novala-leads` and nothing of the
//! inbox, so any program that needs a local Novala stand-in in its tests can use it.

pub mod activity;
pub mod auth;
pub mod connections;
pub mod cursor;
pub mod faults;
pub mod guard;
pub mod ratelimit;
pub mod records;
pub mod refusal;
pub mod seed;
pub mod server;
mod standalone;
pub mod store;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod validate;

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use chrono::{DateTime, Utc};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use novala_leads::ApiKey;
use novala_leads::tenant::TenantProfile;
use novala_leads::types::{Lead, NewLead};

pub use ratelimit::RateLimit;
pub use standalone::run_standalone;
pub use store::{ListFilter, Store, StoreError};

use auth::{KeyRing, SandboxKeys};
use cursor::CursorKey;
use ratelimit::RateLimiter;
use seed::{DEMO_TENANT, RIVAL_TENANT};
use server::AppState;

/// Where the sandbox's keys say they came from, in errors and logs (never the key itself).
pub const KEY_ORIGIN: &str = "the embedded sandbox";

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("the sandbox database failed: {0}")]
    Store(#[from] StoreError),
    #[error("could not create the sandbox's directory {}: {source}", path.display())]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("could not create the sandbox's database file {}: {source}", path.display())]
    CreateFile { path: PathBuf, source: std::io::Error },
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("the sandbox server failed: {0}")]
    Serve(std::io::Error),
    #[error("could not listen for Ctrl-C and SIGTERM: {0}")]
    Signal(std::io::Error),
    #[error("the database has no tenant `{0}`; it was not created by this sandbox")]
    MissingTenant(String),
}

/// How to start a sandbox. The default is a fresh private in-memory database with 5,000 demo leads on a
/// free port, with no rate limit and no faults.
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxOptions {
    /// The SQLite file; `None` for a private in-memory database.
    pub db_path: Option<PathBuf>,
    /// 0 picks a free port.
    pub port: u16,
    /// How many demo leads an empty database is seeded with.
    pub seed_leads: usize,
    /// The seed of the demo data of an empty database. (The keys are random, whatever the seed.)
    pub seed: u64,
    pub rate_limit: Option<RateLimit>,
    pub faults: faults::FaultOptions,
    /// How many requests are served at once; more wait for a slot (see [`guard`]).
    pub max_in_flight: usize,
    /// Simulated colleagues changing the demo tenant's leads (see [`activity`]); `None` for a still tenant.
    pub activity: Option<activity::ActivityOptions>,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            db_path: None,
            port: 0,
            seed_leads: 5_000,
            seed: 1,
            rate_limit: None,
            faults: faults::FaultOptions::default(),
            max_in_flight: guard::DEFAULT_MAX_IN_FLIGHT,
            activity: None,
        }
    }
}

impl SandboxOptions {
    pub fn db_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.db_path = Some(path.into());
        self
    }

    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub fn seed_leads(mut self, n: usize) -> Self {
        self.seed_leads = n;
        self
    }

    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    pub fn faults(mut self, faults: faults::FaultOptions) -> Self {
        self.faults = faults;
        self
    }

    /// At least 1.
    pub fn max_in_flight(mut self, n: usize) -> Self {
        self.max_in_flight = n.max(1);
        self
    }

    /// `per_minute` simulated changes a minute to the demo tenant (0 for none, at most
    /// [`activity::MAX_PER_MINUTE`]), chosen as `seed` says.
    pub fn activity(mut self, per_minute: f64, seed: u64) -> Self {
        self.activity = (per_minute.is_finite() && per_minute > 0.0).then(|| activity::ActivityOptions {
            per_minute: per_minute.min(activity::MAX_PER_MINUTE),
            seed,
        });
        self
    }
}

/// A running sandbox server on 127.0.0.1. Dropping it stops the server; [`Sandbox::shutdown`] also waits.
pub struct Sandbox {
    addr: SocketAddr,
    state: Arc<AppState>,
    keys: SandboxKeys,
    seed: u64,
    profile: TenantProfile,
    other_profile: TenantProfile,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    /// The simulated colleagues, when the tenant lives.
    activity: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Prepares an opened database, seeding it if it is new. Returns the seed it was created with, its cursor secret
/// and its keys.
fn prepare(
    conn: &mut rusqlite::Connection,
    seed: u64,
    seed_leads: usize,
) -> Result<(u64, [u8; 32], SandboxKeys), StoreError> {
    let secret = match store::meta_get(conn, "cursor_secret")? {
        Some(bytes) if bytes.len() == 32 => {
            let mut secret = [0u8; 32];
            secret.copy_from_slice(&bytes);
            secret
        }
        _ => {
            let secret: [u8; 32] = rand::random();
            store::meta_set(conn, "cursor_secret", &secret)?;
            secret
        }
    };
    let seed = match seed::stored_seed(conn)? {
        Some(stored) => stored,
        None => {
            seed::seed_database(conn, seed, seed_leads)?;
            seed
        }
    };
    let keys = auth::database_keys(conn)?;
    Ok((seed, secret, keys))
}

/// Opens the database file at `path`, or a private in-memory one. The sandbox keeps its keys in the file, so on
/// unix a file it creates is readable and writable by its owner only (0600), like the directories it creates
/// for it (0700); SQLite gives the file's `-wal` and `-shm` companions the same mode. An existing file that
/// others may read is narrowed to 0600 as well.
fn open_store(path: Option<&Path>) -> Result<Store, SandboxError> {
    let Some(path) = path else {
        return Ok(Store::open_in_memory()?);
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        private::create_dir(dir).map_err(|source| SandboxError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    private::create_file(path).map_err(|source| SandboxError::CreateFile {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Store::open(path)?)
}

/// Files and directories only their owner may read.
mod private {
    use std::io;
    use std::path::Path;

    #[cfg(unix)]
    pub fn create_dir(dir: &Path) -> io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        // The mode applies to the directories this creates; one that exists is left as it is.
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
    }

    #[cfg(not(unix))]
    pub fn create_dir(dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)
    }

    /// Creates an empty database file readable by its owner only (SQLite takes an empty file for an empty
    /// database), or narrows an existing one and its companions.
    #[cfg(unix)]
    pub fn create_file(path: &Path) -> io::Result<()> {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let companions = ["-wal", "-shm", "-journal"].map(|suffix| {
                    let mut name = path.as_os_str().to_owned();
                    name.push(suffix);
                    std::path::PathBuf::from(name)
                });
                for file in std::iter::once(path.to_path_buf()).chain(companions) {
                    // Only regular files: a directory in the database's place fails to open later, as it should.
                    let Ok(meta) = std::fs::metadata(&file) else { continue };
                    if meta.is_file()
                        && meta.permissions().mode() & 0o077 != 0
                        && let Err(e) = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    {
                        tracing::warn!(file = %file.display(), error = %e, "could not make the sandbox's database owner-only");
                    }
                }
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    #[cfg(not(unix))]
    pub fn create_file(_path: &Path) -> io::Result<()> {
        Ok(())
    }
}

/// The simulated colleagues' task: a change every `60 / per_minute` seconds until the sandbox stops.
async fn start_activity(
    store: Store,
    profile: TenantProfile,
    options: activity::ActivityOptions,
) -> Result<JoinHandle<()>, SandboxError> {
    let count = store.run(|c| store::count_leads(c, DEMO_TENANT)).await?;
    let colleagues = Arc::new(std::sync::Mutex::new(activity::Activity::new(
        options.seed,
        DEMO_TENANT,
        profile,
        count,
    )));
    let every = std::time::Duration::from_secs_f64(60.0 / options.per_minute);
    Ok(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let colleagues = Arc::clone(&colleagues);
            let made = store
                .run(move |c| {
                    let mut colleagues = colleagues.lock().map_err(|_| StoreError::Poisoned)?;
                    colleagues.step(c, Utc::now())
                })
                .await;
            match made {
                Ok(change) => tracing::info!(?change, "simulated activity"),
                Err(e) => tracing::warn!(error = %e, "the simulated activity failed"),
            }
        }
    }))
}

/// Fault injection wraps the routes and their layers, so an injected fault looks like the whole server
/// misbehaving; only the guards ([`guard`]) come before it.
fn with_faults(router: Router, options: &faults::FaultOptions) -> Router {
    if options.is_inert() {
        return router;
    }
    router.layer(axum::middleware::from_fn_with_state(
        Arc::new(faults::FaultInjector::new(options.clone())),
        faults::inject,
    ))
}

impl Sandbox {
    pub async fn start(opts: SandboxOptions) -> Result<Sandbox, SandboxError> {
        let (seed_number, seed_leads) = (opts.seed, opts.seed_leads);
        let path = opts.db_path.clone();
        let store = tokio::task::spawn_blocking(move || open_store(path.as_deref()))
            .await
            .map_err(|e| StoreError::Join(e.to_string()))??;
        let (seed, secret, keys) = store.run(move |c| prepare(c, seed_number, seed_leads)).await?;
        let (tenants, records) = store.run(|c| Ok((store::tenants(c)?, store::keys(c)?))).await?;
        let profiles: HashMap<String, TenantProfile> = tenants.into_iter().map(|t| (t.id, t.profile)).collect();
        let profile_of = |id: &str| {
            profiles
                .get(id)
                .cloned()
                .ok_or_else(|| SandboxError::MissingTenant(id.to_string()))
        };
        let (profile, other_profile) = (profile_of(DEMO_TENANT)?, profile_of(RIVAL_TENANT)?);
        let state = Arc::new(AppState {
            store,
            keys: KeyRing::new(records),
            profiles,
            cursors: CursorKey::new(secret),
            limiter: opts.rate_limit.map(RateLimiter::new),
        });
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, opts.port))
            .await
            .map_err(|source| SandboxError::Bind {
                port: opts.port,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
            port: opts.port,
            source,
        })?;
        let app = guard::guard(
            with_faults(server::router(state.clone()), &opts.faults),
            opts.max_in_flight,
        );
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(connections::serve(listener, app, async {
            let _ = stopped.await;
        }));
        tracing::info!(%addr, seed, "sandbox serving");
        let activity = match opts.activity {
            Some(options) => Some(start_activity(state.store.clone(), profile.clone(), options).await?),
            None => None,
        };
        Ok(Sandbox {
            addr,
            state,
            keys,
            seed,
            profile,
            other_profile,
            stop: Some(stop),
            task: Some(task),
            activity,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/api/v1`
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    /// The demo tenant's `sk_live_…` key, with both scopes. Random per database; the same file keeps it.
    pub fn secret_key(&self) -> ApiKey {
        ApiKey::new(&self.keys.demo_secret, KEY_ORIGIN)
    }

    /// The demo tenant's `pk_live_…` key, read scope only.
    pub fn publishable_key(&self) -> ApiKey {
        ApiKey::new(&self.keys.demo_publishable, KEY_ORIGIN)
    }

    /// A demo tenant key with the write scope but not the read scope.
    pub fn write_only_key(&self) -> ApiKey {
        ApiKey::new(&self.keys.demo_write_only, KEY_ORIGIN)
    }

    /// The second tenant's key, with both scopes.
    pub fn other_tenant_key(&self) -> ApiKey {
        ApiKey::new(&self.keys.rival_secret, KEY_ORIGIN)
    }

    /// The demo tenant's roster and custom field definitions.
    pub fn profile(&self) -> &TenantProfile {
        &self.profile
    }

    /// The second tenant's roster and custom field definitions.
    pub fn other_tenant_profile(&self) -> &TenantProfile {
        &self.other_profile
    }

    /// The seed number the database was created with (an existing database keeps its own).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn demo_tenant_id(&self) -> &'static str {
        DEMO_TENANT
    }

    pub fn other_tenant_id(&self) -> &'static str {
        RIVAL_TENANT
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// Leads of the demo tenant.
    pub async fn lead_count(&self) -> Result<u64, SandboxError> {
        Ok(self.store().run(|c| store::count_leads(c, DEMO_TENANT)).await?)
    }

    /// Stores a lead for `tenant_id` created at a chosen instant (rounded to milliseconds), skipping the
    /// create rules. For tests that need a lead at a given place in the order.
    pub async fn insert_lead_at(
        &self,
        tenant_id: &str,
        new: NewLead,
        created_at: DateTime<Utc>,
    ) -> Result<Lead, SandboxError> {
        let lead = validate::lead_from_new(new, uuid::Uuid::new_v4().to_string(), created_at);
        let (stored, tenant) = (lead.clone(), tenant_id.to_string());
        self.store()
            .run(move |c| store::insert_leads(c, &tenant, [&stored]))
            .await?;
        Ok(lead)
    }

    /// A cursor whose page starts at the `depth`-th lead (0 = newest) of the demo tenant's `filter`ed list,
    /// found without walking there. `None` for depth 0 or past the end.
    pub async fn cursor_at_depth(&self, filter: ListFilter, depth: u64) -> Result<Option<String>, SandboxError> {
        if depth == 0 {
            return Ok(None);
        }
        let f = filter.clone();
        let pos = self
            .store()
            .run(move |c| store::position_at_depth(c, DEMO_TENANT, &f, depth - 1))
            .await?;
        Ok(pos.map(|p| self.state.cursors.issue(DEMO_TENANT, &filter, &p)))
    }

    /// Makes `n` simulated changes to the demo tenant at once, chosen as `seed` says (the same seed over the
    /// same database makes the same changes): what `--activity` does over time, for tests.
    pub async fn simulate_activity(&self, n: usize, seed: u64) -> Result<Vec<activity::Change>, SandboxError> {
        let count = self.lead_count().await?;
        let mut colleagues = activity::Activity::new(seed, DEMO_TENANT, self.profile.clone(), count);
        Ok(self
            .store()
            .run(move |c| (0..n).map(|_| colleagues.step(c, Utc::now())).collect())
            .await?)
    }

    /// Stops accepting connections, lets requests in flight finish for [`connections::SHUTDOWN_GRACE`] at
    /// most, and waits for the server to end.
    pub async fn shutdown(mut self) {
        if let Some(activity) = self.activity.take() {
            activity.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(activity) = self.activity.take() {
            activity.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
