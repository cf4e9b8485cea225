//! A search over more leads than one keystroke ranks: the keystroke shows the best matches among the leads
//! it judged and says the search is still going instead of a count it does not know; the loop's `Msg::Continue` ranks
//! the rest a share at a time, and the results, their order, the selection and the highlights are then
//! exactly those of a search ranked all at once. Typing on while a search is still ranking, Backspace, and
//! a poll's new lead arriving mid-search come out the same way.

use leadbox::app::{App, Msg, update};

use crate::support::{self, ch, key, screen_text};
use crossterm::event::KeyCode;

const LEADS: usize = 300;

/// The same leads loaded twice: one app ranking 7 leads a step, the other every lead at once.
fn apps() -> (App, App) {
    let mut stepped = support::app_loaded(120, 40, LEADS, 100);
    stepped.set_search_share(7);
    let at_once = support::app_loaded(120, 40, LEADS, 100);
    (stepped, at_once)
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        update(app, ch(c));
    }
}

/// Continues until the search is done; how many steps that took.
fn finish(app: &mut App) -> usize {
    let mut steps = 0;
    while app.search_pending() {
        update(app, Msg::Continue);
        steps += 1;
        assert!(steps <= LEADS, "a search that never ends");
    }
    steps
}

fn rows(app: &App) -> Vec<String> {
    (0..app.list().len())
        .map(|r| app.list().lead_at(r).unwrap().id().to_string())
        .collect()
}

#[test]
fn a_keystroke_ranks_one_share_and_says_the_search_is_still_going() {
    let (mut stepped, mut at_once) = apps();
    update(&mut stepped, ch('/'));
    update(&mut at_once, ch('/'));
    typed(&mut stepped, "a");
    typed(&mut at_once, "a");
    assert!(!at_once.search_pending());
    assert!(stepped.search_pending(), "7 leads of 300 ranked: more to go");
    assert_eq!(stepped.search_progress(), Some((7, LEADS)));
    // The best matches among the leads judged so far are shown at once, in the order the whole ranking
    // gives them; no count is said that is not known.
    let early = rows(&stepped);
    let whole = rows(&at_once);
    assert!(!early.is_empty(), "the first share found matches");
    let places: Vec<usize> = early
        .iter()
        .map(|id| whole.iter().position(|w| w == id).expect("every row shown is a match"))
        .collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]), "{places:?}");
    assert_eq!(stepped.list().selected(), 0);
    let screen = screen_text(&stepped);
    assert!(screen.contains("searching… 2%"), "{screen}");
    let counted = screen
        .match_indices(" matches")
        .any(|(at, _)| screen[..at].ends_with(|c: char| c.is_ascii_digit()));
    assert!(!counted, "{screen}");
    let steps = finish(&mut stepped);
    assert_eq!(steps, LEADS.div_ceil(7) - 1);
    assert!(!rows(&at_once).is_empty());
    assert_eq!(rows(&stepped), rows(&at_once));
    assert_eq!(stepped.list().selected(), 0, "the best match is selected");
    assert_eq!(
        screen_text(&stepped),
        screen_text(&at_once),
        "same rows, highlights and count"
    );

    // Nothing found yet: the screen says what is being searched.
    update(&mut stepped, key(KeyCode::Esc));
    update(&mut stepped, ch('/'));
    typed(&mut stepped, "qxzv");
    assert!(stepped.search_pending() && stepped.list().is_empty());
    let screen = screen_text(&stepped);
    assert!(screen.contains("Searching 300 loaded leads for “qxzv”"), "{screen}");
}

#[test]
fn typing_on_while_the_search_ranks_narrows_what_it_has_and_what_it_has_not_judged_yet() {
    let (mut stepped, mut at_once) = apps();
    update(&mut stepped, ch('/'));
    update(&mut at_once, ch('/'));
    // Each letter arrives after a step or two of the one before, never after its end.
    for c in "grace h".chars() {
        update(&mut stepped, ch(c));
        update(&mut stepped, Msg::Continue);
        update(&mut at_once, ch(c));
        assert!(stepped.search_pending(), "still ranking after {c:?}");
    }
    finish(&mut stepped);
    assert!(!rows(&at_once).is_empty());
    assert_eq!(rows(&stepped), rows(&at_once));
    assert_eq!(screen_text(&stepped), screen_text(&at_once));
    // Backspace: the shorter query ranks again (it was never done), then comes back at once from the cache.
    update(&mut stepped, key(KeyCode::Backspace));
    update(&mut at_once, key(KeyCode::Backspace));
    finish(&mut stepped);
    assert_eq!(rows(&stepped), rows(&at_once));
    typed(&mut stepped, "o");
    typed(&mut at_once, "o");
    finish(&mut stepped);
    update(&mut stepped, key(KeyCode::Backspace));
    update(&mut at_once, key(KeyCode::Backspace));
    assert!(!stepped.search_pending(), "a query ranked a moment ago is kept");
    assert_eq!(screen_text(&stepped), screen_text(&at_once));
}

#[test]
fn leads_changing_under_a_search_keep_its_rows_until_the_new_ranking_is_done() {
    let (mut stepped, mut at_once) = apps();
    update(&mut stepped, ch('/'));
    update(&mut at_once, ch('/'));
    typed(&mut stepped, "grace");
    typed(&mut at_once, "grace");
    finish(&mut stepped);
    update(&mut stepped, key(KeyCode::Down));
    update(&mut at_once, key(KeyCode::Down));
    let before = rows(&stepped);
    let selected = stepped.list().selected_lead().unwrap().id().to_string();
    // Esc keeps nothing; Enter keeps the search. Then the list changes (the view's rule walks again).
    update(&mut stepped, key(KeyCode::Enter));
    update(&mut at_once, key(KeyCode::Enter));
    update(&mut stepped, ch('1'));
    update(&mut at_once, ch('1'));
    assert!(stepped.search_pending());
    assert_eq!(rows(&stepped), before, "the rows stay while the search ranks again");
    finish(&mut stepped);
    assert_eq!(rows(&stepped), rows(&at_once));
    assert_eq!(stepped.list().selected_lead().unwrap().id().to_string(), selected);
    assert_eq!(screen_text(&stepped), screen_text(&at_once));
}
