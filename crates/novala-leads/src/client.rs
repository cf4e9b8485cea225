//! `NovalaClient`: list, get and create leads over HTTP, with timeouts, retries that can never create a
//! second lead, and every failure mapped onto an [`ApiError`] a sales rep can act on.
//!
//! Retries: a GET is retried on connection errors, timeouts, a body cut off or garbled, 5xx and 429, with
//! exponential backoff and jitter, honouring `Retry-After`, bounded by [`RetryPolicy`]. A POST is tried once:
//! one that never connected comes back with `maybe_created: false` at once, so its outbox keeps it as "not
//! sent" and tries again itself (a create never waits out retries as "being sent", which a restart would
//! have to look for); any failure after it was sent comes back with `maybe_created: true`.

use std::error::Error as StdError;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::key::ApiKey;
use crate::types::{Data, ErrorBody, Lead, ListQuery, NewLead, Page};

/// The scopes of the contract, used when a 403 does not name the one it misses.
const READ_SCOPE: &str = "leads.lead.read";
const WRITE_SCOPE: &str = "leads.lead.write";

/// How far a server-supplied message is kept (error bodies can be whole HTML pages).
const MAX_MESSAGE_CHARS: usize = 300;

/// Why a client could not be built. Never holds the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("`{url}` is not a usable API address: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("the API key from {origin} cannot be sent: it holds characters that no API key has")]
    BadKey { origin: String },
    #[error("the HTTP client could not start: {0}")]
    Http(String),
    #[error("refusing to send the key: {0}")]
    InsecureHttp(String),
}

/// When and how often a request is tried again.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Tries of one request in all, the first included (1 = never retry).
    pub max_attempts: u32,
    /// The first backoff; each retry doubles it, and jitter takes it down to half at random.
    pub base_delay: Duration,
    /// The longest single wait, also the cap on a server's `Retry-After`.
    pub max_delay: Duration,
    /// No retry starts once this long has passed since the first try.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            max_total: Duration::from_secs(30),
        }
    }
}

/// Timeouts and retries of a [`NovalaClient`].
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOptions {
    /// Establishing a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// One whole try: connect, send, and read the full answer.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// Lets the key go over plain `http://` to a host other than this machine (a profile's explicit
    /// `allow_insecure_http = true`); without it only loopback hosts get plain http.
    pub allow_insecure_http: bool,
    /// The most bytes of one answer that are read, counted after decompression (a small gzip body can
    /// expand a thousandfold).
    pub max_body_bytes: usize,
}

/// A page of 100 leads at the contract's largest values is about 8 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The contract's largest page; what a page asked for without a limit is cut to.
pub const MAX_PAGE_LIMIT: usize = 100;

/// How many of a 400's field details are kept.
const MAX_DETAILS: usize = 50;

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            retry: RetryPolicy::default(),
            allow_insecure_http: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// A client of one tenant. Cloning is cheap: clones share the connection pool.
#[derive(Clone)]
pub struct NovalaClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// `…/api/v1/leads`.
    leads_url: Url,
    key: ApiKey,
    auth: HeaderValue,
    opts: ClientOptions,
}

impl std::fmt::Debug for NovalaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NovalaClient")
            .field("leads_url", &self.inner.leads_url.as_str())
            .field("key", &self.inner.key)
            .finish()
    }
}

/// Which request is being made: decides what may be retried and what a failure means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    List,
    Get,
    Create,
}

impl Op {
    fn is_create(self) -> bool {
        self == Op::Create
    }

    fn scope(self) -> &'static str {
        if self.is_create() { WRITE_SCOPE } else { READ_SCOPE }
    }

    fn method(self) -> Method {
        if self.is_create() { Method::POST } else { Method::GET }
    }
}

/// A failed try, and whether trying again is safe and may help.
struct FailedTry {
    error: ApiError,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl FailedTry {
    fn fatal(error: ApiError) -> Self {
        FailedTry {
            error,
            retryable: false,
            retry_after: None,
        }
    }
}

impl NovalaClient {
    /// A client with the default timeouts and retries.
    pub fn new(base_url: &str, key: ApiKey) -> Result<NovalaClient, ClientError> {
        Self::with_options(base_url, key, ClientOptions::default())
    }

    /// Accepts a tenant's root (`https://acme.novala.ai`, with or without a trailing slash) or its API base
    /// (`https://acme.novala.ai/api/v1`, `http://127.0.0.1:7878/api/v1`).
    pub fn with_options(base_url: &str, key: ApiKey, opts: ClientOptions) -> Result<NovalaClient, ClientError> {
        let leads_url = leads_url(base_url)?;
        if let Some(why) = crate::transport::insecure_http_refusal(leads_url.as_str(), opts.allow_insecure_http) {
            return Err(ClientError::InsecureHttp(why));
        }
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| ClientError::BadKey {
            origin: key.origin().to_string(),
        })?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        let mut builder = reqwest::Client::builder();
        if crate::transport::is_loopback(&leads_url) {
            // A proxy from the environment has no business seeing requests (and the key) meant for this machine.
            builder = builder.no_proxy();
        }
        let http = builder
            .user_agent(concat!("leadbox/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            // Another host's answer must never show under the tenant's name, nor a POST be replayed there.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.request_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .gzip(true)
            .build()
            .map_err(|e| ClientError::Http(root_cause(&e)))?;
        Ok(NovalaClient {
            inner: Arc::new(Inner {
                http,
                leads_url,
                key,
                auth,
                opts,
            }),
        })
    }

    /// The same client (its connections, key and timeouts) with other retries: a caller that paces its
    /// own requests across many at once (the mirror's sync) takes each failure at once, to slow them all.
    pub fn with_retry(&self, retry: RetryPolicy) -> NovalaClient {
        let inner = &self.inner;
        NovalaClient {
            inner: Arc::new(Inner {
                http: inner.http.clone(),
                leads_url: inner.leads_url.clone(),
                key: inner.key.clone(),
                auth: inner.auth.clone(),
                opts: ClientOptions {
                    retry,
                    ..inner.opts.clone()
                },
            }),
        }
    }

    /// Where the key came from (for messages; never the key).
    pub fn key_origin(&self) -> &str {
        self.inner.key.origin()
    }

    /// `…/api/v1/leads`, the base every request goes to.
    pub fn leads_url(&self) -> &Url {
        &self.inner.leads_url
    }

    /// One page of leads, newest first. `cursor` is the previous page's `nextCursor`, echoed untouched.
    /// A page holding more leads than asked for keeps the first `limit` (100, the contract's cap, when none
    /// was asked), so a server cannot grow a caller's list by more than a page a request.
    pub async fn list(&self, query: &ListQuery, cursor: Option<&str>) -> Result<Page<Lead>, ApiError> {
        let url = list_url(&self.inner.leads_url, query, cursor);
        let mut page: Page<Lead> = self.send(Op::List, url, None).await?;
        let limit = query.limit.map_or(MAX_PAGE_LIMIT, |l| l as usize);
        if page.data.len() > limit {
            // Only counts: nothing the server wrote reaches the log.
            tracing::warn!(
                sent = page.data.len(),
                limit,
                "the server sent more leads than the page's limit; kept the first {limit}"
            );
            page.data.truncate(limit);
        }
        Ok(page)
    }

    /// One lead by id.
    pub async fn get(&self, id: &str) -> Result<Lead, ApiError> {
        let mut url = self.inner.leads_url.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.push(id);
        }
        let data: Data<Lead> = self.send(Op::Get, url, None).await?;
        Ok(data.data)
    }

    /// Looks for `lead` among the tenant's leads created at or after `since` (newest first, so the walk
    /// stops at the first older lead), reading at most `max_pages` pages of 100; the ids in `taken` (leads
    /// already matched to other creates with the same names and email) are passed over. What a create whose
    /// answer was lost is checked with before it is sent again: `Some` is the lead the server stored.
    pub async fn find_created(
        &self,
        lead: &NewLead,
        since: chrono::DateTime<chrono::Utc>,
        max_pages: usize,
        taken: &[String],
    ) -> Result<Option<Lead>, ApiError> {
        let query = ListQuery {
            limit: Some(100),
            ..ListQuery::default()
        };
        let mut paging = crate::Paging::new();
        for _ in 0..max_pages {
            let cursor = paging.next_cursor().map(str::to_string);
            let page = self.list(&query, cursor.as_deref()).await?;
            let leads = paging.accept(cursor.as_deref(), page);
            for found in &leads {
                if found.created_at < since {
                    return Ok(None);
                }
                if lead.is_stored_as(found) && !taken.contains(&found.id) {
                    return Ok(Some(found.clone()));
                }
            }
            if paging.is_done() {
                break;
            }
        }
        Ok(None)
    }

    /// Creates a lead. Retried only when the server was never reached; an error that
    /// [`ApiError::may_have_created`] means the list must be checked before sending it again.
    pub async fn create(&self, lead: &NewLead) -> Result<Lead, ApiError> {
        let body = serde_json::to_vec(lead).map_err(|e| ApiError::Decode {
            field: "the new lead".to_string(),
            message: e.to_string(),
        })?;
        let url = self.inner.leads_url.clone();
        let data: Data<Lead> = self.send(Op::Create, url, Some(body)).await?;
        Ok(data.data)
    }

    async fn send<T: DeserializeOwned>(&self, op: Op, url: Url, body: Option<Vec<u8>>) -> Result<T, ApiError> {
        let policy = &self.inner.opts.retry;
        let started = Instant::now();
        let mut attempt: u32 = 1;
        loop {
            let failure = match self.try_once(op, url.clone(), body.clone()).await {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            let wait = backoff(policy, attempt, failure.retry_after);
            let out_of_time = started.elapsed() + wait > policy.max_total;
            if !failure.retryable || attempt >= policy.max_attempts || out_of_time {
                tracing::debug!(?op, path = url.path(), attempt, error = %failure.error, "request failed");
                return Err(failure.error);
            }
            tracing::debug!(?op, path = url.path(), attempt, wait_ms = wait.as_millis() as u64,
                error = %failure.error, "retrying");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn try_once<T: DeserializeOwned>(&self, op: Op, url: Url, body: Option<Vec<u8>>) -> Result<T, FailedTry> {
        let mut request = self
            .inner
            .http
            .request(op.method(), url)
            .header(header::AUTHORIZATION, self.inner.auth.clone());
        if let Some(body) = body {
            request = request
                .header(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body);
        }
        let mut response = request.send().await.map_err(|e| self.transport_failure(op, &e))?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        if status.is_redirection() {
            let location = response
                .headers()
                .get(header::LOCATION)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_else(|| "nowhere".to_string());
            let location: String = location.chars().filter(|c| !c.is_control()).take(200).collect();
            return Err(FailedTry::fatal(ApiError::Redirected {
                status: status.as_u16(),
                location: self.redact(&location),
            }));
        }
        let limit = self.inner.opts.max_body_bytes;
        let too_large = || {
            let error = if op.is_create() && status.is_success() {
                // A 2xx to a create: the lead exists, only its answer was not read.
                ApiError::Network {
                    message: format!("the answer was larger than {} MiB", limit / (1024 * 1024)),
                    maybe_created: true,
                }
            } else {
                ApiError::TooLarge { limit_bytes: limit }
            };
            FailedTry::fatal(error)
        };
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        // Read chunk by chunk (after decompression), so a body past the limit is never held whole.
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transport_failure(op, &e))? {
            if bytes.len() + chunk.len() > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        if status.is_success() {
            return self.decode(op, &bytes);
        }
        Err(self.status_failure(op, status, retry_after, &bytes))
    }

    fn decode<T: DeserializeOwned>(&self, op: Op, bytes: &[u8]) -> Result<T, FailedTry> {
        // The fast path pays nothing for error paths; only a failure decodes again to name the field.
        let first = match serde_json::from_slice::<T>(bytes) {
            Ok(value) => return Ok(value),
            Err(e) => e,
        };
        let garbled = first.is_syntax() || first.is_eof();
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let (field, message) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(_) => ("the top level".to_string(), first.to_string()),
            Err(e) => {
                let path = e.path().to_string();
                let field = if path == "." { "the top level".to_string() } else { path };
                (field, e.into_inner().to_string())
            }
        };
        let message = self.redact(&message);
        if op.is_create() {
            // A 2xx to a create means the lead exists even though its answer is unreadable.
            return Err(FailedTry::fatal(ApiError::Network {
                message: format!("the answer could not be read at {field}: {message}"),
                maybe_created: true,
            }));
        }
        Err(FailedTry {
            error: ApiError::Decode { field, message },
            // Text that is not JSON at all is a damaged answer, worth one more read; a shape mismatch is not.
            retryable: garbled,
            retry_after: None,
        })
    }

    fn transport_failure(&self, op: Op, err: &reqwest::Error) -> FailedTry {
        // A connect error means no byte of the request left this machine, so even a create may be sent again.
        let never_sent = err.is_connect();
        let maybe_created = op.is_create() && !never_sent;
        let error = if err.is_timeout() && !never_sent {
            ApiError::Timeout {
                after: self.inner.opts.request_timeout,
                maybe_created,
            }
        } else {
            ApiError::Network {
                message: self.redact(&describe_transport(err)),
                maybe_created,
            }
        };
        FailedTry {
            error,
            // A create that never left goes back to its outbox, which waits on disk as "not sent" (not as
            // "being sent", which a restart would have to look for) and tries again itself.
            retryable: !op.is_create(),
            retry_after: None,
        }
    }

    fn status_failure(&self, op: Op, status: StatusCode, retry_after: Option<Duration>, bytes: &[u8]) -> FailedTry {
        let (message, details) = match serde_json::from_slice::<ErrorBody>(bytes) {
            Ok(body) => (cut(&body.error, MAX_MESSAGE_CHARS), body.details.unwrap_or_default()),
            Err(_) => (raw_message(status, bytes), Vec::new()),
        };
        let message = self.redact(&message);
        let code = status.as_u16();
        let error = match code {
            400 => ApiError::Validation {
                message,
                details: details
                    .into_iter()
                    .take(MAX_DETAILS)
                    .map(|mut d| {
                        d.field = self.redact(&cut(&d.field, 100));
                        d.message = cut(&d.message, 200);
                        d.message = self.redact(&d.message);
                        d
                    })
                    .collect(),
            },
            401 => ApiError::Unauthorized {
                key_origin: self.inner.key.origin().to_string(),
            },
            403 => ApiError::Forbidden {
                scope: scope_in(&message).unwrap_or_else(|| op.scope().to_string()),
                message,
            },
            404 => ApiError::NotFound { message },
            429 => ApiError::RateLimited { retry_after },
            500..=599 => ApiError::Server {
                status: code,
                message,
                maybe_created: op.is_create(),
            },
            _ => ApiError::Rejected { status: code, message },
        };
        // A 5xx or 429 answer to a create came from a server that had the request: never resend it unasked.
        let retryable = !op.is_create() && (code == 429 || status.is_server_error());
        FailedTry {
            error,
            retryable,
            retry_after,
        }
    }

    /// A hostile or careless server could echo the Authorization header back: never pass the key on.
    fn redact(&self, text: &str) -> String {
        let secret = self.inner.key.expose();
        if secret.is_empty() || !text.contains(secret) {
            return text.to_string();
        }
        text.replace(secret, "[redacted key]")
    }
}

/// Normalises the accepted spellings of a base URL to `…/api/v1/leads`.
fn leads_url(base_url: &str) -> Result<Url, ClientError> {
    let trimmed = base_url.trim();
    let bad = |reason: &str| ClientError::BadUrl {
        url: trimmed.to_string(),
        reason: reason.to_string(),
    };
    let mut url = Url::parse(trimmed).map_err(|e| bad(&e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        // The URL carries credentials: keep them out of the message as well.
        return Err(ClientError::BadUrl {
            url: format!("{}://…@{}", url.scheme(), url.host_str().unwrap_or("")),
            reason: "it must not carry a user name or password; the key goes in NOVALA_SECRET_KEY".to_string(),
        });
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("it must start with https:// (or http:// for a local sandbox)"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host name"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it must not carry a query (?…) or a fragment (#…)"));
    }
    let path = url.path().trim_end_matches('/').to_string();
    let api_path = if path.ends_with("/api/v1") {
        path
    } else {
        format!("{path}/api/v1")
    };
    url.set_path(&format!("{api_path}/leads"));
    Ok(url)
}

/// The list URL; `url` encodes every value (the cursor included) as a query parameter.
fn list_url(leads_url: &Url, query: &ListQuery, cursor: Option<&str>) -> Url {
    let mut url = leads_url.clone();
    {
        let mut pairs = url.query_pairs_mut();
        if let Some(limit) = query.limit {
            pairs.append_pair("limit", &limit.to_string());
        }
        if let Some(status) = &query.status {
            pairs.append_pair("status", status.as_str());
        }
        if let Some(assignee) = &query.assigned_to {
            pairs.append_pair("assignedTo", assignee);
        }
        if let Some(cursor) = cursor {
            pairs.append_pair("cursor", cursor);
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    url
}

/// The wait before try `attempt + 1`: exponential with jitter, or the server's `Retry-After` if longer,
/// never beyond `max_delay`.
fn backoff(policy: &RetryPolicy, attempt: u32, retry_after: Option<Duration>) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
        .min(policy.max_delay);
    let jittered = exp.mul_f64(rand::rng().random_range(0.5..=1.0));
    jittered.max(retry_after.unwrap_or_default()).min(policy.max_delay)
}

/// `Retry-After` in seconds (the form the contract uses); an HTTP date is ignored in favour of backoff.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The scope a 403 names, e.g. `leads.lead.write` in "the key lacks the scope leads.lead.write".
fn scope_in(message: &str) -> Option<String> {
    message
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == ':'))
        .map(|word| word.trim_matches(|c| c == '.' || c == ':'))
        .find(|word| {
            word.contains('.')
                && word.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && word.split('.').all(|part| !part.is_empty())
                && !word.chars().any(|c| c.is_ascii_uppercase())
        })
        .map(str::to_string)
}

/// At most `max` characters of `text`, with `…` when it was longer.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// The start of a body that is not an error object, or the status's reason.
fn raw_message(status: StatusCode, bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return status.canonical_reason().unwrap_or("no message").to_string();
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        let cut: String = text.chars().take(MAX_MESSAGE_CHARS).collect();
        return format!("{cut}…");
    }
    text
}

/// A transport error in words: what failed, then the underlying cause (never the URL's query).
fn describe_transport(err: &reqwest::Error) -> String {
    let host = err.url().and_then(|u| u.host_str()).unwrap_or("the server").to_string();
    let port = err
        .url()
        .and_then(|u| u.port())
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let cause = root_cause(err);
    if err.is_connect() {
        format!("could not connect to {host}{port}: {cause}")
    } else if err.is_body() || err.is_decode() {
        format!("the answer from {host}{port} was cut off: {cause}")
    } else {
        format!("the connection to {host}{port} failed: {cause}")
    }
}

/// The innermost cause of an error chain, which is the part that says what actually happened.
fn root_cause(err: &(dyn StdError + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::LeadStatus;

    fn key() -> ApiKey {
        ApiKey::new("sk_live_topsecret", "the test")
    }

    #[test]
    fn every_accepted_base_url_spelling_reaches_the_same_endpoint() {
        for base in [
            "https://acme.novala.ai",
            "https://acme.novala.ai/",
            "https://acme.novala.ai/api/v1",
            "https://acme.novala.ai/api/v1/",
        ] {
            assert_eq!(
                leads_url(base).unwrap().as_str(),
                "https://acme.novala.ai/api/v1/leads",
                "{base}"
            );
        }
        assert_eq!(
            leads_url("http://127.0.0.1:7878/api/v1").unwrap().as_str(),
            "http://127.0.0.1:7878/api/v1/leads"
        );
    }

    #[test]
    fn unusable_base_urls_are_typed_errors() {
        for base in [
            "",
            "acme.novala.ai",
            "ftp://acme.novala.ai",
            "https://acme.novala.ai/?x=1",
        ] {
            let err = NovalaClient::new(base, key()).unwrap_err();
            assert!(matches!(err, ClientError::BadUrl { .. }), "{base}: {err:?}");
        }
        let err = NovalaClient::new("https://user:hunter2@acme.novala.ai", key()).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = NovalaClient::new("https://acme.novala.ai", ApiKey::new("sk_bad\nkey", "env")).unwrap_err();
        assert_eq!(err, ClientError::BadKey { origin: "env".into() });
    }

    #[test]
    fn cursor_and_filters_are_url_encoded_not_interpreted() {
        let base = leads_url("http://127.0.0.1:1").unwrap();
        let query = ListQuery {
            status: Some(LeadStatus::Qualified),
            assigned_to: Some("a b".into()),
            limit: Some(100),
        };
        let cursor = "eyJp+ZC/I6==&x=1";
        let url = list_url(&base, &query, Some(cursor));
        let back: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert!(back.contains(&("cursor".into(), cursor.into())), "{url}");
        assert!(back.contains(&("assignedTo".into(), "a b".into())));
        assert!(back.contains(&("status".into(), "qualified".into())));
        assert!(!url.as_str().contains("&x=1"), "{url}");
        assert_eq!(
            list_url(&base, &ListQuery::default(), None).as_str(),
            "http://127.0.0.1:1/api/v1/leads"
        );
    }

    #[test]
    fn a_scope_is_read_from_the_message() {
        assert_eq!(
            scope_in("The key lacks the scope leads.lead.write.").as_deref(),
            Some("leads.lead.write")
        );
        assert_eq!(
            scope_in("missing scope 'leads.lead.read'").as_deref(),
            Some("leads.lead.read")
        );
        assert_eq!(scope_in("Forbidden"), None);
        assert_eq!(scope_in("Not allowed. Ask an admin."), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_total: Duration::from_secs(10),
        };
        for _ in 0..50 {
            let first = backoff(&policy, 1, None);
            assert!(
                first >= Duration::from_millis(50) && first <= Duration::from_millis(100),
                "{first:?}"
            );
            let third = backoff(&policy, 3, None);
            assert!(
                third >= Duration::from_millis(200) && third <= Duration::from_millis(400),
                "{third:?}"
            );
            assert!(backoff(&policy, 30, None) <= Duration::from_secs(1));
        }
        assert_eq!(
            backoff(&policy, 1, Some(Duration::from_millis(700))),
            Duration::from_millis(700)
        );
        assert_eq!(
            backoff(&policy, 1, Some(Duration::from_secs(60))),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn raw_bodies_are_trimmed_to_a_readable_message() {
        assert_eq!(raw_message(StatusCode::BAD_GATEWAY, b""), "Bad Gateway");
        assert_eq!(
            raw_message(StatusCode::BAD_GATEWAY, b"<h1>Bad\n  gateway</h1>"),
            "<h1>Bad gateway</h1>"
        );
        let long = "x".repeat(1000);
        assert_eq!(
            raw_message(StatusCode::BAD_GATEWAY, long.as_bytes()).chars().count(),
            MAX_MESSAGE_CHARS + 1
        );
    }

    #[test]
    fn debug_of_a_client_hides_the_key() {
        let client = NovalaClient::new("https://acme.novala.ai", key()).unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("topsecret"), "{shown}");
        assert!(shown.contains("the test"), "{shown}");
    }
}
