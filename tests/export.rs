//! Selections and every export format, byte for byte, on the bundled data.
//!
//! Expected outputs live in `tests/golden/export/`. Risk levels are part of
//! several formats and the risk rules change, so the files are regenerated,
//! not edited: `UPDATE_GOLDEN=1 cargo test --test export`, then review the diff.

mod common;

use permscope::clipboard::{base64, osc52};
use permscope::model::catalog::Catalog;
use permscope::model::export::{Export, ExportFormat, export};
use permscope::model::level::RiskLevel;
use permscope::model::permission::{PermissionKey, PermissionKind};
use permscope::model::product::Origin;
use permscope::model::profile;
use permscope::model::selection::{Preset, Selection, key_of};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bundled() -> Catalog {
    let (catalog, report) = Catalog::load(&[]);
    assert!(report.errors.is_empty(), "bundled data has errors: {:?}", report.errors);
    catalog
}

fn product(c: &Catalog, slug: &str) -> usize {
    c.product_index(slug).unwrap_or_else(|| panic!("no product {slug}"))
}

fn api(c: &Catalog, name: &str) -> usize {
    c.api_index(name).unwrap_or_else(|| panic!("no API {name}"))
}

fn key(c: &Catalog, api_name: &str, kind: PermissionKind, name: &str) -> PermissionKey {
    PermissionKey {
        api: api(c, api_name),
        kind,
        name: name.into(),
    }
}

/// A product whose claims are not in Microsoft's catalog and carry every
/// character that means something to PowerShell, a shell, CSV or Markdown.
const HOSTILE: &str = r#"{
  "slug": "hostile-fixture",
  "vendor": "Test",
  "product": "Hostile fixture",
  "source": {"title": "Fixture", "file": "fixture.txt"},
  "apps": [{
    "name": "Fixture app",
    "requirements": [
      {"line": 1, "api": "Microsoft Graph", "permission": "Mail.Read", "type": "application"},
      {"line": 2, "api": "Microsoft Graph", "permission": "Evil'Name$(calc)", "type": "application"},
      {"line": 3, "api": "Microsoft Graph", "permission": "=HYPERLINK(\"x\",\"y\")", "type": "application"},
      {"line": 4, "api": "Microsoft Graph", "permission": "Quote\"Scope`$env:USERNAME", "type": "delegated"},
      {"line": 5, "api": "Microsoft Graph", "permission": "\u2018smart\u2019", "type": "delegated"},
      {"line": 6, "api": "Exchange", "permission": "Back`tick|pipe<b>", "type": "delegated"},
      {"line": 7, "api": "Exchange", "permission": "x';touch${IFS}/tmp/pwned;'", "type": "application"}
    ]
  }]
}"#;

fn with_hostile() -> Catalog {
    let mut c = bundled();
    c.add_product_text(HOSTILE, Origin::Bundled("hostile-fixture.json"))
        .expect("fixture loads");
    c
}

/// The named selections the golden files are made of.
fn cases() -> Vec<(&'static str, Catalog, Selection)> {
    let c = bundled();
    let nakivo = Selection::preset(&c, product(&c, "nakivo"), Preset::Everything);
    let azure = Selection::preset(&c, product(&c, "avepoint-cloud-backup-azure"), Preset::DelegatedOnly);
    let gitprotect = Selection::preset(&c, product(&c, "gitprotect"), Preset::Everything);
    // Xopero ONE installs two apps: each has its own manifest and scripts.
    let registrator = Selection::preset_of(&c, product(&c, "xopero-one"), Some(0), Preset::Everything);
    let pro = Selection::preset_of(&c, product(&c, "xopero-one"), Some(1), Preset::Everything);
    let devops = Selection::preset(
        &c,
        product(&c, "avepoint-cloud-backup-azure-devops"),
        Preset::Everything,
    );
    let h = with_hostile();
    let mut hostile = Selection::preset(&h, product(&h, "hostile-fixture"), Preset::Everything);
    // Loaders refuse control characters; a key built in code must still come out inert.
    hostile.insert(key(
        &h,
        "Microsoft Graph",
        PermissionKind::Application,
        "Esc\u{1b}]0;owned\u{7}",
    ));
    vec![
        ("nakivo-everything", c.clone(), nakivo),
        ("avepoint-azure-delegated", c.clone(), azure),
        ("gitprotect-everything", c.clone(), gitprotect),
        ("xopero-one-registrator", c.clone(), registrator),
        ("xopero-one-pro", c.clone(), pro),
        ("avepoint-devops-everything", c, devops),
        ("hostile", h, hostile),
    ]
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/export")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Compares (or, with UPDATE_GOLDEN=1, rewrites) one golden file; `None`
/// means the file must not exist. Returns a description of a mismatch.
fn golden(name: &str, actual: Option<&str>) -> Option<String> {
    let path = golden_dir().join(name);
    if updating() {
        std::fs::create_dir_all(golden_dir()).expect("create golden dir");
        match actual {
            Some(text) => std::fs::write(&path, text).expect("write golden"),
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
        return None;
    }
    let expected = std::fs::read_to_string(&path).ok();
    if expected.as_deref() == actual {
        return None;
    }
    Some(match (expected, actual) {
        (None, _) => format!("{name}: golden file missing"),
        (Some(_), None) => format!("{name}: golden file exists but the output is empty/absent"),
        (Some(e), Some(a)) => {
            let at = e
                .lines()
                .zip(a.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(e.lines().count().min(a.lines().count()));
            format!(
                "{name}: differs at line {}:\n  expected: {:?}\n  actual:   {:?}",
                at + 1,
                e.lines().nth(at),
                a.lines().nth(at)
            )
        }
    })
}

#[test]
fn every_format_matches_its_golden_file() {
    let mut problems = Vec::new();
    for (case, catalog, selection) in cases() {
        for format in ExportFormat::ALL {
            let out = export(&catalog, &selection, format);
            let base = format!("{case}.{}", format.as_str());
            problems.extend(golden(&format!("{base}.{}", format.extension()), Some(&out.text)));
            let warnings = (!out.warnings.is_empty()).then(|| out.warnings.join("\n") + "\n");
            problems.extend(golden(&format!("{base}.warnings.txt"), warnings.as_deref()));
        }
    }
    assert!(
        problems.is_empty(),
        "{} golden mismatch(es); if the change is intended run `UPDATE_GOLDEN=1 cargo test --test export` \
         and review the diff:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn exports_are_deterministic_whatever_the_selection_order() {
    let c = bundled();
    let rows: Vec<usize> = c.rows_of(product(&c, "nakivo")).collect();
    let forward = Selection::from_rows(&c, rows.iter().copied());
    let backward = Selection::from_rows(&c, rows.iter().rev().copied());
    let mut toggled = Selection::new();
    for &r in rows.iter().rev() {
        if !toggled.contains(&key_of(&c, r)) {
            toggled.toggle_row(&c, r);
        }
    }
    for format in ExportFormat::ALL {
        let a = export(&c, &forward, format);
        assert_eq!(a, export(&c, &backward, format), "{format:?}");
        assert_eq!(a, export(&c, &toggled, format), "{format:?}");
        assert_eq!(a, export(&c, &forward, format), "{format:?} twice");
    }
}

#[test]
fn the_blank_gitprotect_claim_is_skipped_with_a_warning_in_every_format() {
    let c = bundled();
    let s = Selection::preset(&c, product(&c, "gitprotect"), Preset::Everything);
    assert_eq!(s.empty_claims().count(), 1, "one blank Exchange delegated claim");
    for format in ExportFormat::ALL {
        let out = export(&c, &s, format);
        let blank: Vec<&String> = out.warnings.iter().filter(|w| w.contains("blank permission")).collect();
        assert_eq!(blank.len(), 1, "{format:?}: {:?}", out.warnings);
        assert!(
            blank[0].contains("Office 365 Exchange Online (delegated)"),
            "{}",
            blank[0]
        );
        // The lines of the product asked for: gitprotect's, never xopero-one's
        // (whose document has the same rows).
        assert!(
            blank[0].contains("(gitprotect, Xopero ONE MS365 PRO: lines 213, 248)"),
            "{}",
            blank[0]
        );
        assert!(
            out.warnings.iter().all(|w| !w.contains("xopero-one")),
            "{:?}",
            out.warnings
        );
    }
    let names = export(&c, &s, ExportFormat::Names);
    assert_eq!(names.count, s.len() - 1);
    assert!(!names.text.lines().any(str::is_empty));
}

#[test]
fn a_permission_without_a_guid_is_never_dropped_silently() {
    let c = with_hostile();
    let unknown = key(&c, "Microsoft Graph", PermissionKind::Application, "Evil'Name$(calc)");
    let s: Selection = [unknown].into_iter().collect();
    for format in ExportFormat::ALL {
        let out = export(&c, &s, format);
        let named_in_text = out.text.contains("Evil");
        let warned = out
            .warnings
            .iter()
            .any(|w| w.contains("No GUID known") && w.contains("Evil"));
        match format {
            // Names and scopes need no GUID: the claim itself is the output
            // (scopes leave application permissions out, with a warning).
            ExportFormat::Names => assert!(named_in_text),
            ExportFormat::Scopes => assert!(out.warnings.iter().any(|w| w.contains("Evil"))),
            ExportFormat::Manifest => {
                assert!(!named_in_text && warned, "{format:?}: {out:?}")
            }
            ExportFormat::Json => {
                assert!(named_in_text && warned, "{format:?}: {out:?}");
                let v: Value = serde_json::from_str(&out.text).unwrap();
                assert_eq!(v[0]["id"], Value::Null);
            }
            _ => assert!(named_in_text && warned, "{format:?}: {out:?}"),
        }
    }
}

#[test]
fn every_format_neutralises_control_characters() {
    for (case, catalog, selection) in cases() {
        for format in ExportFormat::ALL {
            let out = export(&catalog, &selection, format);
            let bad = out
                .text
                .chars()
                .find(|&c| c != '\n' && permscope::model::text::unsafe_reason(c).is_some());
            assert_eq!(bad, None, "{case} {format:?}");
            for w in &out.warnings {
                assert!(
                    permscope::model::text::find_unsafe(w).is_none(),
                    "{case} {format:?}: {w:?}"
                );
            }
        }
    }
}

#[test]
fn scopes_are_bare_on_graph_and_prefixed_elsewhere() {
    let c = bundled();
    let s = Selection::preset(
        &c,
        product(&c, "avepoint-cloud-backup-azure-devops"),
        Preset::Everything,
    );
    let out = export(&c, &s, ExportFormat::Scopes);
    assert_eq!(
        out.text,
        "User.Read.All\n499b84ac-1321-427f-aa17-267ca6975798/user_impersonation\n"
    );
    assert_eq!(out.count, 2);
}

#[test]
fn manifest_has_exactly_the_documented_shape() {
    let c = bundled();
    // One app: a manifest is one app registration's.
    let s = Selection::preset_of(&c, product(&c, "gitprotect"), Some(1), Preset::Everything);
    let v: Value = serde_json::from_str(&export(&c, &s, ExportFormat::Manifest).text).unwrap();
    let obj = v.as_object().unwrap();
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["requiredResourceAccess"]);
    for group in obj["requiredResourceAccess"].as_array().unwrap() {
        let mut keys: Vec<&String> = group.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["resourceAccess", "resourceAppId"]);
        for access in group["resourceAccess"].as_array().unwrap() {
            let mut keys: Vec<&String> = access.as_object().unwrap().keys().collect();
            keys.sort();
            assert_eq!(keys, ["id", "type"]);
            assert!(matches!(access["type"].as_str(), Some("Role" | "Scope")));
        }
    }
    let empty = export(&c, &Selection::new(), ExportFormat::Manifest);
    assert_eq!(empty.text, "{\n  \"requiredResourceAccess\": []\n}\n");
    assert_eq!(empty.warnings, ["The selection is empty."]);
}

#[test]
fn csv_is_rfc_4180_and_defuses_formulas() {
    let c = with_hostile();
    let s = Selection::preset(&c, product(&c, "hostile-fixture"), Preset::Everything);
    let text = export(&c, &s, ExportFormat::Csv).text;
    assert!(text.starts_with("api,permission,type,id,admin_consent,risk,products,apps\n"));
    assert!(
        text.contains(r#"Microsoft Graph,"'=HYPERLINK(""x"",""y"")",application,,,"#),
        "{text}"
    );
}

// ------------------------------------------------------------ scripts run for real

fn skip(why: &str) {
    common::skip(format_args!("{why}"));
}

/// Runs the azcli export under bash with `az` replaced by a function that
/// prints its arguments, one per line: quoting must deliver every argument intact.
#[test]
fn azcli_output_parses_in_bash_and_passes_arguments_literally() {
    if Command::new("bash").arg("-c").arg("true").status().is_err() {
        return skip("bash not found; the azcli script is not executed");
    }
    let c = with_hostile();
    let s = Selection::preset(&c, product(&c, "hostile-fixture"), Preset::Everything);
    let script = export(&c, &s, ExportFormat::Azcli).text;
    let harness = format!("set -eu\naz() {{ printf '[%s]\\n' \"$@\"; }}\nAPP_ID=app-id\n{script}");
    let out = Command::new("bash")
        .arg("-c")
        .arg(&harness)
        .env_remove("APP_ID")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    // Only Mail.Read has a GUID: one call, on Graph.
    assert_eq!(
        printed,
        "[ad]\n[app]\n[permission]\n[add]\n[--id]\n[app-id]\n[--api]\n[00000003-0000-0000-c000-000000000000]\n\
         [--api-permissions]\n[810c84a8-4a9e-49e6-bf7d-12d183f40d01=Role]\n"
    );
    assert!(!Path::new("/tmp/pwned").exists());

    // Without APP_ID the script stops before calling az.
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("az() {{ echo CALLED; }}\n{script}"))
        .env_remove("APP_ID")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("CALLED"));
}

#[test]
fn powershell_output_parses_in_pwsh() {
    let Ok(probe) = Command::new("pwsh").args(["-NoProfile", "-Command", "1"]).output() else {
        return common::skip_not_installable(format_args!(
            "pwsh not found; the PowerShell export is only checked against its golden files"
        ));
    };
    if !probe.status.success() {
        return skip("pwsh does not run");
    }
    for (case, catalog, selection) in cases() {
        let script = export(&catalog, &selection, ExportFormat::Powershell).text;
        let check = "$e = $null; [System.Management.Automation.Language.Parser]::ParseInput($input | Out-String, [ref]$null, [ref]$e) | Out-Null; if ($e) { $e; exit 1 }";
        let mut child = Command::new("pwsh")
            .args(["-NoProfile", "-Command", check])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{case}: {}", String::from_utf8_lossy(&out.stdout));
    }
}

// ------------------------------------------------------------ reference catalogs

fn reference() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference");
    if p.is_dir() {
        Some(p)
    } else {
        skip(&format!(
            "{} not found; manifest GUIDs are not checked against Microsoft's catalogs",
            p.display()
        ));
        None
    }
}

/// (resource app id, kind, claim) -> GUID, from the reference catalogs.
fn reference_ids(root: &Path) -> HashMap<(String, PermissionKind, String), String> {
    let mut out = HashMap::new();
    let graph = "00000003-0000-0000-c000-000000000000";
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
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        for e in v.as_array().unwrap() {
            if let (Some(name), Some(id)) = (e["Value"].as_str(), e["Id"].as_str()) {
                out.insert((graph.to_string(), kind, name.to_string()), id.to_lowercase());
            }
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
                if cells.len() >= 2 {
                    out.insert((app.to_string(), k, cells[0].to_string()), cells[1].to_lowercase());
                }
            }
        }
    }
    out
}

#[test]
fn manifest_guids_agree_with_the_reference_catalogs() {
    let Some(root) = reference() else { return };
    let reference = reference_ids(&root);
    let c = bundled();
    // Every permission of every bundled product, picked without an app (one
    // manifest of them all; picked from the rows it would be one per app).
    let s: Selection = (0..c.requirements.len()).map(|r| key_of(&c, r)).collect();
    let v: Value = serde_json::from_str(&export(&c, &s, ExportFormat::Manifest).text).unwrap();
    let mut entries = Vec::new();
    for group in v["requiredResourceAccess"].as_array().unwrap() {
        let app = group["resourceAppId"].as_str().unwrap().to_string();
        for a in group["resourceAccess"].as_array().unwrap() {
            let kind = match a["type"].as_str() {
                Some("Role") => PermissionKind::Application,
                _ => PermissionKind::Delegated,
            };
            entries.push((app.clone(), kind, a["id"].as_str().unwrap().to_string()));
        }
    }
    let expected: Vec<(String, PermissionKind, String)> = s
        .iter()
        .filter(|k| !k.name.is_empty())
        .map(|k| {
            let app = c.apis[k.api].app_id.clone();
            let id = reference
                .get(&(app.clone(), k.kind, k.name.clone()))
                .unwrap_or_else(|| panic!("{} {} {} is in no reference catalog", app, k.kind, k.name))
                .clone();
            (app, k.kind, id)
        })
        .collect();
    assert_eq!(entries, expected);
    assert_eq!(entries.len(), s.len() - s.empty_claims().count());
}

// ------------------------------------------------------------ selections and presets

#[test]
fn one_selected_permission_covers_every_products_row() {
    let c = bundled();
    let mail = key(&c, "Microsoft Graph", PermissionKind::Application, "Mail.ReadWrite");
    let s: Selection = [mail.clone()].into_iter().collect();
    let slugs: Vec<&str> = s
        .rows(&c)
        .into_iter()
        .map(|r| c.products[c.requirements[r].product].slug.as_str())
        .collect();
    assert_eq!(slugs, ["gitprotect", "xopero-one", "nakivo"]);
    // Exchange's Mail.ReadWrite is a different permission.
    let exo = key(&c, "Exchange", PermissionKind::Application, "Mail.ReadWrite");
    assert!(!s.contains(&exo));
    // Selecting the same permission from another product's row is a no-op.
    let mut s2 = s.clone();
    let nakivo_row = c
        .rows_of(product(&c, "nakivo"))
        .find(|&r| key_of(&c, r) == mail)
        .unwrap();
    assert!(!s2.insert(key_of(&c, nakivo_row)));
    assert_eq!(s2, s);
    assert!(s.contains_row(&c, nakivo_row));
}

#[test]
fn backup_only_for_nakivo_drops_exactly_the_recovery_only_permissions() {
    let c = bundled();
    let p = product(&c, "nakivo");
    let all = Selection::preset(&c, p, Preset::Everything);
    let backup = Selection::preset(&c, p, Preset::BackupOnly);
    let g = |name: &str| key(&c, "Microsoft Graph", PermissionKind::Application, name);
    for kept in [
        "User.Read.All",
        "Mail.Read",
        "Calendars.Read",
        "User.ReadWrite.All",
        "ChannelMessage.Read.All",
    ] {
        assert!(backup.contains(&g(kept)), "{kept} is needed for backup");
    }
    for dropped in [
        "Mail.ReadWrite",
        "Calendars.ReadWrite",
        "Sites.FullControl.All",
        "Channel.Create",
    ] {
        assert!(all.contains(&g(dropped)) && !backup.contains(&g(dropped)), "{dropped}");
    }
    assert!(!backup.contains(&key(
        &c,
        "Microsoft Graph",
        PermissionKind::Delegated,
        "Group.ReadWrite.All"
    )));
    // Exactly the profile's recovery-only list is gone.
    let recovery: Selection = profile::profile(&c, p)
        .recovery_only
        .iter()
        .map(|n| PermissionKey {
            api: api(&c, &n.api),
            kind: n.kind,
            name: n.permission.clone(),
        })
        .collect();
    assert_eq!(all.difference(&recovery), backup);
    assert_eq!(backup.len(), 14);
    assert_eq!(all.len(), 30);
}

#[test]
fn a_permission_is_kept_when_any_of_its_rows_serves_backup() {
    // Two rows for one claim, one recovery-only and one not: BackupOnly keeps it.
    let text = r#"{
      "slug": "mixed-phases", "vendor": "T", "product": "T",
      "source": {"title": "T", "file": "t.txt"},
      "apps": [{"name": "A", "requirements": [
        {"line": 1, "api": "Graph", "permission": "Mail.ReadWrite", "type": "application",
         "workloads": [{"workload": "Exchange", "phases": ["Recovery"]}]},
        {"line": 2, "api": "Graph", "permission": "Mail.ReadWrite", "type": "application",
         "workloads": [{"workload": "Exchange", "phases": ["Backup"]}]},
        {"line": 3, "api": "Graph", "permission": "Files.ReadWrite.All", "type": "application",
         "workloads": [{"workload": "OneDrive", "phases": ["Recovery"]}]}
      ]}]
    }"#;
    let mut c = bundled();
    c.add_product_text(text, Origin::Bundled("mixed.json")).unwrap();
    let s = Selection::preset(&c, product(&c, "mixed-phases"), Preset::BackupOnly);
    let names: Vec<&str> = s.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(names, ["Mail.ReadWrite"]);
}

#[test]
fn delegated_and_critical_presets() {
    let c = bundled();
    let p = product(&c, "avepoint-cloud-backup-azure");
    let d = Selection::preset(&c, p, Preset::DelegatedOnly);
    let names: Vec<&str> = d.iter().map(|k| k.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "BitlockerKey.Read.All",
            "DeviceManagementApps.ReadWrite.All",
            "User.Read"
        ]
    );
    assert!(d.iter().all(|k| k.kind == PermissionKind::Delegated));
    // CriticalOnly is exactly the product's rows rated Critical (whatever the rules say today).
    for p in 0..c.products.len() {
        let crit = Selection::preset(&c, p, Preset::CriticalOnly);
        let expected = Selection::from_rows(&c, c.rows_of(p).filter(|&r| c.rating(r).level == RiskLevel::Critical));
        assert_eq!(crit, expected, "{}", c.products[p].slug);
    }
    assert!(Selection::preset(&c, usize::MAX, Preset::Everything).is_empty());
}

#[test]
fn compare_what_one_product_asks_beyond_another() {
    let c = bundled();
    let git = Selection::preset(&c, product(&c, "gitprotect"), Preset::Everything);
    let xop = Selection::preset(&c, product(&c, "xopero-one"), Preset::Everything);
    assert!(git.difference(&xop).is_empty(), "same document, same set");
    let nak = Selection::preset(&c, product(&c, "nakivo"), Preset::Everything);
    let beyond = nak.difference(&git);
    assert!(beyond.contains(&key(
        &c,
        "Microsoft Graph",
        PermissionKind::Application,
        "Sites.FullControl.All"
    )));
    assert!(!beyond.contains(&key(
        &c,
        "Microsoft Graph",
        PermissionKind::Application,
        "Mail.ReadWrite"
    )));
    assert_eq!(nak.union(&git).len(), nak.len() + git.difference(&nak).len());
    assert_eq!(nak.intersection(&git).len(), nak.len() - beyond.len());
}

/// The ids of a manifest's `resourceAccess` entries, as (resource, type, id).
fn manifest_ids(text: &str) -> Vec<(String, String, String)> {
    let v: Value = serde_json::from_str(text).unwrap();
    let mut out = Vec::new();
    for group in v["requiredResourceAccess"].as_array().unwrap() {
        for a in group["resourceAccess"].as_array().unwrap() {
            out.push((
                group["resourceAppId"].as_str().unwrap().to_string(),
                a["type"].as_str().unwrap().to_string(),
                a["id"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

#[test]
fn the_xopero_manifest_is_one_document_per_app_never_merged() {
    const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
    const ACCESS_AS_USER: &str = "0e263e50-5827-48a4-b97c-d940288653c7";
    let c = bundled();
    let xopero = product(&c, "xopero-one");
    // The whole product: two apps, so no manifest at all.
    let both = Selection::preset(&c, xopero, Preset::Everything);
    let out = export(&c, &both, ExportFormat::Manifest);
    assert!(out.refused && out.text.is_empty() && out.count == 0, "{out:?}");
    assert!(
        out.warnings[0].contains("Xopero ONE Registrator (xopero-one) with 4 permissions")
            && out.warnings[0].contains("Xopero ONE MS365 PRO (xopero-one) with 15 permissions"),
        "{}",
        out.warnings[0]
    );
    assert_eq!(out.apps.len(), 2);
    // The registrator's manifest: its four delegated Graph scopes, nothing of the backup app.
    let registrator = Selection::preset_of(&c, xopero, Some(0), Preset::Everything);
    let reg = manifest_ids(&export(&c, &registrator, ExportFormat::Manifest).text);
    assert_eq!(reg.len(), 4);
    assert!(reg.iter().all(|(api, kind, _)| api == GRAPH && kind == "Scope"));
    assert!(reg.iter().any(|(_, _, id)| id == ACCESS_AS_USER));
    // The backup app's: no Directory.AccessAsUser.All, but its own offline_access too.
    let pro = Selection::preset_of(&c, xopero, Some(1), Preset::Everything);
    let pro_out = export(&c, &pro, ExportFormat::Manifest);
    assert!(!pro_out.refused);
    let backup = manifest_ids(&pro_out.text);
    assert_eq!(backup.len(), 15);
    assert!(!backup.iter().any(|(_, _, id)| id == ACCESS_AS_USER));
    let offline = "7427e0e9-2fba-42fe-b0c0-848c9e6a8182";
    assert!(reg.iter().any(|(_, _, id)| id == offline) && backup.iter().any(|(_, _, id)| id == offline));
    // Scope strings are one app's too.
    assert!(export(&c, &both, ExportFormat::Scopes).refused);
    assert_eq!(
        export(&c, &registrator, ExportFormat::Scopes).text,
        "Directory.AccessAsUser.All offline_access openid profile\n"
    );
}

#[test]
fn scripts_for_two_apps_say_which_app_each_block_is_for() {
    let c = bundled();
    let both = Selection::preset(&c, product(&c, "xopero-one"), Preset::Everything);
    let az = export(&c, &both, ExportFormat::Azcli);
    assert!(!az.refused);
    assert!(
        az.text.contains("# ---- App 1: Xopero ONE Registrator (xopero-one)\n"),
        "{}",
        az.text
    );
    assert!(az.text.contains("# ---- App 2: Xopero ONE MS365 PRO (xopero-one)\n"));
    // Each block adds to its own app's registration, never to one shared APP_ID.
    assert!(!az.text.contains("--id \"$APP_ID\""));
    let block_2 = &az.text[az.text.find("# ---- App 2").unwrap()..];
    let block_1 = &az.text[..az.text.find("# ---- App 2").unwrap()];
    assert!(block_1.contains("0e263e50-5827-48a4-b97c-d940288653c7=Scope") && block_1.contains("--id \"$APP_ID_1\""));
    assert!(!block_2.contains("0e263e50-5827-48a4-b97c-d940288653c7") && block_2.contains("--id \"$APP_ID_2\""));
    assert!(!block_2.contains("$APP_ID_1"));
    // 18 distinct permissions: offline_access is in both blocks and counts once.
    assert_eq!(az.count, 18);
    assert!(
        az.warnings[0].starts_with("The selection is for 2 apps"),
        "{:?}",
        az.warnings
    );
    let ps = export(&c, &both, ExportFormat::Powershell);
    assert!(ps.text.contains("# ---- App 1: Xopero ONE Registrator (xopero-one)"));
    assert!(ps.text.contains("[string] $ClientAppId2\n"), "{}", ps.text);
    // The registrator's delegated scopes are granted to the registrator.
    let ps_1 = &ps.text[ps.text.find("# ---- App 1").unwrap()..ps.text.find("# ---- App 2").unwrap()];
    assert!(
        ps_1.contains("'$ClientAppId1'") && ps_1.contains("New-MgOauth2PermissionGrant"),
        "{ps_1}"
    );
    // A scope list is never signed in with: scopes are the app's, not the admin's.
    assert!(
        !ps.text
            .lines()
            .any(|l| l.starts_with("Connect-MgGraph -Scopes \"Directory"))
    );
}

#[test]
fn export_counts_what_the_text_carries() {
    let c = bundled();
    let s = Selection::preset(&c, product(&c, "avepoint-cloud-backup-azure"), Preset::Everything);
    let count = |f| export(&c, &s, f).count;
    assert_eq!(count(ExportFormat::Names), 24);
    assert_eq!(count(ExportFormat::Manifest), 24);
    assert_eq!(count(ExportFormat::Azcli), 24);
    assert_eq!(count(ExportFormat::Scopes), 3);
    let e: Export = export(&c, &s, ExportFormat::Scopes);
    assert!(
        e.warnings
            .iter()
            .any(|w| w.starts_with("21 application permissions left out of the scope string"))
    );
}

// ------------------------------------------------------------ OSC 52

#[test]
fn osc52_sequences_are_byte_exact() {
    assert_eq!(
        osc52("User.Read.All\nMail.Read\n", false).as_bytes(),
        b"\x1b]52;c;VXNlci5SZWFkLkFsbApNYWlsLlJlYWQK\x07"
    );
    assert_eq!(
        osc52("User.Read.All\nMail.Read\n", true).as_bytes(),
        b"\x1bPtmux;\x1b\x1b]52;c;VXNlci5SZWFkLkFsbApNYWlsLlJlYWQK\x07\x1b\\"
    );
    assert_eq!(base64(b"any carnal pleasure."), "YW55IGNhcm5hbCBwbGVhc3VyZS4=");
    assert_eq!(base64(b"any carnal pleasure"), "YW55IGNhcm5hbCBwbGVhc3VyZQ==");
}

/// A reference decoder, to check the encoder on arbitrary input.
fn decode(s: &str) -> Vec<u8> {
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.chars().filter(|&c| c != '=') {
        bits = (bits << 6) | alphabet.find(c).expect("base64 alphabet") as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

proptest! {
    #[test]
    fn base64_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let encoded = base64(&bytes);
        prop_assert_eq!(encoded.len() % 4, 0);
        prop_assert_eq!(decode(&encoded), bytes);
    }

    #[test]
    fn osc52_never_carries_a_raw_terminator(text in ".{0,80}", tmux in any::<bool>()) {
        let seq = osc52(&text, tmux);
        let body = if tmux {
            seq.strip_prefix("\u{1b}Ptmux;").and_then(|s| s.strip_suffix("\u{1b}\\")).unwrap().replace("\u{1b}\u{1b}", "\u{1b}")
        } else {
            seq.clone()
        };
        let payload = body.strip_prefix("\u{1b}]52;c;").and_then(|s| s.strip_suffix('\u{7}')).unwrap();
        let raw_terminator = payload.contains(['\u{1b}', '\u{7}']);
        prop_assert!(!raw_terminator);
        prop_assert_eq!(decode(payload), text.as_bytes().to_vec());
    }
}
