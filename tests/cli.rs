//! The command line as a script or a reviewer uses it: the real binary.

mod common;

use common::{TempDir, permscope, product_json, stderr, stdout};
use serde_json::Value;

fn json_rows(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["list", "--format", "json"];
    all.extend_from_slice(args);
    let o = permscope(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str::<Value>(&stdout(&o))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn json_contract_holds_for_every_row() {
    let rows = json_rows(&[]);
    assert_eq!(rows.len(), 130);
    for row in &rows {
        for key in [
            "product",
            "vendor",
            "app",
            "api",
            "permission",
            "description",
            "purpose",
            "condition",
        ] {
            assert!(row.get(key).is_some(), "missing {key} in {row}");
        }
        assert!(row["product"].is_string() && row["vendor"].is_string() && row["app"].is_string());
        assert!(
            [
                "Microsoft Graph",
                "Office 365 Exchange Online",
                "Office 365 SharePoint Online",
                "Azure DevOps"
            ]
            .contains(&row["api"].as_str().unwrap()),
            "api is normalised: {}",
            row["api"]
        );
        assert!(["application", "delegated"].contains(&row["type"].as_str().unwrap()));
        let workloads = row["workloads"].as_array().unwrap();
        assert!(!workloads.is_empty());
        for w in workloads {
            assert!(w["workload"].is_string() && w["phases"].is_array() && w["documented"].is_boolean());
        }
        assert!(row["notes"].is_array());
        assert!(row["source"]["document"].is_string());
        assert!(row["source"]["line"].as_u64().unwrap() >= 1);
        assert!(row["id"].is_string() || row["id"].is_null());
        assert!(row["admin_consent"].is_boolean() || row["admin_consent"].is_null());
        let risk = &row["risk"];
        assert!(["unknown", "low", "medium", "high", "critical"].contains(&risk["level"].as_str().unwrap()));
        assert!(risk["score"].is_u64() && !risk["reasons"].as_array().unwrap().is_empty());
        assert!(["reviewed", "rule"].contains(&risk["basis"].as_str().unwrap()));
    }
    // A known row, field by field.
    let row = rows
        .iter()
        .find(|r| {
            r["product"] == "nakivo"
                && r["permission"] == "Sites.FullControl.All"
                && r["api"] == "Office 365 SharePoint Online"
        })
        .unwrap();
    assert_eq!(row["id"], "678536fe-1083-478a-9c59-b99265e6b0d3");
    assert_eq!(row["admin_consent"], true);
    assert_eq!(row["source"]["line"], 234);
    assert_eq!(row["source"]["document"], "002_48a1a4698ec47ee7.txt");
    assert!(
        row["condition"]
            .as_str()
            .unwrap()
            .contains("certificate-based authentication")
    );
    assert_eq!(row["workloads"][0]["workload"], "SharePoint and Group SharePoint");
    assert_eq!(row["workloads"][0]["phases"][0], "Recovery");
    assert_eq!(row["api_as_written"], "SharePoint API");
}

#[test]
fn filters_are_forgiving_and_combine() {
    let graph = json_rows(&["--api", "graph"]);
    assert!(graph.iter().all(|r| r["api"] == "Microsoft Graph"));
    let exchange = json_rows(&["--api", "EXCHANGE"]);
    assert!(!exchange.is_empty() && exchange.iter().all(|r| r["api"] == "Office 365 Exchange Online"));
    let teams = json_rows(&["--workload", "teams", "--product", "nakivo"]);
    assert!(!teams.is_empty());
    assert!(teams.iter().all(|r| {
        r["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["workload"] == "Teams")
    }));
    let delegated = json_rows(&["--type", "delegated", "--product", "avepoint-cloud-backup-azure"]);
    let names: Vec<&str> = delegated.iter().map(|r| r["permission"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "User.Read",
            "BitlockerKey.Read.All",
            "DeviceManagementApps.ReadWrite.All"
        ]
    );
    let recovery = json_rows(&["--phase", "recovery", "--product", "nakivo", "--api", "exchange"]);
    assert_eq!(recovery.len(), 1);
}

#[test]
fn unknown_filter_values_are_clear_errors() {
    let o = permscope(&["list", "--product", "nosuch"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("no product matches `nosuch`") && e.contains("nakivo"), "{e}");
    let o = permscope(&["list", "--api", "yammer"]);
    assert!(stderr(&o).contains("no API matches"));
    let o = permscope(&["list", "--type", "robot"]);
    assert!(stderr(&o).contains("not a type"));
}

#[test]
fn fuzzy_query_ranks_the_closest_first() {
    let rows = json_rows(&["--query", "mrw"]);
    assert_eq!(rows[0]["permission"], "Mail.ReadWrite");
    // Fuzzy, like fzf: looser matches follow, but the two real hits lead.
    let rows = json_rows(&["--query", "bitlocker"]);
    assert!(rows[..2].iter().all(|r| r["permission"] == "BitlockerKey.Read.All"));
    assert!(rows[2..].iter().all(|r| r["permission"] != "BitlockerKey.Read.All"));
    // Terms separated by spaces must all match.
    let rows = json_rows(&["--query", "sites nakivo"]);
    assert!(
        rows[..4]
            .iter()
            .all(|r| r["product"] == "nakivo" && r["permission"].as_str().unwrap().starts_with("Sites."))
    );
    let none = json_rows(&["--query", "zzzqqq"]);
    assert!(none.is_empty());
}

#[test]
fn plain_prints_one_line_per_row() {
    let o = permscope(&["list", "--format", "plain", "--product", "xopero-one"]);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 24);
    assert!(out.lines().all(|l| l.starts_with("xopero-one\t")));
}

#[test]
fn table_fits_the_width() {
    for width in ["60", "100", "200"] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_permscope"))
            .args(["list"])
            .env("COLUMNS", width)
            .output()
            .unwrap();
        let out = stdout(&o);
        let w: usize = width.parse().unwrap();
        assert_eq!(out.lines().count(), 131);
        for l in out.lines() {
            assert!(l.chars().count() <= w, "{width}: {l}");
        }
    }
}

#[test]
fn csv_and_markdown_have_every_row() {
    let o = permscope(&["list", "--format", "csv"]);
    let out = stdout(&o);
    assert!(out.starts_with("product,vendor,app,api,permission,type,"));
    // Descriptions with commas are quoted, so each record is one line.
    assert_eq!(out.lines().count(), 131);
    let o = permscope(&["list", "--format", "markdown", "--product", "nakivo"]);
    assert_eq!(stdout(&o).lines().count(), 32);
}

#[test]
fn vendors_lists_each_product_with_its_document() {
    let o = permscope(&["vendors"]);
    let out = stdout(&o);
    for slug in [
        "gitprotect",
        "xopero-one",
        "nakivo",
        "avepoint-cloud-backup-azure-ad-b2c",
    ] {
        assert!(out.contains(slug));
    }
    assert!(out.contains("version 10.11.2, dated 28 May 2024"));
    assert!(out.contains("of 30 distinct permissions (30 rows;"), "{out}");
    let o = permscope(&["vendors", "--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 7);
    assert_eq!(
        v[2]["source"]["sha256"],
        "b1432d3aee169063134da2aaee7852cde60cdd8ab4f3eaed900d66e992744767"
    );
}

#[test]
fn show_gives_every_product_and_the_facts() {
    let o = permscope(&["show", "user.read.all"]);
    assert!(o.status.success());
    let out = stdout(&o);
    // On Graph (application and delegated) and SharePoint.
    assert!(out.contains("User.Read.All — Microsoft Graph, application"));
    assert!(out.contains("User.Read.All — Microsoft Graph, delegated"));
    assert!(out.contains("User.Read.All — Office 365 SharePoint Online, application"));
    assert!(out.contains("df021288-bdef-4463-88db-98f22de89214"));
    assert!(out.contains("nakivo") && out.contains("avepoint-cloud-backup-express"));
    let o = permscope(&["show", "Mail.ReadWrit"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("did you mean Mail.ReadWrite"), "{}", stderr(&o));
}

#[test]
fn check_is_clean_on_bundled_data_and_fails_on_a_bad_file() {
    let o = permscope(&["check"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("0 problem(s)"));
    let dir = TempDir::new("check");
    dir.write(
        "bad.json",
        &product_json("bad", "x").replace("\"line\": 3", "\"line\": 0"),
    );
    dir.write(
        "typo.json",
        &product_json("typo", "x").replace("Mail.Read\"", "Mail.Raed\""),
    );
    let o = permscope(&["--data", dir.path().to_str().unwrap(), "check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("bad.json:10:") && out.contains("line numbers start at 1"),
        "{out}"
    );
    assert!(
        out.contains("`Mail.Raed` is not a permission Microsoft publishes for Microsoft Graph"),
        "{out}"
    );
    assert!(out.contains("did you mean Mail.Read"), "{out}");
}

#[test]
fn data_folder_from_environment_is_read() {
    let dir = TempDir::new("env");
    dir.write("extra.json", &product_json("from-env", "x"));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_permscope"))
        .args(["list", "--format", "plain", "--product", "from-env"])
        .env("PERMSCOPE_DATA", dir.path())
        .output()
        .unwrap();
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stderr(&o));
}

#[test]
fn bad_user_file_warns_but_listing_still_works() {
    let dir = TempDir::new("warn");
    dir.write("broken.json", "{");
    let o = permscope(&["--data", dir.path().to_str().unwrap(), "list", "--format", "plain"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("broken.json"));
    assert_eq!(stdout(&o).lines().count(), 130);
}

#[test]
fn help_lists_every_command() {
    let o = permscope(&["--help"]);
    let out = stdout(&o);
    for cmd in ["vendors", "list", "show", "check", "assess"] {
        assert!(out.contains(cmd), "{cmd} missing from --help");
    }
    let o = permscope(&["list", "--help"]);
    for flag in [
        "--product",
        "--api",
        "--type",
        "--workload",
        "--query",
        "--format",
        "--risk",
    ] {
        assert!(stdout(&o).contains(flag), "{flag}");
    }
}

#[test]
fn argument_definitions_are_consistent() {
    use clap::CommandFactory;
    permscope::commands::Cli::command().debug_assert();
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/grants");

#[test]
fn audit_json_contract_and_exit_code() {
    let grants = format!("{FIXTURES}/nakivo-approleassignments.rest.json");
    let o = permscope(&["audit", "--product", "nakivo", "--grants", &grants, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "undocumented grants fail the audit");
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "apps",
            "documented_for_another_app",
            "granted_documented",
            "not_granted",
            "notices",
            "product",
            "undocumented"
        ]
    );
    for section in ["granted_documented", "undocumented", "not_granted"] {
        for e in v[section].as_array().unwrap() {
            for k in ["api", "permission", "type", "id"] {
                assert!(e.get(k).is_some(), "{section}: {k} missing in {e}");
            }
        }
    }
    let undocumented = v["undocumented"].as_array().unwrap();
    assert!(
        undocumented
            .iter()
            .any(|e| e["permission"] == "Directory.ReadWrite.All" && e["risk"]["level"] == "critical")
    );
    assert!(
        undocumented
            .iter()
            .any(|e| e["permission"].is_null() && e["id"] == "6c5b2a3e-9f41-4d8a-b7e2-1f0c9d4e8a75")
    );
    assert!(
        v["not_granted"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["permission"] == "ChannelMessage.Read.All")
    );
    // A catalog file is not a grants file.
    let o = permscope(&[
        "audit",
        "--product",
        "nakivo",
        "--grants",
        &format!("{FIXTURES}/graph-serviceprincipal.az.json"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--catalog"), "{}", stderr(&o));
}

#[test]
fn import_writes_a_product_that_then_appears_everywhere() {
    let dir = TempDir::new("import");
    let d = dir.path().to_str().unwrap();
    let csv = format!("{FIXTURES}/vendor-table.csv");
    let o = permscope(&[
        "--data",
        d,
        "import",
        &csv,
        "--product",
        "acme-backup",
        "--vendor",
        "Acme",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("acme-backup.json").is_file());
    let o = permscope(&["--data", d, "list", "--product", "acme-backup", "--format", "json"]);
    let rows: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(!rows.as_array().unwrap().is_empty());
    assert!(rows.as_array().unwrap().iter().all(|r| r["vendor"] == "Acme"));
    let o = permscope(&["--data", d, "check"]);
    assert!(stdout(&o).contains("checked 8 products"), "{}", stdout(&o));
    // Never overwritten without --force.
    let o = permscope(&[
        "--data",
        d,
        "import",
        &csv,
        "--product",
        "acme-backup",
        "--vendor",
        "Acme",
    ]);
    assert!(!o.status.success());
    let o = permscope(&[
        "--data",
        d,
        "import",
        &csv,
        "--product",
        "acme-backup",
        "--vendor",
        "Acme",
        "--force",
    ]);
    assert!(o.status.success());
}

#[test]
fn reviewer_risk_rules_layer_on_top_and_bad_ones_are_clear_errors() {
    let dir = TempDir::new("risk");
    let rules = dir.write(
        "rules.json",
        r#"{
  "version": 1,
  "entries": [
    {
      "apis": ["Microsoft Graph"],
      "permission": "Mail.Read",
      "application": { "level": "critical", "reasons": ["Our mailboxes hold patient records; {permission} exposes all of them."] }
    }
  ]
}"#,
    );
    let r = rules.to_str().unwrap();
    let o = permscope(&["--risk", r, "show", "Mail.Read", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["risk"]["level"], "critical");
    assert_eq!(v[0]["risk"]["basis"], "reviewed");
    assert!(
        v[0]["risk"]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("patient records; Mail.Read exposes")
    );
    // The same through --risk-rules anywhere on the line, and list --risk as the level filter.
    let rows = {
        let o = permscope(&[
            "list",
            "--risk-rules",
            r,
            "--risk",
            "critical",
            "--product",
            "nakivo",
            "--format",
            "json",
        ]);
        serde_json::from_str::<Value>(&stdout(&o)).unwrap()
    };
    assert!(rows.as_array().unwrap().iter().any(|x| x["permission"] == "Mail.Read"));
    let bad = dir.write(
        "bad.json",
        "{\n  \"version\": 1,\n  \"entries\": [ { \"permision\": \"x\" } ]\n}",
    );
    let o = permscope(&["--risk", bad.to_str().unwrap(), "vendors"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("bad.json:3:") && e.contains("permision"), "{e}");
}

#[test]
fn assess_rates_names_from_arguments_or_stdin() {
    let o = permscope(&[
        "assess",
        "RoleManagement.ReadWrite.Directory",
        "openid",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["risk"]["level"], "critical");
    assert!(
        v[0]["risk"]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("Global Administrator")
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_permscope"))
        .args(["assess", "--type", "delegated"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"offline_access\n\n  Mail.Send  \n")
        .unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    assert!(out.contains("offline_access") && out.contains("Mail.Send"), "{out}");
    assert_eq!(out.lines().filter(|l| !l.starts_with(' ')).count(), 2);
}

/// The explorer's "loading" line: written only when loading takes a while,
/// and wiped (carriage return, erase line) before the explorer starts.
#[test]
fn loading_notice_shows_only_when_slow_and_leaves_nothing() {
    use permscope::commands::explore::{LOADING, LoadingNotice};
    use std::io::Write;
    use std::sync::Mutex;
    use std::time::{Duration, Instant};
    static SLOW: Mutex<Vec<u8>> = Mutex::new(Vec::new());
    static QUICK: Mutex<Vec<u8>> = Mutex::new(Vec::new());
    static NARROW: Mutex<Vec<u8>> = Mutex::new(Vec::new());
    /// Appends to one of the buffers above.
    struct Sink(&'static Mutex<Vec<u8>>);
    impl Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let notice = LoadingNotice::start(Duration::ZERO, 80, || Sink(&SLOW));
    let t = Instant::now();
    while !String::from_utf8_lossy(&SLOW.lock().unwrap()).contains(LOADING) {
        assert!(t.elapsed() < Duration::from_secs(10), "the notice never appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(notice);
    assert_eq!(
        String::from_utf8_lossy(&SLOW.lock().unwrap()),
        format!("{LOADING}\r\x1b[2K")
    );

    let notice = LoadingNotice::start(Duration::from_secs(60), 80, || Sink(&QUICK));
    drop(notice);
    assert!(QUICK.lock().unwrap().is_empty(), "a quick load shows nothing");

    // On a narrow terminal the line is cut to fit, so one wipe clears it.
    let notice = LoadingNotice::start(Duration::ZERO, 12, || Sink(&NARROW));
    let t = Instant::now();
    while NARROW.lock().unwrap().is_empty() {
        assert!(t.elapsed() < Duration::from_secs(10), "the notice never appeared");
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(notice);
    assert_eq!(String::from_utf8_lossy(&NARROW.lock().unwrap()), "permscope:…\r\x1b[2K");
}
