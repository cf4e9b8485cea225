//! The API key, kept out of every `Debug` and `Display` so that no log line or error can leak it.

use std::fmt;

/// A bearer key and a description of where it came from (shown in errors instead of the key).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    secret: String,
    origin: String,
}

impl ApiKey {
    pub fn new(secret: impl Into<String>, origin: impl Into<String>) -> Self {
        ApiKey {
            secret: secret.into(),
            origin: origin.into(),
        }
    }

    /// The key itself, for the `Authorization` header and nothing else.
    pub fn expose(&self) -> &str {
        &self.secret
    }

    /// Where the key came from, e.g. "NOVALA_SECRET_KEY".
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// `sk_` keys may write; `pk_` keys are publishable and read-only.
    pub fn kind(&self) -> &'static str {
        if self.secret.starts_with("sk_") {
            "secret"
        } else if self.secret.starts_with("pk_") {
            "publishable"
        } else {
            "unrecognised"
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({} key from {}, redacted)", self.kind(), self.origin)
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} key from {}", self.kind(), self.origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_never_shows_in_debug_or_display() {
        let key = ApiKey::new("sk_live_supersecret123", "NOVALA_SECRET_KEY");
        let shown = format!("{key:?} {key} {:?}", Some(&key));
        assert!(!shown.contains("supersecret"), "{shown}");
        assert!(shown.contains("NOVALA_SECRET_KEY"));
        assert_eq!(key.expose(), "sk_live_supersecret123");
        assert_eq!(key.kind(), "secret");
    }
}
