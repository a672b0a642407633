//! Importing a vendor's permission list as a product file, so a new vendor is in
//! permscope in minutes: from an app manifest, a grants export (see
//! [`crate::model::grants`]) or a CSV with the columns `api,permission,type,purpose,workload`.
//!
//! The result is checked by the same loader that reads every product file before
//! it is returned, and written atomically: a file is either complete or absent.

use crate::model::catalog::Catalog;
use crate::model::permission::PermissionKind;
use crate::model::product::Origin;
use crate::model::read::csv::{Cell, parse_csv, sniff_delimiter};
use crate::model::read::grants::{self, ExportKind, REQUESTED_NOTE};
use crate::model::read::limits;
use crate::model::read::{ErrorKind, ReadError};
use crate::model::text;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod error;

pub use error::{ImportError, UnknownName, Unresolved};

/// Refuses names Microsoft does not publish on their resource (listing each,
/// with close published names), and writes Microsoft's spelling where only
/// case differs (keeping the input's in `permission_as_written`): what
/// `import` writes, `check` accepts.
fn check_names(catalog: &Catalog, imported: &mut Imported, origin: &str) -> Result<(), ImportError> {
    let mut unknown = Vec::new();
    for (_, rows) in &mut imported.apps {
        for row in rows.iter_mut() {
            let Some(api) = catalog.api_index(&row.api) else {
                continue;
            };
            match crate::model::published::lookup(catalog, api, row.kind, &row.permission) {
                crate::model::published::Lookup::Known(spelled) => {
                    if spelled != row.permission {
                        if row.permission_as_written.is_none() {
                            row.permission_as_written = Some(row.permission.clone());
                        }
                        row.permission = spelled;
                    }
                }
                crate::model::published::Lookup::Unknown { suggestions } => unknown.push(UnknownName {
                    sentence: crate::model::published::unknown_sentence(
                        catalog,
                        api,
                        row.kind,
                        &row.permission,
                        &suggestions,
                    ),
                    line: row.line,
                }),
            }
        }
    }
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(ImportError::Unknown {
            origin: origin.to_string(),
            unknown,
        })
    }
}

// ------------------------------------------------------------------ the product file written

#[derive(Serialize)]
struct OutProduct {
    slug: String,
    vendor: String,
    product: String,
    source: OutSource,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    apps: Vec<OutApp>,
}

#[derive(Serialize)]
struct OutSource {
    title: String,
    file: String,
}

#[derive(Serialize)]
struct OutApp {
    name: String,
    requirements: Vec<OutRow>,
}

#[derive(Serialize)]
struct OutRow {
    line: u32,
    api: String,
    permission: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    permission_as_written: Option<String>,
    #[serde(rename = "type")]
    kind: PermissionKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purpose: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    workloads: Vec<OutWorkload>,
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

#[derive(Serialize)]
struct OutWorkload {
    workload: String,
}

/// Rows read from the input, grouped by app, plus what to say about the input.
struct Imported {
    /// `(app name or None for the default app, rows)` in first-seen order.
    apps: Vec<(Option<String>, Vec<OutRow>)>,
    /// A name the input suggests for the app (the service principal's display name).
    app_name: Option<String>,
    notes: Vec<String>,
}

// ------------------------------------------------------------------ import

/// Builds a product file from a manifest, a grants export or a CSV
/// (`api,permission,type,purpose,workload`, header row first). `origin` is the
/// input's path or name: its file name becomes `source.file`. `product_name`
/// defaults to the app's display name from the input, else the vendor.
///
/// Returns the product file's JSON text, already checked by the loader.
pub fn import(
    catalog: &Catalog,
    input_text: &str,
    origin: &str,
    slug: &str,
    vendor: &str,
    product_name: Option<&str>,
) -> Result<String, ImportError> {
    if !crate::model::read::product::is_slug(slug) {
        return Err(ImportError::Argument {
            field: "product",
            message: format!(
                "`{}` is not a valid slug: use lower-case letters, digits and single hyphens (e.g. `my-vendor`)",
                text::neutralise(slug)
            ),
        });
    }
    let vendor = argument("vendor", vendor)?;
    let given_name = product_name.map(|n| argument("name", n)).transpose()?;
    let text = input_text.strip_prefix('\u{feff}').unwrap_or(input_text);
    let file = file_name(origin);

    let mut imported = if is_json(text, origin) {
        from_export(catalog, text, origin)?
    } else {
        from_csv(catalog, text, origin)?
    };
    check_names(catalog, &mut imported, origin)?;

    let product = given_name
        .or_else(|| imported.app_name.clone())
        .unwrap_or_else(|| vendor.clone());
    let apps = imported
        .apps
        .into_iter()
        .map(|(name, requirements)| OutApp {
            name: name.unwrap_or_else(|| imported.app_name.clone().unwrap_or_else(|| product.clone())),
            requirements,
        })
        .collect();
    let out = OutProduct {
        slug: slug.to_string(),
        vendor,
        product,
        source: OutSource {
            title: format!("Imported from {file}"),
            file,
        },
        notes: imported.notes,
        apps,
    };
    let mut json = serde_json::to_string_pretty(&out).map_err(|e| {
        ImportError::Invalid(ReadError::file(
            origin,
            format!("cannot write the product as JSON: {e}"),
        ))
    })?;
    json.push('\n');

    // The same checks as every product file gets when permscope starts: the
    // size first (the loader reads no more), then the text.
    let target = format!("{slug}.json");
    if crate::model::read::file::check_size(json.len() as u64, &target).is_err() {
        return Err(ImportError::TooLarge {
            bytes: json.len(),
            rows: out.apps.iter().map(|a| a.requirements.len()).sum(),
        });
    }
    let parsed = crate::model::read::product::parse_product(&json, &target).map_err(ImportError::Invalid)?;
    crate::model::read::product::validate(
        parsed,
        &|| json.clone(),
        Origin::File(PathBuf::from(&target)),
        &catalog.apis,
        &catalog.workload_rules,
        &mut Default::default(),
    )
    .map_err(ImportError::Invalid)?;
    Ok(json)
}

/// A command-line value: trimmed, not empty, nothing a terminal would act on.
fn argument(field: &'static str, value: &str) -> Result<String, ImportError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(ImportError::Argument {
            field,
            message: "must not be empty".into(),
        });
    }
    if let Some((i, c, why)) = text::find_unsafe(v) {
        return Err(ImportError::Argument {
            field,
            message: format!("contains {why} (U+{:04X}) at character {}", c as u32, i + 1),
        });
    }
    if let Some(n) = limits::over(v, limits::MAX_TEXT_CHARS) {
        return Err(ImportError::Argument {
            field,
            message: limits::too_long(n, limits::MAX_TEXT_CHARS),
        });
    }
    Ok(v.to_string())
}

/// The file name of `origin`, made safe to store.
fn file_name(origin: &str) -> String {
    let name = Path::new(origin)
        .file_name()
        .map_or_else(|| origin.to_string(), |n| n.to_string_lossy().into_owned());
    let clean: String = name
        .chars()
        .map(|c| if text::unsafe_reason(c).is_some() { '?' } else { c })
        .collect();
    if clean.trim().is_empty() { "input".into() } else { clean }
}

fn is_json(text: &str, origin: &str) -> bool {
    let lower = origin.to_ascii_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".tsv") {
        return false;
    }
    lower.ends_with(".json") || matches!(text.trim_start().chars().next(), Some('{' | '['))
}

fn from_export(catalog: &Catalog, text: &str, origin: &str) -> Result<Imported, ImportError> {
    let export = grants::read_export(text, origin)?;
    if export.kind.is_catalog() {
        return Err(ImportError::NotAList {
            origin: origin.to_string(),
            kind: export.kind,
            hint: "pass it with --catalog to name GUIDs instead",
        });
    }
    if export.grants.is_empty() {
        return Err(ImportError::NotAList {
            origin: origin.to_string(),
            kind: ExportKind::Empty,
            hint: "there is nothing to import",
        });
    }
    let resolved = crate::model::grants::resolve(catalog, &export.grants);
    let unresolved: Vec<Unresolved> = resolved
        .iter()
        .filter(|g| g.api.is_none() || g.permission.is_none())
        .map(|g| Unresolved {
            resource: g.api_label(catalog),
            resource_known: g.api.is_some(),
            kind: g.kind,
            id: g.id.clone(),
            permission: g.permission.clone(),
            line: g.sources.first().and_then(|s| s.line),
        })
        .collect();
    if !unresolved.is_empty() {
        return Err(ImportError::Unresolved {
            origin: origin.to_string(),
            unresolved,
        });
    }
    let mut rows = Vec::new();
    let mut duplicates = 0;
    for g in &resolved {
        let (Some(api), Some(permission)) = (g.api, &g.permission) else {
            continue;
        };
        let first = &g.sources[0];
        let line = first.line.unwrap_or(first.entry + 1);
        let mut notes: Vec<String> = g.notes.iter().filter(|n| *n != REQUESTED_NOTE).cloned().collect();
        if g.count > 1 {
            duplicates += g.count - 1;
            let lines: Vec<String> = g
                .sources
                .iter()
                .map(|s| s.line.map_or_else(|| s.path.clone(), |l| l.to_string()))
                .collect();
            notes.push(format!(
                "listed {} times in the input (lines {}); recorded once",
                g.count,
                lines.join(", ")
            ));
        }
        rows.push(OutRow {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            api: catalog.apis[api].name.clone(),
            permission: permission.clone(),
            permission_as_written: None,
            kind: g.kind,
            description: None,
            purpose: None,
            workloads: Vec::new(),
            condition: None,
            attributes: BTreeMap::new(),
            notes,
        });
    }
    rows.sort_by_key(|r| r.line);
    let mut principals: Vec<String> = Vec::new();
    for g in &export.grants {
        if let Some(p) = g.principal.as_ref().and_then(|p| p.display_name.clone())
            && !principals.contains(&p)
        {
            principals.push(p);
        }
    }
    let mut notes = vec![format!(
        "Imported with `permscope import` from {}; each row's line is where its entry starts in that file. \
         Purposes and workloads are not in such an export: workloads are derived.",
        export.kind
    )];
    if duplicates > 0 {
        notes.push(format!(
            "{duplicates} duplicate {} in the input merged.",
            if duplicates == 1 { "entry was" } else { "entries were" }
        ));
    }
    if export.kind == ExportKind::RequiredResourceAccess {
        notes.push(
            "A manifest lists what the app registration requests, which is not proof of what was consented.".into(),
        );
    }
    if principals.len() > 1 {
        notes.push(format!("The input names several apps: {}.", principals.join(", ")));
    }
    Ok(Imported {
        apps: vec![(None, rows)],
        app_name: if principals.len() == 1 { principals.pop() } else { None },
        notes,
    })
}

// ------------------------------------------------------------------ CSV

/// What a CSV column is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Api,
    Permission,
    Type,
    Purpose,
    Workload,
    Description,
    Condition,
    App,
    Notes,
    /// Any other column, kept as an attribute under its header.
    Other(String),
}

fn field_of(header: &str) -> Field {
    match header.trim().to_ascii_lowercase().as_str() {
        "api" | "resource" => Field::Api,
        "permission" | "claim" | "scope" | "role" => Field::Permission,
        "type" | "kind" => Field::Type,
        "purpose" => Field::Purpose,
        "workload" | "workloads" => Field::Workload,
        "description" => Field::Description,
        "condition" => Field::Condition,
        "app" => Field::App,
        "notes" | "note" => Field::Notes,
        _ => Field::Other(header.trim().to_string()),
    }
}

/// Forgiving `type` cell: `application`, `Delegated`, `Role`, `Scope`, or both
/// kinds (`Application/Delegated`, `Application and Delegated`).
fn parse_kinds(cell: &str) -> Option<Vec<PermissionKind>> {
    if let Some(k) = PermissionKind::parse_loose(cell) {
        return Some(vec![k]);
    }
    let mut kinds = Vec::new();
    for word in cell
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let w = word.to_ascii_lowercase();
        if matches!(w.as_str(), "and" | "or" | "permission" | "permissions") {
            continue;
        }
        let k = PermissionKind::parse_loose(&w)?;
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    (!kinds.is_empty()).then_some(kinds)
}

fn from_csv(catalog: &Catalog, text: &str, origin: &str) -> Result<Imported, ImportError> {
    let records = parse_csv(text, sniff_delimiter(text), origin)?;
    let Some((header, body)) = records.split_first() else {
        return Err(ReadError::file(
            origin,
            "the CSV is empty: expected a header row api,permission,type,purpose,workload",
        )
        .into());
    };
    let fields: Vec<Field> = header.iter().map(|c| field_of(&c.text)).collect();
    for (want, name) in [
        (Field::Api, "api"),
        (Field::Permission, "permission"),
        (Field::Type, "type"),
    ] {
        if !fields.contains(&want) {
            let found: Vec<String> = header.iter().map(|c| c.text.trim().to_string()).collect();
            return Err(ReadError::at(
                origin,
                ErrorKind::Invalid,
                Some((header[0].line, 1)),
                Some(name.into()),
                format!(
                    "the header row has no `{name}` column: expected api,permission,type,purpose,workload; found {}",
                    text::neutralise(&found.join(","))
                ),
            )
            .into());
        }
    }
    for (i, f) in fields.iter().enumerate() {
        if !matches!(f, Field::Other(_)) && fields[..i].contains(f) {
            return Err(ReadError::at(
                origin,
                ErrorKind::Invalid,
                Some((header[i].line, header[i].column)),
                Some(header[i].text.trim().to_string()),
                "this column appears twice in the header",
            )
            .into());
        }
    }
    let mut apps: Vec<(Option<String>, Vec<OutRow>)> = Vec::new();
    let mut unresolved = Vec::new();
    for record in body {
        let line = record[0].line;
        if record.len() > fields.len() {
            let extra = &record[fields.len()];
            return Err(ReadError::at(
                origin,
                ErrorKind::Invalid,
                Some((extra.line, extra.column)),
                None,
                format!(
                    "this row has {} fields but the header has {} (quote a cell that holds the delimiter)",
                    record.len(),
                    fields.len()
                ),
            )
            .into());
        }
        // Cells by field, trimmed, on one line, checked for unsafe characters.
        let mut api = String::new();
        let mut permission = (String::new(), line, 1);
        let mut kind = (String::new(), line, 1);
        let mut row = OutRow {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            api: String::new(),
            permission: String::new(),
            permission_as_written: None,
            kind: PermissionKind::Application,
            description: None,
            purpose: None,
            workloads: Vec::new(),
            condition: None,
            attributes: BTreeMap::new(),
            notes: Vec::new(),
        };
        let mut app = None;
        let mut api_at = (line, 1);
        for (f, cell) in fields.iter().zip(record) {
            let value = cell.text.split_whitespace().collect::<Vec<_>>().join(" ");
            if let Some((i, c, why)) = text::find_unsafe(&value) {
                return Err(ReadError::at(
                    origin,
                    ErrorKind::Invalid,
                    Some((cell.line, cell.column)),
                    Some(header_name(header, f)),
                    format!("text contains {why} (U+{:04X}) at character {}", c as u32, i + 1),
                )
                .into());
            }
            // The loader's limits, said here at the cell rather than in the file written.
            let max = match f {
                Field::Permission => Some(limits::MAX_NAME_CHARS),
                Field::Api | Field::App | Field::Notes => Some(limits::MAX_TEXT_CHARS),
                _ => None,
            };
            if let Some(max) = max
                && let Some(n) = limits::over(&value, max)
            {
                return Err(ReadError::at(
                    origin,
                    ErrorKind::Invalid,
                    Some((cell.line, cell.column)),
                    Some(header_name(header, f)),
                    limits::too_long(n, max),
                )
                .into());
            }
            let opt = (!value.is_empty()).then(|| value.clone());
            match f {
                Field::Api => {
                    api = value;
                    api_at = (cell.line, cell.column);
                }
                Field::Permission => permission = (value, cell.line, cell.column),
                Field::Type => kind = (value, cell.line, cell.column),
                Field::Purpose => row.purpose = opt,
                Field::Description => row.description = opt,
                Field::Condition => row.condition = opt,
                Field::App => app = opt,
                Field::Notes => row.notes.extend(opt),
                Field::Workload => {
                    row.workloads = value
                        .split(';')
                        .map(str::trim)
                        .filter(|w| !w.is_empty())
                        .map(|w| OutWorkload {
                            workload: w.to_string(),
                        })
                        .collect();
                }
                Field::Other(h) => {
                    if let Some(v) = opt {
                        row.attributes.insert(h.clone(), v);
                    }
                }
            }
        }
        let cell_err = |at: (usize, usize), field: &str, message: String| -> ImportError {
            ReadError::at(
                origin,
                ErrorKind::Invalid,
                Some((at.0, at.1)),
                Some(field.to_string()),
                message,
            )
            .into()
        };
        let Some(api_index) = catalog.api_index(&api) else {
            let known: Vec<String> = catalog
                .apis
                .iter()
                .map(|a| format!("{} ({})", a.name, a.aliases.join(", ")))
                .collect();
            return Err(cell_err(
                api_at,
                "api",
                if api.is_empty() {
                    "the api cell is empty".into()
                } else {
                    format!("unknown API `{api}`: known APIs are {}", known.join("; "))
                },
            ));
        };
        let Some(kinds) = parse_kinds(&kind.0) else {
            return Err(cell_err(
                (kind.1, kind.2),
                "type",
                format!(
                    "`{}` is not a permission type: write application or delegated (Role and Scope are accepted too)",
                    kind.0
                ),
            ));
        };
        let claim = permission.0.clone();
        if claim.is_empty() {
            return Err(cell_err(
                (permission.1, permission.2),
                "permission",
                "the permission cell is empty".into(),
            ));
        }
        if claim.chars().any(char::is_whitespace) || claim.contains(',') {
            return Err(cell_err(
                (permission.1, permission.2),
                "permission",
                format!("`{claim}` is not a single claim: write one permission per row"),
            ));
        }
        let app_id = catalog.apis[api_index].app_id.clone();
        for k in kinds {
            let (name, as_written) = if grants::is_guid(&claim) {
                match catalog.microsoft.name_of(&app_id, k, &claim) {
                    Some(name) => (name.to_string(), Some(claim.clone())),
                    None => {
                        unresolved.push(Unresolved {
                            resource: catalog.apis[api_index].name.clone(),
                            resource_known: true,
                            kind: k,
                            id: Some(claim.to_ascii_lowercase()),
                            permission: None,
                            line: Some(line),
                        });
                        continue;
                    }
                }
            } else {
                (claim.clone(), None)
            };
            let out = OutRow {
                line: row.line,
                api: api.clone(),
                permission: name,
                permission_as_written: as_written,
                kind: k,
                description: row.description.clone(),
                purpose: row.purpose.clone(),
                workloads: row
                    .workloads
                    .iter()
                    .map(|w| OutWorkload {
                        workload: w.workload.clone(),
                    })
                    .collect(),
                condition: row.condition.clone(),
                attributes: row.attributes.clone(),
                notes: row.notes.clone(),
            };
            match apps.iter_mut().find(|(a, _)| *a == app) {
                Some((_, rows)) => rows.push(out),
                None => apps.push((app.clone(), vec![out])),
            }
        }
    }
    if !unresolved.is_empty() {
        return Err(ImportError::Unresolved {
            origin: origin.to_string(),
            unresolved,
        });
    }
    if apps.is_empty() {
        return Err(ReadError::file(origin, "the CSV has a header but no rows").into());
    }
    Ok(Imported {
        apps,
        app_name: None,
        notes: vec![
            "Imported with `permscope import` from a CSV table (api, permission, type, purpose, workload); \
             each row's line is its line in that file."
                .into(),
        ],
    })
}

fn header_name(header: &[Cell], f: &Field) -> String {
    header
        .iter()
        .find(|c| field_of(&c.text) == *f)
        .map_or_else(String::new, |c| c.text.trim().to_string())
}

mod write;

pub use write::{default_data_dir, remove_stale_temporaries, remove_temporaries, slug_holder, write_product_file};

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str) -> Vec<Vec<String>> {
        parse_csv(text, ',', "t.csv")
            .expect("parses")
            .into_iter()
            .map(|r| r.into_iter().map(|c| c.text).collect())
            .collect()
    }

    #[test]
    fn csv_follows_rfc_4180() {
        assert_eq!(cells("a,b\r\n1,2\r\n"), vec![vec!["a", "b"], vec!["1", "2"]]);
        assert_eq!(
            cells("a,b\n\"x, \"\"y\"\"\",\"two\nlines\"\n"),
            vec![vec!["a", "b"], vec!["x, \"y\"", "two\nlines"]]
        );
        assert_eq!(cells("a,b\n\n1,\n"), vec![vec!["a", "b"], vec!["1", ""]]);
        assert_eq!(cells("a,b\n1,2"), vec![vec!["a", "b"], vec!["1", "2"]]);
    }

    #[test]
    fn csv_positions_and_errors() {
        let r = parse_csv("a,b\n1,\"x\ny\"\n3,4\n", ',', "t.csv").expect("parses");
        assert_eq!((r[1][1].line, r[1][1].column), (2, 3));
        assert_eq!(r[2][0].line, 4);
        let e = parse_csv("a,b\n1,\"open\n", ',', "t.csv").expect_err("unterminated");
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
        let e = parse_csv("a,b\n\"x\"y,2\n", ',', "t.csv").expect_err("text after quote");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn delimiters_and_kinds() {
        assert_eq!(sniff_delimiter("api;permission;type\n"), ';');
        assert_eq!(sniff_delimiter("api,permission,type\n"), ',');
        assert_eq!(sniff_delimiter("api\tpermission\ttype\n"), '\t');
        assert_eq!(parse_kinds("Role"), Some(vec![PermissionKind::Application]));
        assert_eq!(parse_kinds(" scope "), Some(vec![PermissionKind::Delegated]));
        assert_eq!(
            parse_kinds("Application/Delegated"),
            Some(vec![PermissionKind::Application, PermissionKind::Delegated])
        );
        assert_eq!(parse_kinds("Applicaton"), None);
        assert_eq!(parse_kinds(""), None);
    }
}
