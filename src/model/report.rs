//! Comparison output (`compare`), and the entry points of the procurement
//! report (`report`, written in [`crate::model::decision`]).

use crate::model::catalog::Catalog;
use crate::model::choice::Choice;
use crate::model::columns::{Column, TableSource, text_table};
use crate::model::compare::{Cell, CompareMode, Comparison, LEGEND, MatrixTable, OutcomeTable};
use crate::model::document::Document;
use crate::model::level::RiskLevel;
use crate::model::paths::OUTCOMES;
use crate::model::profile::NamedPermission;
use crate::model::query::AppRef;
use crate::model::text::csv_field;
use crate::model::text::wrap;
use serde_json::{Value, json};

/// Output formats of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareFormat {
    Table,
    Json,
    Csv,
    Markdown,
}

impl Choice for CompareFormat {
    fn all() -> &'static [Self] {
        &[
            CompareFormat::Table,
            CompareFormat::Json,
            CompareFormat::Csv,
            CompareFormat::Markdown,
        ]
    }
    fn name(self) -> &'static str {
        match self {
            CompareFormat::Table => "table",
            CompareFormat::Json => "json",
            CompareFormat::Csv => "csv",
            CompareFormat::Markdown => "markdown",
        }
    }
    fn help(self) -> &'static str {
        match self {
            CompareFormat::Table => "outcomes, risk bars, sentences and the matrix, fitted to the terminal",
            CompareFormat::Json => "the JSON contract",
            CompareFormat::Csv => "the matrix as CSV",
            CompareFormat::Markdown => "effective power, summary and matrix in Markdown",
        }
    }
    fn aliases(self) -> &'static [&'static str] {
        match self {
            CompareFormat::Markdown => &["md"],
            _ => &[],
        }
    }
}

pub use crate::model::decision::ReportFormat;

fn slugs(catalog: &Catalog, cmp: &Comparison) -> Vec<String> {
    cmp.products.iter().map(|&p| catalog.products[p].slug.clone()).collect()
}

/// The comparison in a format, rows limited to `mode`.
pub fn render_compare(
    catalog: &Catalog,
    cmp: &Comparison,
    mode: CompareMode,
    format: CompareFormat,
    width: usize,
) -> String {
    let rows = cmp.visible(mode);
    match format {
        CompareFormat::Json => {
            let mut s = crate::model::text::json_pretty(&compare_json(catalog, cmp, &rows));
            s.push('\n');
            s
        }
        CompareFormat::Csv => {
            let table = MatrixTable { catalog, cmp };
            let mut header = vec!["api".to_string(), "permission".into(), "type".into(), "risk".into()];
            header.extend(slugs(catalog, cmp));
            let mut out = header.join(",") + "\n";
            for &i in &rows {
                let r = &cmp.rows[i];
                let mut fields = vec![
                    catalog.apis[r.api].name.clone(),
                    r.permission.clone(),
                    r.kind.as_str().to_string(),
                    catalog.rating(r.first_row).level.as_str().to_string(),
                ];
                fields.extend((0..cmp.products.len()).map(|p| table.cell(i, Column::Holder(p)).into_owned()));
                out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
                out.push('\n');
            }
            out
        }
        CompareFormat::Markdown => {
            let mut d = Document {
                title: format!("Comparison: {}", slugs(catalog, cmp).join(" vs ")),
                ..Default::default()
            };
            outcome_blocks(catalog, cmp, &mut d);
            summary_blocks(catalog, cmp, &mut d);
            d.heading(2, format!("Permissions ({})", mode.as_str()));
            matrix_table(catalog, cmp, &rows, &mut d);
            d.to_markdown()
        }
        // Every line fits the terminal, whatever the column arithmetic gave.
        CompareFormat::Table => compare_table(catalog, cmp, &rows, width.max(20)),
    }
}

/// The JSON contract: `{"products": [slugs], "rows": [...], "summary": {...}}`.
pub fn compare_json(catalog: &Catalog, cmp: &Comparison, rows: &[usize]) -> Value {
    let products = slugs(catalog, cmp);
    let rows: Vec<Value> = rows
        .iter()
        .map(|&i| {
            let r = &cmp.rows[i];
            let rating = catalog.rating(r.first_row);
            let fact = catalog.fact(&catalog.requirements[r.first_row]);
            let mut details = serde_json::Map::new();
            let mut equivalents = serde_json::Map::new();
            let mut in_products = Vec::new();
            for (pos, slug) in products.iter().enumerate() {
                match &r.cells[pos] {
                    Cell::Asks(req_rows) => {
                        in_products.push(slug.clone());
                        details.insert(
                            slug.clone(),
                            json!({
                                "phases": cmp.phases(catalog, i, pos).iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                                "purpose": req_rows.iter().filter_map(|&q| catalog.requirements[q].purpose.clone()).collect::<Vec<_>>(),
                                "description": req_rows.iter().filter_map(|&q| catalog.requirements[q].description.clone()).collect::<Vec<_>>(),
                                "lines": req_rows.iter().map(|&q| catalog.requirements[q].line).collect::<Vec<_>>(),
                            }),
                        );
                    }
                    Cell::SameData { permission, api } => {
                        equivalents.insert(
                            slug.clone(),
                            json!({"relation": "same_data", "api": catalog.apis[*api].name, "permission": permission}),
                        );
                    }
                    Cell::Covered { permission, api } => {
                        equivalents.insert(
                            slug.clone(),
                            json!({"relation": "covered_by", "api": catalog.apis[*api].name, "permission": permission}),
                        );
                    }
                    Cell::Absent => {}
                }
            }
            json!({
                "api": catalog.apis[r.api].name,
                "permission": r.permission,
                "type": r.kind.as_str(),
                "id": fact.map(|f| f.id.clone()),
                "in": in_products,
                "risk": {
                    "level": rating.level.as_str(),
                    "score": rating.score,
                    "reasons": rating.reasons,
                    "basis": rating.basis,
                },
                "details": details,
                "equivalents": equivalents,
            })
        })
        .collect();
    // Outcome by product, fair across APIs: how each whole set reaches it.
    let outcomes: Vec<Value> = OUTCOMES
        .iter()
        .map(|o| {
            let reached: serde_json::Map<String, Value> = products
                .iter()
                .zip(&cmp.power)
                .map(|(slug, a)| (slug.clone(), Value::from(a.reached(o).as_str())))
                .collect();
            json!({
                "outcome": o,
                "title": crate::model::paths::power::title(catalog, o),
                "reached": reached,
            })
        })
        .collect();
    json!({
        "products": products,
        "outcomes": outcomes,
        "rows": rows,
        "summary": {
            "outcome_sentences": cmp.outcome_sentences(catalog),
            "sentences": cmp.sentences(catalog),
            "profiles": cmp.profiles,
        },
    })
}

/// The outcome matrix and the sentences in outcomes, as plain text: what
/// a comparison leads with.
fn outcome_text(catalog: &Catalog, cmp: &Comparison, width: usize) -> String {
    let mut out = String::new();
    push_wrapped(
        &mut out,
        "",
        "Effective power: what each whole permission set can reach, whatever the API (how: permscope paths --product SLUG)",
        width,
    );
    let table = OutcomeTable { catalog, cmp };
    let (text, left_out) = text_table(&table, &table.columns(), &table.rows(), width.saturating_sub(2));
    for line in text.lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    if left_out > 0 {
        push_wrapped(
            &mut out,
            "  ",
            &format!("({left_out} product column(s) do not fit in {width} characters: use --format markdown or json)"),
            width,
        );
    }
    out.push('\n');
    for s in cmp.outcome_sentences(catalog) {
        push_wrapped(&mut out, "  ", &s, width);
    }
    out.push('\n');
    out
}

/// The outcome matrix and sentences as a document section.
fn outcome_blocks(catalog: &Catalog, cmp: &Comparison, d: &mut Document) {
    d.heading(2, "Effective power");
    d.para(
        "What each product's whole permission set can reach, whatever the API reaching it: direct (nothing about \
         the tenant needs to be true), conditional (something must be), or no. The paths: `permscope paths --product SLUG`.",
    );
    let table = OutcomeTable { catalog, cmp };
    let columns = table.columns();
    let header = columns.iter().map(|&c| table.header(c).into_owned()).collect();
    let body = table
        .rows()
        .iter()
        .map(|&i| columns.iter().map(|&c| table.cell(i, c).into_owned()).collect())
        .collect();
    d.table(header, body);
    d.list(cmp.outcome_sentences(catalog));
}

/// A text bar of `n` out of `max` in `width` cells.
pub fn bar(n: usize, max: usize, width: usize) -> String {
    if max == 0 {
        return String::new();
    }
    let cells = (n * width).div_ceil(max);
    "█".repeat(cells)
}

/// Appends `text` after `lead`, wrapped to `width` with later lines indented
/// under the text: prose is wrapped, never cut.
fn push_wrapped(out: &mut String, lead: &str, text: &str, width: usize) {
    let lead_w = crate::model::text::display_width(lead);
    let indent = " ".repeat(lead_w);
    for (i, line) in wrap(text, width.saturating_sub(lead_w), "").iter().enumerate() {
        out.push_str(if i == 0 { lead } else { &indent });
        out.push_str(line);
        out.push('\n');
    }
}

fn compare_table(catalog: &Catalog, cmp: &Comparison, rows: &[usize], width: usize) -> String {
    let mut out = outcome_text(catalog, cmp, width);
    let products = slugs(catalog, cmp);
    let name_w = products.iter().map(|s| s.len()).max().unwrap_or(0);
    let max = cmp.profiles.iter().map(|p| p.distinct).max().unwrap_or(0);
    out.push_str("Risk profile (distinct permissions)\n");
    for (slug, p) in products.iter().zip(&cmp.profiles) {
        push_wrapped(&mut out, &format!("  {slug:<name_w$}  "), &p.line(), width);
        // Unknown too when there is one, so the bars add up to the line above.
        let unknown = (p.count(RiskLevel::Unknown) > 0).then_some(RiskLevel::Unknown);
        for level in [RiskLevel::Critical, RiskLevel::High, RiskLevel::Medium, RiskLevel::Low]
            .into_iter()
            .chain(unknown)
        {
            let n = p.count(level);
            out.push_str(&format!(
                "  {:<name_w$}    {:<4} {:>3} {}\n",
                "",
                level.badge(),
                n,
                bar(n, max, 30)
            ));
        }
    }
    out.push('\n');
    for s in cmp.sentences(catalog) {
        push_wrapped(&mut out, "  ", &s, width);
    }
    out.push('\n');
    push_wrapped(&mut out, "  ", LEGEND, width);
    out.push('\n');
    // The matrix, through the one table abstraction.
    let table = MatrixTable { catalog, cmp };
    let (text, left_out) = text_table(&table, &table.columns(), rows, width);
    out.push_str(&text);
    if left_out > 0 {
        let note = format!(
            "({left_out} column(s) do not fit in {width} characters and are left out: widen the terminal, set COLUMNS, or use --format markdown or csv)"
        );
        push_wrapped(&mut out, "", &note, width);
    }
    out
}

fn summary_blocks(catalog: &Catalog, cmp: &Comparison, d: &mut Document) {
    d.heading(2, "Summary");
    let header = vec![
        "Product".to_string(),
        "Distinct".into(),
        "Critical".into(),
        "High".into(),
        "Medium".into(),
        "Low".into(),
        "Unknown".into(),
        "Application".into(),
        "Delegated".into(),
        "Tenant-wide write".into(),
        "Recovery only".into(),
    ];
    let rows = cmp
        .profiles
        .iter()
        .map(|p| {
            vec![
                p.product.clone(),
                p.distinct.to_string(),
                p.count(RiskLevel::Critical).to_string(),
                p.count(RiskLevel::High).to_string(),
                p.count(RiskLevel::Medium).to_string(),
                p.count(RiskLevel::Low).to_string(),
                p.count(RiskLevel::Unknown).to_string(),
                p.application.to_string(),
                p.delegated.to_string(),
                p.tenant_wide_write.len().to_string(),
                p.recovery_only.len().to_string(),
            ]
        })
        .collect();
    d.table(header, rows);
    d.list(cmp.sentences(catalog));
    for p in &cmp.profiles {
        d.para(format!(
            "{} — Critical: {}",
            p.product,
            NamedPermission::list(&p.critical)
        ));
    }
}

fn matrix_table(catalog: &Catalog, cmp: &Comparison, rows: &[usize], d: &mut Document) {
    let table = MatrixTable { catalog, cmp };
    let columns = table.columns();
    let header = columns.iter().map(|&c| table.header(c).into_owned()).collect();
    let body = rows
        .iter()
        .map(|&i| columns.iter().map(|&c| table.cell(i, c).into_owned()).collect())
        .collect();
    d.para(LEGEND);
    d.table(header, body);
}

/// The procurement report for `products`, every app of each, with the
/// bundled knowledge and no decision, reviewer or clock (see
/// [`crate::model::decision`] for a report with them).
pub fn report(catalog: &Catalog, products: &[usize], format: ReportFormat) -> String {
    report_apps(catalog, products, &[], format)
}

/// The procurement report for `products`, limited to `apps` when it names any
/// (one app of each product): a tenant consents to each app apart.
pub fn report_apps(catalog: &Catalog, products: &[usize], apps: &[AppRef], format: ReportFormat) -> String {
    let options = crate::model::decision::ReportOptions {
        apps: apps.to_vec(),
        ..Default::default()
    };
    crate::model::decision::render(catalog, products, &options, format)
}
