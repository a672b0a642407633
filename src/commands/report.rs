//! `permscope report`: the procurement report.

use crate::commands::context::{AppArg, choice, products};
use crate::model::catalog::Catalog;
use crate::model::report::ReportFormat;
use clap::Args;
use std::io::Write;
use std::process::ExitCode;

/// A procurement report for one or more products (Markdown or HTML).
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// One or more product slugs (or unique prefixes) to report on.
    #[arg(num_args = 1.., required = true, value_name = "SLUG")]
    pub products: Vec<String>,
    /// Output format: markdown, or a self-contained html page.
    #[arg(long, value_parser = choice::<ReportFormat>(), default_value = "markdown")]
    pub format: ReportFormat,
    /// Report on this app of each product only (a tenant consents to each app apart).
    #[command(flatten)]
    pub app: AppArg,
}

/// Prints the report.
pub fn run(catalog: &Catalog, args: &ReportArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let chosen = products(catalog, &args.products)?;
    let apps = args.app.resolve(catalog, &chosen)?;
    out.write_all(crate::model::report::report_apps(catalog, &chosen, &apps, args.format).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
