//! `permscope report` as a decision document, run as a reviewer runs it: the
//! decision and reviewer, when and by which permscope it was made, what it was
//! made from (documents, rules and data files with their SHA-256, the command
//! line), the marks on derived workloads and phases, and `--format md`.

mod common;

use common::{TempDir, stderr, stdout};
use sha2::Digest;
use std::process::{Command, Output};

/// 2025-11-27T17:50:03Z.
const EPOCH: &str = "1764265803";

/// The binary with a fixed clock and no user data folder.
fn report(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_permscope"))
        .arg("report")
        .args(args)
        .env_remove("PERMSCOPE_DATA")
        .env("XDG_DATA_HOME", "/nonexistent/permscope-tests")
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("run permscope")
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "exit {:?}: {}", o.status, stderr(o));
    stdout(o)
}

fn sha256(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The text of the Markdown between the heading `from` and the next heading
/// of the same or a higher level.
fn section<'a>(md: &'a str, from: &str) -> &'a str {
    let start = md.find(from).unwrap_or_else(|| panic!("no `{from}` in:\n{md}"));
    let level = from.chars().take_while(|&c| c == '#').count();
    let rest = &md[start + from.len()..];
    let end = rest
        .match_indices("\n#")
        .find(|(i, _)| {
            let hashes = rest[i + 1..].chars().take_while(|&c| c == '#').count();
            hashes <= level
        })
        .map_or(rest.len(), |(i, _)| i);
    &rest[..end]
}

#[test]
fn the_decision_reviewer_date_and_version_are_in_markdown_and_html() {
    let version = env!("CARGO_PKG_VERSION");
    for format in ["md", "markdown", "html"] {
        let out = ok(&report(&[
            "nakivo",
            "avepoint-cloud-backup-express",
            "--format",
            format,
            "--decision",
            "nakivo=conditional:only with an application access policy on the mailboxes",
            "--decision",
            "avepoint-cloud=reject",
            "--reviewer",
            "Ada Reviewer",
        ]));
        assert!(
            out.contains("2025-11-27T17:50:03Z (UTC)"),
            "{format}: no generation time"
        );
        assert!(out.contains(&format!("by permscope {version}")), "{format}: no version");
        assert!(out.contains("Ada Reviewer"), "{format}: no reviewer");
        assert!(
            out.contains("Approved on conditions: only with an application access policy on the mailboxes"),
            "{format}: nakivo's decision"
        );
        assert!(out.contains("Rejected"), "{format}: express's decision");
        assert!(!out.contains("Not yet decided"), "{format}: both are decided");
        // Products by name, the slug beside.
        assert!(
            out.contains("NAKIVO Backup &amp; Replication (nakivo)")
                || out.contains("NAKIVO Backup & Replication (nakivo)")
        );
        assert!(
            out.contains("Cloud Backup Express (avepoint-cloud-backup-express)"),
            "{format}"
        );
    }
}

#[test]
fn the_summary_comes_first_with_power_counts_reduction_and_questions() {
    let md = ok(&report(&["nakivo", "--format", "md"]));
    let summary = section(&md, "## Decision summary");
    let first_section = md
        .find("\n## NAKIVO Backup & Replication (nakivo)")
        .expect("product section");
    assert!(
        md.find("## Decision summary").unwrap() < first_section,
        "the summary leads"
    );
    assert!(
        summary.contains("Every mailbox changed (direct): Mail.ReadWrite (Graph, application)"),
        "{summary}"
    );
    assert!(summary.contains("10 Critical, 10 High, 8 Medium, 2 Low of 30 distinct permissions"));
    assert!(
        summary.contains("16 recovery-only left out (grant just in time)"),
        "{summary}"
    );
    assert!(
        summary.contains("Every file changed (direct → not reached)"),
        "{summary}"
    );
    assert!(
        summary.contains("1\\. Who holds the credential of NAKIVO Backup & Replication"),
        "{summary}"
    );
    // Not decided: says so, with lines to sign.
    assert!(summary.contains("Not yet decided"), "{summary}");
    for label in ["Decision", "Conditions or reasons", "Reviewer", "Date", "Signature"] {
        assert!(
            summary.contains(&format!("- **{label}:** \\_\\_\\_")),
            "no line for {label}:\n{summary}"
        );
    }
    let html = ok(&report(&["nakivo", "--format", "html"]));
    assert!(html.contains("<span>Signature</span><span class=\"blank\"></span>"));
}

#[test]
fn unknown_products_and_verdicts_are_refused_clearly() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["nakivo", "--decision", "xopero-one=approve"],
            "--decision `xopero-one=approve`: `xopero-one` is not a product of this report; its products are: nakivo",
        ),
        (
            &["nakivo", "--decision", "nakivo=maybe"],
            "`maybe` is not a decision; use approve, conditional, reject",
        ),
        (
            &["nakivo", "--decision", "nakivo"],
            "write SLUG=approve|conditional|reject[:NOTE]",
        ),
        (
            &["nakivo", "--decision", "nakivo=approve", "--decision", "NAKIVO=reject"],
            "nakivo is decided twice",
        ),
        (
            &["nakivo", "--decision", "=approve"],
            "`` is not a product of this report",
        ),
    ];
    for (args, want) in cases {
        let o = report(args);
        assert!(!o.status.success(), "{args:?} was accepted");
        let err = stderr(&o);
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(stdout(&o).is_empty(), "no half report on stdout");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_permscope"))
        .args(["report", "nakivo"])
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .env("XDG_DATA_HOME", "/nonexistent/permscope-tests")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("SOURCE_DATE_EPOCH must be a whole number of seconds"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_note_and_a_reviewer_are_text_not_markup() {
    let md = ok(&report(&[
        "nakivo",
        "--decision",
        "nakivo=reject:# <b>no</b> | *EWS*",
        "--reviewer",
        "[me](http://x)",
    ]));
    assert!(md.contains("Rejected: \\# &lt;b&gt;no&lt;/b&gt; \\| \\*EWS\\*"), "{md}");
    assert!(md.contains("\\[me\\](http://x)"));
    let html = ok(&report(&[
        "nakivo",
        "--format",
        "html",
        "--decision",
        "nakivo=reject:<script>x</script>",
    ]));
    assert!(html.contains("Rejected: &lt;script&gt;x&lt;/script&gt;") && !html.contains("<script>x"));
}

#[test]
fn what_it_was_made_from_lets_a_second_reviewer_reproduce_it() {
    let dir = TempDir::new("report-made");
    let rules = dir.write("rules.json", "{\"version\": 1}\n");
    let rules_arg = rules.display().to_string();
    let o = report(&["nakivo", "--risk-rules", &rules_arg, "--format", "md"]);
    let md = ok(&o);
    let made = section(&md, "## What this report was made from");
    assert!(
        made.contains("2025-11-27T17:50:03Z (UTC, from SOURCE_DATE_EPOCH)"),
        "{made}"
    );
    assert!(made.contains(&format!("**permscope version:** {}", env!("CARGO_PKG_VERSION"))));
    assert!(
        made.contains(&format!(
            "**Command line:** permscope report nakivo --risk-rules {rules_arg} --format md"
        )),
        "{made}"
    );
    // The document: title, version, date, SHA-256 (from the product file).
    assert!(made.contains("Required API Permissions for Microsoft 365"));
    assert!(made.contains("version 10.11.2 · dated 28 May 2024"), "{made}");
    assert!(made.contains("b1432d3aee169063134da2aaee7852cde60cdd8ab4f3eaed900d66e992744767"));
    // Every file, with the SHA-256 of its bytes.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (role, path) in [
        ("bundled product file", "data/products/nakivo.json"),
        ("bundled risk rules", "data/risk.json"),
        ("bundled capability model", "data/capabilities.json"),
        ("bundled alternatives and hardening", "data/alternatives.json"),
    ] {
        let hash = sha256(&std::fs::read(root.join(path)).unwrap());
        assert!(
            made.contains(&format!("| {role} | {path} | {hash} |")),
            "{path}:\n{made}"
        );
    }
    let hash = sha256(&std::fs::read(&rules).unwrap());
    assert!(
        made.contains(&format!(
            "| reviewer's risk rules (--risk-rules) | {rules_arg} | {hash} |"
        )),
        "{made}"
    );
    // Same inputs, same clock: the same report, byte for byte.
    assert_eq!(
        md,
        ok(&report(&["nakivo", "--risk-rules", &rules_arg, "--format", "md"]))
    );
}

#[test]
fn a_reviewer_model_and_alternatives_are_recorded_with_their_hashes() {
    let dir = TempDir::new("report-files");
    let model = dir.write("model.json", "{\"version\": 1}\n");
    let alternatives = dir.write("alternatives.json", "{\"version\": 1, \"description\": \"mine\"}\n");
    let (m, a) = (model.display().to_string(), alternatives.display().to_string());
    let md = ok(&report(&["nakivo", "--model", &m, "--alternatives", &a]));
    let made = section(&md, "## What this report was made from");
    let (model_hash, alternatives_hash) = (
        sha256(&std::fs::read(&model).unwrap()),
        sha256(&std::fs::read(&alternatives).unwrap()),
    );
    assert_ne!(model_hash, alternatives_hash);
    assert!(
        made.contains(&format!(
            "| reviewer's capability model (--model) | {m} | {model_hash} |"
        )),
        "{made}"
    );
    assert!(
        made.contains(&format!(
            "| reviewer's alternatives (--alternatives) | {a} | {alternatives_hash} |"
        )),
        "{made}"
    );
}

#[test]
fn derived_workloads_and_phases_are_marked_with_their_legend() {
    let md = ok(&report(&["avepoint-cloud-backup-express", "--format", "md"]));
    let rows = section(&md, "### Every permission asked for");
    assert!(
        rows.contains("\\* marks a workload, and its phases, that permscope derived"),
        "{rows}"
    );
    // The document states no workload or phase for this row: both derived.
    assert!(
        rows.contains("| Sites.FullControl.All | SharePoint | app | SharePoint\\*: Discovery\\* | 11 |"),
        "{rows}"
    );
    // A row the document states stays unmarked.
    let nakivo = ok(&report(&["nakivo", "--format", "md"]));
    assert!(
        section(&nakivo, "### Every permission asked for")
            .contains("| Mail.Read | Graph | app | Exchange Online: Discovery, Backup | 45 |"),
        "{nakivo}"
    );
    // Recovery-only permissions resting on a derived phase are marked too.
    let recovery = md
        .lines()
        .find(|l| l.starts_with("- **Needed only for recovery"))
        .unwrap();
    assert!(
        recovery.contains("BackupRestore-Restore.ReadWrite.All\\* (Microsoft Graph, application)"),
        "{recovery}"
    );
    // The HTML says the same.
    let html = ok(&report(&["avepoint-cloud-backup-express", "--format", "html"]));
    assert!(html.contains("SharePoint*: Discovery*"));
    assert!(html.contains("* marks a workload, and its phases, that permscope derived"));
}

#[test]
fn a_document_without_phases_says_so_instead_of_none() {
    let md = ok(&report(&["avepoint-cloud-backup-azure-ad-b2c"]));
    let line = md
        .lines()
        .find(|l| l.starts_with("- **Needed only for recovery"))
        .unwrap();
    assert!(
        line.contains("no phases stated: the document gives no phase for any row"),
        "{line}"
    );
    assert!(!line.contains("none"), "{line}");
    assert!(md.contains("| Entra ID\\*: no phases stated |"), "{md}");
    // A document that states phases for some rows only says how many have none.
    let azure = ok(&report(&["avepoint-cloud-backup-azure"]));
    assert!(
        azure.contains("(the document states no phase for 23 of its 24 rows)"),
        "{azure}"
    );
}

#[test]
fn published_classifications_stand_beside_each_rating() {
    let md = ok(&report(&["avepoint-cloud-backup-azure", "--format", "md"]));
    let rows = section(&md, "### Every permission asked for");
    assert!(rows.contains("| Risk | Published | Permission | API | Type | Workloads and phases | Line |"));
    assert!(
        rows.contains(
            "| Critical | APIAM Control\u{a0}✓; EntraOps Control\u{a0}✓; Graph level 4\u{a0}✓; Consent High\u{a0}✓ | RoleManagement.ReadWrite.Directory |"
        ),
        "{rows}"
    );
    assert!(
        rows.contains("APIAM = AzurePrivilegedIAM"),
        "the legend names the sources"
    );
}

/// `md` is accepted wherever a format with Markdown is taken.
#[test]
fn md_is_markdown_everywhere() {
    let cases: [&[&str]; 6] = [
        &["report", "nakivo", "--format", "md"],
        &["compare", "nakivo", "gitprotect", "--format", "md"],
        &["list", "--product", "nakivo", "--format", "md"],
        &["advise", "--product", "nakivo", "--format", "md"],
        &["export", "--product", "nakivo", "--format", "md"],
        &[
            "audit",
            "--product",
            "nakivo",
            "--grants",
            "/nonexistent/none.json",
            "--format",
            "md",
        ],
    ];
    for args in cases {
        let o = common::permscope(args);
        let err = stderr(&o);
        assert!(!err.contains("invalid value 'md'"), "{args:?}: {err}");
        if args[0] == "audit" {
            // No grants file: refused for that, after `md` was read.
            assert!(err.contains("none.json"), "{err}");
        } else if args[0] == "report" {
            assert!(o.status.success(), "{err}");
            assert!(stdout(&o).starts_with("# Permission review: NAKIVO"), "Markdown");
        } else {
            assert!(o.status.success(), "{args:?}: {err}");
            let long: Vec<&str> = args.iter().map(|a| if *a == "md" { "markdown" } else { a }).collect();
            assert_eq!(stdout(&o), stdout(&common::permscope(&long)), "{args:?}");
        }
    }
}
