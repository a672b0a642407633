//! Effective power on screen: the outcomes layer (`e`), the grid of outcomes
//! the compare view leads with, and the detail pane's section on what the
//! highlighted permission contributes to.

use crate::model::level::RiskLevel;
use crate::model::paths::power::{self, LineKind};
use crate::model::paths::{Analysis, OUTCOMES, Reached};
use crate::tui::app::{App, CompareView};
use crate::tui::power::{Power, PowerLayer};
use crate::tui::theme::Theme;
use crate::tui::view::blocks::blank;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// Short column heads of the grid, in vocabulary order, and what they stand for.
const HEADS: [(&str, &str); 10] = [
    ("admin", "global-admin"),
    ("lock", "tenant-lockout"),
    ("ctrl", "security-controls-off"),
    ("imp", "impersonate-any-user"),
    ("mailR", "all-mail-read"),
    ("mailW", "all-mail-write"),
    ("fileR", "all-files-read"),
    ("fileW", "all-files-write"),
    ("chat", "all-chats-read"),
    ("dev", "device-code-execution"),
];

/// The mark of a reach: distinct shapes, so the grid reads without colour.
fn mark(reached: Reached) -> &'static str {
    match reached {
        Reached::Direct => "●",
        Reached::Conditional => "◐",
        Reached::No => "·",
    }
}

fn style(theme: &Theme, reached: Reached) -> Style {
    match reached {
        Reached::Direct => theme.risk(RiskLevel::Critical),
        Reached::Conditional => theme.risk(RiskLevel::High),
        Reached::No => theme.dim(),
    }
}

/// A grid of outcomes: one line per labelled analysis, one column per
/// outcome, then the legend, wrapped to `width`.
fn grid_lines(rows: &[(String, &Analysis)], width: usize, theme: &Theme) -> Vec<Line<'static>> {
    debug_assert_eq!(HEADS.len(), OUTCOMES.len());
    let name_w = rows
        .iter()
        .map(|(l, _)| crate::model::text::display_width(l))
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let mut out = Vec::new();
    let mut head = vec![Span::raw(format!("{:<name_w$} ", ""))];
    head.extend(
        HEADS
            .iter()
            .map(|(h, _)| Span::styled(format!("{h:<6}"), theme.header())),
    );
    out.push(Line::from(head));
    for (label, analysis) in rows {
        let mut spans = vec![Span::styled(
            format!("{:<name_w$} ", crate::model::text::truncate(label, name_w)),
            theme.title(),
        )];
        for (_, id) in HEADS {
            let r = analysis.reached(id);
            spans.push(Span::styled(
                format!("{:<6}", format!("  {}", mark(r))),
                style(theme, r),
            ));
        }
        out.push(Line::from(spans));
    }
    let legend = format!(
        "● direct ◐ conditional · no — {}",
        HEADS
            .iter()
            .map(|(h, id)| format!("{h} {id}"))
            .collect::<Vec<_>>()
            .join(" · ")
    );
    out.extend(
        crate::model::text::wrap(&legend, width, "  ")
            .into_iter()
            .map(|l| Line::from(Span::styled(l, theme.dim()))),
    );
    out
}

/// The lines the compare view leads with: the grid of outcomes by product and
/// the sentences in outcomes.
fn compare_lines(app: &App, view: &CompareView, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let rows: Vec<(String, &Analysis)> = view
        .cmp
        .products
        .iter()
        .zip(&view.cmp.power)
        .map(|(&p, a)| (app.catalog.products[p].slug.clone(), a))
        .collect();
    let mut out = grid_lines(&rows, width, theme);
    for s in view.cmp.outcome_sentences(&app.catalog) {
        out.extend(
            crate::model::text::wrap(&format!("• {s}"), width, "  ")
                .into_iter()
                .map(Line::from),
        );
    }
    out
}

/// Splits the compare view's area: the effective power on top (at most a
/// quarter of the height), the rest below.
pub(super) fn split_compare(area: Rect, app: &App, view: &CompareView, theme: &Theme) -> (Rect, Rect) {
    let lines = compare_lines(app, view, area.width.saturating_sub(2) as usize, theme).len() as u16;
    let top = (lines + 2).min(area.height / 4);
    (
        Rect { height: top, ..area },
        Rect {
            y: area.y + top,
            height: area.height - top,
            ..area
        },
    )
}

/// The compare view's effective power block.
pub(super) fn compare_block(frame: &mut Frame, area: Rect, app: &App, view: &CompareView, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let lines = compare_lines(app, view, area.width.saturating_sub(2) as usize, theme);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border())
                .title(Span::styled(
                    " Effective power: what each whole set can reach, whatever the API ",
                    theme.title(),
                )),
        ),
        area,
    );
}

/// The effective-power layer: a product's outcomes, direct first, with their
/// paths, in the words `permscope paths` prints.
pub(super) fn render(frame: &mut Frame, area: Rect, app: &App, layer: &PowerLayer, theme: &Theme) {
    let width = area.width.saturating_sub(2) as usize;
    let p = &layer.power;
    let mut rows: Vec<(String, &Analysis)> = p.apps.iter().map(|a| (a.app.clone(), &a.outcomes)).collect();
    if p.apps.len() > 1 {
        rows.push(("(the product)".to_string(), &p.outcomes));
    }
    let mut lines = grid_lines(&rows, width, theme);
    lines.push(blank());
    for l in power::text_lines(&app.catalog, p, width) {
        let s = match l.kind {
            LineKind::Title => theme.title(),
            LineKind::Heading(Reached::No) => theme.header(),
            LineKind::Heading(r) => style(theme, r).add_modifier(Modifier::BOLD),
            LineKind::Outcome(r) => style(theme, r),
            LineKind::Steps => theme.title(),
            LineKind::Note | LineKind::Detail | LineKind::Blank => theme.base(),
        };
        lines.push(Line::from(Span::styled(l.text, s)));
    }
    let title = format!(" Effective power: {} — j/k scroll · Esc closes ", p.product);
    frame.render_widget(
        Paragraph::new(lines).scroll((layer.scroll, 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.focus_border())
                .title(Span::styled(title, theme.title())),
        ),
        area,
    );
}

/// The detail pane's section: per app of the highlighted `rows`, which
/// outcomes the permission is on a shortest path to, and the path.
pub(crate) fn contribution_lines(app: &App, rows: &[usize], theme: &Theme) -> Vec<Line<'static>> {
    let catalog = &app.catalog;
    let Some(first) = rows.first().and_then(|&r| catalog.requirements.get(r)) else {
        return Vec::new();
    };
    let api = &catalog.apis[first.api].name;
    let apps = Power::apps_of(catalog, rows);
    let mut out = vec![
        blank(),
        Line::from(Span::styled(
            "Effective power through this permission (e: the product's outcomes)",
            theme.header(),
        )),
    ];
    for (product, a) in apps {
        let Some(analysis) = app.power.analysis(product, a) else {
            continue;
        };
        let p = &catalog.products[product];
        out.push(Line::from(Span::styled(
            format!("  {} ({}):", p.apps[a].name, p.slug),
            theme.dim(),
        )));
        let found = power::contributions(analysis, api, first.kind, &first.permission);
        if found.is_empty() {
            out.push(Line::from(Span::styled(
                "    on no shortest path to an outcome",
                theme.dim(),
            )));
        }
        for (o, path) in found {
            let names: Vec<&str> = path.steps.iter().map(|s| s.name.as_str()).collect();
            let mut text = format!(" via {}", names.join(" + "));
            if !path.conditions.is_empty() {
                text.push_str(&format!(
                    " (if {})",
                    path.conditions
                        .iter()
                        .map(|c| crate::model::text::truncate(c, 80).into_owned())
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
            }
            out.push(Line::from(vec![
                Span::raw("    "),
                Span::styled(format!("{} {}", mark(o.reached), o.outcome), style(theme, o.reached)),
                Span::raw(format!(" ({})", o.reached.as_str())),
                Span::raw(text),
            ]));
        }
    }
    out
}
