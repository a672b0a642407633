//! An app's least-privilege set: what it asks for, with the alternatives
//! applied where they are permissions.
//!
//! Per permission, in document order, the first rule that applies:
//!
//! 1. a row naming no permission grants nothing (left out, said so);
//! 2. a permission every row of the app lists for recovery only is left out:
//!    granted just in time for a restore;
//! 3. a write permission whose stated purpose only reads is left out when a
//!    read permission the app keeps grants every read operation of it;
//! 4. a written alternative marked `reduce` replaces it (one the app already
//!    holds first, else the first in the file);
//! 5. otherwise it stays.
//!
//! Mechanisms and derived alternatives are never applied: a mechanism is not
//! a grant, and a derived one covers only some operations, which only the
//! vendor can confirm are enough.

use crate::model::advise::advice::{Basis, Change, ChangeKind, Reduction, RequirementAdvice};
use crate::model::advise::alternatives::recovery_inferred;
use crate::model::advise::questions::lines_text;
use crate::model::catalog::Catalog;
use crate::model::permission::PermissionKey;

/// What happens to one permission.
enum Decision {
    Keep,
    NoClaim,
    JustInTime { documented: bool, inferred: String },
    Covered { by: PermissionKey },
    Replaced { by: PermissionKey, gives_up: String },
}

/// "Mail.ReadWrite (Microsoft Graph, application; line 53)".
fn label(catalog: &Catalog, key: &PermissionKey, lines: &[u32]) -> String {
    let api = catalog.apis.get(key.api).map_or("?", |a| a.name.as_str());
    format!("{} ({api}, {}; {})", key.name, key.kind, lines_text(lines))
}

/// The least-privilege set of the app whose rows are `advice` (in document order).
pub fn reduce(catalog: &Catalog, advice: &[RequirementAdvice], jit_known: bool) -> Reduction {
    // Distinct permissions in document order, with their rows.
    let mut order: Vec<(PermissionKey, Vec<&RequirementAdvice>)> = Vec::new();
    for a in advice {
        let key = PermissionKey {
            api: a.api,
            kind: a.kind,
            name: a.permission.clone(),
        };
        match order.iter_mut().find(|(k, _)| *k == key) {
            Some((_, rows)) => rows.push(a),
            None => order.push((key, vec![a])),
        }
    }
    let decisions: Vec<Decision> = order
        .iter()
        .map(|(key, rows)| decide(catalog, key, rows, jit_known))
        .collect();

    // What is granted: kept permissions and the replacements.
    let mut keep: Vec<PermissionKey> = Vec::new();
    for ((key, _), d) in order.iter().zip(&decisions) {
        match d {
            Decision::Keep => keep.push(key.clone()),
            Decision::Replaced { by, .. } => keep.push(by.clone()),
            // A covered permission stays unless what covers it is kept (checked below).
            Decision::Covered { .. } | Decision::NoClaim | Decision::JustInTime { .. } => {}
        }
    }
    for ((key, _), d) in order.iter().zip(&decisions) {
        if let Decision::Covered { by } = d
            && !keep.contains(by)
        {
            keep.push(key.clone());
        }
    }
    keep.sort();
    keep.dedup();

    let mut changes = Vec::new();
    for ((key, rows), d) in order.iter().zip(&decisions) {
        let lines: Vec<u32> = {
            let mut l: Vec<u32> = rows.iter().map(|r| r.line).collect();
            l.sort_unstable();
            l.dedup();
            l
        };
        let change = match d {
            Decision::Keep => None,
            Decision::NoClaim => Some(Change {
                kind: ChangeKind::NoClaim,
                removed: key.clone(),
                replaced_by: None,
                reason: format!(
                    "No permission is named at {} ({}, {}): nothing can be granted until the vendor says which one is meant.",
                    lines_text(&lines),
                    catalog.apis.get(key.api).map_or("?", |a| a.name.as_str()),
                    key.kind
                ),
                lines,
            }),
            // A permission put back as another's replacement is granted after all.
            Decision::JustInTime { .. } if keep.contains(key) => None,
            Decision::JustInTime { documented, inferred } => Some(Change {
                kind: ChangeKind::JustInTime,
                removed: key.clone(),
                replaced_by: None,
                reason: if *documented {
                    format!(
                        "{} is listed for recovery only: grant it just in time for a restore and remove it after.",
                        label(catalog, key, &lines)
                    )
                } else {
                    format!(
                        "{} serves recovery only by inference ({inferred}): grant it just in time for a restore, once the vendor confirms.",
                        label(catalog, key, &lines)
                    )
                },
                lines,
            }),
            Decision::Covered { by } if keep.contains(by) && !keep.contains(key) => Some(Change {
                kind: ChangeKind::CoveredByHeld,
                removed: key.clone(),
                replaced_by: None,
                reason: format!(
                    "{} is left out: its stated purpose only reads, and {}, which the app keeps, grants every read operation of it.",
                    label(catalog, key, &lines),
                    by.name
                ),
                lines,
            }),
            Decision::Covered { .. } => None,
            // Put back as another permission's replacement: granted after all.
            Decision::Replaced { .. } if keep.contains(key) => None,
            Decision::Replaced { by, gives_up } => {
                let held_already = order.iter().any(|(k, _)| k == by);
                Some(Change {
                    kind: ChangeKind::Replaced,
                    removed: key.clone(),
                    replaced_by: Some(by.clone()),
                    reason: if held_already {
                        format!(
                            "{} is left out: {}, which the app already asks for, serves instead; it gives up {}.",
                            label(catalog, key, &lines),
                            by.name,
                            gives_up
                        )
                    } else {
                        format!(
                            "{} is swapped for {}; it gives up {}.",
                            label(catalog, key, &lines),
                            by.name,
                            gives_up
                        )
                    },
                    lines,
                })
            }
        };
        changes.extend(change);
    }
    Reduction { keys: keep, changes }
}

fn decide(catalog: &Catalog, key: &PermissionKey, rows: &[&RequirementAdvice], jit_known: bool) -> Decision {
    if key.name.is_empty() {
        return Decision::NoClaim;
    }
    let reqs: Vec<_> = rows.iter().map(|a| &catalog.requirements[a.row]).collect();
    if jit_known && reqs.iter().all(|r| r.recovery_only()) {
        let documented = reqs.iter().all(|r| r.workloads.iter().all(|w| w.documented));
        let inferred = reqs
            .iter()
            .find(|r| r.workloads.iter().any(|w| !w.documented))
            .map(|r| recovery_inferred(r))
            .unwrap_or_default();
        return Decision::JustInTime { documented, inferred };
    }
    let alternatives = || rows.iter().flat_map(|a| a.alternatives.iter());
    if let Some(by) = alternatives()
        .filter(|a| matches!(a.basis, Basis::CoversReads { .. }))
        .find_map(|a| a.key())
    {
        return Decision::Covered { by };
    }
    let reducible: Vec<_> = alternatives()
        .filter(|a| matches!(a.basis, Basis::Written { reduce: true, .. }) && a.permission.is_some())
        .collect();
    let chosen = reducible.iter().find(|a| a.already_held).or_else(|| reducible.first());
    match chosen.and_then(|a| a.key().map(|k| (k, a.gives_up.clone()))) {
        Some((by, gives_up)) => Decision::Replaced { by, gives_up },
        None => Decision::Keep,
    }
}
