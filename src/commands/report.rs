//! `permscope report`: the procurement report, the decision document.

use crate::commands::context::{AppArg, Global, choice, products};
use crate::model::catalog::Catalog;
use crate::model::decision::inputs::{FileUse, sha256_hex, shell_quote};
use crate::model::decision::{Clock, Made, ReportFormat, ReportOptions, parse_decisions};
use crate::model::product::Origin;
use clap::Args;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// A procurement report for one or more products (Markdown or HTML).
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The products to report on (slugs or unique prefixes), in the order the report lists them.
    #[arg(num_args = 1.., required = true, value_name = "SLUG")]
    pub products: Vec<String>,
    /// Output format: markdown, or a self-contained html page.
    #[arg(long, value_parser = choice::<ReportFormat>(), default_value = "markdown")]
    pub format: ReportFormat,
    /// Report on this app of each product only (a tenant consents to each app apart).
    #[command(flatten)]
    pub app: AppArg,
    /// The reviewer's decision on a product: SLUG=approve|conditional|reject, optionally
    /// followed by :NOTE (the conditions or reasons). Repeatable, once per product; a
    /// product without one is "not yet decided", with lines to sign.
    #[arg(long = "decision", value_name = "SLUG=VERDICT[:NOTE]")]
    pub decisions: Vec<String>,
    /// Who reviewed it, as the report names them.
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
}

/// When the report is made: `SOURCE_DATE_EPOCH` (seconds since 1970, for a
/// reproducible report) when set, else the system clock.
fn clock() -> anyhow::Result<(i64, Clock)> {
    if let Some(v) = std::env::var_os("SOURCE_DATE_EPOCH") {
        let text = v.to_string_lossy();
        let secs: i64 = text.trim().parse().map_err(|_| {
            anyhow::anyhow!("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, not `{text}`")
        })?;
        return Ok((secs, Clock::SourceDateEpoch));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Ok((now, Clock::System))
}

/// The command line as typed, quoted for a POSIX shell, the program named
/// `permscope` wherever it was run from.
fn command_line() -> String {
    std::env::args_os()
        .enumerate()
        .map(|(i, a)| {
            if i == 0 {
                "permscope".to_string()
            } else {
                shell_quote(&a.to_string_lossy())
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A file in use, with the SHA-256 of its bytes as they are now.
fn file_use(role: &str, path: &Path) -> anyhow::Result<FileUse> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("{}: cannot read it to record its SHA-256: {e}", path.display()))?;
    Ok(FileUse {
        role: role.to_string(),
        path: path.display().to_string(),
        sha256: sha256_hex(&bytes),
    })
}

/// Every reviewer's file and product file the run loaded.
fn files_in_use(catalog: &Catalog, chosen: &[usize], global: &Global) -> anyhow::Result<Vec<FileUse>> {
    let mut files = Vec::new();
    for (i, p) in catalog.products.iter().enumerate() {
        if let Origin::File(path) = &p.origin {
            let role = if chosen.contains(&i) {
                "product file (in this report)"
            } else {
                "product file (loaded, not in this report)"
            };
            files.push(file_use(role, path)?);
        }
    }
    if let Some(path) = &global.risk_rules {
        files.push(file_use("reviewer's risk rules (--risk-rules)", path)?);
    }
    if let Some(path) = &global.model {
        files.push(file_use("reviewer's capability model (--model)", path)?);
    }
    for path in &global.catalogs {
        files.push(file_use("reviewer's catalog (--catalog)", path)?);
    }
    if let Some(path) = &global.alternatives {
        files.push(file_use("reviewer's alternatives (--alternatives)", path)?);
    }
    Ok(files)
}

/// Prints the report.
pub fn run(catalog: &Catalog, args: &ReportArgs, global: &Global, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let chosen = products(catalog, &args.products)?;
    let apps = args.app.resolve(catalog, &chosen)?;
    let decisions = parse_decisions(catalog, &chosen, &args.decisions)?;
    let (generated, clock) = clock()?;
    let options = ReportOptions {
        apps,
        decisions,
        reviewer: args.reviewer.clone().filter(|r| !r.trim().is_empty()),
        made: Made {
            generated: Some(generated),
            clock,
            command_line: Some(command_line()),
            files: files_in_use(catalog, &chosen, global)?,
        },
    };
    let text = crate::model::decision::render(catalog, &chosen, &options, args.format);
    out.write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
