//! The explorer's loop, apart from any real terminal: draw, wait for a
//! message, take every message already waiting, apply them as one burst, hand
//! the effects to the world, draw once. A signal ends it whatever else waits.

use crate::model::advise::AppAdvice;
use crate::model::query::AppRef;
use crate::tui::action::{Action, Effect};
use crate::tui::app::App;
use crate::tui::events::apply_burst;
use crate::tui::keymap::Keymap;
use crate::tui::results::{FilterRequest, FilterResult};
use crate::tui::theme::Theme;
use crate::tui::view::{self, ViewState};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::Event;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

/// What the loop is fed: terminal events (from the input thread), search
/// results and advice (from the workers), signals.
#[derive(Debug)]
pub enum Message {
    /// Terminal events, as many as were waiting when the input thread read.
    Events(Vec<Event>),
    /// The terminal cannot be read any more.
    InputError(String),
    /// A search result from the worker.
    Filtered(FilterResult),
    /// An app's advice from the advice worker.
    Advised(AppRef, Arc<AppAdvice>),
    /// SIGTERM, SIGHUP or SIGINT: restore the terminal and leave.
    Signal(i32),
}

/// Why the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The user quit.
    Quit,
    /// A signal asked the program to end.
    Signal(i32),
    /// Every sender is gone: nothing more can arrive.
    Closed,
}

/// The loop's end, and how many frames it drew.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub exit: Exit,
    pub frames: usize,
}

/// The effects that reach outside the explorer: the search worker, the
/// clipboard, the process's own job control.
pub trait World<B: Backend> {
    /// Search on the worker; the result comes back as [`Message::Filtered`].
    fn filter(&mut self, request: FilterRequest);
    /// Advise on an app on the worker; it comes back as [`Message::Advised`].
    fn advise(&mut self, app: AppRef);
    /// Copies `text` (`count` permissions); returns what the status line says.
    fn copy(&mut self, terminal: &mut Terminal<B>, text: &str, count: usize) -> anyhow::Result<String>;
    /// Gives the terminal back and stops until `fg`, then takes it again.
    fn suspend(&mut self, terminal: &mut Terminal<B>) -> anyhow::Result<()>;
}

/// Runs the explorer until it quits, a signal arrives or nothing more can.
pub fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    keymap: &Keymap,
    theme: &Theme,
    view: &mut ViewState,
    rx: &Receiver<Message>,
    world: &mut dyn World<B>,
) -> anyhow::Result<Outcome>
where
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let mut frames = 0;
    let mut events: VecDeque<Event> = VecDeque::new();
    loop {
        terminal.draw(|f| view::render(f, app, keymap, theme, view))?;
        frames += 1;
        // Effects of what the workers brought back.
        let mut effects = Vec::new();
        // Events left over from before a suspend are applied first.
        if events.is_empty() {
            let Ok(first) = rx.recv() else {
                return Ok(Outcome {
                    exit: Exit::Closed,
                    frames,
                });
            };
            let batch: Vec<Message> = std::iter::once(first).chain(rx.try_iter()).collect();
            if let Some(sig) = batch.iter().find_map(|m| match m {
                Message::Signal(sig) => Some(*sig),
                _ => None,
            }) {
                return Ok(Outcome {
                    exit: Exit::Signal(sig),
                    frames,
                });
            }
            for message in batch {
                match message {
                    Message::Events(e) => events.extend(e),
                    Message::Filtered(result) => effects.extend(app.filter_done(result)),
                    Message::Advised(which, advice) => app.advice_done(which, advice),
                    Message::InputError(e) => anyhow::bail!("cannot read the terminal: {e}"),
                    Message::Signal(_) => {}
                }
            }
        }
        effects.extend(apply_burst(app, keymap, &mut events));
        for effect in effects {
            match effect {
                Effect::Filter(request) => world.filter(request),
                Effect::Advise(which) => world.advise(which),
                Effect::Quit => {
                    return Ok(Outcome {
                        exit: Exit::Quit,
                        frames,
                    });
                }
                Effect::Copy { text, count, warnings } => {
                    let mut status = world.copy(terminal, &text, count)?;
                    if let Some(first) = warnings.first() {
                        status.push_str(&format!(" · {} warning(s): {first}", warnings.len()));
                    }
                    app.update(Action::ShowStatus(status));
                }
                Effect::Suspend => {
                    world.suspend(terminal)?;
                    // The terminal may have changed size meanwhile.
                    if let Ok(size) = terminal.size() {
                        app.update(Action::Resize(size.width, size.height));
                    }
                }
            }
        }
    }
}
