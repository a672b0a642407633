//! The printing commands: `vendors`, `show`, `check`, `assess`.

use crate::cli::{ShowFormat, VendorsFormat, say};
use crate::model::catalog::{Catalog, LoadReport};
use crate::model::columns::claim_label;
use crate::model::level::RiskLevel;
use crate::model::listing::{row_json, safe};
use crate::model::permission::PermissionKind;
use crate::model::product::Origin;
use crate::model::profile::{NamedPermission, profile};
use crate::model::query::group_by_permission;
use crate::model::text::truncate;
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;

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

/// `permscope vendors`.
pub fn vendors(catalog: &Catalog, format: VendorsFormat, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
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
                say(
                    out,
                    &format!(
                        "    {} rows, {} distinct permissions ({} application, {} delegated)",
                        pr.rows, pr.distinct, pr.application, pr.delegated
                    ),
                )?;
                say(
                    out,
                    &format!(
                        "    risk: {} critical, {} high, {} medium, {} low, {} unknown",
                        pr.count(RiskLevel::Critical),
                        pr.count(RiskLevel::High),
                        pr.count(RiskLevel::Medium),
                        pr.count(RiskLevel::Low),
                        pr.count(RiskLevel::Unknown)
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
                if !p.notes.is_empty() {
                    say(
                        out,
                        &format!(
                            "    {} document quirks noted (see `list --product {} --format json`)",
                            p.notes.len(),
                            p.slug
                        ),
                    )?;
                }
                writeln!(out)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `permscope show PERMISSION`.
pub fn show(
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
        let m = crate::model::query::Matcher::default();
        let terms = vec![wanted.to_lowercase()];
        let mut close: Vec<(i64, &str)> = names
            .iter()
            .filter_map(|n| m.score_row(&[n], &terms).map(|s| (s, *n)))
            .collect();
        close.sort_by_key(|c| std::cmp::Reverse(c.0));
        let hint: Vec<&str> = close.iter().take(5).map(|c| c.1).collect();
        let mut msg = format!("no bundled or loaded product asks for `{}`", safe(wanted));
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

/// A finding of `check` about a row that loaded.
struct Finding {
    place: String,
    message: String,
    explained: bool,
}

/// `permscope check`: load errors, plus rows whose claim no catalog knows.
/// A finding on a row that carries a note (the quirk is explained in the data)
/// is listed but does not fail the check.
pub fn check(catalog: &Catalog, report: &LoadReport, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let mut findings = Vec::new();
    for (i, r) in catalog.requirements.iter().enumerate() {
        let p = &catalog.products[r.product];
        let place = format!("{} ({} line {})", p.slug, p.source.file, r.line);
        let api = &catalog.apis[r.api];
        let explained = !r.notes.is_empty();
        if r.permission.is_empty() {
            findings.push(Finding {
                place,
                message: format!("empty claim on {} ({})", api.name, r.kind),
                explained,
            });
            continue;
        }
        if catalog.fact(r).is_none() {
            let mut message = format!(
                "`{}` is in no permission catalog for {} {} permissions",
                r.permission, api.name, r.kind
            );
            if let Some(s) = catalog.facts.spelled_differently(&api.app_id, r.kind, &r.permission) {
                message.push_str(&format!(" (the catalog spells it `{s}`)"));
            }
            findings.push(Finding {
                place,
                message,
                explained,
            });
        }
        let rating = catalog.rating(i);
        if rating.reasons.is_empty() {
            findings.push(Finding {
                place: format!("{} line {}", p.slug, r.line),
                message: "risk rating has no reason".into(),
                explained: false,
            });
        }
    }
    for e in &report.errors {
        say(out, &format!("error: {e}"))?;
    }
    for (slug, path) in &report.replaced {
        say(
            out,
            &format!("info: {} replaces the bundled product `{slug}`", path.display()),
        )?;
    }
    let failing = findings.iter().filter(|f| !f.explained).count();
    for f in findings.iter().filter(|f| !f.explained) {
        say(out, &format!("problem: {}: {}", f.place, f.message))?;
    }
    for f in findings.iter().filter(|f| f.explained) {
        say(
            out,
            &format!(
                "known quirk (explained by a note in the data): {}: {}",
                f.place, f.message
            ),
        )?;
    }
    let problems = report.errors.len() + failing;
    say(
        out,
        &format!(
            "checked {} products, {} rows: {} problem(s), {} known quirk(s)",
            catalog.products.len(),
            catalog.requirements.len(),
            problems,
            findings.len() - failing
        ),
    )?;
    Ok(if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `permscope assess`: rates permissions whether or not any product names them.
pub fn assess(
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
