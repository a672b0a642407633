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
