//! The catalog: every API, product and requirement permscope knows, loaded and
//! validated once, then read by the command line and the explorer alike.

use crate::model::advise::book::AlternativeBook;
use crate::model::microsoft::{MicrosoftCatalog, MicrosoftPermission};
use crate::model::paths::CapabilityModel;
use crate::model::permission::PermissionKind;
use crate::model::product::CredentialHolder;
use crate::model::product::{Api, Origin, Product, Requirement};
use crate::model::read::ReadError;
use crate::model::read::folder::{self, Prepared};
use crate::model::read::json::{self, Step};
use crate::model::read::product::{self, Parsed, RowPool};
use crate::model::risk::{Credential, RateContext, Rating, RiskBook};
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

/// The rating context of a row: its app's credential holder and whether a
/// Global Administrator signs in, as the product's document says.
fn rate_context(catalog: &Catalog, r: &Requirement) -> RateContext {
    let Some(app) = catalog.products.get(r.product).and_then(|p| p.apps.get(r.app)) else {
        return RateContext::default();
    };
    let c = &app.context;
    let credential = match c.credential.value {
        Some(CredentialHolder::Vendor) => Credential::Vendor(c.credential.lines_cited()),
        Some(CredentialHolder::Customer) => Credential::Customer(c.credential.lines_cited()),
        None => Credential::NotStated,
    };
    let admin_sign_in =
        (r.kind == PermissionKind::Delegated && c.global_admin_signs_in()).then(|| c.signs_in.citation());
    let application_published = r.kind == PermissionKind::Delegated
        && admin_sign_in.is_some()
        && catalog
            .microsoft
            .get(&catalog.apis[r.api].app_id, PermissionKind::Application, &r.permission)
            .is_some();
    RateContext {
        credential: if r.kind == PermissionKind::Application {
            credential
        } else {
            Credential::AssumedVendor
        },
        admin_sign_in,
        application_published,
    }
}

/// What went on while loading: problems, and products a user file replaced.
#[derive(Debug, Default, Clone)]
pub struct LoadReport {
    /// Files that could not be used; every other file still loaded.
    pub errors: Vec<ReadError>,
    /// `(slug, file)` for each bundled product replaced by a user file.
    pub replaced: Vec<(String, PathBuf)>,
    /// Data folders that were read but held no product file (`*.json`).
    pub empty_folders: Vec<PathBuf>,
}

/// Everything permscope knows.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub apis: Vec<Api>,
    pub products: Vec<Product>,
    /// Every requirement of every product, grouped by product, in document order.
    pub requirements: Vec<Requirement>,
    /// Microsoft's catalog of the resources' permissions (with a run's `--catalog` additions).
    pub microsoft: MicrosoftCatalog,
    pub workload_rules: WorkloadRules,
    pub risk: RiskBook,
    /// What a whole permission set can reach (`data/capabilities.json`, with
    /// a reviewer's `--model` file on top): read by `paths::power`, compiled
    /// the first time it is asked for ([`Catalog::capabilities`]), so that
    /// commands that do not need it do not pay for it.
    capabilities: std::sync::OnceLock<CapabilityModel>,
    /// Narrower alternatives to permissions: a reviewer's `--alternatives`
    /// file layered on `data/alternatives.json`, or `None` for the bundled
    /// ones, read only when advice is asked for ([`Catalog::alternatives`]).
    alternatives: Option<AlternativeBook>,
    /// How many distinct permissions (API, kind, claim) the rows ask for: a
    /// permission's slot numbers it.
    slot_count: u32,
    /// Claim to (API, kind, slot): looked up by `&str`, without allocating.
    slot_index: HashMap<String, Vec<(usize, PermissionKind, u32)>>,
    /// Per requirement, its slot.
    row_slot: Vec<u32>,
    /// Distinct ratings, one per slot and app context: rating a permission once
    /// however many rows ask for it keeps loading fast at 100k rows.
    ratings: Vec<Rating>,
    /// (slot, context) to its rating.
    rating_index: HashMap<(u32, u32), u32>,
    /// The distinct app contexts ratings are made in.
    contexts: Vec<RateContext>,
    /// Per requirement, its rating.
    row_rating: Vec<u32>,
    /// Text shared between rows.
    pool: RowPool,
}

impl Catalog {
    /// The capability model: the bundled one, with the reviewer's layer when
    /// one was given.
    pub fn capabilities(&self) -> &CapabilityModel {
        self.capabilities.get_or_init(CapabilityModel::bundled)
    }

    /// Layers a reviewer's capability model file on the bundled one (errors
    /// located in `origin`).
    pub fn layer_capabilities(&mut self, text: &str, origin: &str) -> Result<(), ReadError> {
        let mut model = self.capabilities.take().unwrap_or_else(CapabilityModel::bundled);
        let layered = model.layer_json(text, origin);
        self.capabilities = std::sync::OnceLock::from(model);
        layered
    }

    /// The alternatives advice is computed from: the bundled ones, with the
    /// reviewer's layer when one was given.
    pub fn alternatives(&self) -> AlternativeBook {
        self.alternatives.clone().unwrap_or_else(AlternativeBook::bundled)
    }

    /// Layers a reviewer's alternatives file on the bundled ones (errors
    /// located in `origin`).
    pub fn layer_alternatives(&mut self, text: &str, origin: &str) -> Result<(), ReadError> {
        self.alternatives
            .get_or_insert_with(AlternativeBook::bundled)
            .layer_json(text, origin)
    }

    /// An empty catalog with the bundled APIs, Microsoft's catalog and the rules.
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
            microsoft: MicrosoftCatalog::bundled(),
            workload_rules: WorkloadRules::bundled(),
            risk: RiskBook::bundled(),
            capabilities: std::sync::OnceLock::new(),
            alternatives: None,
            slot_count: 0,
            slot_index: HashMap::new(),
            row_slot: Vec::new(),
            ratings: Vec::new(),
            rating_index: HashMap::new(),
            contexts: Vec::new(),
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
        // The readers work on copies of the (small) API list and rules, so
        // this thread can add products meanwhile.
        let apis = self.apis.clone();
        let rules = self.workload_rules.clone();
        let mut files = 0usize;
        let listed = folder::read_folder(dir, &apis, &rules, |file| {
            files += 1;
            let path = file.path.clone();
            match self.add_prepared(file) {
                Ok(Some(slug)) => report.replaced.push((slug, path)),
                Ok(None) => {}
                Err(e) => report.errors.push(e),
            }
        });
        match listed {
            Err(e) => report.errors.push(e),
            // A folder given for products that holds none is worth a word.
            Ok(_) if files == 0 => report.empty_folders.push(dir.to_path_buf()),
            Ok(_) => {}
        }
    }

    /// Adds a user's prepared product file. Returns the slug when it replaced a bundled product.
    fn add_prepared(&mut self, file: Prepared) -> Result<Option<String>, ReadError> {
        let path = file.path.as_path();
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
                    let text = crate::model::read::file::read_text(path).unwrap_or_default();
                    return Err(json::Fault::new(
                        vec![Step::key("slug")],
                        format!(
                            "duplicate slug `{}`: {} already defines it; this file is skipped",
                            slug,
                            other.display()
                        ),
                    )
                    .locate(&text, &path.display().to_string()));
                }
            }
        }
        self.insert(file.result?, None);
        Ok(None)
    }

    /// Adds a product from JSON text (used for bundled files and tests).
    pub fn add_product_text(&mut self, text: &str, origin: Origin) -> Result<(), ReadError> {
        let file = product::parse_product(text, &origin.to_string())?;
        if self.products.iter().any(|p| p.slug == file.slug) {
            return Err(json::Fault::new(
                vec![Step::key("slug")],
                format!("duplicate slug `{}`: another product already uses it", file.slug),
            )
            .locate(text, &origin.to_string()));
        }
        let parsed = self.validate(file, &|| text.to_string(), origin)?;
        self.insert(parsed, None);
        Ok(())
    }

    fn validate(
        &mut self,
        file: product::ProductFile<'_>,
        raw: &dyn Fn() -> String,
        origin: Origin,
    ) -> Result<Parsed, ReadError> {
        let mut pool = std::mem::take(&mut self.pool);
        let result = product::validate(file, raw, origin, &self.apis, &self.workload_rules, &mut pool);
        self.pool = pool;
        result
    }

    /// Puts a validated product at `at` (or the end) and its rows in product order.
    fn insert(&mut self, parsed: Parsed, at: Option<usize>) {
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
            .map(|r| self.slot_for(r.api, r.kind, &r.permission))
            .collect();
        let ratings: Vec<u32> = rows
            .iter()
            .zip(&slots)
            .map(|(r, &slot)| self.rating_for(slot, r))
            .collect();
        self.requirements.splice(start..start, rows);
        self.row_slot.splice(start..start, slots);
        self.row_rating.splice(start..start, ratings);
    }

    fn remove_product(&mut self, index: usize) {
        let mut keep = self.requirements.iter().map(|r| r.product != index);
        self.row_slot.retain(|_| keep.next().unwrap_or(true));
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
        self.ratings.clear();
        self.rating_index.clear();
        let rows = std::mem::take(&mut self.requirements);
        self.row_rating = rows
            .iter()
            .zip(&self.row_slot.clone())
            .map(|(r, &slot)| self.rating_for(slot, r))
            .collect();
        self.requirements = rows;
    }

    /// The slot of a permission, rating it on first sight.
    fn slot_for(&mut self, api: usize, kind: PermissionKind, permission: &str) -> u32 {
        if let Some(slot) = self.find_slot(api, kind, permission) {
            return slot;
        }
        let slot = self.slot_count;
        self.slot_count += 1;
        self.slot_index
            .entry(permission.to_string())
            .or_default()
            .push((api, kind, slot));
        slot
    }

    /// The slot of requirement `index`'s permission (API, kind, claim): rows
    /// asking for the same permission share it. Cheap to compare and hash,
    /// unlike the claim itself.
    pub fn slot(&self, index: usize) -> u32 {
        self.row_slot[index]
    }

    /// How many distinct permissions (slots) the rows ask for.
    pub fn slot_count(&self) -> usize {
        self.slot_count as usize
    }

    /// The slot of a permission, if any loaded row asks for it.
    pub fn find_slot(&self, api: usize, kind: PermissionKind, permission: &str) -> Option<u32> {
        self.slot_index
            .get(permission)
            .and_then(|v| v.iter().find(|(a, k, _)| *a == api && *k == kind))
            .map(|e| e.2)
    }

    /// The rating of requirement `index`.
    pub fn rating(&self, index: usize) -> &Rating {
        &self.ratings[self.row_rating[index] as usize]
    }

    /// The rating of row `r`'s permission (slot `slot`) in its app's context,
    /// rating it on first sight.
    fn rating_for(&mut self, slot: u32, r: &Requirement) -> u32 {
        let context = rate_context(self, r);
        let ctx = match self.contexts.iter().position(|c| *c == context) {
            Some(i) => i as u32,
            None => {
                self.contexts.push(context);
                (self.contexts.len() - 1) as u32
            }
        };
        if let Some(&i) = self.rating_index.get(&(slot, ctx)) {
            return i;
        }
        let rating = self.risk.rate_in(
            &self.apis[r.api].name,
            r.kind,
            &r.permission,
            &self.contexts[ctx as usize],
        );
        let i = self.ratings.len() as u32;
        self.ratings.push(rating);
        self.rating_index.insert((slot, ctx), i);
        i
    }

    /// Microsoft's facts for a requirement's permission, if the catalog has them.
    pub fn fact(&self, r: &Requirement) -> Option<&MicrosoftPermission> {
        self.microsoft.get(&self.apis[r.api].app_id, r.kind, &r.permission)
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
