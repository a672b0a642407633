//! Header (counts and active filters), search line and status bar.

use crate::model::text::neutralise;
use crate::tui::app::App;
use crate::tui::keymap::Keymap;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(super) fn header(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if let Some(view) = &app.catalog_view {
        let mut spans = vec![
            Span::styled("permscope catalog ", theme.header()),
            Span::raw(format!(
                "{} of {} published permissions",
                view.visible.len(),
                view.rows.len()
            )),
        ];
        let q = &app.query;
        if !q.products.is_empty() || !q.workloads.is_empty() || q.phase.is_some() {
            spans.push(Span::styled(
                " · product, workload and phase filters apply to vendor rows only",
                theme.dim(),
            ));
        }
        let filters = app.filter_summary();
        if !filters.is_empty() {
            spans.push(Span::raw(" · "));
            spans.push(Span::styled(neutralise(&filters.join(" ")).into_owned(), theme.warn()));
        }
        spans.push(Span::styled(format!(" · sort: {}", app.sort.as_str()), theme.dim()));
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    let total = app.catalog.requirements.len();
    let shown = app.hits().len();
    let mut spans = vec![
        Span::styled("permscope ", theme.header()),
        Span::raw(format!("{shown} of {total} rows")),
    ];
    if app.filtering() {
        spans.push(Span::styled(" (filtering…)", theme.warn()));
    }
    if app.shows_groups() {
        spans.push(Span::raw(format!(" ({} permissions)", app.entries.len())));
    }
    let hidden = app.hidden();
    if hidden > 0 {
        spans.push(Span::styled(format!(" · {hidden} hidden"), theme.warn()));
    }
    let filters = app.filter_summary();
    if filters.is_empty() {
        spans.push(Span::styled(" · no filters", theme.dim()));
    } else {
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(neutralise(&filters.join(" ")).into_owned(), theme.warn()));
    }
    spans.push(Span::styled(format!(" · sort: {}", app.sort.as_str()), theme.dim()));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub(super) fn search_line(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let typing = app.input_before.is_some();
    let mut spans = vec![
        Span::styled("/", theme.header()),
        Span::raw(neutralise(&app.query.text).into_owned()),
    ];
    if typing {
        spans.push(Span::styled("▏", theme.header()));
        spans.push(Span::styled("  Enter keeps · Esc cancels", theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub(super) fn footer(frame: &mut Frame, area: Rect, app: &App, keymap: &Keymap, theme: &Theme) {
    let mut spans = Vec::new();
    if let Some(msg) = &app.status {
        spans.push(Span::styled(neutralise(msg).into_owned(), theme.warn()));
        spans.push(Span::raw("  "));
    }
    let (pos, len) = match (&app.catalog_view, &app.compare) {
        (Some(v), _) => (v.cursor, v.visible.len()),
        (None, Some(v)) => (v.cursor, v.visible.len()),
        (None, None) => (app.cursor, app.entries.len()),
    };
    if len > 0 {
        spans.push(Span::styled(format!("{}/{len} ", pos + 1), theme.dim()));
    }
    if !app.selection.is_empty() {
        let hidden = app.selected_hidden();
        let mut s = format!("{} selected", app.selection.len());
        if hidden > 0 {
            s.push_str(&format!(" ({hidden} filtered out)"));
        }
        spans.push(Span::styled(s, theme.title()));
        spans.push(Span::raw(format!(" · y copies as {} ", app.export_format.as_str())));
    }
    // Whole hints only: one that does not fit is left out, never cut.
    let mut used: usize = spans.iter().map(|s| s.width()).sum();
    for (key, hint) in keymap.hints(app.focus()) {
        let k = format!(" {key} ");
        let h = format!(" {hint} ");
        let w = k.chars().count() + h.chars().count();
        if used + w > area.width as usize {
            break;
        }
        used += w;
        spans.push(Span::styled(k, theme.key()));
        spans.push(Span::raw(h));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
