//! The README stays true: its key table is the keymap's.

use permscope::tui::keymap::Keymap;

#[test]
fn readme_key_table_matches_the_keymap() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("<!-- keys:start").expect("keys:start marker");
    let end = readme.find("<!-- keys:end -->").expect("keys:end marker");
    let table: Vec<&str> = readme[start..end]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Keys"))
        .collect();
    let expected = Keymap::default().markdown_rows();
    if std::env::var_os("UPDATE_README").is_some() {
        let header_end =
            readme[start..].find("|---|---|---|\n").expect("table header") + start + "|---|---|---|\n".len();
        let updated = format!("{}{}\n{}", &readme[..header_end], expected.join("\n"), &readme[end..]);
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"), updated).unwrap();
        return;
    }
    assert_eq!(
        table,
        expected,
        "README key table is stale; replace its rows with:\n{}",
        expected.join("\n")
    );
}

#[test]
fn readme_gives_the_two_commands() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("cargo run --release") && readme.contains("cargo test"));
}
