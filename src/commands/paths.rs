//! `permscope paths`: what a product's whole permission set can reach.

use crate::commands::context::{AppArg, ShowFormat, output_width, products};
use crate::model::catalog::Catalog;
use crate::model::paths::power;
use clap::Args;
use std::io::Write;
use std::process::ExitCode;

/// What a product's whole permission set can reach: every outcome of the
/// vocabulary (tenant takeover, lockout, every mailbox or file...), direct,
/// conditional (with the conditions) or not, and the shortest paths there.
#[derive(Debug, Args)]
pub struct PathsArgs {
    /// The product (slug or unique prefix).
    #[arg(long, value_name = "SLUG")]
    pub product: String,
    #[command(flatten)]
    pub app: AppArg,
    /// text (outcomes, direct first, each with its paths) or json (the contract in the README).
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

/// Prints the product's outcomes (or one app's, with `--app`).
pub fn run(catalog: &Catalog, args: &PathsArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let product = products(catalog, std::slice::from_ref(&args.product))?[0];
    let app = args.app.resolve_one(catalog, product)?;
    let power = power::product_analysis(catalog, product, app);
    let text = match args.format {
        ShowFormat::Json => {
            let mut s = crate::model::text::json_pretty(&power);
            s.push('\n');
            s
        }
        ShowFormat::Text => power::to_text(catalog, &power, output_width()),
    };
    out.write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
