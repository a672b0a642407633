//! The interactive explorer: a synchronous loop with one input thread.
//!
//! Data is loaded and validated before the terminal enters raw mode; nothing is
//! printed while the alternate screen is up; a guard restores the terminal on
//! every exit path (ratatui's panic hook covers panics).

pub mod action;
pub mod app;
pub mod keymap;
pub mod layers;
pub mod power;
pub mod results;
pub mod theme;
pub mod view;

use crate::clipboard::Clipboard;
use crate::tui::action::{Action, Effect};
use crate::tui::app::App;
use crate::tui::keymap::Keymap;
use crate::tui::results::{FilterResult, SearchWorker};
use crate::tui::theme::Theme;
use crate::tui::view::ViewState;
use ratatui::crossterm::event::{self, Event};
use std::io::Write;
use std::sync::Arc;
use std::sync::mpsc;

/// What the input thread sends.
enum Message {
    Event(Event),
    InputError(String),
    /// A filter result from the worker.
    Filtered(FilterResult),
    /// SIGTERM, SIGHUP or SIGINT: restore the terminal and leave.
    Signal(i32),
}

/// Restores the terminal when dropped, whatever the exit path.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Runs the explorer until the user quits. Returns the last copied text (for `--print`).
pub fn run(mut app: App, theme: Theme, mut clipboard: Clipboard) -> anyhow::Result<Option<String>> {
    let keymap = Keymap::default();
    let mut view = ViewState::default();
    let mut terminal = ratatui::init();
    let guard = TerminalGuard;
    let (tx, rx) = mpsc::channel();
    let results_tx = tx.clone();
    let worker = SearchWorker::spawn(Arc::clone(&app.catalog), move |result| {
        results_tx.send(Message::Filtered(result)).is_ok()
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
    std::thread::spawn(move || {
        loop {
            match event::read() {
                Ok(ev) => {
                    if tx.send(Message::Event(ev)).is_err() {
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
    if let Ok(size) = terminal.size() {
        app.update(Action::Resize(size.width, size.height));
    }
    loop {
        terminal.draw(|f| view::render(f, &app, &keymap, &theme, &mut view))?;
        let msg = match rx.recv() {
            Ok(m) => m,
            Err(_) => break,
        };
        let action = match msg {
            Message::InputError(e) => {
                drop(guard);
                anyhow::bail!("cannot read the terminal: {e}");
            }
            Message::Signal(sig) => {
                drop(guard);
                // The conventional exit status for death by a signal.
                std::process::exit(128 + sig);
            }
            Message::Filtered(result) => {
                app.filter_done(result);
                continue;
            }
            Message::Event(Event::Key(k)) => keymap.action_for(&k, app.focus()),
            Message::Event(Event::Resize(w, h)) => Some(Action::Resize(w, h)),
            Message::Event(_) => None,
        };
        let Some(action) = action else { continue };
        for effect in app.update(action) {
            match effect {
                Effect::Filter(request) => worker.submit(request),
                Effect::Quit => {
                    drop(guard);
                    return Ok(app.last_copied.take());
                }
                Effect::Copy { text, count, warnings } => {
                    let outcome = clipboard.copy(&text, count);
                    if !outcome.terminal_bytes.is_empty() {
                        let backend = terminal.backend_mut();
                        backend.write_all(&outcome.terminal_bytes)?;
                        backend.flush()?;
                    }
                    let mut status = outcome.status;
                    if let Some(first) = warnings.first() {
                        status.push_str(&format!(" · {} warning(s): {first}", warnings.len()));
                    }
                    app.update(Action::ShowStatus(status));
                }
                Effect::Suspend => {
                    suspend();
                    terminal = ratatui::init();
                    terminal.clear()?;
                }
            }
        }
    }
    drop(guard);
    Ok(app.last_copied.take())
}

/// Ctrl-Z: give the terminal back and stop until `fg`.
fn suspend() {
    ratatui::restore();
    // SIGTSTP to ourselves without unsafe code: the shell's job control does the rest.
    let _ = std::process::Command::new("kill")
        .args(["-TSTP", &std::process::id().to_string()])
        .status();
}
