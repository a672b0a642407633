//! A selection resolved for exporting: each permission with what the formats
//! need (its GUID, level, products and apps, all neutralised), and the
//! blocks of one app registration each that the formats write. The formats
//! themselves are in [`crate::model::export`].

use crate::model::catalog::Catalog;
use crate::model::level::RiskLevel;
use crate::model::microsoft::MicrosoftPermission;
use crate::model::permission::{PermissionKey, PermissionKind};
use crate::model::product::Api;
use crate::model::query::AppRef;
use crate::model::selection::Selection;
use crate::model::text::{neutralise, plural};
use std::collections::HashMap;

/// One exportable permission, with everything the formats need.
pub(crate) struct Item<'a> {
    /// Position in the export's items: the same item may sit in two apps' blocks.
    pub(crate) index: usize,
    pub(crate) kind: PermissionKind,
    pub(crate) api: &'a Api,
    /// Neutralised claim.
    pub(crate) name: String,
    /// Neutralised resource name.
    pub(crate) api_name: String,
    /// Neutralised resource short name.
    pub(crate) api_short: String,
    /// Neutralised resource app id.
    pub(crate) app_id: String,
    pub(crate) fact: Option<&'a MicrosoftPermission>,
    pub(crate) level: RiskLevel,
    /// Slugs of the products asking for it (of its apps when it has any), in catalog order.
    pub(crate) products: Vec<String>,
    /// Why no GUID is known: the name is not one Microsoft publishes there
    /// (with close published names).
    pub(crate) unknown: Option<String>,
    /// The apps it was picked for, in catalog order (empty: picked without a row).
    pub(crate) apps: Vec<AppRef>,
    /// `(slug, app name)` of those apps, neutralised.
    pub(crate) app_names: Vec<(String, String)>,
}

impl Item<'_> {
    /// The GUID, when the catalog knows it.
    pub(crate) fn id(&self) -> Option<&str> {
        self.fact.map(|f| &*f.id)
    }

    pub(crate) fn is_graph(&self) -> bool {
        self.api
            .app_id
            .eq_ignore_ascii_case(crate::model::read::grants::GRAPH_APP_ID)
    }

    /// "`Foo.Read` (Microsoft Graph, application)".
    pub(crate) fn describe(&self) -> String {
        format!("`{}` ({}, {})", self.name, self.api_name, self.kind)
    }
}

/// Items for one app registration: the unit a manifest, a scope string or a
/// script block is for.
pub(crate) struct Block<'i, 'a> {
    /// `None` for permissions picked without a row (or when no app is known).
    pub(crate) app: Option<AppRef>,
    /// "Xopero ONE MS365 PRO (xopero-one)", neutralised; `None` without an app.
    pub(crate) label: Option<String>,
    pub(crate) items: Vec<&'i Item<'a>>,
}

impl Block<'_, '_> {
    /// The label, or what a block without an app holds.
    pub(crate) fn title(&self) -> &str {
        self.label
            .as_deref()
            .unwrap_or("permissions selected without a vendor's app")
    }
}

/// The items split by app. One block when the selection names at most one app
/// (permissions picked without a row join it); otherwise one block per app,
/// in catalog order, holding what was picked for it (a permission picked for
/// two apps sits in both), then one for permissions picked without a row.
pub(crate) fn blocks<'i, 'a>(catalog: &Catalog, items: &'i [Item<'a>], apps: &[AppRef]) -> Vec<Block<'i, 'a>> {
    let label = |a: &AppRef| neutralise(&a.label(catalog)).into_owned();
    if apps.len() <= 1 {
        return vec![Block {
            app: apps.first().copied(),
            label: apps.first().map(label),
            items: items.iter().collect(),
        }];
    }
    let mut out: Vec<Block> = apps
        .iter()
        .map(|a| Block {
            app: Some(*a),
            label: Some(label(a)),
            items: items.iter().filter(|i| i.apps.contains(a)).collect(),
        })
        .collect();
    let free: Vec<&Item> = items.iter().filter(|i| i.apps.is_empty()).collect();
    if !free.is_empty() {
        out.push(Block {
            app: None,
            label: None,
            items: free,
        });
    }
    out
}

/// "Xopero ONE Registrator (xopero-one) with 4 permissions, Xopero ONE MS365 PRO (xopero-one) with 16".
pub(crate) fn block_list<'b>(blocks: impl IntoIterator<Item = &'b Block<'b, 'b>>) -> String {
    blocks
        .into_iter()
        .map(|b| {
            format!(
                "{} with {}",
                b.title(),
                plural(b.items.len(), "permission", "permissions")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Resolves the selection against the catalog, skipping (with a warning)
/// what can never be exported. A permission's level, products and source
/// lines come from the rows of the apps it was picked for (every row asking
/// for it when it was picked without one).
pub(crate) fn prepare<'a>(catalog: &'a Catalog, selection: &Selection, warnings: &mut Vec<String>) -> Vec<Item<'a>> {
    let mut rows: HashMap<(usize, PermissionKind, &str), Vec<usize>> = HashMap::new();
    for (i, r) in catalog.requirements.iter().enumerate() {
        rows.entry((r.api, r.kind, r.permission.as_str())).or_default().push(i);
    }
    let slug = |p: usize| {
        catalog
            .products
            .get(p)
            .map_or_else(|| format!("product #{p}"), |p| neutralise(&p.slug).into_owned())
    };
    let mut items = Vec::new();
    for key in selection {
        let PermissionKey { api, kind, name } = key;
        let Some(api_ref) = catalog.apis.get(*api) else {
            warnings.push(format!(
                "Skipped `{}` ({kind}): resource #{api} is not in the catalog.",
                neutralise(name)
            ));
            continue;
        };
        let apps: Vec<AppRef> = selection.apps_of(key).collect();
        let in_scope: Vec<usize> = rows
            .get(&(*api, *kind, name.as_str()))
            .map(|all| {
                all.iter()
                    .copied()
                    .filter(|&i| apps.is_empty() || apps.contains(&AppRef::of_row(catalog, i)))
                    .collect()
            })
            .unwrap_or_default();
        if name.is_empty() {
            warnings.push(format!(
                "Skipped a blank permission on {} ({kind}): the vendor's table leaves the claim cell empty{}, so there is nothing to grant.",
                neutralise(&api_ref.name),
                cited_lines(catalog, &in_scope)
            ));
            continue;
        }
        if name.chars().any(char::is_whitespace) {
            warnings.push(format!(
                "Skipped `{}` ({}, {kind}): a claim has no spaces, so this is not one.",
                neutralise(name),
                neutralise(&api_ref.name)
            ));
            continue;
        }
        let mut products: Vec<usize> = in_scope.iter().map(|&i| catalog.requirements[i].product).collect();
        products.sort_unstable();
        products.dedup();
        items.push(Item {
            index: items.len(),
            kind: *kind,
            api: api_ref,
            name: neutralise(name).into_owned(),
            api_name: neutralise(&api_ref.name).into_owned(),
            api_short: neutralise(&api_ref.short).into_owned(),
            app_id: neutralise(&api_ref.app_id).into_owned(),
            fact: catalog.microsoft.get(&api_ref.app_id, *kind, name),
            // A permission no row of the selection's apps asks for (picked in the
            // catalog) is rated as the rules rate it.
            level: in_scope
                .iter()
                .map(|&i| catalog.rating(i).level)
                .max()
                .unwrap_or_else(|| catalog.risk.rate(&api_ref.name, *kind, name).level),
            unknown: match crate::model::published::lookup(catalog, *api, *kind, name) {
                crate::model::published::Lookup::Unknown { suggestions } if suggestions.is_empty() => {
                    Some("Microsoft publishes no such permission there".to_string())
                }
                crate::model::published::Lookup::Unknown { suggestions } => Some(format!(
                    "Microsoft publishes no such permission there (did you mean {}?)",
                    neutralise(&suggestions.join(", "))
                )),
                crate::model::published::Lookup::Known(_) => None,
            },
            products: products.into_iter().map(slug).collect(),
            app_names: apps
                .iter()
                .map(|a| (slug(a.product), neutralise(a.name(catalog)).into_owned()))
                .collect(),
            apps,
        });
    }
    items
}

/// " (gitprotect, Xopero ONE MS365 PRO: lines 213, 248)": where `rows` are, by
/// product and app; empty without rows.
pub(crate) fn cited_lines(catalog: &Catalog, rows: &[usize]) -> String {
    let mut by_app: Vec<(AppRef, Vec<u32>)> = Vec::new();
    for &i in rows {
        let app = AppRef::of_row(catalog, i);
        let line = catalog.requirements[i].line;
        match by_app.iter_mut().find(|(a, _)| *a == app) {
            Some((_, lines)) => lines.push(line),
            None => by_app.push((app, vec![line])),
        }
    }
    if by_app.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = by_app
        .iter()
        .map(|(a, lines)| {
            let slug = catalog.products.get(a.product).map_or("?", |p| p.slug.as_str());
            let list = lines.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
            format!(
                "{}, {}: line{} {list}",
                neutralise(slug),
                neutralise(a.name(catalog)),
                if lines.len() == 1 { "" } else { "s" }
            )
        })
        .collect();
    format!(" ({})", parts.join("; "))
}

pub(crate) fn no_guid(item: &Item, consequence: &str) -> String {
    match &item.unknown {
        Some(why) => format!("No GUID known for {}: {why}, so {consequence}.", item.describe()),
        None => format!(
            "No GUID known for {}: it is not in permscope's permission catalog, so {consequence}.",
            item.describe()
        ),
    }
}

/// Consecutive items on the same resource (items are in resource order).
pub(crate) fn by_resource<'i, 'a>(items: &'i [&'i Item<'a>]) -> Vec<&'i [&'i Item<'a>]> {
    items.chunk_by(|a, b| std::ptr::eq(a.api, b.api)).collect()
}

/// Items of `kind` in a block.
pub(crate) fn of_kind<'i, 'a>(items: &[&'i Item<'a>], kind: PermissionKind) -> Vec<&'i Item<'a>> {
    items.iter().copied().filter(|i| i.kind == kind).collect()
}

/// Every distinct item of the blocks, in selection order.
pub(crate) fn distinct<'i, 'a>(blocks: &[Block<'i, 'a>]) -> Vec<&'i Item<'a>> {
    let mut all: Vec<&Item> = blocks.iter().flat_map(|b| b.items.iter().copied()).collect();
    all.sort_by_key(|i| i.index);
    all.dedup_by_key(|i| i.index);
    all
}
