//! The routes of the Leads API and the layers around them.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;
use tower_http::compression::CompressionLayer;

use novala_leads::tenant::TenantProfile;
use novala_leads::types::{Data, ErrorBody, Lead, LeadStatus, Page};

use super::auth::KeyRing;
use super::cursor::CursorKey;
use super::ratelimit::{RateLimiter, retry_after_secs};
use super::records::Scope;
use super::refusal::Refusal;
use super::store::{self, ListFilter, Position, Store};
use super::validate::{lead_from_new, parse_new_lead};

/// Request bodies above this are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How long a create's body may take to arrive once its head is in; slower is `408`.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_LIMIT: usize = 25;
pub const MAX_LIMIT: usize = 100;

/// What every request handler shares.
#[derive(Debug)]
pub struct AppState {
    pub store: Store,
    pub keys: KeyRing,
    pub profiles: HashMap<String, TenantProfile>,
    pub cursors: CursorKey,
    pub limiter: Option<RateLimiter>,
}

type Shared = Arc<AppState>;

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/api/v1/leads", get(list_leads).post(create_lead))
        .route("/api/v1/leads/{id}", get(get_lead))
        .fallback(no_route)
        .with_state(state)
        .layer(middleware::from_fn(json_errors))
        .layer(CompressionLayer::new())
}

/// The tenant of a request whose key carries `scope`, once the tenant's rate limit lets it through.
fn admit(state: &AppState, headers: &HeaderMap, scope: Scope) -> Result<String, Refusal> {
    let key = state.keys.authorize(headers, scope)?;
    if let Some(limiter) = &state.limiter {
        limiter
            .take(&key.tenant_id, Instant::now())
            .map_err(|wait| Refusal::rate_limited(retry_after_secs(wait)))?;
    }
    Ok(key.tenant_id.clone())
}

/// The list parameters of one request, checked.
struct ListParams {
    limit: usize,
    filter: ListFilter,
    cursor: Option<String>,
}

impl ListParams {
    fn parse(pairs: &[(String, String)]) -> Result<ListParams, Refusal> {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (k, v) in pairs {
            if ["limit", "cursor", "status", "assignedTo"].contains(&k.as_str())
                && seen.insert(k.as_str(), v.as_str()).is_some()
            {
                return Err(Refusal::bad_request(format!("`{k}` may be given only once")));
            }
        }
        let limit = match seen.get("limit") {
            None => DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| Refusal::bad_request(format!("`limit` must be an integer from 1 to {MAX_LIMIT}")))?,
        };
        let status = match seen.get("status") {
            None => None,
            Some(raw) => Some(LeadStatus::parse_known(raw).ok_or_else(|| {
                let known: Vec<&str> = LeadStatus::KNOWN.iter().map(|s| s.as_str()).collect();
                Refusal::bad_request(format!("`status` must be one of: {}", known.join(", ")))
            })?),
        };
        let assigned_to = match seen.get("assignedTo") {
            None => None,
            Some(raw) => Some(
                uuid::Uuid::try_parse(raw)
                    .map(|u| u.hyphenated().to_string())
                    .map_err(|_| Refusal::bad_request("`assignedTo` must be a user's UUID"))?,
            ),
        };
        Ok(ListParams {
            limit,
            filter: ListFilter { status, assigned_to },
            // An empty cursor is what a client sends when it has none; treat it as the first page.
            cursor: seen.get("cursor").filter(|c| !c.is_empty()).map(|c| c.to_string()),
        })
    }
}

async fn list_leads(
    State(state): State<Shared>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Page<Lead>>, Refusal> {
    let tenant = admit(&state, &headers, Scope::LeadRead)?;
    let Query(pairs) = query.map_err(|e| Refusal::bad_request(format!("Invalid query string: {}", e.body_text())))?;
    let params = ListParams::parse(&pairs)?;
    let after = match &params.cursor {
        None => None,
        Some(c) => Some(
            state
                .cursors
                .open(&tenant, &params.filter, c)
                .map_err(|e| Refusal::bad_request(format!("Invalid `cursor`: {e}")))?,
        ),
    };
    let limit = params.limit;
    let (t, f) = (tenant.clone(), params.filter.clone());
    // One extra row says whether there is a next page without a COUNT.
    let mut leads = state
        .store
        .run(move |c| store::list_leads(c, &t, &f, after.as_ref(), limit + 1))
        .await
        .map_err(|e| Refusal::internal(&e))?;
    let has_more = leads.len() > limit;
    leads.truncate(limit);
    let next_cursor = match leads.last() {
        Some(last) if has_more => Some(state.cursors.issue(&tenant, &params.filter, &Position::of(last))),
        _ => None,
    };
    Ok(Json(Page {
        data: leads,
        next_cursor,
        has_more,
    }))
}

async fn get_lead(
    State(state): State<Shared>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<Data<Lead>>, Refusal> {
    let tenant = admit(&state, &headers, Scope::LeadRead)?;
    // A malformed id cannot name a lead: 404 like any other unknown id.
    let id = id
        .ok()
        .and_then(|Path(id)| uuid::Uuid::try_parse(&id).ok())
        .ok_or_else(Refusal::not_found)?
        .hyphenated()
        .to_string();
    let lead = state
        .store
        .run(move |c| store::get_lead(c, &tenant, &id))
        .await
        .map_err(|e| Refusal::internal(&e))?
        .ok_or_else(Refusal::not_found)?;
    Ok(Json(Data { data: lead }))
}

fn is_json_media_type(value: &HeaderValue) -> bool {
    let Ok(value) = value.to_str() else { return false };
    let essence = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

async fn create_lead(State(state): State<Shared>, request: Request) -> Result<Response, Refusal> {
    let tenant = admit(&state, request.headers(), Scope::LeadWrite)?;
    if let Some(ct) = request.headers().get(header::CONTENT_TYPE)
        && !is_json_media_type(ct)
    {
        return Err(Refusal::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "The body must be JSON: send `Content-Type: application/json`",
        ));
    }
    let too_large = || {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The request body is larger than {MAX_BODY_BYTES} bytes"),
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    // A body that stalls would hold its connection and its in-flight slot for as long as the client likes.
    let body = tokio::time::timeout(
        BODY_READ_TIMEOUT,
        axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES),
    )
    .await
    .map_err(|_| {
        Refusal::new(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "The request body did not arrive within {} s",
                BODY_READ_TIMEOUT.as_secs()
            ),
        )
    })?
    .map_err(|_| too_large())?;
    let defs = state
        .profiles
        .get(&tenant)
        .map(|p| p.custom_fields.as_slice())
        .unwrap_or_default();
    let new = parse_new_lead(&body, defs).map_err(Refusal::validation)?;
    let lead = lead_from_new(new, uuid::Uuid::new_v4().to_string(), Utc::now());
    let stored = lead.clone();
    state
        .store
        .run(move |c| store::insert_leads(c, &tenant, [&stored]))
        .await
        .map_err(|e| Refusal::internal(&e))?;
    let location = format!("/api/v1/leads/{}", lead.id);
    let mut response = (StatusCode::CREATED, Json(Data { data: lead })).into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

async fn no_route(method: Method, uri: Uri) -> Refusal {
    Refusal::new(
        StatusCode::NOT_FOUND,
        format!("No such endpoint: {method} {}", uri.path()),
    )
}

/// Turns every error answer that is not JSON yet (axum's own 405, extractor rejections, layers' refusals)
/// into `{"error": …}`, keeping its status and headers (`Allow`, `Retry-After`).
async fn json_errors(request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let response = next.run(request).await;
    let status = response.status();
    let is_error = status.is_client_error() || status.is_server_error();
    if !is_error
        || response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(is_json_media_type)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let error = if status == StatusCode::METHOD_NOT_ALLOWED {
        format!("Method {method} is not allowed on {path}")
    } else if text.is_empty() {
        status.canonical_reason().unwrap_or("Error").to_string()
    } else {
        text
    };
    let body = serde_json::to_vec(&ErrorBody::new(error)).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(body))
}
