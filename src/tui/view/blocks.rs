//! Small pieces every view uses: the view state kept between frames, a
//! centred popup area and an empty line.

use ratatui::layout::Rect;
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
