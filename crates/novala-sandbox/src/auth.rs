//! Keys and scopes. Keys are stored as SHA-256 hashes only; the demo keys are derived from the database's
//! seed number, so `leadbox sandbox` prints the same keys on every run over the same database.

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode, header};
use sha2::{Digest, Sha256};

use super::records::{KeyRecord, Scope};
use super::refusal::Refusal;

/// Lowercase hex of SHA-256, the form keys are stored and looked up in.
pub fn hash_key(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A key in Novala's shape (`sk_live_…`, `pk_live_…`), the same for the same seed and label.
pub fn derive_key(prefix: &str, seed: u64, label: &str) -> String {
    let digest = Sha256::digest(format!("leadbox sandbox key/{label}/{seed}").as_bytes());
    format!("{prefix}{}", &hex(&digest)[..32])
}

/// Every key of the database, by hash, loaded once at start.
#[derive(Debug, Default)]
pub struct KeyRing {
    by_hash: HashMap<String, KeyRecord>,
}

impl KeyRing {
    pub fn new(keys: impl IntoIterator<Item = KeyRecord>) -> KeyRing {
        KeyRing {
            by_hash: keys.into_iter().map(|k| (k.hash.clone(), k)).collect(),
        }
    }

    /// The tenant of the request's bearer key, if the key exists and carries `scope`.
    pub fn authorize(&self, headers: &HeaderMap, scope: Scope) -> Result<&KeyRecord, Refusal> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                "Missing API key: send it as `Authorization: Bearer <key>`",
            ));
        };
        let key = value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, rest) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
            })
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                Refusal::new(
                    StatusCode::UNAUTHORIZED,
                    "Malformed Authorization header: expected `Bearer <key>`",
                )
            })?;
        let record = self
            .by_hash
            .get(&hash_key(key))
            .ok_or_else(|| Refusal::new(StatusCode::UNAUTHORIZED, "Invalid API key"))?;
        if !record.scopes.contains(&scope) {
            return Err(Refusal::new(
                StatusCode::FORBIDDEN,
                format!("This API key lacks the scope {}", scope.as_str()),
            ));
        }
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ring() -> (KeyRing, String) {
        let key = derive_key("pk_live_", 7, "demo/publishable");
        let ring = KeyRing::new([KeyRecord {
            hash: hash_key(&key),
            tenant_id: "demo".into(),
            scopes: vec![Scope::LeadRead],
        }]);
        (ring, key)
    }

    fn headers(auth: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(auth).unwrap());
        h
    }

    #[test]
    fn derived_keys_are_stable_and_shaped_like_novala_keys() {
        let a = derive_key("sk_live_", 1, "demo/secret");
        assert_eq!(a, derive_key("sk_live_", 1, "demo/secret"));
        assert_ne!(a, derive_key("sk_live_", 2, "demo/secret"));
        assert!(a.starts_with("sk_live_") && a.len() == 40, "{a}");
        assert_eq!(hash_key(&a).len(), 64);
        assert!(!hash_key(&a).contains(&a[8..]));
    }

    #[test]
    fn bearer_scope_and_unknown_keys() {
        let (ring, key) = ring();
        let ok = ring
            .authorize(&headers(&format!("bearer {key}")), Scope::LeadRead)
            .unwrap();
        assert_eq!(ok.tenant_id, "demo");
        let denied = ring
            .authorize(&headers(&format!("Bearer {key}")), Scope::LeadWrite)
            .unwrap_err();
        assert_eq!(denied.status, StatusCode::FORBIDDEN);
        assert!(denied.body.error.contains("leads.lead.write"));
        for bad in ["Bearer nope", "Basic abc", "Bearer ", key.as_str()] {
            let e = ring.authorize(&headers(bad), Scope::LeadRead).unwrap_err();
            assert_eq!(e.status, StatusCode::UNAUTHORIZED, "{bad}");
        }
        let e = ring.authorize(&HeaderMap::new(), Scope::LeadRead).unwrap_err();
        assert_eq!(e.status, StatusCode::UNAUTHORIZED);
    }
}
