//! Hardening steps for one app: every step of the book whose conditions hold
//! for what the app holds, its context and its effective power, with the
//! placeholders filled in for it.

use crate::model::advise::advice::{AdviceContext, CredentialHolder, HardeningStep};
use crate::model::advise::book::{AlternativeBook, HardeningDef, HolderState};
use crate::model::catalog::Catalog;
use crate::model::paths::{Analysis, Reached};
use crate::model::permission::PermissionKey;

/// The steps of `book` that apply to an app holding `held` (distinct keys,
/// document order), named `app`, in `context`, with effective power `analysis`.
pub fn steps(
    catalog: &Catalog,
    book: &AlternativeBook,
    app: &str,
    held: &[PermissionKey],
    context: &AdviceContext,
    analysis: &Analysis,
) -> Vec<HardeningStep> {
    // Riskiest first, so a long list names what matters.
    let score = |k: &PermissionKey| {
        catalog
            .requirements
            .iter()
            .position(|r| r.api == k.api && r.kind == k.kind && r.permission == k.name)
            .map_or(0, |row| catalog.rating(row).score)
    };
    let mut ranked: Vec<&PermissionKey> = held.iter().collect();
    ranked.sort_by_key(|k| std::cmp::Reverse(score(k)));
    let ranked: Vec<PermissionKey> = ranked.into_iter().cloned().collect();
    book.hardening
        .iter()
        .filter_map(|def| step(catalog, def, app, &ranked, context, analysis))
        .collect()
}

/// At most five names, riskiest first, then how many more (a name held on
/// two resources or of both kinds is named once).
fn names(keys: &[&PermissionKey]) -> String {
    let mut distinct: Vec<&str> = Vec::new();
    for k in keys {
        if !distinct.contains(&k.name.as_str()) {
            distinct.push(&k.name);
        }
    }
    let shown = &distinct[..distinct.len().min(5)];
    if distinct.len() > 5 {
        format!("{} and {} more", shown.join(", "), distinct.len() - 5)
    } else {
        shown.join(", ")
    }
}

fn step(
    catalog: &Catalog,
    def: &HardeningDef,
    app: &str,
    held: &[PermissionKey],
    context: &AdviceContext,
    analysis: &Analysis,
) -> Option<HardeningStep> {
    let when = &def.when;
    let api_name = |k: &PermissionKey| catalog.apis.get(k.api).map_or("", |a| a.name.as_str());
    // The permissions that select the step (or, without a `holds`, those of the named kinds).
    let mut matched: Vec<&PermissionKey> = held
        .iter()
        .filter(|k| when.holds.is_empty() || when.holds.iter().any(|p| p.matches(api_name(k), k.kind, &k.name)))
        .filter(|k| when.kinds.is_empty() || when.kinds.contains(&k.kind))
        .collect();
    if (!when.holds.is_empty() || !when.kinds.is_empty()) && matched.is_empty() {
        return None;
    }
    if when.holds.is_empty() && when.kinds.is_empty() {
        matched.clear();
    }
    if !when.credential_holder.is_empty() {
        let state = match context.credential_holder {
            Some(CredentialHolder::Vendor) => HolderState::Vendor,
            Some(CredentialHolder::Customer) => HolderState::Customer,
            None => HolderState::Unknown,
        };
        if !when.credential_holder.contains(&state) {
            return None;
        }
    }
    match when.onboarding {
        Some(true) if context.onboarding != Some(true) => return None,
        Some(false) if context.onboarding == Some(true) => return None,
        _ => {}
    }
    let consent_by = match &context.consent_by {
        Some(roles) => roles.join(" or "),
        None => String::new(),
    };
    if !when.consent_by.is_empty()
        && !context
            .consent_by
            .iter()
            .flatten()
            .any(|r| when.consent_by.iter().any(|w| w.eq_ignore_ascii_case(r.trim())))
    {
        return None;
    }
    let outcomes: Vec<String> = analysis
        .outcomes
        .iter()
        .filter(|o| when.outcomes.contains(&o.outcome) && o.reached != Reached::No)
        .map(|o| format!("{} ({})", o.outcome, o.reached.as_str()))
        .collect();
    if !when.outcomes.is_empty() && outcomes.is_empty() {
        return None;
    }
    let permissions = if matched.is_empty() {
        names(&held.iter().filter(|k| !k.name.is_empty()).collect::<Vec<_>>())
    } else {
        names(&matched)
    };
    let outcomes = outcomes.join(", ");
    let values = [
        ("{app}", app),
        ("{permissions}", permissions.as_str()),
        ("{outcomes}", outcomes.as_str()),
        ("{consent_by}", consent_by.as_str()),
    ];
    let fill = |t: &str| fill_template(t, &values);
    Some(HardeningStep {
        id: def.id.clone(),
        step: fill(&def.step),
        why: fill(&def.why),
        source: def.source.clone(),
    })
}

/// `template` with each placeholder replaced by its value, in one pass: a
/// value that itself looks like a placeholder (an app named `{outcomes}`) is
/// left as it is.
fn fill_template(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let tail = &rest[open..];
        match values.iter().find(|(p, _)| tail.starts_with(p)) {
            Some((p, v)) => {
                out.push_str(v);
                rest = &tail[p.len()..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill_template;

    #[test]
    fn placeholders_are_filled_once() {
        let values = [("{app}", "{outcomes}"), ("{outcomes}", "global-admin (direct)")];
        assert_eq!(
            fill_template("{app} reaches {outcomes} {other}", &values),
            "{outcomes} reaches global-admin (direct) {other}"
        );
    }
}
