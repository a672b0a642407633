//! Drawing a table: the one way the explorer draws rows of any
//! [`TableSource`], fitting columns to the width, keeping the cursor in view,
//! and letting the caller style the cells that carry more than text.

use crate::model::columns::{self, Column, TableSource};
use crate::model::text::{display_width, truncate};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Cell, HighlightSpacing, Row, Table, TableState};

/// What a table shows and how.
pub(crate) struct Spec<'a> {
    pub source: &'a dyn TableSource,
    /// The columns, most important first (dropped from the end when narrow).
    pub columns: &'a [Column],
    /// The source's row for each line, in display order.
    pub rows: &'a [usize],
    /// The line under the cursor.
    pub cursor: usize,
    /// A column whose header is highlighted (the compare view's focused product).
    pub focused: Option<Column>,
    /// The cell of a line in a column, given its text cut to width; `None`
    /// for plain text.
    pub style: &'a dyn Fn(usize, Column, &str, usize) -> Option<Cell<'static>>,
}

/// Draws `spec` in `area`, keeping the cursor within the lines shown from
/// `offset` (updated). Returns how many columns did not fit the width.
pub(crate) fn draw(frame: &mut Frame, area: Rect, spec: &Spec<'_>, offset: &mut usize, theme: &Theme) -> usize {
    // Lines below the header.
    let height = area.height.saturating_sub(1) as usize;
    if height == 0 || spec.rows.is_empty() {
        return 0;
    }
    if spec.cursor < *offset {
        *offset = spec.cursor;
    } else if spec.cursor >= *offset + height {
        *offset = spec.cursor + 1 - height;
    }
    *offset = (*offset).min(spec.rows.len().saturating_sub(height));
    let window = &spec.rows[*offset..(*offset + height).min(spec.rows.len())];
    let cells: Vec<Vec<String>> = window
        .iter()
        .map(|&row| {
            spec.columns
                .iter()
                .map(|&c| spec.source.cell(row, c).into_owned())
                .collect()
        })
        .collect();
    let headers: Vec<String> = spec
        .columns
        .iter()
        .map(|&c| spec.source.header(c).into_owned())
        .collect();
    let wanted: Vec<Option<usize>> = (0..spec.columns.len())
        .map(|i| {
            cells
                .iter()
                .map(|r| display_width(&r[i]))
                .chain([columns::header_width(spec.columns[i], &headers[i])])
                .max()
        })
        .collect();
    // Two columns for the highlight symbol.
    let fitted = columns::fit_widths(spec.columns, &wanted, area.width.saturating_sub(2) as usize, 1);
    let lines: Vec<Row> = window
        .iter()
        .enumerate()
        .zip(cells)
        .map(|((k, _), texts)| {
            let line = *offset + k;
            Row::new(fitted.iter().map(|(col, w)| {
                let i = spec.columns.iter().position(|c| c == col).unwrap_or(0);
                let cut = truncate(&texts[i], *w).into_owned();
                (spec.style)(line, *col, &texts[i], *w).unwrap_or_else(|| Cell::from(cut))
            }))
        })
        .collect();
    let header = Row::new(fitted.iter().map(|(c, w)| {
        let i = spec.columns.iter().position(|x| x == c).unwrap_or(0);
        let style = if spec.focused == Some(*c) {
            theme.selected()
        } else {
            theme.header()
        };
        Cell::from(Span::styled(truncate(&headers[i], *w).into_owned(), style))
    }));
    let widths: Vec<Constraint> = fitted.iter().map(|(_, w)| Constraint::Length(*w as u16)).collect();
    let table = Table::new(lines, widths)
        .header(header)
        .column_spacing(1)
        .row_highlight_style(theme.selected())
        .highlight_symbol("▶ ")
        .highlight_spacing(HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(Some(spec.cursor - *offset));
    frame.render_stateful_widget(table, area, &mut state);
    spec.columns.len() - fitted.len()
}
