//! Every permission side by side. A portrait page holds the permission's
//! columns and about four product columns, so more products are split into
//! tables of at most [`PER_TABLE`] products each (7 products: 4 and 3), every
//! table repeating the permission's columns. A table leaves out only the rows
//! none of its products holds in any way, and says how many.

use crate::model::catalog::Catalog;
use crate::model::columns::{claim_label, kind_short};
use crate::model::compare::{Cell, Comparison};
use crate::model::decision::facts::level_word;
use crate::model::decision::sections::agreement_mark;
use crate::model::document::{Block, Grid};
use crate::model::lens::{Agreement, lens_verdicts};
use crate::model::level::RiskLevel;
use crate::model::product::Phase;
use crate::model::query::{AppRef, Query};

/// Most product columns in one table: what fits beside the permission's
/// columns on portrait A4 or Letter at a readable size.
pub const PER_TABLE: usize = 4;

/// What the marks of the side-by-side tables mean.
pub const MATRIX_LEGEND: &str = "yes = asked for, with the phases the document states in brackets (D Discovery, \
B Backup, R Recovery); a phase marked * was derived by permscope, not stated in the document; yes alone: no phases \
stated. = the same data through another API's permission the product asks for. ⊂ covered by a broader permission \
the product asks for. — not asked for (sharing a GUID with a permission on another resource does not count). Where \
a product's own rating differs from the Risk column (its app's context changes it), the cell says so. Under each \
level, how the published classifications compare with it: ✓ agree, ↑ permscope rates higher, ↓ permscope rates \
lower (each product's table names them).";

/// The tables' groups of product positions: one group up to [`PER_TABLE`],
/// else near-equal groups, the first ones larger.
pub fn groups(n: usize) -> Vec<std::ops::Range<usize>> {
    if n == 0 {
        return Vec::new();
    }
    let tables = n.div_ceil(PER_TABLE);
    let (base, extra) = (n / tables, n % tables);
    let mut out = Vec::new();
    let mut start = 0;
    for t in 0..tables {
        let len = base + usize::from(t < extra);
        out.push(start..start + len);
        start += len;
    }
    out
}

/// The highest rating among `rows`.
fn level_of(catalog: &Catalog, rows: &[usize]) -> RiskLevel {
    rows.iter()
        .map(|&i| catalog.rating(i).level)
        .max()
        .unwrap_or(RiskLevel::Unknown)
}

/// Every asking row of matrix row `row`, whatever the product.
fn asking_rows(cmp: &Comparison, row: usize) -> Vec<usize> {
    cmp.rows[row]
        .cells
        .iter()
        .flat_map(|c| match c {
            Cell::Asks(rows) => rows.clone(),
            _ => Vec::new(),
        })
        .collect()
}

/// A product's cell: `yes (D* B)`, with its own level when it differs.
fn holder_cell(catalog: &Catalog, cmp: &Comparison, row: usize, pos: usize, row_level: RiskLevel) -> String {
    let Cell::Asks(rows) = &cmp.rows[row].cells[pos] else {
        return cmp.holder_text(catalog, row, pos);
    };
    let phases = cmp.phases(catalog, row, pos);
    let mut s = "yes".to_string();
    if !phases.is_empty() {
        let marks: Vec<String> = phases
            .iter()
            .map(|&p| {
                let documented = rows.iter().any(|&i| {
                    catalog.requirements[i]
                        .workloads
                        .iter()
                        .any(|w| w.documented && w.phases.contains(&p))
                });
                let short = match p {
                    Phase::Discovery => "D",
                    Phase::Backup => "B",
                    Phase::Recovery => "R",
                };
                format!("{short}{}", if documented { "" } else { "*" })
            })
            .collect();
        s.push_str(&format!(" ({})", marks.join(" ")));
    }
    let own = level_of(catalog, rows);
    if own != row_level {
        s.push_str(&format!("\n{} here", level_word(own)));
    }
    s
}

/// The risk cell: the level, then how the published classifications compare.
fn risk_cell(catalog: &Catalog, cmp: &Comparison, row: usize, level: RiskLevel) -> String {
    let r = &cmp.rows[row];
    let verdicts = lens_verdicts(&catalog.apis[r.api].name, r.kind, &r.permission, level);
    let count = |a: Agreement| verdicts.iter().filter(|v| v.agrees == Some(a)).count();
    let marks: Vec<String> = [Agreement::Agrees, Agreement::WeRateHigher, Agreement::WeRateLower]
        .into_iter()
        .filter(|&a| count(a) > 0)
        .map(|a| format!("{}{}", agreement_mark(Some(a)).trim(), count(a)))
        .collect();
    if marks.is_empty() {
        level_word(level)
    } else {
        format!("{}\n{}", level_word(level), marks.join(" "))
    }
}

/// The side-by-side section: legend, then one table per group of products.
pub fn matrix_blocks(catalog: &Catalog, products: &[usize], apps: &[AppRef]) -> Vec<Block> {
    let query = Query {
        apps: apps.to_vec(),
        ..Default::default()
    };
    let cmp = Comparison::new(catalog, products, &query);
    let mut out = vec![Block::Heading(2, "All permissions side by side".into())];
    let sentences = cmp.sentences(catalog);
    out.push(Block::List(sentences));
    out.push(Block::Note(MATRIX_LEGEND.into()));
    let levels: Vec<RiskLevel> = (0..cmp.rows.len())
        .map(|i| level_of(catalog, &asking_rows(&cmp, i)))
        .collect();
    let all_groups = groups(products.len());
    for (t, group) in all_groups.iter().enumerate() {
        if all_groups.len() > 1 {
            let names: Vec<&str> = group
                .clone()
                .map(|pos| catalog.products[products[pos]].slug.as_str())
                .collect();
            out.push(Block::Heading(
                3,
                format!("Table {} of {}: {}", t + 1, all_groups.len(), names.join(", ")),
            ));
        }
        let shown: Vec<usize> = (0..cmp.rows.len())
            .filter(|&i| group.clone().any(|pos| cmp.rows[i].cells[pos].holds()))
            .collect();
        let mut columns = vec![
            ("Risk".to_string(), "risk".to_string()),
            ("Permission".into(), "perm".into()),
            ("API".into(), "api".into()),
            ("Type".into(), "type".into()),
        ];
        columns.extend(group.clone().map(|pos| {
            let p = &catalog.products[products[pos]];
            (format!("{}\n({})", p.name, p.slug), "holder".to_string())
        }));
        let rows = shown
            .iter()
            .map(|&i| {
                let r = &cmp.rows[i];
                let mut cells = vec![
                    risk_cell(catalog, &cmp, i, levels[i]),
                    claim_label(&r.permission).to_string(),
                    catalog.apis[r.api].short.clone(),
                    kind_short(r.kind).to_string(),
                ];
                cells.extend(group.clone().map(|pos| holder_cell(catalog, &cmp, i, pos, levels[i])));
                cells
            })
            .collect();
        out.push(Block::Grid(Grid {
            class: "matrix".into(),
            columns,
            rows,
        }));
        let left_out = cmp.rows.len() - shown.len();
        if left_out > 0 {
            out.push(Block::Note(format!(
                "{} that none of these products holds in any way {} left out of this table; another table lists them.",
                crate::model::text::plural(left_out, "permission", "permissions"),
                if left_out == 1 { "is" } else { "are" }
            )));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_are_split_into_tables_that_fit() {
        assert_eq!(groups(1), vec![0..1]);
        assert_eq!(groups(4), vec![0..4]);
        assert_eq!(groups(5), vec![0..3, 3..5]);
        assert_eq!(groups(7), vec![0..4, 4..7]);
        assert_eq!(groups(9), vec![0..3, 3..6, 6..9]);
    }
}
