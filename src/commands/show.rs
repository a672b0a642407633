//! `permscope show PERMISSION`: what Microsoft publishes about a permission,
//! what it lets an app call, its rating, and every product row that asks for it.

use crate::commands::context::{ShowFormat, parse_kind, say};
use crate::model::catalog::Catalog;
use crate::model::columns::claim_label;
use crate::model::describe::{self, Fact};
use crate::model::listing::row_json;
use crate::model::permission::PermissionKind;
use crate::model::published;
use clap::Args;
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;

/// What Microsoft publishes about a permission, what it lets an app call, its
/// rating, and every product that asks for it with each vendor's words.
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
    /// List every API operation the permission grants, not only the first ones.
    #[arg(long)]
    pub operations: bool,
    /// Output format: text or json.
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

/// Operations listed in text before "and N more".
const FIRST_OPERATIONS: usize = 10;

/// One permission to show: published, asked for, or both.
struct Subject {
    api: usize,
    kind: PermissionKind,
    /// Microsoft's spelling, else the rows' spelling.
    name: String,
    rows: Vec<usize>,
}

/// The permissions called `wanted` (ignoring case) on the APIs and kinds allowed.
fn subjects(catalog: &Catalog, wanted: &str, apis: &[usize], kinds: &[PermissionKind]) -> Vec<Subject> {
    let mut out = Vec::new();
    for &api in apis {
        for &kind in kinds {
            let rows: Vec<usize> = (0..catalog.requirements.len())
                .filter(|&i| {
                    let r = &catalog.requirements[i];
                    r.api == api && r.kind == kind && r.permission.eq_ignore_ascii_case(wanted)
                })
                .collect();
            let published = catalog.microsoft.spelling(&catalog.apis[api].app_id, kind, wanted);
            let name = match (published, rows.first()) {
                (Some(name), _) => name.to_string(),
                (None, Some(&r)) => catalog.requirements[r].permission.clone(),
                (None, None) => continue,
            };
            out.push(Subject { api, kind, name, rows });
        }
    }
    out
}

/// Prints what is known about `permission`; an error naming close published
/// names when Microsoft publishes no such permission and no product asks for it.
pub fn run(
    catalog: &Catalog,
    permission: &str,
    api: Option<&str>,
    kind: Option<PermissionKind>,
    all_operations: bool,
    format: ShowFormat,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let mut q = crate::model::query::Query::default();
    if let Some(api) = api {
        q.add_api(catalog, api)?;
    }
    let apis: Vec<usize> = if q.apis.is_empty() {
        (0..catalog.apis.len()).collect()
    } else {
        q.apis.clone()
    };
    let kinds: Vec<PermissionKind> = match kind {
        Some(k) => vec![k],
        None => vec![PermissionKind::Application, PermissionKind::Delegated],
    };
    let wanted = permission.trim();
    let found = subjects(catalog, wanted, &apis, &kinds);
    if found.is_empty() {
        let mut suggestions: Vec<String> = Vec::new();
        for &a in &apis {
            for &k in &kinds {
                for s in catalog.microsoft.suggest(&catalog.apis[a].app_id, k, wanted) {
                    if !suggestions.contains(&s) {
                        suggestions.push(s);
                    }
                }
            }
        }
        suggestions.truncate(3);
        // Name every resource and kind looked at: "Microsoft Graph or Azure
        // DevOps (application or delegated)".
        let names: Vec<&str> = apis.iter().map(|&a| catalog.apis[a].name.as_str()).collect();
        let on = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => names.concat(),
        };
        let kinds = kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" or ");
        let mut msg = format!(
            "`{wanted}` is not a permission Microsoft publishes for {on} ({kinds}), and no loaded product asks for it"
        );
        if suggestions.is_empty() {
            msg.push_str("; no published name is close to it");
        } else {
            msg.push_str(&format!("; did you mean {}?", suggestions.join(", ")));
        }
        anyhow::bail!(msg);
    }
    if format == ShowFormat::Json {
        let list: Vec<_> = found
            .iter()
            .map(|s| {
                let a = &catalog.apis[s.api];
                let fact = catalog.microsoft.get(&a.app_id, s.kind, &s.name);
                let rating = catalog.risk.rate(&a.name, s.kind, &s.name);
                let operations = published::operation_lines(catalog, s.api, s.kind, &s.name);
                let counts = published::operation_counts(catalog, s.api, s.kind, &s.name);
                json!({
                    "api": a.name,
                    "api_app_id": a.app_id,
                    "permission": s.name,
                    "type": s.kind.as_str(),
                    "published": fact.is_some(),
                    "id": fact.map(|f| f.id.to_string()),
                    "admin_consent": fact.and_then(|f| f.admin_consent),
                    "display_name": fact.and_then(|f| f.display_name.as_deref()),
                    "privilege_level": fact.and_then(|f| f.privilege_level),
                    "lenses": crate::model::lens::lens_verdicts(&a.name, s.kind, &s.name, rating.level),
                    "risk": rating,
                    "operations": {
                        "summary": published::operations_summary(catalog, s.api, s.kind, &s.name),
                        "count": counts.map(|c| c.0),
                        "least_privileged": counts.map(|c| c.1),
                        "list": operations,
                    },
                    "requirements": s.rows.iter().map(|&i| row_json(catalog, i)).collect::<Vec<_>>(),
                })
            })
            .collect();
        writeln!(out, "{}", crate::model::text::json_pretty(&list))?;
        return Ok(ExitCode::SUCCESS);
    }
    let print = |out: &mut dyn Write, indent: &str, facts: &[Fact]| -> std::io::Result<()> {
        for f in facts {
            say(out, &format!("{indent}{}: {}", f.label, f.value))?;
        }
        Ok(())
    };
    for s in &found {
        let a = &catalog.apis[s.api];
        let rating = catalog.risk.rate(&a.name, s.kind, &s.name);
        say(out, &format!("{} — {}, {}", claim_label(&s.name), a.name, s.kind))?;
        for f in describe::permission_facts(catalog, s.api, s.kind, &s.name, &rating) {
            say(out, &format!("  {}: {}", f.label, f.value))?;
            if f.label == "risk" {
                for reason in &rating.reasons {
                    say(out, &format!("    - {reason}"))?;
                }
            }
        }
        let lines = published::operation_lines(catalog, s.api, s.kind, &s.name);
        let shown = if all_operations {
            lines.len()
        } else {
            lines.len().min(FIRST_OPERATIONS)
        };
        for line in &lines[..shown] {
            say(out, &format!("    {line}"))?;
        }
        if shown < lines.len() {
            say(
                out,
                &format!(
                    "    … and {} more (add --operations to list them all)",
                    lines.len() - shown
                ),
            )?;
        }
        if s.rows.is_empty() {
            say(out, "  no bundled or loaded product asks for it")?;
        } else {
            let mut products: Vec<usize> = s.rows.iter().map(|&i| catalog.requirements[i].product).collect();
            products.dedup();
            say(
                out,
                &format!(
                    "  asked for by {} row(s) in {} product(s):",
                    s.rows.len(),
                    products.len()
                ),
            )?;
        }
        for &i in &s.rows {
            let r = &catalog.requirements[i];
            let p = &catalog.products[r.product];
            say(
                out,
                &format!("  * {} ({}), app \"{}\"", p.slug, p.vendor, p.apps[r.app].name),
            )?;
            print(out, "      ", &describe::row_facts(catalog, i))?;
            print(out, "      ", &describe::app_facts(catalog, r.product, r.app))?;
        }
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}
