//! A link handed to the system's opener (`o e`, `o p`, `o w`): said while it starts, and what became of
//! it once the opener is done, so the rep never reads that something opened when nothing did.

use super::App;
use super::action::Effect;

/// What the status bar says while the opener starts.
fn starting(link: &str) -> String {
    format!("Opening {link}…")
}

impl App {
    /// The link being handed to the system's opener, until the opener says how it went.
    pub fn opening(&self) -> Option<&str> {
        self.said.opening.as_deref()
    }

    /// True when the notice says something is under way rather than done: it is no success yet.
    pub fn notice_is_progress(&self) -> bool {
        if self.command_in_progress() {
            return true;
        }
        match (&self.said.opening, &self.said.notice) {
            (Some(link), Some(notice)) => *notice == starting(link),
            _ => false,
        }
    }

    /// Asks the event loop to open `link` (already sanitised); the outcome comes back as
    /// [`super::Msg::Opened`].
    pub(in crate::app) fn start_opening(&mut self, link: String) {
        self.said.notice = Some(starting(&link));
        self.said.opening = Some(link.clone());
        self.effects.push(Effect::Open(link));
    }

    /// What the opener made of `link`: a failure is always said, as an error with its reason; a success
    /// only while nothing newer was said (a later notice is not overwritten).
    pub(in crate::app) fn on_opened(&mut self, link: &str, result: Result<(), super::action::Outside>) {
        let progress = self.notice_is_progress();
        let waited = self.said.opening.as_deref() == Some(link);
        if !waited {
            // An answer for a link opened before the one now awaited: only its failure is news.
            if let Err(why) = result {
                self.said.error = Some(failed(link, &why.to_string()));
            }
            return;
        }
        self.said.opening = None;
        match result {
            Ok(()) if progress || self.said.notice.is_none() => {
                self.said.notice = Some(format!("Opened {}", crate::sanitize::line(link)));
            }
            Ok(()) => {}
            Err(why) => {
                if progress {
                    self.said.notice = None;
                }
                self.said.error = Some(failed(link, &why.to_string()));
            }
        }
    }
}

/// The reason first: on a narrow status bar it is what survives the cut.
fn failed(link: &str, why: &str) -> String {
    format!(
        "Nothing opened: {} ({})",
        crate::sanitize::line(why),
        crate::sanitize::line(link)
    )
}
