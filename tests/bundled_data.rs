//! The bundled data against the vendor documents and Microsoft's catalogs.
//!
//! Counts are written here by hand from reading the documents; the seed and
//! reference checks run when `../shared` is present and skip loudly otherwise.

mod common;

use permscope::model::catalog::{BUNDLED, Catalog};
use permscope::model::permission::PermissionKind;
use permscope::model::query::group_by_permission;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

fn bundled() -> Catalog {
    let (catalog, report) = Catalog::load(&[]);
    assert!(report.errors.is_empty(), "bundled data has errors: {:?}", report.errors);
    catalog
}

fn shared(sub: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(sub);
    if p.is_dir() {
        Some(p)
    } else {
        common::skip(format_args!(
            "{} not found; this check needs the project's shared folder",
            p.display()
        ));
        None
    }
}

#[test]
fn every_bundled_file_is_embedded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/products");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = BUNDLED.iter().map(|(n, _)| n.to_string()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded, "data/products and catalog::BUNDLED disagree");
}

#[test]
fn products_have_the_required_slugs_in_order() {
    let c = bundled();
    let slugs: Vec<&str> = c.products.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "gitprotect",
            "xopero-one",
            "nakivo",
            "avepoint-cloud-backup-express",
            "avepoint-cloud-backup-azure",
            "avepoint-cloud-backup-azure-devops",
            "avepoint-cloud-backup-azure-ad-b2c",
        ]
    );
}

/// (slug, requirements, document rows, distinct permissions) as read from the documents.
const COUNTS: [(&str, usize, usize, usize); 7] = [
    // 4 Registrator rows + 12 Graph + 4 Exchange + 4 repeated under the SharePoint heading.
    ("gitprotect", 24, 24, 19),
    ("xopero-one", 24, 24, 19),
    // 27 Graph rows + 1 Exchange + 1 SharePoint; Group.ReadWrite.All names two kinds.
    ("nakivo", 30, 29, 30),
    ("avepoint-cloud-backup-express", 12, 12, 12),
    // BitlockerKey.Read.All and DeviceManagementApps.ReadWrite.All appear as both kinds.
    ("avepoint-cloud-backup-azure", 24, 24, 24),
    ("avepoint-cloud-backup-azure-devops", 2, 2, 2),
    ("avepoint-cloud-backup-azure-ad-b2c", 14, 14, 14),
];

#[test]
fn row_and_permission_counts_match_the_documents() {
    let c = bundled();
    for (slug, reqs, lines, distinct) in COUNTS {
        let i = c.product_index(slug).unwrap();
        let rows = c.rows_of(i);
        let got_lines: BTreeSet<u32> = rows.clone().map(|r| c.requirements[r].line).collect();
        assert_eq!(rows.len(), reqs, "{slug}: requirements");
        assert_eq!(got_lines.len(), lines, "{slug}: document rows");
        assert_eq!(
            group_by_permission(&c, rows).len(),
            distinct,
            "{slug}: distinct permissions"
        );
    }
    assert_eq!(c.requirements.len(), COUNTS.iter().map(|c| c.1).sum::<usize>());
}

#[test]
fn known_quirks_are_kept_and_explained() {
    let c = bundled();
    // The empty Exchange claim, twice per Xopero document.
    for slug in ["gitprotect", "xopero-one"] {
        let p = c.product_index(slug).unwrap();
        let empty: Vec<_> = c
            .rows_of(p)
            .filter(|&i| c.requirements[i].permission.is_empty())
            .collect();
        assert_eq!(empty.len(), 2, "{slug}");
        for i in empty {
            let r = &c.requirements[i];
            assert_eq!(c.apis[r.api].name, "Office 365 Exchange Online");
            assert_eq!(r.kind, PermissionKind::Delegated);
            assert!(!r.notes.is_empty());
        }
        // The SharePoint heading repeats the Exchange rows.
        let under_sharepoint = c
            .rows_of(p)
            .filter(|&i| c.requirements[i].table.as_deref() == Some("Office 365 SharePoint Online"))
            .count();
        assert_eq!(under_sharepoint, 4, "{slug}");
    }
    let has = |slug: &str, name: &str, kind: PermissionKind| {
        let p = c.product_index(slug).unwrap();
        c.rows_of(p)
            .filter(|&i| c.requirements[i].permission == name && c.requirements[i].kind == kind)
            .count()
    };
    for name in ["BitlockerKey.Read.All", "DeviceManagementApps.ReadWrite.All"] {
        assert_eq!(has("avepoint-cloud-backup-azure", name, PermissionKind::Application), 1);
        assert_eq!(has("avepoint-cloud-backup-azure", name, PermissionKind::Delegated), 1);
    }
    // NAKIVO's two-kind row and its short last row.
    assert_eq!(has("nakivo", "Group.ReadWrite.All", PermissionKind::Delegated), 1);
    let n = c.product_index("nakivo").unwrap();
    let teams_app = c
        .rows_of(n)
        .map(|i| &c.requirements[i])
        .find(|r| r.permission == "TeamsAppInstallation.ReadWriteAndConsentForTeam.All")
        .unwrap();
    assert!(!teams_app.workloads[0].documented && !teams_app.notes.is_empty());
    // The preview marker and the B2C spelling are kept as written.
    let azure = c.product_index("avepoint-cloud-backup-azure").unwrap();
    assert!(
        c.rows_of(azure)
            .any(|i| c.requirements[i].permission_as_written.as_deref()
                == Some("UserAuthenticationMethod.ReadWrite.All (preview)"))
    );
    let b2c = c.product_index("avepoint-cloud-backup-azure-ad-b2c").unwrap();
    assert!(
        c.rows_of(b2c)
            .all(|i| &*c.requirements[i].api_as_written == "MSFT Graph"
                && c.apis[c.requirements[i].api].name == "Microsoft Graph")
    );
    let express = c.product_index("avepoint-cloud-backup-express").unwrap();
    assert!(
        c.rows_of(express)
            .any(|i| &*c.requirements[i].api_as_written == "SharePoint/Office 365 SharePoint Online")
    );
}

#[test]
fn every_requirement_has_a_workload_and_nakivo_keeps_its_phases() {
    let c = bundled();
    assert!(c.requirements.iter().all(|r| !r.workloads.is_empty()));
    let n = c.product_index("nakivo").unwrap();
    let user_read = c
        .rows_of(n)
        .map(|i| &c.requirements[i])
        .find(|r| r.permission == "User.Read.All")
        .unwrap();
    let got: Vec<(String, Vec<&str>)> = user_read
        .workloads
        .iter()
        .map(|w| (w.workload.to_string(), w.phases.iter().map(|p| p.as_str()).collect()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Exchange Online".to_string(), vec!["Discovery", "Backup", "Recovery"]),
            ("Group Mailbox".to_string(), vec!["Backup"]),
            ("OneDrive for Business".to_string(), vec!["Discovery"]),
        ]
    );
    assert!(user_read.workloads.iter().all(|w| w.documented));
    // Derived: AvePoint's "Perform data recovery" gives a Recovery phase, marked derived.
    let e = c.product_index("avepoint-cloud-backup-express").unwrap();
    let restore = c
        .rows_of(e)
        .map(|i| &c.requirements[i])
        .find(|r| r.permission == "BackupRestore-Restore.ReadWrite.All")
        .unwrap();
    assert_eq!(&*restore.workloads[0].workload, "Microsoft 365 Backup");
    assert!(!restore.workloads[0].documented);
    assert!(restore.recovery_only());
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Lines of a seed that start a table row, by each document's own layout.
fn row_lines(file: &str, text: &str) -> BTreeSet<u32> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = BTreeSet::new();
    for (i, raw) in lines.iter().enumerate() {
        let l = raw.trim();
        let n = i as u32 + 1;
        let is_row = match &file[..3] {
            // One cell a line: an API cell not followed by the "API name" header.
            "000" => {
                (l == "Microsoft Graph" || l == "Office 365 Exchange Online")
                    && lines[i + 1..].iter().find(|x| !x.trim().is_empty()).map(|x| x.trim()) != Some("API name")
            }
            "001" => l.starts_with("| Microsoft Graph ") || l.starts_with("| Office 365 Exchange Online "),
            "002" => {
                l.starts_with("| ")
                    && !l.starts_with("| Permission")
                    && l[2..]
                        .split(' ')
                        .next()
                        .is_some_and(|w| w.contains('.') || w.contains('_'))
            }
            _ => {
                [
                    "Microsoft Graph",
                    "MSFT Graph",
                    "Office 365 Exchange Online",
                    "SharePoint/",
                    "Azure DevOps",
                ]
                .iter()
                .any(|p| l.starts_with(p))
                    && l.contains('(')
            }
        };
        if is_row {
            out.insert(n);
        }
    }
    out
}

#[test]
fn every_seed_row_is_present_with_its_line() {
    let Some(seeds) = shared("seeds") else { return };
    let c = bundled();
    let mut by_file: HashMap<&str, BTreeSet<u32>> = HashMap::new();
    for r in &c.requirements {
        by_file
            .entry(c.products[r.product].source.file.as_str())
            .or_default()
            .insert(r.line);
    }
    for p in &c.products {
        let path = seeds.join(&p.source.file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            p.source.sha256.as_deref(),
            Some(sha256_hex(&bytes).as_str()),
            "{}",
            p.slug
        );
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for i in c.rows_of(c.product_index(&p.slug).unwrap()) {
            let r = &c.requirements[i];
            let line = lines[r.line as usize - 1];
            let claim = r.permission_as_written.as_deref().unwrap_or(&r.permission);
            let cell = if claim.is_empty() { &*r.api_as_written } else { claim };
            // In seed 000 each cell is on its own line: the claim follows the API cell.
            let window = lines[r.line as usize - 1..(r.line as usize + 2).min(lines.len())].join("\n");
            assert!(
                line.contains(cell) || window.contains(cell),
                "{} line {}: expected `{cell}` in {line:?}",
                p.slug,
                r.line
            );
        }
    }
    for file in by_file.keys() {
        let text = std::fs::read_to_string(seeds.join(file)).unwrap();
        let expected = row_lines(file, &text);
        let got = &by_file[file];
        assert_eq!(
            &expected,
            got,
            "{file}: rows in the document vs rows in data (missing: {:?}, extra: {:?})",
            expected.difference(got).collect::<Vec<_>>(),
            got.difference(&expected).collect::<Vec<_>>()
        );
    }
}

/// (resource app id, kind, claim) -> GUID from the reference catalogs.
fn reference_ids(root: &Path) -> HashMap<(String, PermissionKind, String), String> {
    let mut out = HashMap::new();
    let graph = "00000003-0000-0000-c000-000000000000".to_string();
    for (file, kind) in [
        (
            "graph/merill-microsoft-info_GraphAppRoles.json",
            PermissionKind::Application,
        ),
        (
            "graph/merill-microsoft-info_GraphDelegateRoles.json",
            PermissionKind::Delegated,
        ),
    ] {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(root.join(file)).unwrap()).unwrap();
        for e in v.as_array().unwrap() {
            out.insert(
                (graph.clone(), kind, e["Value"].as_str().unwrap().to_string()),
                e["Id"].as_str().unwrap().to_lowercase(),
            );
        }
    }
    for (file, app) in [
        (
            "first-party_Office365ExchangeOnline.md",
            "00000002-0000-0ff1-ce00-000000000000",
        ),
        (
            "first-party_Office365SharePointOnline.md",
            "00000003-0000-0ff1-ce00-000000000000",
        ),
        ("first-party_AzureDevOps.md", "499b84ac-1321-427f-aa17-267ca6975798"),
    ] {
        let text = std::fs::read_to_string(root.join("exchange-sharepoint-devops").join(file)).unwrap();
        let mut kind = None;
        for line in text.lines() {
            if line.starts_with("## Application") {
                kind = Some(PermissionKind::Application);
            } else if line.starts_with("## Delegated") {
                kind = Some(PermissionKind::Delegated);
            } else if let Some(k) = kind
                && line.starts_with("| ")
                && !line.starts_with("| Role |")
            {
                let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
                out.insert((app.to_string(), k, cells[0].to_string()), cells[1].to_lowercase());
            }
        }
    }
    out
}

#[test]
fn every_guid_and_kind_agrees_with_the_reference_catalogs() {
    let Some(root) = shared("reference") else { return };
    let reference = reference_ids(&root);
    let c = bundled();
    let mut checked = 0;
    for r in &c.requirements {
        let api = &c.apis[r.api];
        let key = (api.app_id.clone(), r.kind, r.permission.clone());
        match (c.fact(r), reference.get(&key)) {
            (Some(f), Some(id)) => {
                assert_eq!(&f.id, id, "{} {} {}", api.name, r.kind, r.permission);
                checked += 1;
            }
            (None, None) => assert!(
                !r.notes.is_empty(),
                "{} line {}: `{}` is in no catalog and has no note",
                c.products[r.product].slug,
                r.line,
                r.permission
            ),
            (Some(_), None) => panic!(
                "{} {} {}: our fact has no reference entry",
                api.name, r.kind, r.permission
            ),
            (None, Some(id)) => panic!(
                "{} {} {}: reference has {id}, we have none",
                api.name, r.kind, r.permission
            ),
        }
    }
    assert_eq!(
        checked,
        c.requirements.len() - 4,
        "all but the four empty claims are checked"
    );
}

#[test]
fn same_guid_under_two_names_is_kept_apart() {
    let c = bundled();
    let graph = &c.apis[c.api_index("Microsoft Graph").unwrap()].app_id;
    let exo = &c.apis[c.api_index("Office 365 Exchange Online").unwrap()].app_id;
    let g = c
        .microsoft
        .get(graph, PermissionKind::Application, "Calendars.ReadWrite")
        .unwrap();
    let e = c
        .microsoft
        .get(exo, PermissionKind::Application, "Calendars.ReadWrite.All")
        .unwrap();
    assert_eq!(g.id, e.id);
    assert!(
        c.microsoft
            .get(exo, PermissionKind::Application, "Calendars.ReadWrite")
            .is_none()
    );
}
