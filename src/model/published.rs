//! Every permission Microsoft publishes for the resources permscope covers,
//! rated, with the products that ask for it: what `permscope catalog` lists
//! and the explorer's catalog mode browses, filtered and searched like
//! requirement rows.

use crate::model::catalog::Catalog;
use crate::model::columns::{Column, TableSource, claim_label, kind_short};
use crate::model::microsoft::{MicrosoftPermission, OperationMap};
use crate::model::permission::{PermissionKey, PermissionKind};
use crate::model::query::{Matcher, Query, Sort};
use crate::model::risk::Rating;
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// One permission a resource publishes.
#[derive(Debug, Clone)]
pub struct Published {
    /// Index into the catalog's APIs.
    pub api: usize,
    pub kind: PermissionKind,
    pub name: String,
    /// What Microsoft's catalog says of it.
    pub fact: MicrosoftPermission,
    pub rating: Rating,
    /// Product indices whose rows ask for it, in catalog order.
    pub asked_by: Vec<usize>,
}

impl Published {
    /// The key a selection holds it by.
    pub fn key(&self) -> PermissionKey {
        PermissionKey {
            api: self.api,
            kind: self.kind,
            name: self.name.clone(),
        }
    }
}

/// Every permission of every API the catalog knows, application then
/// delegated per resource, by name; each rated by the loaded rules (on every
/// core: rating all 1,800 is most of the cost).
pub fn all(catalog: &Catalog) -> Vec<Published> {
    let mut asked: std::collections::HashMap<(usize, PermissionKind, &str), BTreeSet<usize>> = Default::default();
    for r in &catalog.requirements {
        asked
            .entry((r.api, r.kind, r.permission.as_str()))
            .or_default()
            .insert(r.product);
    }
    let mut listed: Vec<(usize, PermissionKind, &str, &MicrosoftPermission)> = Vec::new();
    for (api, a) in catalog.apis.iter().enumerate() {
        for kind in [PermissionKind::Application, PermissionKind::Delegated] {
            for (name, fact) in catalog.microsoft.permissions(&a.app_id, kind) {
                listed.push((api, kind, name, fact));
            }
        }
    }
    let rate = |part: &[(usize, PermissionKind, &str, &MicrosoftPermission)]| -> Vec<Published> {
        part.iter()
            .map(|&(api, kind, name, fact)| Published {
                api,
                kind,
                name: name.to_string(),
                fact: fact.clone(),
                rating: catalog.risk.rate(&catalog.apis[api].name, kind, name),
                asked_by: asked
                    .get(&(api, kind, name))
                    .map(|s| s.iter().copied().collect())
                    .unwrap_or_default(),
            })
            .collect()
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if listed.len() < 256 || threads < 2 {
        return rate(&listed);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = listed
            .chunks(listed.len().div_ceil(threads))
            .map(|part| (part, scope.spawn(move || rate(part))))
            .collect();
        // A failed thread's part is rated again here, so no permission is lost.
        handles
            .into_iter()
            .flat_map(|(part, h)| h.join().unwrap_or_else(|_| rate(part)))
            .collect()
    })
}

/// The permissions that pass `query`'s API, type, risk and text filters
/// (its product, workload and phase filters are about vendor rows and are
/// ignored), in `sort` order (relevance: best match first when searching).
pub fn filter(rows: &[Published], query: &Query, sort: Sort) -> Vec<usize> {
    let terms = query.terms();
    let mut hits: Vec<(usize, i64)> = rows
        .iter()
        .enumerate()
        .filter(|(_, p)| query.apis.is_empty() || query.apis.contains(&p.api))
        .filter(|(_, p)| query.kind.is_none_or(|k| k == p.kind))
        .filter(|(_, p)| query.min_risk.is_none_or(|m| p.rating.level >= m))
        .filter_map(|(i, p)| {
            if terms.is_empty() {
                return Some((i, 0));
            }
            let fields = [p.name.as_str(), p.fact.display_name.as_deref().unwrap_or("")];
            Matcher.score_row(&fields, &terms).map(|s| (i, s))
        })
        .collect();
    match sort {
        Sort::Relevance if !terms.is_empty() => hits.sort_by_key(|&(i, s)| (std::cmp::Reverse(s), i)),
        Sort::Relevance | Sort::Product => {}
        Sort::Risk => hits.sort_by_key(|&(i, _)| (std::cmp::Reverse(rows[i].rating.score), i)),
        Sort::Name => hits.sort_by(|a, b| {
            rows[a.0]
                .name
                .to_lowercase()
                .cmp(&rows[b.0].name.to_lowercase())
                .then(a.0.cmp(&b.0))
        }),
        Sort::Api => hits.sort_by_key(|&(i, _)| (rows[i].api, i)),
    }
    hits.into_iter().map(|(i, _)| i).collect()
}

/// The columns of the catalog's table.
pub const COLUMNS: [Column; 6] = [
    Column::Risk,
    Column::Permission,
    Column::Type,
    Column::Api,
    Column::Product,
    Column::Description,
];

/// Published permissions as a table: the product column names who asks for
/// it, the description is Microsoft's display name.
pub struct PublishedTable<'a> {
    pub catalog: &'a Catalog,
    pub rows: &'a [Published],
}

impl TableSource for PublishedTable<'_> {
    fn cell(&self, row: usize, column: Column) -> Cow<'_, str> {
        let p = &self.rows[row];
        match column {
            Column::Risk => Cow::Borrowed(p.rating.level.badge()),
            Column::Permission => Cow::Borrowed(claim_label(&p.name)),
            Column::Type => Cow::Borrowed(kind_short(p.kind)),
            Column::Api => Cow::Borrowed(&self.catalog.apis[p.api].short),
            Column::Product => Cow::Owned(asked_by_text(self.catalog, p)),
            Column::Description => Cow::Borrowed(p.fact.display_name.as_deref().unwrap_or("")),
            Column::Id => Cow::Borrowed(&p.fact.id),
            Column::Reason => Cow::Borrowed(p.rating.reasons.first().map_or("", String::as_str)),
            _ => Cow::Borrowed(""),
        }
    }

    fn header(&self, column: Column) -> Cow<'_, str> {
        match column {
            Column::Product => Cow::Borrowed("ASKED BY"),
            Column::Description => Cow::Borrowed("MICROSOFT'S NAME"),
            other => Cow::Borrowed(other.header()),
        }
    }
}

/// "nakivo, gitprotect" or "—".
pub fn asked_by_text(catalog: &Catalog, p: &Published) -> String {
    if p.asked_by.is_empty() {
        "—".into()
    } else {
        p.asked_by
            .iter()
            .map(|&i| catalog.products[i].slug.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// How many Microsoft Graph operations a permission grants, and for how many
/// of them Microsoft lists it as the least privileged; `None` when Microsoft
/// publishes no map for the resource or lists none for the permission.
pub fn operation_counts(catalog: &Catalog, api: usize, kind: PermissionKind, name: &str) -> Option<(usize, usize)> {
    match catalog.microsoft.operations(&catalog.apis[api].app_id, kind, name) {
        OperationMap::Listed(ops) => Some((ops.count(), ops.least_count())),
        _ => None,
    }
}

/// One sentence on what Microsoft's map says a permission lets an app call:
/// "grants 214 API operations, least privileged for 37", or why there is no count.
pub fn operations_summary(catalog: &Catalog, api: usize, kind: PermissionKind, name: &str) -> String {
    match catalog.microsoft.operations(&catalog.apis[api].app_id, kind, name) {
        OperationMap::Listed(ops) => format!(
            "grants {} Microsoft Graph API operation{}, least privileged for {}",
            ops.count(),
            if ops.count() == 1 { "" } else { "s" },
            ops.least_count()
        ),
        OperationMap::NotListed => {
            "Microsoft's permission map lists no API operation for this permission and type".to_string()
        }
        OperationMap::NoPublishedMap => format!(
            "Microsoft publishes no map of the API operations {} permissions grant",
            catalog.apis[api].name
        ),
    }
}

/// The operations as `METHOD /path` lines, least-privileged first marked `*`.
pub fn operation_lines(catalog: &Catalog, api: usize, kind: PermissionKind, name: &str) -> Vec<String> {
    match catalog.microsoft.operations(&catalog.apis[api].app_id, kind, name) {
        OperationMap::Listed(ops) => ops
            .operations
            .iter()
            .map(|o| {
                let mut line = format!(
                    "{} {}{}",
                    o.method,
                    o.path,
                    if o.least { "  (least privileged)" } else { "" }
                );
                if !o.also_requires.is_empty() {
                    line.push_str(&format!("  also requires {}", o.also_requires.join(", ")));
                }
                line
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The JSON object of one published permission (the `catalog` contract).
pub fn row_json(catalog: &Catalog, p: &Published) -> Value {
    let api = &catalog.apis[p.api];
    let operations = operation_counts(catalog, p.api, p.kind, &p.name);
    json!({
        "api": api.name,
        "api_app_id": api.app_id,
        "permission": p.name,
        "type": p.kind.as_str(),
        "id": p.fact.id,
        "admin_consent": p.fact.admin_consent,
        "display_name": p.fact.display_name,
        "privilege_level": p.fact.privilege_level,
        "enabled": p.fact.enabled,
        "risk": {
            "level": p.rating.level.as_str(),
            "score": p.rating.score,
            "reasons": p.rating.reasons,
            "basis": p.rating.basis,
        },
        "lenses": crate::model::lens::lens_verdicts(&api.name, p.kind, &p.name, p.rating.level),
        "asked_by": p.asked_by.iter().map(|&i| catalog.products[i].slug.clone()).collect::<Vec<_>>(),
        "operations": operations.map(|(n, _)| n),
        "least_privileged_operations": operations.map(|(_, l)| l),
    })
}

/// What the catalog says about a name that may not exist: the permission
/// itself, or that it is unknown on this resource and kind, with suggestions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Microsoft publishes it, spelled as given (or only case differs: the catalog's spelling).
    Known(String),
    /// Microsoft publishes no such permission on this resource and kind.
    Unknown { suggestions: Vec<String> },
}

/// Looks `name` up on `api` for `kind`.
pub fn lookup(catalog: &Catalog, api: usize, kind: PermissionKind, name: &str) -> Lookup {
    let app_id = &catalog.apis[api].app_id;
    let name = name.trim();
    if catalog.microsoft.get(app_id, kind, name).is_some() {
        return Lookup::Known(name.to_string());
    }
    if let Some(spelled) = catalog.microsoft.spelling(app_id, kind, name) {
        return Lookup::Known(spelled.to_string());
    }
    Lookup::Unknown {
        suggestions: catalog.microsoft.suggest(app_id, kind, name),
    }
}

/// "`Mail.Sned` is not a permission Microsoft publishes for Microsoft Graph
/// (application); did you mean Mail.Send?": the one wording of an unknown name.
pub fn unknown_sentence(
    catalog: &Catalog,
    api: usize,
    kind: PermissionKind,
    name: &str,
    suggestions: &[String],
) -> String {
    let mut s = format!(
        "`{name}` is not a permission Microsoft publishes for {} ({kind})",
        catalog.apis[api].name
    );
    if suggestions.is_empty() {
        s.push_str("; no published name is close to it");
    } else {
        s.push_str(&format!("; did you mean {}?", suggestions.join(", ")));
    }
    s
}

/// Renders published permissions in a `list` format. `width` is the terminal
/// width for `table`.
pub fn render(
    catalog: &Catalog,
    rows: &[Published],
    shown: &[usize],
    format: crate::model::listing::ListFormat,
    width: usize,
) -> String {
    use crate::model::listing::ListFormat;
    use crate::model::text::{csv_field, md_code, one_line};
    let table = PublishedTable { catalog, rows };
    match format {
        ListFormat::Table => {
            let mut columns = COLUMNS.to_vec();
            columns.push(Column::Reason);
            crate::model::columns::text_table(&table, &columns, shown, width).0
        }
        ListFormat::Plain => {
            let mut out = String::new();
            for &i in shown {
                let cells: Vec<String> = [
                    Column::Api,
                    Column::Type,
                    Column::Permission,
                    Column::Risk,
                    Column::Id,
                    Column::Product,
                    Column::Description,
                ]
                .iter()
                .map(|&c| one_line(&table.cell(i, c)))
                .collect();
                out.push_str(&cells.join("\t"));
                out.push('\n');
            }
            out
        }
        ListFormat::Json => json_array(catalog, rows, shown),
        ListFormat::Csv => {
            let mut out = String::from(
                "api,permission,type,id,admin_consent,display_name,privilege_level,risk,risk_score,asked_by,operations\n",
            );
            for &i in shown {
                let p = &rows[i];
                let ops = operation_counts(catalog, p.api, p.kind, &p.name)
                    .map(|(n, _)| n.to_string())
                    .unwrap_or_default();
                let fields = [
                    catalog.apis[p.api].name.clone(),
                    p.name.clone(),
                    p.kind.as_str().to_string(),
                    p.fact.id.to_string(),
                    p.fact.admin_consent.map(|b| b.to_string()).unwrap_or_default(),
                    p.fact.display_name.as_deref().unwrap_or("").to_string(),
                    p.fact.privilege_level.map(|l| l.to_string()).unwrap_or_default(),
                    p.rating.level.as_str().to_string(),
                    p.rating.score.to_string(),
                    p.asked_by
                        .iter()
                        .map(|&i| catalog.products[i].slug.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    ops,
                ];
                out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
                out.push('\n');
            }
            out
        }
        ListFormat::Markdown => {
            let mut out = String::from(
                "| Risk | Permission | Type | API | Asked by | Microsoft's name |\n|---|---|---|---|---|---|\n",
            );
            for &i in shown {
                let cells: Vec<String> = [
                    Column::Risk,
                    Column::Permission,
                    Column::Type,
                    Column::Api,
                    Column::Product,
                    Column::Description,
                ]
                .iter()
                .map(|&c| md_code(&table.cell(i, c)))
                .collect();
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
            out
        }
    }
}

/// The `catalog` JSON: [`json_pretty`](crate::model::text::json_pretty) of the
/// array of [`row_json`] objects, byte for byte, but made a row at a time and
/// on every core. The whole catalog is 2.7 MB of JSON; one `Value` tree of it,
/// printed and then dropped, took longer than the 100 ms the command may.
fn json_array(catalog: &Catalog, rows: &[Published], shown: &[usize]) -> String {
    if shown.is_empty() {
        return "[]\n".into();
    }
    // Each object as the array's pretty printer lays it out: every line two
    // spaces in (a JSON string holds no raw line break, so every `\n` is the
    // printer's own), a comma after each.
    let objects = |part: &[usize]| {
        let mut out = String::with_capacity(part.len() * 1600);
        for &i in part {
            let value = row_json(catalog, &rows[i]);
            // `json_pretty` checks every character for one to escape; text of
            // printable ASCII and line breaks (all but a dozen rows) has none.
            let one = match serde_json::to_string_pretty(&value) {
                Ok(raw) if raw.bytes().all(|b| b == b'\n' || (0x20..0x7f).contains(&b)) => raw,
                _ => crate::model::text::json_pretty(&value),
            };
            out.push_str("  ");
            for (n, line) in one.split('\n').enumerate() {
                if n > 0 {
                    out.push_str("\n  ");
                }
                out.push_str(line);
            }
            out.push_str(",\n");
        }
        out
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let parts: Vec<String> = if shown.len() < 64 || threads < 2 {
        vec![objects(shown)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = shown
                .chunks(shown.len().div_ceil(threads))
                .map(|part| (part, scope.spawn(move || objects(part))))
                .collect();
            // A failed thread's part is made again here, so no row is lost.
            handles
                .into_iter()
                .map(|(part, h)| h.join().unwrap_or_else(|_| objects(part)))
                .collect()
        })
    };
    let mut out = String::with_capacity(parts.iter().map(String::len).sum::<usize>() + 4);
    out.push_str("[\n");
    for part in &parts {
        out.push_str(part);
    }
    // The last object takes no comma.
    out.truncate(out.len() - ",\n".len());
    out.push_str("\n]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::listing::ListFormat;

    /// The rows made in parts print exactly as one array printed whole would.
    #[test]
    fn the_json_array_is_the_pretty_printers_own() {
        let (catalog, _) = Catalog::load(&[]);
        let rows = all(&catalog);
        let every: Vec<usize> = (0..rows.len()).collect();
        for shown in [&every[..], &every[..1], &every[..70], &every[900..1000], &[]] {
            let list: Vec<Value> = shown.iter().map(|&i| row_json(&catalog, &rows[i])).collect();
            let mut want = crate::model::text::json_pretty(&list);
            want.push('\n');
            assert_eq!(
                render(&catalog, &rows, shown, ListFormat::Json, 100),
                want,
                "{} rows",
                shown.len()
            );
        }
    }
}
