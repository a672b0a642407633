//! The detail pane: everything known about the highlighted permission (in
//! the words `show` uses) and every product row that asks for it.

use crate::model::advise::AppAdvice;
use crate::model::catalog::Catalog;
use crate::model::columns::claim_label;
use crate::model::describe::{self, Fact};
use crate::model::permission::PermissionKind;
use crate::model::published::{self, Published};
use crate::model::risk::Rating;
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::view::blocks::blank;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

fn fact_line(theme: &Theme, indent: &str, f: &Fact) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!("{indent}{}: ", f.label),
            if f.warn { theme.warn() } else { theme.dim() },
        ),
        Span::raw(f.value.clone()),
    ])
}

/// The permission's own lines: name, Microsoft's facts, rating and reasons,
/// and what it lets an app call (the first operations, or all of them).
fn permission_lines(
    catalog: &Catalog,
    api: usize,
    kind: PermissionKind,
    name: &str,
    rating: &Rating,
    theme: &Theme,
    all_operations: bool,
) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(vec![
        Span::styled(format!(" {} ", rating.level.badge()), theme.risk(rating.level)),
        Span::raw(" "),
        Span::styled(claim_label(name).to_string(), theme.title()),
        Span::raw(format!("  {} · {kind}", catalog.apis[api].name)),
    ])];
    let ops = published::operation_lines(catalog, api, kind, name);
    // How many operations the line names before `o` lists them all.
    const FIRST: usize = 3;
    for mut f in describe::permission_facts(catalog, api, kind, name, rating) {
        if f.label == "API operations" && !ops.is_empty() {
            if all_operations {
                f.value.push(':');
            } else {
                // As the issue put it: the count, then the first operations.
                let first: Vec<&str> = ops
                    .iter()
                    .take(FIRST)
                    .map(|o| o.trim_end_matches("  (least privileged)"))
                    .collect();
                f.value.push_str(&format!("; {}", first.join(", ")));
                if ops.len() > FIRST {
                    f.value
                        .push_str(&format!(", … and {} more (o lists them all)", ops.len() - FIRST));
                }
            }
        }
        out.push(fact_line(theme, "", &f));
        if f.label == "risk" {
            out.extend(rating.reasons.iter().map(|r| Line::from(format!("  • {r}"))));
        }
    }
    if all_operations {
        out.extend(ops.iter().map(|o| Line::from(format!("  {o}"))));
    }
    out
}

/// The lines of one vendor row that asks for the permission.
fn row_lines(catalog: &Catalog, row: usize, theme: &Theme) -> Vec<Line<'static>> {
    let r = &catalog.requirements[row];
    let p = &catalog.products[r.product];
    let mut out = vec![
        blank(),
        Line::from(vec![
            Span::styled(p.slug.clone(), theme.title()),
            Span::raw(format!(" — {} · app \"{}\"", p.vendor, p.apps[r.app].name)),
        ]),
    ];
    out.extend(
        describe::row_facts(catalog, row)
            .iter()
            .map(|f| fact_line(theme, "  ", f)),
    );
    out
}

/// The lines of the detail pane for a set of requirement rows of one permission.
pub(crate) fn lines(catalog: &Catalog, rows: &[usize], theme: &Theme) -> Vec<Line<'static>> {
    lines_upto(catalog, rows, theme, usize::MAX, false, AdviceState::None)
}

/// The advice for the row's app, as far as it is known.
#[derive(Clone, Copy)]
pub(crate) enum AdviceState<'a> {
    /// Not asked for (the compare view, the catalog mode).
    None,
    /// The worker is working it out.
    Pending,
    Ready(&'a AppAdvice),
}

/// "Narrower" and "Ask the vendor" for the row: the app's alternatives to
/// this requirement and the questions its document line raises.
fn advice_lines(advice: &AppAdvice, catalog: &Catalog, row: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let r = &catalog.requirements[row];
    if let Some(req) = advice.requirement(row)
        && !req.alternatives.is_empty()
    {
        out.push(blank());
        out.push(Line::from(Span::styled(
            format!("Narrower (for {})", advice.app_name),
            theme.header(),
        )));
        for a in &req.alternatives {
            let what = match (&a.permission, &a.mechanism) {
                (Some(p), _) => format!("{p} ({})", catalog.apis[a.api].short),
                (None, Some(m)) => m.clone(),
                (None, None) => String::new(),
            };
            let held = if a.already_held { " — already asked for" } else { "" };
            out.push(Line::from(vec![Span::styled(
                format!("  → {what}{held}"),
                theme.title(),
            )]));
            out.push(Line::from(vec![
                Span::styled("    gives up: ", theme.dim()),
                Span::raw(a.gives_up.clone()),
            ]));
            out.push(Line::from(vec![
                Span::styled("    fits when: ", theme.dim()),
                Span::raw(a.fits_when.clone()),
            ]));
        }
    }
    let questions = advice.questions_for_line(r.line);
    if !questions.is_empty() {
        out.push(blank());
        out.push(Line::from(Span::styled("Ask the vendor", theme.header())));
        for q in questions {
            out.push(Line::from(format!("  ? {}", q.question)));
            out.push(Line::from(vec![
                Span::styled("    because: ", theme.dim()),
                Span::raw(q.because.clone()),
            ]));
        }
    }
    out
}

/// Like [`lines`], but stops adding product rows once `limit` lines are
/// there: a pane showing lines up to `limit` looks the same, and a
/// permission asked for by hundreds of rows costs no more to draw than one.
pub(crate) fn lines_upto(
    catalog: &Catalog,
    rows: &[usize],
    theme: &Theme,
    limit: usize,
    all_operations: bool,
    advice: AdviceState<'_>,
) -> Vec<Line<'static>> {
    let Some(&first) = rows.first() else {
        return vec![Line::from("Nothing selected.")];
    };
    let r = &catalog.requirements[first];
    let mut out = permission_lines(
        catalog,
        r.api,
        r.kind,
        &r.permission,
        catalog.rating(first),
        theme,
        all_operations,
    );
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
            // The pane ends above: nothing below is seen.
            return out;
        }
        out.extend(row_lines(catalog, i, theme));
    }
    // What to do about the row's app: after what the vendor says it is for.
    match advice {
        AdviceState::Ready(advice) => out.extend(advice_lines(advice, catalog, first, theme)),
        AdviceState::Pending => {
            out.push(blank());
            out.push(Line::from(Span::styled(
                "Working out narrower alternatives and questions for this app…",
                theme.dim(),
            )));
        }
        AdviceState::None => {}
    }
    out
}

/// The lines for a permission of Microsoft's catalog: its facts, and the
/// rows of every product that asks for it.
pub(crate) fn published_lines(
    catalog: &Catalog,
    p: &Published,
    theme: &Theme,
    all_operations: bool,
) -> Vec<Line<'static>> {
    let mut out = permission_lines(catalog, p.api, p.kind, &p.name, &p.rating, theme, all_operations);
    out.push(blank());
    let rows: Vec<usize> = (0..catalog.requirements.len())
        .filter(|&i| {
            let r = &catalog.requirements[i];
            r.api == p.api && r.kind == p.kind && r.permission == p.name
        })
        .collect();
    if rows.is_empty() {
        out.push(Line::from(Span::styled(
            "No loaded product asks for it.",
            theme.header(),
        )));
        return out;
    }
    out.push(Line::from(Span::styled(
        format!("Asked for by {} row(s) in {} product(s)", rows.len(), p.asked_by.len()),
        theme.header(),
    )));
    for i in rows {
        out.extend(row_lines(catalog, i, theme));
    }
    out
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
        Some(e) => {
            let advice = match app.advice_for(e.rows()[0]) {
                Some(advice) => AdviceState::Ready(advice),
                None if app.advice_pending(e.rows()[0]) => AdviceState::Pending,
                None => AdviceState::None,
            };
            let mut text = lines_upto(&app.catalog, e.rows(), theme, limit, app.all_operations, advice);
            // What the row's app reaches through it, right under the permission's own lines.
            let at = text.iter().position(|l| l.width() == 0).unwrap_or(text.len());
            let power = crate::tui::view::power::contribution_lines(app, e.rows(), theme);
            text.splice(at..at, power);
            text
        }
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
