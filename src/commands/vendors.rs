//! `permscope vendors`: products with vendor, source document, counts and risk profile.

use crate::commands::context::say;
use crate::model::catalog::Catalog;
use crate::model::columns::claim_label;
use crate::model::paths::power;
use crate::model::product::Origin;
use crate::model::profile::{NamedPermission, profile};
use clap::{Args, ValueEnum};
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;

/// Products with vendor, source document, counts and risk profile.
#[derive(Debug, Args)]
pub struct VendorsArgs {
    /// Output format: table (for reading) or json (for scripts).
    #[arg(long, value_enum, default_value_t = VendorsFormat::Table)]
    pub format: VendorsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VendorsFormat {
    Table,
    Json,
}

fn names(catalog: &Catalog, list: &[NamedPermission]) -> String {
    if list.is_empty() {
        return "none".into();
    }
    list.iter()
        .map(|n| {
            let api = catalog
                .api_index(&n.api)
                .map_or(n.api.as_str(), |i| catalog.apis[i].short.as_str());
            format!("{} ({api}, {})", claim_label(&n.permission), n.kind)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Prints every product: vendor, document, apps, counts and risk profile.
pub fn run(catalog: &Catalog, format: VendorsFormat, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match format {
        VendorsFormat::Json => {
            let list: Vec<_> = (0..catalog.products.len())
                .map(|i| {
                    let p = &catalog.products[i];
                    json!({
                        "product": p.slug,
                        "vendor": p.vendor,
                        "name": p.name,
                        "source": p.source,
                        "origin": p.origin.to_string(),
                        "apps": p.apps.iter().map(|a| a.name.clone()).collect::<Vec<_>>(),
                        "notes": p.notes,
                        "profile": profile(catalog, i),
                        "power": power::product_analysis(catalog, i, None),
                    })
                })
                .collect();
            writeln!(out, "{}", crate::model::text::json_pretty(&list))?;
        }
        VendorsFormat::Table => {
            for i in 0..catalog.products.len() {
                let p = &catalog.products[i];
                let pr = profile(catalog, i);
                say(out, &format!("{}  {} — {}", p.slug, p.vendor, p.name))?;
                let mut doc = format!("    document: {} ({})", p.source.title, p.source.file);
                if let Some(v) = &p.source.version {
                    doc.push_str(&format!(", version {v}"));
                }
                if let Some(d) = &p.source.date {
                    doc.push_str(&format!(", dated {d}"));
                }
                if let Origin::File(path) = &p.origin {
                    doc.push_str(&format!(", loaded from {}", path.display()));
                }
                say(out, &doc)?;
                say(
                    out,
                    &format!(
                        "    apps: {}",
                        p.apps.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )?;
                say(out, &format!("    profile: {}", pr.line()))?;
                say(
                    out,
                    &format!(
                        "    effective power: {} (how: permscope paths --product {})",
                        power::summary_line(&power::product_analysis(catalog, i, None).outcomes),
                        p.slug
                    ),
                )?;
                say(out, &format!("    critical: {}", names(catalog, &pr.critical)))?;
                say(
                    out,
                    &format!("    tenant-wide write: {}", names(catalog, &pr.tenant_wide_write)),
                )?;
                say(
                    out,
                    &format!("    recovery only: {}", names(catalog, &pr.recovery_only)),
                )?;
                let quirks = crate::commands::check::document_notes(p).len();
                if quirks > 0 {
                    say(
                        out,
                        &format!("    {quirks} document quirks noted (`permscope check` lists them)"),
                    )?;
                }
                writeln!(out)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
