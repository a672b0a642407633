//! `permscope catalog`: every permission Microsoft publishes for the four
//! resources, rated, with the products that ask for it.

use crate::commands::context::{choice, output_width, parse_kind};
use crate::commands::list::SortArg;
use crate::model::catalog::Catalog;
use crate::model::level::RiskLevel;
use crate::model::listing::ListFormat;
use crate::model::permission::PermissionKind;
use crate::model::published;
use crate::model::query::Query;
use clap::Args;
use std::io::Write;
use std::process::ExitCode;

/// Every permission Microsoft publishes for Microsoft Graph, Exchange Online,
/// SharePoint Online and Azure DevOps, rated, with the products that ask for it.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Only this API: graph, exchange, sharepoint, devops, or a full name.
    #[arg(long)]
    pub api: Option<String>,
    /// Only this type: application or delegated.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_kind)]
    pub kind: Option<PermissionKind>,
    /// Only this risk level and above: low, medium, high, critical.
    #[arg(long, value_parser = |s: &str| RiskLevel::parse_loose(s).ok_or_else(|| format!("`{s}` is not a risk level: use low, medium, high or critical")))]
    pub risk: Option<RiskLevel>,
    /// Fuzzy search over the permission and Microsoft's display name.
    #[arg(long, short = 'q')]
    pub query: Option<String>,
    /// Output format (table fits the terminal).
    #[arg(long, value_parser = choice::<ListFormat>(), default_value = "table")]
    pub format: ListFormat,
    /// Order of rows (default: best match when searching, else by resource, type and name).
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
}

/// Prints the published permissions that pass the filters.
pub fn run(catalog: &Catalog, args: &CatalogArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let mut q = Query::default();
    if let Some(api) = &args.api {
        q.add_api(catalog, api)?;
    }
    q.kind = args.kind;
    q.min_risk = args.risk;
    q.text = args.query.clone().unwrap_or_default();
    let rows = published::all(catalog);
    let shown = published::filter(&rows, &q, args.sort.into());
    let text = published::render(catalog, &rows, &shown, args.format, output_width());
    write_in_pieces(out, &text)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` a few lines at a time. Standard output neutralises what it is
/// given, passing a piece of printable ASCII straight through and checking any
/// other piece character by character: the whole catalog is 2.7 MB of JSON with
/// a curly apostrophe in a dozen rows, and written in one piece all of it took
/// the slow path (about 40 ms).
fn write_in_pieces(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    const PIECE: usize = 16 * 1024;
    let mut rest = text;
    while !rest.is_empty() {
        // Up to the last line break within the piece (a character boundary),
        // or the whole of a longer line.
        let end = if rest.len() <= PIECE {
            rest.len()
        } else {
            match rest.as_bytes()[..PIECE].iter().rposition(|&b| b == b'\n') {
                Some(i) => i + 1,
                None => rest.find('\n').map_or(rest.len(), |i| i + 1),
            }
        };
        out.write_all(&rest.as_bytes()[..end])?;
        rest = &rest[end..];
    }
    Ok(())
}
