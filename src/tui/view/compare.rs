//! The compare view: per-product risk bars and sentences above a matrix of
//! distinct permissions by product, with the detail of the highlighted row.

use crate::model::compare::Cell as MatrixCell;
use crate::model::level::RiskLevel;
use crate::model::text::truncate;
use crate::tui::app::{App, CompareView};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap};

const LEVELS: [(RiskLevel, char); 4] = [
    (RiskLevel::Critical, '█'),
    (RiskLevel::High, '▓'),
    (RiskLevel::Medium, '▒'),
    (RiskLevel::Low, '░'),
];

/// Short matrix cell: phases abbreviated, equivalences marked.
fn cell_text(app: &App, view: &CompareView, row: usize, pos: usize) -> String {
    let c = &app.catalog;
    match &view.cmp.rows[row].cells[pos] {
        MatrixCell::Asks(_) => {
            let phases = view.cmp.phases(c, row, pos);
            if phases.is_empty() {
                "yes".into()
            } else {
                let short: Vec<&str> = phases.iter().map(|p| &p.as_str()[..1]).collect();
                format!("yes ({})", short.join(" "))
            }
        }
        MatrixCell::Same { permission, api } => format!("= {} {}", c.apis[*api].short, permission),
        MatrixCell::Covered { permission, .. } => format!("⊂ {permission}"),
        MatrixCell::Absent => "—".into(),
    }
}

pub(super) fn render(frame: &mut Frame, area: Rect, app: &App, view: &CompareView, theme: &Theme) {
    let sentences = view.cmp.sentences(&app.catalog);
    let summary_h = (view.cmp.products.len() + sentences.len().min(6) + 3) as u16;
    let parts = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(summary_h.min(area.height / 2)),
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
    let max = view.cmp.profiles.iter().map(|p| p.distinct).max().unwrap_or(1).max(1);
    let bar_w = 30usize;
    let mut lines = Vec::new();
    for (pos, p) in view.cmp.profiles.iter().enumerate() {
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
        spans.push(Span::raw(format!(
            " {} CRIT {} HIGH {} MED {} LOW · {} app, {} deleg · {} tenant-wide write · {} recovery only",
            p.count(RiskLevel::Critical),
            p.count(RiskLevel::High),
            p.count(RiskLevel::Medium),
            p.count(RiskLevel::Low),
            p.application,
            p.delegated,
            p.tenant_wide_write.len(),
            p.recovery_only.len()
        )));
        lines.push(Line::from(spans));
    }
    for s in sentences.iter().take(6) {
        lines.push(Line::from(Span::raw(format!("• {s}"))));
    }
    lines.push(Line::from(Span::styled(
        "█ critical ▓ high ▒ medium ░ low · yes (D B R) = phases · = same GUID, other name · ⊂ covered by a broader permission",
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
    let n = view.cmp.products.len();
    let fixed = 2 + 6 + 11 + 6;
    let per = ((inner.width as usize).saturating_sub(fixed + 24) / n).clamp(6, 26);
    let perm_w = (inner.width as usize).saturating_sub(fixed + per * n + n).max(12);
    let height = inner.height.saturating_sub(1) as usize;
    let offset = view.cursor.saturating_sub(height.saturating_sub(1));
    let rows: Vec<Row> = view
        .visible
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(_, &i)| {
            let r = &view.cmp.rows[i];
            let rating = app.catalog.rating(r.first_row);
            let mark = if app.selection.contains_row(&app.catalog, r.first_row) {
                "●"
            } else {
                " "
            };
            let mut cells = vec![
                Cell::from(Line::from(vec![
                    Span::styled(mark, theme.title()),
                    Span::styled(rating.level.badge(), theme.risk(rating.level)),
                ])),
                Cell::from(truncate(crate::model::columns::claim_label(&r.permission), perm_w).into_owned()),
                Cell::from(app.catalog.apis[r.api].short.clone()),
                Cell::from(if r.kind == crate::model::permission::PermissionKind::Application {
                    "app"
                } else {
                    "deleg"
                }),
            ];
            for pos in 0..n {
                let t = truncate(&cell_text(app, view, i, pos), per).into_owned();
                let style = match &r.cells[pos] {
                    MatrixCell::Asks(_) => theme.base(),
                    _ => theme.dim(),
                };
                cells.push(Cell::from(Span::styled(t, style)));
            }
            Row::new(cells)
        })
        .collect();
    let mut header = vec![
        Cell::from(Span::styled("RISK", theme.header())),
        Cell::from(Span::styled("PERMISSION", theme.header())),
        Cell::from(Span::styled("API", theme.header())),
        Cell::from(Span::styled("TYPE", theme.header())),
    ];
    for (pos, &p) in view.cmp.products.iter().enumerate() {
        let slug = truncate(&app.catalog.products[p].slug, per).into_owned();
        let style = if pos == view.column {
            theme.selected()
        } else {
            theme.header()
        };
        header.push(Cell::from(Span::styled(slug, style)));
    }
    let mut widths = vec![
        Constraint::Length(5),
        Constraint::Length(perm_w as u16),
        Constraint::Length(10),
        Constraint::Length(5),
    ];
    widths.extend((0..n).map(|_| Constraint::Length(per as u16)));
    let table = Table::new(rows, widths)
        .header(Row::new(header))
        .column_spacing(1)
        .row_highlight_style(theme.selected())
        .highlight_symbol("▶ ")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut state = TableState::default().with_selected(Some(view.cursor - offset));
    frame.render_stateful_widget(table, inner, &mut state);
}
