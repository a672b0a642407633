//! The audit screen: a tenant's grants against what the product documents.

use crate::model::audit::{Audit, AuditEntry};
use crate::model::text::truncate;
use crate::tui::theme::Theme;
use crate::tui::view::blocks::blank;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

fn entry_line(e: &AuditEntry, flagged: bool, width: usize, theme: &Theme) -> Line<'static> {
    let (badge, style) = match &e.rating {
        Some(r) => (r.level.badge(), theme.risk(r.level)),
        None => ("?", theme.warn()),
    };
    let detail = if e.documented.is_empty() {
        e.sources
            .first()
            .map(|s| format!("granted in {}", s.origin))
            .unwrap_or_default()
    } else {
        let lines: Vec<String> = e.documented.iter().map(|d| d.line.to_string()).collect();
        format!("documented at line {}", lines.join(", "))
    };
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
    let mut lines = vec![Line::from(format!(
        "{} granted and documented · {} granted but undocumented · {} documented but not granted",
        audit.granted_documented.len(),
        audit.undocumented.len(),
        audit.not_granted.len()
    ))];
    let sections: [(&str, &Vec<AuditEntry>, bool); 3] = [
        ("Granted but undocumented (flagged)", &audit.undocumented, true),
        ("Documented but not granted", &audit.not_granted, false),
        ("Granted and documented", &audit.granted_documented, false),
    ];
    for (title, entries, flagged) in sections {
        lines.push(blank());
        lines.push(Line::from(Span::styled(
            format!("{title} ({})", entries.len()),
            theme.header(),
        )));
        if entries.is_empty() {
            lines.push(Line::from(Span::styled("  none", theme.dim())));
        }
        for e in entries.iter() {
            lines.push(entry_line(e, flagged, width, theme));
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
