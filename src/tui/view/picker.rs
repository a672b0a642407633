//! The facet picker popup: tick products, APIs or workloads.

use crate::model::catalog::Catalog;
use crate::tui::app::Picker;
use crate::tui::theme::Theme;
use crate::tui::view::blocks::centered;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState};

pub(super) fn popup(frame: &mut Frame, area: Rect, picker: &Picker, catalog: &Catalog, theme: &Theme) {
    let items: Vec<ListItem> = picker
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let text = if picker.multi() {
                let t = picker.ticked.get(i).copied().unwrap_or(false);
                format!("[{}] {}", if t { 'x' } else { ' ' }, o)
            } else {
                o.clone()
            };
            ListItem::new(Line::from(text))
        })
        .collect();
    let title = format!(" {} ", picker.title(catalog));
    let width = picker
        .options
        .iter()
        .map(|o| o.chars().count())
        .max()
        .unwrap_or(10)
        .min(200) as u16
        + 12;
    let rect = centered(
        area,
        width.max(title.chars().count() as u16 + 4),
        picker.options.len() as u16 + 2,
    );
    frame.render_widget(Clear, rect);
    let list = List::new(items)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.focus_border())
                .title(Span::styled(title, theme.title())),
        )
        .highlight_style(theme.selected())
        .highlight_symbol("▶ ");
    let mut state = ListState::default().with_selected(Some(picker.cursor));
    frame.render_stateful_widget(list, rect, &mut state);
}
