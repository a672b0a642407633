//! The one table abstraction: a column enum, and [`TableSource`], which turns
//! a row and a column into a cell. The CLI table, the explorer, the compare
//! view and the report all draw through it, so they agree by construction.

use crate::model::catalog::Catalog;
use crate::model::permission::PermissionKind;
use std::borrow::Cow;

/// Rows of a table, as text cells.
pub trait TableSource {
    /// The cell of `row` in `column`.
    fn cell(&self, row: usize, column: Column) -> Cow<'_, str>;
    /// The header of `column`.
    fn header(&self, column: Column) -> Cow<'_, str> {
        Cow::Borrowed(column.header())
    }
}

/// A column of a requirements table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Risk,
    Permission,
    Api,
    Type,
    Product,
    App,
    Workloads,
    Phases,
    Description,
    Purpose,
    Reason,
    Id,
    Line,
    /// In a comparison: how the product at this position holds the row's permission.
    Holder(usize),
}

impl Column {
    /// Header text.
    pub fn header(self) -> &'static str {
        match self {
            Column::Risk => "RISK",
            Column::Permission => "PERMISSION",
            Column::Api => "API",
            Column::Type => "TYPE",
            Column::Product => "PRODUCT",
            Column::App => "APP",
            Column::Workloads => "WORKLOADS",
            Column::Phases => "PHASES",
            Column::Description => "DESCRIPTION",
            Column::Purpose => "PURPOSE",
            Column::Reason => "WHY",
            Column::Id => "ID",
            Column::Line => "LINE",
            Column::Holder(_) => "PRODUCT",
        }
    }

    /// Width the column wants at most; the last flexible column takes the rest.
    pub fn ideal_width(self) -> usize {
        match self {
            Column::Risk => 5,
            Column::Permission => 38,
            Column::Api => 10,
            Column::Type => 11,
            Column::Product => 24,
            Column::App => 24,
            Column::Workloads => 28,
            Column::Phases => 26,
            Column::Description => 60,
            Column::Purpose => 60,
            Column::Reason => 80,
            Column::Id => 36,
            Column::Line => 5,
            Column::Holder(_) => 28,
        }
    }

    /// Width below which the column is dropped rather than squeezed.
    pub fn min_width(self) -> usize {
        match self {
            Column::Risk => 5,
            Column::Permission => 16,
            Column::Api => 5,
            Column::Type => 5,
            Column::Product => 8,
            Column::Line => 4,
            Column::Id => 36,
            Column::Description | Column::Purpose | Column::Reason => 12,
            Column::Holder(_) => 6,
            _ => 8,
        }
    }
}

/// Text shown for a permission claim, making an empty claim visible.
pub fn claim_label(permission: &str) -> &str {
    if permission.is_empty() {
        "(empty claim)"
    } else {
        permission
    }
}

/// A permission's kind in a narrow column: `app` or `deleg`.
pub fn kind_short(kind: PermissionKind) -> &'static str {
    match kind {
        PermissionKind::Application => "app",
        PermissionKind::Delegated => "deleg",
    }
}

/// Requirement rows: the table `list`, the explorer and exports show.
impl TableSource for Catalog {
    fn cell(&self, row: usize, column: Column) -> Cow<'_, str> {
        cell(self, row, column)
    }
}

/// The cell of requirement `row` in `column`.
pub fn cell(catalog: &Catalog, row: usize, column: Column) -> Cow<'_, str> {
    let r = &catalog.requirements[row];
    match column {
        Column::Risk => Cow::Borrowed(catalog.rating(row).level.badge()),
        Column::Permission => Cow::Borrowed(claim_label(&r.permission)),
        Column::Api => Cow::Borrowed(&catalog.apis[r.api].short),
        Column::Type => Cow::Borrowed(r.kind.as_str()),
        Column::Product => Cow::Borrowed(&catalog.products[r.product].slug),
        Column::App => Cow::Borrowed(&catalog.products[r.product].apps[r.app].name),
        Column::Workloads => Cow::Owned(
            r.workloads
                .iter()
                .map(|w| {
                    if w.documented {
                        w.workload.to_string()
                    } else {
                        format!("{}*", w.workload)
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Column::Phases => Cow::Owned(r.phases().iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" ")),
        Column::Description => Cow::Borrowed(r.description.as_deref().unwrap_or("")),
        Column::Purpose => Cow::Borrowed(r.purpose.as_deref().unwrap_or("")),
        Column::Reason => Cow::Borrowed(catalog.rating(row).reasons.first().map(String::as_str).unwrap_or("")),
        Column::Id => Cow::Borrowed(catalog.fact(r).map(|f| &*f.id).unwrap_or("-")),
        Column::Line => Cow::Owned(r.line.to_string()),
        // A requirement is one product's row: it holds what it asks for.
        Column::Holder(_) => Cow::Borrowed("yes"),
    }
}

/// Splits `total` columns of width among `columns` (separated by `gap`),
/// dropping columns from the end that cannot get their minimum. `wanted`
/// gives each column's widest content (or `None` to use its ideal width).
pub fn fit_widths(columns: &[Column], wanted: &[Option<usize>], total: usize, gap: usize) -> Vec<(Column, usize)> {
    let mut chosen: Vec<Column> = columns.to_vec();
    loop {
        let need: usize = chosen.iter().map(|c| c.min_width()).sum::<usize>() + gap * chosen.len().saturating_sub(1);
        if need <= total || chosen.len() <= 1 {
            break;
        }
        chosen.pop();
    }
    let gaps = gap * chosen.len().saturating_sub(1);
    let mut widths: Vec<usize> = chosen.iter().map(|c| c.min_width()).collect();
    let mut left = total.saturating_sub(gaps + widths.iter().sum::<usize>());
    let target = |i: usize, c: Column| {
        wanted
            .get(i)
            .copied()
            .flatten()
            .map_or(c.ideal_width(), |w| w.min(c.ideal_width()).max(c.header().len()))
    };
    // Grow columns toward their ideal width, in order; in a comparison the
    // product cells (what it is about) come before the permission's name,
    // and share what there is evenly.
    let holders: Vec<usize> = (0..chosen.len())
        .filter(|&i| matches!(chosen[i], Column::Holder(_)))
        .collect();
    let mut order: Vec<usize> = (0..chosen.len()).filter(|i| !holders.contains(i)).collect();
    if let Some(at) = order.iter().position(|&i| chosen[i] == Column::Permission)
        && !holders.is_empty()
    {
        let permission = order.remove(at);
        order.push(usize::MAX);
        order.push(permission);
    }
    for i in order {
        if i == usize::MAX {
            // One character at a time to each product column that wants more.
            loop {
                let mut grew = false;
                for &h in &holders {
                    if left > 0 && widths[h] < target(h, chosen[h]) {
                        widths[h] += 1;
                        left -= 1;
                        grew = true;
                    }
                }
                if !grew {
                    break;
                }
            }
            continue;
        }
        let grow = (target(i, chosen[i]).saturating_sub(widths[i])).min(left);
        widths[i] += grow;
        left -= grow;
    }
    // Whatever is left goes to the last column.
    if let Some(last) = widths.last_mut() {
        *last += left;
    }
    chosen.into_iter().zip(widths).collect()
}

/// The width a header asks of its column: all of it, except a product's
/// slug over a comparison's cells, which may be cut (the comparison names
/// its products in full above the table) rather than take their room.
pub fn header_width(column: Column, header: &str) -> usize {
    let w = crate::model::text::display_width(header);
    match column {
        Column::Holder(_) => w.min(16),
        _ => w,
    }
}

/// The columns most tables start with, most important first: what a
/// reviewer scans for (the CLI table and the explorer add one column of prose).
pub const OVERVIEW: [Column; 6] = [
    Column::Risk,
    Column::Permission,
    Column::Type,
    Column::Api,
    Column::Product,
    Column::Workloads,
];

/// Rows of `source` as aligned plain text `width` characters wide, with a
/// header line; columns that cannot get their minimum width are left out from
/// the end, and the count of them is returned with the text.
pub fn text_table(source: &dyn TableSource, columns: &[Column], rows: &[usize], width: usize) -> (String, usize) {
    use crate::model::text::{display_width, one_line, truncate};
    let headers: Vec<String> = columns.iter().map(|&c| source.header(c).into_owned()).collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|&i| columns.iter().map(|&c| one_line(&source.cell(i, c))).collect())
        .collect();
    let wanted: Vec<Option<usize>> = (0..columns.len())
        .map(|k| {
            cells
                .iter()
                .map(|r| display_width(&r[k]))
                .chain([header_width(columns[k], &headers[k])])
                .max()
        })
        .collect();
    let fitted = fit_widths(columns, &wanted, width.max(20), 2);
    let line = |texts: &[String]| -> String {
        let mut s = String::new();
        for (n, (_, w)) in fitted.iter().enumerate() {
            let cut = truncate(&texts[n], *w);
            s.push_str(&cut);
            if n + 1 < fitted.len() {
                s.push_str(&" ".repeat(w.saturating_sub(display_width(&cut)) + 2));
            }
        }
        s.trim_end().to_string()
    };
    let mut out = line(&headers);
    out.push('\n');
    for row in &cells {
        out.push_str(&line(row));
        out.push('\n');
    }
    (out, columns.len() - fitted.len())
}
