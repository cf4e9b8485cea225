//! The create form through the real binary on a stranger's tenant (`--api-url`, nothing configured), read
//! back from the terminal: labels clear of their values, what lies beyond the screen, a gentle word on a
//! phone, the "fields to fix" count as it goes down, notes wrapped at words with undo by words, and a
//! custom field the tenant taught by a refusal kept for the next lead, a restart and another leadbox.

use novala_sandbox::{Sandbox, SandboxOptions};

use crate::support::pty::*;

const TAB: &[u8] = b"\t";
const UP: &[u8] = b"\x1b[A";
const RIGHT: &[u8] = b"\x1b[C";
const CTRL_S: &[u8] = b"\x13";
const CTRL_Z: &[u8] = b"\x1a";
const CTRL_Y: &[u8] = b"\x19";
const ESC: &[u8] = b"\x1b";

async fn tenant(dir: &std::path::Path) -> Sandbox {
    Sandbox::start(
        SandboxOptions::default()
            .db_path(dir.join("tenant.sqlite3"))
            .seed_leads(5),
    )
    .await
    .expect("sandbox starts")
}

fn start(dir: &std::path::Path, sandbox: &Sandbox, rows: u16, cols: u16) -> Session {
    let session = Session::start_sized(stranger(dir, sandbox), rows, cols);
    session.wait_for("the inbox loaded", |s| s.contains("Inbox") && is_list(s));
    session
}

fn open_form(session: &mut Session) -> String {
    session.keys(b"n");
    // The hint line is drawn after every field above it: the whole form is on screen.
    session.wait_for("the whole form", |s| {
        s.contains("New lead") && s.contains("First name") && s.contains("Esc close")
    })
}

/// The list is on screen, no form over it (a form scrolled to its end shows no first name, so the form's
/// border is what tells). The bar's count or the list's own end: a second leadbox's bar may shorten
/// "5 loaded" to "5" to say who sends the outbox.
fn is_list(screen: &str) -> bool {
    (leads_loaded(screen) || screen.contains("end of list"))
        && !screen.contains("┌ New lead")
        && !screen.contains("┌ Lead from the outbox")
}

/// The screen row that holds `text`.
fn row_with<'a>(screen: &'a str, text: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no row holds {text:?}:\n{screen}"))
}

fn cursor(session: &Session) -> (u16, u16) {
    session.parser.lock().expect("parser lock").screen().cursor_position()
}

/// The label column: every label ends at least one space before its value, at this size.
fn labels_keep_clear_of_values(screen: &str) {
    let assigned = row_with(screen, "Assigned to");
    assert!(
        assigned.contains("Assigned to ↻ ") && !assigned.contains("↻a user"),
        "the label runs into its placeholder: {assigned:?}"
    );
    let attribution = row_with(screen, "Attribution");
    assert!(
        !attribution.contains("↻key="),
        "the label runs into its placeholder: {attribution:?}"
    );
    // One column for every value.
    let at = |row: &str, value: &str| row.find(value).map(|b| row[..b].chars().count());
    assert_eq!(
        at(assigned, "a user's UUID"),
        at(row_with(screen, "Email"), "name@example.com"),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_form_at_80x24_labels_scrolls_warns_counts_wraps_and_undoes_by_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = tenant(dir.path()).await;
    let mut session = start(dir.path(), &sandbox, 24, 80);
    let screen = open_form(&mut session);
    labels_keep_clear_of_values(&screen);

    // Refused by the form's own rules: the count follows the fields as they are fixed.
    session.keys(CTRL_S);
    session.wait_for("the count of fields to fix", |s| {
        s.contains("Not sent: 2 fields to fix")
    });
    session.keys(b"Rhea");
    session.wait_for("one field left to fix", |s| s.contains("Not sent: 1 field to fix"));
    for _ in 0..5 {
        session.keys(TAB);
    }
    session.keys(RIGHT);
    let screen = session.wait_for("the message gone with the last error", |s| {
        s.contains("web_form") && !s.contains("to fix")
    });
    assert!(!screen.contains("✗"), "{screen}");

    // A phone with letters: a warning, not an error; the lead could still be sent.
    for _ in 0..2 {
        session.keys(b"\x1b[Z"); // Shift-Tab: Company, Phone
    }
    session.keys(b"12ab");
    session.keys(TAB);
    let screen = session.wait_for("the phone's warning", |s| s.contains("⚠ has letters"));
    assert!(!screen.contains("✗"), "a warning is not an error: {screen}");
    assert!(row_with(&screen, "Phone").contains("12ab"), "{screen}");

    // Notes: wrapped at words, the caret after the last one, Up along the rows drawn.
    for _ in 0..4 {
        session.keys(TAB); // Source, Channel, Intent, Notes
    }
    let words = "alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november \
                 oscar papa quebec romeo";
    session.keys(words.as_bytes());
    let screen = session.wait_for("the notes typed", |s| s.contains("romeo"));
    let known: Vec<&str> = words.split(' ').collect();
    let first = screen.lines().position(|l| l.contains("alpha")).expect("notes row");
    let last = screen.lines().position(|l| l.contains("romeo")).expect("notes row");
    assert!(last > first, "the notes take more than one row: {screen}");
    let alpha = row_with(&screen, "alpha");
    let column = alpha[..alpha.find("alpha").expect("alpha")].chars().count();
    for line in screen.lines().skip(first).take(last - first + 1) {
        let text: String = line.chars().skip(column).collect();
        let text = text.trim_end_matches(['│', ' ']);
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            assert!(
                known.contains(&word),
                "a word cut in two: {word:?} in {line:?}\n{screen}"
            );
        }
    }
    let romeo_row = screen.lines().nth(last).expect("row");
    let end = romeo_row[..romeo_row.find("romeo").expect("romeo")].chars().count() + "romeo".len();
    assert_eq!(cursor(&session), (last as u16, end as u16), "{screen}");
    session.keys(UP);
    session.wait_for("the caret a row up", |_| cursor(&session).0 == last as u16 - 1);
    assert!(session.screen_text().contains("▸ Notes"), "Up stayed in the notes");

    // Undo takes back a word, not a letter; redo puts it back.
    session.keys(b"\x1b[F"); // End: the end of the row; the rest of the line follows
    session.keys(CTRL_Z);
    let screen = session.wait_for("romeo undone", |s| !s.contains("romeo"));
    assert!(screen.contains("quebec"), "one word went, not more: {screen}");
    session.keys(CTRL_Z);
    let screen = session.wait_for("quebec undone", |s| !s.contains("quebec"));
    assert!(screen.contains("papa"), "{screen}");
    session.keys(CTRL_Y);
    session.wait_for("quebec redone", |s| s.contains("quebec") && !s.contains("romeo"));

    session.keys(ESC);
    session.wait_for("asked before dropping the draft", |s| s.contains("Discard this draft?"));
    session.keys(b"y");
    session.wait_for("the list", is_list);
    session.keys(b"q");
    assert!(session.wait_exit().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_form_taller_than_80x24_says_how_many_fields_lie_above_and_below() {
    // The embedded sandbox's own tenant has custom fields enough to overflow 24 rows.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut session = Session::start_sized(command(dir.path()), 24, 80);
    session.wait_for("the sandbox's leads", |s| s.contains("sandbox") && leads_loaded(s));
    let screen = open_form(&mut session);
    let below = row_with(&screen, "more field");
    assert!(below.contains("↓") && below.contains("more fields below"), "{screen}");
    // Backwards from the first field: the button, at the very bottom, in view with the count above.
    session.keys(UP);
    let screen = session.wait_for("the button in view", |s| s.contains("[ Create lead ]"));
    assert!(row_with(&screen, "more field").contains("↑"), "{screen}");
    assert!(
        !screen.contains("fields below") && !screen.contains("field below"),
        "{screen}"
    );
    assert!(!screen.contains("▸ First name"), "{screen}");
    session.keys(ESC);
    session.wait_for("the list", is_list);
    session.keys(b"q");
    assert!(session.wait_exit().success());

    // The same form fits at 120x40: nothing to say.
    let mut session = Session::start_sized(command(dir.path()), 40, 120);
    session.wait_for("the sandbox's leads", |s| s.contains("sandbox") && leads_loaded(s));
    let screen = open_form(&mut session);
    assert!(!screen.contains("more field"), "{screen}");
    session.keys(ESC);
    session.wait_for("the list", is_list);
    session.keys(b"q");
    assert!(session.wait_exit().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_form_at_120x40_labels_clear_of_values_and_all_fields_in_view() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = tenant(dir.path()).await;
    let mut session = start(dir.path(), &sandbox, 40, 120);
    let screen = open_form(&mut session);
    labels_keep_clear_of_values(&screen);
    assert!(!screen.contains("more field"), "every field fits: {screen}");
    assert!(screen.contains("[ Create lead ]"), "{screen}");
    session.keys(ESC);
    session.wait_for("the list", is_list);
    session.keys(b"q");
    assert!(session.wait_exit().success());
}

/// Types a lead with a first name and a source, and sends it.
fn send_lead(session: &mut Session, name: &str) {
    open_form(session);
    session.keys(name.as_bytes());
    for _ in 0..5 {
        session.keys(TAB);
    }
    session.keys(RIGHT);
    session.wait_for("a source chosen", |s| s.contains("web_form"));
    session.keys(CTRL_S);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_field_the_tenant_asked_for_is_kept_for_the_next_lead_a_restart_and_another_leadbox() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = tenant(dir.path()).await;
    let before = sandbox.lead_count().await.expect("count");
    let mut first = start(dir.path(), &sandbox, 30, 110);
    // A second leadbox on the same profile, open all along.
    let mut second = start(dir.path(), &sandbox, 30, 110);

    send_lead(&mut first, "Rhea");
    let screen = first.wait_for("the refusal naming region", |s| {
        s.contains("region (learned)") && s.contains("is required")
    });
    assert!(screen.contains("Lead from the outbox"), "{screen}");
    first.keys(b"emea");
    first.keys(CTRL_S);
    first.wait_for("the lead created", |s| s.contains("Created lead Rhea"));
    assert_eq!(sandbox.lead_count().await.expect("count"), before + 1);

    // The next lead starts with the field, marked as learned, and goes through at the first send.
    open_form(&mut first);
    let screen = first.wait_for("the learned field", |s| s.contains("region (learned)"));
    let region = row_with(&screen, "region (learned)");
    assert!(region.contains("learned from the tenant's refusal"), "{screen}");
    first.keys(ESC);
    first.wait_for("the list", is_list);

    // The other leadbox learns it from the shared state within its look at the file (about a second).
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let screen = open_form(&mut second);
        second.keys(ESC);
        second.wait_for("the list", is_list);
        if screen.contains("region (learned)") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the other leadbox never learned region:\n{screen}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    second.wait_for("the list", is_list);
    second.keys(b"q");
    assert!(second.wait_exit().success());
    first.keys(b"q");
    assert!(first.wait_exit().success());

    // After a restart on the same profile.
    let mut again = start(dir.path(), &sandbox, 30, 110);
    let screen = open_form(&mut again);
    assert!(screen.contains("region (learned)"), "{screen}");
    again.keys(ESC);
    again.wait_for("the list", is_list);
    again.keys(b"q");
    assert!(again.wait_exit().success());
}
