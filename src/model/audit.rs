//! Auditing a tenant against a vendor's documentation: does the vendor's app hold
//! exactly what the vendor documents, and nothing more?
//!
//! Every grant lands in one of three lists: granted and documented, granted but
//! undocumented (flagged, with its risk), or documented but not granted. A grant
//! matches a requirement only on the same resource, kind and claim: a Graph
//! `Mail.ReadWrite` does not stand in for an Exchange `Mail.ReadWrite`. Grants
//! whose GUID or resource permscope cannot name are kept as undocumented, marked
//! unknown, never dropped.

use crate::model::catalog::Catalog;
use crate::model::grants::ResolvedGrant;
use crate::model::permission::PermissionKind;
use crate::model::read::grants::GrantSource;
use crate::model::risk::Rating;
use crate::model::text::{display_width, truncate};
use crate::model::text::{md_code, md_text, one_line};
use serde_json::{Value, json};
use std::collections::HashMap;

/// A requirement row that documents a permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentedAt {
    /// Index into the catalog's requirements.
    pub row: usize,
    /// The app of the product that asks for it.
    pub app: String,
    /// The vendor document's file name.
    pub document: String,
    /// 1-based line in that document.
    pub line: u32,
}

/// One permission in an audit: a grant, a documented requirement, or both.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Index into the catalog's APIs; `None` when the resource is unknown to permscope.
    pub api: Option<usize>,
    /// The API's canonical name, or the resource as the export names it.
    pub api_name: String,
    /// Short label for narrow columns.
    pub api_short: String,
    pub api_app_id: Option<String>,
    pub kind: PermissionKind,
    /// The claim; `None` when the GUID is in no catalog permscope has.
    pub permission: Option<String>,
    pub id: Option<String>,
    /// `None` only when there is no claim to rate (unknown GUID).
    pub rating: Option<Rating>,
    /// The product's rows that document it (empty for undocumented grants).
    pub documented: Vec<DocumentedAt>,
    /// Grant records behind it (0 when not granted; above 1 when duplicated).
    pub granted: usize,
    /// Where the grants were read.
    pub sources: Vec<GrantSource>,
    pub principals: Vec<String>,
    /// `consentType` of delegated grants.
    pub consents: Vec<String>,
    pub notes: Vec<String>,
}

impl AuditEntry {
    /// True when the permission's GUID could not be named.
    pub fn is_unknown(&self) -> bool {
        self.permission.is_none()
    }

    /// The claim, or a marker naming the unknown GUID.
    pub fn permission_label(&self) -> String {
        match (&self.permission, &self.id) {
            (Some(p), _) => p.clone(),
            (None, Some(id)) => format!("unknown GUID {id}"),
            (None, None) => "unknown".into(),
        }
    }
}

/// The result of matching grants against one product's documented requirements.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    /// Index into the catalog's products.
    pub product: usize,
    pub product_slug: String,
    pub product_name: String,
    pub vendor: String,
    /// Granted and documented, in document order.
    pub granted_documented: Vec<AuditEntry>,
    /// Granted but not documented: unknown GUIDs first, then highest risk first.
    pub undocumented: Vec<AuditEntry>,
    /// Documented but not granted, in document order.
    pub not_granted: Vec<AuditEntry>,
}

impl Audit {
    /// True when the app holds nothing the vendor does not document.
    pub fn is_clean(&self) -> bool {
        self.undocumented.is_empty()
    }

    /// The recommended process exit status: 0 when nothing undocumented is granted
    /// (missing grants are not a finding: less than documented is fine), 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        if self.is_clean() { 0 } else { 1 }
    }
}

/// Matches resolved grants against the documented requirements of `product`
/// (distinct by resource, kind and claim; rows with a blank claim cannot be
/// granted and are left out).
pub fn audit(catalog: &Catalog, product: usize, grants: &[ResolvedGrant]) -> Audit {
    let p = &catalog.products[product];
    // Documented permissions in document order, with every row that states each.
    let mut documented: Vec<AuditEntry> = Vec::new();
    let mut by_key: HashMap<(usize, PermissionKind, String), usize> = HashMap::new();
    for row in catalog.rows_of(product) {
        let r = &catalog.requirements[row];
        if r.permission.trim().is_empty() {
            continue;
        }
        let at = DocumentedAt {
            row,
            app: p.apps[r.app].name.clone(),
            document: p.source.file.clone(),
            line: r.line,
        };
        let key = (r.api, r.kind, r.permission.to_lowercase());
        match by_key.get(&key) {
            Some(&i) => documented[i].documented.push(at),
            None => {
                let api = &catalog.apis[r.api];
                by_key.insert(key, documented.len());
                documented.push(AuditEntry {
                    api: Some(r.api),
                    api_name: api.name.clone(),
                    api_short: api.short.clone(),
                    api_app_id: Some(api.app_id.clone()),
                    kind: r.kind,
                    permission: Some(r.permission.clone()),
                    id: catalog.fact(r).map(|f| f.id.clone()),
                    rating: Some(catalog.rating(row).clone()),
                    documented: vec![at],
                    granted: 0,
                    sources: Vec::new(),
                    principals: Vec::new(),
                    consents: Vec::new(),
                    notes: Vec::new(),
                });
            }
        }
    }

    let mut undocumented = Vec::new();
    for g in grants {
        let hit = match (g.api, &g.permission) {
            (Some(api), Some(name)) => by_key.get(&(api, g.kind, name.to_lowercase())).copied(),
            _ => None,
        };
        match hit {
            Some(i) => {
                let e = &mut documented[i];
                e.granted += g.count;
                e.sources.extend(g.sources.iter().cloned());
                if e.id.is_none() {
                    e.id = g.id.clone();
                }
                extend_unique(&mut e.principals, &g.principals);
                extend_unique(&mut e.consents, &consent_names(g));
                extend_unique(&mut e.notes, &g.notes);
            }
            None => undocumented.push(undocumented_entry(catalog, g)),
        }
    }
    // Unknown GUIDs first (nobody can say what they allow), then by risk.
    undocumented.sort_by(|a, b| {
        b.is_unknown()
            .cmp(&a.is_unknown())
            .then_with(|| score(b).cmp(&score(a)))
    });
    let (granted_documented, not_granted) = documented.into_iter().partition(|e| e.granted > 0);
    Audit {
        product,
        product_slug: p.slug.clone(),
        product_name: p.name.clone(),
        vendor: p.vendor.clone(),
        granted_documented,
        undocumented,
        not_granted,
    }
}

fn score(e: &AuditEntry) -> (u8, u8) {
    e.rating.as_ref().map_or((0, 0), |r| (r.level as u8, r.score))
}

fn consent_names(g: &ResolvedGrant) -> Vec<String> {
    g.consents.iter().map(|c| c.as_str().to_string()).collect()
}

fn extend_unique(list: &mut Vec<String>, items: &[String]) {
    for i in items {
        if !list.contains(i) {
            list.push(i.clone());
        }
    }
}

fn undocumented_entry(catalog: &Catalog, g: &ResolvedGrant) -> AuditEntry {
    let (api_name, api_short, api_app_id) = match g.api {
        Some(i) => {
            let a = &catalog.apis[i];
            (a.name.clone(), a.short.clone(), Some(a.app_id.clone()))
        }
        None => {
            let label = g.resource.label();
            (label.clone(), label, g.resource.app_id.clone())
        }
    };
    let rating = g.permission.as_deref().map(|p| catalog.risk.rate(&api_name, g.kind, p));
    let mut notes = g.notes.clone();
    if g.api.is_none() {
        notes.insert(
            0,
            "resource unknown to permscope: no vendor documents a permission on it".into(),
        );
    }
    AuditEntry {
        api: g.api,
        api_name,
        api_short,
        api_app_id,
        kind: g.kind,
        permission: g.permission.clone(),
        id: g.id.clone(),
        rating,
        documented: Vec::new(),
        granted: g.count,
        sources: g.sources.clone(),
        principals: g.principals.clone(),
        consents: consent_names(g),
        notes,
    }
}

// ------------------------------------------------------------------ JSON

/// The audit as JSON: `{"granted_documented": [...], "undocumented": [...],
/// "not_granted": [...]}`. Every entry has `api`, `permission` (null when the GUID
/// is unknown), `type` (`application` or `delegated`), `id` (null when no catalog
/// knows it), `unknown`, `flagged`, `risk` (null when unknown), `documented`
/// (document, line, app), `granted` (count), `sources` (file, export, entry, path,
/// line), `principals`, `consent` and `notes`. This is a contract for scripts.
pub fn to_json(audit: &Audit) -> Value {
    json!({
        "granted_documented": audit.granted_documented.iter().map(|e| entry_json(e, false)).collect::<Vec<_>>(),
        "undocumented": audit.undocumented.iter().map(|e| entry_json(e, true)).collect::<Vec<_>>(),
        "not_granted": audit.not_granted.iter().map(|e| entry_json(e, false)).collect::<Vec<_>>(),
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
    })
}

// ------------------------------------------------------------------ shared text

fn badge(e: &AuditEntry) -> &'static str {
    e.rating.as_ref().map_or("?", |r| r.level.badge())
}

fn summary(audit: &Audit) -> String {
    format!(
        "{} granted and documented, {} granted but undocumented, {} documented but not granted",
        audit.granted_documented.len(),
        audit.undocumented.len(),
        audit.not_granted.len()
    )
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

fn documented_at(e: &AuditEntry) -> String {
    e.documented
        .iter()
        .map(|d| format!("line {}", d.line))
        .collect::<Vec<_>>()
        .join(", ")
}

// ------------------------------------------------------------------ Markdown

/// The audit as a Markdown report: a summary, then one table per list.
pub fn to_markdown(audit: &Audit) -> String {
    let mut out = format!(
        "# Permission audit: {} ({})\n\n{}.\n",
        md_text(&audit.product_name),
        md_code(&audit.product_slug),
        md_text(&summary(audit))
    );
    let permission = |e: &AuditEntry| match &e.permission {
        Some(p) => md_code(p),
        None => "**unknown GUID**".to_string(),
    };
    let id = |e: &AuditEntry| e.id.as_deref().map_or_else(|| "not in catalog".to_string(), md_code);

    out.push_str(&format!(
        "\n## Granted but undocumented ({})\n\n",
        audit.undocumented.len()
    ));
    if audit.undocumented.is_empty() {
        out.push_str("None: the app holds nothing the vendor does not document.\n");
    } else {
        out.push_str("| Risk | Permission | API | Type | ID | Granted in | Notes |\n|---|---|---|---|---|---|---|\n");
        for e in &audit.undocumented {
            let mut notes = e.notes.clone();
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

    out.push_str(&format!(
        "\n## Granted and documented ({})\n\n",
        audit.granted_documented.len()
    ));
    if audit.granted_documented.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| Risk | Permission | API | Type | ID | Documented at | Granted in | Notes |\n|---|---|---|---|---|---|---|---|\n");
        for e in &audit.granted_documented {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                badge(e),
                permission(e),
                md_text(&e.api_name),
                e.kind,
                id(e),
                md_text(&documented_at(e)),
                md_text(&granted_at(e)),
                md_text(&e.notes.join(" "))
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
                md_text(&documented_at(e))
            ));
        }
    }
    out
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
    out.push_str(&truncate(&one_line(&summary(audit)), width));
    out.push('\n');
    let sections: [(&str, &[AuditEntry], bool); 3] = [
        ("GRANTED BUT UNDOCUMENTED", &audit.undocumented, true),
        ("GRANTED AND DOCUMENTED", &audit.granted_documented, false),
        ("DOCUMENTED BUT NOT GRANTED", &audit.not_granted, false),
    ];
    for (title, entries, flagged) in sections {
        out.push('\n');
        out.push_str(&format!("{title} ({})\n", entries.len()));
        if entries.is_empty() {
            out.push_str("  none\n");
            continue;
        }
        out.push_str(&section_table(entries, flagged, width));
    }
    out
}

fn section_table(entries: &[AuditEntry], flagged: bool, width: usize) -> String {
    let detail = |e: &AuditEntry| -> String {
        let mut parts = Vec::new();
        if !e.documented.is_empty() {
            parts.push(format!("documented at {}", documented_at(e)));
        }
        if !e.sources.is_empty() {
            parts.push(format!("granted in {}", granted_at(e)));
        }
        parts.extend(e.notes.iter().cloned());
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
