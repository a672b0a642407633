//! Loading user product files: good ones join the catalog, bad ones are
//! reported with file, line, column and field while everything else loads.

mod common;

use common::{TempDir, product_json};
use permscope::model::catalog::Catalog;
use permscope::model::read::ReadError;

const BUNDLED_PRODUCTS: usize = 7;

fn load_one(name: &str, text: &str) -> (Catalog, Vec<ReadError>, TempDir) {
    let dir = TempDir::new("load");
    dir.write(name, text);
    dir.write("good.json", &product_json("good-vendor", "Read mail"));
    let (catalog, report) = Catalog::load(&[dir.path().to_path_buf()]);
    (catalog, report.errors, dir)
}

/// The one error, after checking the good file and the bundled products still loaded.
fn single_error(name: &str, text: &str) -> ReadError {
    let (catalog, errors, _dir) = load_one(name, text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(catalog.products.len(), BUNDLED_PRODUCTS + 1, "others still load");
    assert!(catalog.product_index("good-vendor").is_some());
    let e = errors.into_iter().next().unwrap();
    assert!(e.origin.ends_with(name), "error names the file: {e}");
    e
}

#[test]
fn a_good_user_file_adds_a_product() {
    let (catalog, errors, _d) = load_one("extra.json", &product_json("extra", "Read mail"));
    assert!(errors.is_empty(), "{errors:?}");
    let i = catalog.product_index("extra").unwrap();
    let rows: Vec<_> = catalog.rows_of(i).collect();
    assert_eq!(rows.len(), 2);
    let exo = &catalog.requirements[rows[1]];
    assert_eq!(catalog.apis[exo.api].name, "Office 365 Exchange Online");
    assert_eq!(&*exo.workloads[0].workload, "Exchange Online");
    assert!(!exo.workloads[0].documented);
}

#[test]
fn syntax_error_names_line_and_column() {
    let text = product_json("broken", "x").replace("\"vendor\": \"Test Vendor\",", "\"vendor\": \"Test Vendor\"");
    let e = single_error("broken.json", &text);
    assert_eq!(e.line, Some(4), "{e}");
    assert!(e.column.is_some());
    assert!(e.message.contains("expected"), "{e}");
}

#[test]
fn missing_field_is_named() {
    let text = product_json("nofield", "x").replace("\"vendor\": \"Test Vendor\",\n", "");
    let e = single_error("nofield.json", &text);
    assert!(e.message.contains("missing field `vendor`"), "{e}");
    assert!(e.line.is_some());
}

#[test]
fn unknown_kind_names_the_field() {
    let text = product_json("badkind", "x").replacen("\"type\": \"application\"", "\"type\": \"app-only\"", 1);
    let e = single_error("badkind.json", &text);
    assert_eq!(e.field.as_deref(), Some("apps[0].requirements[0].type"), "{e}");
    assert_eq!(e.line, Some(10));
    assert!(e.message.contains("app-only"), "{e}");
    assert!(e.to_string().contains("badkind.json:10:"), "{e}");
}

#[test]
fn wrong_value_type_names_the_field() {
    let text = product_json("badline", "x").replacen("\"line\": 3", "\"line\": \"three\"", 1);
    let e = single_error("badline.json", &text);
    assert_eq!(e.field.as_deref(), Some("apps[0].requirements[0].line"), "{e}");
    assert!(e.message.contains("invalid type"), "{e}");
}

#[test]
fn unknown_api_is_located() {
    let text = product_json("badapi", "x").replacen("\"api\": \"Exchange\"", "\"api\": \"Yammer\"", 1);
    let e = single_error("badapi.json", &text);
    assert_eq!(e.field.as_deref(), Some("apps[0].requirements[1].api"), "{e}");
    assert_eq!(e.line, Some(11), "{e}");
    assert!(e.message.contains("Yammer"));
}

#[test]
fn escape_sequences_in_text_are_refused() {
    for (desc, what) in [
        ("\\u001b]0;owned\\u0007", "ESC"),
        ("\\u009b31m", "C1"),
        ("abc\\u202edef", "bidirectional"),
        ("a\\u200bb", "zero-width"),
    ] {
        let e = single_error("evil.json", &product_json("evil", desc));
        assert_eq!(e.field.as_deref(), Some("apps[0].requirements[0].description"), "{e}");
        assert!(e.message.contains(what) || e.message.contains("control"), "{what}: {e}");
        assert!(e.line.is_some());
        // The error itself is safe to print.
        assert!(!e.to_string().chars().any(|c| c == '\u{1b}' || c == '\u{9b}'));
    }
}

#[test]
fn oversized_file_is_refused_without_reading_it() {
    let dir = TempDir::new("big");
    let path = dir.path().join("huge.json");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(16 * 1024 * 1024 + 1).unwrap();
    dir.write("good.json", &product_json("good-vendor", "x"));
    let (catalog, report) = Catalog::load(&[dir.path().to_path_buf()]);
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].message.contains("16 MiB"), "{}", report.errors[0]);
    assert!(catalog.product_index("good-vendor").is_some());
}

#[test]
fn duplicate_slug_between_user_files_is_reported() {
    let dir = TempDir::new("dup");
    dir.write("a.json", &product_json("twin", "first"));
    dir.write("b.json", &product_json("twin", "second"));
    let (catalog, report) = Catalog::load(&[dir.path().to_path_buf()]);
    assert_eq!(report.errors.len(), 1);
    let e = &report.errors[0];
    assert!(e.origin.ends_with("b.json"));
    assert_eq!(e.field.as_deref(), Some("slug"));
    assert_eq!(e.line, Some(2));
    assert!(e.message.contains("duplicate slug `twin`"), "{e}");
    let i = catalog.product_index("twin").unwrap();
    let r = &catalog.requirements[catalog.rows_of(i).next().unwrap()];
    assert_eq!(r.description.as_deref(), Some("first"));
}

#[test]
fn a_user_file_with_a_bundled_slug_replaces_it_in_place() {
    let dir = TempDir::new("replace");
    dir.write("nakivo.json", &product_json("nakivo", "replaced"));
    let (catalog, report) = Catalog::load(&[dir.path().to_path_buf()]);
    assert!(report.errors.is_empty());
    assert_eq!(report.replaced.len(), 1);
    assert_eq!(catalog.products.len(), BUNDLED_PRODUCTS);
    let i = catalog.product_index("nakivo").unwrap();
    assert_eq!(i, 2, "keeps its place");
    assert_eq!(catalog.rows_of(i).len(), 2);
    // Row indices stay grouped by product after the replacement.
    assert!(catalog.requirements.windows(2).all(|w| w[0].product <= w[1].product));
    assert_eq!(catalog.requirements.len(), 24 + 24 + 2 + 12 + 24 + 2 + 14);
}

#[test]
fn an_unreadable_folder_is_an_error_not_a_crash() {
    let (catalog, report) = Catalog::load(&[std::path::PathBuf::from("/nonexistent/permscope")]);
    assert_eq!(report.errors.len(), 1);
    // A folder, not a file: said so (it was "(file skipped)" on the command line).
    assert_eq!(report.errors[0].message, "no such data folder");
    assert_eq!(report.errors[0].kind, permscope::model::read::ErrorKind::Folder);
    assert_eq!(catalog.products.len(), BUNDLED_PRODUCTS);
}

#[test]
fn schema_files_and_non_json_are_ignored() {
    let dir = TempDir::new("ignore");
    dir.write("product.schema.json", "{not a product}");
    dir.write("README.md", "# notes");
    let (_c, report) = Catalog::load(&[dir.path().to_path_buf()]);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

#[test]
fn invalid_utf8_is_reported_with_its_line() {
    let dir = TempDir::new("utf8");
    std::fs::write(dir.path().join("bad.json"), b"{\n\"slug\": \"x\xff\"\n}").unwrap();
    let (_c, report) = Catalog::load(&[dir.path().to_path_buf()]);
    assert_eq!(report.errors[0].line, Some(2));
    assert!(report.errors[0].message.contains("UTF-8"));
}

/// Text is borrowed from the file while parsing where it can be: a string
/// with JSON escapes still comes out exactly, and an escaped unsafe
/// character is still refused.
#[test]
fn escaped_strings_load_exactly() {
    let (catalog, errors, _d) = load_one(
        "escaped.json",
        &product_json("escaped", r#"Read \"all\" mail \u00e9t\u00e9 \\ done"#),
    );
    assert!(errors.is_empty(), "{errors:?}");
    let p = catalog.product_index("escaped").unwrap();
    let r = &catalog.requirements[catalog.rows_of(p).start];
    assert_eq!(r.description.as_deref(), Some(r#"Read "all" mail été \ done"#));
    let e = single_error("bell.json", &product_json("bell", r#"Read mail\u0007"#));
    assert_eq!(e.field.as_deref(), Some("apps[0].requirements[0].description"), "{e}");
}

/// `vendor`, `product`, an app name and `notes` of 100,000 characters loaded,
/// though the schema says 4,096. Every limit the schema states is the
/// loader's, and the error names the field and where it is.
#[test]
fn the_schemas_text_limits_are_enforced() {
    use permscope::model::read::limits::{MAX_NAME_CHARS, MAX_TEXT_CHARS};
    let long = "x".repeat(100_000);
    let base = product_json("long-text", "Read mail");
    let cases = [
        ("vendor", base.replace("\"Test Vendor\"", &format!("\"{long}\""))),
        ("product", base.replace("\"Test Product\"", &format!("\"{long}\""))),
        ("apps[0].name", base.replace("\"Test App\"", &format!("\"{long}\""))),
        (
            "notes[0]",
            base.replace("\"apps\": [", &format!("\"notes\": [\"{long}\"],\n  \"apps\": [")),
        ),
        (
            "source.title",
            base.replace("\"Test document\"", &format!("\"{long}\"")),
        ),
        (
            "apps[0].requirements[0].permission",
            base.replace("\"Mail.Read\"", &format!("\"{}\"", "P".repeat(MAX_NAME_CHARS + 1))),
        ),
    ];
    for (field, text) in cases {
        let e = single_error("long.json", &text);
        assert_eq!(e.field.as_deref(), Some(field), "{e}");
        assert!(e.message.contains("characters long; at most"), "{e}");
        let line = e.line.unwrap();
        assert!(
            text.lines().nth(line - 1).unwrap().contains("xxxx") || field.ends_with("permission"),
            "{e}"
        );
    }
    // At the limit, it loads.
    let at = base.replace("\"Test Vendor\"", &format!("\"{}\"", "é".repeat(MAX_TEXT_CHARS)));
    let (catalog, errors, _d) = load_one("at-limit.json", &at);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(catalog.product_index("long-text").is_some());
}

/// The numbers are defined once and stated by the schemas: a schema and the
/// loader can never disagree about a limit.
#[test]
fn the_schemas_state_the_loaders_limits() {
    use permscope::model::read::limits::{MAX_NAME_CHARS, MAX_SLUG_CHARS, MAX_TEXT_CHARS};
    let schema = |name: &str| -> serde_json::Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(name);
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let product = schema("product.schema.json");
    assert_eq!(product["$defs"]["text"]["maxLength"], MAX_TEXT_CHARS);
    assert_eq!(product["properties"]["slug"]["maxLength"], MAX_SLUG_CHARS);
    assert_eq!(
        product["$defs"]["requirement"]["properties"]["permission"]["maxLength"],
        MAX_NAME_CHARS
    );
    // Every maxLength in the rules and capability schemas is one of the limits.
    for name in ["risk.schema.json", "capabilities.schema.json", "product.schema.json"] {
        let text = serde_json::to_string(&schema(name)).unwrap();
        for (i, _) in text.match_indices("\"maxLength\":") {
            let n: usize = text[i + 12..].split([',', '}']).next().unwrap().trim().parse().unwrap();
            assert!(
                [MAX_TEXT_CHARS, MAX_NAME_CHARS, MAX_SLUG_CHARS].contains(&n),
                "{name}: maxLength {n}"
            );
        }
    }
}

/// A byte order mark is accepted in a product file, and an array where the
/// format has an object is refused, however deep.
#[test]
fn byte_order_marks_load_and_positional_arrays_do_not() {
    let (catalog, errors, _d) = load_one("bom.json", &format!("\u{feff}{}", product_json("bom-x", "Read mail")));
    assert!(errors.is_empty(), "{errors:?}");
    assert!(catalog.product_index("bom-x").is_some());
    let text = product_json("pos-x", "Read mail").replace(
        "\"source\": { \"title\": \"Test document\", \"file\": \"test.txt\" }",
        "\"source\": [\"Test document\", null, null, \"test.txt\"]",
    );
    let e = single_error("pos.json", &text);
    assert_eq!(e.field.as_deref(), Some("source"), "{e}");
    assert!(e.message.contains("where an object {...} should be"), "{e}");
    assert_eq!(e.line, Some(5), "{e}");
}
