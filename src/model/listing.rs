//! Requirement rows as text: the formats `list` prints (table, plain, JSON,
//! CSV, Markdown). The JSON row is a documented contract for scripts.

use crate::model::catalog::Catalog;
use crate::model::choice::Choice;
use crate::model::columns::{self, Column};
use crate::model::text;
use crate::model::text::{csv_field, md_text, push_one_line};
use serde_json::{Value, json};

/// Output formats of `list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// Aligned columns fitted to the terminal width.
    Table,
    /// One row per line, tab-separated, no decoration.
    Plain,
    /// An array of row objects (the scripting contract).
    Json,
    /// RFC 4180 CSV with a header.
    Csv,
    /// A Markdown table.
    Markdown,
}

impl Choice for ListFormat {
    fn all() -> &'static [Self] {
        &[
            ListFormat::Table,
            ListFormat::Plain,
            ListFormat::Json,
            ListFormat::Csv,
            ListFormat::Markdown,
        ]
    }
    fn name(self) -> &'static str {
        match self {
            ListFormat::Table => "table",
            ListFormat::Plain => "plain",
            ListFormat::Json => "json",
            ListFormat::Csv => "csv",
            ListFormat::Markdown => "markdown",
        }
    }
    fn help(self) -> &'static str {
        match self {
            ListFormat::Table => "aligned columns fitted to the terminal width",
            ListFormat::Plain => "one row per line, tab-separated, no decoration",
            ListFormat::Json => "an array of row objects (the scripting contract)",
            ListFormat::Csv => "RFC 4180 CSV with a header",
            ListFormat::Markdown => "a Markdown table",
        }
    }
    fn aliases(self) -> &'static [&'static str] {
        match self {
            ListFormat::Markdown => &["md"],
            _ => &[],
        }
    }
}

/// The JSON object of one requirement (see the README's "JSON contract").
pub fn row_json(catalog: &Catalog, row: usize) -> Value {
    let r = &catalog.requirements[row];
    let p = &catalog.products[r.product];
    let api = &catalog.apis[r.api];
    let fact = catalog.fact(r);
    let rating = catalog.rating(row);
    json!({
        "product": p.slug,
        "vendor": p.vendor,
        "product_name": p.name,
        "app": p.apps[r.app].name,
        "app_context": p.apps[r.app].context,
        "api": api.name,
        "api_app_id": api.app_id,
        "api_as_written": r.api_as_written,
        "table": r.table,
        "permission": r.permission,
        "permission_as_written": r.permission_as_written,
        "type": r.kind.as_str(),
        "description": r.description,
        "purpose": r.purpose,
        "workloads": r.workloads.iter().map(|w| json!({
            "workload": w.workload,
            "phases": w.phases.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
            "documented": w.documented,
        })).collect::<Vec<_>>(),
        "condition": r.condition,
        "attributes": r.attributes.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect::<serde_json::Map<String, Value>>(),
        "notes": r.notes,
        "source": {
            "document": p.source.file,
            "title": p.source.title,
            "version": p.source.version,
            "date": p.source.date,
            "line": r.line,
        },
        "id": fact.map(|f| f.id.clone()),
        "admin_consent": fact.and_then(|f| f.admin_consent),
        "in_catalog": fact.is_some(),
        "risk": {
            "level": rating.level.as_str(),
            "score": rating.score,
            "reasons": rating.reasons,
            "basis": rating.basis,
        },
        "lenses": crate::model::lens::lens_verdicts(&api.name, r.kind, &r.permission, rating.level),
    })
}

/// Renders rows in a format. `width` is the terminal width for `table`.
pub fn render(catalog: &Catalog, rows: &[usize], format: ListFormat, width: usize) -> String {
    match format {
        ListFormat::Json => {
            let arr: Vec<Value> = rows.iter().map(|&i| row_json(catalog, i)).collect();
            let mut s = text::json_pretty(&arr);
            s.push('\n');
            s
        }
        ListFormat::Plain => plain_parts(catalog, rows).concat(),
        ListFormat::Csv => csv(catalog, rows),
        ListFormat::Markdown => markdown(catalog, rows),
        ListFormat::Table => table(catalog, rows, width),
    }
}

/// Columns of the `plain` and `csv` formats.
const PLAIN: [Column; 7] = [
    Column::Product,
    Column::Api,
    Column::Type,
    Column::Permission,
    Column::Risk,
    Column::Description,
    Column::Purpose,
];

/// One row as a single tab-separated line, safe for a terminal.
pub fn plain_line(catalog: &Catalog, row: usize) -> String {
    let mut out = String::new();
    push_plain_line(&mut out, catalog, row);
    out
}

/// Rows above which plain lines are written on every core.
const PARALLEL_LINES: usize = 10_000;

/// Writes [`render`]'s text to `out`; large plain listings go out in parts,
/// without first joining them into one string.
pub fn write(
    catalog: &Catalog,
    rows: &[usize],
    format: ListFormat,
    width: usize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        ListFormat::Plain => plain_parts(catalog, rows)
            .iter()
            .try_for_each(|part| out.write_all(part.as_bytes())),
        _ => out.write_all(render(catalog, rows, format, width).as_bytes()),
    }
}

/// The `plain` format: one line per row, in row order, in one part per core.
fn plain_parts(catalog: &Catalog, rows: &[usize]) -> Vec<String> {
    // Appended in place, without a String per cell; about 200 bytes a line.
    let lines = |part: &[usize]| {
        let mut out = String::with_capacity(part.len() * 200);
        for &i in part {
            push_plain_line(&mut out, catalog, i);
            out.push('\n');
        }
        out
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if rows.len() < PARALLEL_LINES || threads < 2 {
        return vec![lines(rows)];
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = rows
            .chunks(rows.len().div_ceil(threads))
            .map(|part| (part, scope.spawn(move || lines(part))))
            .collect();
        // A failed thread's part is written again here, so no line is lost.
        handles
            .into_iter()
            .map(|(part, h)| h.join().unwrap_or_else(|_| lines(part)))
            .collect()
    })
}

/// Appends [`plain_line`] to `out`.
fn push_plain_line(out: &mut String, catalog: &Catalog, row: usize) {
    for (n, &c) in PLAIN.iter().enumerate() {
        if n > 0 {
            out.push('\t');
        }
        push_one_line(out, &columns::cell(catalog, row, c));
    }
}

fn csv(catalog: &Catalog, rows: &[usize]) -> String {
    let header = [
        "product",
        "vendor",
        "app",
        "api",
        "permission",
        "type",
        "risk",
        "risk_score",
        "description",
        "purpose",
        "workloads",
        "condition",
        "id",
        "admin_consent",
        "document",
        "line",
        "notes",
    ];
    let mut out = header.join(",");
    out.push('\n');
    for &i in rows {
        let r = &catalog.requirements[i];
        let p = &catalog.products[r.product];
        let fact = catalog.fact(r);
        let rating = catalog.rating(i);
        let workloads = r
            .workloads
            .iter()
            .map(|w| {
                let phases: Vec<&str> = w.phases.iter().map(|p| p.as_str()).collect();
                let mut s = w.workload.to_string();
                if !phases.is_empty() {
                    s.push_str(&format!(" ({})", phases.join(" ")));
                }
                if !w.documented {
                    s.push_str(" [derived]");
                }
                s
            })
            .collect::<Vec<_>>()
            .join("; ");
        let fields = [
            p.slug.clone(),
            p.vendor.clone(),
            p.apps[r.app].name.clone(),
            catalog.apis[r.api].name.clone(),
            r.permission.clone(),
            r.kind.as_str().into(),
            rating.level.as_str().into(),
            rating.score.to_string(),
            r.description.as_deref().unwrap_or_default().to_string(),
            r.purpose.as_deref().unwrap_or_default().to_string(),
            workloads,
            r.condition.clone().unwrap_or_default(),
            fact.map(|f| f.id.to_string()).unwrap_or_default(),
            fact.and_then(|f| f.admin_consent)
                .map(|b| b.to_string())
                .unwrap_or_default(),
            p.source.file.clone(),
            r.line.to_string(),
            r.notes.join(" "),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

fn markdown(catalog: &Catalog, rows: &[usize]) -> String {
    let cols = [
        Column::Risk,
        Column::Permission,
        Column::Api,
        Column::Type,
        Column::Product,
        Column::Workloads,
        Column::Description,
        Column::Purpose,
        Column::Line,
    ];
    let mut out = String::new();
    out.push_str(&format!(
        "| {} |\n",
        cols.iter()
            .map(|c| title_case(c.header()))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    out.push_str(&format!("|{}\n", "---|".repeat(cols.len())));
    for &i in rows {
        let cells: Vec<String> = cols.iter().map(|&c| md_text(&columns::cell(catalog, i, c))).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

fn title_case(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut c = lower.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn table(catalog: &Catalog, rows: &[usize], width: usize) -> String {
    let mut columns = columns::OVERVIEW.to_vec();
    columns.push(Column::Reason);
    columns::text_table(catalog, &columns, rows, width).0
}
