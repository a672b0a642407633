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
            "granted_narrower_than_documented",
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
/// and wiped (back to the saved cursor, erase to the end of the line) before
/// the explorer starts, so a shell prompt on the same line stays.
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
        format!("\x1b7{LOADING}\x1b8\x1b[K")
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
    assert_eq!(
        String::from_utf8_lossy(&NARROW.lock().unwrap()),
        "\x1b7permscope:…\x1b8\x1b[K"
    );
}

// ---------------------------------------------------------------- hostile input (issue 20)

/// Runs permscope with `stdin` as its standard input.
fn permscope_stdin(args: &[&str], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_permscope"))
        .args(args)
        .env_remove("PERMSCOPE_DATA")
        .env("XDG_DATA_HOME", "/nonexistent/permscope-tests")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    // Written from a thread: permscope stops reading at the cap.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    out
}

/// `(yes User.Read | head -c 17000000; echo Directory.ReadWrite.All) | permscope assess`
/// rated 1,677,722 names, the last one `User.R` (cut at 16 MiB), and never the
/// last line. Over the cap is refused.
#[test]
fn assess_refuses_standard_input_over_the_cap() {
    let mut input: Vec<u8> = b"User.Read\n".iter().copied().cycle().take(17_000_000).collect();
    input.extend_from_slice(b"Directory.ReadWrite.All\n");
    let o = permscope_stdin(&["assess", "--format", "json"], &input);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "nothing is rated");
    assert!(
        stderr(&o).contains("standard input: more than 16 MiB; input over the cap is refused"),
        "{}",
        stderr(&o)
    );
    // Under the cap, and with a byte order mark, every line is rated.
    let o = permscope_stdin(
        &["assess", "--format", "json"],
        "\u{feff}User.Read.All\nDirectory.ReadWrite.All\n".as_bytes(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v[0]["permission"], "User.Read.All");
    assert_eq!(v[1]["permission"], "Directory.ReadWrite.All");
}

/// A CSV with `rows` rows whose purposes are `purpose_chars` backslashes (each
/// written as two characters in JSON: the product file is twice the CSV).
fn heavy_csv(rows: usize, purpose_chars: usize) -> String {
    let purpose = "\\".repeat(purpose_chars);
    let mut csv = String::from("api,permission,type,purpose\n");
    for _ in 0..rows {
        csv.push_str(&format!("Microsoft Graph,Mail.Read,application,{purpose}\n"));
    }
    csv
}

fn import(dir: &std::path::Path, file: &std::path::Path, slug: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "--data",
        dir.to_str().unwrap(),
        "import",
        file.to_str().unwrap(),
        "--product",
        slug,
        "--vendor",
        "V",
    ];
    args.extend_from_slice(extra);
    permscope(&args)
}

/// A 7.6 MB CSV became a 30.5 MB product file that every later run skipped,
/// and `--force` replaced a working product with it. The file to write gets
/// the loader's checks first, size included.
#[test]
fn import_never_writes_a_file_the_loader_refuses() {
    let dir = TempDir::new("import-cap");
    let small = dir.write(
        "small.csv",
        "api,permission,type\nMicrosoft Graph,Mail.Read,application\n",
    );
    assert!(import(dir.path(), &small, "big-vendor", &[]).status.success());
    let before = std::fs::read(dir.path().join("big-vendor.json")).unwrap();
    let csv = dir.write("vendor.csv", &heavy_csv(2_150, 4_000));
    assert!(csv.metadata().unwrap().len() < 16 * 1024 * 1024);
    for force in [false, true] {
        let o = import(dir.path(), &csv, "big-vendor", if force { &["--force"] } else { &[] });
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("the product file would be") && stderr(&o).contains("larger than 16 MiB"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(
        std::fs::read(dir.path().join("big-vendor.json")).unwrap(),
        before,
        "the working file is intact"
    );
    let o = permscope(&["--data", dir.path().to_str().unwrap(), "check"]);
    assert!(o.status.success(), "{}", stdout(&o));
    // A text over the schema's 4,096 characters is refused at its cell.
    let notes = dir.write(
        "notes.csv",
        &format!(
            "api,permission,type,notes\nMicrosoft Graph,Mail.Read,application,{}\n",
            "n".repeat(5_000)
        ),
    );
    let o = import(dir.path(), &notes, "notes-vendor", &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("notes.csv:2:39: field `notes`: 5000 characters long; at most 4096 are allowed"),
        "{}",
        stderr(&o)
    );
    let long = "V".repeat(100_000);
    let o = permscope(&[
        "--data",
        dir.path().to_str().unwrap(),
        "import",
        small.to_str().unwrap(),
        "--product",
        "long-vendor",
        "--vendor",
        &long,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--vendor: 100000 characters long"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("notes-vendor.json").exists() && !dir.path().join("long-vendor.json").exists());
}

/// With `aaa.json` holding slug `shadow-x`, importing `--product shadow-x`
/// wrote `shadow-x.json`, which every later run skipped as a duplicate.
#[test]
fn import_refuses_a_slug_another_file_holds() {
    let dir = TempDir::new("import-slug");
    dir.write("aaa.json", &product_json("shadow-x", "Read mail"));
    let csv = dir.write(
        "vendor.csv",
        "api,permission,type\nMicrosoft Graph,User.Read,delegated\n",
    );
    for extra in [&[][..], &["--force"][..]] {
        let o = import(dir.path(), &csv, "shadow-x", extra);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("aaa.json already holds the slug `shadow-x`"),
            "{}",
            stderr(&o)
        );
        assert!(!dir.path().join("shadow-x.json").exists());
    }
    // Its own file is the one --force replaces.
    let o = import(dir.path(), &csv, "other-x", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = import(dir.path(), &csv, "other-x", &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The message for GUIDs no catalog names lists them one per line, and the
/// input's name is neutralised inside it.
#[test]
fn import_lists_unnamed_guids_one_per_line() {
    let dir = TempDir::new("import-guids");
    let file = dir.path().join("manifest\u{1b}[31m.json");
    std::fs::copy(format!("{FIXTURES}/manifest-unknown.json"), &file).unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let o = import(&data, &file, "fabrikam", &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(!e.contains('\u{1b}'), "{e:?}");
    assert!(
        e.contains("manifest\\u{1b}[31m.json: 2 permissions cannot be named:\n"),
        "{e}"
    );
    let lines: Vec<&str> = e.lines().collect();
    assert!(lines[0].ends_with("cannot be named:"), "{e}");
    let listed: Vec<&&str> = lines.iter().filter(|l| l.starts_with("  - ")).collect();
    assert_eq!(listed.len(), 2, "{e}");
    assert!(listed[0].ends_with("(line 22): GUID not in permscope's catalog"), "{e}");
    assert!(listed[1].ends_with("(line 35): resource unknown to permscope"), "{e}");
    assert!(lines[3].starts_with("Name the GUIDs"), "{e}");
}

/// SIGTERM (or SIGHUP) while the file is being written left a hidden 30 MB
/// temporary file beside the target. It is removed, and the target is either
/// complete or absent.
#[test]
fn import_removes_its_temporary_file_when_stopped_by_a_signal() {
    let dir = TempDir::new("import-signal");
    let csv = dir.write("vendor.csv", &heavy_csv(1_900, 4_000));
    let temporaries = || -> Vec<String> {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    };
    let mut caught = 0;
    for signal in ["TERM", "HUP", "TERM", "HUP"] {
        let _ = std::fs::remove_file(dir.path().join("heavy.json"));
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_permscope"))
            .args(["--data", dir.path().to_str().unwrap(), "import", csv.to_str().unwrap()])
            .args(["--product", "heavy", "--vendor", "V"])
            .env_remove("PERMSCOPE_DATA")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id().to_string();
        let kill = |sig: &str| std::process::Command::new("kill").args([sig, &pid]).status().unwrap();
        // Stop it the moment its temporary file appears, then signal it.
        let start = std::time::Instant::now();
        let mut seen = false;
        while start.elapsed() < std::time::Duration::from_secs(60) {
            if !temporaries().is_empty() {
                kill("-STOP");
                seen = !temporaries().is_empty();
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        kill(&format!("-{signal}"));
        kill("-CONT");
        let status = child.wait().unwrap();
        assert!(temporaries().is_empty(), "left behind: {:?}", temporaries());
        if seen {
            caught += 1;
            let code = if signal == "TERM" { 143 } else { 129 };
            assert!(status.code() == Some(code) || status.success(), "{status:?}");
        }
        // Whatever the moment, the product file is whole or absent.
        if let Ok(text) = std::fs::read_to_string(dir.path().join("heavy.json")) {
            let o = permscope(&["--data", dir.path().to_str().unwrap(), "check"]);
            assert!(o.status.success(), "{} bytes: {}", text.len(), stdout(&o));
        }
    }
    assert!(caught > 0, "no import was caught while writing its file");
}

/// A temporary file of permscope's own naming, older than an hour (a SIGKILL
/// cannot be caught), is removed by the next import; others are left alone.
#[test]
fn import_removes_stale_temporaries_of_its_own() {
    let dir = TempDir::new("import-stale");
    let old = dir.write(".gone-x.json.99999-0.tmp", "half a file");
    let hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(hours_ago)
        .unwrap();
    let fresh = dir.write(".busy-x.json.99998-0.tmp", "being written");
    let other = dir.write(".notes.tmp", "not ours");
    std::fs::File::options()
        .write(true)
        .open(&other)
        .unwrap()
        .set_modified(hours_ago)
        .unwrap();
    let csv = dir.write(
        "vendor.csv",
        "api,permission,type\nMicrosoft Graph,User.Read,delegated\n",
    );
    let o = import(dir.path(), &csv, "stale-x", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!old.exists(), "the stale temporary is removed");
    assert!(
        stderr(&o).contains(".gone-x.json.99999-0.tmp, left by an import that was stopped"),
        "{}",
        stderr(&o)
    );
    assert!(fresh.exists() && other.exists());
}

/// A `--data` folder that does not exist was reported as "(file skipped)".
#[test]
fn a_missing_data_folder_is_reported_as_a_folder() {
    let o = permscope(&["--data", "/nonexistent/permscope-data", "vendors"]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("/nonexistent/permscope-data: no such data folder (folder skipped)"),
        "{}",
        stderr(&o)
    );
}

/// A product file or a risk-rules file written as an array (positional
/// fields) loaded as if it were the object the schema requires: a positional
/// risk file turned Mail.Read into LOW.
#[test]
fn positional_arrays_are_not_objects() {
    let dir = TempDir::new("positional");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let row = r#"[3, "Microsoft Graph", null, "Mail.Read", null, "application", null, null, [], null, {}, []]"#;
    std::fs::write(
        data.join("p.json"),
        format!(r#"[null, "pos-x", "V", "P", ["T", null, null, "f", null, null], [], [["App", null, [], [{row}]]]]"#),
    )
    .unwrap();
    let o = permscope(&["--data", data.to_str().unwrap(), "vendors"]);
    assert!(!stdout(&o).contains("pos-x"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("p.json:1:1: invalid type: a list [...] where an object {...} should be (file skipped)"),
        "{}",
        stderr(&o)
    );
    let risk = dir.write(
        "risk.json",
        r#"[null, 1, "positional", [[["Microsoft Graph"], "Mail.Read", ["low", 10, ["fine"]], null, null, []]], []]"#,
    );
    let o = permscope(&["--risk", risk.to_str().unwrap(), "show", "Mail.Read"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("risk.json:1:1: invalid type: a list [...] where an object {...} should be"),
        "{}",
        stderr(&o)
    );
    // An object deeper down, written as an array, is refused where it is.
    let risk = dir.write(
        "risk2.json",
        "{\"version\": 1, \"entries\": [\n  {\"apis\": [\"Microsoft Graph\"], \"permission\": \"Mail.Read\", \"application\": [\"low\", 10, [\"fine\"]]}]}",
    );
    let o = permscope(&["--risk", risk.to_str().unwrap(), "show", "Mail.Read"]);
    assert!(
        stderr(&o).contains("risk2.json:2:75: field `entries[0].application`: invalid type: a list [...] where an object {...} should be"),
        "{}",
        stderr(&o)
    );
}

/// A UTF-8 byte order mark is accepted in every file permscope reads, and on
/// standard input.
#[test]
fn byte_order_marks_are_accepted_everywhere() {
    let dir = TempDir::new("bom");
    let bom = |text: &str| format!("\u{feff}{text}");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("bom.json"), bom(&product_json("bom-x", "Read mail"))).unwrap();
    let copy = |name: &str| {
        let text = std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap();
        dir.write(&format!("bom-{name}"), &bom(text.trim_start_matches('\u{feff}')))
    };
    let grants = copy("nakivo-approleassignments.rest.json");
    let catalog = copy("graph-serviceprincipal.az.json");
    let csv = copy("vendor-table.csv");
    let manifest = dir.write(
        "manifest.json",
        &bom(r#"{"requiredResourceAccess": [{"resourceAppId": "00000003-0000-0000-c000-000000000000", "resourceAccess": [{"id": "810c84a8-4a9e-49e6-bf7d-12d183f40d01", "type": "Role"}]}]}"#),
    );
    let risk = dir.write(
        "risk.json",
        &bom(r#"{"version": 1, "entries": [{"apis": ["Microsoft Graph"], "permission": "Mail.Read", "application": {"level": "critical", "reasons": ["Reviewed."]}}]}"#),
    );
    let d = data.to_str().unwrap();
    let o = permscope(&["--data", d, "vendors"]);
    assert!(stdout(&o).contains("bom-x") && stderr(&o).is_empty(), "{}", stderr(&o));
    let o = permscope(&[
        "--risk",
        risk.to_str().unwrap(),
        "show",
        "Mail.Read",
        "--format",
        "json",
    ]);
    assert!(
        o.status.success() && stdout(&o).contains("\"critical\""),
        "{}",
        stderr(&o)
    );
    let o = permscope(&["audit", "--product", "nakivo", "--grants", grants.to_str().unwrap()]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    let o = permscope(&["--catalog", catalog.to_str().unwrap(), "vendors"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for (file, slug) in [(&csv, "bom-csv"), (&manifest, "bom-manifest")] {
        let o = permscope(&[
            "--data",
            d,
            "import",
            file.to_str().unwrap(),
            "--product",
            slug,
            "--vendor",
            "V",
        ]);
        assert!(o.status.success(), "{slug}: {}", stderr(&o));
    }
}

/// Errors that misled or lacked the place: invalid UTF-8 (line, column and
/// field), 100,000 unclosed `[` (too deep, where), UTF-16 without a byte
/// order mark (named as such).
#[test]
fn unreadable_files_say_what_and_where() {
    let dir = TempDir::new("unreadable");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("a-utf8.json"), b"{\n \"slug\": \"a\xff\"}").unwrap();
    std::fs::write(data.join("b-deep.json"), "[".repeat(100_000)).unwrap();
    let utf16: Vec<u8> = product_json("utf16-x", "Read mail")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(data.join("c-utf16.json"), utf16).unwrap();
    let o = permscope(&["--data", data.to_str().unwrap(), "vendors"]);
    let e = stderr(&o);
    assert!(
        e.contains("a-utf8.json:2:12: field `slug`: the file is neither UTF-8 nor UTF-16 with a byte order mark"),
        "{e}"
    );
    assert!(
        e.contains("b-deep.json:1:128: arrays and objects nested too deeply: more than 127 levels"),
        "{e}"
    );
    assert!(
        e.contains("c-utf16.json:1:1: the file looks like UTF-16 (little-endian) without a byte order mark"),
        "{e}"
    );
}
