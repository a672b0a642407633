//! The audit as JSON, Markdown, a terminal table and summary lines.

use super::check::{Audit, AuditEntry};
use crate::model::text::{display_width, truncate};
use crate::model::text::{md_code, md_text, one_line};
use serde_json::{Value, json};

// ------------------------------------------------------------------ JSON

/// The audit as JSON: `{"granted_documented": [...], "undocumented": [...],
/// "granted_narrower_than_documented": [...], "not_granted": [...],
/// "documented_for_another_app": [...], "product", "apps", "notices"}`. Every entry has `api`, `permission` (null when the GUID is
/// unknown), `type` (`application` or `delegated`), `id` (null when no catalog
/// knows it), `unknown`, `flagged`, `risk` (null when unknown), `documented`
/// (document, line, app), `narrower_than` (the documented rows a narrower
/// grant stands in for: document, line, app), `granted` (count), `sources` (file, export, entry,
/// path, line), `principals`, `consent`, `notes` and `app` (the product's app
/// the entry is for; null when the grants could not be tied to one). `apps`
/// lists the apps checked one by one, each with `app`, `matched_by` (`given`,
/// `display_name`, `object_id`, `app_id`) and `holder`. This is a contract for
/// scripts: fields are only ever added.
pub fn to_json(audit: &Audit) -> Value {
    json!({
        "product": audit.product_slug,
        "apps": audit.apps.iter().map(|a| json!({
            "app": a.name,
            "matched_by": a.matched_by.as_str(),
            "holder": a.holder,
        })).collect::<Vec<_>>(),
        "granted_documented": audit.granted_documented.iter().map(|e| entry_json(e, false)).collect::<Vec<_>>(),
        "documented_for_another_app": audit.other_app.iter().map(|e| entry_json(e, true)).collect::<Vec<_>>(),
        "undocumented": audit.undocumented.iter().map(|e| entry_json(e, true)).collect::<Vec<_>>(),
        "granted_narrower_than_documented": audit.narrower.iter().map(|e| entry_json(e, false)).collect::<Vec<_>>(),
        "not_granted": audit.not_granted.iter().map(|e| entry_json(e, false)).collect::<Vec<_>>(),
        "notices": audit.notices,
    })
}

fn entry_json(e: &AuditEntry, flagged: bool) -> Value {
    json!({
        "api": e.api_name,
        "api_app_id": e.api_app_id,
        "resource_known": e.api.is_some(),
        "permission": e.permission,
        "type": e.kind.as_str(),
        "id": e.id,
        "unknown": e.is_unknown(),
        "flagged": flagged,
        "risk": e.rating.as_ref().map(|r| json!({
            "level": r.level.as_str(),
            "score": r.score,
            "reasons": r.reasons,
            "basis": r.basis.as_str(),
        })),
        "documented": e.documented.iter().map(|d| json!({
            "document": d.document,
            "line": d.line,
            "app": d.app,
        })).collect::<Vec<_>>(),
        "narrower_than": e.narrower_than.iter().map(|d| json!({
            "document": d.document,
            "line": d.line,
            "app": d.app,
        })).collect::<Vec<_>>(),
        "granted": e.granted,
        "sources": e.sources.iter().map(|s| json!({
            "file": s.origin,
            "export": s.export.as_str(),
            "entry": s.entry,
            "path": s.path,
            "line": s.line,
        })).collect::<Vec<_>>(),
        "principals": e.principals,
        "consent": e.consents,
        "notes": e.notes,
        "app": e.app,
    })
}

// ------------------------------------------------------------------ shared text

fn badge(e: &AuditEntry) -> &'static str {
    e.rating.as_ref().map_or("?", |r| r.level.badge())
}

/// "3 granted and documented, 1 documented for another app, 2 granted but
/// undocumented, 4 documented but not granted" (the other-app count only for
/// products with several apps, the narrower count only when there are such
/// grants): the one summary every view of an audit gives.
pub fn summary(audit: &Audit) -> String {
    let mut parts = vec![format!("{} granted and documented", audit.granted_documented.len())];
    if audit.app_count > 1 {
        parts.push(format!("{} documented for another app", audit.other_app.len()));
    }
    parts.push(format!("{} granted but undocumented", audit.undocumented.len()));
    if !audit.narrower.is_empty() {
        parts.push(format!("{} granted, narrower than documented", audit.narrower.len()));
    }
    parts.push(format!("{} documented but not granted", audit.not_granted.len()));
    parts.join(", ")
}

/// The lines saying which apps the grants were checked against, and how
/// each was known, then the notices.
pub fn app_lines(audit: &Audit) -> Vec<String> {
    let mut out: Vec<String> = audit
        .apps
        .iter()
        .map(|a| {
            let holder = a.holder.as_ref().map(|h| format!(" \"{h}\"")).unwrap_or_default();
            format!(
                "Checked against the app {} ({}{holder}).",
                a.name,
                a.matched_by.describe()
            )
        })
        .collect();
    out.extend(audit.notices.iter().cloned());
    out
}

/// Where a grant was read: file names with their lines (`grants.json:12,40`) and a repeat count.
fn granted_at(e: &AuditEntry) -> String {
    let mut files: Vec<(String, Vec<String>)> = Vec::new();
    for s in &e.sources {
        let file = std::path::Path::new(&s.origin)
            .file_name()
            .map_or_else(|| s.origin.clone(), |f| f.to_string_lossy().into_owned());
        let place = s.line.map_or_else(|| s.path.clone(), |l| l.to_string());
        match files.iter_mut().find(|(f, _)| *f == file) {
            Some((_, places)) => {
                if !places.contains(&place) {
                    places.push(place);
                }
            }
            None => files.push((file, vec![place])),
        }
    }
    let mut out = files
        .iter()
        .map(|(f, places)| format!("{f}:{}", places.join(",")))
        .collect::<Vec<_>>()
        .join(", ");
    if e.granted > 1 {
        out.push_str(&format!(" (granted {} times)", e.granted));
    }
    out
}

/// "line 45, line 69", each with its app when the product has several
/// (`with_app`) and it is not the entry's own.
fn documented_at(e: &AuditEntry, with_app: bool) -> String {
    e.documented
        .iter()
        .map(|d| {
            if with_app && e.app.as_deref() != Some(d.app.as_str()) {
                format!("line {} ({})", d.line, d.app)
            } else {
                format!("line {}", d.line)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

// ------------------------------------------------------------------ Markdown

/// The audit as a Markdown report: a summary, then one table per list.
pub fn to_markdown(audit: &Audit) -> String {
    let mut out = format!(
        "# Permission audit: {} ({})\n\n",
        md_text(&audit.product_name),
        md_code(&audit.product_slug),
    );
    for line in app_lines(audit) {
        out.push_str(&md_text(&line));
        out.push_str("\n\n");
    }
    out.push_str(&format!("{}.\n", md_text(&summary(audit))));
    let permission = |e: &AuditEntry| match &e.permission {
        Some(p) => md_code(p),
        None => "**unknown GUID**".to_string(),
    };
    let id = |e: &AuditEntry| e.id.as_deref().map_or_else(|| "not in catalog".to_string(), md_code);
    let multi = audit.app_count > 1;

    out.push_str(&format!(
        "\n## Granted but undocumented ({})\n\n",
        audit.undocumented.len()
    ));
    if audit.undocumented.is_empty() {
        out.push_str("None: the app holds nothing the vendor does not document.\n");
    } else {
        out.push_str("| Risk | Permission | API | Type | ID | Granted in | Notes |\n|---|---|---|---|---|---|---|\n");
        for e in &audit.undocumented {
            let mut notes = entry_notes(audit, e);
            if let Some(r) = &e.rating
                && let Some(first) = r.reasons.first()
            {
                notes.insert(0, first.clone());
            }
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                badge(e),
                permission(e),
                md_text(&e.api_name),
                e.kind,
                id(e),
                md_text(&granted_at(e)),
                md_text(&notes.join(" "))
            ));
        }
    }

    let granted: [(&str, &[AuditEntry], bool); 3] = [
        (
            "Granted, narrower than documented",
            &audit.narrower,
            !audit.narrower.is_empty(),
        ),
        ("Granted, documented only for another app", &audit.other_app, multi),
        ("Granted and documented", &audit.granted_documented, true),
    ];
    for (title, entries, shown) in granted {
        if !shown {
            continue;
        }
        out.push_str(&format!("\n## {title} ({})\n\n", entries.len()));
        if entries.is_empty() {
            out.push_str("None.\n");
            continue;
        }
        out.push_str("| Risk | Permission | API | Type | ID | Documented at | Granted in | Notes |\n|---|---|---|---|---|---|---|---|\n");
        for e in entries {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                badge(e),
                permission(e),
                md_text(&e.api_name),
                e.kind,
                id(e),
                md_text(&documented_at(e, multi)),
                md_text(&granted_at(e)),
                md_text(&entry_notes(audit, e).join(" "))
            ));
        }
    }

    out.push_str(&format!(
        "\n## Documented but not granted ({})\n\n",
        audit.not_granted.len()
    ));
    if audit.not_granted.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| Risk | Permission | API | Type | ID | Documented at |\n|---|---|---|---|---|---|\n");
        for e in &audit.not_granted {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                badge(e),
                permission(e),
                md_text(&e.api_name),
                e.kind,
                id(e),
                md_text(&documented_at(e, multi))
            ));
        }
    }
    out
}

/// An entry's notes, after "held by X" when the product has several apps.
fn entry_notes(audit: &Audit, e: &AuditEntry) -> Vec<String> {
    let mut notes = Vec::new();
    if audit.app_count > 1
        && e.granted > 0
        && let Some(app) = &e.app
    {
        notes.push(format!("held by {app}"));
    }
    notes.extend(e.notes.iter().cloned());
    notes
}

// ------------------------------------------------------------------ terminal table

/// A column of the text table: header, natural width, narrowest useful width.
struct Col {
    header: &'static str,
    cells: Vec<String>,
    min: usize,
}

/// The audit as aligned text for a terminal `width` columns wide: a summary, then
/// one section per list. Undocumented rows start with `!`. All text is neutralised.
pub fn to_table(audit: &Audit, width: usize) -> String {
    let width = width.max(40);
    let mut out = String::new();
    out.push_str(&truncate(
        &one_line(&format!(
            "Audit of {} ({}) by {}",
            audit.product_name, audit.product_slug, audit.vendor
        )),
        width,
    ));
    out.push('\n');
    // Prose is wrapped, never cut: it says how the grants were tied to apps.
    for line in app_lines(audit) {
        for part in crate::model::text::wrap(&one_line(&line), width, "  ") {
            out.push_str(&part);
            out.push('\n');
        }
    }
    out.push_str(&truncate(&one_line(&summary(audit)), width));
    out.push('\n');
    let multi = audit.app_count > 1;
    let sections: [(&str, &[AuditEntry], bool, bool); 5] = [
        ("GRANTED BUT UNDOCUMENTED", &audit.undocumented, true, true),
        (
            "GRANTED, NARROWER THAN DOCUMENTED",
            &audit.narrower,
            false,
            !audit.narrower.is_empty(),
        ),
        (
            "GRANTED, DOCUMENTED ONLY FOR ANOTHER APP",
            &audit.other_app,
            true,
            multi,
        ),
        ("GRANTED AND DOCUMENTED", &audit.granted_documented, false, true),
        ("DOCUMENTED BUT NOT GRANTED", &audit.not_granted, false, true),
    ];
    for (title, entries, flagged, shown) in sections {
        if !shown {
            continue;
        }
        out.push('\n');
        out.push_str(&format!("{title} ({})\n", entries.len()));
        if entries.is_empty() {
            out.push_str("  none\n");
            continue;
        }
        out.push_str(&section_table(audit, entries, flagged, width));
    }
    out
}

fn section_table(audit: &Audit, entries: &[AuditEntry], flagged: bool, width: usize) -> String {
    let multi = audit.app_count > 1;
    let detail = |e: &AuditEntry| -> String {
        let mut parts = Vec::new();
        // A flagged grant that is documented is documented for another app:
        // that comes first, before the columns are cut to fit.
        let first = flagged && !e.documented.is_empty();
        if first {
            parts.extend(entry_notes(audit, e));
        }
        if !e.documented.is_empty() {
            parts.push(format!("documented at {}", documented_at(e, multi)));
        }
        if !e.sources.is_empty() {
            parts.push(format!("granted in {}", granted_at(e)));
        }
        if !first {
            parts.extend(entry_notes(audit, e));
        }
        parts.join("; ")
    };
    let mut cols = vec![
        Col {
            header: "RISK",
            cells: entries.iter().map(|e| badge(e).to_string()).collect(),
            min: 4,
        },
        Col {
            header: "PERMISSION",
            cells: entries.iter().map(|e| one_line(&e.permission_label())).collect(),
            min: 16,
        },
        Col {
            header: "TYPE",
            cells: entries.iter().map(|e| e.kind.as_str().to_string()).collect(),
            min: 11,
        },
        Col {
            header: "API",
            cells: entries.iter().map(|e| one_line(&e.api_short)).collect(),
            min: 8,
        },
        Col {
            header: "ID",
            cells: entries
                .iter()
                .map(|e| e.id.clone().unwrap_or_else(|| "-".into()))
                .collect(),
            min: 36,
        },
        Col {
            header: "DETAIL",
            cells: entries.iter().map(|e| one_line(&detail(e))).collect(),
            min: 24,
        },
    ];
    let mut widths: Vec<usize> = cols
        .iter()
        .map(|c| {
            c.cells
                .iter()
                .map(|s| display_width(s))
                .chain([c.header.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let prefix = 2; // "! " or "  "
    let total = |w: &[usize]| prefix + w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
    // The ID goes first (it is for machines), then the detail shrinks or goes,
    // then the API and the permission give what they must; lines are cut last.
    if total(&widths) > width {
        cols.remove(4);
        widths.remove(4);
    }
    let over = total(&widths).saturating_sub(width);
    widths[4] = widths[4].saturating_sub(over).max(cols[4].min.min(widths[4]));
    if total(&widths) > width {
        cols.pop();
        widths.pop();
    }
    for (i, floor) in [(3, 8), (1, 6)] {
        let over = total(&widths).saturating_sub(width);
        widths[i] = widths[i].saturating_sub(over).max(floor.min(widths[i]));
    }
    let mut out = String::new();
    let line = |lead: &str, cells: Vec<&str>| -> String {
        let mut s = lead.to_string();
        for (n, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            let cut = truncate(cell, *w);
            s.push_str(&cut);
            if n + 1 < cells.len() {
                s.push_str(&" ".repeat(w.saturating_sub(display_width(&cut)) + 2));
            }
        }
        truncate(s.trim_end(), width).into_owned()
    };
    out.push_str(&line("  ", cols.iter().map(|c| c.header).collect()));
    out.push('\n');
    for r in 0..entries.len() {
        let lead = if flagged { "! " } else { "  " };
        out.push_str(&line(lead, cols.iter().map(|c| c.cells[r].as_str()).collect()));
        out.push('\n');
    }
    out
}
