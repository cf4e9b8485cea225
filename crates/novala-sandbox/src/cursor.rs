//! Keyset cursors: the (createdAt, id) of the last lead of a page, signed so that only cursors this
//! database issued, for the same tenant and the same filter, are accepted.
//!
//! Shape: `base64url({"createdAt": …, "id": …}) "." base64url(HMAC-SHA256 truncated to 16 bytes)`. The tenant
//! and the filter are not in the payload but in the signed message, so a cursor carried over to another tenant
//! or another filter fails verification exactly like a tampered one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use novala_leads::types::rfc3339_millis;

use super::store::{ListFilter, Position};

const MAC_LEN: usize = 16;
/// Longer than any cursor we issue; refused before decoding anything.
const MAX_CURSOR_LEN: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    #[error("cursor is malformed")]
    Malformed,
    #[error("cursor was not issued by this server for this list (tampered, from another tenant or another filter)")]
    Foreign,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Payload {
    created_at: String,
    id: String,
}

/// The per-database signing secret.
#[derive(Clone)]
pub struct CursorKey([u8; 32]);

impl std::fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CursorKey(redacted)")
    }
}

impl CursorKey {
    pub fn new(secret: [u8; 32]) -> CursorKey {
        CursorKey(secret)
    }

    fn mac(&self, tenant_id: &str, filter: &ListFilter, payload: &[u8]) -> Hmac<Sha256> {
        // Hmac accepts keys of any length, so this cannot fail with our 32 bytes.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!());
        // Length-prefixed parts, so no two different (tenant, filter) pairs sign the same bytes.
        for part in [
            "leadbox cursor v1",
            tenant_id,
            filter.status.as_ref().map_or("", |s| s.as_str()),
            filter.assigned_to.as_deref().unwrap_or(""),
        ] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac.update(payload);
        mac
    }

    pub fn issue(&self, tenant_id: &str, filter: &ListFilter, pos: &Position) -> String {
        let created_at = DateTime::from_timestamp_millis(pos.created_at_ms)
            .map(|t| rfc3339_millis::format(&t))
            .unwrap_or_default();
        let payload = serde_json::to_vec(&Payload {
            created_at,
            id: pos.id.clone(),
        })
        .unwrap_or_default();
        let tag = self.mac(tenant_id, filter, &payload).finalize().into_bytes();
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(&tag[..MAC_LEN])
        )
    }

    pub fn open(&self, tenant_id: &str, filter: &ListFilter, cursor: &str) -> Result<Position, CursorError> {
        if cursor.len() > MAX_CURSOR_LEN {
            return Err(CursorError::Malformed);
        }
        let (payload, tag) = cursor.split_once('.').ok_or(CursorError::Malformed)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| CursorError::Malformed)?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| CursorError::Malformed)?;
        if tag.len() != MAC_LEN {
            return Err(CursorError::Malformed);
        }
        self.mac(tenant_id, filter, &payload)
            .verify_truncated_left(&tag)
            .map_err(|_| CursorError::Foreign)?;
        // Signed by us, so well-formed unless the format changed between versions.
        let payload: Payload = serde_json::from_slice(&payload).map_err(|_| CursorError::Malformed)?;
        let created_at = DateTime::parse_from_rfc3339(&payload.created_at).map_err(|_| CursorError::Malformed)?;
        Ok(Position {
            created_at_ms: created_at.timestamp_millis(),
            id: payload.id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use novala_leads::types::LeadStatus;

    fn pos() -> Position {
        Position {
            created_at_ms: 1_736_937_000_000,
            id: "3f8e2a1c-7b4d-4e9a-8c2f-1d5b6a7e9f01".into(),
        }
    }

    #[test]
    fn round_trip_and_the_payload_is_an_id_and_created_at_pair() {
        let key = CursorKey::new([7; 32]);
        let f = ListFilter::default();
        let c = key.issue("demo", &f, &pos());
        assert_eq!(key.open("demo", &f, &c), Ok(pos()));
        let payload = URL_SAFE_NO_PAD.decode(c.split('.').next().unwrap()).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(v["createdAt"], "2025-01-15T10:30:00.000Z");
        assert_eq!(v["id"], pos().id);
    }

    #[test]
    fn foreign_tampered_and_garbage_cursors_are_refused() {
        let key = CursorKey::new([7; 32]);
        let f = ListFilter::default();
        let c = key.issue("demo", &f, &pos());
        assert_eq!(key.open("rival", &f, &c), Err(CursorError::Foreign));
        let lost = ListFilter {
            status: Some(LeadStatus::Lost),
            assigned_to: None,
        };
        assert_eq!(key.open("demo", &lost, &c), Err(CursorError::Foreign));
        assert_eq!(CursorKey::new([8; 32]).open("demo", &f, &c), Err(CursorError::Foreign));
        // A payload pointing elsewhere, re-encoded but not re-signed.
        let (_, tag) = c.split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"createdAt":"2030-01-01T00:00:00.000Z","id":"z"}"#);
        assert_eq!(
            key.open("demo", &f, &format!("{forged}.{tag}")),
            Err(CursorError::Foreign)
        );
        for junk in ["", ".", "abc", "a.b", "%%%.$$$", &"a".repeat(600)] {
            assert!(key.open("demo", &f, junk).is_err(), "{junk}");
        }
    }
}
