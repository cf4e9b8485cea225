//! Keys as hints write them, always read from the live keymap.

use crate::keymap::{Action, Context, Keymap};

/// The first key bound to `action` in `context` (`n`, `ctrl-s`, `↵`), or a note that the user left it
/// without one, so a hint never names a key that does nothing.
pub fn hint(keymap: &Keymap, context: Context, action: Action) -> String {
    keymap
        .hint_key(context, action)
        .unwrap_or_else(|| "(no key)".to_string())
}
