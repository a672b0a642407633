//! Ratings a reviewer can defend (issue 15).
//!
//! Embedded data only, so every test runs everywhere: the risk data
//! (`data/risk.json`), Microsoft's full catalog of the four resources
//! (`data/microsoft/permissions.json`), the bundled products with their apps'
//! context, and the published classifications (`data/lenses.json`).
//!
//! - The principle over the whole catalog: every application permission the risk
//!   data marks as a path to Global Administrator or to locking every user out
//!   rates critical (or, where the path needs a second right, at least high with
//!   the combination named), and its reasons name the path, say whether it is
//!   direct and name the condition in the mark's own words; no reason claims a
//!   path the data does not mark.
//! - Every row of every bundled product is rated by a reviewed entry.
//! - The cases the review found, by level and by the words of their reasons.
//! - The app's context changes a rating and its reason.
//! - Per rule, the catalog permissions it rates (printed with `--nocapture`);
//!   every rule rates at least one, or the data says why not.
//! - The README's Risk section: the level table's examples rate as it says, and
//!   its generated tables are today's (`UPDATE_README=1` rewrites them).

use permscope::model::catalog::Catalog;
use permscope::model::lens::{Agreement, LensKinds, LensSource, Lenses};
use permscope::model::level::RiskLevel;
use permscope::model::microsoft::MicrosoftCatalog;
use permscope::model::permission::PermissionKind;
use permscope::model::risk::{PathGoal, Rating, RiskBasis, RiskBook};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use PermissionKind::{Application, Delegated};
use RiskLevel::{Critical, High, Low, Medium};

const GRAPH: &str = "Microsoft Graph";
const EXCHANGE: &str = "Office 365 Exchange Online";

/// One permission of Microsoft's catalog.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Perm {
    api: String,
    kind: PermissionKind,
    name: String,
}

/// Every permission Microsoft publishes on the four resources, both kinds.
fn catalog() -> Vec<Perm> {
    let microsoft = MicrosoftCatalog::bundled();
    let mut out = Vec::new();
    for (api, app_id) in microsoft.resources() {
        for kind in [Application, Delegated] {
            for (name, _) in microsoft.permissions(app_id, kind) {
                out.push(Perm {
                    api: api.to_string(),
                    kind,
                    name: name.to_string(),
                });
            }
        }
    }
    out.sort();
    out.dedup();
    assert!(out.len() > 1700, "the bundled catalog looks truncated: {}", out.len());
    out
}

fn text(rating: &Rating) -> String {
    rating.reasons.join(" ")
}

fn lower(rating: &Rating) -> String {
    text(rating).to_lowercase()
}

/// True when `needle` occurs in `hay` as a word of its own (no letter either side).
fn has_word(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(at, _)| {
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphabetic) && !after.is_some_and(char::is_alphabetic)
    })
}

// ---------------------------------------------------------------------------
// The principle, over the whole catalog.

/// What is wrong with the reasons of a marked permission, if anything.
fn path_problems(book: &RiskBook, api: &str, name: &str) -> Vec<String> {
    let Some(path) = book.takeover_path(api, name) else {
        return vec!["not marked".into()];
    };
    let rating = book.rate(api, Application, name);
    let said = lower(&rating);
    let mut problems = Vec::new();
    if rating.basis != RiskBasis::Reviewed {
        problems.push("rated by a rule, not by the entry that marks it".into());
    }
    match &path.needs {
        None if rating.level != Critical => problems.push(format!(
            "a path to {} that needs nothing more rates {}, not critical",
            path.to.words(),
            rating.level
        )),
        Some(needs) => {
            if rating.level < High {
                problems.push(format!("a path in combination rates {}, below high", rating.level));
            }
            if !said.contains(&needs.to_lowercase()) {
                problems.push(format!("the reasons do not name what it needs: “{needs}”"));
            }
        }
        None => {}
    }
    let goal = match path.to {
        PathGoal::Takeover => "path to global administrator",
        PathGoal::Lockout => "path to locking every user out",
    };
    if !said.contains(goal) {
        problems.push(format!("the reasons do not say “{goal}”"));
    }
    let (label, other) = if path.direct {
        ("(direct", "(indirect")
    } else {
        ("(indirect", "(direct")
    };
    if !said.contains(label) || said.contains(other) {
        problems.push(format!("the reasons do not label the path “{label}…)” alone"));
    }
    match &path.condition {
        Some(condition) if !said.contains(&condition.to_lowercase()) => {
            problems.push(format!("the reasons do not name the condition “{condition}”"));
        }
        None if path.needs.is_none() && !(said.contains("no condition") || said.contains("no tenant condition")) => {
            problems.push("no condition is marked and the reasons do not say it needs none".into());
        }
        _ => {}
    }
    let publisher = path.source.split_whitespace().next().unwrap_or("").to_lowercase();
    if publisher.is_empty() || !said.contains(&publisher) {
        problems.push(format!("the reasons do not name the source “{}”", path.source));
    }
    if book.rate(api, Delegated, name).level > rating.level {
        problems.push("the delegated form rates above the application one".into());
    }
    problems
}

#[test]
fn every_marked_takeover_or_lockout_path_rates_critical_as_application() {
    let book = RiskBook::bundled();
    let all = catalog();
    let mut problems = Vec::new();
    let mut table = String::from("\nMarked paths (application permissions of the catalog):\n");
    let mut marked: BTreeSet<(String, String)> = BTreeSet::new();
    for p in all.iter().filter(|p| p.kind == Application) {
        let Some(path) = book.takeover_path(&p.api, &p.name) else {
            continue;
        };
        marked.insert((p.api.to_lowercase(), p.name.to_lowercase()));
        let rating = book.rate(&p.api, Application, &p.name);
        let _ = writeln!(
            table,
            "  {:<5} {:<55} {:<8} {:<8} condition: {}{}",
            rating.level.badge(),
            p.name,
            path.to.as_str(),
            if path.direct { "direct" } else { "indirect" },
            path.condition.as_deref().unwrap_or("none"),
            path.needs
                .as_deref()
                .map(|n| format!("; needs: {n}"))
                .unwrap_or_default()
        );
        for problem in path_problems(&book, &p.api, &p.name) {
            problems.push(format!("{} {}: {problem}", p.api, p.name));
        }
    }
    println!("{table}");
    // Every mark names a permission Microsoft publishes (on the resources the
    // catalog covers), so none is checked only on paper.
    for (api, name, _) in book.takeover_paths() {
        let in_catalog = all.iter().any(|p| p.api.eq_ignore_ascii_case(api));
        if in_catalog && !marked.contains(&(api.to_lowercase(), name.to_lowercase())) {
            problems.push(format!(
                "{api} {name}: marked, but not an application permission of the catalog"
            ));
        }
    }
    // The paths the issue names are among them.
    for name in [
        "RoleManagement.ReadWrite.Directory",
        "AppRoleAssignment.ReadWrite.All",
        "Application.ReadWrite.All",
        "Directory.ReadWrite.All",
        "User.ReadWrite.All",
        "Group.ReadWrite.All",
        "GroupMember.ReadWrite.All",
        "User.EnableDisableAccount.All",
        "User.DeleteRestore.All",
        "Policy.ReadWrite.ConditionalAccess",
        "UserAuthenticationMethod.ReadWrite.All",
        "Domain.ReadWrite.All",
        "Organization.ReadWrite.All",
        "DeviceManagementScripts.ReadWrite.All",
        "EntitlementManagement.ReadWrite.All",
        "DelegatedAdminRelationship.ReadWrite.All",
        "PrivilegedAccess.ReadWrite.AzureADGroup",
        "AdministrativeUnit.ReadWrite.All",
    ] {
        if !marked.contains(&(GRAPH.to_lowercase(), name.to_lowercase())) {
            problems.push(format!("{GRAPH} {name}: not marked as a path"));
        }
    }
    assert!(marked.len() >= 40, "only {} marked paths", marked.len());
    assert!(
        problems.is_empty(),
        "{} problems with marked paths:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The reverse: a reason that opens with "Path to Global Administrator" or
/// "Path to locking every user out" belongs to a marked entry, whatever the
/// resource or kind it rates.
#[test]
fn no_reason_claims_a_path_the_data_does_not_mark() {
    let book = RiskBook::bundled();
    let mut unmarked = Vec::new();
    for p in catalog() {
        let rating = book.rate(&p.api, p.kind, &p.name);
        let claims = rating
            .reasons
            .iter()
            .any(|r| r.starts_with("Path to Global Administrator") || r.starts_with("Path to locking every user out"));
        let marked = p.kind == Application && book.takeover_path(&p.api, &p.name).is_some();
        if claims && !marked {
            unmarked.push(format!("{} {} {}", p.api, p.kind, p.name));
        }
    }
    assert!(
        unmarked.is_empty(),
        "reasons claim a path the data does not mark:\n{}",
        unmarked.join("\n")
    );
}

// ---------------------------------------------------------------------------
// Every bundled row is reviewed.

#[test]
fn every_permission_a_bundled_product_names_is_reviewed() {
    let (catalog, report) = Catalog::load(&[]);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(catalog.products.len(), 7, "the bundled products");
    let mut problems = Vec::new();
    let mut blank = 0;
    for (i, r) in catalog.requirements.iter().enumerate() {
        let rating = catalog.rating(i);
        let product = &catalog.product_of(r).slug;
        let what = format!("{product}: {} {} {:?}", catalog.apis[r.api].name, r.kind, r.permission);
        if r.permission.trim().is_empty() {
            blank += 1;
            if rating.level != RiskLevel::Unknown || !rating.reasons[0].contains("empty") {
                problems.push(format!("{what}: a blank claim rates {}", rating.level));
            }
        } else if rating.basis != RiskBasis::Reviewed {
            problems.push(format!("{what}: rated by rule {:?}", rating.rule));
        }
    }
    assert!(catalog.requirements.len() > 100, "{} rows", catalog.requirements.len());
    assert!(
        blank > 0,
        "the bundled documents leave one claim blank (on rows of several products)"
    );
    assert!(
        problems.is_empty(),
        "{} rows not rated by a reviewed entry:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------
// The cases of the issue.

#[test]
fn user_readwrite_all_creates_and_deletes_users_and_cannot_reset_passwords() {
    let r = RiskBook::bundled().rate(GRAPH, Application, "User.ReadWrite.All");
    assert_eq!(r.level, Critical);
    let said = lower(&r);
    for words in [
        "create users",
        "delete",
        "post /users",
        "dynamic group",
        "cannot reset passwords",
    ] {
        assert!(said.contains(words), "{words}: {:?}", r.reasons);
    }
    // The only mention of resetting is the one that says it cannot.
    assert_eq!(
        said.matches("reset").count(),
        said.matches("cannot reset passwords").count(),
        "{:?}",
        r.reasons
    );
}

#[test]
fn group_permissions_are_critical_paths_through_ordinary_groups() {
    let book = RiskBook::bundled();
    for name in ["Group.ReadWrite.All", "GroupMember.ReadWrite.All"] {
        let r = book.rate(GRAPH, Application, name);
        assert_eq!(r.level, Critical, "{name}");
        let said = lower(&r);
        for words in [
            "path to global administrator",
            "role-assignable",
            "conditional access",
            "azure",
        ] {
            assert!(said.contains(words), "{name}, {words}: {:?}", r.reasons);
        }
    }
}

#[test]
fn administrative_units_name_restricted_management_and_the_combination() {
    let r = RiskBook::bundled().rate(GRAPH, Application, "AdministrativeUnit.ReadWrite.All");
    assert_eq!(r.level, High);
    let said = lower(&r);
    assert!(
        said.contains("restricted management administrative unit"),
        "{:?}",
        r.reasons
    );
    assert!(said.contains("reset that account's password"), "{:?}", r.reasons);
    assert!(!said.contains("tenant settings"), "{:?}", r.reasons);
}

#[test]
fn b2c_permissions_do_not_claim_certificate_authorities_or_signing_keys() {
    let book = RiskBook::bundled();
    for name in [
        "IdentityProvider.Read.All",
        "IdentityProvider.ReadWrite.All",
        "IdentityUserFlow.Read.All",
        "IdentityUserFlow.ReadWrite.All",
    ] {
        for kind in [Application, Delegated] {
            let r = book.rate(GRAPH, kind, name);
            let said = lower(&r);
            for words in ["certificate authorit", "signing key", "token-signing"] {
                assert!(!said.contains(words), "{name} {kind} says {words}: {:?}", r.reasons);
            }
        }
    }
}

#[test]
fn managing_sign_in_identities_is_account_takeover() {
    let r = RiskBook::bundled().rate(GRAPH, Application, "User.ManageIdentities.All");
    assert_eq!(r.level, Critical);
    assert!(lower(&r).contains("account takeover"), "{:?}", r.reasons);
}

#[test]
fn contacts_reasons_are_about_contacts() {
    let book = RiskBook::bundled();
    let contacts: Vec<Perm> = catalog()
        .into_iter()
        .filter(|p| p.name.to_lowercase().starts_with("contacts."))
        .collect();
    assert!(contacts.len() >= 6, "{contacts:?}");
    for p in contacts {
        let r = book.rate(&p.api, p.kind, &p.name);
        let said = lower(&r);
        for word in ["tasks", "notes", "activity"] {
            assert!(!has_word(&said, word), "{p:?} says {word}: {:?}", r.reasons);
        }
        assert!(said.contains("contact"), "{p:?}: {:?}", r.reasons);
    }
}

#[test]
fn channel_create_speaks_of_channels_only() {
    let book = RiskBook::bundled();
    for kind in [Application, Delegated] {
        let r = book.rate(GRAPH, kind, "Channel.Create");
        let said = lower(&r);
        assert!(said.contains("channel"), "{kind}: {:?}", r.reasons);
        for word in ["apps", "presence"] {
            assert!(!has_word(&said, word), "{kind} says {word}: {:?}", r.reasons);
        }
    }
}

#[test]
fn intune_role_reads_do_not_read_devices() {
    let book = RiskBook::bundled();
    for kind in [Application, Delegated] {
        let r = book.rate(GRAPH, kind, "DeviceManagementRBAC.Read.All");
        let said = lower(&r);
        assert!(!said.contains("read managed devices"), "{kind}: {:?}", r.reasons);
        assert!(said.contains("role"), "{kind}: {:?}", r.reasons);
    }
}

#[test]
fn disabling_every_account_is_a_lockout_path_not_a_profile_change() {
    let r = RiskBook::bundled().rate(GRAPH, Application, "User.EnableDisableAccount.All");
    assert_eq!(r.level, Critical);
    let said = lower(&r);
    assert!(said.contains("break-glass"), "{:?}", r.reasons);
    for words in ["manager chains", "address books", "dynamic group rules"] {
        assert!(!said.contains(words), "{words}: {:?}", r.reasons);
    }
}

// ---------------------------------------------------------------------------
// Context.

/// The bundled rows of `slug` asking for `permission` of `kind`.
fn rows<'c>(catalog: &'c Catalog, slug: &str, kind: PermissionKind, permission: &str) -> Vec<(usize, &'c Rating)> {
    let product = catalog
        .product_index(slug)
        .unwrap_or_else(|| panic!("{slug} is bundled"));
    catalog
        .rows_of(product)
        .filter(|&i| catalog.requirements[i].kind == kind && catalog.requirements[i].permission == permission)
        .map(|i| (i, catalog.rating(i)))
        .collect()
}

#[test]
fn a_global_administrator_signing_in_makes_directory_access_as_user_critical() {
    let catalog = Catalog::load(&[]).0;
    for slug in ["xopero-one", "gitprotect"] {
        let found = rows(&catalog, slug, Delegated, "Directory.AccessAsUser.All");
        assert!(!found.is_empty(), "{slug} asks for Directory.AccessAsUser.All");
        for (i, rating) in found {
            let r = &catalog.requirements[i];
            let app = &catalog.product_of(r).apps[r.app];
            assert!(app.context.global_admin_signs_in(), "{slug}: {}", app.name);
            assert_eq!(rating.level, Critical, "{slug}: {:?}", rating.reasons);
            assert_eq!(rating.basis, RiskBasis::Reviewed);
            // The reason rests on the document's own sentence, with its line.
            let quote = app.context.signs_in.quote.as_deref().expect("the sentence");
            let line = app.context.signs_in.lines[0];
            let said = text(rating);
            assert!(said.contains(quote), "{slug}: {said}");
            assert!(said.contains(&format!("line {line}")), "{slug}: {said}");
            assert!(said.contains("global administrator account"), "{slug}: {said}");
            assert!(lower(rating).contains("refresh token"), "{slug}: {said}");
        }
    }
    // Without that context the same permission is not critical, and says why it could be.
    let plain = RiskBook::bundled().rate(GRAPH, Delegated, "Directory.AccessAsUser.All");
    assert_eq!(plain.level, High);
    assert!(!text(&plain).contains("vendor's document says"), "{:?}", plain.reasons);
    assert!(
        text(&plain).contains("when a Global Administrator uses the app"),
        "{:?}",
        plain.reasons
    );
}

#[test]
fn nakivo_names_the_customer_as_holder_of_the_credential() {
    let catalog = Catalog::load(&[]).0;
    let product = catalog.product_index("nakivo").expect("nakivo is bundled");
    let mut seen = 0;
    for i in catalog.rows_of(product) {
        let r = &catalog.requirements[i];
        if r.kind != Application || r.permission.trim().is_empty() {
            continue;
        }
        seen += 1;
        let said = text(catalog.rating(i));
        assert!(
            said.contains("your organization registers this app and keeps its secret or certificate"),
            "{}: {said}",
            r.permission
        );
        assert!(!said.contains("vendor's app credentials"), "{}: {said}", r.permission);
        assert!(!said.contains("the vendor runs this app"), "{}: {said}", r.permission);
    }
    assert!(seen > 20, "{seen} application rows");
    // A vendor-run app says the vendor holds it, with the document's line.
    for (_, rating) in rows(&catalog, "avepoint-cloud-backup-express", Application, "Mail.ReadWrite") {
        let said = text(rating);
        assert!(
            said.contains("the vendor runs this app and holds its credential"),
            "{said}"
        );
        assert!(said.contains("line 3"), "{said}");
    }
    // With no app in view, the vendor's credential is assumed and said.
    let plain = RiskBook::bundled().rate(GRAPH, Application, "Mail.ReadWrite");
    assert!(
        text(&plain).contains("whoever holds the vendor's app credentials"),
        "{:?}",
        plain.reasons
    );
}

// ---------------------------------------------------------------------------
// Per rule, what it rates.

#[test]
fn every_rule_rates_catalog_permissions_printed_per_rule() {
    let book = RiskBook::bundled();
    let mut by_rule: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut reviewed = 0usize;
    let all = catalog();
    for p in &all {
        let rating = book.rate(&p.api, p.kind, &p.name);
        match rating.rule {
            Some(rule) => by_rule.entry(rule).or_default().push(format!(
                "{} {} ({}, {})",
                p.name,
                match p.kind {
                    Application => "app",
                    Delegated => "del",
                },
                short(&p.api),
                rating.level.badge().trim()
            )),
            None => reviewed += 1,
        }
    }
    let mut out = format!(
        "\nRules of data/risk.json and the catalog permissions each rates ({} permissions; {reviewed} rated by reviewed entries):\n",
        all.len()
    );
    let why_not = rules_without_catalog_permissions();
    let mut silent = Vec::new();
    for id in book.rule_ids() {
        let rated = by_rule.get(id).map(Vec::as_slice).unwrap_or_default();
        let _ = writeln!(out, "\n[{id}] {} permission(s)", rated.len());
        for chunk in rated.chunks(4) {
            let _ = writeln!(out, "    {}", chunk.join("; "));
        }
        if rated.is_empty() {
            match why_not.get(id) {
                Some(why) => {
                    let _ = writeln!(out, "    none in the catalog: {why}");
                }
                None => silent.push(id.to_string()),
            }
        } else if why_not.contains_key(id) {
            silent.push(format!(
                "{id} (its note says it rates no catalog permission, but it rates {})",
                rated.len()
            ));
        }
    }
    println!("{out}");
    assert!(
        silent.is_empty(),
        "rules that rate no catalog permission and do not say why (a `note` starting \"Rates no catalog permission\"):\n{}",
        silent.join("\n")
    );
}

/// Rule ids whose note says why they rate no catalog permission.
fn rules_without_catalog_permissions() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/risk.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out = BTreeMap::new();
    for rule in doc["rules"].as_array().map(Vec::as_slice).unwrap_or_default() {
        if let (Some(id), Some(note)) = (rule["id"].as_str(), rule["note"].as_str())
            && note.starts_with("Rates no catalog permission")
        {
            out.insert(id.to_string(), note.to_string());
        }
    }
    out
}

fn short(api: &str) -> &str {
    match api {
        GRAPH => "Graph",
        EXCHANGE => "Exchange",
        "Office 365 SharePoint Online" => "SharePoint",
        "Azure DevOps" => "DevOps",
        other => other,
    }
}

// ---------------------------------------------------------------------------
// The README's Risk section.

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");

/// The Risk section of the README: from "## Risk" to just before "## Data".
fn risk_section(readme: &str) -> &str {
    let start = readme.find("\n## Risk\n").expect("a Risk section");
    let end = readme[start..].find("\n## Data").map_or(readme.len(), |e| start + e);
    &readme[start..end]
}

/// Checks (or, with `UPDATE_README=1`, rewrites) the lines between
/// `<!-- NAME:start … -->` and `<!-- NAME:end -->` inside the Risk section.
fn generated(readme: &mut String, name: &str, want: &str) -> Option<String> {
    let section_start = readme.find("\n## Risk\n").expect("a Risk section");
    let open = format!("<!-- {name}:start");
    let close = format!("<!-- {name}:end -->");
    let start = section_start
        + readme[section_start..]
            .find(&open)
            .unwrap_or_else(|| panic!("{open} in README.md"));
    let body = start + readme[start..].find('\n').expect("a line break after the marker") + 1;
    let end = body
        + readme[body..]
            .find(&close)
            .unwrap_or_else(|| panic!("{close} in README.md"));
    assert!(
        risk_section(readme).contains(&readme[start..end]),
        "{name}: the generated block lies outside the Risk section"
    );
    if std::env::var_os("UPDATE_README").is_some() {
        readme.replace_range(body..end, want);
        return None;
    }
    (readme[body..end] != *want).then(|| {
        format!(
            "README.md's {name} table is stale (UPDATE_README=1 cargo test --test ratings rewrites it); today it reads:\n{want}"
        )
    })
}

fn levels_row(label: &str, levels: &[RiskLevel]) -> String {
    let count = |l: RiskLevel| levels.iter().filter(|x| **x == l).count();
    format!(
        "| {label} | {} | {} | {} | {} | {} |\n",
        levels.len(),
        count(Low),
        count(Medium),
        count(High),
        count(Critical)
    )
}

/// Levels over the data: the bundled products' distinct permissions (as
/// tests/first_use.rs counts them) and Microsoft's catalog per resource and kind.
fn levels_table() -> String {
    let catalog = Catalog::load(&[]).0;
    let book = RiskBook::bundled();
    let mut out = String::from("| | total | low | medium | high | critical |\n|---|---:|---:|---:|---:|---:|\n");
    for (kind, label) in [
        (Application, "distinct permissions in the product files, application"),
        (
            Delegated,
            "distinct permissions in the product files, delegated (one blank claim is unknown)",
        ),
    ] {
        let groups = permscope::model::query::group_by_permission(
            &catalog,
            (0..catalog.requirements.len()).filter(|&i| catalog.requirements[i].kind == kind),
        );
        let levels: Vec<RiskLevel> = groups.iter().map(|g| catalog.rating(g.rows[0]).level).collect();
        out.push_str(&levels_row(label, &levels));
    }
    let all = catalog_perms_by_resource();
    for ((api, kind), names) in &all {
        let levels: Vec<RiskLevel> = names.iter().map(|n| book.rate(api, *kind, n).level).collect();
        out.push_str(&levels_row(&format!("{}, {kind}", short_name(api)), &levels));
    }
    out
}

/// Microsoft's catalog grouped by resource (in the catalog's order) and kind.
fn catalog_perms_by_resource() -> Vec<((String, PermissionKind), Vec<String>)> {
    let microsoft = MicrosoftCatalog::bundled();
    let mut out = Vec::new();
    for (api, app_id) in microsoft.resources() {
        for kind in [Application, Delegated] {
            let mut names: Vec<String> = microsoft
                .permissions(app_id, kind)
                .iter()
                .map(|(n, _)| n.to_string())
                .collect();
            names.sort();
            names.dedup();
            if !names.is_empty() {
                out.push(((api.to_string(), kind), names));
            }
        }
    }
    out
}

fn short_name(api: &str) -> &str {
    match api {
        EXCHANGE => "Exchange Online",
        "Office 365 SharePoint Online" => "SharePoint Online",
        other => other,
    }
}

/// The marked paths of Microsoft Graph, as a table.
fn paths_table() -> String {
    let book = RiskBook::bundled();
    let mut rows: Vec<(u8, String)> = Vec::new();
    for (api, name, path) in book.takeover_paths() {
        if api != GRAPH {
            continue;
        }
        let rating = book.rate(api, Application, name);
        let goal = match path.to {
            PathGoal::Takeover => "Global Administrator",
            PathGoal::Lockout => "every user locked out",
        };
        let mut condition = path.condition.clone().unwrap_or_else(|| "none".into());
        if let Some(needs) = &path.needs {
            condition = format!("{condition}; **needs** {needs}");
        }
        rows.push((
            rating.score,
            format!(
                "| `{name}` | {goal} | {} | {condition} | {} | {} |\n",
                if path.direct { "direct" } else { "indirect" },
                path.source,
                rating.level
            ),
        ));
    }
    // Highest score first, as the explorer sorts; the name breaks ties.
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut out =
        String::from("| permission | path to | direct? | condition | source | level |\n|---|---|---|---|---|---|\n");
    for (_, row) in rows {
        out.push_str(&row);
    }
    out
}

/// permscope's levels against the bundled published classifications, per source,
/// and the kinds of disagreement with how many lenses each explains.
fn lenses_tables() -> String {
    let book = RiskBook::bundled();
    let kinds = LensKinds::bundled();
    let mut per_source: BTreeMap<LensSource, [usize; 5]> = BTreeMap::new();
    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained = [0usize; 2];
    for entry in Lenses::bundled().iter() {
        let level = book.rate(&entry.api, entry.kind, &entry.permission).level;
        for lens in &entry.lenses {
            let counts = per_source.entry(lens.source).or_default();
            counts[0] += 1;
            match lens.agrees(level) {
                Some(Agreement::Agrees) => counts[1] += 1,
                Some(Agreement::WeRateHigher) => counts[2] += 1,
                Some(Agreement::WeRateLower) => {
                    counts[3] += 1;
                    if entry.kind == Delegated {
                        counts[4] += 1;
                    }
                }
                None => {}
            }
            if let Some(direction) = lens.agrees(level).filter(|a| *a != Agreement::Agrees) {
                match kinds.explain(&entry.api, entry.kind, &entry.permission, lens, level) {
                    Some(kind) => *per_kind.entry(kind.id.as_str()).or_default() += 1,
                    None => unexplained[usize::from(direction == Agreement::WeRateLower)] += 1,
                }
            }
        }
    }
    let mut out = String::from(
        "| source | lenses | agree | we rate higher | we rate lower | of them delegated |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for source in LensSource::ALL {
        let c = per_source.get(&source).copied().unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            source.name(),
            c[0],
            c[1],
            c[2],
            c[3],
            c[4]
        );
    }
    out.push_str("\n| kind of disagreement | we rate | lenses |\n|---|---|---:|\n");
    for kind in kinds.kinds() {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            kind.title,
            kind.direction,
            per_kind.get(kind.id.as_str()).copied().unwrap_or(0)
        );
    }
    let _ = writeln!(out, "| none of these kinds | higher | {} |", unexplained[0]);
    let _ = writeln!(out, "| none of these kinds | lower | {} |", unexplained[1]);
    out
}

#[test]
fn readme_risk_tables_are_generated_from_the_data() {
    let mut readme = std::fs::read_to_string(README).unwrap();
    let stale: Vec<String> = [
        ("risk-levels", levels_table()),
        ("risk-paths", paths_table()),
        ("risk-lenses", lenses_tables()),
    ]
    .iter()
    .filter_map(|(name, want)| generated(&mut readme, name, want))
    .collect();
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(README, &readme).unwrap();
        return;
    }
    assert!(stale.is_empty(), "{}", stale.join("\n\n"));
}

/// The level table's examples rate at the level of their row: as an application
/// permission where Microsoft publishes one, on Microsoft Graph unless the
/// README names Exchange or SharePoint before it.
#[test]
fn readme_level_examples_rate_as_the_table_says() {
    let readme = std::fs::read_to_string(README).unwrap();
    let section = risk_section(&readme);
    let microsoft = MicrosoftCatalog::bundled();
    let resources = microsoft.resources();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (row, level) in [
        ("| critical |", Critical),
        ("| high |", High),
        ("| medium |", Medium),
        ("| low |", Low),
    ] {
        let line = section
            .lines()
            .find(|l| l.starts_with(row))
            .unwrap_or_else(|| panic!("the {row} row of the level table"));
        let examples = line.rsplit('|').nth(1).unwrap_or("");
        let mut api = GRAPH;
        for (i, piece) in examples.split('`').enumerate() {
            if i % 2 == 0 {
                api = if piece.contains("Exchange") {
                    EXCHANGE
                } else if piece.contains("SharePoint") {
                    "Office 365 SharePoint Online"
                } else {
                    GRAPH
                };
                continue;
            }
            let app_id = resources.iter().find(|(a, _)| *a == api).map(|(_, id)| *id).unwrap();
            let kind = if microsoft.get(app_id, Application, piece).is_some() {
                Application
            } else if microsoft.get(app_id, Delegated, piece).is_some() {
                Delegated
            } else {
                wrong.push(format!("{piece}: not in Microsoft's catalog of {api}"));
                continue;
            };
            let rated = RiskBook::bundled().rate(api, kind, piece).level;
            checked += 1;
            if rated != level {
                wrong.push(format!(
                    "{piece} ({api}, {kind}) is listed as {level} but rates {rated}"
                ));
            }
        }
    }
    assert!(checked >= 20, "only {checked} examples");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
