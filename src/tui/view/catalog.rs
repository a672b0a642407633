//! The catalog mode: every permission Microsoft publishes, rated, with who
//! asks for it, and the highlighted one's details.

use crate::model::columns::{Column, claim_label};
use crate::model::permission::PermissionKind;
use crate::model::published::{COLUMNS, PublishedTable};
use crate::model::query::Matcher;
use crate::tui::app::{App, CatalogView};
use crate::tui::theme::Theme;
use crate::tui::view::explorer::highlighted;
use crate::tui::view::{detail, table};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Wrap};

pub(super) fn render(frame: &mut Frame, area: Rect, app: &App, view: &CatalogView, theme: &Theme) {
    let note = misspelling_note(app, view);
    let (table_area, detail_area) =
        crate::tui::view::blocks::split_body(area, view.visible.len() + usize::from(note.is_some()));
    let title = format!(
        " Microsoft's catalog · {} of {} permissions ",
        view.visible.len(),
        view.rows.len()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus_border())
        .title(Span::styled(title, theme.title()));
    let mut inner = block.inner(table_area);
    frame.render_widget(block, table_area);
    if view.visible.is_empty() {
        let mut text = vec![Line::from(Span::styled(
            "No published permission matches. Press x to clear the filters, or Backspace to shorten the search.",
            theme.dim(),
        ))];
        if let Some(n) = note {
            text.insert(0, Line::from(Span::styled(n, theme.warn())));
        }
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
    } else {
        if let Some(n) = note
            && inner.height > 2
        {
            let line = Rect { height: 1, ..inner };
            frame.render_widget(Paragraph::new(Span::styled(n, theme.warn())), line);
            inner.y += 1;
            inner.height -= 1;
        }
        let source = PublishedTable {
            catalog: &app.catalog,
            rows: &view.rows,
        };
        let terms = app.query.terms();
        let style = |line: usize, column: Column, text: &str, width: usize| -> Option<Cell<'static>> {
            let p = &view.rows[view.visible[line]];
            match column {
                Column::Risk => {
                    let mark = if app.selection.contains(&p.key()) { "●" } else { " " };
                    Some(Cell::from(Line::from(vec![
                        Span::styled(mark, theme.title()),
                        Span::styled(text.to_string(), theme.risk(p.rating.level)),
                    ])))
                }
                Column::Permission => {
                    let claim = claim_label(&p.name);
                    let m = if terms.is_empty() {
                        Vec::new()
                    } else {
                        Matcher.highlight(claim, &terms)
                    };
                    Some(Cell::from(highlighted(claim, &m, width, theme.base(), theme.matched())))
                }
                _ => None,
            }
        };
        let spec = table::Spec {
            source: &source,
            columns: &COLUMNS,
            rows: &view.visible,
            cursor: view.cursor,
            focused: None,
            style: &style,
        };
        let mut offset = view.cursor.saturating_sub(inner.height.saturating_sub(2) as usize);
        table::draw(frame, inner, &spec, &mut offset, theme);
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(" Detail ", theme.title()))
        .padding(ratatui::widgets::Padding::horizontal(1));
    let text = match view.current() {
        Some(p) => detail::published_lines(&app.catalog, p, theme, app.all_operations),
        None => vec![Line::from("Nothing to show.")],
    };
    frame.render_widget(
        Paragraph::new(text)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((app.detail_scroll, 0)),
        detail_area,
    );
}

/// "`mail.sned` is not a permission Microsoft publishes; did you mean
/// Mail.Send?": when the search is one word shaped like a permission's name
/// (a dot or an underscore in it), no shown permission is called that, and
/// published names of the APIs and type the filters allow are a few edits
/// away. The fuzzy search alone would show other names that merely contain
/// the letters (`Mail.Send.Shared` for `mail.sned`), and nothing would say so.
fn misspelling_note(app: &App, view: &CatalogView) -> Option<String> {
    let text = app.query.text.trim();
    if text.chars().count() < 4 || text.contains(char::is_whitespace) || !text.contains(['.', '_']) {
        return None;
    }
    if view
        .visible
        .iter()
        .any(|&i| view.rows[i].name.eq_ignore_ascii_case(text))
    {
        return None;
    }
    let catalog = &app.catalog;
    let apis: Vec<usize> = if app.query.apis.is_empty() {
        (0..catalog.apis.len()).collect()
    } else {
        app.query.apis.clone()
    };
    let kinds = match app.query.kind {
        Some(k) => vec![k],
        None => vec![PermissionKind::Application, PermissionKind::Delegated],
    };
    let mut found: Vec<String> = Vec::new();
    for &api in &apis {
        for &kind in &kinds {
            for name in catalog.microsoft.suggest(&catalog.apis[api].app_id, kind, text) {
                if !found.contains(&name) {
                    found.push(name);
                }
            }
        }
    }
    found.truncate(3);
    (!found.is_empty()).then(|| {
        format!(
            "`{text}` is not a permission Microsoft publishes; did you mean {}?",
            found.join(", ")
        )
    })
}
