//! `permscope import`: a vendor's list (CSV, manifest, grants export) into a
//! validated product file in the data folder.

use crate::commands::context::{Global, say, warn};
use crate::model::catalog::Catalog;
use crate::model::import;
use crate::model::product::Origin;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Turn a manifest, a grants export or a CSV (api,permission,type,purpose,workload)
/// into a validated product file in your data folder (--data DIR, else
/// $XDG_DATA_HOME/permscope).
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import.
    pub file: PathBuf,
    /// Slug of the new product (lower-case, hyphens).
    #[arg(long, value_name = "SLUG")]
    pub product: String,
    /// The vendor's name.
    #[arg(long, value_name = "NAME")]
    pub vendor: String,
    /// The product's name (default: the app's display name in the input, e.g. a
    /// service principal's, else the vendor's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Replace an existing file of that slug.
    #[arg(long)]
    pub force: bool,
}

/// Writes the product file and says where.
pub fn run(catalog: &Catalog, args: &ImportArgs, global: &Global, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let text = crate::model::read::file::read_text(&args.file)?;
    let origin = args.file.display().to_string();
    let product_text = import::import(
        catalog,
        &text,
        &origin,
        &args.product,
        &args.vendor,
        args.name.as_deref(),
    )?;
    let dir = match global.data.first() {
        Some(d) => d.clone(),
        None => import::default_data_dir().ok_or_else(|| {
            anyhow::anyhow!("no data folder: pass --data DIR (neither XDG_DATA_HOME nor HOME is set)")
        })?,
    };
    if let Some(holder) = import::slug_holder(catalog, &dir, &args.product) {
        return Err(import::ImportError::SlugTaken {
            slug: args.product.clone(),
            holder,
        }
        .into());
    }
    if catalog
        .product_index(&args.product)
        .is_some_and(|i| matches!(catalog.products[i].origin, Origin::Bundled(_)))
    {
        warn(&format!(
            "`{}` is a bundled product; this file will replace it",
            args.product
        ));
    }
    for stale in import::remove_stale_temporaries(&dir) {
        warn(&format!(
            "removed {}, left by an import that was stopped",
            stale.display()
        ));
    }
    // SIGTERM, SIGHUP or Ctrl-C while the file is written: remove the
    // temporary file, then end as the signal would have.
    if let Ok(mut signals) = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ]) {
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                import::remove_temporaries();
                std::process::exit(128 + sig);
            }
        });
    }
    let path = import::write_product_file(&dir, &args.product, &product_text, args.force)?;
    say(out, &format!("wrote {}", path.display()))?;
    if args.name.is_none() {
        // Say which name the default gave, and how to choose another.
        let named = serde_json::from_str::<serde_json::Value>(&product_text)
            .ok()
            .and_then(|v| v.get("product").and_then(|p| p.as_str()).map(str::to_string));
        if let Some(name) = named {
            let from = if name == args.vendor {
                "the vendor's name"
            } else {
                "the app's name in the input"
            };
            say(
                out,
                &format!("product name: \"{name}\" (from {from}; --name NAME sets another)"),
            )?;
        }
    }
    say(out, &format!("check it with: permscope --data {} check", dir.display()))?;
    Ok(ExitCode::SUCCESS)
}
