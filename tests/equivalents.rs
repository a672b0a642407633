//! `data/equivalents.json` held against Microsoft's catalog: every "same data
//! through another API" pair names two real permissions whose published facts
//! say what its basis says, and every GUID two resources share is judged one
//! way or the other.

use permscope::model::catalog::Catalog;
use permscope::model::equivalence::{Basis, Equivalences, NamedClaim};
use permscope::model::microsoft::{MicrosoftCatalog, MicrosoftPermission};
use permscope::model::permission::PermissionKind;
use std::collections::{BTreeSet, HashMap};

fn app_id(c: &Catalog, api: &str) -> String {
    let i = c
        .api_index(api)
        .unwrap_or_else(|| panic!("{api} is not an API of data/apis.json"));
    c.apis[i].app_id.clone()
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn published<'m>(m: &'m MicrosoftCatalog, c: &Catalog, claim: &NamedClaim) -> &'m MicrosoftPermission {
    m.get(&app_id(c, &claim.api), claim.kind, &claim.permission)
        .unwrap_or_else(|| panic!("{claim:?} is not in Microsoft's catalog"))
}

#[test]
fn every_same_data_pair_is_two_published_permissions_its_basis_describes() {
    let c = Catalog::empty();
    let m = MicrosoftCatalog::bundled();
    let e = Equivalences::bundled();
    for pair in &e.same_data {
        let [a, b] = &pair.permissions;
        assert_ne!(app_id(&c, &a.api), app_id(&c, &b.api), "{pair:?}");
        let (pa, pb) = (published(&m, &c, a), published(&m, &c, b));
        let (da, db) = (pa.display_name.as_deref(), pb.display_name.as_deref());
        assert!(da.is_some() && db.is_some(), "{pair:?}: no display name to compare");
        assert_eq!(
            fold(da.unwrap()),
            fold(db.unwrap()),
            "{pair:?}: the display names differ"
        );
        match pair.basis {
            Basis::SameId => assert_eq!(pa.id, pb.id, "{pair:?}: said to share a GUID"),
            Basis::SameDisplayName => assert_ne!(pa.id, pb.id, "{pair:?}: shares a GUID: say same_id"),
        }
    }
    for pair in &e.not_same_data {
        let [a, b] = &pair.permissions;
        let (pa, pb) = (published(&m, &c, a), published(&m, &c, b));
        assert_eq!(pa.id, pb.id, "{pair:?}: listed for sharing a GUID");
        assert_ne!(
            fold(pa.display_name.as_deref().unwrap_or("")),
            fold(pb.display_name.as_deref().unwrap_or("")),
            "{pair:?}: the same display name: is it the same data after all?"
        );
    }
}

#[test]
fn every_guid_two_resources_share_is_judged() {
    let c = Catalog::empty();
    let m = MicrosoftCatalog::bundled();
    let e = Equivalences::bundled();
    let judged: BTreeSet<BTreeSet<(String, PermissionKind, String)>> = e
        .same_data
        .iter()
        .map(|p| &p.permissions)
        .chain(e.not_same_data.iter().map(|p| &p.permissions))
        .map(|pair| {
            pair.iter()
                .map(|x| (app_id(&c, &x.api), x.kind, x.permission.clone()))
                .collect()
        })
        .collect();
    let mut by_id: HashMap<(PermissionKind, String), Vec<(String, String)>> = HashMap::new();
    for api in &c.apis {
        for kind in [PermissionKind::Application, PermissionKind::Delegated] {
            for (name, p) in m.permissions(&api.app_id, kind) {
                by_id
                    .entry((kind, p.id.to_string()))
                    .or_default()
                    .push((api.app_id.clone(), name.to_string()));
            }
        }
    }
    let mut unjudged = Vec::new();
    for ((kind, id), holders) in &by_id {
        for (i, a) in holders.iter().enumerate() {
            for b in &holders[i + 1..] {
                if a.0 == b.0 {
                    continue;
                }
                let pair: BTreeSet<_> = [(a.0.clone(), *kind, a.1.clone()), (b.0.clone(), *kind, b.1.clone())].into();
                if !judged.contains(&pair) {
                    unjudged.push(format!("{id}: {a:?} and {b:?}"));
                }
            }
        }
    }
    unjudged.sort();
    assert!(
        unjudged.is_empty(),
        "GUIDs shared by two resources that data/equivalents.json neither nets nor refuses:\n{}",
        unjudged.join("\n")
    );
}

#[test]
fn the_issues_cases_are_judged_as_the_issue_says() {
    let e = Equivalences::bundled();
    let has = |list: &[[NamedClaim; 2]], a: (&str, &str), b: (&str, &str)| {
        list.iter().any(|[x, y]| {
            x.api == a.0
                && x.permission == a.1
                && y.api == b.0
                && y.permission == b.1
                && x.kind == PermissionKind::Application
        })
    };
    let same: Vec<[NamedClaim; 2]> = e.same_data.iter().map(|p| p.permissions.clone()).collect();
    let not_same: Vec<[NamedClaim; 2]> = e.not_same_data.iter().map(|p| p.permissions.clone()).collect();
    let exchange = "Office 365 Exchange Online";
    assert!(has(
        &same,
        ("Microsoft Graph", "Calendars.ReadWrite"),
        (exchange, "Calendars.ReadWrite.All")
    ));
    assert!(has(
        &same,
        ("Microsoft Graph", "Mail.ReadWrite"),
        (exchange, "Mail.ReadWrite")
    ));
    assert!(has(
        &not_same,
        ("Microsoft Graph", "User.Read.All"),
        ("Office 365 SharePoint Online", "User.Read.All")
    ));
    assert!(!has(
        &same,
        ("Microsoft Graph", "User.Read.All"),
        ("Office 365 SharePoint Online", "User.Read.All")
    ));
}
