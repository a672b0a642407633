//! Drawing the explorer. Views read the app; the only state they change is
//! view state (the table's scroll offset).

mod audit;
mod blocks;
mod catalog;
mod compare;
mod detail;
mod explorer;
mod help;
mod picker;
mod power;
mod problems;
mod status;
mod table;

use crate::tui::app::App;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout};
use ratatui::widgets::Paragraph;

/// Smallest terminal the explorer draws in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

pub use blocks::ViewState;

/// Draws one frame.
pub fn render(frame: &mut Frame, app: &App, keymap: &Keymap, theme: &Theme, view: &mut ViewState) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "Terminal too small ({}x{}): permscope needs {}x{}. Enlarge it, or press q to quit.",
            area.width, area.height, MIN_WIDTH, MIN_HEIGHT
        );
        frame.render_widget(Paragraph::new(msg).wrap(ratatui::widgets::Wrap { trim: true }), area);
        return;
    }
    let searching = app.input_before.is_some() || !app.query.text.is_empty();
    let footer = status::footer_height(app, area.width);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Length(if searching { 1 } else { 0 }),
            Constraint::Min(4),
            Constraint::Length(footer),
        ])
        .split(area);
    status::header(frame, rows[0], app, theme);
    if searching {
        status::search_line(frame, rows[1], app, theme);
    }
    if let Some((a, scroll)) = &app.audit {
        audit::render(frame, rows[2], a, *scroll, theme);
    } else if let Some(layer) = &app.power.layer {
        power::render(frame, rows[2], app, layer, theme);
    } else if let Some(view) = &app.catalog_view {
        catalog::render(frame, rows[2], app, view, theme);
    } else if let Some(cmp) = &app.compare {
        compare::render(frame, rows[2], app, cmp, theme);
    } else {
        let (table_area, detail_area) = blocks::split_body(rows[2], app.entries.len());
        explorer::table(frame, table_area, app, theme, view);
        detail::pane(frame, detail_area, app, theme);
    }
    status::footer(frame, rows[3], app, keymap, theme);
    if let Some(p) = &app.picker {
        picker::popup(frame, area, p, &app.catalog, theme);
    }
    if let Some(scroll) = app.problems_open {
        problems::popup(frame, area, app, scroll, keymap, theme);
    }
    if app.help {
        help::popup(frame, area, app, keymap, theme);
    }
    scrub(frame.buffer_mut());
}

/// The door text reaches the terminal by: no cell may carry a character that
/// a terminal acts on or that disguises text (data is checked when loaded and
/// typed text is shown escaped; this holds whatever slipped past).
fn scrub(buffer: &mut ratatui::buffer::Buffer) {
    for cell in buffer.content.iter_mut() {
        if crate::model::text::find_unsafe(cell.symbol()).is_some() {
            cell.set_symbol("\u{fffd}");
        }
    }
}

/// Plain text of a rendered screen, for tests and screenshots.
pub fn buffer_text(buffer: &ratatui::buffer::Buffer) -> Vec<String> {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            let mut line = String::new();
            let mut x = 0;
            while x < area.width {
                let cell = &buffer[(x, y)];
                line.push_str(cell.symbol());
                x += 1;
            }
            line.trim_end().to_string()
        })
        .collect()
}
