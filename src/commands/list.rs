//! `permscope list`: requirements (vendor table rows), filtered and searched.

use crate::commands::context::{Filters, build_query, choice, output_width};
use crate::model::catalog::Catalog;
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
    listing::write(catalog, &rows, args.format, output_width(), out)?;
    Ok(ExitCode::SUCCESS)
}
