//! Per requirement, what could be asked for instead: a read permission the app
//! already holds that covers a read-only purpose, the just-in-time grant of a
//! recovery-only permission, the written alternatives, and the narrower
//! permissions Microsoft's Graph API map shows.

use crate::model::advise::advice::{Alternative, Basis, RequirementAdvice};
use crate::model::advise::book::AlternativeBook;
use crate::model::advise::operations::Operations;
use crate::model::advise::wording;
use crate::model::catalog::Catalog;
use crate::model::claim::{self, Claim};
use crate::model::microsoft::GRAPH_APP_ID;
use crate::model::permission::PermissionKey;
use crate::model::product::{Phase, Requirement};

/// What the alternatives of one app's rows are computed from.
pub struct Inputs<'a> {
    pub catalog: &'a Catalog,
    pub book: &'a AlternativeBook,
    /// The app's distinct permissions (blank claims left out).
    pub held: &'a [PermissionKey],
}

impl Inputs<'_> {
    fn holds(&self, key: &PermissionKey) -> bool {
        self.held.contains(key)
    }
}

/// A short quotation of vendor text for a sentence (at most 160 characters).
pub fn quote(text: &str) -> String {
    let one = crate::model::text::one_line(text.trim());
    if one.chars().count() <= 160 {
        one
    } else {
        let cut: String = one.chars().take(157).collect();
        format!("{}...", cut.trim_end())
    }
}

/// The advice for requirement `row` of the app `inputs` describes.
pub fn for_requirement(inputs: &Inputs<'_>, ops: &mut Operations, row: usize) -> RequirementAdvice {
    let r = &inputs.catalog.requirements[row];
    let read_only_purpose = r.purpose.as_deref().is_some_and(wording::read_only);
    let mut alternatives = Vec::new();
    if !r.permission.is_empty() {
        let writes = Claim::parse(&r.permission, r.kind).writes();
        if read_only_purpose && writes {
            alternatives.extend(covering_reads(inputs, ops, r));
        }
        if r.recovery_only()
            && let Some(jit) = just_in_time(inputs, r)
        {
            alternatives.push(jit);
        }
        written(inputs, r, &mut alternatives);
        derived(inputs, ops, r, &mut alternatives);
    }
    RequirementAdvice {
        row,
        api: r.api,
        kind: r.kind,
        permission: r.permission.clone(),
        line: r.line,
        read_only_purpose,
        alternatives,
    }
}

/// Read permissions the app holds that grant every read of `r`'s permission.
fn covering_reads(inputs: &Inputs<'_>, ops: &mut Operations, r: &Requirement) -> Vec<Alternative> {
    let catalog = inputs.catalog;
    let api = &catalog.apis[r.api];
    let purpose = quote(r.purpose.as_deref().unwrap_or(""));
    let mut out = Vec::new();
    for h in inputs.held {
        if h.api != r.api || h.kind != r.kind || h.name == r.permission {
            continue;
        }
        if Claim::parse(&h.name, h.kind).writes() {
            continue;
        }
        let found = if api.app_id.eq_ignore_ascii_case(GRAPH_APP_ID) {
            ops.read_coverage(r.kind, &h.name, &r.permission)
                .filter(|c| c.complete())
                .map(|c| {
                    let gives_up = if c.writes == 0 {
                        format!("nothing Microsoft lists beyond reading: {} grants no other operation", r.permission)
                    } else {
                        format!(
                            "the {} operations of {} that change things, such as {}",
                            c.writes,
                            r.permission,
                            c.write_examples.join(" and ")
                        )
                    };
                    let fits = format!(
                        "the app only reads, as its stated purpose says (\"{purpose}\"): {}, which it already holds, grants all {} read operations Microsoft lists for {}",
                        h.name, c.reads, r.permission
                    );
                    (gives_up, fits, c.reads)
                })
        } else if claim::covers(&r.permission, &h.name) {
            Some((
                format!("what {} lets the app change", r.permission),
                format!(
                    "the app only reads, as its stated purpose says (\"{purpose}\"): {}, which it already holds, is the lower form of {} on {}",
                    h.name, r.permission, api.name
                ),
                0,
            ))
        } else {
            None
        };
        if let Some((gives_up, fits_when, reads)) = found {
            out.push(Alternative {
                api: r.api,
                kind: r.kind,
                permission: Some(h.name.clone()),
                mechanism: None,
                gives_up,
                fits_when,
                already_held: true,
                basis: Basis::CoversReads { reads },
            });
        }
    }
    out
}

/// The just-in-time grant of a recovery-only permission.
fn just_in_time(inputs: &Inputs<'_>, r: &Requirement) -> Option<Alternative> {
    let m = inputs.book.just_in_time.as_ref()?;
    let documented = r
        .workloads
        .iter()
        .filter(|w| w.phases.contains(&Phase::Recovery))
        .all(|w| w.documented);
    let evidence = if documented {
        let workloads: Vec<&str> = r.workloads.iter().map(|w| &*w.workload).collect();
        format!("line {} lists it for {}: Recovery only", r.line, workloads.join(", "))
    } else {
        recovery_inferred(r)
    };
    Some(Alternative {
        api: r.api,
        kind: r.kind,
        permission: None,
        mechanism: Some(m.mechanism.clone()),
        gives_up: m.gives_up.clone(),
        fits_when: format!("{} ({evidence})", m.fits_when),
        already_held: false,
        basis: Basis::JustInTime {
            source: m.source.clone(),
        },
    })
}

/// Where a recovery-only phase the document does not state comes from.
pub fn recovery_inferred(r: &Requirement) -> String {
    match r.purpose.as_deref() {
        Some(p) if crate::model::advise::wording::speaks_of_recovery(p) => format!(
            "permscope read recovery in its purpose (\"{}\"); the document states no phase",
            quote(p)
        ),
        _ => "the product file infers its phase; the document does not state it".to_string(),
    }
}

/// The alternatives written for `r`'s permission.
fn written(inputs: &Inputs<'_>, r: &Requirement, out: &mut Vec<Alternative>) {
    let catalog = inputs.catalog;
    let Some(entry) = inputs.book.entry(&catalog.apis[r.api].name, r.kind, &r.permission) else {
        return;
    };
    for w in &entry.instead {
        let api = match &w.api {
            Some(name) => match catalog.api_index(name) {
                Some(i) => i,
                None => continue,
            },
            None => r.api,
        };
        let kind = w.kind.unwrap_or(r.kind);
        let permission = w.permission.clone();
        if let Some(p) = &permission
            && out
                .iter()
                .any(|a| a.api == api && a.kind == kind && a.permission.as_ref() == Some(p))
        {
            continue;
        }
        let already_held = permission.as_ref().is_some_and(|p| {
            inputs.holds(&PermissionKey {
                api,
                kind,
                name: p.clone(),
            })
        });
        out.push(Alternative {
            api,
            kind,
            permission,
            mechanism: w.mechanism.clone(),
            gives_up: w.gives_up.clone(),
            fits_when: w.fits_when.clone(),
            already_held,
            basis: Basis::Written {
                source: w.source.clone(),
                reduce: w.reduce,
            },
        });
    }
}

/// Narrower permissions from Microsoft's Graph API map not already offered.
fn derived(inputs: &Inputs<'_>, ops: &mut Operations, r: &Requirement, out: &mut Vec<Alternative>) {
    if !inputs.catalog.apis[r.api].app_id.eq_ignore_ascii_case(GRAPH_APP_ID) {
        return;
    }
    for d in ops.narrower(r.kind, &r.permission) {
        if out
            .iter()
            .any(|a| a.api == r.api && a.kind == r.kind && a.permission.as_deref() == Some(d.permission.as_str()))
        {
            continue;
        }
        let key = PermissionKey {
            api: r.api,
            kind: r.kind,
            name: d.permission.clone(),
        };
        let gives_up = if d.not_granted == 0 {
            // Every operation Microsoft lists is still granted: only the reach narrows.
            format!(
                "whatever lies outside its reach: {} works{}",
                d.permission,
                Claim::parse(&d.permission, r.kind).reach.phrase(r.kind)
            )
        } else {
            format!(
                "the other {} of the {} operations {} grants, such as {}",
                d.not_granted,
                d.total,
                r.permission,
                d.not_granted_examples.join(" and ")
            )
        };
        let fits_when = format!(
            "derived from Microsoft's Graph API map: Microsoft lists {} as least privileged for {} of the {} operations {} grants (such as {}); it fits when the app makes only those calls",
            d.permission,
            d.least,
            d.total,
            r.permission,
            d.least_examples.join(" and ")
        );
        out.push(Alternative {
            api: r.api,
            kind: r.kind,
            permission: Some(d.permission),
            mechanism: None,
            gives_up,
            fits_when,
            already_held: inputs.holds(&key),
            basis: Basis::Derived {
                least: d.least,
                total: d.total,
            },
        });
    }
}
