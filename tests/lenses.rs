//! Published classifications beside permscope's ratings ("lenses").
//!
//! Always run (embedded data only): the bundled `data/lenses.json` and
//! `data/lens-kinds.json` load; lookups are keyed on resource, kind and name; the
//! agreement of a class with our level follows the README's ranges; files that do
//! not fit are refused with file:line:column and field; every kind of disagreement
//! names real permissions and explains only disagreements in its direction.
//!
//! With `../shared/reference` (skipped loudly without it): every class of every
//! source on the four resources is in the bundled data and nothing else is
//! (read here independently of the generator), and the generator writes exactly
//! the bundled bytes. Counts per source are printed (`--nocapture`).

mod common;

#[path = "../examples/refresh_lenses.rs"]
#[allow(dead_code)]
mod refresh;

use permscope::model::lens::{Agreement, Lens, LensKinds, LensSource, Lenses, lens_verdicts, lenses_for};
use permscope::model::level::RiskLevel;
use permscope::model::permission::PermissionKind;
use permscope::model::risk::RiskBook;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const GRAPH: &str = "Microsoft Graph";
const EXCHANGE: &str = "Office 365 Exchange Online";
const SHAREPOINT: &str = "Office 365 SharePoint Online";
const DEVOPS: &str = "Azure DevOps";

use PermissionKind::{Application, Delegated};
use RiskLevel::{Critical, High, Low, Medium, Unknown};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn reference_dir() -> Option<PathBuf> {
    let dir = manifest_dir().join("../shared/reference");
    if dir.is_dir() {
        Some(dir)
    } else {
        common::skip(format_args!(
            "../shared/reference not found (looked in {}); the published classifications are only present in the development workspace",
            dir.display()
        ));
        None
    }
}

fn classes_of(lenses: &[Lens]) -> Vec<(LensSource, &str)> {
    lenses.iter().map(|l| (l.source, l.class.as_str())).collect()
}

// ---------------------------------------------------------------------------
// Embedded data only.

#[test]
fn bundled_lenses_load_and_name_their_sources() {
    let lenses = Lenses::bundled();
    let ids: Vec<LensSource> = lenses.sources().iter().map(|s| s.id).collect();
    assert_eq!(ids, LensSource::ALL, "every source listed once, in order");
    let mut counts: BTreeMap<LensSource, usize> = BTreeMap::new();
    for entry in lenses.iter() {
        for lens in &entry.lenses {
            *counts.entry(lens.source).or_default() += 1;
        }
    }
    eprintln!("data/lenses.json: {} permissions", lenses.len());
    for source in lenses.sources() {
        eprintln!(
            "  {:<22} {:>5} lenses  ({} {}, {}, taken {} [{:?}])",
            source.id.id(),
            source.lenses,
            source.repository,
            source.path,
            source.licence,
            source.taken,
            source.taken_from
        );
        assert_eq!(counts.get(&source.id).copied().unwrap_or(0), source.lenses);
        assert!(source.lenses > 0, "{} gives no lens", source.id);
        assert!(source.repository.contains('/') && !source.path.is_empty() && !source.licence.is_empty());
        let date = source.taken.as_bytes();
        assert!(
            date.len() == 10 && date[4] == b'-' && date[7] == b'-',
            "{}: taken {:?} is not YYYY-MM-DD",
            source.id,
            source.taken
        );
    }
    // Only the four resources permscope covers, spelt as data/apis.json spells them.
    let apis: BTreeSet<&str> = lenses.iter().map(|e| e.api.as_str()).collect();
    assert_eq!(apis, BTreeSet::from([GRAPH, EXCHANGE, SHAREPOINT, DEVOPS]));
}

#[test]
fn lookups_are_keyed_on_resource_kind_and_name() {
    // Graph's Mail.Read and Exchange's Mail.Read are different permissions, and
    // AzurePrivilegedIAM classes them differently.
    let graph = lenses_for(GRAPH, Application, "Mail.Read");
    let exchange = lenses_for(EXCHANGE, Application, "Mail.Read");
    assert!(classes_of(&graph).contains(&(LensSource::AzurePrivilegedIam, "ManagementPlane")));
    assert!(classes_of(&exchange).contains(&(LensSource::AzurePrivilegedIam, "UserAccess")));
    // Only Graph has a privilegeLevel.
    assert!(graph.iter().any(|l| l.source == LensSource::GraphPrivilegeLevel));
    assert!(!exchange.iter().any(|l| l.source == LensSource::GraphPrivilegeLevel));
    // The consent table matched Mail.Read through its `Mail` row.
    let consent = graph
        .iter()
        .find(|l| l.source == LensSource::ConsentTable)
        .expect("consent lens");
    assert_eq!(
        (consent.class.as_str(), consent.prefix.as_deref()),
        ("High", Some("Mail"))
    );
    // Application and delegated differ.
    let delegated = lenses_for(GRAPH, Delegated, "Mail.Read");
    assert_ne!(graph, delegated);
    // The resource is compared ignoring case and spaces; the claim is not.
    assert_eq!(lenses_for(" microsoft graph ", Application, "Mail.Read"), graph);
    assert!(lenses_for(GRAPH, Application, "mail.read").is_empty());
    assert!(lenses_for(GRAPH, Application, "No.Such.Permission").is_empty());
    assert!(lenses_for("Some Other API", Application, "Mail.Read").is_empty());
    assert!(lenses_for(GRAPH, Application, "").is_empty());
    // Sources are listed in a fixed order.
    for entry in Lenses::bundled().iter() {
        let order: Vec<LensSource> = entry.lenses.iter().map(|l| l.source).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted, "{} {}", entry.api, entry.permission);
    }
}

#[test]
fn takeover_permissions_are_control_plane_in_both_tier_models() {
    let lenses = lenses_for(GRAPH, Application, "RoleManagement.ReadWrite.Directory");
    let classes = classes_of(&lenses);
    assert!(
        classes.contains(&(LensSource::AzurePrivilegedIam, "ControlPlane")),
        "{classes:?}"
    );
    assert!(classes.contains(&(LensSource::EntraOps, "ControlPlane")), "{classes:?}");
    let tier = lenses
        .iter()
        .find(|l| l.source == LensSource::AzurePrivilegedIam)
        .unwrap();
    assert!(!tier.category.is_empty(), "AzurePrivilegedIAM gives a category");
    assert_eq!(tier.label(), "Control plane");
}

/// The README's ranges, written out level by level: which of our levels agree.
fn readme_range(source: LensSource, class: &str) -> &'static [RiskLevel] {
    match (source, class) {
        (LensSource::AzurePrivilegedIam | LensSource::EntraOps, "ControlPlane") => &[High, Critical],
        (LensSource::AzurePrivilegedIam | LensSource::EntraOps, "ManagementPlane") => &[Medium, High],
        (LensSource::AzurePrivilegedIam | LensSource::EntraOps, "UserAccess") => &[Low, Medium],
        (LensSource::GraphPrivilegeLevel, "1") => &[Low],
        (LensSource::GraphPrivilegeLevel, "2") => &[Low, Medium],
        (LensSource::GraphPrivilegeLevel, "3") => &[Medium, High],
        (LensSource::GraphPrivilegeLevel, "4") => &[High, Critical],
        // Microsoft: 1 least to 5 most privileged; 5 sits above 4.
        (LensSource::GraphPrivilegeLevel, "5") => &[Critical],
        (LensSource::ConsentTable, "High") => &[High, Critical],
        (LensSource::ConsentTable, "Medium") => &[Medium],
        (LensSource::ConsentTable, "Low") => &[Low],
        _ => panic!("no README range for {source} {class}"),
    }
}

fn lens(source: LensSource, class: &str) -> Lens {
    Lens {
        source,
        class: class.to_string(),
        category: Vec::new(),
        prefix: None,
    }
}

#[test]
fn agreement_follows_the_readme_ranges() {
    for source in LensSource::ALL {
        for &class in source.classes() {
            let range = readme_range(source, class);
            let l = lens(source, class);
            for level in [Low, Medium, High, Critical] {
                let expected = if range.contains(&level) {
                    Agreement::Agrees
                } else if level < range[0] {
                    Agreement::WeRateLower
                } else {
                    Agreement::WeRateHigher
                };
                assert_eq!(l.agrees(level), Some(expected), "{source} {class} vs {level}");
            }
            assert_eq!(l.agrees(Unknown), None, "an unknown level is not compared");
        }
    }
    // A few spelt out, as a reviewer would read them.
    assert_eq!(
        lens(LensSource::EntraOps, "ControlPlane").agrees(Medium),
        Some(Agreement::WeRateLower)
    );
    assert_eq!(
        lens(LensSource::AzurePrivilegedIam, "UserAccess").agrees(High),
        Some(Agreement::WeRateHigher)
    );
    assert_eq!(
        lens(LensSource::GraphPrivilegeLevel, "4").agrees(Critical),
        Some(Agreement::Agrees)
    );
    assert_eq!(
        lens(LensSource::GraphPrivilegeLevel, "5").agrees(High),
        Some(Agreement::WeRateLower)
    );
    assert_eq!(
        lens(LensSource::GraphPrivilegeLevel, "1").agrees(Medium),
        Some(Agreement::WeRateHigher)
    );
    assert_eq!(
        lens(LensSource::ConsentTable, "Medium").agrees(Low),
        Some(Agreement::WeRateLower)
    );
    assert_eq!(
        lens(LensSource::ConsentTable, "Low").agrees(Medium),
        Some(Agreement::WeRateHigher)
    );
}

#[test]
fn verdict_json_has_the_printed_shape() {
    let l = lens(LensSource::EntraOps, "ControlPlane");
    assert_eq!(
        l.to_json(Medium),
        json!({"source": "entraops", "class": "ControlPlane", "agrees": "lower"})
    );
    assert_eq!(
        serde_json::to_value(l.verdict(Critical)).unwrap(),
        json!({"source": "entraops", "class": "ControlPlane", "agrees": "agrees"})
    );
    assert_eq!(
        lens(LensSource::GraphPrivilegeLevel, "2").to_json(High),
        json!({"source": "graph-privilege-level", "class": "2", "agrees": "higher"})
    );
    assert_eq!(
        lens(LensSource::ConsentTable, "High").to_json(Unknown),
        json!({"source": "consent-table", "class": "High", "agrees": null})
    );
    // With a kind: the kind's id and sentence follow. Application.ReadWrite.All is
    // control plane in AzurePrivilegedIAM; rated medium as a delegated permission,
    // that is the delegated kind of disagreement.
    let verdicts = lens_verdicts(GRAPH, Delegated, "Application.ReadWrite.All", Medium);
    let tier = verdicts
        .iter()
        .find(|v| v.source == LensSource::AzurePrivilegedIam)
        .expect("Application.ReadWrite.All has an AzurePrivilegedIAM tier");
    let value = serde_json::to_value(tier).unwrap();
    assert_eq!(
        (&value["source"], &value["class"], &value["agrees"], &value["kind"]),
        (
            &json!("azure-privileged-iam"),
            &json!("ControlPlane"),
            &json!("lower"),
            &json!("delegated")
        )
    );
    assert!(
        value["why"]
            .as_str()
            .is_some_and(|s| s.starts_with("A delegated grant"))
    );
    // Agreeing lenses carry no kind.
    for v in lens_verdicts(GRAPH, Delegated, "Application.ReadWrite.All", High) {
        let value = serde_json::to_value(&v).unwrap();
        if v.agrees == Some(Agreement::Agrees) {
            assert_eq!(value.as_object().unwrap().len(), 3, "{value}");
        }
    }
}

/// A small lenses file, with `lens` as the one lens of its one permission.
fn one_lens_file(lens: &str) -> String {
    format!(
        r#"{{
  "version": 1,
  "sources": [
    {{"id": "entraops", "title": "t", "repository": "o/n", "path": "p", "licence": "MIT", "taken": "2026-01-01", "taken_from": "file modification date", "reading": "r", "lenses": 1}}
  ],
  "permissions": [
    {{"api": "Microsoft Graph", "type": "application", "permission": "X.Read.All", "lenses": [{lens}]}}
  ]
}}"#
    )
}

#[test]
fn files_that_do_not_fit_are_refused_with_their_place() {
    let good = one_lens_file(r#"{"source": "entraops", "class": "UserAccess"}"#);
    let parsed = Lenses::from_json(&good, "mine.json").expect("a small valid file loads");
    assert_eq!(
        classes_of(parsed.get(GRAPH, Application, "X.Read.All")),
        [(LensSource::EntraOps, "UserAccess")]
    );

    let bad_class = one_lens_file(r#"{"source": "entraops", "class": "High"}"#);
    let e = Lenses::from_json(&bad_class, "mine.json").unwrap_err();
    assert_eq!((e.line, e.column), (Some(7), Some(94)), "{e}");
    assert_eq!(e.field.as_deref(), Some("permissions[0].lenses[0]"));
    assert!(
        e.to_string()
            .starts_with("mine.json:7:94: field `permissions[0].lenses[0]`: entraops does not use the class \"High\""),
        "{e}"
    );

    let e = Lenses::from_json(&one_lens_file(r#"{"source": "someone", "class": "High"}"#), "mine.json").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("permissions[0].lenses[0].source"), "{e}");
    assert_eq!(e.line, Some(7), "{e}");

    let e = Lenses::from_json(
        &one_lens_file(r#"{"source": "entraops", "class": "UserAccess", "colour": 1}"#),
        "m",
    )
    .unwrap_err();
    assert!(e.message.contains("unknown field `colour`"), "{e}");

    // A lens from a source the file does not list.
    let e = Lenses::from_json(&one_lens_file(r#"{"source": "consent-table", "class": "High"}"#), "m").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("permissions[0].lenses[0].source"), "{e}");
    assert_eq!(e.line, Some(7), "{e}");

    // The same permission twice.
    let twice = good.replace(
        "\n  ]\n}",
        ",\n    {\"api\": \"microsoft graph\", \"type\": \"application\", \"permission\": \"X.Read.All\", \"lenses\": [{\"source\": \"entraops\", \"class\": \"UserAccess\"}]}\n  ]\n}",
    );
    let e = Lenses::from_json(&twice, "m").unwrap_err();
    assert_eq!(
        (e.field.as_deref(), e.line),
        (Some("permissions[1].permission"), Some(8)),
        "{e}"
    );

    // A count that does not add up.
    let e = Lenses::from_json(&good.replace("\"lenses\": 1", "\"lenses\": 2"), "m").unwrap_err();
    assert_eq!(
        (e.field.as_deref(), e.line),
        (Some("sources[0].lenses"), Some(4)),
        "{e}"
    );

    let e = Lenses::from_json(&good.replace("\"version\": 1", "\"version\": 2"), "m").unwrap_err();
    assert!(e.message.contains("version 2"), "{e}");

    let e = Lenses::from_json(&good.replace("X.Read.All", "X.Read\u{202e}.All"), "m").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("permissions[0].permission"), "{e}");
    assert!(
        !e.to_string().contains('\u{202e}'),
        "the message itself is safe to print: {e}"
    );

    let e = Lenses::from_json("{\"version\": 1,", "m").unwrap_err();
    assert_eq!(e.line, Some(1), "{e}");
}

// ---------------------------------------------------------------------------
// Kinds of disagreement.

#[test]
fn bundled_kinds_load_and_every_pattern_names_a_real_permission() {
    let kinds = LensKinds::bundled();
    assert!(!kinds.kinds().is_empty());
    let names: BTreeSet<&str> = Lenses::bundled().iter().map(|e| e.permission.as_str()).collect();
    for kind in kinds.kinds() {
        assert!(kind.why.ends_with('.'), "{}: the reason is a sentence", kind.id);
        assert_ne!(kind.direction, Agreement::Agrees, "{}", kind.id);
        for pattern in kind.names() {
            let probe = LensKinds::from_json(
                &format!(
                    r#"{{"version": 1, "kinds": [{{"id": "probe", "direction": "lower", "title": "t", "match": {{"names": [{}]}}, "why": "w."}}]}}"#,
                    serde_json::to_string(pattern).unwrap()
                ),
                "probe",
            )
            .unwrap();
            let probe = &probe.kinds()[0];
            assert!(
                names.iter().any(|n| probe.names_match(n)),
                "{}: pattern {pattern:?} matches no permission any source classifies",
                kind.id
            );
        }
    }
}

/// The first lens of `source` on a permission, from the embedded data.
fn bundled_lens(api: &str, kind: PermissionKind, name: &str, source: LensSource) -> Lens {
    lenses_for(api, kind, name)
        .into_iter()
        .find(|l| l.source == source)
        .unwrap_or_else(|| panic!("{name} ({kind}, {api}) has no {source} lens"))
}

/// The level that disagrees with `lens` in `direction` (just outside its range).
fn level_outside(lens: &Lens, direction: Agreement) -> RiskLevel {
    let range = lens.accepted();
    let level = match direction {
        Agreement::WeRateLower => RiskLevel::ALL.into_iter().rfind(|l| *l > Unknown && *l < range[0]),
        Agreement::WeRateHigher => RiskLevel::ALL.into_iter().find(|l| l > range.last().unwrap()),
        Agreement::Agrees => Some(range[0]),
    };
    level.unwrap_or_else(|| panic!("no level {direction} than {} {}", lens.source, lens.class))
}

#[test]
fn kinds_explain_disagreements_in_their_direction_only() {
    let kinds = LensKinds::bundled();
    // (api, kind, permission, source, direction, expected kind). Levels are chosen
    // just outside the lens's range, so this does not depend on data/risk.json.
    let cases = [
        (
            GRAPH,
            Delegated,
            "Application.ReadWrite.All",
            LensSource::AzurePrivilegedIam,
            Agreement::WeRateLower,
            "delegated",
        ),
        (
            GRAPH,
            Application,
            "Policy.Read.All",
            LensSource::AzurePrivilegedIam,
            Agreement::WeRateLower,
            "reads-security-configuration",
        ),
        (
            GRAPH,
            Application,
            "Files.ReadWrite.AppFolder",
            LensSource::ConsentTable,
            Agreement::WeRateLower,
            "narrow-reach",
        ),
        (
            GRAPH,
            Application,
            "CallRecords.Read.All",
            LensSource::ConsentTable,
            Agreement::WeRateLower,
            "metadata-not-content",
        ),
        (
            GRAPH,
            Application,
            "Mail.ReadWrite",
            LensSource::GraphPrivilegeLevel,
            Agreement::WeRateHigher,
            "destroys-workload-data",
        ),
        (
            GRAPH,
            Delegated,
            "Files.ReadWrite",
            LensSource::GraphPrivilegeLevel,
            Agreement::WeRateHigher,
            "delegated-write-own-content",
        ),
        (
            EXCHANGE,
            Application,
            "Mail.Read",
            LensSource::AzurePrivilegedIam,
            Agreement::WeRateHigher,
            "content-not-privilege",
        ),
        (
            DEVOPS,
            Delegated,
            "vso.code_write",
            LensSource::AzurePrivilegedIam,
            Agreement::WeRateHigher,
            "software-supply-chain",
        ),
    ];
    for (api, kind, name, source, direction, expected) in cases {
        let lens = bundled_lens(api, kind, name, source);
        let level = level_outside(&lens, direction);
        assert_eq!(lens.agrees(level), Some(direction));
        let found = kinds.explain(api, kind, name, &lens, level).map(|k| k.id.as_str());
        assert_eq!(
            found,
            Some(expected),
            "{name} ({kind}, {api}) vs {source} {} at {level}",
            lens.class
        );
        // Agreeing, or disagreeing the other way, is never explained by that kind.
        let agreeing = level_outside(&lens, Agreement::Agrees);
        assert_eq!(kinds.explain(api, kind, name, &lens, agreeing), None);
        let other = match direction {
            Agreement::WeRateLower => Agreement::WeRateHigher,
            _ => Agreement::WeRateLower,
        };
        let range = lens.accepted();
        let possible = match other {
            Agreement::WeRateLower => range[0] > Low,
            _ => *range.last().unwrap() < Critical,
        };
        if possible {
            let level = level_outside(&lens, other);
            assert_ne!(
                kinds.explain(api, kind, name, &lens, level).map(|k| k.id.as_str()),
                Some(expected)
            );
        }
        assert_eq!(kinds.explain(api, kind, name, &lens, Unknown), None);
    }
}

#[test]
fn kinds_files_that_do_not_fit_are_refused() {
    let file = |kind: &str| format!("{{\n  \"version\": 1,\n  \"kinds\": [\n    {kind}\n  ]\n}}");
    let ok = r#"{"id": "a", "direction": "lower", "title": "t", "match": {"types": ["delegated"]}, "why": "w."}"#;
    assert!(LensKinds::from_json(&file(ok), "k").is_ok());
    let e = LensKinds::from_json(&file(&ok.replace("\"a\"", "\"A b\"")), "k").unwrap_err();
    assert_eq!((e.field.as_deref(), e.line), (Some("kinds[0].id"), Some(4)), "{e}");
    let e = LensKinds::from_json(&file(&ok.replace("lower", "sideways")), "k").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("kinds[0].direction"), "{e}");
    let e = LensKinds::from_json(&file(&format!("{ok},\n    {ok}")), "k").unwrap_err();
    assert_eq!(
        (
            e.field.as_deref().unwrap_or(""),
            e.line.unwrap_or(0),
            e.message.as_str()
        ),
        ("kinds[1].id", 5, "a is used twice"),
        "{e}"
    );
    let bad_class = ok.replace(
        r#"{"types": ["delegated"]}"#,
        r#"{"sources": ["consent-table"], "classes": ["ControlPlane"]}"#,
    );
    let e = LensKinds::from_json(&file(&bad_class), "k").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("kinds[0].match.classes[0]"), "{e}");
    let e = LensKinds::from_json(&file(&ok.replace("types", "typos")), "k").unwrap_err();
    assert!(e.message.contains("unknown field `typos`"), "{e}");
}

/// Prints how today's ratings compare with each source, and which kinds explain
/// the disagreements. Informative only: ratings change; the mechanism is what the
/// other tests hold.
#[test]
fn disagreements_by_kind_with_todays_ratings() {
    let book = RiskBook::bundled();
    let kinds = LensKinds::bundled();
    let mut table: BTreeMap<(LensSource, Agreement), BTreeMap<String, usize>> = BTreeMap::new();
    let mut unexplained: BTreeMap<(LensSource, Agreement), Vec<String>> = BTreeMap::new();
    let mut explained: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for entry in Lenses::bundled().iter() {
        let level = book.rate(&entry.api, entry.kind, &entry.permission).level;
        for lens in &entry.lenses {
            let Some(agreement) = lens.agrees(level) else {
                continue;
            };
            let found = kinds.explain(&entry.api, entry.kind, &entry.permission, lens, level);
            if let Some(kind) = found {
                assert_eq!(kind.direction, agreement, "{} explained against its direction", kind.id);
                explained.entry(kind.id.as_str()).or_default().push(format!(
                    "{} ({}, {}) {} vs {} {}",
                    entry.permission,
                    entry.kind,
                    entry.api,
                    level.badge(),
                    lens.source,
                    lens.class
                ));
            }
            let label = match (agreement, found) {
                (Agreement::Agrees, _) => "agrees".to_string(),
                (_, Some(kind)) => kind.id.clone(),
                (_, None) => {
                    unexplained.entry((lens.source, agreement)).or_default().push(format!(
                        "{} ({}, {}) {} vs {}",
                        entry.permission,
                        entry.kind,
                        entry.api,
                        level.badge(),
                        lens.class
                    ));
                    "(no kind)".to_string()
                }
            };
            *table
                .entry((lens.source, agreement))
                .or_default()
                .entry(label)
                .or_default() += 1;
        }
    }
    let mut out = String::from("\nLenses against today's ratings\n");
    for ((source, agreement), labels) in &table {
        let total: usize = labels.values().sum();
        out.push_str(&format!("  {source} {agreement}: {total}\n"));
        if *agreement != Agreement::Agrees {
            for (label, n) in labels {
                out.push_str(&format!("      {n:>5}  {label}\n"));
            }
        }
    }
    for ((source, agreement), items) in &unexplained {
        let shown: Vec<&str> = items.iter().take(8).map(String::as_str).collect();
        out.push_str(&format!(
            "  no kind, {source} {agreement} ({}): {}{}\n",
            items.len(),
            shown.join("; "),
            if items.len() > shown.len() { "; ..." } else { "" }
        ));
    }
    // LENS_KINDS_ALL=1 lists every disagreement each kind explains, to read its
    // sentence against each of them.
    if std::env::var_os("LENS_KINDS_ALL").is_some() {
        for (kind, items) in &explained {
            out.push_str(&format!("  {kind} ({}):\n", items.len()));
            for item in items {
                out.push_str(&format!("      {item}\n"));
            }
        }
    }
    println!("{out}");
}

// ---------------------------------------------------------------------------
// Against the reference folder.

#[test]
fn the_generator_writes_the_bundled_file() {
    let Some(reference) = reference_dir() else {
        return;
    };
    let generated = refresh::generate(&reference, manifest_dir()).expect("the generator runs");
    let bundled = fs::read_to_string(manifest_dir().join("data/lenses.json")).expect("data/lenses.json");
    assert!(
        generated.json == bundled,
        "data/lenses.json is stale: run `cargo run --example refresh_lenses -- ../shared/reference`"
    );
    let again = refresh::generate(&reference, manifest_dir()).expect("the generator runs again");
    assert_eq!(again.json, generated.json, "two runs write the same bytes");
    for note in &generated.notes {
        eprintln!("note: {note}");
    }
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn api_by_app_id(app_id: &str) -> Option<&'static str> {
    match app_id.to_ascii_lowercase().as_str() {
        "00000003-0000-0000-c000-000000000000" => Some(GRAPH),
        "00000002-0000-0ff1-ce00-000000000000" => Some(EXCHANGE),
        "00000003-0000-0ff1-ce00-000000000000" => Some(SHAREPOINT),
        "499b84ac-1321-427f-aa17-267ca6975798" => Some(DEVOPS),
        _ => None,
    }
}

/// One class one source gives one permission, with its category and prefix.
type Fact = (
    LensSource,
    String,
    String,
    PermissionKind,
    String,
    Vec<String>,
    Option<String>,
);

/// A lens as a key: source, resource, kind, permission, class.
type FactKey = (LensSource, String, PermissionKind, String, String);

fn fact(source: LensSource, api: &str, kind: PermissionKind, name: &str, class: &str) -> Fact {
    (
        source,
        api.to_string(),
        name.trim().to_string(),
        kind,
        class.to_string(),
        Vec::new(),
        None,
    )
}

fn kind_of(text: &str) -> PermissionKind {
    match text {
        "Application" => Application,
        "Delegated" => Delegated,
        other => panic!("unknown permission type {other:?}"),
    }
}

fn azure_privileged_iam(reference: &Path) -> Vec<Fact> {
    let doc = read_json(&reference.join("risk/AzurePrivilegedIAM_Classification_ApiPermissions.json"));
    let mut out = Vec::new();
    let mut outside = 0;
    for row in doc.as_array().expect("an array") {
        let Some(api) = api_by_app_id(row["TargetAppId"].as_str().unwrap_or("")) else {
            outside += 1;
            continue;
        };
        let mut f = fact(
            LensSource::AzurePrivilegedIam,
            api,
            kind_of(row["PermissionType"].as_str().unwrap()),
            row["PermissionValue"].as_str().unwrap(),
            row["EAMTierLevelName"].as_str().unwrap(),
        );
        f.5 = match &row["Category"] {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items.iter().map(|c| c.as_str().unwrap().to_string()).collect(),
            other => panic!("Category {other}"),
        };
        out.push(f);
    }
    eprintln!(
        "AzurePrivilegedIAM: {} rows on the four resources, {outside} on other resources",
        out.len()
    );
    out
}

fn entraops(reference: &Path) -> Vec<Fact> {
    let doc = read_json(&reference.join("risk/EntraOps_Classification_AppRoles_template.json"));
    let mut out = Vec::new();
    for tier in doc.as_array().expect("an array") {
        let class = tier["EAMTierLevelName"].as_str().unwrap();
        for def in tier["TierLevelDefinition"].as_array().unwrap() {
            let Some(api) = api_by_app_id(def["ResourceAppId"].as_str().unwrap()) else {
                continue;
            };
            let kinds: &[PermissionKind] = match def["ResourceScope"].as_str() {
                Some("Application") => &[Application],
                Some("Delegation") => &[Delegated],
                Some("All") => &[Application, Delegated],
                other => panic!("ResourceScope {other:?}"),
            };
            for action in def["RoleDefinitionActions"].as_array().unwrap() {
                for &kind in kinds {
                    let mut f = fact(LensSource::EntraOps, api, kind, action.as_str().unwrap(), class);
                    f.5 = vec![def["Service"].as_str().unwrap().to_string()];
                    out.push(f);
                }
            }
        }
    }
    out
}

fn privilege_levels(reference: &Path) -> Vec<Fact> {
    let doc = read_json(&reference.join("graph/msgraph-devx-content_permissions.json"));
    let mut out = Vec::new();
    for (name, perm) in doc["permissions"].as_object().expect("permissions") {
        for (scheme, kind) in [("Application", Application), ("DelegatedWork", Delegated)] {
            if let Some(level) = perm["schemes"][scheme]["privilegeLevel"].as_u64() {
                out.push(fact(
                    LensSource::GraphPrivilegeLevel,
                    GRAPH,
                    kind,
                    name,
                    &level.to_string(),
                ));
            }
        }
    }
    out
}

/// Every permission of the reference catalogs: Graph app roles and scopes, and the
/// Markdown tables of Exchange Online, SharePoint Online and Azure DevOps.
fn catalog(reference: &Path) -> BTreeSet<(String, PermissionKind, String)> {
    let mut perms = BTreeSet::new();
    for (file, kind) in [
        ("graph/merill-microsoft-info_GraphAppRoles.json", Application),
        ("graph/merill-microsoft-info_GraphDelegateRoles.json", Delegated),
    ] {
        for item in read_json(&reference.join(file)).as_array().unwrap() {
            if let Some(v) = item["Value"].as_str().filter(|v| !v.trim().is_empty()) {
                perms.insert((GRAPH.to_string(), kind, v.trim().to_string()));
            }
        }
    }
    for (file, api) in [
        (
            "exchange-sharepoint-devops/first-party_Office365ExchangeOnline.md",
            EXCHANGE,
        ),
        (
            "exchange-sharepoint-devops/first-party_Office365SharePointOnline.md",
            SHAREPOINT,
        ),
        ("exchange-sharepoint-devops/first-party_AzureDevOps.md", DEVOPS),
    ] {
        let text = fs::read_to_string(reference.join(file)).unwrap();
        let mut kind = None;
        for line in text.lines().map(str::trim) {
            if line.starts_with("## ") {
                kind = match line {
                    "## Application Permissions" => Some(Application),
                    "## Delegated Permissions" => Some(Delegated),
                    _ => None,
                };
                continue;
            }
            if let (Some(kind), Some(row)) = (kind, line.strip_prefix('|')) {
                let name = row.split('|').next().unwrap().trim();
                if !name.is_empty() && name != "Role" && !name.starts_with("---") {
                    perms.insert((api.to_string(), kind, name.to_string()));
                }
            }
        }
    }
    perms
}

/// The consent table over the catalog: exact name first, else a row naming only
/// the part before the first dot.
fn consent_table(reference: &Path, catalog: &BTreeSet<(String, PermissionKind, String)>) -> Vec<Fact> {
    let text = fs::read_to_string(reference.join("risk/MSIdentityTools_aadconsentgrantpermissiontable.csv")).unwrap();
    let rows: Vec<(PermissionKind, &str, &str)> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (kind_of(cells[0]), cells[1].trim(), cells[2].trim())
        })
        .collect();
    let mut out = Vec::new();
    for (api, kind, name) in catalog {
        let exact = rows.iter().find(|(k, n, _)| k == kind && n == name);
        let first = name.split('.').next().unwrap();
        let by_prefix = rows
            .iter()
            .find(|(k, n, _)| k == kind && !n.contains('.') && *n == first && n != name);
        if let Some((_, row, class)) = exact.or(by_prefix) {
            let mut f = fact(LensSource::ConsentTable, api, *kind, name, class);
            if exact.is_none() {
                f.6 = Some(row.to_string());
            }
            out.push(f);
        }
    }
    out
}

#[test]
fn bundled_lenses_are_what_the_reference_says() {
    let Some(reference) = reference_dir() else {
        return;
    };
    let catalog = catalog(&reference);
    let mut expected: BTreeMap<FactKey, (Vec<String>, Option<String>)> = BTreeMap::new();
    for (source, api, name, kind, class, category, prefix) in azure_privileged_iam(&reference)
        .into_iter()
        .chain(entraops(&reference))
        .chain(privilege_levels(&reference))
        .chain(consent_table(&reference, &catalog))
    {
        let entry = expected.entry((source, api, kind, name, class)).or_default();
        for c in category {
            if !entry.0.contains(&c) {
                entry.0.push(c);
            }
        }
        entry.1 = entry.1.take().or(prefix);
    }
    let mut bundled = BTreeMap::new();
    for e in Lenses::bundled().iter() {
        for l in &e.lenses {
            bundled.insert(
                (l.source, e.api.clone(), e.kind, e.permission.clone(), l.class.clone()),
                (l.category.clone(), l.prefix.clone()),
            );
        }
    }
    let missing: Vec<_> = expected.keys().filter(|k| !bundled.contains_key(*k)).take(20).collect();
    let extra: Vec<_> = bundled.keys().filter(|k| !expected.contains_key(*k)).take(20).collect();
    assert!(
        missing.is_empty(),
        "in the reference, not in data/lenses.json: {missing:?}"
    );
    assert!(extra.is_empty(), "in data/lenses.json, not in the reference: {extra:?}");
    for (key, value) in &expected {
        assert_eq!(&bundled[key], value, "category or prefix of {key:?}");
    }
    let mut per_source: BTreeMap<LensSource, (usize, usize)> = BTreeMap::new();
    for (source, api, kind, name, _) in expected.keys() {
        let counts = per_source.entry(*source).or_default();
        counts.0 += 1;
        if !catalog.contains(&(api.clone(), *kind, name.clone())) {
            counts.1 += 1;
        }
    }
    eprintln!("lenses per source (matching the reference exactly):");
    for (source, (n, unknown)) in &per_source {
        eprintln!(
            "  {:<22} {n:>5}  ({unknown} on names the reference catalogs do not list)",
            source.id()
        );
        assert_eq!(Lenses::bundled().source(*source).map(|s| s.lenses), Some(*n));
    }
    // The consent table's Reason column is not carried.
    let text = fs::read_to_string(manifest_dir().join("data/lenses.json")).unwrap();
    for reason in ["Phishing", "BroadImpact", "DataExfiltration", "Common pattern"] {
        assert!(
            !text.contains(reason),
            "data/lenses.json carries the consent table's reason {reason:?}"
        );
    }
}

// ---------------------------------------------------------------------------

/// Median time to parse the embedded file, and its size (`cargo test --release
/// --test lenses -- --ignored --nocapture parse_time`).
#[test]
#[ignore = "a measurement: run in release with --nocapture"]
fn parse_time() {
    let text = fs::read_to_string(manifest_dir().join("data/lenses.json")).unwrap();
    let mut times = Vec::new();
    for _ in 0..101 {
        let start = std::time::Instant::now();
        let lenses = Lenses::from_json(&text, "data/lenses.json").unwrap();
        times.push(start.elapsed());
        assert!(!lenses.is_empty());
    }
    times.sort();
    println!(
        "data/lenses.json: {} bytes, {} permissions; parse median {:?} (min {:?}, max {:?}) over {} runs",
        text.len(),
        Lenses::bundled().len(),
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times.len()
    );
}
