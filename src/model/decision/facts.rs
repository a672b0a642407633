//! What the report says about each product, computed once: per app the
//! advice (least-privilege set, questions, hardening) and the effective power
//! of what it asks for and of its least-privilege set, and the product's
//! effective power (the strongest over its apps). The wording helpers every
//! section shares live here too.

use crate::model::advise::{Advisor, AppAdvice, app_context};
use crate::model::catalog::Catalog;
use crate::model::level::RiskLevel;
use crate::model::paths::{Analysis, Held, OutcomeResult, Path, Reached, power};
use crate::model::product::Requirement;
use crate::model::profile::{Profile, profile_of_rows};
use crate::model::query::AppRef;

/// One app in the report.
#[derive(Debug, Clone)]
pub struct AppFacts {
    pub advice: AppAdvice,
    /// The effective power of the app's least-privilege set.
    pub reduced: Analysis,
}

/// One product in the report.
#[derive(Debug, Clone)]
pub struct ProductFacts {
    /// Index into the catalog's products.
    pub product: usize,
    /// The app the report is limited to (`--app`), if any.
    pub only: Option<usize>,
    /// The apps covered, in the product's order.
    pub apps: Vec<AppFacts>,
    /// The requirement rows covered, in document order.
    pub rows: Vec<usize>,
    pub profile: Profile,
    /// The strongest result over the apps covered, per outcome
    /// ([`power::product_analysis`]).
    pub power: Analysis,
}

impl ProductFacts {
    /// The apps covered by the report: their effective power as
    /// [`power::product_analysis`] gives it (who signs in from the product
    /// file, its lines cited), the advice computed on that analysis by
    /// `advisor`, and what the least-privilege set would still reach.
    pub fn compute(catalog: &Catalog, product: usize, only: Option<usize>, advisor: &mut Advisor) -> ProductFacts {
        let power = power::product_analysis(catalog, product, only);
        let apps: Vec<AppFacts> = power
            .apps
            .iter()
            .map(|ap| {
                let a = ap.index;
                let context = app_context(catalog, product, a);
                let advice = advisor.app_with(catalog, product, a, &context, ap.outcomes.clone());
                let held: Vec<Held> = advice
                    .reduction
                    .keys
                    .iter()
                    .map(|k| Held::new(catalog.apis[k.api].name.clone(), k.kind, k.name.clone()))
                    .collect();
                let (signed_in, cited) = power::context_of(&catalog.products[product].apps[a]);
                let reduced = catalog
                    .capabilities()
                    .analyse_cited(&held, &signed_in, cited.as_deref());
                AppFacts { advice, reduced }
            })
            .collect();
        let rows: Vec<usize> = match only {
            Some(a) => AppRef { product, app: a }.rows(catalog).collect(),
            None => catalog.rows_of(product).collect(),
        };
        ProductFacts {
            product,
            only,
            profile: profile_of_rows(catalog, product, &rows),
            power: power.outcomes,
            apps,
            rows,
        }
    }

    /// True when the product has several apps and the report covers them all.
    pub fn several_apps(&self, catalog: &Catalog) -> bool {
        self.only.is_none() && catalog.products[self.product].apps.len() > 1
    }
}

/// How an outcome is reached, in words.
pub fn reached_word(r: Reached) -> &'static str {
    match r {
        Reached::Direct => "direct",
        Reached::Conditional => "conditional",
        Reached::No => "not reached",
    }
}

/// The path to show first for an outcome: its first, which for a direct
/// outcome needs nothing of the tenant (see `paths::defs::pick`).
pub fn first_path(o: &OutcomeResult) -> Option<&Path> {
    o.paths.first()
}

/// A permission by name, API and type: `Mail.Read (Microsoft Graph, application)`.
pub fn permission_label(catalog: &Catalog, r: &Requirement) -> String {
    format!(
        "{} ({}, {})",
        crate::model::columns::claim_label(&r.permission),
        catalog.apis[r.api].name,
        r.kind
    )
}

/// `critical` for people: `Critical`.
pub fn level_word(level: RiskLevel) -> String {
    let s = level.as_str();
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// "10 Critical, 10 High, 8 Medium, 2 Low of 30 distinct permissions (30
/// rows; 29 application, 1 delegated)".
pub fn counts_line(p: &Profile) -> String {
    let mut levels: Vec<String> = [RiskLevel::Critical, RiskLevel::High, RiskLevel::Medium, RiskLevel::Low]
        .iter()
        .map(|l| format!("{} {}", p.count(*l), level_word(*l)))
        .collect();
    if p.count(RiskLevel::Unknown) > 0 {
        levels.push(format!("{} unrated (no permission named)", p.count(RiskLevel::Unknown)));
    }
    format!(
        "{} of {} distinct permissions ({} rows; {} application, {} delegated)",
        levels.join(", "),
        p.distinct,
        p.rows,
        p.application,
        p.delegated
    )
}

/// Document lines: "line 5", "lines 5, 9".
pub fn lines_text(lines: &[u32]) -> String {
    match lines {
        [] => "no line".to_string(),
        [one] => format!("line {one}"),
        many => format!(
            "lines {}",
            many.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
        ),
    }
}
