//! `permscope assess`: rate permissions that need not be in any product.

use crate::commands::context::{ShowFormat, parse_kind, say};
use crate::model::catalog::Catalog;
use crate::model::permission::PermissionKind;
use crate::model::text::truncate;
use clap::Args;
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;

/// Rate permissions that need not be in any product (names as arguments or on stdin).
#[derive(Debug, Args)]
pub struct AssessArgs {
    /// Permission claims; with none, read one per line from stdin.
    pub permissions: Vec<String>,
    /// API the permissions are on.
    #[arg(long, default_value = "Microsoft Graph")]
    pub api: String,
    /// Type of the permissions.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_kind, default_value = "application")]
    pub kind: PermissionKind,
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

/// The names to rate: the arguments, or standard input's lines.
pub fn names(args: &AssessArgs) -> anyhow::Result<Vec<String>> {
    if !args.permissions.is_empty() {
        return Ok(args.permissions.clone());
    }
    // Over the cap is refused, never cut: a cut line would be rated as a name nobody wrote.
    let text = crate::model::read::file::read_stream(std::io::stdin().lock(), "standard input")?;
    Ok(text
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect())
}

/// Rates permissions whether or not any product names them.
pub fn run(
    catalog: &Catalog,
    permissions: &[String],
    api: &str,
    kind: PermissionKind,
    format: ShowFormat,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let api_index = catalog.apis.iter().position(|a| a.matches_loose(api));
    let api_name = api_index.map_or(api.to_string(), |i| catalog.apis[i].name.clone());
    let mut list = Vec::new();
    for name in permissions {
        let rating = catalog.risk.rate(&api_name, kind, name);
        let fact = api_index.and_then(|i| catalog.facts.get(&catalog.apis[i].app_id, kind, name));
        let askers: Vec<String> = catalog
            .requirements
            .iter()
            .filter(|r| Some(r.api) == api_index && r.kind == kind && r.permission == *name)
            .map(|r| catalog.products[r.product].slug.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        list.push((name, rating, fact, askers));
    }
    if format == ShowFormat::Json {
        let arr: Vec<_> = list
            .iter()
            .map(|(name, rating, fact, askers)| {
                json!({
                    "api": api_name,
                    "permission": name,
                    "type": kind.as_str(),
                    "id": fact.map(|f| f.id.clone()),
                    "risk": rating,
                    "asked_for_by": askers,
                })
            })
            .collect();
        writeln!(out, "{}", crate::model::text::json_pretty(&arr))?;
        return Ok(ExitCode::SUCCESS);
    }
    for (name, rating, _fact, askers) in &list {
        say(
            out,
            &format!(
                "{:<4}  {:>3}  {} ({} {})",
                rating.level.badge(),
                rating.score,
                truncate(name, 80),
                api_name,
                kind
            ),
        )?;
        for reason in &rating.reasons {
            say(out, &format!("            - {reason}"))?;
        }
        if !askers.is_empty() {
            say(out, &format!("            asked for by: {}", askers.join(", ")))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
