//! `permscope advise`: narrower alternatives, hardening steps and questions
//! for the vendor, per app of one product.

use crate::commands::context::{choice, output_width, products};
use crate::model::advise::render::{AdviseFormat, render};
use crate::model::advise::{Advisor, AlternativeBook, app_context};
use crate::model::catalog::Catalog;
use crate::model::paths::CapabilityModel;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Narrower alternatives, hardening steps and questions for the vendor.
#[derive(Debug, Args)]
pub struct AdviseArgs {
    /// The product (slug or unique prefix).
    #[arg(long, value_name = "SLUG")]
    pub product: String,
    /// Only this app of the product (case-insensitive name or unique prefix).
    #[arg(long, value_name = "NAME")]
    pub app: Option<String>,
    /// Output format (text for reading, json for scripts).
    #[arg(long, value_parser = choice::<AdviseFormat>(), default_value = "text")]
    pub format: AdviseFormat,
    /// A reviewer's alternatives file, layered on the bundled one.
    #[arg(long = "alternatives", value_name = "FILE")]
    pub alternatives: Option<PathBuf>,
}

/// The app of product `product` called `name`: its exact name (ignoring case),
/// else the one app whose name starts with it. An unknown or ambiguous name is
/// an error listing the product's apps.
pub fn find_app(catalog: &Catalog, product: usize, name: &str) -> anyhow::Result<usize> {
    let p = &catalog.products[product];
    let wanted = name.trim().to_lowercase();
    if let Some(i) = p.apps.iter().position(|a| a.name.to_lowercase() == wanted) {
        return Ok(i);
    }
    let matching: Vec<usize> = (0..p.apps.len())
        .filter(|&i| !wanted.is_empty() && p.apps[i].name.to_lowercase().starts_with(&wanted))
        .collect();
    if let [one] = matching.as_slice() {
        return Ok(*one);
    }
    let names: Vec<String> = p.apps.iter().map(|a| format!("  {}", a.name)).collect();
    let what = if matching.is_empty() {
        "no app"
    } else {
        "more than one app"
    };
    anyhow::bail!(
        "{} has {what} called `{}`; its apps are:\n{}",
        p.slug,
        name,
        names.join("\n")
    )
}

/// Prints the advice.
pub fn run(catalog: &Catalog, args: &AdviseArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let chosen = products(catalog, std::slice::from_ref(&args.product))?;
    let Some(&product) = chosen.first() else {
        anyhow::bail!("no product `{}`", args.product);
    };
    let app = match &args.app {
        Some(name) => Some(find_app(catalog, product, name)?),
        None => None,
    };
    let mut book = AlternativeBook::bundled();
    if let Some(path) = &args.alternatives {
        let text = crate::model::read::file::read_text(path)?;
        book.layer_json(&text, &path.display().to_string())?;
    }
    let mut advisor = Advisor::new(book, CapabilityModel::bundled());
    let advice = advisor.product(catalog, product, app, &|a| app_context(catalog, product, a));
    out.write_all(render(catalog, &advice, args.format, output_width()).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
