//! Talking to a sandbox over real HTTP, shared by the sandbox test files.

use novala_sandbox::{Sandbox, SandboxOptions};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Every key of a lead as the API sends it, in the contract's order.
pub const LEAD_KEYS: [&str; 15] = [
    "id",
    "firstName",
    "lastName",
    "email",
    "phone",
    "companyName",
    "status",
    "source",
    "intent",
    "notes",
    "assignedTo",
    "customFields",
    "createdAt",
    "channel",
    "attribution",
];

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: String,
}

impl Answer {
    /// The `error` string of an error body, failing the test if there is none.
    pub fn error(&self) -> &str {
        self.body["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no JSON `error` string in a {} answer: {}", self.status, self.raw))
    }

    /// The `field`s of a validation failure's `details`.
    pub fn detail_fields(&self) -> Vec<String> {
        assert_eq!(self.status, 400, "{}", self.raw);
        assert_eq!(self.error(), "Validation failed");
        self.body["details"]
            .as_array()
            .unwrap_or_else(|| panic!("no details: {}", self.raw))
            .iter()
            .map(|d| {
                assert!(d["message"].as_str().is_some_and(|m| !m.is_empty()), "{d}");
                d["field"].as_str().unwrap().to_string()
            })
            .collect()
    }
}

pub async fn start(seed_leads: usize) -> Sandbox {
    Sandbox::start(SandboxOptions::default().seed_leads(seed_leads))
        .await
        .expect("sandbox starts")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// Sends a request to `path_and_query` under the sandbox's base URL, e.g. `/leads?limit=3`.
pub async fn send(
    sandbox: &Sandbox,
    method: Method,
    path_and_query: &str,
    key: Option<&str>,
    content_type: Option<&str>,
    body: Option<Vec<u8>>,
) -> Answer {
    let mut request = http().request(method, format!("{}{path_and_query}", sandbox.base_url()));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(ct) = content_type {
        request = request.header("content-type", ct);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.expect("request reaches the sandbox");
    let status = response.status();
    let headers = response.headers().clone();
    let raw = response.text().await.expect("body");
    let body = serde_json::from_str(&raw).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
        raw,
    }
}

pub async fn get(sandbox: &Sandbox, path_and_query: &str, key: &str) -> Answer {
    send(sandbox, Method::GET, path_and_query, Some(key), None, None).await
}

pub async fn post_json(sandbox: &Sandbox, key: &str, body: &Value) -> Answer {
    send(
        sandbox,
        Method::POST,
        "/leads",
        Some(key),
        Some("application/json"),
        Some(body.to_string().into_bytes()),
    )
    .await
}

/// Every lead of a list, page by page, following `nextCursor` until `hasMore` is false.
pub async fn walk(sandbox: &Sandbox, key: &str, query: &str, limit: usize) -> Vec<Value> {
    let mut leads = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10_000 {
        let mut url = format!("/leads?limit={limit}{query}");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={}", urlencode(c)));
        }
        let page = get(sandbox, &url, key).await;
        assert_eq!(page.status, 200, "{}", page.raw);
        let data = page.body["data"].as_array().unwrap();
        assert!(data.len() <= limit);
        leads.extend(data.iter().cloned());
        if page.body["hasMore"] == false {
            assert!(page.body["nextCursor"].is_null());
            return leads;
        }
        assert_eq!(data.len(), limit, "a page that is not the last is full");
        cursor = Some(page.body["nextCursor"].as_str().unwrap().to_string());
    }
    panic!("the list never ended");
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// (createdAt, id) of a lead, the order key of the list.
pub fn order_key(lead: &Value) -> (String, String) {
    (
        lead["createdAt"].as_str().unwrap().to_string(),
        lead["id"].as_str().unwrap().to_string(),
    )
}

/// An answer read off a raw connection: the status, the head's lines and the body (chunks joined).
pub struct RawAnswer {
    pub status: u16,
    pub head: String,
    pub body: Value,
    pub raw: String,
}

impl RawAnswer {
    /// The value of header `name` (lowercase), if the head has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The `error` string of a JSON error body, failing the test if there is none.
    pub fn error(&self) -> &str {
        self.body["error"].as_str().unwrap_or_else(|| {
            panic!(
                "no JSON `error` in a {} answer: {}\n{}",
                self.status, self.head, self.raw
            )
        })
    }
}

/// Sends `request` as it is over a new connection and reads the answer to the end: for what an HTTP client
/// would not send (another Host, none, two, an absolute URI, HTTP/1.0). Ask for `Connection: close`.
pub async fn raw_http(addr: std::net::SocketAddr, request: &[u8]) -> RawAnswer {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connects");
    // A server that refuses early may close before it has read everything; its answer is still there to read.
    let _ = stream.write_all(request).await;
    let mut bytes = Vec::new();
    // A reset after the answer leaves what was read so far.
    let _ = stream.read_to_end(&mut bytes).await;
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no head in {:?}", String::from_utf8_lossy(&bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).to_string();
    let rest = &bytes[split + 4..];
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head:?}"));
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase().starts_with("transfer-encoding:") && l.to_ascii_lowercase().contains("chunked")
    });
    let raw = String::from_utf8_lossy(&if chunked { dechunk(rest) } else { rest.to_vec() }).to_string();
    RawAnswer {
        status,
        body: serde_json::from_str(&raw).unwrap_or(Value::Null),
        head,
        raw,
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&rest[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .unwrap_or(0);
        let data = &rest[end + 2..];
        if size == 0 || data.len() < size {
            break;
        }
        out.extend_from_slice(&data[..size]);
        rest = data[size..].strip_prefix(b"\r\n").unwrap_or(&data[size..]);
    }
    out
}
