//! The audit screen: a tenant's grants against what the product documents.

use crate::model::audit::{Audit, AuditEntry};
use crate::model::text::truncate;
use crate::tui::theme::Theme;
use crate::tui::view::blocks::blank;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

fn entry_line(e: &AuditEntry, flagged: bool, multi: bool, width: usize, theme: &Theme) -> Line<'static> {
    let (badge, style) = match &e.rating {
        Some(r) => (r.level.badge(), theme.risk(r.level)),
        None => ("?", theme.warn()),
    };
    let mut detail = if e.documented.is_empty() {
        e.sources
            .first()
            .map(|s| format!("granted in {}", s.origin))
            .unwrap_or_default()
    } else {
        let lines: Vec<String> = e.documented.iter().map(|d| d.line.to_string()).collect();
        format!("documented at line {}", lines.join(", "))
    };
    // A flagged grant that is documented is another app's, a narrower one
    // stands in for a documented permission: say so first.
    if (flagged && !e.documented.is_empty()) || !e.narrower_than.is_empty() {
        detail = e.notes.iter().cloned().chain([detail]).collect::<Vec<_>>().join(" · ");
    } else if let Some(app) = &e.app
        && e.granted > 0
        && multi
    {
        detail.push_str(&format!(" · held by {app}"));
    }
    let text = format!(
        "{:<52} {:<11} {:<10} {}",
        truncate(&e.permission_label(), 52),
        e.kind.as_str(),
        truncate(&e.api_short, 10),
        detail
    );
    Line::from(vec![
        Span::styled(if flagged { "! " } else { "  " }, theme.warn()),
        Span::styled(format!("{badge:<5}"), style),
        Span::raw(truncate(&text, width.saturating_sub(8)).into_owned()),
    ])
}

pub(super) fn render(frame: &mut Frame, area: Rect, audit: &Audit, scroll: u16, theme: &Theme) {
    let width = area.width.saturating_sub(2) as usize;
    // Which app the grants were checked against, and how it was known: wrapped.
    let mut lines: Vec<Line> = crate::model::audit::app_lines(audit)
        .iter()
        .flat_map(|l| crate::model::text::wrap(l, width, "  "))
        .map(Line::from)
        .collect();
    lines.push(Line::from(crate::model::audit::summary(audit).replace(", ", " · ")));
    let sections: [(&str, &Vec<AuditEntry>, bool, bool); 5] = [
        ("Granted but undocumented (flagged)", &audit.undocumented, true, true),
        (
            "Granted, narrower than documented",
            &audit.narrower,
            false,
            !audit.narrower.is_empty(),
        ),
        (
            "Granted, documented only for another app (flagged)",
            &audit.other_app,
            true,
            audit.app_count > 1,
        ),
        ("Documented but not granted", &audit.not_granted, false, true),
        ("Granted and documented", &audit.granted_documented, false, true),
    ];
    for (title, entries, flagged, shown) in sections {
        if !shown {
            continue;
        }
        lines.push(blank());
        lines.push(Line::from(Span::styled(
            format!("{title} ({})", entries.len()),
            theme.header(),
        )));
        if entries.is_empty() {
            lines.push(Line::from(Span::styled("  none", theme.dim())));
        }
        for e in entries.iter() {
            lines.push(entry_line(e, flagged, audit.app_count > 1, width, theme));
        }
    }
    let title = format!(
        " Audit: {} ({}) — j/k scroll · Esc closes ",
        audit.product_name, audit.product_slug
    );
    frame.render_widget(
        Paragraph::new(lines).scroll((scroll, 0)).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.focus_border())
                .title(Span::styled(title, theme.title())),
        ),
        area,
    );
}
