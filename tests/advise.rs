//! Narrowing what a vendor's app asks for: the alternatives (written, derived
//! from Microsoft's Graph map, and a read permission the app already holds),
//! the hardening steps, the questions for the vendor, the least-privilege set
//! (exported as a manifest and audited back), the alternatives file's located
//! errors, and the JSON contract of `permscope advise`.

mod common;

use common::{permscope, stderr, stdout};
use permscope::model::advise::render::{AdviseFormat, render, to_json, to_markdown};
use permscope::model::advise::{
    AdviceContext, Advisor, AlternativeBook, AppAdvice, Basis, ChangeKind, CredentialHolder, ProductAdvice,
    QuestionKind, RequirementAdvice, app_context,
};
use permscope::model::audit;
use permscope::model::catalog::Catalog;
use permscope::model::claim::Claim;
use permscope::model::export::{ExportFormat, export};
use permscope::model::grants;
use permscope::model::holders::Holders;
use permscope::model::microsoft::MicrosoftCatalog;
use permscope::model::paths::{CapabilityModel, Reached};
use permscope::model::permission::{PermissionKey, PermissionKind};
use permscope::model::product::Origin;
use permscope::model::read::grants::read_export;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

const GRAPH: &str = "Microsoft Graph";
const EXCHANGE: &str = "Office 365 Exchange Online";
const SHAREPOINT: &str = "Office 365 SharePoint Online";

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let (catalog, report) = Catalog::load(&[]);
        assert!(report.errors.is_empty(), "bundled data has errors: {:?}", report.errors);
        catalog
    })
}

/// One advisor for the whole file: it keeps the Graph operations it looked up.
fn advisor() -> std::sync::MutexGuard<'static, Advisor> {
    static ADVISOR: OnceLock<Mutex<Advisor>> = OnceLock::new();
    ADVISOR
        .get_or_init(|| Mutex::new(Advisor::bundled()))
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

fn product(slug: &str) -> usize {
    catalog()
        .product_index(slug)
        .unwrap_or_else(|| panic!("no product {slug}"))
}

fn app_index(slug: &str, app: &str) -> usize {
    catalog().products[product(slug)]
        .apps
        .iter()
        .position(|a| a.name == app)
        .unwrap_or_else(|| panic!("{slug} has no app {app}"))
}

/// The advice for one app with the context permscope infers from the product data.
fn advise(slug: &str, app: &str) -> AppAdvice {
    let p = product(slug);
    let a = app_index(slug, app);
    advise_with(slug, app, &app_context(catalog(), p, a))
}

fn advise_with(slug: &str, app: &str, context: &AdviceContext) -> AppAdvice {
    let p = product(slug);
    let a = app_index(slug, app);
    advisor().app(catalog(), p, a, context)
}

fn product_advice(slug: &str) -> ProductAdvice {
    let p = product(slug);
    advisor().product(catalog(), p, None, &|a| app_context(catalog(), p, a))
}

/// The requirement advice at a document line for a permission of an API.
fn row<'a>(advice: &'a AppAdvice, line: u32, api: &str, permission: &str) -> &'a RequirementAdvice {
    advice
        .requirements
        .iter()
        .find(|r| r.line == line && r.permission == permission && catalog().apis[r.api].name == api)
        .unwrap_or_else(|| panic!("no row {permission} ({api}) at line {line} in {}", advice.app_name))
}

fn alternative<'a>(r: &'a RequirementAdvice, permission: &str) -> &'a permscope::model::advise::Alternative {
    r.alternatives
        .iter()
        .find(|a| a.permission.as_deref() == Some(permission))
        .unwrap_or_else(|| {
            panic!(
                "{} has no alternative {permission}: {:#?}",
                r.permission,
                r.alternatives
                    .iter()
                    .map(|a| (&a.permission, &a.mechanism))
                    .collect::<Vec<_>>()
            )
        })
}

fn written_source(a: &permscope::model::advise::Alternative) -> &str {
    match &a.basis {
        Basis::Written { source, .. } => source,
        other => panic!("expected a written alternative, got {other:?}"),
    }
}

// ---------------------------------------------------------------- the data

#[test]
fn the_bundled_alternatives_load_and_name_only_permissions_microsoft_publishes() {
    let book = AlternativeBook::bundled();
    assert!(book.entries.len() >= 50, "{} entries", book.entries.len());
    assert!(book.just_in_time.is_some());
    assert!(book.hardening.len() >= 10);
    // The reader refuses a name Microsoft does not publish; check it independently here.
    let microsoft = MicrosoftCatalog::bundled();
    let app_id = |api: &str| {
        catalog()
            .apis
            .iter()
            .find(|a| a.name == api)
            .map(|a| a.app_id.clone())
            .unwrap_or_else(|| panic!("unknown API {api}"))
    };
    for e in &book.entries {
        assert!(
            microsoft.get(&app_id(&e.api), e.kind, &e.permission).is_some(),
            "{} {} {}",
            e.api,
            e.kind,
            e.permission
        );
        assert!(!e.instead.is_empty(), "{} lists no alternative", e.permission);
        for w in &e.instead {
            assert!(
                w.source.contains("https://"),
                "{}: every written alternative names its source: {}",
                e.permission,
                w.source
            );
            assert_ne!(w.permission.is_some(), w.mechanism.is_some());
            if let Some(p) = &w.permission {
                let api = w.api.as_deref().unwrap_or(&e.api);
                let kind = w.kind.unwrap_or(e.kind);
                assert!(microsoft.get(&app_id(api), kind, p).is_some(), "{api} {kind} {p}");
                // A permission the set swaps to reads where the original writes.
                if w.reduce {
                    assert!(
                        !Claim::parse(p, kind).writes() || p.contains("Self"),
                        "{} -> {p}: a reduce alternative should only read",
                        e.permission
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------- named alternatives

#[test]
fn per_site_sites_selected_instead_of_sites_full_control() {
    let nakivo = advise("nakivo", "NAKIVO Backup & Replication");
    let graph = alternative(row(&nakivo, 141, GRAPH, "Sites.FullControl.All"), "Sites.Selected");
    assert!(written_source(graph).contains("permissions-selected-overview"));
    assert!(
        graph.gives_up.contains("/sites/{site-id}/permissions"),
        "{}",
        graph.gives_up
    );
    let express = advise("avepoint-cloud-backup-express", "AvePoint Cloud Backup Express");
    let spo = row(&express, 11, SHAREPOINT, "Sites.FullControl.All");
    assert!(!alternative(spo, "Sites.Selected").already_held);
    // The scan purpose is served by the read permission of the same API, which the set swaps to.
    assert_eq!(catalog().apis[alternative(spo, "Sites.Read.All").api].name, SHAREPOINT);
}

#[test]
fn application_readwrite_ownedby_instead_of_application_readwrite_all() {
    let azure = advise("avepoint-cloud-backup-azure", "AvePoint Cloud Backup for Azure");
    let a = alternative(
        row(&azure, 13, GRAPH, "Application.ReadWrite.All"),
        "Application.ReadWrite.OwnedBy",
    );
    assert!(a.gives_up.contains("does not own"), "{}", a.gives_up);
    assert!(written_source(a).contains("permissions-reference"));
}

#[test]
fn exchange_rbac_for_applications_instead_of_full_access_as_app_or_tenant_wide_mail() {
    let nakivo = advise("nakivo", "NAKIVO Backup & Replication");
    for (line, api, permission) in [
        (225, EXCHANGE, "full_access_as_app"),
        (53, GRAPH, "Mail.ReadWrite"),
        (45, GRAPH, "Mail.Read"),
    ] {
        let r = row(&nakivo, line, api, permission);
        let rbac = r
            .alternatives
            .iter()
            .find(|a| {
                a.mechanism
                    .as_deref()
                    .is_some_and(|m| m.contains("RBAC for Applications"))
            })
            .unwrap_or_else(|| panic!("{permission}: no RBAC for Applications mechanism"));
        assert!(rbac.mechanism.as_deref().unwrap().contains("management scope"));
        assert!(rbac.permission.is_none());
        assert!(written_source(rbac).contains("application-rbac"));
    }
}

#[test]
fn the_self_only_teams_app_installation_permission() {
    let nakivo = advise("nakivo", "NAKIVO Backup & Replication");
    let r = row(
        &nakivo,
        221,
        GRAPH,
        "TeamsAppInstallation.ReadWriteAndConsentForTeam.All",
    );
    let a = alternative(r, "TeamsAppInstallation.ReadWriteSelfForTeam.All");
    assert!(a.gives_up.contains("resource-specific consent"), "{}", a.gives_up);
    assert!(written_source(a).contains("team-post-installedapps"));
}

#[test]
fn read_only_for_backup_with_restore_rights_just_in_time() {
    let nakivo = advise("nakivo", "NAKIVO Backup & Replication");
    let mail = row(&nakivo, 53, GRAPH, "Mail.ReadWrite");
    let jit = mail
        .alternatives
        .iter()
        .find(|a| matches!(a.basis, Basis::JustInTime { .. }))
        .expect("a recovery-only permission offers the just-in-time grant");
    assert!(
        jit.fits_when
            .contains("line 53 lists it for Exchange Online: Recovery only"),
        "{}",
        jit.fits_when
    );
    // NAKIVO already asks for Mail.Read for backup.
    assert!(alternative(mail, "Mail.Read").already_held);
    let change = nakivo
        .reduction
        .changes
        .iter()
        .find(|c| c.removed.name == "Mail.ReadWrite")
        .expect("Mail.ReadWrite is left out");
    assert_eq!(change.kind, ChangeKind::JustInTime);
    assert_eq!(change.lines, vec![53]);
    // Where the document states no phase, the write permission is swapped for its read form.
    let pro = advise("xopero-one", "Xopero ONE MS365 PRO");
    let swap = pro
        .reduction
        .changes
        .iter()
        .find(|c| c.removed.name == "Mail.ReadWrite" && catalog().apis[c.removed.api].name == GRAPH)
        .expect("Mail.ReadWrite is swapped");
    assert_eq!(swap.kind, ChangeKind::Replaced);
    assert_eq!(swap.replaced_by.as_ref().map(|k| k.name.as_str()), Some("Mail.Read"));
}

#[test]
fn policy_read_all_already_covers_what_policy_readwrite_authenticationmethod_retrieves() {
    let azure = advise("avepoint-cloud-backup-azure", "AvePoint Cloud Backup for Azure");
    let r = row(&azure, 26, GRAPH, "Policy.ReadWrite.AuthenticationMethod");
    assert!(r.read_only_purpose, "\"Retrieves ...\" only reads");
    let held = r
        .alternatives
        .first()
        .expect("the held permission that covers it comes first");
    assert_eq!(held.permission.as_deref(), Some("Policy.Read.All"));
    assert!(held.already_held);
    let Basis::CoversReads { reads } = held.basis else {
        panic!("expected read coverage, got {:?}", held.basis)
    };
    // Every GET operation Microsoft lists for the permission, counted independently.
    let ops = MicrosoftCatalog::bundled().operations(
        "00000003-0000-0000-c000-000000000000",
        PermissionKind::Application,
        "Policy.ReadWrite.AuthenticationMethod",
    );
    let gets: BTreeSet<String> = ops
        .listed()
        .expect("listed")
        .operations
        .iter()
        .filter(|o| o.method.as_str() == "GET")
        .map(|o| o.path.to_lowercase())
        .collect();
    assert_eq!(reads, gets.len());
    assert!(held.fits_when.contains("Retrieves all authentication method policies"));
    let change = azure
        .reduction
        .changes
        .iter()
        .find(|c| c.removed.name == "Policy.ReadWrite.AuthenticationMethod")
        .expect("left out");
    assert_eq!(change.kind, ChangeKind::CoveredByHeld);
    assert!(azure.reduction.keys.iter().any(|k| k.name == "Policy.Read.All"));
    // Policy.ReadWrite.ConditionalAccess reads and writes, as its purpose says: not redundant.
    let ca = row(&azure, 27, GRAPH, "Policy.ReadWrite.ConditionalAccess");
    assert!(!ca.read_only_purpose);
    assert!(
        !ca.alternatives
            .iter()
            .any(|a| matches!(a.basis, Basis::CoversReads { .. }))
    );
}

#[test]
fn derived_alternatives_come_from_microsofts_map_and_grant_fewer_rights() {
    let microsoft = MicrosoftCatalog::bundled();
    let graph = catalog().api_index(GRAPH).expect("graph");
    let mut derived = 0;
    for slug in catalog().products.iter().map(|p| p.slug.clone()).collect::<Vec<_>>() {
        for advice in product_advice(&slug).apps {
            for r in &advice.requirements {
                for a in r.alternatives.iter().filter(|a| a.is_derived()) {
                    derived += 1;
                    let name = a.permission.as_deref().expect("derived ones are permissions");
                    assert_eq!(a.api, graph);
                    assert_eq!(a.kind, r.kind);
                    assert_ne!(name, r.permission);
                    let family = |n: &str| n.split(['.', '-']).next().unwrap_or("").to_string();
                    assert_eq!(family(name), family(&r.permission), "{} -> {name}", r.permission);
                    let (broad, narrow) = (Claim::parse(&r.permission, r.kind), Claim::parse(name, r.kind));
                    assert!(narrow.access <= broad.access, "{} -> {name}", r.permission);
                    assert!(broad.writes() || !narrow.writes(), "{} -> {name}", r.permission);
                    let Basis::Derived { least, total } = a.basis else {
                        unreachable!()
                    };
                    assert!(least >= 1 && least <= total);
                    let ops = microsoft.operations("00000003-0000-0000-c000-000000000000", r.kind, &r.permission);
                    let count: BTreeSet<(String, String)> = ops
                        .listed()
                        .expect("listed")
                        .operations
                        .iter()
                        .map(|o| (o.method.as_str().to_string(), o.path.to_lowercase()))
                        .collect();
                    assert_eq!(total, count.len(), "{} total", r.permission);
                    assert!(
                        a.fits_when
                            .contains(&format!("least privileged for {least} of the {total} operations")),
                        "{}",
                        a.fits_when
                    );
                }
            }
        }
    }
    assert!(derived > 10, "only {derived} derived alternatives");
    // One named case: Policy.Read.AuthenticationMethod is written; Group-Conversation.* is derived.
    let nakivo = advise("nakivo", "NAKIVO Backup & Replication");
    let group = row(&nakivo, 117, GRAPH, "Group.ReadWrite.All");
    assert!(alternative(group, "Group-Conversation.ReadWrite.All").is_derived());
}

// ---------------------------------------------------------------- questions

/// The question of a kind whose lines include `line` (and whose text contains `needle`).
fn question<'a>(
    advice: &'a AppAdvice,
    kind: QuestionKind,
    line: u32,
    needle: &str,
) -> &'a permscope::model::advise::Question {
    advice
        .questions
        .iter()
        .find(|q| q.kind == kind && q.lines.contains(&line) && q.question.contains(needle))
        .unwrap_or_else(|| {
            panic!(
                "{}: no {} question at line {line} containing {needle:?}; questions: {:#?}",
                advice.app_name,
                kind.as_str(),
                advice.questions
            )
        })
}

fn xopero_context(app: &str) -> AdviceContext {
    // The Xopero documents say a global administrator signs in (seed 001, line 25).
    let p = product("xopero-one");
    let mut c = app_context(catalog(), p, app_index("xopero-one", app));
    c.signs_in = Some(vec!["Global Administrator".into()]);
    c.lines.push(25);
    c
}

#[test]
fn a_question_for_each_kind() {
    let azure = advise("avepoint-cloud-backup-azure", "AvePoint Cloud Backup for Azure");
    let express = advise("avepoint-cloud-backup-express", "AvePoint Cloud Backup Express");
    let nakivo = advise("nakivo", "NAKIVO Backup & Replication");
    let registrator = advise_with(
        "xopero-one",
        "Xopero ONE Registrator",
        &xopero_context("Xopero ONE Registrator"),
    );
    let pro = advise_with(
        "xopero-one",
        "Xopero ONE MS365 PRO",
        &xopero_context("Xopero ONE MS365 PRO"),
    );
    let b2c = advise(
        "avepoint-cloud-backup-azure-ad-b2c",
        "AvePoint Cloud Backup for Azure AD B2C",
    );

    // Who holds the credential, and is it a certificate.
    let q = question(&pro, QuestionKind::Credential, 58, "Who holds the credential");
    assert!(q.question.contains("certificate"));
    question(&express, QuestionKind::Credential, 10, "certificate");
    // Roles besides API permissions.
    let q = question(&express, QuestionKind::Roles, 10, "Exchange Online");
    assert!(q.because.contains("Exchange.ManageAsApp (line 10)"), "{}", q.because);
    assert!(q.because.contains("Scan mailboxes."), "{}", q.because);
    let q = question(&azure, QuestionKind::Roles, 12, "Azure roles");
    assert!(q.because.contains("no Azure role"));
    assert!(
        !b2c.questions.iter().any(|q| q.question.contains("Azure roles")),
        "B2C backs up a directory"
    );
    // A write permission listed for backup.
    let q = question(&nakivo, QuestionKind::WriteForBackup, 77, "User.ReadWrite.All");
    assert!(
        q.question.contains("User.Read.All, which it already asks for"),
        "{}",
        q.question
    );
    assert!(q.because.contains("Teams: Backup"));
    // The onboarding app: can it go, and is the administrator's refresh token kept.
    let q = question(&registrator, QuestionKind::Onboarding, 46, "refresh token");
    assert!(q.because.contains("Directory.AccessAsUser.All") && q.because.contains("Global Administrator"));
    assert!(q.lines.contains(&25), "the document line saying who signs in");
    question(&pro, QuestionKind::RefreshToken, 69, "refresh tokens");
    // What replaces EWS.
    question(
        &nakivo,
        QuestionKind::EwsRetirement,
        225,
        "instead of Exchange Web Services",
    );
    question(
        &pro,
        QuestionKind::EwsRetirement,
        75,
        "instead of Exchange Web Services",
    );
    // A purpose that does not need what the permission grants.
    let q = question(&express, QuestionKind::PurposeNarrower, 11, "Sites.FullControl.All");
    assert!(q.question.contains("Scan SharePoint Online site collections."));
    assert!(q.question.contains("Would Sites.Read.All do?"), "{}", q.question);
    let q = question(
        &azure,
        QuestionKind::PurposeNarrower,
        26,
        "Policy.ReadWrite.AuthenticationMethod",
    );
    assert!(
        q.question.contains("already asks for Policy.Read.All"),
        "{}",
        q.question
    );
    // A workload or phase permscope (or the file's author) derived and relies on.
    let q = question(&nakivo, QuestionKind::Derived, 221, "Teams: Recovery");
    assert!(q.because.contains("inference"), "{}", q.because);
    let q = question(&express, QuestionKind::Derived, 14, "only for restores");
    assert!(q.because.contains("Perform data recovery."), "{}", q.because);
    question(&b2c, QuestionKind::Derived, 54, "back up, and which only to restore");
    // Document quirks that leave the ask unclear.
    let q = question(&pro, QuestionKind::Quirk, 78, "does line 78 mean");
    assert_eq!(q.lines, vec![78]);
    let q = question(&pro, QuestionKind::Quirk, 84, "Office 365 SharePoint Online");
    assert_eq!(q.lines, vec![84, 85, 86, 87]);
    assert!(
        !pro.questions
            .iter()
            .any(|q| q.lines == vec![87] && q.kind == QuestionKind::Quirk),
        "the blank row under the wrong heading is asked about once, with its table"
    );
    question(&azure, QuestionKind::Quirk, 12, "signed-in user");
    let q = question(&azure, QuestionKind::Quirk, 22, "both as an application permission");
    assert_eq!(q.lines, vec![22, 23]);
    question(
        &pro,
        QuestionKind::Quirk,
        58,
        "through Microsoft Graph or through Exchange Online",
    );
    // A documented workload with no permission to back it up.
    let q = question(&nakivo, QuestionKind::PhaseGap, 234, "SharePoint and Group SharePoint");
    assert_eq!(q.lines, vec![133, 141, 149, 234]);

    // Every kind is exercised above.
    let asked: BTreeSet<&str> = [&azure, &express, &nakivo, &registrator, &pro, &b2c]
        .iter()
        .flat_map(|a| a.questions.iter().map(|q| q.kind.as_str()))
        .collect();
    let all: BTreeSet<&str> = QuestionKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(asked, all);
}

#[test]
fn every_question_names_lines_of_its_app_and_a_reason() {
    for slug in catalog().products.iter().map(|p| p.slug.clone()).collect::<Vec<_>>() {
        let p = product(&slug);
        for advice in product_advice(&slug).apps {
            let rows = permscope::model::advise::app_rows(catalog(), p, advice.app);
            let mut known: BTreeSet<u32> = rows.iter().map(|&i| catalog().requirements[i].line).collect();
            known.extend(advice.context.lines.iter().copied());
            for q in &advice.questions {
                assert!(!q.lines.is_empty(), "{slug}: {}", q.question);
                assert!(q.lines.windows(2).all(|w| w[0] < w[1]), "{:?} ascending", q.lines);
                for l in &q.lines {
                    assert!(
                        known.contains(l),
                        "{slug}: line {l} of {:?} is not the app's",
                        q.question
                    );
                }
                assert!(q.question.ends_with('?') || q.question.ends_with('.'), "{}", q.question);
                assert!(!q.because.trim().is_empty());
            }
        }
    }
}

// ---------------------------------------------------------------- hardening

fn step_ids(advice: &AppAdvice) -> Vec<&str> {
    advice.hardening.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn hardening_follows_what_the_app_holds_its_context_and_its_power() {
    let nakivo = advise("nakivo", "NAKIVO Backup & Replication");
    let ids = step_ids(&nakivo);
    for id in [
        "watch-sign-ins",
        "conditional-access-workload-identity",
        "certificate-credential",
        "scope-exchange-access",
        "ews-retirement",
    ] {
        assert!(ids.contains(&id), "nakivo lacks {id}: {ids:?}");
    }
    // The customer creates NAKIVO's app registration; the same app run by the vendor
    // gets neither Conditional Access for workload identities nor a certificate step.
    assert_eq!(
        app_context(catalog(), product("nakivo"), 0).credential_holder,
        Some(CredentialHolder::Customer)
    );
    let vendor = advise_with(
        "nakivo",
        "NAKIVO Backup & Replication",
        &AdviceContext {
            credential_holder: Some(CredentialHolder::Vendor),
            ..AdviceContext::default()
        },
    );
    let ids = step_ids(&vendor);
    assert!(!ids.contains(&"conditional-access-workload-identity") && !ids.contains(&"certificate-credential"));

    let express = advise("avepoint-cloud-backup-express", "AvePoint Cloud Backup Express");
    let ids = step_ids(&express);
    assert!(ids.contains(&"limit-exchange-role"), "{ids:?}");
    assert!(
        ids.contains(&"consent-with-just-in-time-admin"),
        "the document says a Global Administrator consents"
    );
    let registrator = advise("xopero-one", "Xopero ONE Registrator");
    let ids = step_ids(&registrator);
    assert!(ids.contains(&"remove-onboarding-app"), "{ids:?}");
    assert!(!ids.contains(&"refresh-token-lifetime"));
    assert!(
        !ids.contains(&"watch-sign-ins"),
        "a delegated-only app signs in with its users"
    );
    assert!(ids.contains(&"watch-user-sign-ins"));
    let pro = advise("xopero-one", "Xopero ONE MS365 PRO");
    assert!(step_ids(&pro).contains(&"refresh-token-lifetime"));

    // Tier 0 exactly where the analysis reaches Global Administrator.
    for slug in catalog().products.iter().map(|p| p.slug.clone()).collect::<Vec<_>>() {
        for advice in product_advice(&slug).apps {
            let reached = advice.analysis.reached("global-admin") != Reached::No;
            assert_eq!(
                step_ids(&advice).contains(&"treat-as-tier-0"),
                reached,
                "{slug} {}",
                advice.app_name
            );
        }
    }
    // Every step says why, with its placeholders filled in.
    for h in &nakivo.hardening {
        assert!(!h.why.contains('{') || h.why.contains("{id}"), "{}", h.why);
        assert!(h.step.contains("NAKIVO Backup & Replication") || !h.step.contains("{app}"));
    }
}

// ---------------------------------------------------------------- the least-privilege set

fn documented_keys(p: usize) -> BTreeSet<PermissionKey> {
    catalog()
        .rows_of(p)
        .map(|i| &catalog().requirements[i])
        .filter(|r| !r.permission.is_empty())
        .map(|r| PermissionKey {
            api: r.api,
            kind: r.kind,
            name: r.permission.clone(),
        })
        .collect()
}

fn audit_key(e: &audit::AuditEntry) -> PermissionKey {
    PermissionKey {
        api: e.api.expect("known API"),
        kind: e.kind,
        name: e.permission.clone().expect("named"),
    }
}

#[test]
fn the_least_privilege_set_exported_as_a_manifest_audits_back_as_exactly_what_was_removed() {
    let mut checked = 0;
    for p in 0..catalog().products.len() {
        if catalog().products[p].apps.len() != 1 {
            continue;
        }
        let slug = catalog().products[p].slug.clone();
        let advice = advisor().app(catalog(), p, 0, &app_context(catalog(), p, 0));
        let reduced: BTreeSet<PermissionKey> = advice.reduction.keys.iter().cloned().collect();
        let documented = documented_keys(p);
        let removed: BTreeSet<PermissionKey> = documented.difference(&reduced).cloned().collect();
        let added: BTreeSet<PermissionKey> = reduced.difference(&documented).cloned().collect();
        // The changes name every removed permission, and only those.
        let named: BTreeSet<PermissionKey> = advice.reduction.removed().into_iter().cloned().collect();
        assert_eq!(named, removed, "{slug}: the changes list what the set leaves out");

        let exported = export(catalog(), &advice.reduction.selection(), ExportFormat::Manifest);
        let read = read_export(&exported.text, "reduced-manifest.json").expect("the manifest reads back");
        let resolved = grants::resolve(catalog(), &read.grants);
        let narrower = Advisor::of(catalog()).narrower(catalog(), p);
        let result = audit::audit_apps(catalog(), p, None, &resolved, &Holders::default(), &narrower);
        let not_granted: BTreeSet<PermissionKey> = result.not_granted.iter().map(audit_key).collect();
        assert_eq!(not_granted, removed, "{slug}: documented but not granted = removed");
        // Nothing undocumented: what the set swapped in is narrower than documented.
        assert!(result.undocumented.is_empty(), "{slug}: {:?}", result.undocumented);
        let narrowed: BTreeSet<PermissionKey> = result.narrower.iter().map(audit_key).collect();
        assert!(narrowed.is_subset(&added), "{slug}: {narrowed:?} beyond {added:?}");
        // A swapped-in permission is either granted (and narrower than documented)
        // or named in the export's warnings (no GUID in the catalog the export uses).
        for k in &added {
            assert!(
                narrowed.contains(k) || exported.warnings.iter().any(|w| w.contains(&k.name)),
                "{slug}: {} vanished from the manifest without a warning",
                k.name
            );
        }
        eprintln!(
            "{slug}: {} asked, {} granted, {} documented but not granted (= removed), {} swapped in ({} narrower than documented, {} without a GUID in the export's catalog)",
            documented.len(),
            reduced.len(),
            not_granted.len(),
            added.len(),
            narrowed.len(),
            added.len() - narrowed.len()
        );
        checked += 1;
    }
    assert!(checked >= 4, "{checked} single-app products checked");
}

#[test]
fn nakivo_least_privilege_set_is_the_backup_set_with_tags_and_tabs_read_only() {
    let nakivo = advise("nakivo", "NAKIVO Backup & Replication");
    let names: BTreeSet<&str> = nakivo.reduction.keys.iter().map(|k| k.name.as_str()).collect();
    for gone in [
        "Mail.ReadWrite",
        "Calendars.ReadWrite",
        "Files.ReadWrite.All",
        "Sites.FullControl.All",
        "User.ReadWrite.All",
        "TeamsAppInstallation.ReadWriteAndConsentForTeam.All",
    ] {
        assert!(!names.contains(gone), "{gone} stays");
    }
    for kept in [
        "Mail.Read",
        "Files.Read.All",
        "User.Read.All",
        "full_access_as_app",
        "TeamworkTag.Read.All",
    ] {
        assert!(names.contains(kept), "{kept} missing");
    }
    let summary = nakivo.reduction.summary();
    assert!(summary.contains("recovery-only left out"), "{summary}");
}

// ---------------------------------------------------------------- located errors and layering

fn load_err(text: &str) -> permscope::model::read::ReadError {
    match AlternativeBook::from_json(text, "mine.json") {
        Ok(_) => panic!("should not load:\n{text}"),
        Err(e) => e,
    }
}

/// Line and column (1-based, characters) of the first `needle` in `text`.
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in text"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

const ENTRY: &str = r#"{
  "version": 1,
  "alternatives": [
    {
      "api": "Microsoft Graph",
      "type": "application",
      "permission": "Sites.FullControl.All",
      "instead": [
        {
          "permission": "PERMISSION",
          "gives_up": "reach to every site",
          "fits_when": "only some sites",
          "source": "https://learn.microsoft.com/graph/permissions-selected-overview"
        }
      ]
    }
  ]
}
"#;

#[test]
fn a_broken_alternatives_file_is_refused_with_its_place() {
    // A misspelt permission: located at the value, with Microsoft's nearest name.
    let text = ENTRY.replace("PERMISSION", "Sites.Selcted");
    let e = load_err(&text);
    assert_eq!((e.line, e.column), {
        let (l, c) = position_of(&text, "\"Sites.Selcted\"");
        (Some(l), Some(c))
    });
    assert_eq!(e.field.as_deref(), Some("alternatives[0].instead[0].permission"));
    assert!(e.message.contains("Sites.Selected"), "{}", e.message);
    assert!(e.to_string().starts_with("mine.json:"));

    // A syntax error.
    let text = ENTRY.replace("\"PERMISSION\",", "\"Sites.Selected\"");
    let e = load_err(&text);
    assert_eq!(e.kind, permscope::model::read::ErrorKind::Syntax);
    assert!(e.line.is_some());

    // An unknown field, named.
    let text = ENTRY.replace("\"gives_up\"", "\"give_up\"");
    let e = load_err(&text);
    assert!(e.message.contains("give_up"), "{e}");
    assert_eq!(e.line, Some(position_of(&text, "\"give_up\"").0));

    // Both a permission and a mechanism.
    let text = ENTRY.replace(
        "\"permission\": \"PERMISSION\",",
        "\"permission\": \"Sites.Selected\", \"mechanism\": \"do it by hand\",",
    );
    let e = load_err(&text);
    assert_eq!(e.field.as_deref(), Some("alternatives[0].instead[0].mechanism"));

    // A permission of another resource.
    let text = ENTRY
        .replace(
            "\"permission\": \"Sites.FullControl.All\"",
            "\"permission\": \"Exchange.ManageAsApp\"",
        )
        .replace("PERMISSION", "Sites.Selected");
    let e = load_err(&text);
    assert_eq!(e.field.as_deref(), Some("alternatives[0].permission"), "{e}");
    assert!(e.message.contains("Microsoft Graph"), "{e}");

    // An unknown resource.
    let text = ENTRY.replace("\"api\": \"Microsoft Graph\"", "\"api\": \"Microsoft Grph\"");
    let e = load_err(&text.replace("PERMISSION", "Sites.Selected"));
    assert_eq!(e.field.as_deref(), Some("alternatives[0].api"));

    // Invisible characters in text.
    let text = ENTRY
        .replace("PERMISSION", "Sites.Selected")
        .replace("reach to every site", "reach to\u{202e} every site");
    let e = load_err(&text);
    assert_eq!(e.line, Some(position_of(&text, "reach to").0));

    // Hardening: an unknown placeholder, an unknown outcome.
    let hardening = |step: &str, outcome: &str| {
        format!(
            r#"{{"version": 1, "hardening": [{{"id": "my-step", "when": {{"outcomes": ["{outcome}"]}}, "step": "{step}", "why": "because", "source": "me"}}]}}"#
        )
    };
    let e = load_err(&hardening("Do it for {appname}", "global-admin"));
    assert_eq!(e.field.as_deref(), Some("hardening[0].step"));
    assert!(e.message.contains("{app}"), "{}", e.message);
    let e = load_err(&hardening("Do it for {app}", "world-domination"));
    assert_eq!(e.field.as_deref(), Some("hardening[0].when.outcomes[0]"));

    // A version this permscope does not read.
    let e = load_err(r#"{"version": 2}"#);
    assert_eq!(e.field.as_deref(), Some("version"));

    // The same permission twice.
    let twice = ENTRY.replace("PERMISSION", "Sites.Selected");
    let one = &twice[twice.find("    {\n      \"api\"").unwrap()..twice.rfind("\n  ]\n}").unwrap()];
    let doubled = twice.replace(one, &format!("{one},\n{one}"));
    let e = load_err(&doubled);
    assert_eq!(e.field.as_deref(), Some("alternatives[1].permission"));
    assert!(e.message.contains("twice"));
}

#[test]
fn a_reviewers_file_layers_on_the_bundled_alternatives() {
    let mut book = AlternativeBook::bundled();
    let layer = r#"{
  "version": 1,
  "alternatives": [
    {
      "api": "Microsoft Graph",
      "type": "application",
      "permission": "User.ReadWrite.All",
      "instead": [
        {
          "permission": "User.ReadBasic.All",
          "reduce": true,
          "gives_up": "everything but basic profile properties",
          "fits_when": "the app only needs names and ids",
          "source": "our own review, ticket 42"
        }
      ]
    }
  ],
  "remove_hardening": ["watch-sign-ins"]
}"#;
    book.layer_json(layer, "review.json").expect("the layer loads");
    let mut mine = Advisor::new(book, CapabilityModel::bundled());
    let p = product("nakivo");
    let advice = mine.app(catalog(), p, 0, &app_context(catalog(), p, 0));
    let r = row(&advice, 77, GRAPH, "User.ReadWrite.All");
    // The reviewer's entry replaced the bundled one (User.Read.All is no longer offered as written).
    let written: Vec<&str> = r
        .alternatives
        .iter()
        .filter(|a| matches!(a.basis, Basis::Written { .. }))
        .filter_map(|a| a.permission.as_deref())
        .collect();
    assert_eq!(written, vec!["User.ReadBasic.All"]);
    let change = advice
        .reduction
        .changes
        .iter()
        .find(|c| c.removed.name == "User.ReadWrite.All")
        .expect("swapped");
    assert_eq!(
        change.replaced_by.as_ref().map(|k| k.name.as_str()),
        Some("User.ReadBasic.All")
    );
    assert!(!step_ids(&advice).contains(&"watch-sign-ins"));
    // Removing a step the bundled file does not have is an error, located.
    let e = AlternativeBook::bundled()
        .layer_json(r#"{"version": 1, "remove_hardening": ["no-such-step"]}"#, "review.json")
        .expect_err("unknown id");
    assert_eq!(e.field.as_deref(), Some("remove_hardening[0]"));
}

// ---------------------------------------------------------------- output and the JSON contract

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().expect("object").keys().map(String::as_str).collect()
}

fn set(items: &[&'static str]) -> BTreeSet<&'static str> {
    items.iter().copied().collect()
}

fn check_contract(v: &Value, slug: &str) {
    assert_eq!(keys(v), set(&["product", "apps"]));
    assert_eq!(v["product"], slug);
    let apps = v["apps"].as_array().expect("apps");
    assert!(!apps.is_empty());
    for app in apps {
        assert_eq!(keys(app), set(&["app", "requirements", "hardening", "questions"]));
        assert!(app["app"].is_string());
        for r in app["requirements"].as_array().expect("requirements") {
            assert_eq!(keys(r), set(&["api", "permission", "type", "alternatives"]));
            assert!(["application", "delegated"].contains(&r["type"].as_str().expect("type")));
            for a in r["alternatives"].as_array().expect("alternatives") {
                assert_eq!(
                    keys(a),
                    set(&[
                        "api",
                        "permission",
                        "mechanism",
                        "gives_up",
                        "fits_when",
                        "already_held"
                    ])
                );
                assert_ne!(a["permission"].is_null(), a["mechanism"].is_null(), "{a}");
                assert!(a["api"].is_string() && a["gives_up"].is_string() && a["fits_when"].is_string());
                assert!(a["already_held"].is_boolean());
            }
        }
        for h in app["hardening"].as_array().expect("hardening") {
            assert_eq!(keys(h), set(&["step", "why"]));
        }
        for q in app["questions"].as_array().expect("questions") {
            assert_eq!(keys(q), set(&["question", "because", "lines"]));
            assert!(
                q["lines"]
                    .as_array()
                    .expect("lines")
                    .iter()
                    .all(|l| l.as_u64().is_some())
            );
        }
    }
}

#[test]
fn the_json_contract_for_every_bundled_product() {
    for slug in catalog().products.iter().map(|p| p.slug.clone()).collect::<Vec<_>>() {
        let advice = product_advice(&slug);
        check_contract(&to_json(catalog(), &advice), &slug);
    }
    let o = permscope(&["advise", "--product", "nakivo", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    check_contract(&v, "nakivo");
    let app = &v["apps"][0];
    assert_eq!(app["app"], "NAKIVO Backup & Replication");
    let mail = app["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["permission"] == "Mail.ReadWrite")
        .expect("Mail.ReadWrite");
    assert!(
        mail["alternatives"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["permission"] == "Mail.Read" && a["already_held"] == true)
    );
}

#[test]
fn the_command_picks_an_app_by_a_unique_prefix_and_lists_the_apps_otherwise() {
    let o = permscope(&[
        "advise",
        "--product",
        "xopero-one",
        "--app",
        "xopero one reg",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    let apps = v["apps"].as_array().unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["app"], "Xopero ONE Registrator");
    for name in ["xopero", "nobody"] {
        let o = permscope(&["advise", "--product", "xopero-one", "--app", name]);
        assert!(!o.status.success());
        let err = stderr(&o);
        assert!(
            err.contains("Xopero ONE Registrator") && err.contains("Xopero ONE MS365 PRO"),
            "{err}"
        );
    }
    // Without --app, every app of the product.
    let o = permscope(&["advise", "--product", "gitprotect", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(v["apps"].as_array().unwrap().len(), 2);
    // Text and Markdown name the questions' lines.
    let o = permscope(&["advise", "--product", "nakivo"]);
    assert!(stdout(&o).contains("Questions for the vendor"));
    let o = permscope(&["advise", "--product", "nakivo", "--format", "md"]);
    let md = stdout(&o);
    assert!(
        md.starts_with("# Permissions review: NAKIVO Backup &amp; Replication"),
        "{md}"
    );
    assert!(md.contains("### Questions for the vendor"));
}

#[test]
fn markdown_escapes_the_vendors_text() {
    let mut catalog = Catalog::empty();
    let hostile = r#"{
  "slug": "hostile",
  "vendor": "Evil <b>Corp</b>",
  "product": "Backup [click](https://evil.example) *now*",
  "source": { "title": "doc", "file": "doc.txt" },
  "apps": [
    {
      "name": "App <script>alert(1)</script> @everyone #1",
      "requirements": [
        { "line": 3, "api": "Microsoft Graph", "permission": "Sites.FullControl.All", "type": "application",
          "purpose": "Scan `sites` | and ![img](https://evil.example/x.png)" }
      ]
    }
  ]
}"#;
    catalog
        .add_product_text(hostile, Origin::Bundled("hostile.json"))
        .expect("loads");
    let mut advisor = Advisor::bundled();
    let advice = advisor.product(&catalog, 0, None, &|_| AdviceContext::default());
    let md = to_markdown(&catalog, &advice);
    for raw in [
        "<script>",
        "<b>",
        "[click](",
        "![img](",
        "[img](",
        " @everyone",
        " #1",
        "`sites`",
    ] {
        assert!(!md.contains(raw), "{raw} reached the Markdown:\n{md}");
    }
    assert!(md.contains("&lt;script&gt;"));
    // The JSON keeps the text as it is, escaped by the serialiser.
    let json = render(&catalog, &advice, AdviseFormat::Json, 100);
    let v: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["apps"][0]["app"], "App <script>alert(1)</script> @everyone #1");
}

#[test]
fn the_bundled_file_uses_only_what_its_schema_declares() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(root.join(name)).expect("readable")).expect("JSON")
    };
    let schema = read("alternatives.schema.json");
    let data = read("alternatives.json");
    let declared = |def: Option<&str>| -> BTreeSet<String> {
        let node = match def {
            Some(d) => &schema["$defs"][d],
            None => &schema,
        };
        node["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{def:?} declares properties"))
            .keys()
            .cloned()
            .collect()
    };
    let check = |value: &Value, def: Option<&str>| {
        let allowed = declared(def);
        for key in value.as_object().expect("object").keys() {
            assert!(allowed.contains(key), "`{key}` is not declared in {def:?}");
        }
        for required in schema_required(&schema, def) {
            assert!(value.get(&required).is_some(), "{def:?} requires `{required}`");
        }
    };
    check(&data, None);
    for e in data["alternatives"].as_array().expect("alternatives") {
        check(e, Some("entry"));
        for a in e["instead"].as_array().expect("instead") {
            check(a, Some("alternative"));
        }
    }
    check(&data["just_in_time"], Some("mechanism"));
    for h in data["hardening"].as_array().expect("hardening") {
        check(h, Some("hardening"));
        check(&h["when"], Some("when"));
    }
}

fn schema_required(schema: &Value, def: Option<&str>) -> Vec<String> {
    let node = match def {
        Some(d) => &schema["$defs"][d],
        None => schema,
    };
    node["required"]
        .as_array()
        .map(|r| r.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// The README's per-product advice table, from `advise --format json` and the
/// model: alternatives by where they come from, questions, hardening steps
/// and the least-privilege set's summary.
fn advice_table() -> Vec<String> {
    let c = catalog();
    let mut rows = vec![
        "| product | app | alternatives (written / derived / already held / just in time) | questions | hardening steps | least-privilege set |".to_string(),
        "|---|---|---|---:|---:|---|".to_string(),
    ];
    for p in &c.products {
        let advice = product_advice(&p.slug);
        for a in &advice.apps {
            let all: Vec<&permscope::model::advise::Alternative> =
                a.requirements.iter().flat_map(|r| &r.alternatives).collect();
            let count =
                |f: &dyn Fn(&permscope::model::advise::Basis) -> bool| all.iter().filter(|x| f(&x.basis)).count();
            let written = count(&|b| matches!(b, Basis::Written { .. }));
            let derived = count(&|b| matches!(b, Basis::Derived { .. }));
            let held = count(&|b| matches!(b, Basis::CoversReads { .. }));
            let jit = count(&|b| matches!(b, Basis::JustInTime { .. }));
            rows.push(format!(
                "| {} | {} | {} ({written} / {derived} / {held} / {jit}) | {} | {} | {} |",
                p.slug,
                a.app_name,
                all.len(),
                a.questions.len(),
                a.hardening.len(),
                a.reduction.summary()
            ));
        }
    }
    rows
}

#[test]
fn readme_advice_table_is_the_programs_output() {
    common::readme_block(
        "advice",
        &advice_table(),
        "UPDATE_README=1 cargo test --test advise readme",
    );
}
