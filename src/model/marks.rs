//! What a rep marked on a lead, kept on this machine only: the tenant knows nothing of it.

/// The marks of one lead. A lead with no row is unseen, not done and not starred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Marks {
    pub seen: bool,
    pub done: bool,
    pub starred: bool,
}
