//! Small pieces every view uses: the view state kept between frames, a
//! centred popup area, a scrollable overlay and an empty line.

use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::Line;

/// View state kept between frames, apart from the domain.
#[derive(Debug, Default, Clone)]
pub struct ViewState {
    /// First table entry drawn.
    pub offset: usize,
}

/// A rectangle of at most `w` x `h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// An empty line, for spacing.
pub fn blank() -> Line<'static> {
    Line::from("")
}

/// Side by side when wide, stacked otherwise; stacked, a table of few lines
/// takes only the height it needs and leaves the rest to the detail pane.
pub fn split_body(area: Rect, lines: usize) -> (Rect, Rect) {
    if area.width >= 150 {
        let parts = Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Percentage(58), Constraint::Percentage(42)])
            .split(area);
        (parts[0], parts[1])
    } else {
        // Borders and the header take three lines; at least a few lines each way.
        let wanted = u16::try_from(lines.saturating_add(3)).unwrap_or(u16::MAX).max(6);
        let table = wanted.min(area.height * 55 / 100);
        let parts = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Length(table), Constraint::Min(0)])
            .split(area);
        (parts[0], parts[1])
    }
}

/// A scrollable panel over the screen (help, the problems list): cleared,
/// framed, titled, its lines wrapped and scrolled by `scroll`.
pub fn overlay(
    frame: &mut ratatui::Frame,
    area: Rect,
    title: String,
    lines: Vec<Line<'static>>,
    scroll: u16,
    theme: &crate::tui::theme::Theme,
) {
    use ratatui::text::Span;
    use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
    let rect = centered(area, 112, area.height.saturating_sub(2));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.focus_border())
                    .title(Span::styled(title, theme.title()))
                    .padding(ratatui::widgets::Padding::horizontal(1)),
            )
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        rect,
    );
}
