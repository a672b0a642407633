//! `permscope assess`: rate permissions that need not be in any product.

use crate::commands::context::{ShowFormat, parse_kind, say};
use crate::model::catalog::Catalog;
use crate::model::permission::PermissionKind;
use crate::model::published;
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
    /// Output format: text or json.
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

/// Rates permissions whether or not any product names them. A name Microsoft
/// does not publish on the resource is said to be unknown before anything
/// else (with close published names), its rating by rules is marked as a
/// guess, and the exit code is 1.
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
    // One sentence per name Microsoft does not publish, said before any rating.
    let mut unknowns: Vec<String> = Vec::new();
    for name in permissions {
        let name = name.trim();
        // The catalog's spelling when only case differs: that is what gets granted.
        let lookup = api_index.map(|i| published::lookup(catalog, i, kind, name));
        let (name, known, suggestions) = match &lookup {
            Some(published::Lookup::Known(spelled)) => (spelled.clone(), true, Vec::new()),
            Some(published::Lookup::Unknown { suggestions }) => (name.to_string(), false, suggestions.clone()),
            None => (name.to_string(), false, Vec::new()),
        };
        let mut rating = catalog.risk.rate(&api_name, kind, &name);
        // What the reader is told first (`unknown`), and the reason that marks
        // the rating as a guess wherever the rating goes (text and JSON).
        let unknown_line = match (known, api_index) {
            (true, _) => None,
            (false, Some(i)) => {
                rating.reasons.insert(
                    0,
                    format!(
                        "A guess by permscope's general rules from the name alone: Microsoft publishes no permission `{name}` for {api_name} ({kind})."
                    ),
                );
                Some(published::unknown_sentence(catalog, i, kind, &name, &suggestions))
            }
            (false, None) => {
                rating.reasons.insert(
                    0,
                    format!("A guess by permscope's general rules from the name alone: `{api}` is not a resource permscope knows."),
                );
                Some(format!(
                    "`{api}` is not a resource permscope knows (use graph, exchange, sharepoint, devops or a full name), so nothing is known of `{name}`"
                ))
            }
        };
        if let Some(line) = unknown_line {
            unknowns.push(line);
        }
        let fact = api_index.and_then(|i| catalog.microsoft.get(&catalog.apis[i].app_id, kind, &name));
        let askers: Vec<String> = catalog
            .requirements
            .iter()
            .filter(|r| Some(r.api) == api_index && r.kind == kind && r.permission == name)
            .map(|r| catalog.products[r.product].slug.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        // A name Microsoft does not publish grants nothing its map could list.
        let operations = api_index
            .filter(|_| known)
            .map(|i| published::operations_summary(catalog, i, kind, &name));
        list.push((name, known, suggestions, rating, fact, askers, operations));
    }
    let code = if unknowns.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    if format == ShowFormat::Json {
        let arr: Vec<_> = list
            .iter()
            .map(|(name, known, suggestions, rating, fact, askers, operations)| {
                json!({
                    "api": api_name,
                    "permission": name,
                    "type": kind.as_str(),
                    "published": known,
                    "suggestions": suggestions,
                    "id": fact.map(|f| f.id.to_string()),
                    "admin_consent": fact.and_then(|f| f.admin_consent),
                    "risk": rating,
                    "operations": operations,
                    "asked_for_by": askers,
                })
            })
            .collect();
        writeln!(out, "{}", crate::model::text::json_pretty(&arr))?;
        return Ok(code);
    }
    for line in &unknowns {
        let end = if line.ends_with('?') { "" } else { "." };
        say(out, &format!("unknown: {line}{end}"))?;
    }
    if !unknowns.is_empty() {
        writeln!(out)?;
    }
    for (name, known, _, rating, _fact, askers, operations) in &list {
        say(
            out,
            &format!(
                "{:<4}  {:>3}  {} ({} {}){}",
                rating.level.badge(),
                rating.score,
                truncate(name, 80),
                api_name,
                kind,
                if *known { "" } else { "  GUESS: NOT A PUBLISHED NAME" }
            ),
        )?;
        for reason in &rating.reasons {
            say(out, &format!("            - {reason}"))?;
        }
        if let Some(o) = operations {
            say(out, &format!("            API operations: {o}"))?;
        }
        if !askers.is_empty() {
            say(out, &format!("            asked for by: {}", askers.join(", ")))?;
        }
    }
    Ok(code)
}
