//! What a new user tripped over on the command line (issue 21), each as the
//! user met it: the real binary, its output and exit code.

mod common;

use clap::CommandFactory;
use common::{TempDir, permscope, stderr, stdout};
use permscope::model::catalog::Catalog;

/// Item 6: a prefix of several slugs is ambiguous, not unknown.
#[test]
fn an_ambiguous_product_prefix_lists_the_candidates() {
    let o = permscope(&["list", "--product", "avepoint"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("`avepoint` is ambiguous"), "{e}");
    assert!(!e.contains("no product matches"), "{e}");
    for slug in [
        "avepoint-cloud-backup-express",
        "avepoint-cloud-backup-azure",
        "avepoint-cloud-backup-azure-devops",
        "avepoint-cloud-backup-azure-ad-b2c",
    ] {
        assert!(e.contains(slug), "{e}");
    }
    assert!(!e.contains("nakivo"), "only the candidates: {e}");
    // A unique prefix still works, and an unknown one is still unknown.
    assert!(permscope(&["list", "--product", "nak"]).status.success());
    assert!(stderr(&permscope(&["list", "--product", "zz"])).contains("no product matches `zz`"));
}

/// Item 7: the help and the behaviour agree on the default product name.
#[test]
fn import_says_which_name_the_product_gets() {
    let help = stdout(&permscope(&["import", "--help"]));
    assert!(!help.contains("default: the slug"), "{help}");
    assert!(help.contains("else the vendor's name"), "{help}");
    let dir = TempDir::new("import-name");
    let csv = dir.write(
        "acme.csv",
        "api,permission,type,purpose,workload\nMicrosoft Graph,Mail.Read,application,Backup mail,Exchange Online\n",
    );
    let data = dir.path().join("data");
    let o = permscope(&[
        "import",
        csv.to_str().unwrap(),
        "--product",
        "acme-backup",
        "--vendor",
        "Acme",
        "--data",
        data.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("product name: \"Acme\" (from the vendor's name; --name NAME sets another)"),
        "{}",
        stdout(&o)
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("acme-backup.json")).unwrap()).unwrap();
    assert_eq!(written["product"], "Acme");
}

/// Item 8: `check` lists every quirk the data notes about each document (as
/// many as `vendors` counts), and says when a data folder holds no product.
#[test]
fn check_lists_every_document_quirk_and_empty_folders() {
    let check = stdout(&permscope(&["check"]));
    let vendors = stdout(&permscope(&["vendors"]));
    let catalog = Catalog::load(&[]).0;
    for p in &catalog.products {
        let listed = check
            .lines()
            .filter(|l| l.starts_with(&format!("document quirk (noted in the data): {} (", p.slug)))
            .count();
        let block: String = vendors
            .split("\n\n")
            .find(|b| b.starts_with(&format!("{}  ", p.slug)))
            .unwrap()
            .to_string();
        let counted = block
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_suffix(" document quirks noted (`permscope check` lists them)")
            })
            .map_or(0, |n| n.parse::<usize>().unwrap());
        assert_eq!(
            listed, counted,
            "{}: check lists {listed}, vendors says {counted}",
            p.slug
        );
        assert!(listed >= p.notes.len() && listed > 0, "{}", p.slug);
    }
    let empty = TempDir::new("empty-data");
    let o = permscope(&["check", "--data", empty.path().to_str().unwrap()]);
    assert!(
        stdout(&o).contains(&format!("{} holds no product file (*.json)", empty.path().display())),
        "{}",
        stdout(&o)
    );
}

/// The numbers of a profile line: `6 CRIT 7 HIGH 2 MED 3 LOW 1 UNK of 19`.
fn profile_adds_up(line: &str) -> bool {
    let Some((levels, rest)) = line.split_once(" of ") else {
        return false;
    };
    let words: Vec<&str> = levels.split_whitespace().collect();
    let sum: usize = words
        .windows(2)
        .filter(|w| ["CRIT", "HIGH", "MED", "LOW", "UNK"].contains(&w[1]))
        .map(|w| w[0].parse::<usize>().unwrap())
        .sum();
    let distinct: usize = rest.split_whitespace().next().unwrap().parse().unwrap();
    sum == distinct
}

/// Item 9: the counts of a comparison add up, the unknown one included.
#[test]
fn compare_counts_add_up() {
    let o = stdout(&permscope(&["compare", "gitprotect", "xopero-one"]));
    let wide = o.replace("\n              ", " ");
    let lines: Vec<&str> = wide.lines().filter(|l| l.contains(" distinct permissions")).collect();
    assert_eq!(lines.len(), 2, "{o}");
    for l in lines {
        assert!(l.contains("1 UNK"), "{l}");
        assert!(profile_adds_up(l), "{l}");
    }
    // The Markdown summary too: Distinct is the sum of its level columns.
    let md = stdout(&permscope(&[
        "compare",
        "gitprotect",
        "xopero-one",
        "--format",
        "markdown",
    ]));
    let row = md
        .lines()
        .find(|l| l.starts_with("| gitprotect |"))
        .expect("summary row");
    let n: Vec<usize> = row.split('|').filter_map(|c| c.trim().parse().ok()).collect();
    assert_eq!(n[0], n[1..6].iter().sum::<usize>(), "{row}");
    // The bars count the unknown one too.
    assert!(
        o.lines().any(|l| l.trim_start().starts_with("UNK") && l.ends_with('█')),
        "{o}"
    );
}

/// Item 9: the README's "Levels over the data" table counts distinct
/// permissions and says so, with today's numbers (`UPDATE_README=1` rewrites them).
#[test]
fn readme_levels_table_counts_distinct_permissions() {
    use permscope::model::level::RiskLevel;
    use permscope::model::permission::PermissionKind;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let mut readme = std::fs::read_to_string(path).unwrap();
    let catalog = Catalog::load(&[]).0;
    for (kind, label) in [
        (
            PermissionKind::Application,
            "distinct permissions in the product files, application",
        ),
        (
            PermissionKind::Delegated,
            "distinct permissions in the product files, delegated (one blank claim is unknown)",
        ),
    ] {
        let groups = permscope::model::query::group_by_permission(
            &catalog,
            (0..catalog.requirements.len()).filter(|&i| catalog.requirements[i].kind == kind),
        );
        let count = |l: RiskLevel| groups.iter().filter(|g| catalog.rating(g.rows[0]).level == l).count();
        let want = format!(
            "| {label} | {} | {} | {} | {} | {} |",
            groups.len(),
            count(RiskLevel::Low),
            count(RiskLevel::Medium),
            count(RiskLevel::High),
            count(RiskLevel::Critical)
        );
        let at = readme.find(&format!("| {label} |")).expect("the row in README.md");
        let end = at + readme[at..].find('\n').unwrap();
        if std::env::var_os("UPDATE_README").is_some() {
            readme.replace_range(at..end, &want);
            continue;
        }
        assert_eq!(&readme[at..end], want);
    }
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(path, readme).unwrap();
    }
    assert!(!std::fs::read_to_string(path).unwrap().contains("| product rows,"));
}

/// Item 10: piped at 120 columns, the WHY column tells the rows apart; an
/// empty result says so on stderr and leaves stdout to scripts.
#[test]
fn list_shows_what_differs_and_says_when_nothing_matches() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_permscope"))
        .args(["list", "--product", "nakivo"])
        .env_remove("PERMSCOPE_DATA")
        .env("XDG_DATA_HOME", "/nonexistent/permscope-tests")
        .env("COLUMNS", "120")
        .output()
        .unwrap();
    let text = stdout(&o);
    let why = text.lines().next().unwrap().find("WHY").unwrap();
    let cells: Vec<&str> = text.lines().skip(1).map(|l| l.get(why..).unwrap_or("")).collect();
    assert!(cells.len() > 20);
    assert!(cells.iter().all(|c| !c.starts_with("Lets the")), "{text}");
    let mut distinct = cells.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() > cells.len() / 3, "{text}");
    let o = permscope(&["list", "--query", "zzzzqqq"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("no row matches"), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 1, "only the header on stdout");
    let o = permscope(&["list", "--query", "zzzzqqq", "--format", "json"]);
    assert_eq!(stdout(&o).trim(), "[]");
}

/// Item 11: a JSON mistake in a reviewer's words, with its position; a
/// rules file given to the level filter points at --risk-rules.
#[test]
fn errors_speak_a_reviewers_words() {
    let dir = TempDir::new("bad-grants");
    let bad = dir.write("bad.json", "{\n  \"value\": [ nope ]\n}\n");
    let o = permscope(&["audit", "--product", "nakivo", "--grants", bad.to_str().unwrap()]);
    let e = stderr(&o);
    assert!(e.contains("bad.json:2:"), "{e}");
    assert!(e.contains("not valid JSON"), "{e}");
    assert!(!e.contains("expected ident") && !e.contains("expected value"), "{e}");
    assert!(e.contains("text must be in double quotes"), "{e}");
    let cut = dir.write("cut.json", "{\"value\": [");
    let e = stderr(&permscope(&[
        "audit",
        "--product",
        "nakivo",
        "--grants",
        cut.to_str().unwrap(),
    ]));
    assert!(e.contains("cut short") && !e.contains("EOF"), "{e}");
    let rules = dir.write("rules.json", "{}");
    let e = stderr(&permscope(&["list", "--risk", rules.to_str().unwrap()]));
    assert!(e.contains("not a risk level"), "{e}");
    assert!(e.contains(&format!("--risk-rules {}", rules.display())), "{e}");
    // A product file with a wrong type says so in words too.
    let data = TempDir::new("bad-type");
    data.write(
        "p.json",
        &common::product_json("typed", "x").replacen("\"line\": 3", "\"line\": \"three\"", 1),
    );
    let e = stderr(&permscope(&["--data", data.path().to_str().unwrap(), "vendors"]));
    assert!(e.contains("the text \"three\" where a whole number should be"), "{e}");
}

/// The escape sequences in `text`, each up to its final byte.
fn escapes(text: &str) -> Vec<String> {
    text.match_indices('\u{1b}')
        .map(|(at, _)| {
            let rest = &text[at..];
            let end = rest.find('m').map_or(rest.len(), |m| m + 1);
            rest[..end].replace('\u{1b}', "ESC")
        })
        .collect()
}

/// Item 12: `--color always` colours the badges of every command that shows
/// them, with the program's own colours only; `never` and NO_COLOR do not.
#[test]
fn color_always_colours_badges_and_never_does_not() {
    let own = ["ESC[1;97;41m", "ESC[1;91m", "ESC[33m", "ESC[32m", "ESC[35m", "ESC[0m"];
    let grants = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/grants/nakivo-approleassignments.rest.json"
    );
    let commands: [&[&str]; 5] = [
        &["list", "--product", "nakivo"],
        &["show", "Mail.ReadWrite"],
        &["vendors"],
        &["compare", "nakivo", "gitprotect"],
        &["audit", "--product", "nakivo", "--grants", grants],
    ];
    for args in commands {
        let mut always = args.to_vec();
        always.extend(["--color", "always"]);
        let o = permscope(&always);
        let text = stdout(&o);
        let found = escapes(&text);
        assert!(
            found.iter().any(|e| e == "ESC[1;97;41m"),
            "{args:?}: no Critical colour\n{text}"
        );
        assert!(found.iter().all(|e| own.contains(&e.as_str())), "{args:?}: {found:?}");
        // Every colour is reset.
        let resets = found.iter().filter(|e| *e == "ESC[0m").count();
        assert_eq!(resets * 2, found.len(), "{args:?}");
        let mut never = args.to_vec();
        never.extend(["--color", "never"]);
        assert!(!stdout(&permscope(&never)).contains('\u{1b}'), "{args:?}");
        // auto into a pipe (and NO_COLOR, which the helper sets) stays mono.
        assert!(!stdout(&permscope(args)).contains('\u{1b}'), "{args:?}");
    }
    // Prose is not painted: a description's words stay as they are.
    let o = stdout(&permscope(&["list", "--product", "nakivo", "--color", "always"]));
    for line in o.lines().skip(1) {
        assert!(line.starts_with('\u{1b}'), "the badge starts the row: {line:?}");
        assert_eq!(line.matches('\u{1b}').count(), 2, "{line:?}");
    }
}

/// Item 13: each command's help lists the options that apply to it, and
/// every argument says what it is.
#[test]
fn help_lists_only_what_applies_and_describes_everything() {
    let mut cli = permscope::commands::Cli::command();
    cli.build();
    let mut undescribed = Vec::new();
    for sub in cli.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = sub.get_name();
        let help = stdout(&permscope(&[name, "-h"]));
        assert!(!help.contains("--print"), "{name}: {help}");
        assert_eq!(help.contains("--clipboard"), name == "doctor", "{name}: {help}");
        assert!(help.contains("--data"), "{name}");
        for arg in sub.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if arg.get_help().is_none_or(|h| h.to_string().trim().is_empty()) {
                undescribed.push(format!("permscope {name} {id}"));
            }
        }
    }
    assert!(
        undescribed.is_empty(),
        "arguments without a description: {undescribed:?}"
    );
    for arg in cli.get_arguments() {
        let id = arg.get_id().as_str();
        assert!(
            id == "help" || id == "version" || arg.get_help().is_some(),
            "`permscope`: `{id}`"
        );
    }
    // Explorer options with a command are refused, not ignored.
    let o = permscope(&["--print", "list"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--print is the explorer's"), "{}", stderr(&o));
    // --clipboard before `doctor` is what doctor explains.
    let o = permscope(&["--clipboard", "osc52", "doctor"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Item 13: completions for four shells and a manual page, from the parser.
#[test]
fn completions_and_the_manual_page_are_generated() {
    for (shell, mark) in [
        ("bash", "complete -F _permscope"),
        ("zsh", "#compdef permscope"),
        ("fish", "complete -c permscope"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = permscope(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains(mark), "{shell}");
        assert!(script.contains("--risk-rules") && script.contains("compare"), "{shell}");
    }
    let o = permscope(&["man"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.contains(".TH permscope 1"), "{page}");
    for section in ["PERMSCOPE LIST", "PERMSCOPE AUDIT", "PERMSCOPE COMPLETIONS"] {
        assert!(page.contains(&format!(".SH \"{section}\"")), "{section}");
    }
    assert!(page.contains("risk\\-rules"), "{page}");
}

/// Item 14: delegated scopes are granted to the vendor's app, not signed in with.
#[test]
fn powershell_grants_delegated_scopes_to_the_app() {
    let o = permscope(&[
        "export",
        "--product",
        "avepoint-cloud-backup-azure",
        "--type",
        "delegated",
        "--format",
        "powershell",
    ]);
    let ps = stdout(&o);
    assert!(ps.contains("[string] $ClientAppId"), "{ps}");
    assert!(
        ps.contains(
            "New-MgOauth2PermissionGrant -ClientId $clientSp.Id -ConsentType 'AllPrincipals' -ResourceId $resourceSp.Id"
        ),
        "{ps}"
    );
    assert!(ps.contains("$scopes = @(\"BitlockerKey.Read.All\""), "{ps}");
    for line in ps.lines().filter(|l| l.starts_with("Connect-MgGraph")) {
        assert!(
            !line.contains("BitlockerKey"),
            "the admin's sign-in is not the app's grant: {line}"
        );
        assert!(line.contains("DelegatedPermissionGrant.ReadWrite.All"), "{line}");
    }
}

/// Item 15: a skipping test says so in plain `cargo test` output, and fails
/// under PERMSCOPE_NO_SKIP (what `.ci/run` sets).
#[test]
fn skips_are_shown_and_fail_where_nothing_may_skip() {
    let me = std::env::current_exe().unwrap();
    let run = |no_skip: bool| {
        let mut c = std::process::Command::new(&me);
        c.args(["--include-ignored", "--exact", "a_test_that_skips"]);
        if no_skip {
            c.env("PERMSCOPE_NO_SKIP", "1");
        } else {
            c.env_remove("PERMSCOPE_NO_SKIP");
        }
        c.output().unwrap()
    };
    let o = run(false);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("SKIPPED: nothing to do here (a test of skipping)"),
        "stdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    let o = run(true);
    assert!(!o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("PERMSCOPE_NO_SKIP is set"), "{}", stdout(&o));
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(ci.contains("PERMSCOPE_NO_SKIP=1 cargo test"), "{ci}");
    // Every test says SKIPPED through that one helper.
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(!text.contains("eprintln!(\"SKIPPED"), "{}", path.display());
            assert!(!text.contains("println!(\"SKIPPED"), "{}", path.display());
        }
    }
}

#[test]
#[ignore = "run by skips_are_shown_and_fail_where_nothing_may_skip"]
fn a_test_that_skips() {
    common::skip(format_args!("nothing to do here (a test of skipping)"));
}

/// Item 16: the README puts `permscope` on the PATH before using it.
#[test]
fn readme_installs_before_the_examples() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let install = readme
        .find("cargo install --path .")
        .expect("cargo install --path . in the README");
    let first_use = readme
        .lines()
        .scan(0, |at, l| {
            let here = *at;
            *at += l.len() + 1;
            Some((here, l))
        })
        .find(|(_, l)| l.starts_with("permscope "))
        .map(|(at, _)| at)
        .unwrap();
    assert!(
        install < first_use,
        "install at {install}, first example at {first_use}"
    );
}
