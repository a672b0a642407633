//! `permscope list`: requirements (vendor table rows), filtered and searched.

use crate::commands::context::{Filters, build_query, choice, output_width};
use crate::model::catalog::Catalog;
use crate::model::columns::{self, Column, TableSource};
use crate::model::listing::{self, ListFormat};
use crate::model::query::{self, Sort};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::process::ExitCode;

/// Requirements (vendor table rows), filtered and searched.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filters: Filters,
    /// Output format (table fits the terminal; json is the scripting contract).
    #[arg(long, value_parser = choice::<ListFormat>(), default_value = "table")]
    pub format: ListFormat,
    /// Order of rows (default: best match when searching, else document order).
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
}

/// The orders `--sort` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Relevance,
    Risk,
    Name,
    Api,
    Product,
}

impl From<SortArg> for Sort {
    fn from(s: SortArg) -> Sort {
        match s {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Risk => Sort::Risk,
            SortArg::Name => Sort::Name,
            SortArg::Api => Sort::Api,
            SortArg::Product => Sort::Product,
        }
    }
}

/// Prints the rows that pass the filters.
pub fn run(catalog: &Catalog, args: &ListArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let q = build_query(catalog, &args.filters)?;
    let rows: Vec<usize> = query::run(catalog, &q, args.sort.into())
        .iter()
        .map(|h| h.row)
        .collect();
    if rows.is_empty() {
        // On stderr: stdout stays what a script expects (a header, `[]`).
        warn_plain("no row matches these filters; `permscope list` without them lists every row");
    }
    match args.format {
        ListFormat::Table => {
            let mut columns = columns::OVERVIEW.to_vec();
            columns.push(Column::Reason);
            let table = DistinctReasons::new(catalog, &rows);
            out.write_all(
                columns::text_table(&table, &columns, &rows, output_width())
                    .0
                    .as_bytes(),
            )?;
        }
        format => listing::write(catalog, &rows, format, output_width(), out)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// A note on stderr, through the door.
fn warn_plain(message: &str) {
    let mut err = crate::model::text::Neutral::new(std::io::stderr().lock());
    let _ = writeln!(err, "permscope: {message}");
}

/// The rows of `list`'s table, whose WHY column shows the part of each first
/// reason that differs between the rows: words every shown reason starts or
/// ends with ("Lets the app", "with no user signed in.") are left out, marked
/// with `…`, so that a narrow column still tells the rows apart.
struct DistinctReasons<'c> {
    catalog: &'c Catalog,
    reasons: std::collections::HashMap<usize, String>,
}

impl<'c> DistinctReasons<'c> {
    fn new(catalog: &'c Catalog, rows: &[usize]) -> DistinctReasons<'c> {
        let firsts: Vec<&str> = rows
            .iter()
            .map(|&r| catalog.rating(r).reasons.first().map_or("", String::as_str))
            .collect();
        let trimmed = crate::model::text::distinct_parts(&firsts);
        DistinctReasons {
            catalog,
            reasons: rows.iter().copied().zip(trimmed).collect(),
        }
    }
}

impl TableSource for DistinctReasons<'_> {
    fn cell(&self, row: usize, column: Column) -> std::borrow::Cow<'_, str> {
        match (column, self.reasons.get(&row)) {
            (Column::Reason, Some(reason)) => std::borrow::Cow::Borrowed(reason),
            _ => self.catalog.cell(row, column),
        }
    }
}
