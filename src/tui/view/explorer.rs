//! The main table: requirements (or distinct permissions) with risk badges
//! and search matches highlighted.

use crate::model::columns::{self, Column, claim_label};
use crate::model::query::Matcher;
use crate::model::text::{display_width, truncate};
use crate::tui::app::{App, Entry};
use crate::tui::theme::Theme;
use crate::tui::view::blocks::ViewState;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

const ROW_COLUMNS: [Column; 7] = [
    Column::Risk,
    Column::Permission,
    Column::Type,
    Column::Api,
    Column::Product,
    Column::Workloads,
    Column::Description,
];

/// Text of a cell for an entry: groups list their products instead.
fn entry_cell(app: &App, entry: &Entry, column: Column) -> String {
    let c = &app.catalog;
    match (entry, column) {
        (Entry::Group(g), Column::Product) => {
            // The cell is narrow: name a few, the count says how many.
            let named: Vec<&str> = g
                .products
                .iter()
                .take(6)
                .map(|&p| c.products[p].slug.as_str())
                .collect();
            format!("{}: {}", g.products.len(), named.join(", "))
        }
        (_, Column::Type) => match c.requirements[entry.rows()[0]].kind {
            crate::model::permission::PermissionKind::Application => "app".into(),
            crate::model::permission::PermissionKind::Delegated => "deleg".into(),
        },
        (e, col) => columns::cell(c, e.rows()[0], col).into_owned(),
    }
}

/// Spans of `text` cut to `width`, with matched character positions styled.
pub(crate) fn highlighted(text: &str, matches: &[usize], width: usize, base: Style, hit: Style) -> Line<'static> {
    let cut = truncate(text, width);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_hit = false;
    for (i, ch) in cut.chars().enumerate() {
        let is_hit = matches.binary_search(&i).is_ok();
        if is_hit != run_hit && !run.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut run), if run_hit { hit } else { base }));
        }
        run_hit = is_hit;
        run.push(ch);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hit { hit } else { base }));
    }
    Line::from(spans)
}

pub(super) fn table(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, view: &mut ViewState) {
    let focused = !app.detail_focus && app.picker.is_none() && !app.help;
    let title = if app.shows_groups() {
        " Permissions "
    } else {
        " Requirements "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { theme.focus_border() } else { theme.border() })
        .title(Span::styled(title, theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.entries.is_empty() {
        let msg = if app.catalog.requirements.is_empty() {
            "No data loaded.".to_string()
        } else {
            format!(
                "No rows match. {} rows are hidden by the filters: press x to clear them, or Backspace to shorten the search.",
                app.hidden()
            )
        };
        frame.render_widget(
            Paragraph::new(msg)
                .style(theme.dim())
                .wrap(ratatui::widgets::Wrap { trim: true }),
            inner,
        );
        return;
    }
    // Rows visible below the header.
    let height = inner.height.saturating_sub(1) as usize;
    if height == 0 {
        return;
    }
    if app.cursor < view.offset {
        view.offset = app.cursor;
    } else if app.cursor >= view.offset + height {
        view.offset = app.cursor + 1 - height;
    }
    view.offset = view.offset.min(app.entries.len().saturating_sub(height));
    let window = &app.entries[view.offset..(view.offset + height).min(app.entries.len())];
    let cells: Vec<Vec<String>> = window
        .iter()
        .map(|e| ROW_COLUMNS.iter().map(|&col| entry_cell(app, e, col)).collect())
        .collect();
    let wanted: Vec<Option<usize>> = (0..ROW_COLUMNS.len())
        .map(|i| cells.iter().map(|r| display_width(&r[i])).max())
        .collect();
    // Two columns for the selection marker.
    let fitted = columns::fit_widths(&ROW_COLUMNS, &wanted, inner.width.saturating_sub(2) as usize, 1);
    let matcher = Matcher::default();
    let terms = app.query.terms();
    let rows: Vec<Row> = window
        .iter()
        .zip(cells)
        .map(|(entry, texts)| {
            let rating = app.catalog.rating(entry.rows()[0]);
            let cells: Vec<Cell> = fitted
                .iter()
                .map(|(col, w)| {
                    let i = ROW_COLUMNS.iter().position(|c| c == col).unwrap_or(0);
                    let text = &texts[i];
                    match col {
                        Column::Risk => {
                            // A selected permission carries a visible mark, not only a colour.
                            let mark = if app.selection.contains_row(&app.catalog, entry.rows()[0]) {
                                "●"
                            } else {
                                " "
                            };
                            Cell::from(Line::from(vec![
                                Span::styled(mark, theme.title()),
                                Span::styled(text.clone(), theme.risk(rating.level)),
                            ]))
                        }
                        Column::Permission => {
                            let claim = claim_label(&app.catalog.requirements[entry.rows()[0]].permission);
                            let m = if terms.is_empty() {
                                Vec::new()
                            } else {
                                matcher.highlight(claim, &terms)
                            };
                            Cell::from(highlighted(claim, &m, *w, theme.base(), theme.matched()))
                        }
                        _ => Cell::from(truncate(text, *w).into_owned()),
                    }
                })
                .collect();
            Row::new(cells)
        })
        .collect();
    let header = Row::new(fitted.iter().map(|(c, _)| {
        Cell::from(Span::styled(
            if *c == Column::Product && app.shows_groups() {
                "PRODUCTS"
            } else {
                c.header()
            },
            theme.header(),
        ))
    }));
    let widths: Vec<Constraint> = fitted.iter().map(|(_, w)| Constraint::Length(*w as u16)).collect();
    let table = Table::new(rows, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selected())
        .highlight_symbol("▶ ")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(Some(app.cursor - view.offset));
    frame.render_stateful_widget(table, inner, &mut state);
}
