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
/// GUID) go to stderr. A manifest or a scope string is one app's: for a
/// product with several apps, name one with --app.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub filters: Filters,
    /// A ready-made set of one product (needs exactly one --product; with --app, of that app).
    #[arg(long, value_parser = choice::<Preset>())]
    pub preset: Option<Preset>,
    /// What to print: names, scopes, a script or a manifest.
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
            let app = q.apps.first().map(|a| a.app);
            Selection::preset_of(catalog, *product, app, p)
        }
        None => Selection::from_rows(catalog, query::run(catalog, &q, Sort::Relevance).iter().map(|h| h.row)),
    };
    let result = export::export(catalog, &selection, args.format);
    if result.refused {
        // Nothing was written: say why, and how to ask for one app.
        let why = result.warnings.first().cloned().unwrap_or_default();
        let hints: Vec<String> = result
            .apps
            .iter()
            .map(|a| {
                let slug = &catalog.products[a.product].slug;
                format!("--product {slug} --app \"{}\"", a.name(catalog))
            })
            .collect();
        anyhow::bail!("{why} Add one of: {}", hints.join("; "));
    }
    for w in &result.warnings {
        warn(w);
    }
    out.write_all(result.text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
