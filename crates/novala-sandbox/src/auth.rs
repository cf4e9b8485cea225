//! Keys and scopes. The keys of a database are random: drawn from a CSPRNG when the database is first
//! prepared ([`database_keys`]), they are kept in its `meta` table so the same file serves the same keys after
//! a restart (`leadbox sandbox` prints them on every start), and looked up by their SHA-256 hash. Nothing
//! public (not the seed number, not the code) says what they are, so a database file readable by its owner only
//! keeps them to that owner. An in-memory database gets fresh keys every time.

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode, header};
use rand::RngCore;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::records::{KeyRecord, Scope};
use super::refusal::Refusal;
use super::seed::{DEMO_TENANT, RIVAL_TENANT};
use super::store::{self, StoreError};

/// Where in `meta` a database keeps its keys.
const META_KEYS: &str = "api_keys";

/// Lowercase hex of SHA-256, the form keys are stored and looked up in.
pub fn hash_key(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh key in Novala's shape: `prefix` (`sk_live_`, `pk_live_`) then 128 random bits as 32 hex digits,
/// from the thread's CSPRNG (ChaCha seeded and reseeded from the operating system).
pub fn generate_key(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex(&bytes))
}

/// The four keys of a sandbox database.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxKeys {
    /// Demo tenant, read and write.
    pub demo_secret: String,
    /// Demo tenant, read only.
    pub demo_publishable: String,
    /// Demo tenant, write only: a key missing the read scope.
    pub demo_write_only: String,
    /// The second tenant, read and write.
    pub rival_secret: String,
}

impl std::fmt::Debug for SandboxKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SandboxKeys(redacted)")
    }
}

impl SandboxKeys {
    /// Four new random keys.
    pub fn generate() -> SandboxKeys {
        SandboxKeys {
            demo_secret: generate_key("sk_live_"),
            demo_publishable: generate_key("pk_live_"),
            demo_write_only: generate_key("sk_live_"),
            rival_secret: generate_key("sk_live_"),
        }
    }

    /// How the key table stores them: hashes, tenants and scopes.
    pub fn records(&self) -> Vec<KeyRecord> {
        let record = |key: &str, tenant: &str, scopes: &[Scope]| KeyRecord {
            hash: hash_key(key),
            tenant_id: tenant.into(),
            scopes: scopes.to_vec(),
        };
        vec![
            record(&self.demo_secret, DEMO_TENANT, &[Scope::LeadRead, Scope::LeadWrite]),
            record(&self.demo_publishable, DEMO_TENANT, &[Scope::LeadRead]),
            record(&self.demo_write_only, DEMO_TENANT, &[Scope::LeadWrite]),
            record(&self.rival_secret, RIVAL_TENANT, &[Scope::LeadRead, Scope::LeadWrite]),
        ]
    }
}

/// The database's keys. A database that has none yet (new, or made by an older build whose keys were derived
/// from the public seed number), or whose key table does not match them, gets four new random keys, which
/// replace every key it had.
pub fn database_keys(conn: &mut Connection) -> Result<SandboxKeys, StoreError> {
    let stored = store::meta_get(conn, META_KEYS)?.and_then(|bytes| serde_json::from_slice::<SandboxKeys>(&bytes).ok());
    if let Some(keys) = stored {
        let table = store::keys(conn)?;
        if keys.records().iter().all(|r| table.contains(r)) {
            return Ok(keys);
        }
        tracing::warn!("the sandbox's key table does not match its stored keys; making new keys");
    }
    let keys = SandboxKeys::generate();
    let json = serde_json::to_vec(&keys).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM api_keys", [])?;
    for record in keys.records() {
        store::insert_key(&tx, &record)?;
    }
    store::meta_set(&tx, META_KEYS, &json)?;
    tx.commit()?;
    Ok(keys)
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
        let key = generate_key("pk_live_");
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
    fn generated_keys_are_random_and_shaped_like_novala_keys() {
        let keys: Vec<String> = (0..100).map(|_| generate_key("sk_live_")).collect();
        for k in &keys {
            assert!(k.starts_with("sk_live_") && k.len() == 40, "{k}");
            assert!(
                k[8..].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                "{k}"
            );
            assert_eq!(hash_key(k).len(), 64);
            assert!(!hash_key(k).contains(&k[8..]));
        }
        let distinct: std::collections::HashSet<&String> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len());
        let four = SandboxKeys::generate();
        let all = [
            &four.demo_secret,
            &four.demo_publishable,
            &four.demo_write_only,
            &four.rival_secret,
        ];
        assert!(four.demo_publishable.starts_with("pk_live_"));
        assert_eq!(all.iter().collect::<std::collections::HashSet<_>>().len(), 4);
        assert!(!format!("{four:?}").contains(&four.demo_secret[8..]));
    }

    #[test]
    fn a_database_keeps_its_keys_and_one_without_stored_keys_gets_new_ones() {
        let store = store::Store::open_in_memory().unwrap();
        store
            .with_conn(|c| {
                for tenant in crate::seed::tenants(1) {
                    store::insert_tenant(c, &tenant)?;
                }
                Ok(())
            })
            .unwrap();
        let first = store.with_conn(database_keys).unwrap();
        assert_eq!(store.with_conn(database_keys).unwrap(), first, "kept");
        let hashes = |store: &store::Store| {
            let mut h: Vec<String> = store
                .with_conn(|c| store::keys(c))
                .unwrap()
                .into_iter()
                .map(|k| k.hash)
                .collect();
            h.sort();
            h
        };
        let mut want: Vec<String> = first.records().into_iter().map(|r| r.hash).collect();
        want.sort();
        assert_eq!(hashes(&store), want);

        // A database of an older build: a key table but no stored keys. Its keys are all replaced.
        store
            .with_conn(|c| Ok(c.execute("DELETE FROM meta WHERE key = ?1", [META_KEYS])?))
            .unwrap();
        let second = store.with_conn(database_keys).unwrap();
        assert_ne!(second, first);
        let mut want: Vec<String> = second.records().into_iter().map(|r| r.hash).collect();
        want.sort();
        assert_eq!(hashes(&store), want, "no old key is left");

        // Stored keys that the key table does not hold are not trusted.
        store.with_conn(|c| Ok(c.execute("DELETE FROM api_keys", [])?)).unwrap();
        let third = store.with_conn(database_keys).unwrap();
        assert_ne!(third, second);
        assert_eq!(hashes(&store).len(), 4);
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
