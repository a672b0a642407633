//! `permscope check`: validate the data and report every problem.

use crate::commands::context::say;
use crate::model::catalog::{Catalog, LoadReport};
use std::io::Write;
use std::process::ExitCode;

/// A finding of `check` about a row that loaded.
struct Finding {
    place: String,
    message: String,
    explained: bool,
}

/// `permscope check`: load errors, plus rows whose claim no catalog knows.
/// A finding on a row that carries a note (the quirk is explained in the data)
/// is listed but does not fail the check.
pub fn run(catalog: &Catalog, report: &LoadReport, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
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
            let message = match crate::model::published::lookup(catalog, r.api, r.kind, &r.permission) {
                crate::model::published::Lookup::Known(spelled) => format!(
                    "`{}` is spelled `{spelled}` in Microsoft's catalog of {} {} permissions",
                    r.permission, api.name, r.kind
                ),
                crate::model::published::Lookup::Unknown { suggestions } => {
                    crate::model::published::unknown_sentence(catalog, r.api, r.kind, &r.permission, &suggestions)
                }
            };
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
