//! A product's section of the report: its source document and apps, its
//! effective power, its profile, its Critical and High permissions with
//! reasons and published classifications, every row it asks for (derived
//! workloads and phases marked), its least-privilege set, its questions for
//! the vendor, hardening steps and the quirks of its document.

use crate::model::advise::ChangeKind;
use crate::model::catalog::Catalog;
use crate::model::columns::claim_label;
use crate::model::decision::facts::{
    AppFacts, ProductFacts, counts_line, level_word, lines_text, permission_label, reached_word,
};
use crate::model::decision::summary::{product_title, reduction_effect};
use crate::model::document::{Block, Grid};
use crate::model::lens::{Agreement, LensSource, lens_verdicts};
use crate::model::level::RiskLevel;
use crate::model::paths::{Reached, power};
use crate::model::product::{Phase, Requirement};
use crate::model::profile::{NamedPermission, profile_of_rows};
use crate::model::query::{AppRef, group_by_permission};

/// What the marks of a product's permission table mean.
pub const ROWS_LEGEND: &str = "Workloads and phases as the document states them; * marks a workload, and its phases, that \
permscope derived from the permission's name or purpose because the document does not state them: ask the vendor \
before relying on it. \"no phases stated\": the document gives none. Published classifications beside permscope's \
level: APIAM = AzurePrivilegedIAM's Enterprise Access Model tier (Control plane, Management plane, User access), \
EntraOps = EntraOps' tier, Graph level = Microsoft's privilegeLevel (1 least to 5 most privileged), Consent = the MSIdentityTools consent grant table; \
✓ permscope's level agrees, ↑ permscope rates it higher, ↓ permscope rates it lower.";

/// A short name for a published source, for narrow columns.
fn lens_short(source: LensSource) -> &'static str {
    match source {
        LensSource::AzurePrivilegedIam => "APIAM",
        LensSource::EntraOps => "EntraOps",
        LensSource::GraphPrivilegeLevel => "Graph level",
        LensSource::ConsentTable => "Consent",
    }
}

/// `✓`, `↑` or `↓`: how permscope's level compares with a lens.
pub fn agreement_mark(a: Option<Agreement>) -> &'static str {
    match a {
        Some(Agreement::Agrees) => " ✓",
        Some(Agreement::WeRateHigher) => " ↑",
        Some(Agreement::WeRateLower) => " ↓",
        None => "",
    }
}

/// The published classifications of a row, one per line: `APIAM: Control plane ✓`.
pub fn lenses_cell(catalog: &Catalog, r: &Requirement, level: RiskLevel) -> String {
    let lines: Vec<String> = lens_verdicts(&catalog.apis[r.api].name, r.kind, &r.permission, level)
        .iter()
        .map(|v| {
            // Tiers by their first word: `Control`, `Management`, `User access`.
            let class = match v.class {
                "ControlPlane" => "Control".to_string(),
                "ManagementPlane" => "Management".to_string(),
                _ if v.source == LensSource::GraphPrivilegeLevel => v.class.to_string(),
                _ => v.source.class_label(v.class),
            };
            // The mark stays on the line of the class it qualifies.
            format!(
                "{} {class}{}",
                lens_short(v.source),
                agreement_mark(v.agrees).replace(' ', "\u{a0}")
            )
        })
        .collect();
    if lines.is_empty() {
        "none published".to_string()
    } else {
        lines.join("\n")
    }
}

/// A row's workloads and phases, one workload per line, derived ones marked `*`.
pub fn workloads_cell(r: &Requirement) -> String {
    r.workloads
        .iter()
        .map(|w| {
            let star = if w.documented { "" } else { "*" };
            let phases = if w.phases.is_empty() {
                "no phases stated".to_string()
            } else {
                w.phases
                    .iter()
                    .map(|p| format!("{}{star}", p.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!("{}{star}: {phases}", w.workload)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// True when some workload of `rows` that lists `phase` is stated in the document.
fn phase_documented(catalog: &Catalog, rows: &[usize], phase: Phase) -> bool {
    rows.iter().any(|&i| {
        catalog.requirements[i]
            .workloads
            .iter()
            .any(|w| w.documented && w.phases.contains(&phase))
    })
}

/// The "recovery only" line: the permissions whose rows serve recovery and
/// nothing else, those resting on derived phases marked `*`; "no phases
/// stated" when the document gives no phase for any row (never "none").
pub fn recovery_line(catalog: &Catalog, rows: &[usize]) -> String {
    let with_phases = rows
        .iter()
        .filter(|&&i| !catalog.requirements[i].phases().is_empty())
        .count();
    if with_phases == 0 {
        return "no phases stated: the document gives no phase for any row, so which permissions serve recovery \
                only is not known"
            .to_string();
    }
    let groups = group_by_permission(catalog, rows.iter().copied());
    let only: Vec<String> = groups
        .iter()
        .filter(|g| g.rows.iter().all(|&i| catalog.requirements[i].recovery_only()))
        .map(|g| {
            let star = if phase_documented(catalog, &g.rows, Phase::Recovery) {
                ""
            } else {
                "*"
            };
            format!(
                "{}{star} ({}, {})",
                claim_label(&g.permission),
                catalog.apis[g.api].name,
                g.kind
            )
        })
        .collect();
    let mut out = if only.is_empty() {
        "none".to_string()
    } else {
        only.join(", ")
    };
    if with_phases < rows.len() {
        out.push_str(&format!(
            " (the document states no phase for {} of its {} rows)",
            rows.len() - with_phases,
            rows.len()
        ));
    }
    out
}

/// The source document and who uses each app.
fn document_blocks(catalog: &Catalog, f: &ProductFacts, out: &mut Vec<Block>) {
    let p = &catalog.products[f.product];
    let s = &p.source;
    let mut fields = vec![
        ("Vendor".to_string(), p.vendor.clone()),
        ("Source document".into(), s.title.clone()),
        (
            "Version".into(),
            s.version.clone().unwrap_or_else(|| "not stated".into()),
        ),
        ("Date".into(), s.date.clone().unwrap_or_else(|| "not stated".into())),
        ("File".into(), s.file.clone()),
        (
            "SHA-256".into(),
            s.sha256.clone().unwrap_or_else(|| "not recorded".into()),
        ),
    ];
    if let Some(u) = &s.url {
        fields.push(("URL".into(), u.clone()));
    }
    out.push(Block::Fields(fields));
    if let Some(a) = f.only {
        let others: Vec<&str> = (0..p.apps.len())
            .filter(|&i| i != a)
            .map(|i| p.apps[i].name.as_str())
            .collect();
        let rest = if others.is_empty() {
            String::new()
        } else {
            format!(" The product also installs {}, not covered here.", others.join(", "))
        };
        out.push(Block::Paragraph(format!(
            "App: {} (this report covers this app only: a tenant consents to each app apart).{rest}",
            p.apps[a].name
        )));
    }
    for a in &f.apps {
        let mut fields = vec![("App".to_string(), a.advice.app_name.clone())];
        fields.extend(
            crate::model::describe::app_facts(catalog, f.product, a.advice.app)
                .into_iter()
                .map(|fact| (capitalise(&fact.label), fact.value)),
        );
        out.push(Block::Fields(fields));
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Every outcome: how it is reached and the shortest ways there.
fn power_blocks(catalog: &Catalog, f: &ProductFacts, out: &mut Vec<Block>) {
    out.push(Block::Heading(3, "Effective power".into()));
    out.push(Block::Note(
        "What the whole set of permissions can reach, whichever API it goes through: direct needs nothing of the \
         tenant; conditional needs what the conditions say. Each way lists the permissions it uses."
            .into(),
    ));
    let several = f.apps.len() > 1;
    let rows = f
        .power
        .outcomes
        .iter()
        .map(|o| {
            let mut reached = reached_word(o.reached).to_string();
            if several {
                for a in &f.apps {
                    reached.push_str(&format!(
                        "\n{}: {}",
                        a.advice.app_name,
                        reached_word(a.advice.analysis.reached(&o.outcome))
                    ));
                }
            }
            let ways = if o.reached == Reached::No {
                "—".to_string()
            } else {
                o.paths
                    .iter()
                    .map(|p| {
                        let mut s = format!("• {}", power::steps_label(catalog, p));
                        if !p.conditions.is_empty() {
                            s.push_str(&format!(" — if {}", p.conditions.join("; and if ")));
                        }
                        s
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            vec![power::title(catalog, &o.outcome), reached, ways]
        })
        .collect();
    out.push(Block::Grid(Grid {
        class: "power".into(),
        columns: vec![
            ("Outcome".into(), "outcome".into()),
            ("Reached".into(), "reached".into()),
            ("Shortest ways there".into(), "ways".into()),
        ],
        rows,
    }));
    let explained: Vec<String> = f
        .power
        .outcomes
        .iter()
        .filter(|o| o.reached != Reached::No)
        .filter_map(|o| {
            crate::model::decision::facts::first_path(o)
                .map(|p| format!("{}: {}", power::title(catalog, &o.outcome), p.explanation))
        })
        .collect();
    if !explained.is_empty() {
        out.push(Block::Paragraph("Why, for the first way to each:".into()));
        out.push(Block::List(explained));
    }
}

/// Counts, Critical, tenant-wide write and recovery-only permissions.
fn profile_blocks(catalog: &Catalog, f: &ProductFacts, out: &mut Vec<Block>) {
    out.push(Block::Heading(3, "Risk profile".into()));
    out.push(Block::Fields(vec![
        ("Counts by level".into(), counts_line(&f.profile)),
        ("Critical".into(), NamedPermission::list(&f.profile.critical)),
        (
            "Tenant-wide write".into(),
            NamedPermission::list(&f.profile.tenant_wide_write),
        ),
        (
            "Needed only for recovery (grantable just in time)".into(),
            recovery_line(catalog, &f.rows),
        ),
    ]));
    if f.several_apps(catalog) {
        // Each app is consented to apart: its own profile.
        for a in &f.apps {
            let app = AppRef {
                product: f.product,
                app: a.advice.app,
            };
            let rows: Vec<usize> = app.rows(catalog).collect();
            out.push(Block::Paragraph(format!(
                "Profile of the app {}: {}.",
                a.advice.app_name,
                profile_of_rows(catalog, f.product, &rows).line()
            )));
        }
    }
}

/// Groups of rows asking for one permission: per app when the product has
/// several (a rating depends on the app's context), highest risk first.
fn serious_groups(catalog: &Catalog, f: &ProductFacts) -> Vec<(Vec<usize>, Option<String>)> {
    let mut groups: Vec<(Vec<usize>, Option<String>)> = Vec::new();
    for a in &f.apps {
        let rows = crate::model::advise::app_rows(catalog, f.product, a.advice.app);
        let name = f.several_apps(catalog).then(|| a.advice.app_name.clone());
        for g in group_by_permission(catalog, rows) {
            if catalog.rating(g.rows[0]).level >= RiskLevel::High {
                groups.push((g.rows, name.clone()));
            }
        }
    }
    groups.sort_by_key(|(rows, _)| {
        let r = catalog.rating(rows[0]);
        std::cmp::Reverse((r.level, r.score))
    });
    groups
}

fn serious_blocks(catalog: &Catalog, f: &ProductFacts, out: &mut Vec<Block>) {
    out.push(Block::Heading(3, "Critical and High permissions, with reasons".into()));
    let groups = serious_groups(catalog, f);
    if groups.is_empty() {
        out.push(Block::Paragraph("None.".into()));
        return;
    }
    // A sentence said of several permissions (how an application permission
    // works, who holds its credential) is written once and referred to.
    let mut common: Vec<String> = Vec::new();
    for (rows, _) in &groups {
        for reason in &catalog.rating(rows[0]).reasons {
            let n = groups
                .iter()
                .filter(|(o, _)| catalog.rating(o[0]).reasons.contains(reason))
                .count();
            if n > 1 && !common.contains(reason) {
                common.push(reason.clone());
            }
        }
    }
    let tag = |i: usize| format!("[{}]", (b'A' + (i % 26) as u8) as char);
    if !common.is_empty() {
        out.push(Block::Paragraph(
            "Said of several permissions below, and referred to by its letter:".into(),
        ));
        out.push(Block::List(
            common
                .iter()
                .enumerate()
                .map(|(i, r)| format!("{} {r}", tag(i)))
                .collect(),
        ));
    }
    for (rows, app) in groups {
        let r = &catalog.requirements[rows[0]];
        let rating = catalog.rating(rows[0]);
        let lines: Vec<u32> = rows.iter().map(|&i| catalog.requirements[i].line).collect();
        let asked_by = app.map(|a| format!(" — asked for by {a}")).unwrap_or_default();
        out.push(Block::Paragraph(format!(
            "{} {}{asked_by} — source {}",
            rating.level.badge(),
            permission_label(catalog, r),
            lines_text(&lines)
        )));
        let mut items: Vec<String> = rating.reasons.iter().filter(|x| !common.contains(x)).cloned().collect();
        let shared: Vec<String> = common
            .iter()
            .enumerate()
            .filter(|(_, c)| rating.reasons.contains(c))
            .map(|(i, _)| tag(i))
            .collect();
        if !shared.is_empty() {
            items.push(format!("And {} above.", shared.join(", ")));
        }
        items.extend(
            crate::model::describe::lens_facts(&catalog.apis[r.api].name, r.kind, &r.permission, rating)
                .into_iter()
                .map(|fact| format!("Published by {}: {}", fact.label, fact.value)),
        );
        out.push(Block::List(items));
    }
}

/// Every row of one app, highest risk first.
fn rows_grid(catalog: &Catalog, rows: &[usize]) -> Grid {
    let mut rows = rows.to_vec();
    rows.sort_by_key(|&i| {
        let r = catalog.rating(i);
        (std::cmp::Reverse((r.level, r.score)), catalog.requirements[i].line)
    });
    Grid {
        class: "rows".into(),
        columns: vec![
            ("Risk".into(), "risk".into()),
            ("Published".into(), "lenses".into()),
            ("Permission".into(), "perm".into()),
            ("API".into(), "api".into()),
            ("Type".into(), "type".into()),
            ("Workloads and phases".into(), "workloads".into()),
            ("Line".into(), "line".into()),
        ],
        rows: rows
            .iter()
            .map(|&i| {
                let r = &catalog.requirements[i];
                let level = catalog.rating(i).level;
                vec![
                    level_word(level),
                    lenses_cell(catalog, r, level),
                    claim_label(&r.permission).to_string(),
                    catalog.apis[r.api].short.clone(),
                    crate::model::columns::kind_short(r.kind).to_string(),
                    workloads_cell(r),
                    r.line.to_string(),
                ]
            })
            .collect(),
    }
}

fn rows_blocks(catalog: &Catalog, f: &ProductFacts, out: &mut Vec<Block>) {
    out.push(Block::Heading(3, "Every permission asked for".into()));
    out.push(Block::Note(ROWS_LEGEND.into()));
    for a in &f.apps {
        if f.apps.len() > 1 {
            out.push(Block::Heading(4, format!("App {}", a.advice.app_name)));
        }
        let rows = crate::model::advise::app_rows(catalog, f.product, a.advice.app);
        out.push(Block::Grid(rows_grid(catalog, &rows)));
    }
}

/// The least-privilege set, questions and hardening of one app.
fn advice_blocks(catalog: &Catalog, a: &AppFacts, several: bool, out: &mut Vec<Block>) {
    let of = if several {
        format!(" of {}", a.advice.app_name)
    } else {
        String::new()
    };
    let advice = &a.advice;
    out.push(Block::Heading(3, format!("Least-privilege set{of}")));
    out.push(Block::Paragraph(format!(
        "{}; {}.",
        advice.reduction.summary(),
        reduction_effect(catalog, a)
    )));
    let changes: Vec<String> = advice
        .reduction
        .changes
        .iter()
        .map(|c| {
            let tag = match c.kind {
                ChangeKind::JustInTime => "just in time",
                ChangeKind::CoveredByHeld => "covered",
                ChangeKind::Replaced => "swapped",
                ChangeKind::NoClaim => "no permission named",
            };
            format!("{tag}: {}", c.reason)
        })
        .collect();
    out.push(Block::List(changes));
    if !advice.reduction.keys.is_empty() {
        out.push(Block::Grid(Grid {
            class: "keys".into(),
            columns: vec![
                ("Permission to grant".into(), "perm".into()),
                ("API".into(), "api".into()),
                ("Type".into(), "type".into()),
            ],
            rows: advice
                .reduction
                .keys
                .iter()
                .map(|k| {
                    vec![
                        claim_label(&k.name).to_string(),
                        catalog.apis[k.api].short.clone(),
                        crate::model::columns::kind_short(k.kind).to_string(),
                    ]
                })
                .collect(),
        }));
    }
    out.push(Block::Heading(3, format!("Questions for the vendor{of}")));
    if advice.questions.is_empty() {
        out.push(Block::Paragraph("None.".into()));
    }
    out.push(Block::Ordered(
        advice
            .questions
            .iter()
            .map(|q| format!("{} Because: {} ({}).", q.question, q.because, lines_text(&q.lines)))
            .collect(),
    ));
    out.push(Block::Heading(3, format!("Hardening after consent{of}")));
    if advice.hardening.is_empty() {
        out.push(Block::Paragraph("None.".into()));
    }
    out.push(Block::Ordered(
        advice
            .hardening
            .iter()
            .map(|h| format!("{} Why: {} Source: {}.", h.step, h.why, h.source))
            .collect(),
    ));
}

fn quirk_blocks(catalog: &Catalog, f: &ProductFacts, out: &mut Vec<Block>) {
    let p = &catalog.products[f.product];
    let mut quirks: Vec<String> = p.notes.clone();
    for (i, a) in p.apps.iter().enumerate() {
        if f.only.is_none_or(|o| o == i) {
            quirks.extend(a.notes.iter().map(|n| format!("{}: {n}", a.name)));
        }
    }
    out.push(Block::Heading(3, "Quirks found in the document".into()));
    if quirks.is_empty() {
        out.push(Block::Paragraph("None noted.".into()));
    } else {
        out.push(Block::List(quirks));
    }
}

/// The product's whole section, on a new page when printed.
pub fn product_section(catalog: &Catalog, f: &ProductFacts) -> Vec<Block> {
    let mut out = vec![Block::PageBreak, Block::Heading(2, product_title(catalog, f))];
    document_blocks(catalog, f, &mut out);
    power_blocks(catalog, f, &mut out);
    profile_blocks(catalog, f, &mut out);
    serious_blocks(catalog, f, &mut out);
    rows_blocks(catalog, f, &mut out);
    let several = f.apps.len() > 1;
    for a in &f.apps {
        advice_blocks(catalog, a, several, &mut out);
    }
    quirk_blocks(catalog, f, &mut out);
    out
}
