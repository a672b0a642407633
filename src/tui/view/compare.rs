//! The compare view: per-product risk bars and sentences above a matrix of
//! distinct permissions by product, with the detail of the highlighted row.

use crate::model::columns::Column;
use crate::model::compare::{Cell as MatrixCell, LEGEND, MatrixTable};
use crate::model::level::RiskLevel;
use crate::model::text::truncate;
use crate::tui::app::{App, CompareView};
use crate::tui::theme::Theme;
use crate::tui::view::table;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Wrap};

const LEVELS: [(RiskLevel, char); 5] = [
    (RiskLevel::Critical, '█'),
    (RiskLevel::High, '▓'),
    (RiskLevel::Medium, '▒'),
    (RiskLevel::Low, '░'),
    (RiskLevel::Unknown, '·'),
];

pub(super) fn render(frame: &mut Frame, area: Rect, app: &App, view: &CompareView, theme: &Theme) {
    // Effective power leads: outcomes by product, fair across APIs (view/power.rs).
    let (power, area) = crate::tui::view::power::split_compare(area, app, view, theme);
    crate::tui::view::power::compare_block(frame, power, app, view, theme);
    let sentences = view.cmp.sentences(&app.catalog);
    // Up to six sentences, and a line saying how many more there are.
    let summary_h = (view.cmp.products.len() + sentences.len().min(6) + 3 + usize::from(sentences.len() > 6)) as u16;
    let parts = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(summary_h.min(area.height / 3)),
            Constraint::Min(5),
            Constraint::Percentage(30),
        ])
        .split(area);
    summary(frame, parts[0], app, view, &sentences, theme);
    matrix(frame, parts[1], app, view, theme);
    let rows: Vec<usize> = view
        .current()
        .map(|r| {
            r.cells
                .iter()
                .flat_map(|c| match c {
                    MatrixCell::Asks(rows) => rows.clone(),
                    _ => Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(" Detail ", theme.title()))
        .padding(ratatui::widgets::Padding::horizontal(1));
    frame.render_widget(
        Paragraph::new(crate::tui::view::detail::lines(&app.catalog, &rows, theme))
            .block(block)
            .wrap(Wrap { trim: false }),
        parts[2],
    );
}

fn summary(frame: &mut Frame, area: Rect, app: &App, view: &CompareView, sentences: &[String], theme: &Theme) {
    let name_w = view
        .cmp
        .products
        .iter()
        .map(|&p| app.catalog.products[p].slug.chars().count())
        .max()
        .unwrap_or(0);
    // The bars count what the matrix shows: the rows the filters let through.
    let max = view.shown.iter().map(|p| p.distinct).max().unwrap_or(1).max(1);
    let bar_w = 30usize;
    let mut lines = Vec::new();
    for (pos, p) in view.shown.iter().enumerate() {
        let mut spans = vec![Span::styled(
            format!("{:<name_w$} ", p.product),
            if pos == view.column {
                theme.title().add_modifier(Modifier::UNDERLINED)
            } else {
                theme.title()
            },
        )];
        // One stacked bar: a fill character per level, so mono still tells them apart.
        for (level, ch) in LEVELS {
            let n = p.count(level);
            let cells = (n * bar_w).div_ceil(max);
            spans.push(Span::styled(ch.to_string().repeat(cells), theme.risk(level)));
        }
        if let Some(all) = view.cmp.profiles.get(pos).filter(|all| all.distinct != p.distinct) {
            spans.push(Span::styled(
                format!(" (within the filters; {} in all)", all.distinct),
                theme.dim(),
            ));
        }
        spans.push(Span::raw(format!(" {}", p.line())));
        lines.push(Line::from(spans));
    }
    // As many sentences as fit, and a word on the rest.
    let room = (area.height as usize).saturating_sub(2 + view.shown.len() + 1);
    let fits = if sentences.len() > room {
        room.saturating_sub(1)
    } else {
        sentences.len()
    };
    for s in sentences.iter().take(fits) {
        lines.push(Line::from(Span::raw(format!("• {s}"))));
    }
    if fits < sentences.len() {
        lines.push(Line::from(Span::styled(
            format!(
                "… and {} more: `permscope compare {}` prints every sentence",
                sentences.len() - fits,
                view.cmp
                    .products
                    .iter()
                    .map(|&p| app.catalog.products[p].slug.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            theme.warn(),
        )));
    }
    lines.push(Line::from(Span::styled(
        format!("█ critical ▓ high ▒ medium ░ low · unknown · {LEGEND}"),
        theme.dim(),
    )));
    let title = format!(
        " Compare: {} · {} · {} of {} permissions ",
        view.cmp
            .products
            .iter()
            .map(|&p| app.catalog.products[p].slug.as_str())
            .collect::<Vec<_>>()
            .join(" vs "),
        view.mode.as_str(),
        view.visible.len(),
        view.cmp.rows.len()
    );
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.focus_border())
                .title(Span::styled(title, theme.title())),
        ),
        area,
    );
}

fn matrix(frame: &mut Frame, area: Rect, app: &App, view: &CompareView, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus_border());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if view.visible.is_empty() {
        frame.render_widget(
            Paragraph::new("No permission in this mode. Press m for another mode, or x to clear filters.")
                .style(theme.dim()),
            inner,
        );
        return;
    }
    let table = MatrixTable {
        catalog: &app.catalog,
        cmp: &view.cmp,
    };
    let columns = table.columns();
    let style = |line: usize, column: Column, text: &str, width: usize| -> Option<Cell<'static>> {
        let r = &view.cmp.rows[view.visible[line]];
        match column {
            Column::Risk => {
                let mark = if app.selection.contains_row(&app.catalog, r.first_row) {
                    "●"
                } else {
                    " "
                };
                let level = app.catalog.rating(r.first_row).level;
                Some(Cell::from(Line::from(vec![
                    Span::styled(mark, theme.title()),
                    Span::styled(text.to_string(), theme.risk(level)),
                ])))
            }
            Column::Holder(pos) => {
                let style = match &r.cells[pos] {
                    MatrixCell::Asks(_) => theme.base(),
                    _ => theme.dim(),
                };
                Some(Cell::from(Span::styled(truncate(text, width).into_owned(), style)))
            }
            _ => None,
        }
    };
    let spec = table::Spec {
        source: &table,
        columns: &columns,
        rows: &view.visible,
        cursor: view.cursor,
        focused: Some(Column::Holder(view.column)),
        style: &style,
    };
    let mut offset = view.cursor.saturating_sub(inner.height.saturating_sub(2) as usize);
    table::draw(frame, inner, &spec, &mut offset, theme);
}
