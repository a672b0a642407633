//! A product's effective power: what each of its apps can reach, and the
//! strongest over them, computed once here for every front end (`paths`,
//! `vendors`, `compare`, the explorer, the report).
//!
//! Who signs in to an app comes from the product file (`apps[].context.signs_in`,
//! with the document lines it rests on): a delegated path that needs a Global
//! Administrator signed in cites the line that says one does.

use crate::model::catalog::Catalog;
use crate::model::paths::{Analysis, Context, Held, OUTCOMES, OutcomeResult, Path, Reached};
use crate::model::product::{App, Basis};
use crate::model::query::AppRef;
use serde::Serialize;

/// One app's outcomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppPower {
    /// The app's name, as its product's document gives it.
    pub app: String,
    /// Index into the product's apps.
    #[serde(skip)]
    pub index: usize,
    /// Who the document says signs in, with where it says so; `None` when it does not.
    #[serde(skip)]
    pub signs_in: Option<String>,
    pub outcomes: Analysis,
}

/// A product's outcomes: the strongest over its apps (or one app's, when one
/// is asked for), and each app's. Serialises as the `paths --format json`
/// contract: `{"product", "outcomes": [...], "apps": [{"app", "outcomes": [...]}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductPower {
    /// The product's slug.
    pub product: String,
    /// Index into the catalog's products.
    #[serde(skip)]
    pub index: usize,
    /// Per outcome, the strongest result over `apps`.
    pub outcomes: Analysis,
    pub apps: Vec<AppPower>,
}

impl ProductPower {
    /// The app a path of the product's outcomes comes from (the first app
    /// whose own analysis shows it).
    pub fn app_of(&self, outcome: &str, path: &Path) -> Option<&str> {
        self.apps
            .iter()
            .find(|a| {
                a.outcomes.get(outcome).is_some_and(|o| {
                    o.paths
                        .iter()
                        .any(|p| p.steps == path.steps && p.conditions == path.conditions)
                })
            })
            .map(|a| a.app.as_str())
    }
}

/// Who signs in to `app`, as the analysis reads the product file: the roles
/// when the document states them or permscope infers them, with the lines
/// cited ("the document's line 23"); nobody named otherwise.
pub fn context_of(app: &App) -> (Context, Option<String>) {
    let signs_in = &app.context.signs_in;
    match &signs_in.value {
        Some(roles) if !roles.is_empty() && signs_in.basis != Basis::NotStated => (
            Context {
                signed_in: Some(roles.clone()),
            },
            Some(signs_in.lines_cited()),
        ),
        _ => (Context::default(), None),
    }
}

/// The permissions one app of a product asks for (rows with an empty claim
/// reach nothing and are left out).
pub fn held_of(catalog: &Catalog, product: usize, app: usize) -> Vec<Held> {
    catalog
        .rows_of(product)
        .map(|i| &catalog.requirements[i])
        .filter(|r| r.app == app && !r.permission.is_empty())
        .map(|r| Held::new(catalog.apis[r.api].name.clone(), r.kind, r.permission.clone()))
        .collect()
}

/// What one app of a product can reach, with who signs in as its document says.
pub fn app_analysis(catalog: &Catalog, product: usize, app: usize) -> Analysis {
    match catalog.products.get(product).and_then(|p| p.apps.get(app)) {
        Some(def) => {
            let (context, cited) = context_of(def);
            catalog
                .capabilities()
                .analyse_cited(&held_of(catalog, product, app), &context, cited.as_deref())
        }
        None => nothing(),
    }
}

/// Every outcome, none reached.
fn nothing() -> Analysis {
    Analysis {
        outcomes: OUTCOMES
            .iter()
            .map(|id| OutcomeResult {
                outcome: id.to_string(),
                reached: Reached::No,
                paths: Vec::new(),
            })
            .collect(),
    }
}

/// A product's outcomes: with `app`, that app's; without, every app's and
/// the strongest over them (a tenant consents to each app apart, but the
/// vendor holds them all).
pub fn product_analysis(catalog: &Catalog, product: usize, app: Option<usize>) -> ProductPower {
    let Some(def) = catalog.products.get(product) else {
        return ProductPower {
            product: String::new(),
            index: product,
            outcomes: nothing(),
            apps: Vec::new(),
        };
    };
    let apps: Vec<AppPower> = (0..def.apps.len())
        .filter(|&a| app.is_none_or(|only| only == a))
        .map(|a| {
            let signs_in = &def.apps[a].context.signs_in;
            AppPower {
                app: def.apps[a].name.clone(),
                index: a,
                signs_in: context_of(&def.apps[a])
                    .0
                    .signed_in
                    .map(|roles| format!("{} ({})", roles.join(" or "), signs_in.citation())),
                outcomes: app_analysis(catalog, product, a),
            }
        })
        .collect();
    let outcomes = match apps.as_slice() {
        [] => nothing(),
        [one] => one.outcomes.clone(),
        many => Analysis::strongest(&many.iter().map(|a| a.outcomes.clone()).collect::<Vec<_>>()),
    };
    ProductPower {
        product: def.slug.clone(),
        index: product,
        outcomes,
        apps,
    }
}

/// What a product can reach within a scope: the app `apps` names for it
/// when it names one (as `--app` does), else the strongest over its apps.
pub fn scoped_analysis(catalog: &Catalog, product: usize, apps: &[AppRef]) -> Analysis {
    let app = apps.iter().find(|a| a.product == product).map(|a| a.app);
    product_analysis(catalog, product, app).outcomes
}

/// An outcome as a short noun phrase: "Global Administrator", "every mailbox read".
pub fn label(outcome: &str) -> &str {
    match outcome {
        "global-admin" => "Global Administrator",
        "tenant-lockout" => "everyone locked out",
        "security-controls-off" => "security controls weakened",
        "impersonate-any-user" => "sign-in as any user",
        "all-mail-read" => "every mailbox read",
        "all-mail-write" => "every mailbox written",
        "all-files-read" => "every file read",
        "all-files-write" => "every file written",
        "all-chats-read" => "every Teams chat read",
        "device-code-execution" => "code run on managed devices",
        other => other,
    }
}

/// An outcome as what an app "can" do: "take over the tenant", "rewrite every mailbox".
pub fn phrase(outcome: &str) -> &str {
    match outcome {
        "global-admin" => "take over the tenant (Global Administrator)",
        "tenant-lockout" => "lock everyone out",
        "security-controls-off" => "weaken the tenant's security controls",
        "impersonate-any-user" => "sign in as any user",
        "all-mail-read" => "read every mailbox",
        "all-mail-write" => "rewrite every mailbox",
        "all-files-read" => "read every file (OneDrive and SharePoint)",
        "all-files-write" => "rewrite every file (OneDrive and SharePoint)",
        "all-chats-read" => "read every Teams chat",
        "device-code-execution" => "run code on managed devices",
        other => other,
    }
}

/// Labels of `ids`, a read and a write of the same data said once ("every
/// mailbox read and written").
fn labels(ids: &[&str]) -> Vec<String> {
    let pairs = [
        ("all-mail-read", "all-mail-write", "every mailbox read and written"),
        ("all-files-read", "all-files-write", "every file read and written"),
    ];
    let mut out = Vec::new();
    for id in ids {
        match pairs.iter().find(|(r, w, _)| id == r || id == w) {
            Some((r, w, both)) if ids.contains(r) && ids.contains(w) => {
                if id == r {
                    out.push(both.to_string());
                }
            }
            _ => out.push(label(id).to_string()),
        }
    }
    out
}

/// The outcomes reached in one way, in vocabulary order.
pub fn reached_as(analysis: &Analysis, reached: Reached) -> Vec<&str> {
    analysis
        .outcomes
        .iter()
        .filter(|o| o.reached == reached)
        .map(|o| o.outcome.as_str())
        .collect()
}

/// One line of what a set reaches, direct first: "direct: Global Administrator,
/// every mailbox read and written; conditional: everyone locked out".
pub fn summary_line(analysis: &Analysis) -> String {
    let mut parts = Vec::new();
    for (reached, word) in [(Reached::Direct, "direct"), (Reached::Conditional, "conditional")] {
        let ids = reached_as(analysis, reached);
        if !ids.is_empty() {
            parts.push(format!("{word}: {}", labels(&ids).join(", ")));
        }
    }
    if parts.is_empty() {
        "none of the outcomes".to_string()
    } else {
        parts.join("; ")
    }
}

/// A held permission in a path's steps: "Directory.AccessAsUser.All (Graph, delegated)".
pub fn step_label(catalog: &Catalog, step: &Held) -> String {
    let api = catalog
        .api_index(&step.api)
        .map_or(step.api.as_str(), |i| catalog.apis[i].short.as_str());
    format!("{} ({api}, {})", step.name, step.kind)
}

/// A path's steps joined: "A (Graph, application) + B (Graph, application)".
pub fn steps_label(catalog: &Catalog, path: &Path) -> String {
    path.steps
        .iter()
        .map(|s| step_label(catalog, s))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// True when `step` is the permission (`api`, `kind`, `name`).
fn is_step(step: &Held, api: &str, kind: crate::model::permission::PermissionKind, name: &str) -> bool {
    step.kind == kind && step.api.eq_ignore_ascii_case(api) && step.name.eq_ignore_ascii_case(name)
}

/// What one permission of an app contributes to: per outcome reached, the
/// cheapest shown path that uses it. A permission on no shown path may still
/// be on a costlier one: the analysis shows the shortest paths only.
pub fn contributions<'a>(
    analysis: &'a Analysis,
    api: &str,
    kind: crate::model::permission::PermissionKind,
    name: &str,
) -> Vec<(&'a OutcomeResult, &'a Path)> {
    let mut out: Vec<(&OutcomeResult, &Path)> = analysis
        .outcomes
        .iter()
        .filter_map(|o| {
            o.paths
                .iter()
                .find(|p| p.steps.iter().any(|s| is_step(s, api, kind, name)))
                .map(|p| (o, p))
        })
        .collect();
    // Direct outcomes first, in vocabulary order within each.
    out.sort_by_key(|(o, _)| std::cmp::Reverse(o.reached));
    out
}

/// Headings of the text output, per reach.
fn heading(reached: Reached) -> &'static str {
    match reached {
        Reached::Direct => "Direct (nothing about the tenant needs to be true)",
        Reached::Conditional => "Conditional (every path needs something to be true of the tenant)",
        Reached::No => "Not reached",
    }
}

/// What a line of [`text_lines`] is, so that a front end can style it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// The product and what the analysis covers.
    Title,
    /// Who signs in, per app; the per-app summary.
    Note,
    /// "Direct (…):", "Conditional (…):", "Not reached: …".
    Heading(Reached),
    /// An outcome's id and title.
    Outcome(Reached),
    /// A path's permissions (and the app it comes from).
    Steps,
    /// A path's conditions and explanation.
    Detail,
    /// Between sections.
    Blank,
}

/// One line of `paths`' text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine {
    pub kind: LineKind,
    pub text: String,
}

/// `paths`' text: outcomes direct first, each with its shortest paths
/// (steps, conditions, explanation), wrapped to `width`; then each app's line.
pub fn to_text(catalog: &Catalog, power: &ProductPower, width: usize) -> String {
    let mut out = String::new();
    for line in text_lines(catalog, power, width) {
        out.push_str(&line.text);
        out.push('\n');
    }
    out
}

/// The lines of [`to_text`], each with its kind (the explorer's layer styles them).
pub fn text_lines(catalog: &Catalog, power: &ProductPower, width: usize) -> Vec<TextLine> {
    let width = width.max(40);
    let mut out: Vec<TextLine> = Vec::new();
    let push = |out: &mut Vec<TextLine>, kind: LineKind, lead: &str, text: &str| {
        let indent = " ".repeat(crate::model::text::display_width(lead));
        for (i, line) in crate::model::text::wrap(text, width.saturating_sub(indent.len()), "")
            .into_iter()
            .enumerate()
        {
            out.push(TextLine {
                kind,
                text: format!("{}{line}", if i == 0 { lead } else { &indent }),
            });
        }
    };
    let blank = |out: &mut Vec<TextLine>| {
        out.push(TextLine {
            kind: LineKind::Blank,
            text: String::new(),
        })
    };
    let product = catalog.products.get(power.index);
    let name = product.map_or(String::new(), |p| format!(" — {}, by {}", p.name, p.vendor));
    push(
        &mut out,
        LineKind::Title,
        "",
        &format!("Effective power of {}{name}", power.product),
    );
    let several = product.is_some_and(|p| p.apps.len() > 1);
    match power.apps.as_slice() {
        [one] if several => push(
            &mut out,
            LineKind::Title,
            "",
            &format!("The app {} only (a tenant consents to each app apart).", one.app),
        ),
        [_] => {}
        apps => push(
            &mut out,
            LineKind::Title,
            "",
            &format!(
                "The strongest over its {} apps: a tenant consents to each app apart (--app NAME for one), but the vendor holds them all.",
                apps.len()
            ),
        ),
    }
    for a in &power.apps {
        let who = a
            .signs_in
            .clone()
            .unwrap_or_else(|| "not stated in the document".to_string());
        push(
            &mut out,
            LineKind::Note,
            "  ",
            &format!("{}: who signs in: {who}", a.app),
        );
    }
    for reached in [Reached::Direct, Reached::Conditional] {
        let results: Vec<&OutcomeResult> = power
            .outcomes
            .outcomes
            .iter()
            .filter(|o| o.reached == reached)
            .collect();
        if results.is_empty() {
            continue;
        }
        blank(&mut out);
        push(
            &mut out,
            LineKind::Heading(reached),
            "",
            &format!("{}:", heading(reached)),
        );
        for o in results {
            blank(&mut out);
            push(
                &mut out,
                LineKind::Outcome(reached),
                "  ",
                &format!("{} — {}", o.outcome, title(catalog, &o.outcome)),
            );
            // A direct outcome leads with a path that needs nothing of the
            // tenant (`pick` puts it first).
            for (n, p) in o.paths.iter().enumerate() {
                let mut steps = steps_label(catalog, p);
                if power.apps.len() > 1
                    && let Some(app) = power.app_of(&o.outcome, p)
                {
                    steps.push_str(&format!(" — {app}"));
                }
                push(&mut out, LineKind::Steps, &format!("    {}. ", n + 1), &steps);
                for c in &p.conditions {
                    push(&mut out, LineKind::Detail, "       if: ", c);
                }
                push(&mut out, LineKind::Detail, "       why: ", &p.explanation);
            }
        }
    }
    let none = reached_as(&power.outcomes, Reached::No);
    blank(&mut out);
    push(
        &mut out,
        LineKind::Heading(Reached::No),
        "",
        &format!(
            "{}: {}",
            heading(Reached::No),
            if none.is_empty() {
                "none (every outcome is reached)".to_string()
            } else {
                none.join(", ")
            }
        ),
    );
    if power.apps.len() > 1 {
        blank(&mut out);
        push(&mut out, LineKind::Title, "", "Per app:");
        for a in &power.apps {
            push(
                &mut out,
                LineKind::Note,
                "  ",
                &format!("{}: {}", a.app, summary_line(&a.outcomes)),
            );
        }
    }
    out
}

/// An outcome's title from the model ("Tenant takeover (Global Administrator)").
pub fn title(catalog: &Catalog, outcome: &str) -> String {
    catalog
        .capabilities()
        .outcomes()
        .into_iter()
        .find(|o| o.id == outcome)
        .map_or_else(|| outcome.to_string(), |o| o.title)
}
