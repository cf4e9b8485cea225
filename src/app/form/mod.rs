//! The create-lead form: a draft of every body field of `POST /leads`, edited from the keyboard.
//!
//! The form is pure state. Keys and pastes go in (a [`FormCommand`] with the raw key), a [`FormOutcome`]
//! comes out, and the app turns a `Submit` into an API request. Every rule comes from [`crate::rules`], so
//! the form and the sandbox agree on what a valid lead is; the form adds only what the rules cannot know:
//! how a typed string becomes a JSON value (a number, `key=value` pairs) and that a required choice was
//! never made.
//!
//! `state` holds the form and what is read of it, `input` its keys, `submit` the lead it sends and the
//! tenant's refusal, `fields` the kinds of field, `draft` the form as data kept on disk.

mod draft;
mod fields;
mod input;
pub mod layout;
mod phone;
mod state;
mod submit;
mod undo;

pub use crate::app::action::{FormCommand, FormOutcome};
pub use crate::model::{Draft, DraftValue};
pub use fields::{Choice, Counter, Field, FieldKind, MultiChoice, Slot, TextInput, parse_attribution};
pub use state::{Form, Leave, Notice, STICKY_BY_DEFAULT};
