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
    for dir in &report.empty_folders {
        say(
            out,
            &format!(
                "warning: {} holds no product file (*.json): nothing was loaded from it",
                dir.display()
            ),
        )?;
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
    // Every quirk the data notes about a document, as `vendors` counts them.
    let mut noted = 0;
    for p in &catalog.products {
        for (app, note) in document_notes(p) {
            noted += 1;
            let place = match app {
                Some(app) => format!("{} ({}), app \"{app}\"", p.slug, p.source.file),
                None => format!("{} ({})", p.slug, p.source.file),
            };
            say(out, &format!("document quirk (noted in the data): {place}: {note}"))?;
        }
    }
    let problems = report.errors.len() + failing;
    say(
        out,
        &format!(
            "checked {} products, {} rows: {} problem(s); {} document quirk(s) noted, {} row finding(s) explained by a note",
            catalog.products.len(),
            catalog.requirements.len(),
            problems,
            noted,
            findings.len() - failing
        ),
    )?;
    Ok(if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The quirks a product file notes about its document: the product's notes,
/// then each app's (with the app's name).
pub fn document_notes(p: &crate::model::product::Product) -> Vec<(Option<&str>, &str)> {
    p.notes
        .iter()
        .map(|n| (None, n.as_str()))
        .chain(
            p.apps
                .iter()
                .flat_map(|a| a.notes.iter().map(move |n| (Some(a.name.as_str()), n.as_str()))),
        )
        .collect()
}
