//! `permscope audit`: a tenant's real grants against what a product documents.

use crate::commands::context::{AppArg, output_width, products, read_grants};
use crate::model::audit;
use crate::model::catalog::Catalog;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Check a tenant's real grants against what a product documents, app by app.
/// Exit 1 when anything undocumented (or unknown), or documented only for
/// another app, is granted.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The product whose documented permissions the grants should match.
    #[arg(long, value_name = "SLUG")]
    pub product: String,
    /// Check the grants against this app's documented permissions only. Without
    /// it, grants whose holder is one of the product's apps (by display name,
    /// by object id named in another export, or by an app id the product file
    /// records) are checked against that app.
    #[command(flatten)]
    pub app: AppArg,
    /// Exports of the app's grants: appRoleAssignments, oauth2PermissionGrants,
    /// an application manifest or `GET /applications/{id}`; camelCase or PascalCase.
    #[arg(long = "grants", value_name = "FILE", num_args = 1.., required = true)]
    pub grants_files: Vec<PathBuf>,
    /// Output format: table (for reading), json (the contract) or markdown.
    #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
    pub format: AuditFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Table,
    Json,
    #[value(alias = "md")]
    Markdown,
}

/// Prints the audit; the exit code says whether anything undocumented is granted.
pub fn run(catalog: &Catalog, args: &AuditArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let product = products(catalog, std::slice::from_ref(&args.product))?[0];
    let app = args.app.resolve_one(catalog, product)?;
    let set = read_grants(catalog, &args.grants_files)?;
    let audit = audit::audit_apps(catalog, product, app, &set.grants, &set.holders);
    let text = match args.format {
        AuditFormat::Json => {
            let mut s = crate::model::text::json_pretty(&audit::to_json(&audit));
            s.push('\n');
            s
        }
        AuditFormat::Markdown => audit::to_markdown(&audit),
        AuditFormat::Table => audit::to_table(&audit, output_width()),
    };
    out.write_all(text.as_bytes())?;
    Ok(ExitCode::from(audit.exit_code()))
}
