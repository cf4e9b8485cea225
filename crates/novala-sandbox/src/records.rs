//! What the store keeps and the key check reads: tenants, keys and the scopes a key grants. Their own
//! module, so the store and the key check each depend on it and not on each other.

use novala_leads::tenant::TenantProfile;

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// List and retrieve leads.
    LeadRead,
    /// Create leads.
    LeadWrite,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::LeadRead => "leads.lead.read",
            Scope::LeadWrite => "leads.lead.write",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        [Scope::LeadRead, Scope::LeadWrite]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One tenant as stored: its display name and what the API cannot tell a client (roster, custom fields).
#[derive(Debug, Clone, PartialEq)]
pub struct TenantRecord {
    pub id: String,
    pub name: String,
    pub profile: TenantProfile,
}

/// A key as stored: only the SHA-256 of the key, the tenant it belongs to, and its scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    pub hash: String,
    pub tenant_id: String,
    pub scopes: Vec<Scope>,
}
