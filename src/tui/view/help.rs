//! The help overlay, generated from the keymap.

use crate::tui::app::App;
use crate::tui::keymap::{Focus, Keymap};
use crate::tui::theme::Theme;
use crate::tui::view::blocks::blank;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub(super) fn popup(frame: &mut Frame, area: Rect, app: &App, keymap: &Keymap, theme: &Theme) {
    let mut lines = Vec::new();
    // Each binding once, under the first layer it applies to.
    for focus in [
        Focus::Table,
        Focus::Compare,
        Focus::Input,
        Focus::Picker,
        Focus::Help,
        Focus::Problems,
    ] {
        lines.push(Line::from(Span::styled(
            match focus {
                Focus::Table => "Table, detail pane (and compare view where it makes sense)",
                other => other.label(),
            },
            theme.header(),
        )));
        for b in keymap.bindings.iter().filter(|b| {
            if b.anywhere() {
                focus == Focus::Table
            } else {
                b.focus.first() == Some(&focus)
            }
        }) {
            let keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
            let mut desc = b.desc.to_string();
            if b.anywhere() {
                desc.push_str(" (anywhere)");
            }
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<16}", keys.join(" ")), theme.title()),
                Span::raw(desc),
            ]));
        }
        if focus == Focus::Input {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<16}", "any character"), theme.title()),
                Span::raw("typed into the search (words separated by spaces must all match)"),
            ]));
        }
        lines.push(blank());
    }
    lines.push(Line::from(Span::styled(
        "Workloads marked * are derived by permscope, not stated by the vendor.",
        theme.dim(),
    )));
    crate::tui::view::blocks::overlay(
        frame,
        area,
        " Help — j/k scroll · Esc or ? closes ".to_string(),
        lines,
        app.help_scroll,
        theme,
    );
}
