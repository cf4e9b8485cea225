//! A lead or team-member id held in as little memory as it allows: the 16 bytes of a UUID when the server
//! sent one in its canonical spelling (what Novala sends), else the text. A walk over a whole tenant keeps
//! every lead's id, so this is tens of bytes a lead.

use std::borrow::Cow;
use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CompactId {
    // Bytes rather than a `u128`, whose 16-byte alignment would double the size of every holder.
    Uuid([u8; 16]),
    Text(Box<str>),
}

impl CompactId {
    pub fn new(id: &str) -> CompactId {
        let mut buf = uuid::Uuid::encode_buffer();
        match uuid::Uuid::try_parse(id) {
            // Only the canonical spelling, so two spellings of one UUID stay two ids, as the server sent them,
            // and the text made back from the bytes is the text that came in.
            Ok(u) if u.hyphenated().encode_lower(&mut buf) == id => CompactId::Uuid(*u.as_bytes()),
            _ => CompactId::Text(id.into()),
        }
    }

    /// The id as the server sent it.
    pub fn as_str(&self) -> Cow<'_, str> {
        match self {
            CompactId::Uuid(bytes) => Cow::Owned(uuid::Uuid::from_bytes(*bytes).hyphenated().to_string()),
            CompactId::Text(text) => Cow::Borrowed(text),
        }
    }

    /// Whether this is the id the server spells `id`, without making its text.
    pub fn is(&self, id: &str) -> bool {
        match self {
            CompactId::Text(text) => **text == *id,
            CompactId::Uuid(_) => *self == CompactId::new(id),
        }
    }
}

impl From<&str> for CompactId {
    fn from(id: &str) -> CompactId {
        CompactId::new(id)
    }
}

impl PartialEq<str> for CompactId {
    fn eq(&self, other: &str) -> bool {
        self.is(other)
    }
}

impl PartialEq<&str> for CompactId {
    fn eq(&self, other: &&str) -> bool {
        self.is(other)
    }
}

impl PartialEq<String> for CompactId {
    fn eq(&self, other: &String) -> bool {
        self.is(other)
    }
}

impl PartialEq<String> for &CompactId {
    fn eq(&self, other: &String) -> bool {
        self.is(other)
    }
}

impl PartialEq<CompactId> for &CompactId {
    fn eq(&self, other: &CompactId) -> bool {
        **self == *other
    }
}

impl fmt::Display for CompactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl fmt::Debug for CompactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_comes_back_as_the_server_spelled_it() {
        for id in [
            "0b9f3c3e-8f4e-4a59-9d6b-2f1c7f4f2a10",
            "0B9F3C3E-8F4E-4A59-9D6B-2F1C7F4F2A10",
            "0b9f3c3e8f4e4a599d6b2f1c7f4f2a10",
            "lead-42",
            "",
        ] {
            let compact = CompactId::new(id);
            assert_eq!(compact.as_str(), id);
            assert!(compact.is(id));
            assert!(!compact.is("other"));
        }
        assert!(matches!(
            CompactId::new("0b9f3c3e-8f4e-4a59-9d6b-2f1c7f4f2a10"),
            CompactId::Uuid(_)
        ));
        assert!(matches!(
            CompactId::new("0B9F3C3E-8F4E-4A59-9D6B-2F1C7F4F2A10"),
            CompactId::Text(_)
        ));
        assert_ne!(
            CompactId::new("0b9f3c3e-8f4e-4a59-9d6b-2f1c7f4f2a10"),
            CompactId::new("0B9F3C3E-8F4E-4A59-9D6B-2F1C7F4F2A10")
        );
        assert_eq!(std::mem::size_of::<CompactId>(), 24);
        assert_eq!(std::mem::size_of::<Option<CompactId>>(), 24);
    }
}
