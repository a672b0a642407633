//! The main table: requirements (or distinct permissions) with risk badges
//! and search matches highlighted.

use crate::model::columns::{Column, OVERVIEW, TableSource, claim_label, kind_short};
use crate::model::query::Matcher;
use crate::model::text::truncate;
use crate::tui::app::{App, Entry};
use crate::tui::theme::Theme;
use crate::tui::view::blocks::ViewState;
use crate::tui::view::table;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph};
use std::borrow::Cow;

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

/// The explorer's entries as a table: a requirement row, or a distinct
/// permission whose product cell names its products.
struct Entries<'a>(&'a App);

impl TableSource for Entries<'_> {
    fn cell(&self, row: usize, column: Column) -> Cow<'_, str> {
        let app = self.0;
        let entry = &app.entries[row];
        match (entry, column) {
            (Entry::Group(g), Column::Product) => {
                // The cell is narrow: name a few, the count says how many.
                let named: Vec<&str> = g
                    .products
                    .iter()
                    .take(6)
                    .map(|&p| app.catalog.products[p].slug.as_str())
                    .collect();
                Cow::Owned(format!("{}: {}", g.products.len(), named.join(", ")))
            }
            (_, Column::Type) => Cow::Borrowed(kind_short(app.catalog.requirements[entry.rows()[0]].kind)),
            (e, col) => app.catalog.cell(e.rows()[0], col),
        }
    }

    fn header(&self, column: Column) -> Cow<'_, str> {
        match column {
            Column::Product if self.0.shows_groups() => Cow::Borrowed("PRODUCTS"),
            other => Cow::Borrowed(other.header()),
        }
    }
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
                "No rows match. {} rows are hidden by the filters: press x to clear them, or Backspace to shorten the search. A permission no loaded product asks for is in Microsoft's catalog: press M.",
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
    let matcher = Matcher;
    let terms = app.query.terms();
    let rows: Vec<usize> = (0..app.entries.len()).collect();
    let style = |line: usize, column: Column, text: &str, width: usize| -> Option<Cell<'static>> {
        let first = app.entries[line].rows()[0];
        match column {
            Column::Risk => {
                // A selected permission carries a visible mark, not only a colour.
                let mark = if app.selection.contains_row(&app.catalog, first) {
                    "●"
                } else {
                    " "
                };
                let level = app.catalog.rating(first).level;
                Some(Cell::from(Line::from(vec![
                    Span::styled(mark, theme.title()),
                    Span::styled(text.to_string(), theme.risk(level)),
                ])))
            }
            Column::Permission => {
                let claim = claim_label(&app.catalog.requirements[first].permission);
                let m = if terms.is_empty() {
                    Vec::new()
                } else {
                    matcher.highlight(claim, &terms)
                };
                Some(Cell::from(highlighted(claim, &m, width, theme.base(), theme.matched())))
            }
            _ => None,
        }
    };
    let mut columns = OVERVIEW.to_vec();
    columns.push(Column::Description);
    let spec = table::Spec {
        source: &Entries(app),
        columns: &columns,
        rows: &rows,
        cursor: app.cursor,
        focused: None,
        style: &style,
    };
    table::draw(frame, inner, &spec, &mut view.offset, theme);
}
