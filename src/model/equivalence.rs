//! Permissions of two resources that reach the same data (Graph
//! `Calendars.ReadWrite` and Exchange Online `Calendars.ReadWrite.All`), as
//! `data/equivalents.json` states them: a comparison may net one against the
//! other. Sharing a GUID is not enough: Graph and SharePoint `User.Read.All`
//! share one but read different data, and the file says so. The file format is
//! read by [`crate::model::read::equivalents`].

use crate::model::catalog::Catalog;
use crate::model::permission::PermissionKind;
use std::collections::HashMap;

/// A permission as the file names it: resource name (or alias), type, claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedClaim {
    pub api: String,
    pub kind: PermissionKind,
    pub permission: String,
}

/// Why two permissions count as reaching the same data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Microsoft's catalogs give both the same GUID and the same display name.
    SameId,
    /// Microsoft's catalogs give both the same display name; the GUIDs differ.
    SameDisplayName,
}

impl Basis {
    /// The value as the file spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::SameId => "same_id",
            Basis::SameDisplayName => "same_display_name",
        }
    }
}

/// Two permissions of two resources that reach the same data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SameData {
    /// The data both reach, in a few words.
    pub data: String,
    pub permissions: [NamedClaim; 2],
    pub basis: Basis,
}

/// Two permissions that share a GUID on two resources and are not the same data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSameData {
    pub permissions: [NamedClaim; 2],
    pub why: String,
}

/// The equivalences a comparison nets by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Equivalences {
    pub same_data: Vec<SameData>,
    pub not_same_data: Vec<NotSameData>,
}

/// A permission of the catalog: API index, type, claim.
pub type ClaimKey = (usize, PermissionKind, String);

impl Equivalences {
    /// For each permission of `catalog`'s APIs the file names, the permissions
    /// of other resources reaching the same data. Names of resources the
    /// catalog does not know are left out.
    pub fn partners(&self, catalog: &Catalog) -> HashMap<ClaimKey, Vec<(usize, String)>> {
        let mut out: HashMap<ClaimKey, Vec<(usize, String)>> = HashMap::new();
        for pair in &self.same_data {
            let [a, b] = &pair.permissions;
            let (Some(ia), Some(ib)) = (catalog.api_index(&a.api), catalog.api_index(&b.api)) else {
                continue;
            };
            for ((from, fa), (to, ta)) in [((a, ia), (b, ib)), ((b, ib), (a, ia))] {
                let list = out.entry((fa, from.kind, from.permission.clone())).or_default();
                if !list.iter().any(|(api, p)| *api == ta && *p == to.permission) {
                    list.push((ta, to.permission.clone()));
                }
            }
        }
        out
    }
}

/// The bundled equivalences, parsed once.
pub fn bundled() -> &'static Equivalences {
    static BUNDLED: std::sync::OnceLock<Equivalences> = std::sync::OnceLock::new();
    BUNDLED.get_or_init(Equivalences::bundled)
}
