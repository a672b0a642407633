//! The explorer's layers and lines: what a picker, the compare view and the
//! catalog mode hold, and what one line of the table stands for.

use crate::model::catalog::Catalog;
use crate::model::compare::{CompareMode, Comparison};
use crate::model::profile::Profile;
use crate::model::published::Published;
use crate::model::query::PermissionGroup;
use std::sync::Arc;

/// Which facet a picker edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Products,
    Apis,
    Workloads,
}

impl Facet {
    pub fn title(self) -> &'static str {
        match self {
            Facet::Products => "Products",
            Facet::Apis => "APIs",
            Facet::Workloads => "Workloads",
        }
    }
}

/// The compare view's state: the comparison and where the reviewer is in it.
#[derive(Debug, Clone)]
pub struct CompareView {
    pub cmp: Comparison,
    pub mode: CompareMode,
    /// Matrix rows shown in this mode (indices into `cmp.rows`).
    pub visible: Vec<usize>,
    pub cursor: usize,
    /// Focused product column (position in `cmp.products`).
    pub column: usize,
    /// Each product's profile over the rows the filters and search let
    /// through, as the matrix and sentences are (`cmp.profiles` covers all
    /// of its rows).
    pub shown: Vec<Profile>,
}

/// Each compared product's profile over the rows of the comparison's matrix.
fn shown_profiles(catalog: &Catalog, cmp: &Comparison) -> Vec<Profile> {
    (0..cmp.products.len())
        .map(|pos| {
            let mut rows: Vec<usize> = cmp
                .rows
                .iter()
                .flat_map(|r| match &r.cells[pos] {
                    crate::model::compare::Cell::Asks(rows) => rows.clone(),
                    _ => Vec::new(),
                })
                .collect();
            rows.sort_unstable();
            crate::model::profile::profile_of_rows(catalog, cmp.products[pos], &rows)
        })
        .collect()
}

impl CompareView {
    /// The view of `cmp` in `mode`, the cursor on line `cursor` (kept within
    /// the lines shown) and on product column `column`.
    pub fn new(catalog: &Catalog, cmp: Comparison, mode: CompareMode, cursor: usize, column: usize) -> CompareView {
        let visible = cmp.visible(mode);
        let cursor = cursor.min(visible.len().saturating_sub(1));
        let shown = shown_profiles(catalog, &cmp);
        CompareView {
            cmp,
            mode,
            visible,
            cursor,
            column,
            shown,
        }
    }

    /// The matrix row under the cursor.
    pub fn current(&self) -> Option<&crate::model::compare::MatrixRow> {
        self.visible.get(self.cursor).map(|&i| &self.cmp.rows[i])
    }
}

/// The catalog mode's state: every permission Microsoft publishes, the ones
/// the filters let through, and where the reviewer is.
#[derive(Debug, Clone)]
pub struct CatalogView {
    pub rows: Arc<Vec<Published>>,
    /// Indices into `rows`, in display order.
    pub visible: Vec<usize>,
    pub cursor: usize,
}

impl CatalogView {
    /// The permission under the cursor.
    pub fn current(&self) -> Option<&Published> {
        self.visible.get(self.cursor).map(|&i| &self.rows[i])
    }
}

/// What a picker chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    /// Products to compare (two or more).
    Compare,
    /// Tick any number of a facet's values.
    Facet(Facet),
    /// One export format, then copy.
    Format,
    /// One preset of a product (by index).
    Preset(usize),
}

/// A popup list: multi-choice for facets, single choice otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub kind: PickerKind,
    pub options: Vec<String>,
    /// Ticks, for facets only.
    pub ticked: Vec<bool>,
    pub cursor: usize,
}

impl Picker {
    /// Title and how to use it.
    pub fn title(&self, catalog: &Catalog) -> String {
        match self.kind {
            PickerKind::Facet(f) => format!(
                "{} — Space ticks, Enter applies, Esc cancels (none ticked = all)",
                f.title()
            ),
            PickerKind::Compare => "Compare — tick two or more products, Enter compares, Esc cancels".into(),
            PickerKind::Format => "Copy as — Enter copies, Esc cancels".into(),
            PickerKind::Preset(p) => format!("Select from {} — Enter selects, Esc cancels", catalog.products[p].slug),
        }
    }

    /// True when options carry ticks.
    pub fn multi(&self) -> bool {
        matches!(self.kind, PickerKind::Facet(_) | PickerKind::Compare)
    }
}

/// One line of the table: a requirement row, or a distinct permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Row(usize),
    /// Boxed: a row entry stays 16 bytes, and there are 100,000s of those.
    Group(Box<PermissionGroup>),
}

impl Entry {
    /// The requirement rows this entry stands for.
    pub fn rows(&self) -> &[usize] {
        match self {
            Entry::Row(r) => std::slice::from_ref(r),
            Entry::Group(g) => &g.rows,
        }
    }
}

/// One choice of the product preset picker (`P`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresetChoice {
    /// A ready-made set of the product's rows.
    Preset(crate::model::selection::Preset),
    /// Everything one app (by index) asks for.
    App(usize),
    /// The least-privilege set of one app (by index): narrower alternatives applied.
    LeastPrivilege(usize),
}
