//! The one wording of what is known about a permission and about a vendor's
//! row: `show`, the explorer's detail pane and the report print these lines,
//! each in its own style, so they never say a fact two ways.

use crate::model::catalog::Catalog;
use crate::model::permission::PermissionKind;
use crate::model::published;
use crate::model::risk::{Rating, RiskBasis};

/// One labelled fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: String,
    pub value: String,
    /// Something a reviewer should notice (an unknown name, a derived value).
    pub warn: bool,
}

fn fact(label: impl Into<String>, value: impl Into<String>) -> Fact {
    Fact {
        label: label.into(),
        value: value.into(),
        warn: false,
    }
}

fn warning(label: impl Into<String>, value: impl Into<String>) -> Fact {
    Fact {
        label: label.into(),
        value: value.into(),
        warn: true,
    }
}

/// "high (score 72, reviewed entry)".
pub fn rating_summary(rating: &Rating) -> String {
    let basis = match (rating.basis, &rating.rule) {
        (RiskBasis::Reviewed, _) => "reviewed entry".to_string(),
        (RiskBasis::Rule, Some(id)) => format!("general rule `{id}`"),
        (RiskBasis::Rule, None) => "general rule".to_string(),
    };
    format!("{} (score {}, {basis})", rating.level.as_str(), rating.score)
}

/// What Microsoft's catalog says about `name` of `kind` on API `api`, and its
/// rating's summary (the reasons are listed by the caller).
pub fn permission_facts(catalog: &Catalog, api: usize, kind: PermissionKind, name: &str, rating: &Rating) -> Vec<Fact> {
    let resource = &catalog.apis[api];
    let mut out = Vec::new();
    match catalog.microsoft.get(&resource.app_id, kind, name) {
        Some(f) => {
            if let Some(d) = &f.display_name {
                out.push(fact("Microsoft's name", d.to_string()));
            }
            out.push(fact("id", format!("{} on {}", f.id, resource.app_id)));
            out.push(fact(
                "admin consent",
                match f.admin_consent {
                    Some(true) => "required",
                    Some(false) => "not required (users can consent)",
                    None => "not stated by Microsoft's catalog",
                },
            ));
            if let Some(level) = f.privilege_level {
                out.push(fact(
                    "privilege level",
                    format!("{level} on Microsoft's scale of 1 (least) to 5"),
                ));
            }
            if f.enabled == Some(false) {
                out.push(warning("enabled", "no: Microsoft has disabled it"));
            }
            if f.provisioning_only {
                out.push(warning(
                    "published",
                    "only in Microsoft's provisioning map, not yet on the service principal: a tenant may not offer it",
                ));
            }
            if f.rsc {
                out.push(fact(
                    "consent",
                    "resource-specific: granted on one team, chat or user, not tenant-wide",
                ));
            }
        }
        None => {
            let lookup = published::lookup(catalog, api, kind, name);
            let text = match lookup {
                published::Lookup::Known(spelled) => {
                    format!("not as written: Microsoft's catalog spells it `{spelled}`")
                }
                published::Lookup::Unknown { suggestions } => {
                    published::unknown_sentence(catalog, api, kind, name, &suggestions)
                }
            };
            out.push(warning("id", text));
        }
    }
    out.push(fact("risk", rating_summary(rating)));
    out.extend(lens_facts(&resource.name, kind, name, rating));
    out.push(fact(
        "API operations",
        published::operations_summary(catalog, api, kind, name),
    ));
    out
}

/// What a vendor's row says beyond the permission: the vendor's words,
/// workloads and phases (derived ones marked), conditions, other columns,
/// quirks and the source line.
pub fn row_facts(catalog: &Catalog, row: usize) -> Vec<Fact> {
    let r = &catalog.requirements[row];
    let p = &catalog.products[r.product];
    let api = &catalog.apis[r.api];
    let mut out = Vec::new();
    // The app's context can move the rating (a Global Administrator signs in)
    // or its words (who holds the credential): say so where it did.
    let rating = catalog.rating(row);
    let plain = catalog.risk.rate(&api.name, r.kind, &r.permission);
    if rating.level != plain.level {
        out.push(warning(
            "risk in this app",
            format!(
                "{} — {}",
                rating_summary(rating),
                rating.reasons.first().map_or("", String::as_str)
            ),
        ));
    }
    if let Some(d) = &r.description {
        out.push(fact("description", d.to_string()));
    }
    if let Some(pu) = &r.purpose {
        out.push(fact("purpose", pu.to_string()));
    }
    for w in &r.workloads {
        let phases: Vec<&str> = w.phases.iter().map(|p| p.as_str()).collect();
        let mut v = w.workload.to_string();
        if phases.is_empty() {
            v.push_str(" — no phases stated");
        } else {
            v.push_str(&format!(" — {}", phases.join(", ")));
        }
        if w.documented {
            out.push(fact("workload", v));
        } else {
            v.push_str(" (derived by permscope, not in the document)");
            out.push(warning("workload", v));
        }
    }
    if let Some(c) = &r.condition {
        out.push(fact("condition", c.clone()));
    }
    for (k, v) in &r.attributes {
        out.push(fact(k.clone(), v.clone()));
    }
    if *r.api_as_written != *api.name {
        out.push(fact("API as written", r.api_as_written.to_string()));
    }
    if let Some(w) = &r.permission_as_written {
        out.push(fact("claim as written", w.clone()));
    }
    for n in &r.notes {
        out.push(warning("note", n.clone()));
    }
    let mut src = format!("{} line {} — \"{}\"", p.source.file, r.line, p.source.title);
    if let Some(v) = &p.source.version {
        src.push_str(&format!(", version {v}"));
    }
    if let Some(d) = &p.source.date {
        src.push_str(&format!(", {d}"));
    }
    out.push(fact("source", src));
    out
}

/// What the vendor's document says about an app: who consents, who signs in,
/// who holds its credential, whether it only sets the product up.
pub fn app_facts(catalog: &Catalog, product: usize, app: usize) -> Vec<Fact> {
    use crate::model::product::Documented;
    let c = &catalog.products[product].apps[app].context;
    fn line<T>(label: &str, d: &Documented<T>, value: impl Fn(&T) -> String) -> Fact {
        match &d.value {
            Some(v) => fact(label.to_string(), format!("{} ({})", value(v), d.citation())),
            None => warning(label.to_string(), "not stated in the document"),
        }
    }
    vec![
        line("who must consent", &c.consent, |roles: &Vec<String>| roles.join(" or ")),
        line("who signs in", &c.signs_in, |roles: &Vec<String>| roles.join(" or ")),
        line("who holds its credential", &c.credential, |h| h.as_str().to_string()),
        line("set-up only", &c.onboarding, |b: &bool| {
            if *b { "yes".into() } else { "no".into() }
        }),
    ]
}

/// What the published classifications say beside permscope's level: one fact
/// per source, its class, whether permscope agrees, and (where permscope rates
/// differently and a kind of disagreement fits) why.
pub fn lens_facts(api: &str, kind: PermissionKind, name: &str, rating: &Rating) -> Vec<Fact> {
    use crate::model::lens::{Agreement, lens_verdicts, lenses_for};
    let lenses = lenses_for(api, kind, name);
    lens_verdicts(api, kind, name, rating.level)
        .into_iter()
        .zip(&lenses)
        .map(|(v, lens)| {
            let mut value = lens.label();
            match v.agrees {
                Some(Agreement::Agrees) => value.push_str(" — permscope agrees"),
                Some(Agreement::WeRateHigher) => value.push_str(" — permscope rates higher"),
                Some(Agreement::WeRateLower) => value.push_str(" — permscope rates lower"),
                None => {}
            }
            if let Some(why) = v.why {
                value.push_str(&format!(": {why}"));
            }
            fact(v.source.name(), value)
        })
        .collect()
}
