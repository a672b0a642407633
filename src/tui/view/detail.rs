//! The detail pane: everything known about the highlighted permission and
//! every product row that asks for it.

use crate::model::catalog::Catalog;
use crate::model::columns::claim_label;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::view::blocks::blank;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

fn field(theme: &Theme, label: &str, value: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label}: "), theme.dim()),
        Span::raw(value.to_string()),
    ])
}

/// The lines of the detail pane for a set of requirement rows of one permission.
pub(crate) fn lines(catalog: &Catalog, rows: &[usize], theme: &Theme) -> Vec<Line<'static>> {
    lines_upto(catalog, rows, theme, usize::MAX)
}

/// Like [`lines`], but stops adding product rows once `limit` lines are
/// there: a pane showing lines up to `limit` looks the same, and a
/// permission asked for by hundreds of rows costs no more to draw than one.
pub(crate) fn lines_upto(catalog: &Catalog, rows: &[usize], theme: &Theme, limit: usize) -> Vec<Line<'static>> {
    let Some(&first) = rows.first() else {
        return vec![Line::from("Nothing selected.")];
    };
    let r = &catalog.requirements[first];
    let api = &catalog.apis[r.api];
    let rating = catalog.rating(first);
    let mut out = vec![Line::from(vec![
        Span::styled(format!(" {} ", rating.level.badge()), theme.risk(rating.level)),
        Span::raw(" "),
        Span::styled(claim_label(&r.permission).to_string(), theme.title()),
        Span::raw(format!("  {} · {}", api.name, r.kind)),
    ])];
    match catalog.fact(r) {
        Some(f) => {
            out.push(field(theme, "id", &format!("{} on {}", f.id, api.app_id)));
            let consent = match f.admin_consent {
                Some(true) => "required",
                Some(false) => "not required (users can consent)",
                None => "not stated by the catalog",
            };
            out.push(field(theme, "admin consent", consent));
        }
        None => out.push(Line::from(Span::styled(
            "id: not in Microsoft's catalog for this API and type (typo, retired or preview name?)",
            theme.warn(),
        ))),
    }
    out.push(field(
        theme,
        "risk",
        &format!("{} (score {}, {})", rating.level.as_str(), rating.score, basis(rating)),
    ));
    for reason in &rating.reasons {
        out.push(Line::from(format!("  • {reason}")));
    }
    let mut products: Vec<usize> = rows.iter().map(|&i| catalog.requirements[i].product).collect();
    products.sort_unstable();
    products.dedup();
    out.push(blank());
    out.push(Line::from(Span::styled(
        format!("Asked for by {} row(s) in {} product(s)", rows.len(), products.len()),
        theme.header(),
    )));
    // A permission asked for by hundreds of rows: show the first ones, say how many more.
    const SHOWN: usize = 40;
    if rows.len() > SHOWN {
        out.push(Line::from(Span::styled(
            format!(
                "(the first {SHOWN} are shown; `permscope show` lists all {})",
                rows.len()
            ),
            theme.dim(),
        )));
    }
    for &i in rows.iter().take(SHOWN) {
        if out.len() >= limit {
            break;
        }
        let r = &catalog.requirements[i];
        let p = &catalog.products[r.product];
        out.push(blank());
        out.push(Line::from(vec![
            Span::styled(p.slug.clone(), theme.title()),
            Span::raw(format!(" — {} · app \"{}\"", p.vendor, p.apps[r.app].name)),
        ]));
        if let Some(d) = &r.description {
            out.push(field(theme, "  description", d));
        }
        if let Some(pu) = &r.purpose {
            out.push(field(theme, "  purpose", pu));
        }
        for w in &r.workloads {
            let phases: Vec<&str> = w.phases.iter().map(|p| p.as_str()).collect();
            let mut v = w.workload.to_string();
            if !phases.is_empty() {
                v.push_str(&format!(" — {}", phases.join(", ")));
            }
            if !w.documented {
                v.push_str("  (derived by permscope, not in the document)");
            }
            out.push(field(theme, "  workload", &v));
        }
        if let Some(c) = &r.condition {
            out.push(field(theme, "  condition", c));
        }
        for (k, v) in &r.attributes {
            out.push(field(theme, &format!("  {k}"), v));
        }
        if *r.api_as_written != *api.name {
            out.push(field(theme, "  API as written", &r.api_as_written));
        }
        if let Some(w) = &r.permission_as_written {
            out.push(field(theme, "  claim as written", w));
        }
        for n in &r.notes {
            out.push(Line::from(vec![
                Span::styled("  note: ", theme.warn()),
                Span::raw(n.clone()),
            ]));
        }
        let mut src = format!("{} line {} — \"{}\"", p.source.file, r.line, p.source.title);
        if let Some(v) = &p.source.version {
            src.push_str(&format!(", version {v}"));
        }
        if let Some(d) = &p.source.date {
            src.push_str(&format!(", {d}"));
        }
        out.push(field(theme, "  source", &src));
    }
    out
}

fn basis(rating: &crate::model::risk::Rating) -> &'static str {
    match rating.basis {
        crate::model::risk::RiskBasis::Reviewed => "reviewed entry",
        crate::model::risk::RiskBasis::Rule => "general rule",
    }
}

pub(super) fn pane(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.detail_focus && app.picker.is_none() && !app.help;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { theme.focus_border() } else { theme.border() })
        .title(Span::styled(" Detail ", theme.title()))
        .padding(ratatui::widgets::Padding::horizontal(1));
    // Lines below the pane's last visible row are not built.
    let limit = usize::from(app.detail_scroll) + usize::from(area.height);
    let text = match app.current() {
        Some(e) => lines_upto(&app.catalog, e.rows(), theme, limit),
        None => vec![Line::from("Nothing to show.")],
    };
    frame.render_widget(
        Paragraph::new(text)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((app.detail_scroll, 0)),
        area,
    );
}
