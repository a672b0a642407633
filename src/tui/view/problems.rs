//! The list of problems found loading the data (`!`): each file skipped or
//! folder missing, in full, so nothing is only on the terminal after exit.

use crate::model::text::neutralise;
use crate::tui::app::App;
use crate::tui::keymap::{Focus, Keymap};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub(super) fn popup(frame: &mut Frame, area: Rect, app: &App, scroll: u16, keymap: &Keymap, theme: &Theme) {
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{} problem(s) loading the data; every other file loaded. `permscope check` reports them too.",
            app.problems.len()
        ),
        theme.dim(),
    ))];
    for p in &app.problems {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(format!("• {}", neutralise(p)), theme.warn())));
    }
    // How to close it, from the keymap.
    let keys: Vec<String> = keymap
        .for_focus(Focus::Problems)
        .filter(|b| b.action == crate::tui::action::Action::Close)
        .flat_map(|b| b.keys.iter().map(|k| k.label()))
        .collect();
    let title = format!(" Problems — j/k scroll · {} closes ", keys.join(" or "));
    crate::tui::view::blocks::overlay(frame, area, title, lines, scroll, theme);
}
