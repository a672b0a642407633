//! `permscope show PERMISSION`: every product that asks for a permission, with each vendor's words.

use crate::commands::context::{ShowFormat, parse_kind, say};
use crate::model::catalog::Catalog;
use crate::model::columns::claim_label;
use crate::model::listing::row_json;
use crate::model::permission::PermissionKind;
use crate::model::query::group_by_permission;
use clap::Args;
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;

/// Every product that asks for a permission, with each vendor's words.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The claim, e.g. Mail.ReadWrite (case-insensitive).
    pub permission: String,
    /// Only on this API (graph, exchange, sharepoint, devops).
    #[arg(long)]
    pub api: Option<String>,
    /// Only this type.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_kind)]
    pub kind: Option<PermissionKind>,
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

/// Prints every product row that asks for `permission`, with its rating and facts.
pub fn run(
    catalog: &Catalog,
    permission: &str,
    api: Option<&str>,
    kind: Option<PermissionKind>,
    format: ShowFormat,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let mut q = crate::model::query::Query::default();
    if let Some(api) = api {
        q.add_api(catalog, api)?;
    }
    let wanted = permission.trim();
    let rows: Vec<usize> = (0..catalog.requirements.len())
        .filter(|&i| {
            let r = &catalog.requirements[i];
            r.permission.eq_ignore_ascii_case(wanted)
                && kind.is_none_or(|k| k == r.kind)
                && (q.apis.is_empty() || q.apis.contains(&r.api))
        })
        .collect();
    if rows.is_empty() {
        let mut names: Vec<&str> = catalog
            .requirements
            .iter()
            .map(|r| r.permission.as_str())
            .filter(|p| !p.is_empty())
            .collect();
        names.sort_unstable();
        names.dedup();
        let m = crate::model::query::Matcher;
        let terms = vec![wanted.to_lowercase()];
        let mut close: Vec<(i64, &str)> = names
            .iter()
            .filter_map(|n| m.score_row(&[n], &terms).map(|s| (s, *n)))
            .collect();
        close.sort_by_key(|c| std::cmp::Reverse(c.0));
        let hint: Vec<&str> = close.iter().take(5).map(|c| c.1).collect();
        let mut msg = format!("no bundled or loaded product asks for `{wanted}`");
        if !hint.is_empty() {
            msg.push_str(&format!("; did you mean: {}", hint.join(", ")));
        }
        msg.push_str(". To rate a permission no product asks for, use `permscope assess`.");
        anyhow::bail!(msg);
    }
    let groups = group_by_permission(catalog, rows);
    if format == ShowFormat::Json {
        let list: Vec<_> = groups
            .iter()
            .map(|g| {
                let first = &catalog.requirements[g.rows[0]];
                let fact = catalog.fact(first);
                json!({
                    "api": catalog.apis[g.api].name,
                    "permission": g.permission,
                    "type": g.kind.as_str(),
                    "id": fact.map(|f| f.id.clone()),
                    "admin_consent": fact.and_then(|f| f.admin_consent),
                    "risk": catalog.rating(g.rows[0]),
                    "requirements": g.rows.iter().map(|&i| row_json(catalog, i)).collect::<Vec<_>>(),
                })
            })
            .collect();
        writeln!(out, "{}", crate::model::text::json_pretty(&list))?;
        return Ok(ExitCode::SUCCESS);
    }
    for g in &groups {
        let first = &catalog.requirements[g.rows[0]];
        let api = &catalog.apis[g.api];
        let fact = catalog.fact(first);
        let rating = catalog.rating(g.rows[0]);
        say(
            out,
            &format!("{} — {}, {}", claim_label(&g.permission), api.name, g.kind),
        )?;
        match fact {
            Some(f) => {
                say(out, &format!("  id: {} (on resource {})", f.id, api.app_id))?;
                let consent = match f.admin_consent {
                    Some(true) => "required",
                    Some(false) => "not required (users can consent)",
                    None => "not stated by the catalog",
                };
                say(out, &format!("  admin consent: {consent}"))?;
            }
            None => say(
                out,
                "  id: not in the permission catalog (typo, retired or preview name?)",
            )?,
        }
        say(
            out,
            &format!(
                "  risk: {} (score {}, {:?})",
                rating.level.as_str(),
                rating.score,
                rating.basis
            )
            .to_lowercase(),
        )?;
        for reason in &rating.reasons {
            say(out, &format!("    - {reason}"))?;
        }
        let mut products: Vec<usize> = g.rows.iter().map(|&i| catalog.requirements[i].product).collect();
        products.dedup();
        say(
            out,
            &format!(
                "  asked for by {} row(s) in {} product(s):",
                g.rows.len(),
                products.len()
            ),
        )?;
        for &i in &g.rows {
            let r = &catalog.requirements[i];
            let p = &catalog.products[r.product];
            say(
                out,
                &format!("  * {} ({}), app \"{}\"", p.slug, p.vendor, p.apps[r.app].name),
            )?;
            if let Some(d) = &r.description {
                say(out, &format!("      description: {d}"))?;
            }
            if let Some(pu) = &r.purpose {
                say(out, &format!("      purpose: {pu}"))?;
            }
            for w in &r.workloads {
                let phases: Vec<&str> = w.phases.iter().map(|p| p.as_str()).collect();
                say(
                    out,
                    &format!(
                        "      workload: {}{}{}",
                        w.workload,
                        if phases.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", phases.join(", "))
                        },
                        if w.documented { "" } else { " (derived by permscope)" }
                    ),
                )?;
            }
            if let Some(c) = &r.condition {
                say(out, &format!("      condition: {c}"))?;
            }
            for (k, v) in &r.attributes {
                say(out, &format!("      {k}: {v}"))?;
            }
            for n in &r.notes {
                say(out, &format!("      note: {n}"))?;
            }
            say(
                out,
                &format!(
                    "      source: {} line {} (\"{}\")",
                    p.source.file, r.line, p.source.title
                ),
            )?;
        }
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}
