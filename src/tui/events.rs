//! Terminal events to the explorer's actions, a burst at a time: whatever
//! arrived together is applied together, so that a paste or fast typing costs
//! one search and one redraw, not one per character.

use crate::tui::action::{Action, Effect};
use crate::tui::app::App;
use crate::tui::keymap::Keymap;
use ratatui::crossterm::event::Event;
use std::collections::VecDeque;

/// Applies a burst of terminal events to `app`, in order, and returns the
/// effects for the runtime. Characters typed into the search in a row become
/// one [`Action::InputText`]; a bracketed paste is one too. Stops after an
/// action that quits or suspends, leaving the events after it in `events`
/// (after `fg` they are applied; after a quit they do not matter).
pub fn apply_burst(app: &mut App, keymap: &Keymap, events: &mut VecDeque<Event>) -> Vec<Effect> {
    let mut effects = Vec::new();
    let mut typed = String::new();
    while let Some(event) = events.pop_front() {
        let action = match event {
            // The focus is the app's as it stands: typed text does not change it.
            Event::Key(key) => keymap.action_for(&key, app.focus()),
            Event::Paste(text) => Some(Action::InputText(text)),
            Event::Resize(w, h) => Some(Action::Resize(w, h)),
            _ => None,
        };
        let Some(action) = action else { continue };
        if let Action::InputChar(c) = action {
            typed.push(c);
            continue;
        }
        // A line break inside the search's burst, with more text right after
        // it, is a multi-line paste from a terminal without bracketed paste,
        // not a reviewer pressing Enter (nobody types the next key within the
        // same millisecond): it stays text, so that the rest of the paste does
        // not run as commands (a `q` in it would quit).
        if action == Action::AcceptFilter && !typed.is_empty() && starts_with_text(app, keymap, events) {
            typed.push(' ');
            continue;
        }
        if !typed.is_empty() {
            effects.extend(app.update(Action::InputText(std::mem::take(&mut typed))));
        }
        let out = app.update(action);
        let stop = out.iter().any(|e| matches!(e, Effect::Quit | Effect::Suspend));
        effects.extend(out);
        if stop {
            break;
        }
    }
    if !typed.is_empty() {
        effects.extend(app.update(Action::InputText(typed)));
    }
    effects
}

/// True when the next event of the burst is a character typed into the search.
fn starts_with_text(app: &App, keymap: &Keymap, events: &VecDeque<Event>) -> bool {
    match events.front() {
        Some(Event::Key(key)) => matches!(keymap.action_for(key, app.focus()), Some(Action::InputChar(_))),
        _ => false,
    }
}
