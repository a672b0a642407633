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

/// Most lines a status message takes before the hints.
const STATUS_LINES: usize = 3;

/// The status message, wrapped to `width` (at most [`STATUS_LINES`] lines,
/// the last cut), when it does not fit on the footer's one line beside the
/// position; `None` when it does (or there is none).
fn wrapped_status(app: &App, width: u16) -> Option<Vec<String>> {
    let msg = neutralise(app.status.as_deref()?).into_owned();
    let width = width as usize;
    // Room beside it for "123/4567 ".
    if crate::model::text::display_width(&msg) + 12 <= width {
        return None;
    }
    let mut lines = crate::model::text::wrap(&msg, width.saturating_sub(1).max(10), "  ");
    if lines.len() > STATUS_LINES {
        lines.truncate(STATUS_LINES);
        let last = lines[STATUS_LINES - 1].clone() + " …";
        lines[STATUS_LINES - 1] = crate::model::text::truncate(&last, width.saturating_sub(1)).into_owned();
    }
    Some(lines)
}

/// Lines the footer needs: one, or the wrapped status message and one more.
pub(super) fn footer_height(app: &App, width: u16) -> u16 {
    wrapped_status(app, width).map_or(1, |l| l.len() as u16 + 1)
}

pub(super) fn footer(frame: &mut Frame, area: Rect, app: &App, keymap: &Keymap, theme: &Theme) {
    let mut lines: Vec<Line> = Vec::new();
    let mut spans = Vec::new();
    match wrapped_status(app, area.width) {
        // A long message (what a copy did, a load problem) is shown whole,
        // over several lines, above the position and hints.
        Some(wrapped) => lines.extend(wrapped.into_iter().map(|l| Line::from(Span::styled(l, theme.warn())))),
        None => {
            if let Some(msg) = &app.status {
                spans.push(Span::styled(neutralise(msg).into_owned(), theme.warn()));
                spans.push(Span::raw("  "));
            }
        }
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
    lines.push(Line::from(spans));
    frame.render_widget(Paragraph::new(lines), area);
}
