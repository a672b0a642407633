//! A product's risk profile: the summary a reviewer puts in a memo.

use crate::model::catalog::Catalog;
use crate::model::claim::Claim;
use crate::model::level::RiskLevel;
use crate::model::permission::PermissionKind;
use crate::model::query::group_by_permission;
use serde::Serialize;

/// One distinct permission named in a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedPermission {
    pub api: String,
    pub permission: String,
    #[serde(rename = "type")]
    pub kind: PermissionKind,
    pub level: RiskLevel,
}

impl NamedPermission {
    /// "Mail.Read (Microsoft Graph, application), ...", or "none".
    pub fn list(list: &[NamedPermission]) -> String {
        if list.is_empty() {
            return "none".into();
        }
        list.iter()
            .map(|n| {
                format!(
                    "{} ({}, {})",
                    crate::model::columns::claim_label(&n.permission),
                    n.api,
                    n.kind
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Summary of what a product asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub product: String,
    /// Table rows (requirements), including repeats.
    pub rows: usize,
    /// Distinct permissions (resource, kind, claim).
    pub distinct: usize,
    /// Distinct permissions per level, Critical first.
    pub by_level: Vec<(RiskLevel, usize)>,
    pub application: usize,
    pub delegated: usize,
    /// Distinct Critical permissions, by name.
    pub critical: Vec<NamedPermission>,
    /// Application permissions that write or control tenant-wide data.
    pub tenant_wide_write: Vec<NamedPermission>,
    /// Permissions the document says serve recovery only (grantable just in time).
    pub recovery_only: Vec<NamedPermission>,
}

/// Computes the profile of product `index`.
pub fn profile(catalog: &Catalog, index: usize) -> Profile {
    let rows: Vec<usize> = catalog.rows_of(index).collect();
    profile_of_rows(catalog, index, &rows)
}

/// The profile of some of product `index`'s rows (one app's, say).
pub fn profile_of_rows(catalog: &Catalog, index: usize, rows: &[usize]) -> Profile {
    let groups = group_by_permission(catalog, rows.iter().copied());
    let named = |g: &crate::model::query::PermissionGroup| NamedPermission {
        api: catalog.apis[g.api].name.clone(),
        permission: g.permission.clone(),
        kind: g.kind,
        level: catalog.rating(g.rows[0]).level,
    };
    let mut by_level: Vec<(RiskLevel, usize)> = RiskLevel::ALL.iter().rev().map(|l| (*l, 0)).collect();
    for g in &groups {
        let level = catalog.rating(g.rows[0]).level;
        if let Some(slot) = by_level.iter_mut().find(|(l, _)| *l == level) {
            slot.1 += 1;
        }
    }
    Profile {
        product: catalog.products[index].slug.clone(),
        rows: rows.len(),
        distinct: groups.len(),
        by_level,
        application: groups.iter().filter(|g| g.kind == PermissionKind::Application).count(),
        delegated: groups.iter().filter(|g| g.kind == PermissionKind::Delegated).count(),
        critical: groups
            .iter()
            .filter(|g| catalog.rating(g.rows[0]).level == RiskLevel::Critical)
            .map(named)
            .collect(),
        tenant_wide_write: groups
            .iter()
            .filter(|g| Claim::parse(&g.permission, g.kind).tenant_wide_write(g.kind))
            .map(named)
            .collect(),
        recovery_only: groups
            .iter()
            .filter(|g| g.rows.iter().all(|&i| catalog.requirements[i].recovery_only()))
            .map(named)
            .collect(),
    }
}

impl Profile {
    /// The one line that sums a product up, wherever a profile is shown:
    /// "8 CRIT 12 HIGH 9 MED 1 LOW of 30 distinct permissions (30 rows; 28
    /// application, 2 delegated) · 5 tenant-wide write · 2 recovery only".
    /// Every level with a permission is counted, so the counts add up.
    pub fn line(&self) -> String {
        let mut levels: Vec<String> = [RiskLevel::Critical, RiskLevel::High, RiskLevel::Medium, RiskLevel::Low]
            .iter()
            .map(|l| format!("{} {}", self.count(*l), l.badge()))
            .collect();
        if self.count(RiskLevel::Unknown) > 0 {
            levels.push(format!(
                "{} {}",
                self.count(RiskLevel::Unknown),
                RiskLevel::Unknown.badge()
            ));
        }
        format!(
            "{} of {} distinct permissions ({} rows; {} application, {} delegated) · {} tenant-wide write · {} recovery only",
            levels.join(" "),
            self.distinct,
            self.rows,
            self.application,
            self.delegated,
            self.tenant_wide_write.len(),
            self.recovery_only.len()
        )
    }

    /// Count of distinct permissions at `level`.
    pub fn count(&self, level: RiskLevel) -> usize {
        self.by_level.iter().find(|(l, _)| *l == level).map_or(0, |(_, n)| *n)
    }
}
