//! `permscope compare`: products side by side.

use crate::commands::context::{choice, output_width, products};
use crate::model::catalog::Catalog;
use crate::model::compare::{CompareMode, Comparison};
use crate::model::query::Query;
use crate::model::report::CompareFormat;
use clap::Args;
use std::io::Write;
use std::process::ExitCode;

/// Compare products side by side: who asks for what, and how dangerous the difference is.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Two or more product slugs (or unique prefixes).
    #[arg(num_args = 2.., required = true, value_name = "SLUG")]
    pub products: Vec<String>,
    /// Which rows: all, only-one, every, differences.
    #[arg(long, value_parser = choice::<CompareMode>(), default_value = "all")]
    pub mode: CompareMode,
    /// Output format (table fits the terminal; json is the contract).
    #[arg(long, value_parser = choice::<CompareFormat>(), default_value = "table")]
    pub format: CompareFormat,
}

/// Prints the comparison.
pub fn run(catalog: &Catalog, args: &CompareArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let chosen = products(catalog, &args.products)?;
    if chosen.len() < 2 {
        anyhow::bail!("compare needs two or more different products");
    }
    let cmp = Comparison::new(catalog, &chosen, &Query::default());
    let text = crate::model::report::render_compare(catalog, &cmp, args.mode, args.format, output_width());
    out.write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
