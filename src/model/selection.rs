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
//!
//! Each permission also remembers the apps it was picked for (the apps of the
//! rows it came from): a tenant consents to apps, and one app registration's
//! manifest must never carry another app's permissions. Keys added without a
//! row (built in code) have no app.

use crate::model::catalog::Catalog;
use crate::model::choice::Choice;
use crate::model::level::RiskLevel;
use crate::model::permission::{PermissionKey, PermissionKind};
use crate::model::query::AppRef;
use std::collections::btree_map;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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

/// An ordered set of distinct permissions (see the module documentation for
/// the order), each with the apps it was picked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    keys: BTreeMap<PermissionKey, BTreeSet<AppRef>>,
}

impl Selection {
    /// An empty selection.
    pub fn new() -> Selection {
        Selection::default()
    }

    /// The distinct permissions asked for by `rows` (requirement indices), each
    /// for the apps of those rows.
    pub fn from_rows(catalog: &Catalog, rows: impl IntoIterator<Item = usize>) -> Selection {
        let mut s = Selection::new();
        s.add_rows(catalog, rows);
        s
    }

    /// Adds the permissions `rows` ask for, each for the apps of those rows.
    /// Returns how many distinct permissions the rows ask for. Rows are
    /// grouped by permission slot first, so 100,000 rows cost 1,500 key clones.
    pub fn add_rows(&mut self, catalog: &Catalog, rows: impl IntoIterator<Item = usize>) -> usize {
        let mut by_slot: HashMap<u32, (usize, BTreeSet<AppRef>)> = HashMap::new();
        for row in rows {
            by_slot
                .entry(catalog.slot(row))
                .or_insert_with(|| (row, BTreeSet::new()))
                .1
                .insert(AppRef::of_row(catalog, row));
        }
        let n = by_slot.len();
        for (_, (row, apps)) in by_slot {
            self.keys.entry(key_of(catalog, row)).or_default().extend(apps);
        }
        n
    }

    /// A preset applied to product `product` (an index into the catalog's products),
    /// every app of it. An index with no product gives an empty selection.
    pub fn preset(catalog: &Catalog, product: usize, preset: Preset) -> Selection {
        Selection::preset_of(catalog, product, None, preset)
    }

    /// A preset applied to one app of product `product` (`None`: every app).
    pub fn preset_of(catalog: &Catalog, product: usize, app: Option<usize>, preset: Preset) -> Selection {
        if product >= catalog.products.len() {
            return Selection::new();
        }
        let rows: Vec<usize> = catalog
            .rows_of(product)
            .filter(|&i| app.is_none_or(|a| catalog.requirements[i].app == a))
            .collect();
        let all = Selection::from_rows(catalog, rows.iter().copied());
        let keep = |k: &PermissionKey| {
            let mut rows_of = rows.iter().copied().filter(|&i| row_matches(catalog, i, k));
            match preset {
                Preset::Everything => true,
                Preset::DelegatedOnly => k.kind == PermissionKind::Delegated,
                // Dropped only when every row in scope asking for it is recovery-only.
                Preset::BackupOnly => !rows_of.all(|i| catalog.requirements[i].recovery_only()),
                Preset::CriticalOnly => rows_of.any(|i| catalog.rating(i).level == RiskLevel::Critical),
            }
        };
        Selection {
            keys: all.keys.into_iter().filter(|(k, _)| keep(k)).collect(),
        }
    }

    /// Selects `key` if it is not selected, otherwise unselects it.
    /// Returns true when the key is selected afterwards.
    pub fn toggle(&mut self, key: PermissionKey) -> bool {
        if self.keys.remove(&key).is_some() {
            false
        } else {
            self.keys.insert(key, BTreeSet::new());
            true
        }
    }

    /// Toggles the permission requirement `row` asks for (and so every row
    /// asking for it), for the row's app.
    pub fn toggle_row(&mut self, catalog: &Catalog, row: usize) -> bool {
        self.toggle_rows(catalog, &[row])
    }

    /// Toggles the permission `rows` ask for (rows of one permission, e.g. a
    /// merged row of the explorer): unselected, it is selected for the rows' apps.
    pub fn toggle_rows(&mut self, catalog: &Catalog, rows: &[usize]) -> bool {
        let Some(&first) = rows.first() else { return false };
        let key = key_of(catalog, first);
        if self.keys.remove(&key).is_some() {
            return false;
        }
        let apps = rows
            .iter()
            .filter(|&&r| row_matches(catalog, r, &key))
            .map(|&r| AppRef::of_row(catalog, r))
            .collect();
        self.keys.insert(key, apps);
        true
    }

    /// Adds `key` (for no app); returns false when it was already selected.
    pub fn insert(&mut self, key: PermissionKey) -> bool {
        match self.keys.entry(key) {
            btree_map::Entry::Occupied(_) => false,
            btree_map::Entry::Vacant(v) => {
                v.insert(BTreeSet::new());
                true
            }
        }
    }

    /// Adds `key` for `app`; returns false when it was already selected.
    pub fn insert_for(&mut self, key: PermissionKey, app: AppRef) -> bool {
        let new = !self.keys.contains_key(&key);
        self.keys.entry(key).or_default().insert(app);
        new
    }

    /// Removes `key`; returns false when it was not selected.
    pub fn remove(&mut self, key: &PermissionKey) -> bool {
        self.keys.remove(key).is_some()
    }

    /// True when `key` is selected.
    pub fn contains(&self, key: &PermissionKey) -> bool {
        self.keys.contains_key(key)
    }

    /// The apps `key` was picked for (empty when selected without a row, or not selected).
    pub fn apps_of(&self, key: &PermissionKey) -> impl Iterator<Item = AppRef> + '_ {
        self.keys.get(key).into_iter().flatten().copied()
    }

    /// Every app any selected permission was picked for, in order.
    pub fn apps(&self) -> BTreeSet<AppRef> {
        self.keys.values().flatten().copied().collect()
    }

    /// True when the permission requirement `row` asks for is selected.
    pub fn contains_row(&self, catalog: &Catalog, row: usize) -> bool {
        let r = &catalog.requirements[row];
        // Borrowed lookup would need a key type with &str; a clone is cheap at this size.
        self.keys.contains_key(&PermissionKey {
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
    pub fn iter(&self) -> btree_map::Keys<'_, PermissionKey, BTreeSet<AppRef>> {
        self.keys.keys()
    }

    /// Requirement rows asking for a selected permission, in catalog order.
    pub fn rows(&self, catalog: &Catalog) -> Vec<usize> {
        (0..catalog.requirements.len())
            .filter(|&i| self.contains_row(catalog, i))
            .collect()
    }

    /// Permissions in either selection, each for the apps of both.
    pub fn union(&self, other: &Selection) -> Selection {
        let mut out = self.clone();
        for (k, apps) in &other.keys {
            out.keys.entry(k.clone()).or_default().extend(apps.iter().copied());
        }
        out
    }

    /// Permissions in this selection and not in `other`: "what X asks beyond Y"
    /// (for the apps they were picked for here).
    pub fn difference(&self, other: &Selection) -> Selection {
        Selection {
            keys: self
                .keys
                .iter()
                .filter(|(k, _)| !other.keys.contains_key(*k))
                .map(|(k, a)| (k.clone(), a.clone()))
                .collect(),
        }
    }

    /// Permissions in both selections (for the apps they were picked for here).
    pub fn intersection(&self, other: &Selection) -> Selection {
        Selection {
            keys: self
                .keys
                .iter()
                .filter(|(k, _)| other.keys.contains_key(*k))
                .map(|(k, a)| (k.clone(), a.clone()))
                .collect(),
        }
    }

    /// Selected permissions with an empty claim (a blank cell in the document).
    /// They are kept so the reviewer sees them, but no export writes them.
    pub fn empty_claims(&self) -> impl Iterator<Item = &PermissionKey> {
        self.keys.keys().filter(|k| k.name.is_empty())
    }
}

impl FromIterator<PermissionKey> for Selection {
    /// Keys for no app.
    fn from_iter<I: IntoIterator<Item = PermissionKey>>(iter: I) -> Selection {
        let mut s = Selection::new();
        s.extend(iter);
        s
    }
}

impl Extend<PermissionKey> for Selection {
    /// Adds keys (for no app), keeping the apps of keys already selected.
    fn extend<I: IntoIterator<Item = PermissionKey>>(&mut self, iter: I) {
        for k in iter {
            self.insert(k);
        }
    }
}

impl<'a> IntoIterator for &'a Selection {
    type Item = &'a PermissionKey;
    type IntoIter = btree_map::Keys<'a, PermissionKey, BTreeSet<AppRef>>;

    fn into_iter(self) -> Self::IntoIter {
        self.keys.keys()
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
