//! The procurement report (`permscope report`): the decision document.
//!
//! It leads with an executive summary, one framed block per product: the
//! reviewer's decision (or lines to sign), what the whole permission set can
//! reach and how, its counts by level, how far its least-privilege set narrows
//! it, and the first questions for the vendor. Each product's section follows
//! (document, apps, effective power, profile, reasons, every row with derived
//! workloads and phases marked, least-privilege set, questions, hardening,
//! quirks), then every permission side by side, then what the report was made
//! from: when (UTC), by which permscope, from which documents, rules and data
//! files (each with its SHA-256) and by which command line.
//!
//! It is written once as a [`Document`] and rendered as Markdown or as a
//! self-contained HTML page that prints on portrait A4 or Letter.

pub mod facts;
pub mod inputs;
pub mod matrix;
pub mod sections;
pub mod summary;

pub use inputs::{Clock, Decision, DecisionError, FileUse, Made, ReportOptions, Verdict, iso8601_utc, parse_decisions};

use crate::model::advise::Advisor;
use crate::model::catalog::Catalog;
use crate::model::choice::Choice;
use crate::model::document::{Document, Grid};
use facts::ProductFacts;

/// Output formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Html,
}

impl Choice for ReportFormat {
    fn all() -> &'static [Self] {
        &[ReportFormat::Markdown, ReportFormat::Html]
    }
    fn name(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "markdown",
            ReportFormat::Html => "html",
        }
    }
    fn help(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "Markdown, for a ticket or a wiki",
            ReportFormat::Html => "a self-contained HTML page that prints",
        }
    }
    fn aliases(self) -> &'static [&'static str] {
        match self {
            ReportFormat::Markdown => &["md"],
            ReportFormat::Html => &[],
        }
    }
}

/// permscope's version, as the report states it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The report on `products` (catalog indices, in the reviewer's order).
pub fn render(catalog: &Catalog, products: &[usize], options: &ReportOptions, format: ReportFormat) -> String {
    let d = document(catalog, products, options);
    match format {
        ReportFormat::Markdown => d.to_markdown(),
        ReportFormat::Html => d.to_html(),
    }
}

/// The report as a document, before rendering.
pub fn document(catalog: &Catalog, products: &[usize], options: &ReportOptions) -> Document {
    // The catalog's model and alternatives: the bundled ones with the
    // reviewer's `--model` and `--alternatives` layered on.
    let mut advisor = Advisor::of(catalog);
    let all: Vec<ProductFacts> = products
        .iter()
        .map(|&p| {
            let only = options.apps.iter().find(|a| a.product == p).map(|a| a.app);
            ProductFacts::compute(catalog, p, only, &mut advisor)
        })
        .collect();
    let titles: Vec<String> = all
        .iter()
        .map(|f| {
            let p = &catalog.products[f.product];
            match f.only {
                Some(a) => format!("{}, app {}", p.name, p.apps[a].name),
                None => p.name.clone(),
            }
        })
        .collect();
    let mut d = Document {
        title: format!("Permission review: {}", titles.join("; ")),
        ..Default::default()
    };
    let generated = match options.made.generated {
        Some(t) => format!("{} (UTC)", iso8601_utc(t)),
        None => "time not recorded".to_string(),
    };
    d.fields(vec![
        ("Generated".into(), format!("{generated}, by permscope {VERSION}")),
        (
            "Reviewer".into(),
            options.reviewer.clone().unwrap_or_else(|| "not named".into()),
        ),
    ]);
    d.para(
        "Prepared with permscope from the vendors' own permission documents. Every row can be traced to a line of \
         the vendor's document; risk levels come from permscope's rules, with the reasons given, beside the \
         published classifications; what each set of permissions can reach comes from permscope's capability \
         model. The last section lists every document, rule and data file used, with its SHA-256, and the command \
         that made this report.",
    );
    d.heading(2, "Decision summary");
    for f in &all {
        d.blocks.push(summary::product_block(catalog, f, options, &generated));
    }
    for f in &all {
        d.blocks.extend(sections::product_section(catalog, f));
    }
    if products.len() > 1 {
        d.page_break();
        d.blocks.extend(matrix::matrix_blocks(catalog, products, &options.apps));
    }
    made_from(catalog, &all, options, &mut d);
    d
}

/// What the report was made from.
fn made_from(catalog: &Catalog, all: &[ProductFacts], options: &ReportOptions, d: &mut Document) {
    d.page_break();
    d.heading(2, "What this report was made from");
    let made = &options.made;
    let clock = match (made.generated, made.clock) {
        (None, _) => "made without a clock (a library call): no time recorded".to_string(),
        (Some(t), Clock::System) => format!("{} (UTC, the system clock)", iso8601_utc(t)),
        (Some(t), Clock::SourceDateEpoch) => format!("{} (UTC, from SOURCE_DATE_EPOCH)", iso8601_utc(t)),
    };
    d.fields(vec![
        ("Generated".into(), clock),
        ("permscope version".into(), VERSION.to_string()),
        (
            "Command line".into(),
            made.command_line
                .clone()
                .unwrap_or_else(|| "not recorded (a library call)".into()),
        ),
    ]);
    d.heading(3, "Source documents");
    d.grid(Grid {
        class: "sources".into(),
        columns: vec![
            ("Product".into(), "product".into()),
            ("Document".into(), "doc".into()),
            ("SHA-256".into(), "sha".into()),
        ],
        rows: all
            .iter()
            .map(|f| {
                let p = &catalog.products[f.product];
                let s = &p.source;
                let mut doc = vec![s.title.clone()];
                doc.push(format!(
                    "{} · {}",
                    s.version
                        .as_deref()
                        .map_or_else(|| "version not stated".to_string(), |v| format!("version {v}")),
                    s.date
                        .as_deref()
                        .map_or_else(|| "date not stated".to_string(), |d| format!("dated {d}"))
                ));
                doc.push(s.file.clone());
                if let Some(u) = &s.url {
                    doc.push(u.clone());
                }
                vec![
                    format!("{}\n({})", p.name, p.slug),
                    doc.join("\n"),
                    s.sha256.clone().unwrap_or_else(|| "not recorded".into()),
                ]
            })
            .collect(),
    });
    d.heading(3, "Rules, models and data files");
    let mut files: Vec<FileUse> = Vec::new();
    for f in all {
        if let crate::model::product::Origin::Bundled(name) = &catalog.products[f.product].origin
            && let Some(u) = inputs::bundled_product_file(name)
        {
            files.push(u);
        }
    }
    files.extend(made.files.iter().cloned());
    files.extend(inputs::bundled_files());
    d.note(
        "Every file whose content the report rests on: the product files, the reviewer's own files given on the \
         command line (they are layered on the bundled ones), and the bundled knowledge of this permscope build.",
    );
    d.grid(Grid {
        class: "files".into(),
        columns: vec![
            ("Role".into(), "role".into()),
            ("File".into(), "file".into()),
            ("SHA-256".into(), "sha".into()),
        ],
        rows: files.into_iter().map(|u| vec![u.role, u.path, u.sha256]).collect(),
    });
}
