//! The catalog mode: every permission Microsoft publishes, rated, with who
//! asks for it, and the highlighted one's details.

use crate::model::columns::{Column, claim_label};
use crate::model::published::{COLUMNS, PublishedTable};
use crate::model::query::Matcher;
use crate::tui::app::{App, CatalogView};
use crate::tui::theme::Theme;
use crate::tui::view::explorer::highlighted;
use crate::tui::view::{detail, table};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Wrap};

pub(super) fn render(frame: &mut Frame, area: Rect, app: &App, view: &CatalogView, theme: &Theme) {
    let (table_area, detail_area) = crate::tui::view::blocks::split_body(area, view.visible.len());
    let title = format!(
        " Microsoft's catalog · {} of {} permissions ",
        view.visible.len(),
        view.rows.len()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus_border())
        .title(Span::styled(title, theme.title()));
    let inner = block.inner(table_area);
    frame.render_widget(block, table_area);
    if view.visible.is_empty() {
        frame.render_widget(
            Paragraph::new(
                "No published permission matches. Press x to clear the filters, or Backspace to shorten the search.",
            )
            .style(theme.dim())
            .wrap(Wrap { trim: true }),
            inner,
        );
    } else {
        let source = PublishedTable {
            catalog: &app.catalog,
            rows: &view.rows,
        };
        let terms = app.query.terms();
        let style = |line: usize, column: Column, text: &str, width: usize| -> Option<Cell<'static>> {
            let p = &view.rows[view.visible[line]];
            match column {
                Column::Risk => {
                    let mark = if app.selection.contains(&p.key()) { "●" } else { " " };
                    Some(Cell::from(Line::from(vec![
                        Span::styled(mark, theme.title()),
                        Span::styled(text.to_string(), theme.risk(p.rating.level)),
                    ])))
                }
                Column::Permission => {
                    let claim = claim_label(&p.name);
                    let m = if terms.is_empty() {
                        Vec::new()
                    } else {
                        Matcher.highlight(claim, &terms)
                    };
                    Some(Cell::from(highlighted(claim, &m, width, theme.base(), theme.matched())))
                }
                _ => None,
            }
        };
        let spec = table::Spec {
            source: &source,
            columns: &COLUMNS,
            rows: &view.visible,
            cursor: view.cursor,
            focused: None,
            style: &style,
        };
        let mut offset = view.cursor.saturating_sub(inner.height.saturating_sub(2) as usize);
        table::draw(frame, inner, &spec, &mut offset, theme);
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(" Detail ", theme.title()))
        .padding(ratatui::widgets::Padding::horizontal(1));
    let text = match view.current() {
        Some(p) => detail::published_lines(&app.catalog, p, theme, app.all_operations),
        None => vec![Line::from("Nothing to show.")],
    };
    frame.render_widget(
        Paragraph::new(text)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((app.detail_scroll, 0)),
        detail_area,
    );
}
