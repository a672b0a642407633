//! Searching scores each distinct text once per scan and reuses the score for
//! every row that shares it. These tests hold that shortcut to the plain
//! definition: a row matches, with the same score, exactly when
//! `Matcher::score_row` over its five search fields says so.

#[allow(dead_code)]
#[path = "../examples/synth.rs"]
mod synth;

use permscope::model::catalog::Catalog;
use permscope::model::query::{self, Hit, Matcher, Query, Sort};
use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The plain definition: every row, every field, no shared scores.
fn plain(catalog: &Catalog, query: &Query) -> Vec<Hit> {
    let matcher = Matcher;
    let terms = query.terms();
    let mut hits: Vec<Hit> = (0..catalog.requirements.len())
        .filter(|&i| query.facets_pass(catalog, i))
        .filter_map(|i| {
            if terms.is_empty() {
                return Some(Hit { row: i, score: 0 });
            }
            let fields = query::search_fields(catalog, &catalog.requirements[i]);
            matcher.score_row(&fields, &terms).map(|score| Hit { row: i, score })
        })
        .collect();
    query::sort_hits(catalog, &mut hits, Sort::Relevance);
    hits
}

fn text_query(text: &str) -> Query {
    Query {
        text: text.to_string(),
        ..Query::default()
    }
}

/// The bundled products plus `rows` synthetic rows, 500 to a file, so texts
/// repeat between products, files and loader threads.
fn synthetic(rows: usize) -> Catalog {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("search-synth-{rows}"));
    let options = synth::Options {
        rows,
        seed: 7,
        rows_per_product: synth::ROWS_PER_PRODUCT,
    };
    if !synth::already_written(&dir, &options) {
        synth::write_dir(&dir, &options, true).expect("synthetic data is written");
    }
    let (catalog, report) = Catalog::load(&[dir]);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        catalog.requirements.len(),
        rows + Catalog::load(&[]).0.requirements.len()
    );
    catalog
}

fn large() -> &'static Catalog {
    static LARGE: OnceLock<Catalog> = OnceLock::new();
    // Above query::run's threshold for spreading the scan over threads, so
    // each thread's own score tables are exercised too.
    LARGE.get_or_init(|| synthetic(25_000))
}

const QUERIES: &[&str] = &[
    "m",
    "mai",
    "mail",
    "readwrit",
    "mrw",
    "mail readwrite all",
    "Mail",
    "READ",
    "backup",
    "restore mailbox",
    "graph",
    "nakivo",
    "user_impersonation",
    "vso.code",
    "zzzq",
    "a b c d e",
    "sites.fullcontrol.all",
    "é",
    "ß",
];

#[test]
fn bundled_search_equals_the_plain_definition() {
    let (catalog, _) = Catalog::load(&[]);
    for q in QUERIES {
        let query = text_query(q);
        assert_eq!(
            query::run(&catalog, &query, Sort::Relevance),
            plain(&catalog, &query),
            "query {q:?}"
        );
    }
}

#[test]
fn large_search_equals_the_plain_definition() {
    let catalog = large();
    let mut matched = 0;
    for q in QUERIES {
        let query = text_query(q);
        let fast = query::run(catalog, &query, Sort::Relevance);
        assert_eq!(fast, plain(catalog, &query), "query {q:?}");
        matched += fast.len();
    }
    // The queries do find rows: the comparison is not between empty lists.
    assert!(matched > 25_000, "{matched}");
}

#[test]
fn narrowing_a_search_equals_searching_afresh() {
    let catalog = large();
    let wide = query::run(catalog, &text_query("rea"), Sort::Relevance);
    let mut rows: Vec<usize> = wide.iter().map(|h| h.row).collect();
    rows.sort_unstable();
    let narrow = text_query("readwrit");
    assert_eq!(
        query::run_over(catalog, &narrow, Sort::Relevance, Some(&rows)),
        plain(catalog, &narrow)
    );
}

#[test]
fn repeated_texts_are_shared_between_rows() {
    // The shortcut pays only because rows share text; the loader interns it.
    let catalog = large();
    let mut distinct = std::collections::HashSet::new();
    let mut with_purpose = 0;
    for r in &catalog.requirements {
        if let Some(p) = &r.purpose {
            with_purpose += 1;
            distinct.insert(std::sync::Arc::as_ptr(p) as *const u8 as usize);
        }
    }
    assert!(
        distinct.len() * 2 < with_purpose,
        "{} distinct purpose allocations for {with_purpose} rows",
        distinct.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any query made of bits of the catalog's own text, with facets.
    #[test]
    fn any_search_equals_the_plain_definition(
        picks in proptest::collection::vec((0usize..30_000, 0usize..4, 0usize..40, 1usize..8), 1..4),
        kind in proptest::option::of(prop_oneof![
            Just(permscope::model::permission::PermissionKind::Application),
            Just(permscope::model::permission::PermissionKind::Delegated),
        ]),
        upper in any::<bool>(),
    ) {
        let catalog = large();
        let mut terms = Vec::new();
        for (row, field, start, len) in picks {
            let r = &catalog.requirements[row % catalog.requirements.len()];
            let fields = query::search_fields(catalog, r);
            let chars: Vec<char> = fields[field].chars().filter(|c| !c.is_whitespace()).collect();
            let start = start.min(chars.len());
            let term: String = chars[start..(start + len).min(chars.len())].iter().collect();
            if !term.is_empty() {
                terms.push(if upper { term } else { term.to_lowercase() });
            }
        }
        let query = Query { kind, ..text_query(&terms.join(" ")) };
        prop_assert_eq!(query::run(catalog, &query, Sort::Relevance), plain(catalog, &query));
    }
}

/// Every sort order, against comparisons written out pair by pair (stable:
/// ties keep the order the search gave them).
#[test]
fn sorting_equals_pairwise_comparison() {
    let catalog = large();
    for q in ["", "mai", "readwrit"] {
        let query = text_query(q);
        // The search gives rows in document order; each sort starts from that.
        let mut base = plain(catalog, &query);
        base.sort_by_key(|h| h.row);
        let req = |h: &Hit| &catalog.requirements[h.row];
        let mut by_name = base.clone();
        by_name.sort_by(|a, b| {
            req(a)
                .permission
                .to_ascii_lowercase()
                .cmp(&req(b).permission.to_ascii_lowercase())
        });
        let mut by_api = base.clone();
        by_api.sort_by(|a, b| catalog.apis[req(a).api].name.cmp(&catalog.apis[req(b).api].name));
        let mut by_product = base.clone();
        by_product.sort_by(|a, b| {
            catalog.products[req(a).product]
                .slug
                .cmp(&catalog.products[req(b).product].slug)
        });
        let mut by_risk = base.clone();
        by_risk.sort_by(|a, b| {
            let (ra, rb) = (catalog.rating(a.row), catalog.rating(b.row));
            rb.level.cmp(&ra.level).then(rb.score.cmp(&ra.score))
        });
        for (sort, want) in [
            (Sort::Name, by_name),
            (Sort::Api, by_api),
            (Sort::Product, by_product),
            (Sort::Risk, by_risk),
        ] {
            assert_eq!(query::run(catalog, &query, sort), want, "query {q:?}, sort {sort:?}");
        }
    }
}

/// A claim's score is its own, whatever was scored before it: the fuzzy
/// scorer once kept state between calls and gave `AppRoleAssignment.Read.Shared`
/// 95 or 96 for `ppr` depending on the claims scored earlier.
#[test]
fn a_score_does_not_depend_on_earlier_scores() {
    let terms = vec!["ppr".to_string()];
    let fresh = Matcher.score_row(&["AppRoleAssignment.Read.Shared"], &terms);
    let used = Matcher;
    for r in &large().requirements {
        let _ = used.score_row(&[&r.permission], &terms);
    }
    assert_eq!(used.score_row(&["AppRoleAssignment.Read.Shared"], &terms), fresh);
}

/// A group lists each product once, in the order first met, even when the
/// search order interleaves products.
#[test]
fn groups_list_distinct_products() {
    let catalog = large();
    let hits = query::run(catalog, &text_query("read"), Sort::Relevance);
    let groups = query::group_by_permission(catalog, hits.iter().map(|h| h.row));
    assert_eq!(groups.iter().map(|g| g.rows.len()).sum::<usize>(), hits.len());
    let mut interleaved = 0;
    for g in &groups {
        let mut want: Vec<usize> = Vec::new();
        for &r in &g.rows {
            let p = catalog.requirements[r].product;
            if !want.contains(&p) {
                want.push(p);
            }
        }
        let runs = 1 + g
            .rows
            .windows(2)
            .filter(|w| catalog.requirements[w[0]].product != catalog.requirements[w[1]].product)
            .count();
        interleaved += usize::from(runs > want.len());
        assert_eq!(g.products, want, "{}", g.permission);
    }
    // Relevance order does interleave products, so counting runs would be wrong.
    assert!(interleaved > 0);
}

/// `list --format plain` over many rows is written in parts, one per core:
/// the same bytes as the text rendered whole, one line per row, in order.
#[test]
fn plain_listing_in_parts_equals_the_whole() {
    use permscope::model::listing::{self, ListFormat};
    let catalog = large();
    let rows: Vec<usize> = query::run(catalog, &text_query("read"), Sort::Relevance)
        .iter()
        .map(|h| h.row)
        .collect();
    assert!(
        rows.len() > 10_000,
        "{} rows: the parallel path is exercised",
        rows.len()
    );
    let whole = listing::render(catalog, &rows, ListFormat::Plain, 120);
    let mut parts = Vec::new();
    listing::write(catalog, &rows, ListFormat::Plain, 120, &mut parts).unwrap();
    assert_eq!(String::from_utf8(parts).unwrap(), whole);
    let lines: Vec<&str> = whole.lines().collect();
    assert_eq!(lines.len(), rows.len());
    for (line, &row) in lines.iter().zip(&rows) {
        assert_eq!(*line, listing::plain_line(catalog, row));
    }
}
