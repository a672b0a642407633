//! The catalog: every API, product and requirement permscope knows, loaded and
//! validated once, then read by the command line and the explorer alike.

use crate::model::facts::{Facts, PermissionFact};
use crate::model::load::{self, LoadError};
use crate::model::permission::PermissionKind;
use crate::model::product::{Api, Origin, Product, Requirement};
use crate::model::risk::{Rating, RiskBook};
use crate::model::workload::WorkloadRules;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Product files embedded in the binary, in the order they are shown.
pub const BUNDLED: &[(&str, &str)] = &[
    ("gitprotect.json", include_str!("../../data/products/gitprotect.json")),
    ("xopero-one.json", include_str!("../../data/products/xopero-one.json")),
    ("nakivo.json", include_str!("../../data/products/nakivo.json")),
    (
        "avepoint-cloud-backup-express.json",
        include_str!("../../data/products/avepoint-cloud-backup-express.json"),
    ),
    (
        "avepoint-cloud-backup-azure.json",
        include_str!("../../data/products/avepoint-cloud-backup-azure.json"),
    ),
    (
        "avepoint-cloud-backup-azure-devops.json",
        include_str!("../../data/products/avepoint-cloud-backup-azure-devops.json"),
    ),
    (
        "avepoint-cloud-backup-azure-ad-b2c.json",
        include_str!("../../data/products/avepoint-cloud-backup-azure-ad-b2c.json"),
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApisFile {
    apis: Vec<ApiEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiEntry {
    name: String,
    short: String,
    app_id: String,
    #[serde(default)]
    aliases: Vec<String>,
}

/// What went on while loading: problems, and products a user file replaced.
#[derive(Debug, Default, Clone)]
pub struct LoadReport {
    /// Files that could not be used; every other file still loaded.
    pub errors: Vec<LoadError>,
    /// `(slug, file)` for each bundled product replaced by a user file.
    pub replaced: Vec<(String, PathBuf)>,
}

/// Everything permscope knows.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub apis: Vec<Api>,
    pub products: Vec<Product>,
    /// Every requirement of every product, grouped by product, in document order.
    pub requirements: Vec<Requirement>,
    pub facts: Facts,
    pub workload_rules: WorkloadRules,
    pub risk: RiskBook,
    /// Distinct ratings, one per (API, kind, claim): rating a permission once
    /// however many rows ask for it keeps loading fast at 100k rows.
    rated: Vec<Rating>,
    /// Claim to (API, kind, slot): looked up by `&str`, without allocating.
    rated_index: HashMap<String, Vec<(usize, PermissionKind, u32)>>,
    /// Per requirement, its slot in `rated`.
    row_rating: Vec<u32>,
    /// Text shared between rows.
    pool: load::RowPool,
}

impl Catalog {
    /// An empty catalog with the bundled APIs, facts and rules.
    pub fn empty() -> Catalog {
        let file: ApisFile = serde_json::from_str(include_str!("../../data/apis.json"))
            .expect("bundled data/apis.json is valid (tested)");
        Catalog {
            apis: file
                .apis
                .into_iter()
                .map(|a| Api {
                    name: a.name,
                    short: a.short,
                    app_id: a.app_id.to_lowercase(),
                    aliases: a.aliases,
                })
                .collect(),
            products: Vec::new(),
            requirements: Vec::new(),
            facts: Facts::bundled(),
            workload_rules: WorkloadRules::bundled(),
            risk: RiskBook::bundled(),
            rated: Vec::new(),
            rated_index: HashMap::new(),
            row_rating: Vec::new(),
            pool: Default::default(),
        }
    }

    /// The bundled products, then every product file of each folder in `dirs`.
    /// A file whose slug is bundled replaces that product; a bad file is
    /// reported and skipped while the others load.
    pub fn load(dirs: &[PathBuf]) -> (Catalog, LoadReport) {
        let mut catalog = Catalog::empty();
        let mut report = LoadReport::default();
        for (name, text) in BUNDLED {
            if let Err(e) = catalog.add_product_text(text, Origin::Bundled(name)) {
                report.errors.push(e);
            }
        }
        for dir in dirs {
            catalog.load_dir(dir, &mut report);
        }
        (catalog, report)
    }

    /// Loads every product file of one folder into the catalog.
    pub fn load_dir(&mut self, dir: &Path, report: &mut LoadReport) {
        let files = match load::product_files(dir) {
            Ok(files) => files,
            Err(e) => {
                report.errors.push(e);
                return;
            }
        };
        // Reading, parsing and validating are independent per file: worker
        // threads take the files in turn while this thread adds the finished
        // ones in file-name order. Each worker keeps its own pool of shared
        // text for the whole folder.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        let mut pools: Vec<load::RowPool> = (0..threads).map(|_| load::RowPool::default()).collect();
        // The workers read copies of the (small) API list and rules, so this
        // thread can add products meanwhile.
        let apis = self.apis.clone();
        let rules = self.workload_rules.clone();
        let prepare = |path: &PathBuf, pool: &mut load::RowPool| -> Prepared {
            let origin = path.display().to_string();
            let text = match load::read_capped(path) {
                Ok(text) => text,
                Err(e) => {
                    return Prepared {
                        slug: None,
                        result: Err(e),
                    };
                }
            };
            let file = match load::parse_product(&text, &origin) {
                Ok(file) => file,
                Err(e) => {
                    return Prepared {
                        slug: None,
                        result: Err(e),
                    };
                }
            };
            let slug = Some(file.slug.clone());
            let origin = Origin::File(path.to_path_buf());
            let result = load::validate(file, &|| text.clone(), origin, &apis, &rules, pool);
            Prepared { slug, result }
        };
        let mut add = |catalog: &mut Catalog, file: Prepared, path: &PathBuf| match catalog.add_prepared(file, path) {
            Ok(Some(slug)) => report.replaced.push((slug, path.clone())),
            Ok(None) => {}
            Err(e) => report.errors.push(e),
        };
        if files.len() < 2 || threads < 2 {
            for path in &files {
                let file = prepare(path, &mut pools[0]);
                add(self, file, path);
            }
            return;
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        // How many files are added: a worker never prepares a file more than
        // `ahead` past it, so a slow (large) file cannot make the others pile up.
        let progress = Progress::default();
        let ahead = threads * 4;
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Prepared)>(ahead);
        std::thread::scope(|scope| {
            let workers: Vec<_> = pools
                .iter_mut()
                .map(|pool| {
                    let (tx, next, files, prepare, progress) = (tx.clone(), &next, &files, &prepare, &progress);
                    scope.spawn(move || {
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(path) = files.get(i) else { break };
                            progress.wait_below(i, ahead);
                            // A panic on one file is that file's error: no file goes missing,
                            // and the file being waited for always arrives.
                            let file = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| prepare(path, pool)))
                                .unwrap_or_else(|_| {
                                    *pool = load::RowPool::default();
                                    Prepared {
                                        slug: None,
                                        result: Err(LoadError::file(
                                            path.display().to_string(),
                                            "the loader failed on this file",
                                        )),
                                    }
                                });
                            if tx.send((i, file)).is_err() {
                                break;
                            }
                        }
                    })
                })
                .collect();
            drop(tx);
            // Whatever happens here (even a panic), waiting workers are let go.
            let _release = ReleaseOnDrop(&progress);
            // Files finish out of order: hold each until those before it are added.
            let mut waiting: std::collections::BTreeMap<usize, Prepared> = Default::default();
            let mut due = 0;
            for (i, file) in rx {
                waiting.insert(i, file);
                while let Some(file) = waiting.remove(&due) {
                    add(self, file, &files[due]);
                    due += 1;
                }
                progress.set(due);
            }
            // A worker that failed took files with it: report them, and keep the order.
            for (i, path) in files.iter().enumerate().skip(due) {
                let file = waiting.remove(&i).unwrap_or_else(|| Prepared {
                    slug: None,
                    result: Err(LoadError::file(path.display().to_string(), "the loader thread failed")),
                });
                add(self, file, path);
            }
            for worker in workers {
                // Its files are reported above; the panic itself is not the user's concern.
                let _ = worker.join();
            }
        });
    }

    /// Adds a user's prepared product file. Returns the slug when it replaced a bundled product.
    fn add_prepared(&mut self, file: Prepared, path: &Path) -> Result<Option<String>, LoadError> {
        let Some(slug) = file.slug else {
            // It did not parse: the result holds the error.
            return file.result.map(|_| None);
        };
        if let Some(existing) = self.products.iter().position(|p| p.slug == slug) {
            match &self.products[existing].origin {
                Origin::Bundled(_) => {
                    let parsed = file.result?;
                    self.remove_product(existing);
                    self.insert(parsed, Some(existing));
                    return Ok(Some(slug));
                }
                Origin::File(other) => {
                    // The file's text is not kept after parsing; read it again only to locate the error.
                    let text = load::read_capped(path).unwrap_or_default();
                    let (line, column) = load::locate(&text, &[load::Seg::Key("slug")]).unzip();
                    return Err(LoadError {
                        origin: path.display().to_string(),
                        line,
                        column,
                        field: Some("slug".into()),
                        message: format!(
                            "duplicate slug `{}`: {} already defines it; this file is skipped",
                            slug,
                            other.display()
                        ),
                    });
                }
            }
        }
        self.insert(file.result?, None);
        Ok(None)
    }

    /// Adds a product from JSON text (used for bundled files and tests).
    pub fn add_product_text(&mut self, text: &str, origin: Origin) -> Result<(), LoadError> {
        let file = load::parse_product(text, &origin.to_string())?;
        if self.products.iter().any(|p| p.slug == file.slug) {
            let (line, column) = load::locate(text, &[load::Seg::Key("slug")]).unzip();
            return Err(LoadError {
                origin: origin.to_string(),
                line,
                column,
                field: Some("slug".into()),
                message: format!("duplicate slug `{}`: another product already uses it", file.slug),
            });
        }
        let parsed = self.validate(file, &|| text.to_string(), origin)?;
        self.insert(parsed, None);
        Ok(())
    }

    fn validate(
        &mut self,
        file: load::ProductFile<'_>,
        raw: &dyn Fn() -> String,
        origin: Origin,
    ) -> Result<load::Parsed, LoadError> {
        let mut pool = std::mem::take(&mut self.pool);
        let result = load::validate(file, raw, origin, &self.apis, &self.workload_rules, &mut pool);
        self.pool = pool;
        result
    }

    /// Puts a validated product at `at` (or the end) and its rows in product order.
    fn insert(&mut self, parsed: load::Parsed, at: Option<usize>) {
        let index = at.unwrap_or(self.products.len()).min(self.products.len());
        if index < self.products.len() {
            for r in &mut self.requirements {
                if r.product >= index {
                    r.product += 1;
                }
            }
        }
        self.products.insert(index, parsed.product);
        let start = self.requirements.partition_point(|r| r.product < index);
        let rows: Vec<Requirement> = parsed
            .requirements
            .into_iter()
            .map(|mut r| {
                r.product = index;
                r
            })
            .collect();
        let slots: Vec<u32> = rows
            .iter()
            .map(|r| self.rating_slot(r.api, r.kind, &r.permission))
            .collect();
        self.requirements.splice(start..start, rows);
        self.row_rating.splice(start..start, slots);
    }

    fn remove_product(&mut self, index: usize) {
        let mut keep = self.requirements.iter().map(|r| r.product != index);
        self.row_rating.retain(|_| keep.next().unwrap_or(true));
        self.requirements.retain(|r| r.product != index);
        for r in &mut self.requirements {
            if r.product > index {
                r.product -= 1;
            }
        }
        self.products.remove(index);
    }

    /// Replaces the risk rules (e.g. with a reviewer's layer on top) and re-rates every row.
    pub fn set_risk(&mut self, risk: RiskBook) {
        self.risk = risk;
        self.rated.clear();
        self.rated_index.clear();
        let keys: Vec<(usize, PermissionKind, String)> = self
            .requirements
            .iter()
            .map(|r| (r.api, r.kind, r.permission.clone()))
            .collect();
        self.row_rating = keys.into_iter().map(|(a, k, p)| self.rating_slot(a, k, &p)).collect();
    }

    /// The slot of a permission's rating, rating it on first sight.
    fn rating_slot(&mut self, api: usize, kind: PermissionKind, permission: &str) -> u32 {
        if let Some(slot) = self
            .rated_index
            .get(permission)
            .and_then(|v| v.iter().find(|(a, k, _)| *a == api && *k == kind))
        {
            return slot.2;
        }
        let rating = self.risk.rate(&self.apis[api].name, kind, permission);
        let slot = self.rated.len() as u32;
        self.rated.push(rating);
        self.rated_index
            .entry(permission.to_string())
            .or_default()
            .push((api, kind, slot));
        slot
    }

    /// A number that identifies requirement `index`'s permission (API, kind,
    /// claim): rows asking for the same permission share it. Cheap to compare
    /// and hash, unlike the claim itself.
    pub fn permission_slot(&self, index: usize) -> u32 {
        self.row_rating[index]
    }

    /// How many distinct permissions (slots) the rows ask for.
    pub fn permission_slots(&self) -> usize {
        self.rated.len()
    }

    /// The slot of a permission, if any loaded row asks for it.
    pub fn slot_of(&self, api: usize, kind: PermissionKind, permission: &str) -> Option<u32> {
        self.rated_index
            .get(permission)
            .and_then(|v| v.iter().find(|(a, k, _)| *a == api && *k == kind))
            .map(|e| e.2)
    }

    /// The rating of requirement `index`.
    pub fn rating(&self, index: usize) -> &Rating {
        &self.rated[self.row_rating[index] as usize]
    }

    /// Microsoft's facts for a requirement's permission, if the catalog has them.
    pub fn fact(&self, r: &Requirement) -> Option<&PermissionFact> {
        self.facts.get(&self.apis[r.api].app_id, r.kind, &r.permission)
    }

    /// The product a requirement belongs to.
    pub fn product_of(&self, r: &Requirement) -> &Product {
        &self.products[r.product]
    }

    /// Index of the product with this slug.
    pub fn product_index(&self, slug: &str) -> Option<usize> {
        self.products.iter().position(|p| p.slug == slug)
    }

    /// The API called `written` (name or alias).
    pub fn api_index(&self, written: &str) -> Option<usize> {
        self.apis.iter().position(|a| a.is_called(written))
    }

    /// Requirement indices of one product, in document order.
    pub fn rows_of(&self, product: usize) -> std::ops::Range<usize> {
        let start = self.requirements.partition_point(|r| r.product < product);
        let end = self.requirements.partition_point(|r| r.product <= product);
        start..end
    }

    /// Every workload name in use, documented ones first, then derived, without repeats.
    pub fn workload_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for documented in [true, false] {
            for r in &self.requirements {
                for w in &r.workloads {
                    if w.documented == documented && seen.insert(&w.workload) {
                        out.push(w.workload.to_string());
                    }
                }
            }
        }
        out
    }
}

/// How many files the loading thread has added, for workers to wait on.
#[derive(Default)]
struct Progress {
    added: std::sync::Mutex<usize>,
    changed: std::sync::Condvar,
}

impl Progress {
    /// Waits until file `i` is fewer than `ahead` files past the adding.
    fn wait_below(&self, i: usize, ahead: usize) {
        let mut added = self.added.lock().unwrap_or_else(|e| e.into_inner());
        while i >= added.saturating_add(ahead) {
            added = self.changed.wait(added).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn set(&self, added: usize) {
        *self.added.lock().unwrap_or_else(|e| e.into_inner()) = added;
        self.changed.notify_all();
    }
}

/// Lets every waiting worker go when dropped.
struct ReleaseOnDrop<'a>(&'a Progress);

impl Drop for ReleaseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.set(usize::MAX);
    }
}

/// A product file read, parsed and validated off the main thread.
struct Prepared {
    /// The slug, when the file parsed.
    slug: Option<String>,
    result: Result<load::Parsed, LoadError>,
}
