//! The interactive explorer on the real terminal: one input thread, the
//! search worker, signals, the clipboard and job control around the loop of
//! [`runtime`].
//!
//! Data is loaded and validated before the terminal enters raw mode; nothing is
//! printed while the alternate screen is up; a guard restores the terminal on
//! every exit path (the screen's panic hook covers panics).

pub mod action;
pub mod app;
pub mod events;
pub mod keymap;
pub mod layers;
pub mod power;
pub mod results;
pub mod runtime;
pub mod screen;
pub mod theme;
pub mod view;

use crate::clipboard::Clipboard;
use crate::model::query::AppRef;
use crate::tui::app::App;
use crate::tui::keymap::Keymap;
use crate::tui::results::{AdviceWorker, FilterRequest, SearchWorker};
use crate::tui::runtime::{Exit, Message, World};
use crate::tui::theme::Theme;
use crate::tui::view::ViewState;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event;
use std::io::Write;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Restores the terminal when dropped, whatever the exit path.
struct TerminalGuard(screen::Screen);

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        self.0.restore();
    }
}

/// Runs the explorer on `screen` until the user quits. Returns the last
/// copied text (for `--print`).
pub fn run(mut app: App, theme: Theme, clipboard: Clipboard, screen: screen::Screen) -> anyhow::Result<Option<String>> {
    let keymap = Keymap::default();
    let mut view = ViewState::default();
    let mut terminal = screen.init()?;
    let guard = TerminalGuard(screen);
    let (tx, rx) = mpsc::channel();
    let results_tx = tx.clone();
    let worker = SearchWorker::spawn(Arc::clone(&app.catalog), move |result| {
        results_tx.send(Message::Filtered(result)).is_ok()
    });
    let advice_tx = tx.clone();
    let adviser = AdviceWorker::spawn(Arc::clone(&app.catalog), app.advisor(), move |which, advice| {
        advice_tx.send(Message::Advised(which, advice)).is_ok()
    });
    let signal_tx = tx.clone();
    if let Ok(mut signals) = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ]) {
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let _ = signal_tx.send(Message::Signal(sig));
            }
        });
    }
    let input = Input::spawn(tx);
    if let Ok(size) = terminal.size() {
        app.update(action::Action::Resize(size.width, size.height));
    }
    let mut world = RealWorld {
        worker,
        adviser,
        clipboard,
        input,
        screen,
    };
    let outcome = runtime::event_loop(&mut terminal, &mut app, &keymap, &theme, &mut view, &rx, &mut world)?;
    drop(guard);
    if let Exit::Signal(sig) = outcome.exit {
        // The conventional exit status for death by a signal.
        std::process::exit(128 + sig);
    }
    Ok(app.last_copied.take())
}

/// The real world of the loop: the search worker, the clipboard, and job
/// control with the input thread held while the shell has the terminal.
struct RealWorld {
    worker: SearchWorker,
    adviser: AdviceWorker,
    clipboard: Clipboard,
    input: Input,
    screen: screen::Screen,
}

impl World<CrosstermBackend<screen::Output>> for RealWorld {
    fn filter(&mut self, request: FilterRequest) {
        self.worker.submit(request);
    }

    fn advise(&mut self, app: AppRef) {
        self.adviser.submit(app);
    }

    fn copy(
        &mut self,
        terminal: &mut Terminal<CrosstermBackend<screen::Output>>,
        text: &str,
        count: usize,
    ) -> anyhow::Result<String> {
        let outcome = self.clipboard.copy(text, count);
        if !outcome.terminal_bytes.is_empty() {
            let backend = terminal.backend_mut();
            backend.write_all(&outcome.terminal_bytes)?;
            Write::flush(backend)?;
        }
        Ok(outcome.status)
    }

    /// Ctrl-Z: the input thread stops reading (so that it neither takes what
    /// is typed at the shell nor holds crossterm's reader), the terminal is
    /// given back, the process stops; after `fg` all of it is taken back.
    fn suspend(&mut self, terminal: &mut Terminal<CrosstermBackend<screen::Output>>) -> anyhow::Result<()> {
        self.input.pause();
        self.screen.restore();
        // SIGTSTP to ourselves without unsafe code: the shell's job control does the rest.
        let _ = std::process::Command::new("kill")
            .args(["-TSTP", &std::process::id().to_string()])
            .status();
        let entered = self.screen.reenter();
        self.input.resume();
        *terminal = entered?;
        Ok(())
    }
}

/// Events as they come: waits up to 50 ms for one, then takes every event
/// that follows within a millisecond of the last (a paste without bracketed
/// paste is thousands of keys: sent one by one, each would cost the loop a
/// redraw). At most 65,536 at a time, so that the loop sees a stream that
/// never pauses, and a Ctrl-C in it, soon.
fn read_waiting() -> std::io::Result<Vec<event::Event>> {
    let mut events = Vec::new();
    if !event::poll(Duration::from_millis(50))? {
        return Ok(events);
    }
    events.push(event::read()?);
    // (A zero timeout would only look at what crossterm has parsed already.)
    while events.len() < 65_536 && event::poll(Duration::from_millis(1))? {
        events.push(event::read()?);
    }
    Ok(events)
}

/// The input thread: reads terminal events and sends them to the loop. It
/// polls rather than blocks, so that it can be held between two reads.
struct Input {
    state: Arc<(Mutex<Hold>, Condvar)>,
}

#[derive(Default)]
struct Hold {
    /// The loop wants the thread held.
    wanted: bool,
    /// The thread is held (and reads nothing).
    held: bool,
}

impl Input {
    fn spawn(tx: Sender<Message>) -> Input {
        let state: Arc<(Mutex<Hold>, Condvar)> = Arc::default();
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            let (lock, changed) = &*shared;
            loop {
                {
                    let mut hold = lock.lock().unwrap_or_else(|e| e.into_inner());
                    if hold.wanted {
                        hold.held = true;
                        changed.notify_all();
                        while hold.wanted {
                            hold = changed.wait(hold).unwrap_or_else(|e| e.into_inner());
                        }
                        hold.held = false;
                    }
                }
                match read_waiting() {
                    Ok(events) if events.is_empty() => {}
                    Ok(events) => {
                        if tx.send(Message::Events(events)).is_err() {
                            break;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Message::InputError(e.to_string()));
                        break;
                    }
                }
            }
        });
        Input { state }
    }

    /// Holds the thread between two reads (waiting at most a second).
    fn pause(&self) {
        let (lock, changed) = &*self.state;
        let mut hold = lock.lock().unwrap_or_else(|e| e.into_inner());
        hold.wanted = true;
        let deadline = std::time::Instant::now() + Duration::from_secs(1);
        while !hold.held {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break;
            }
            hold = changed.wait_timeout(hold, left).unwrap_or_else(|e| e.into_inner()).0;
        }
    }

    /// Lets the thread read again.
    fn resume(&self) {
        let (lock, changed) = &*self.state;
        lock.lock().unwrap_or_else(|e| e.into_inner()).wanted = false;
        changed.notify_all();
    }
}
