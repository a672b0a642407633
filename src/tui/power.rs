//! The explorer's effective power: the outcomes layer of a product (`e`), and
//! each app's analysis, kept for the detail pane's section on what the
//! highlighted permission contributes to.
//!
//! An analysis costs well under a millisecond per bundled app, so it is made
//! when needed (the layer opens, the cursor reaches an app not seen yet) and
//! kept: the catalog never changes while the explorer runs.

use crate::model::catalog::Catalog;
use crate::model::paths::Analysis;
use crate::model::paths::power::{ProductPower, app_analysis, product_analysis};
use std::collections::HashMap;
use std::sync::Arc;

/// How many apps of a highlighted entry (a distinct permission may be asked
/// for by many products) are analysed for the detail pane.
pub const FOLLOWED_APPS: usize = 4;

/// How many apps' analyses are kept: at 100,000 rows (500 apps) a reviewer
/// moving through everything would otherwise keep some 15 MB of paths.
const KEPT: usize = 64;

/// The open layer: a product's outcomes and the scroll.
#[derive(Debug, Clone)]
pub struct PowerLayer {
    pub power: ProductPower,
    pub scroll: u16,
}

/// The effective-power state of the explorer.
#[derive(Debug, Clone, Default)]
pub struct Power {
    /// The layer, when open.
    pub layer: Option<PowerLayer>,
    /// Per (product, app), what it can reach.
    analyses: HashMap<(usize, usize), Arc<Analysis>>,
}

impl Power {
    /// Opens the layer on `product`'s outcomes (every app, and the strongest).
    pub fn open(&mut self, catalog: &Catalog, product: usize) {
        let power = product_analysis(catalog, product, None);
        for a in &power.apps {
            self.analyses
                .entry((product, a.index))
                .or_insert_with(|| Arc::new(a.outcomes.clone()));
        }
        self.layer = Some(PowerLayer { power, scroll: 0 });
    }

    /// Closes the layer.
    pub fn close(&mut self) {
        self.layer = None;
    }

    /// Scrolls the layer.
    pub fn scroll_by(&mut self, delta: isize) {
        if let Some(l) = &mut self.layer {
            l.scroll = (l.scroll as isize + delta).clamp(0, u16::MAX as isize) as u16;
        }
    }

    /// The apps of requirement `rows`, first seen first, at most [`FOLLOWED_APPS`].
    pub fn apps_of(catalog: &Catalog, rows: &[usize]) -> Vec<(usize, usize)> {
        let mut apps: Vec<(usize, usize)> = Vec::new();
        for &r in rows {
            let Some(req) = catalog.requirements.get(r) else {
                continue;
            };
            let key = (req.product, req.app);
            if !apps.contains(&key) {
                apps.push(key);
                if apps.len() == FOLLOWED_APPS {
                    break;
                }
            }
        }
        apps
    }

    /// Analyses the apps of the highlighted entry's `rows` not analysed yet.
    pub fn follow(&mut self, catalog: &Catalog, rows: &[usize]) {
        let apps = Power::apps_of(catalog, rows);
        if self.analyses.len() + apps.len() > KEPT {
            self.analyses.retain(|k, _| apps.contains(k));
        }
        for (product, app) in apps {
            self.analyses
                .entry((product, app))
                .or_insert_with(|| Arc::new(app_analysis(catalog, product, app)));
        }
    }

    /// What one app can reach, when analysed.
    pub fn analysis(&self, product: usize, app: usize) -> Option<&Analysis> {
        self.analyses.get(&(product, app)).map(|a| a.as_ref())
    }
}
