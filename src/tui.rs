//! The terminal: raw mode, alternate screen, mouse and paste, the event loop, and putting the terminal back
//! the way it was on exit and on panic. The only module that reads terminal events or writes frames.

use std::io::{self, Write};
use std::time::Duration;

use chrono::Utc;
use crossterm::clipboard::CopyToClipboard;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, EventStream,
    KeyEventKind,
};
use crossterm::execute;
use futures::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;

use crate::api::worker::{ApiEvent, ApiRequest};
use crate::app::views::Notify;
use crate::app::{App, Effect, ExportTarget, Msg, Output};
use crate::store::LocalState;
use crate::store::draft_file::DraftFile;
use crate::store::shared::SharedProfile;
use crate::ui;

mod user_commands;

/// How often the clock and the spinner move when nothing else happens.
const TICK: Duration = Duration::from_millis(200);
/// While nothing is awaited the clock moves only when it changes something (`App::next_wake`: the poll,
/// a retry, an age on screen turning), and at least this often, should the system clock jump.
const IDLE_TICK_MAX: Duration = Duration::from_secs(60);
/// How often the state file is looked at for other leadbox processes' changes, and the sender lock tried:
/// a lead typed in another inbox is sent within this, and a sender that stops is replaced within it. A
/// look costs a read of SQLite's shared memory when nothing changed.
const SHARED_LOOK: Duration = Duration::from_secs(1);

/// When an idle inbox next needs the clock: at `App::next_wake`, never sooner than a short tick (a wake
/// already due must not become a busy loop), never later than `IDLE_TICK_MAX`.
fn idle_deadline(app: &App) -> tokio::time::Instant {
    let wait = (app.next_wake() - Utc::now())
        .to_std()
        .unwrap_or(Duration::ZERO)
        .clamp(TICK, IDLE_TICK_MAX);
    tokio::time::Instant::now() + wait
}

/// How many columns the terminal on stdout has, when stdout is a terminal (a table printed for a person
/// fits it; one written into a pipe or a file keeps a fixed width).
pub fn stdout_columns() -> Option<usize> {
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size().ok().map(|(w, _)| usize::from(w))
}

/// The terminal in inbox mode. Dropping it restores the terminal, so every way out of `run` (an error
/// included) leaves the shell usable.
struct TerminalGuard {
    terminal: DefaultTerminal,
}

impl TerminalGuard {
    fn enter(mouse: bool) -> io::Result<Self> {
        use crossterm::terminal::{EnterAlternateScreen, enable_raw_mode};
        // Our own panic hook (not ratatui::init's): a panic on this thread restores the terminal before the
        // report; one on another thread must not restore it under a running inbox (see `install_panic_hook`).
        install_panic_hook();
        enable_raw_mode()?;
        execute!(io::stdout(), EnterAlternateScreen)?;
        let terminal = ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(io::stdout()))?;
        execute!(io::stdout(), EnableBracketedPaste)?;
        // Without mouse capture the terminal keeps the mouse, so text can be selected by dragging.
        if mouse {
            execute!(io::stdout(), EnableMouseCapture)?;
        }
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_modes();
        ratatui::restore();
    }
}

fn restore_modes() {
    let mut out = io::stdout();
    let _ = execute!(out, DisableMouseCapture, DisableBracketedPaste);
    let _ = out.flush();
}

/// The thread that owns the terminal; a panic there restores it before the report is printed.
static TERMINAL_THREAD: std::sync::OnceLock<std::thread::ThreadId> = std::sync::OnceLock::new();
/// A panic on another thread (a request task, the worker): said here, and the inbox ends on its own
/// thread, restoring the terminal on the way out, then reports it.
static BACKGROUND_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
static PANICKED: tokio::sync::Notify = tokio::sync::Notify::const_new();

fn install_panic_hook() {
    if TERMINAL_THREAD.set(std::thread::current().id()).is_err() {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if TERMINAL_THREAD.get() == Some(&std::thread::current().id()) {
            restore_modes();
            ratatui::restore();
            previous(info);
            return;
        }
        // Printing now would tear the frame, and restoring the terminal would leave the inbox drawing on
        // the shell: the loop is told to end instead.
        let report = crate::sanitize::line(&info.to_string()).into_owned();
        tracing::error!(report = %report, "a background task panicked");
        if let Ok(mut slot) = BACKGROUND_PANIC.lock() {
            slot.get_or_insert(report);
        }
        PANICKED.notify_one();
    }));
}

/// What ends the inbox from outside: SIGTERM, SIGHUP (the terminal went away) and SIGINT sent by `kill`
/// (Ctrl-C itself arrives as a key in raw mode). Each goes through the normal way out.
#[cfg(unix)]
fn quit_signals() -> io::Result<impl std::future::Future<Output = &'static str>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = hup.recv() => "SIGHUP",
            _ = int.recv() => "SIGINT",
        }
    })
}

/// SIGTSTP (`kill -TSTP`, or Ctrl-Z where the terminal is not in raw mode): the inbox gives the terminal
/// back and stops, as a terminal program should, instead of stopping with the shell left on the alternate
/// screen in raw mode. Tokio's handler replaces the default action, so the stop itself is `suspend`'s.
struct SuspendSignal {
    #[cfg(unix)]
    tstp: tokio::signal::unix::Signal,
}

impl SuspendSignal {
    fn listen() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(SuspendSignal {
                tstp: signal(SignalKind::from_raw(libc::SIGTSTP))?,
            })
        }
        #[cfg(not(unix))]
        Ok(SuspendSignal {})
    }

    async fn received(&mut self) {
        #[cfg(unix)]
        {
            self.tstp.recv().await;
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await;
    }
}

/// Puts the terminal back as the shell had it, stops the whole process until SIGCONT (`fg`, `kill -CONT`),
/// then takes the terminal again; the caller draws a whole frame.
fn suspend(guard: &mut TerminalGuard, mouse: bool) -> io::Result<()> {
    restore_modes();
    ratatui::restore();
    tracing::info!("suspended on SIGTSTP");
    #[cfg(unix)]
    {
        // SIGSTOP cannot be caught: this returns once the process is continued.
        // SAFETY: raise only delivers a signal to this process.
        if unsafe { libc::raise(libc::SIGSTOP) } != 0 {
            tracing::warn!(error = %io::Error::last_os_error(), "could not stop on SIGTSTP");
        }
    }
    tracing::info!("continued after SIGTSTP");
    resume(guard, mouse)
}

#[cfg(not(unix))]
fn quit_signals() -> io::Result<impl std::future::Future<Output = &'static str>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    })
}

/// How the terminal is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalOptions {
    /// Capture the mouse (clicks select, the wheel scrolls); off leaves it to the terminal.
    pub mouse: bool,
}

/// Runs the inbox until the user quits. Requests go to the worker over `requests`; its answers come back on
/// `events`. A frame is drawn only when something changed (input, an answer, the spinner while busy, the
/// moment an age on screen turns), once per burst of events, so an inbox left open costs next to nothing.
/// The form's draft is kept in `draft_file` (when there is one) after every change, so a crash loses at
/// most the key being handled.
pub async fn run(
    mut app: App,
    requests: mpsc::UnboundedSender<ApiRequest>,
    mut events: mpsc::UnboundedReceiver<ApiEvent>,
    mut draft_file: Option<DraftFile>,
    mut shared: SharedProfile,
    options: TerminalOptions,
    mut sync_news: Option<mpsc::UnboundedReceiver<crate::sync::background::SyncNews>>,
) -> color_eyre::Result<App> {
    let mut guard = TerminalGuard::enter(options.mouse)?;
    let size = guard.terminal.size()?;
    // What the system did with an effect (an opener's outcome) comes back into the loop as a message.
    let (back, mut outcomes) = mpsc::unbounded_channel::<Msg>();
    let mut outlets = Outlets {
        api: requests,
        back,
        notes: None,
        in_terminal: Vec::new(),
    };
    let state = &mut shared;
    dispatch(
        &mut app,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
        &mut outlets,
        state,
    );
    // Who sends is settled before anything could be sent; a process that does not send shows the outbox
    // as the sender keeps it.
    if let Some(sender) = state.sender_change() {
        dispatch(&mut app, Msg::Sender(sender), &mut outlets, state);
        if sender != crate::store::sender::Sender::Me {
            let outbox = state.outbox();
            dispatch(&mut app, Msg::Shared { outbox, marks: None }, &mut outlets, state);
        }
    }
    let out = app.start();
    let out = crate::step::settle(&mut app, out, state);
    carry_out(out, &mut outlets);
    let mut look = tokio::time::interval(SHARED_LOOK);
    look.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let mut input = EventStream::new();
    let signals = quit_signals()?;
    tokio::pin!(signals);
    let mut suspend_signal = SuspendSignal::listen()?;
    let panicked = PANICKED.notified();
    tokio::pin!(panicked);
    let mut background_panic = false;

    let mut dirty = true;
    let mut ages_change_at = app.ages_change_after(app.now());
    let mut next_tick = tokio::time::Instant::now() + TICK;
    while !app.should_quit() {
        if outlets.notes.is_some() || !outlets.in_terminal.is_empty() {
            // The event stream must not read the keys meant for the editor or a command: it goes, and
            // comes back after.
            drop(input);
            hand_terminal_over(&mut app, &mut guard, &mut outlets, state, options.mouse);
            input = EventStream::new();
            dirty = true;
        }
        // Marks are on disk before the frame that shows them: `dispatch` carries out what each message asked.
        if dirty {
            keep_draft(&mut app, draft_file.as_mut());
            guard.terminal.draw(|frame| ui::draw(frame, &app))?;
            ages_change_at = app.ages_change_after(app.now());
            dirty = false;
        }
        // Work just asked for makes the spinner turn from the next short tick; with nothing awaited the
        // clock sleeps until it matters (a deadline either way, so a stream of keys cannot starve it).
        next_tick = if app.busy() {
            next_tick.min(tokio::time::Instant::now() + TICK)
        } else {
            idle_deadline(&app)
        };
        tokio::select! {
            event = input.next() => match event {
                Some(Ok(event)) => {
                    // The kind only: what was typed may be a secret.
                    tracing::trace!(kind = event_kind(&event), "terminal event");
                    if let Some(msg) = terminal_msg(event) {
                        dispatch(&mut app, msg, &mut outlets, state);
                        dirty = true;
                    }
                }
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some(msg) = outcomes.recv() => {
                dispatch(&mut app, msg, &mut outlets, state);
                dirty = true;
            }
            Some(news) = next_news(&mut sync_news) => {
                dispatch(&mut app, Msg::Sync(news), &mut outlets, state);
                dirty = true;
            }
            Some(event) = events.recv() => {
                dispatch(&mut app, Msg::Api(event), &mut outlets, state);
                dirty |= !app.unchanged();
                // Take every answer that is already here before drawing again.
                while let Ok(event) = events.try_recv() {
                    dispatch(&mut app, Msg::Api(event), &mut outlets, state);
                    dirty |= !app.unchanged();
                }
            }
            _ = look.tick() => dirty |= look_at_shared(&mut app, &mut outlets, state),
            // Ready at once while a search is still ranking: one share, then its frame, then keys again.
            () = std::future::ready(()), if app.search_pending() => {
                dispatch(&mut app, Msg::Continue, &mut outlets, state);
                dirty = true;
            }
            () = suspend_signal.received() => {
                suspend(&mut guard, options.mouse)?;
                dirty = true;
            }
            signal = &mut signals => {
                tracing::info!(signal, "quitting on a signal");
                break;
            }
            _ = &mut panicked => {
                background_panic = true;
                break;
            }
            // A deadline, not a fresh sleep per event: a stream of keys or answers must not starve the clock.
            _ = tokio::time::sleep_until(next_tick) => {
                next_tick = tokio::time::Instant::now() + TICK;
                let was_busy = app.busy();
                dispatch(&mut app, Msg::Tick { now: Utc::now() }, &mut outlets, state);
                // The clock moves what is drawn only through the spinner and the ages on screen.
                dirty |= was_busy || app.busy() || app.now() >= ages_change_at;
            }
        }
    }
    keep_draft(&mut app, draft_file.as_mut());
    drop(guard);
    let report = BACKGROUND_PANIC.lock().ok().and_then(|mut slot| slot.take());
    if background_panic || report.is_some() {
        return Err(color_eyre::eyre::eyre!(
            "a background task of leadbox failed, so the inbox stopped (the draft is kept): {}",
            report.unwrap_or_default()
        ));
    }
    Ok(app)
}

/// The background sync's next news; never, for a profile without a mirror.
async fn next_news(
    news: &mut Option<mpsc::UnboundedReceiver<crate::sync::background::SyncNews>>,
) -> Option<crate::sync::background::SyncNews> {
    match news {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// What other leadbox processes on the profile changed since the last look (who sends, the outbox, marks,
/// learned fields), handed to the app; `true` when the screen changes.
fn look_at_shared(app: &mut App, outlets: &mut Outlets, state: &mut SharedProfile) -> bool {
    let mut changed = false;
    if let Some(sender) = state.sender_change() {
        dispatch(app, Msg::Sender(sender), outlets, state);
        changed = true;
    }
    if let Some(changes) = state.changes() {
        // Fields another leadbox learned first, so a lead of its outbox refused here opens with them.
        if let Some(learned) = changes.learned {
            dispatch(app, Msg::Learned(learned), outlets, state);
        }
        let msg = Msg::Shared {
            outbox: changes.outbox,
            marks: changes.marks,
        };
        dispatch(app, msg, outlets, state);
        changed |= !app.unchanged();
    }
    changed
}

/// Where what `update` asks for goes: requests to the API worker, and the outcomes of what the system was
/// asked to do back into the loop.
struct Outlets {
    api: mpsc::UnboundedSender<ApiRequest>,
    back: mpsc::UnboundedSender<Msg>,
    /// Notes to hand to the rep's editor: the loop does that itself, as it must give up the event stream.
    notes: Option<String>,
    /// Commands to run with the terminal handed over: the loop does that itself, as for the editor.
    in_terminal: Vec<crate::app::custom_commands::CommandRun>,
}

/// Does what `update` asked of the terminal and the system, then sends its requests. The clipboard
/// missing is a log line, not a reason to stop; an opener's outcome comes back on `back`, for the rep to
/// read.
fn carry_out(out: Output, outlets: &mut Outlets) {
    let back = &outlets.back;
    for effect in out.effects {
        match effect {
            Effect::Alert { bell, notify, text } => {
                // The text went through the sanitiser; `;` and the terminators are dropped as well so it
                // cannot end the sequence early.
                let text: String = text
                    .chars()
                    .filter(|c| !matches!(c, ';' | '\u{7}' | '\u{1b}'))
                    .collect();
                let mut out = io::stdout();
                let sequence = match notify {
                    Notify::None => String::new(),
                    Notify::Osc9 => format!("\x1b]9;{text}\x07"),
                    Notify::Osc777 => format!("\x1b]777;notify;leadbox;{text}\x07"),
                };
                let bell = if bell { "\x07" } else { "" };
                let _ = out.write_all(format!("{sequence}{bell}").as_bytes());
                let _ = out.flush();
            }
            Effect::Copy(text) => {
                let mut out = io::stdout();
                if let Err(e) = execute!(out, CopyToClipboard::to_clipboard_from(text)) {
                    tracing::warn!(error = %e, "could not write to the clipboard");
                }
            }
            Effect::Open(link) => {
                let back = back.clone();
                let handed = link.clone();
                crate::child::open_detached(&handed, move |result| {
                    // The loop is gone only when the inbox is closing: nobody is left to tell.
                    let result = result.map_err(crate::app::action::Outside::new);
                    let _ = back.send(Msg::Opened { link, result });
                });
            }
            Effect::EditNotes(notes) => outlets.notes = Some(notes),
            Effect::Export { target, text, count } => export(target, text, count, back.clone()),
            Effect::RunCommands(runs) => {
                let (terminal, background): (Vec<_>, Vec<_>) = runs
                    .into_iter()
                    .partition(|r| r.mode == crate::app::custom_commands::RunMode::Terminal);
                if !background.is_empty() {
                    user_commands::run_in_background(background, back.clone());
                }
                outlets.in_terminal.extend(terminal);
            }
            // Local state is kept by `step`, before any request goes.
            _ => {}
        }
    }
    for request in out.requests {
        send(&outlets.api, request);
    }
}

/// Writes an export's lines where the rep said, on a thread of its own (a slow disk or command must not
/// hold up the screen); the outcome comes back as [`Msg::Exported`].
fn export(target: ExportTarget, text: String, count: usize, back: mpsc::UnboundedSender<Msg>) {
    let run = move || {
        let result = match &target {
            ExportTarget::File(typed) => {
                let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
                crate::exporting::to_file(&crate::exporting::expand(typed, home.as_deref()), &text)
            }
            ExportTarget::Command(command) => crate::exporting::to_command(command, text),
        };
        if let Err(e) = &result {
            tracing::warn!(error = %crate::sanitize::line(&e.to_string()), "an export failed");
        }
        let result = result.map_err(crate::app::action::Outside::new);
        // The loop is gone only when the inbox is closing: nobody is left to tell.
        let _ = back.send(Msg::Exported { target, count, result });
    };
    if let Err(e) = std::thread::Builder::new().name("export".to_string()).spawn(run) {
        tracing::warn!(error = %e, "no thread for an export");
    }
}

fn keep_draft(app: &mut App, file: Option<&mut DraftFile>) {
    let Some(file) = file else {
        return;
    };
    if let Err(e) = file.sync(app.draft()) {
        tracing::warn!(error = %e, "the form's draft was not kept");
        app.draft_not_saved(&e.to_string());
    }
}

/// The largest notes file read back from the editor: far over what a lead's notes may hold, so the form's
/// own counter tells the rep how much to cut, while a runaway file cannot fill memory.
const EDITED_AT_MOST: u64 = 1 << 20;

/// Why the notes did not come back from the editor; the form keeps them as they were.
#[derive(Debug, thiserror::Error)]
enum EditError {
    #[error("$EDITOR could not be read: {0}")]
    EditorUnreadable(shell_words::ParseError),
    #[error("$EDITOR is empty")]
    EditorEmpty,
    #[error("the notes could not be handed to the editor: {0}")]
    HandOver(io::Error),
    #[error("{program} could not be started: {source}")]
    Start { program: String, source: io::Error },
    #[error("{program} ended with {status}: the notes are as they were")]
    Failed {
        program: String,
        status: std::process::ExitStatus,
    },
    #[error("the edited notes could not be read: {0}")]
    ReadBack(io::Error),
    #[error("the edited notes are over 1 MiB: the notes are as they were")]
    TooLong,
    #[error("the edited notes are not UTF-8 text: the notes are as they were")]
    NotText,
    #[error("the terminal could not be taken back: {0}")]
    Resume(io::Error),
}

/// Opens `text` in `$VISUAL` or `$EDITOR` (else `vi`) on a file only the rep can read, with the terminal
/// given back to the editor meanwhile, and returns what the file holds afterwards.
fn edit_in_editor(guard: &mut TerminalGuard, text: &str, mouse: bool) -> Result<String, EditError> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_string());
    let words = shell_words::split(&editor).map_err(EditError::EditorUnreadable)?;
    let (program, args) = words.split_first().ok_or(EditError::EditorEmpty)?;
    let path = std::env::temp_dir().join(format!("leadbox-notes-{}.txt", uuid::Uuid::new_v4()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(EditError::HandOver);
    if let Err(why) = written {
        let _ = std::fs::remove_file(&path);
        return Err(why);
    }
    restore_modes();
    ratatui::restore();
    let status = crate::child::command(program).args(args).arg(&path).status();
    let back = resume(guard, mouse);
    let read = || -> Result<String, EditError> {
        let status = status.map_err(|source| EditError::Start {
            program: program.clone(),
            source,
        })?;
        if !status.success() {
            return Err(EditError::Failed {
                program: program.clone(),
                status,
            });
        }
        let file = std::fs::File::open(&path).map_err(EditError::ReadBack)?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(file, EDITED_AT_MOST + 1), &mut bytes)
            .map_err(EditError::ReadBack)?;
        if bytes.len() as u64 > EDITED_AT_MOST {
            return Err(EditError::TooLong);
        }
        String::from_utf8(bytes).map_err(|_| EditError::NotText)
    };
    let result = read();
    let _ = std::fs::remove_file(&path);
    back.map_err(EditError::Resume)?;
    result
}

/// Gives the terminal to the rep's editor for the notes, or to the commands that run in it, and tells the
/// app what came back. The caller has dropped the event stream meanwhile.
fn hand_terminal_over(
    app: &mut App,
    guard: &mut TerminalGuard,
    outlets: &mut Outlets,
    state: &mut SharedProfile,
    mouse: bool,
) {
    if let Some(notes) = outlets.notes.take() {
        let edited = edit_in_editor(guard, &notes, mouse);
        // The app says the reason in the form's status line; it holds it as the sentence it shows.
        let msg = Msg::Edited(edited.map_err(crate::app::action::Outside::new));
        dispatch(app, msg, outlets, state);
    }
    let runs = std::mem::take(&mut outlets.in_terminal);
    if !runs.is_empty() {
        for (name, ended) in run_in_terminal(guard, runs, mouse) {
            dispatch(app, Msg::CommandEnded { name, ended }, outlets, state);
        }
    }
}

/// Runs each of `runs` in turn with the terminal given over, then takes it back: how each ended, by name
/// (a failure stops the ones after it).
fn run_in_terminal(
    guard: &mut TerminalGuard,
    runs: Vec<crate::app::custom_commands::CommandRun>,
    mouse: bool,
) -> Vec<(String, crate::app::custom_commands::Ended)> {
    restore_modes();
    ratatui::restore();
    let mut ended = Vec::new();
    for run in runs {
        let end = user_commands::run_in_terminal(&run);
        let failed = !matches!(end, crate::app::custom_commands::Ended::Done { .. });
        ended.push((run.name, end));
        if failed {
            break;
        }
    }
    if let Err(e) = resume(guard, mouse) {
        tracing::error!(error = %e, "the terminal could not be taken back after a command");
    }
    ended
}

/// Takes the terminal back after a program that had it: raw mode, the alternate screen, paste and mouse,
/// and a whole frame next.
fn resume(guard: &mut TerminalGuard, mouse: bool) -> io::Result<()> {
    use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen, enable_raw_mode};
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        Clear(ClearType::All),
        EnableBracketedPaste
    )?;
    if mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    // A new terminal knows nothing of what was on screen, so the next frame is drawn whole (asking the
    // terminal where its cursor is, as `clear` does, can wait on an answer some terminals never give).
    guard.terminal = ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(io::stdout()))?;
    Ok(())
}

/// Hands `msg` to the app, keeps what it asked to keep (an outbox entry is on disk before its request
/// goes, or the request does not go), then sends its requests.
fn dispatch(app: &mut App, msg: Msg, outlets: &mut Outlets, state: &mut impl LocalState) {
    let out = crate::step::step(app, msg, state);
    carry_out(out, outlets);
}

fn send(requests: &mpsc::UnboundedSender<ApiRequest>, request: ApiRequest) {
    if requests.send(request).is_err() {
        tracing::error!("the API worker has stopped; request dropped");
    }
}

/// What kind of event the terminal sent, for the log.
fn event_kind(event: &Event) -> &'static str {
    match event {
        Event::Key(_) => "key",
        Event::Mouse(_) => "mouse",
        Event::Paste(_) => "paste",
        Event::Resize(..) => "resize",
        Event::FocusGained | Event::FocusLost => "focus",
    }
}

/// Turns a terminal event into a message for `update`; key releases and focus changes mean nothing here.
pub fn terminal_msg(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        Event::Mouse(mouse) => Some(Msg::Mouse(mouse)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_the_editor_did_not_give_back_say_they_are_as_they_were() {
        assert_eq!(
            EditError::TooLong.to_string(),
            "the edited notes are over 1 MiB: the notes are as they were"
        );
        assert_eq!(EDITED_AT_MOST, 1 << 20, "the sentence names the bound");
        assert_eq!(EditError::EditorEmpty.to_string(), "$EDITOR is empty");
        #[cfg(unix)]
        {
            let status = std::os::unix::process::ExitStatusExt::from_raw(1 << 8);
            let failed = EditError::Failed {
                program: "vi".into(),
                status,
            };
            assert_eq!(
                failed.to_string(),
                "vi ended with exit status: 1: the notes are as they were"
            );
        }
    }
}
