//! `permscope export`: the chosen permissions in a format admins paste.

use crate::commands::context::{Filters, build_query, choice, warn};
use crate::model::catalog::Catalog;
use crate::model::export::{self, ExportFormat};
use crate::model::query::{self, Sort};
use crate::model::selection::{Preset, Selection};
use clap::Args;
use std::io::Write;
use std::process::ExitCode;

/// Print the chosen permissions in a format admins paste (scopes, PowerShell,
/// az CLI, app manifest...). Warnings (e.g. a permission without a known
/// GUID) go to stderr.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub filters: Filters,
    /// A ready-made set of one product (needs exactly one --product).
    #[arg(long, value_parser = choice::<Preset>())]
    pub preset: Option<Preset>,
    #[arg(long, value_parser = choice::<ExportFormat>(), default_value = "names")]
    pub format: ExportFormat,
}

/// Prints the selection the filters or the preset describe.
pub fn run(catalog: &Catalog, args: &ExportArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let q = build_query(catalog, &args.filters)?;
    let selection = match args.preset {
        Some(p) => {
            let [product] = q.products.as_slice() else {
                anyhow::bail!("--preset needs exactly one --product");
            };
            Selection::preset(catalog, *product, p)
        }
        None => Selection::from_rows(catalog, query::run(catalog, &q, Sort::Relevance).iter().map(|h| h.row)),
    };
    let result = export::export(catalog, &selection, args.format);
    for w in &result.warnings {
        warn(w);
    }
    out.write_all(result.text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
