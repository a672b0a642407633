//! The set of permissions a reviewer has picked to hand to an admin.
//!
//! A selection holds distinct permissions keyed on (resource, kind, claim),
//! never on requirement rows: selecting Mail.ReadWrite (Graph, application)
//! once covers every product's row for it, and the exports list it once.
//!
//! Iteration order is the key order: resource (its index in the catalog's API
//! list, so Microsoft Graph first), then kind (application before delegated),
//! then claim name (byte order, so `User.Read` sorts before `offline_access`).
//! It does not depend on the order things were selected in, so two reviewers
//! who pick the same set get byte-identical exports.

use crate::model::catalog::Catalog;
use crate::model::choice::Choice;
use crate::model::level::RiskLevel;
use crate::model::permission::{PermissionKey, PermissionKind};
use std::collections::BTreeSet;
use std::collections::btree_set;

/// The permission a requirement row asks for.
pub fn key_of(catalog: &Catalog, row: usize) -> PermissionKey {
    let r = &catalog.requirements[row];
    PermissionKey {
        api: r.api,
        kind: r.kind,
        name: r.permission.clone(),
    }
}

/// True when requirement `row` asks for exactly `key`.
pub fn row_matches(catalog: &Catalog, row: usize, key: &PermissionKey) -> bool {
    let r = &catalog.requirements[row];
    r.api == key.api && r.kind == key.kind && r.permission == key.name
}

/// A ready-made selection drawn from one product's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// Everything the product asks for.
    Everything,
    /// Everything except what the document says serves recovery only: those
    /// can be granted just in time for a restore.
    BackupOnly,
    /// The product's delegated scopes alone.
    DelegatedOnly,
    /// The product's Critical permissions alone.
    CriticalOnly,
}

impl Preset {
    /// Every preset, in the order a picker shows them.
    pub const ALL: [Preset; 4] = [
        Preset::Everything,
        Preset::BackupOnly,
        Preset::DelegatedOnly,
        Preset::CriticalOnly,
    ];

    /// Kebab-case name, as the command line spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Everything => "everything",
            Preset::BackupOnly => "backup-only",
            Preset::DelegatedOnly => "delegated-only",
            Preset::CriticalOnly => "critical-only",
        }
    }

    /// Short human label for a picker.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Everything => "Everything it asks for",
            Preset::BackupOnly => "Backup only (no recovery-only permissions)",
            Preset::DelegatedOnly => "Delegated scopes only",
            Preset::CriticalOnly => "Critical permissions only",
        }
    }
}

impl Choice for Preset {
    fn all() -> &'static [Self] {
        &Preset::ALL
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn help(self) -> &'static str {
        self.label()
    }
}

/// An ordered set of distinct permissions (see the module documentation for the order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    keys: BTreeSet<PermissionKey>,
}

impl Selection {
    /// An empty selection.
    pub fn new() -> Selection {
        Selection::default()
    }

    /// The distinct permissions asked for by `rows` (requirement indices).
    pub fn from_rows(catalog: &Catalog, rows: impl IntoIterator<Item = usize>) -> Selection {
        rows.into_iter().map(|row| key_of(catalog, row)).collect()
    }

    /// A preset applied to product `product` (an index into the catalog's products).
    /// An index with no product gives an empty selection.
    pub fn preset(catalog: &Catalog, product: usize, preset: Preset) -> Selection {
        let rows = catalog.rows_of(product);
        let all = Selection::from_rows(catalog, rows.clone());
        match preset {
            Preset::Everything => all,
            Preset::DelegatedOnly => all
                .keys
                .into_iter()
                .filter(|k| k.kind == PermissionKind::Delegated)
                .collect(),
            Preset::BackupOnly => {
                // Dropped only when every row of this product asking for it is recovery-only.
                let recovery_only = |k: &PermissionKey| {
                    rows.clone()
                        .filter(|&i| row_matches(catalog, i, k))
                        .all(|i| catalog.requirements[i].recovery_only())
                };
                all.keys.into_iter().filter(|k| !recovery_only(k)).collect()
            }
            Preset::CriticalOnly => {
                let critical = |k: &PermissionKey| {
                    rows.clone()
                        .filter(|&i| row_matches(catalog, i, k))
                        .any(|i| catalog.rating(i).level == RiskLevel::Critical)
                };
                all.keys.into_iter().filter(|k| critical(k)).collect()
            }
        }
    }

    /// Selects `key` if it is not selected, otherwise unselects it.
    /// Returns true when the key is selected afterwards.
    pub fn toggle(&mut self, key: PermissionKey) -> bool {
        if self.keys.remove(&key) {
            false
        } else {
            self.keys.insert(key);
            true
        }
    }

    /// Toggles the permission requirement `row` asks for (and so every row asking for it).
    pub fn toggle_row(&mut self, catalog: &Catalog, row: usize) -> bool {
        self.toggle(key_of(catalog, row))
    }

    /// Adds `key`; returns false when it was already selected.
    pub fn insert(&mut self, key: PermissionKey) -> bool {
        self.keys.insert(key)
    }

    /// Removes `key`; returns false when it was not selected.
    pub fn remove(&mut self, key: &PermissionKey) -> bool {
        self.keys.remove(key)
    }

    /// True when `key` is selected.
    pub fn contains(&self, key: &PermissionKey) -> bool {
        self.keys.contains(key)
    }

    /// True when the permission requirement `row` asks for is selected.
    pub fn contains_row(&self, catalog: &Catalog, row: usize) -> bool {
        let r = &catalog.requirements[row];
        // Borrowed lookup would need a key type with &str; a clone is cheap at this size.
        self.keys.contains(&PermissionKey {
            api: r.api,
            kind: r.kind,
            name: r.permission.clone(),
        })
    }

    /// Number of distinct permissions selected.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Unselects everything.
    pub fn clear(&mut self) {
        self.keys.clear();
    }

    /// The selected permissions, in key order (resource, kind, name).
    pub fn iter(&self) -> btree_set::Iter<'_, PermissionKey> {
        self.keys.iter()
    }

    /// Requirement rows asking for a selected permission, in catalog order.
    pub fn rows(&self, catalog: &Catalog) -> Vec<usize> {
        (0..catalog.requirements.len())
            .filter(|&i| self.contains_row(catalog, i))
            .collect()
    }

    /// Permissions in either selection.
    pub fn union(&self, other: &Selection) -> Selection {
        self.keys.union(&other.keys).cloned().collect()
    }

    /// Permissions in this selection and not in `other`: "what X asks beyond Y".
    pub fn difference(&self, other: &Selection) -> Selection {
        self.keys.difference(&other.keys).cloned().collect()
    }

    /// Permissions in both selections.
    pub fn intersection(&self, other: &Selection) -> Selection {
        self.keys.intersection(&other.keys).cloned().collect()
    }

    /// Selected permissions with an empty claim (a blank cell in the document).
    /// They are kept so the reviewer sees them, but no export writes them.
    pub fn empty_claims(&self) -> impl Iterator<Item = &PermissionKey> {
        self.keys.iter().filter(|k| k.name.is_empty())
    }
}

impl FromIterator<PermissionKey> for Selection {
    fn from_iter<I: IntoIterator<Item = PermissionKey>>(iter: I) -> Selection {
        Selection {
            keys: iter.into_iter().collect(),
        }
    }
}

impl Extend<PermissionKey> for Selection {
    fn extend<I: IntoIterator<Item = PermissionKey>>(&mut self, iter: I) {
        self.keys.extend(iter);
    }
}

impl<'a> IntoIterator for &'a Selection {
    type Item = &'a PermissionKey;
    type IntoIter = btree_set::Iter<'a, PermissionKey>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(api: usize, kind: PermissionKind, name: &str) -> PermissionKey {
        PermissionKey {
            api,
            kind,
            name: name.into(),
        }
    }

    #[test]
    fn order_is_resource_then_kind_then_name_whatever_the_insertion_order() {
        let mut s = Selection::new();
        s.insert(key(1, PermissionKind::Application, "b"));
        s.insert(key(0, PermissionKind::Delegated, "a"));
        s.insert(key(0, PermissionKind::Application, "z"));
        s.insert(key(0, PermissionKind::Application, "Y"));
        let names: Vec<&str> = s.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["Y", "z", "a", "b"]);
    }

    #[test]
    fn preset_names_match_the_command_line() {
        for p in Preset::ALL {
            assert_eq!(<Preset as Choice>::parse(p.as_str()), Some(p));
        }
    }

    #[test]
    fn toggle_adds_then_removes() {
        let mut s = Selection::new();
        assert!(s.toggle(key(0, PermissionKind::Application, "Mail.Read")));
        assert_eq!(s.len(), 1);
        assert!(!s.toggle(key(0, PermissionKind::Application, "Mail.Read")));
        assert!(s.is_empty());
    }

    #[test]
    fn set_operations() {
        let a: Selection = ["x", "y"]
            .iter()
            .map(|n| key(0, PermissionKind::Application, n))
            .collect();
        let b: Selection = ["y", "z"]
            .iter()
            .map(|n| key(0, PermissionKind::Application, n))
            .collect();
        let names = |s: &Selection| s.iter().map(|k| k.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a.union(&b)), ["x", "y", "z"]);
        assert_eq!(names(&a.difference(&b)), ["x"]);
        assert_eq!(names(&a.intersection(&b)), ["y"]);
    }

    #[test]
    fn same_name_on_two_kinds_or_resources_stays_distinct() {
        let mut s = Selection::new();
        s.insert(key(0, PermissionKind::Application, "User.Read.All"));
        s.insert(key(0, PermissionKind::Delegated, "User.Read.All"));
        s.insert(key(2, PermissionKind::Application, "User.Read.All"));
        assert_eq!(s.len(), 3);
    }
}
