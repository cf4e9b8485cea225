//! `leadbox leads import FILE`: a spreadsheet or a JSON Lines file becomes leads, every row checked before
//! anything is sent, sent through the outbox like the form's leads, each row's outcome kept in a journal
//! so that running the same command again after a crash sends only what is not in the tenant yet.

pub mod fields;
pub mod journal;
pub mod lock;
pub mod rows;
