//! Filtering and ranking requirements: facets plus fuzzy search.
//!
//! The text query is split on whitespace; every term must match (fuzzily)
//! somewhere in the row's permission, description, purpose or product, like
//! fzf's extended search. Rows are ranked by the sum of their best matches.

use crate::model::catalog::Catalog;
use crate::model::level::RiskLevel;
use crate::model::permission::PermissionKind;
use crate::model::product::{Phase, Requirement};
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use std::fmt;

/// A resolved filter over the catalog. Empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Product indices.
    pub products: Vec<usize>,
    /// Apps of those products: a row passes when it is one of these apps'.
    pub apps: Vec<AppRef>,
    /// API indices.
    pub apis: Vec<usize>,
    pub kind: Option<PermissionKind>,
    /// Workload names (exact, as in the catalog).
    pub workloads: Vec<String>,
    pub phase: Option<Phase>,
    /// Keep this level and above.
    pub min_risk: Option<RiskLevel>,
    /// Fuzzy text; whitespace separates terms that must all match.
    pub text: String,
}

/// A filter the user wrote that names nothing in the catalog, or (a
/// prefix) more than one thing where one is wanted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct QueryError {
    pub what: &'static str,
    pub given: String,
    pub known: Vec<String>,
    /// The names `given` could mean, when it is ambiguous (empty when it
    /// names nothing).
    pub candidates: Vec<String>,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::model::text::neutralise;
        if !self.candidates.is_empty() {
            return write!(
                f,
                "`{}` is ambiguous: it starts {} {}s: {}; give more of the name",
                neutralise(&self.given),
                self.candidates.len(),
                self.what,
                neutralise(&self.candidates.join(", "))
            );
        }
        write!(
            f,
            "no {} matches `{}`; known: {}",
            self.what,
            neutralise(&self.given),
            neutralise(&self.known.join(", "))
        )
    }
}

impl Query {
    /// True when nothing is filtered.
    pub fn is_empty(&self) -> bool {
        *self == Query::default()
    }

    /// Adds a product by slug: exact, or a unique prefix (`nak`).
    pub fn add_product(&mut self, catalog: &Catalog, slug: &str) -> Result<(), QueryError> {
        let s = slug.trim().to_lowercase();
        let prefixed: Vec<usize> = (0..catalog.products.len())
            .filter(|&i| !s.is_empty() && catalog.products[i].slug.starts_with(&s))
            .collect();
        let found = catalog
            .product_index(&s)
            .or_else(|| (prefixed.len() == 1).then(|| prefixed[0]));
        match found {
            Some(i) if !s.is_empty() => {
                if !self.products.contains(&i) {
                    self.products.push(i);
                }
                Ok(())
            }
            _ => Err(QueryError {
                what: "product",
                given: slug.to_string(),
                known: catalog.products.iter().map(|p| p.slug.clone()).collect(),
                // A prefix of several slugs: name them, so the reviewer picks one.
                candidates: if prefixed.len() > 1 {
                    prefixed.iter().map(|&i| catalog.products[i].slug.clone()).collect()
                } else {
                    Vec::new()
                },
            }),
        }
    }

    /// Adds every API whose name, alias or app id contains `name` (`graph`, `exchange`).
    pub fn add_api(&mut self, catalog: &Catalog, name: &str) -> Result<(), QueryError> {
        let hits: Vec<usize> = (0..catalog.apis.len())
            .filter(|&i| catalog.apis[i].matches_loose(name))
            .collect();
        if hits.is_empty() {
            return Err(QueryError {
                what: "API",
                given: name.to_string(),
                known: catalog.apis.iter().map(|a| a.name.clone()).collect(),
                candidates: Vec::new(),
            });
        }
        for i in hits {
            if !self.apis.contains(&i) {
                self.apis.push(i);
            }
        }
        Ok(())
    }

    /// Adds every workload whose name contains `name`, ignoring case (`teams`, `onedrive`).
    pub fn add_workload(&mut self, catalog: &Catalog, name: &str) -> Result<(), QueryError> {
        let needle = name.trim().to_lowercase();
        let known = catalog.workload_names();
        let hits: Vec<String> = known
            .iter()
            .filter(|w| !needle.is_empty() && w.to_lowercase().contains(&needle))
            .cloned()
            .collect();
        if hits.is_empty() {
            return Err(QueryError {
                what: "workload",
                given: name.to_string(),
                known,
                candidates: Vec::new(),
            });
        }
        for w in hits {
            if !self.workloads.contains(&w) {
                self.workloads.push(w);
            }
        }
        Ok(())
    }

    /// True when a row passes every facet (the text query is not consulted).
    pub fn facets_pass(&self, catalog: &Catalog, index: usize) -> bool {
        let r: &Requirement = &catalog.requirements[index];
        (self.products.is_empty() || self.products.contains(&r.product))
            && self.app_passes(r)
            && (self.apis.is_empty() || self.apis.contains(&r.api))
            && self.kind.is_none_or(|k| k == r.kind)
            && (self.workloads.is_empty()
                || r.workloads
                    .iter()
                    .any(|w| self.workloads.iter().any(|q| **q == *w.workload)))
            && self.phase.is_none_or(|p| r.has_phase(p))
            && self.min_risk.is_none_or(|m| catalog.rating(index).level >= m)
    }

    /// Adds the app called `name` (see [`resolve_app`]) of every product
    /// filtered on, or of every product when none is: an app belongs to a
    /// product, and a tenant consents to each app apart. When no product is
    /// filtered on, the products with no such app are left out; a product
    /// filtered on must have it.
    pub fn add_app(&mut self, catalog: &Catalog, name: &str) -> Result<(), AppError> {
        for app in apps_called(catalog, &self.products, name)? {
            if !self.apps.contains(&app) {
                self.apps.push(app);
            }
        }
        Ok(())
    }

    /// True when no app is filtered on, or `r` is one of the apps'.
    pub fn app_passes(&self, r: &Requirement) -> bool {
        self.apps.is_empty() || self.apps.iter().any(|a| a.product == r.product && a.app == r.app)
    }

    /// The text terms, lower-cased.
    pub fn terms(&self) -> Vec<String> {
        // Bounded work per row whatever is pasted: at most 32 terms of 256
        // characters (no claim is longer; longer prose is not searched for).
        self.text
            .split_whitespace()
            .take(MAX_TERMS)
            .map(|t| t.chars().take(MAX_TERM_CHARS).collect::<String>().to_lowercase())
            .collect()
    }
}

/// One app of one product: the unit a tenant consents to. Xopero ONE installs
/// two (a registrator with delegated directory access, and the backup app), and
/// each holds its own grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AppRef {
    /// Index into the catalog's products.
    pub product: usize,
    /// Index into that product's apps.
    pub app: usize,
}

impl AppRef {
    /// The app of requirement `row`.
    pub fn of_row(catalog: &Catalog, row: usize) -> AppRef {
        let r = &catalog.requirements[row];
        AppRef {
            product: r.product,
            app: r.app,
        }
    }

    /// The app's name as its product's document gives it.
    pub fn name<'c>(&self, catalog: &'c Catalog) -> &'c str {
        catalog
            .products
            .get(self.product)
            .and_then(|p| p.apps.get(self.app))
            .map_or("unknown app", |a| a.name.as_str())
    }

    /// "Xopero ONE MS365 PRO (xopero-one)": the app and the product it belongs to.
    pub fn label(&self, catalog: &Catalog) -> String {
        let slug = catalog.products.get(self.product).map_or("?", |p| p.slug.as_str());
        format!("{} ({slug})", self.name(catalog))
    }

    /// Requirement rows of this app, in document order.
    pub fn rows<'c>(&self, catalog: &'c Catalog) -> impl Iterator<Item = usize> + Clone + 'c {
        let app = self.app;
        catalog
            .rows_of(self.product)
            .filter(move |&i| catalog.requirements[i].app == app)
    }
}

/// An app name that names no app, or more than one, of a product.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// No app of these products is called that.
    Unknown {
        given: String,
        /// Per product slug, its apps.
        apps: Vec<(String, Vec<String>)>,
    },
    /// Several apps of one product match.
    Ambiguous {
        given: String,
        product: String,
        matches: Vec<String>,
        apps: Vec<String>,
    },
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::model::text::neutralise;
        let listed = |apps: &[String]| apps.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ");
        match self {
            AppError::Unknown { given, apps } => {
                let known: Vec<String> = apps
                    .iter()
                    .map(|(slug, names)| format!("{slug}: {}", listed(names)))
                    .collect();
                write!(
                    f,
                    "no app matches `{}`; the apps are {}",
                    neutralise(given),
                    neutralise(&known.join("; "))
                )
            }
            AppError::Ambiguous {
                given,
                product,
                matches,
                apps,
            } => {
                write!(
                    f,
                    "`{}` matches {} apps of {}: {}; give more of the name",
                    neutralise(given),
                    matches.len(),
                    neutralise(product),
                    neutralise(&listed(matches)),
                )?;
                if matches.len() < apps.len() {
                    write!(f, " (its apps are {})", neutralise(&listed(apps)))?;
                }
                Ok(())
            }
        }
    }
}

/// Lower case, with runs of whitespace as one space.
fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The app of `product` that `name` names: the whole name, or a unique prefix
/// of it or of any of its words onwards (`Xopero ONE MS365 PRO` answers to
/// `xopero one ms`, `ms365` and `pro`), ignoring case. An exact name wins over
/// prefixes.
pub fn resolve_app(catalog: &Catalog, product: usize, name: &str) -> Result<usize, AppError> {
    let Some(p) = catalog.products.get(product) else {
        return Err(AppError::Unknown {
            given: name.to_string(),
            apps: Vec::new(),
        });
    };
    let want = fold(name);
    let names: Vec<String> = p.apps.iter().map(|a| a.name.clone()).collect();
    let exact: Vec<usize> = (0..names.len()).filter(|&i| fold(&names[i]) == want).collect();
    let hits = if exact.is_empty() && !want.is_empty() {
        (0..names.len())
            .filter(|&i| {
                let folded = fold(&names[i]);
                let words: Vec<&str> = folded.split(' ').collect();
                (0..words.len()).any(|w| words[w..].join(" ").starts_with(&want))
            })
            .collect()
    } else {
        exact
    };
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(AppError::Unknown {
            given: name.to_string(),
            apps: vec![(p.slug.clone(), names)],
        }),
        many => Err(AppError::Ambiguous {
            given: name.to_string(),
            product: p.slug.clone(),
            matches: many.iter().map(|&i| names[i].clone()).collect(),
            apps: names,
        }),
    }
}

/// The app called `name` in each of `products` (every product when empty; see
/// [`Query::add_app`]).
pub fn apps_called(catalog: &Catalog, products: &[usize], name: &str) -> Result<Vec<AppRef>, AppError> {
    if !products.is_empty() {
        return products
            .iter()
            .map(|&product| resolve_app(catalog, product, name).map(|app| AppRef { product, app }))
            .collect();
    }
    let mut found = Vec::new();
    for product in 0..catalog.products.len() {
        match resolve_app(catalog, product, name) {
            Ok(app) => found.push(AppRef { product, app }),
            Err(e @ AppError::Ambiguous { .. }) => return Err(e),
            Err(AppError::Unknown { .. }) => {}
        }
    }
    if found.is_empty() {
        return Err(AppError::Unknown {
            given: name.to_string(),
            apps: catalog
                .products
                .iter()
                .map(|p| (p.slug.clone(), p.apps.iter().map(|a| a.name.clone()).collect()))
                .collect(),
        });
    }
    Ok(found)
}

/// Search terms beyond this many are ignored.
pub const MAX_TERMS: usize = 32;
/// Characters of a term beyond this are ignored.
pub const MAX_TERM_CHARS: usize = 256;

/// A row that passed, with its fuzzy score (0 without a text query).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub row: usize,
    pub score: i64,
}

/// Fields searched by the text query, in the order they are tried.
pub fn search_fields<'a>(catalog: &'a Catalog, r: &'a Requirement) -> [&'a str; 5] {
    let p = catalog.product_of(r);
    [
        &r.permission,
        r.description.as_deref().unwrap_or(""),
        r.purpose.as_deref().unwrap_or(""),
        &p.slug,
        &p.name,
    ]
}

/// The fuzzy matcher (smart case: a capital in the query makes it case-sensitive).
#[derive(Default, Clone, Copy)]
pub struct Matcher;

/// A fresh fuzzy scorer for each call: fuzzy-matcher 0.3.7 reuses score-matrix
/// cells left by earlier calls, so with one shared scorer a claim's score
/// depended on which claims were scored before it (found by tests/search.rs);
/// and turning its cache off panics ("RefCell already borrowed"). Search
/// scores each distinct claim once, so the fresh scorer costs little.
fn skim() -> SkimMatcherV2 {
    SkimMatcherV2::default().smart_case()
}

impl Matcher {
    /// Score of a row for all terms: `None` when any term matches no field.
    ///
    /// The permission (the first field) is what a reviewer searches for: when
    /// it matches, the fuzzy scorer rates it, with a bonus. Otherwise the
    /// other fields (descriptions, purposes, product) get a linear in-order
    /// score: running the fuzzy scorer's dynamic programme over every long
    /// description is what made searching 100k rows slow.
    pub fn score_row(&self, fields: &[&str], terms: &[String]) -> Option<i64> {
        let mut total = 0;
        for term in terms {
            let sensitive = is_sensitive(term);
            let (first, rest) = fields.split_first()?;
            let best = match self.permission_score(first, term, sensitive) {
                Some(s) => s,
                None => rest.iter().filter_map(|f| in_order_score(f, term, sensitive)).max()?,
            };
            total += best;
        }
        Some(total)
    }

    /// Score of one term against the permission field, bonus included.
    fn permission_score(&self, text: &str, term: &str, sensitive: bool) -> Option<i64> {
        match in_order_score(text, term, sensitive) {
            // The fuzzy scorer is quadratic: only on claim-sized text.
            Some(linear) if text.len() > MAX_TERM_CHARS => Some(linear + PERMISSION_BONUS),
            Some(_) => skim().fuzzy_match(text, term).map(|s| s + PERMISSION_BONUS),
            None => None,
        }
    }

    /// Character indices of `text` that any term matches, for highlighting.
    pub fn highlight(&self, text: &str, terms: &[String]) -> Vec<usize> {
        if text.len() > MAX_TERM_CHARS {
            // Too long to score quadratically on every frame; shown unhighlighted.
            return Vec::new();
        }
        let mut out: Vec<usize> = terms
            .iter()
            .filter_map(|t| skim().fuzzy_indices(text, t).map(|(_, idx)| idx))
            .flatten()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Added to a match in the permission itself, so it ranks above a match in prose.
const PERMISSION_BONUS: i64 = 40;

/// Smart case: a capital letter in a term makes it case-sensitive.
fn is_sensitive(term: &str) -> bool {
    term.chars().any(char::is_uppercase)
}

/// Not scored yet, in a [`TermScores`] table.
const UNSEEN: i64 = i64::MIN;
/// Scored, and the term does not match.
const MISS: i64 = i64::MIN + 1;

/// One term's scores over a scan, each distinct text scored once: 100,000
/// rows share about 1,500 claims, a few thousand descriptions and a few tens
/// of thousands of purposes, so a row costs a few table lookups instead of
/// up to five text scans. The results equal [`Matcher::score_row`]'s.
struct TermScores<'t> {
    term: &'t str,
    sensitive: bool,
    /// By permission slot (the same claim, API and kind).
    permission: Vec<i64>,
    /// By product index: the better of slug and name.
    product: Vec<i64>,
    /// By the address of shared description and purpose text.
    prose: std::collections::HashMap<usize, i64, std::hash::BuildHasherDefault<AddressHasher>>,
}

impl<'t> TermScores<'t> {
    fn new(term: &'t str, catalog: &Catalog) -> Self {
        TermScores {
            term,
            sensitive: is_sensitive(term),
            permission: vec![UNSEEN; catalog.slot_count()],
            product: vec![UNSEEN; catalog.products.len()],
            prose: Default::default(),
        }
    }

    /// The term's best score in row `i`, like [`Matcher::score_row`] for one term.
    fn row(&mut self, matcher: &Matcher, catalog: &Catalog, i: usize) -> Option<i64> {
        let r = &catalog.requirements[i];
        let (term, sensitive) = (self.term, self.sensitive);
        let slot = catalog.slot(i) as usize;
        let claim = cached(&mut self.permission[slot], || {
            matcher.permission_score(&r.permission, term, sensitive)
        });
        if claim.is_some() {
            return claim;
        }
        let mut best = None;
        for text in [&r.description, &r.purpose].into_iter().flatten() {
            let key = std::sync::Arc::as_ptr(text) as *const u8 as usize;
            let entry = self.prose.entry(key).or_insert(UNSEEN);
            best = best.max(cached(entry, || in_order_score(text, term, sensitive)));
        }
        let p = &catalog.products[r.product];
        let product = cached(&mut self.product[r.product], || {
            in_order_score(&p.slug, term, sensitive).max(in_order_score(&p.name, term, sensitive))
        });
        best.max(product)
    }
}

/// The value in a score table slot, computing it on first use.
fn cached(slot: &mut i64, score: impl FnOnce() -> Option<i64>) -> Option<i64> {
    if *slot == UNSEEN {
        *slot = score().unwrap_or(MISS);
    }
    (*slot != MISS).then_some(*slot)
}

/// Hashes a text's address: addresses are spread already, so one multiply
/// mixes them well enough, far cheaper than hashing the text.
#[derive(Default)]
struct AddressHasher(u64);

impl std::hash::Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A linear fuzzy score: `None` unless the characters of `term` appear in
/// `text` in order (ignoring case unless `sensitive`), else points for every
/// matched character, more when consecutive or at the start of a word, less
/// for long gaps. Greedy, so it may miss the best alignment a dynamic
/// programme would find; it ranks secondary fields, never the permission.
fn in_order_score(text: &str, term: &str, sensitive: bool) -> Option<i64> {
    let mut want = term.chars().peekable();
    let mut score = 0i64;
    let mut prev: Option<char> = None;
    let mut last_match = false;
    let mut gap = 0i64;
    let mut started = false;
    for c in text.chars() {
        let Some(&w) = want.peek() else { break };
        let same = c == w
            || (!sensitive
                && if c.is_ascii() && w.is_ascii() {
                    c.eq_ignore_ascii_case(&w)
                } else {
                    c.to_lowercase().eq(w.to_lowercase())
                });
        if same {
            score += 16;
            if last_match {
                score += 12;
            } else if prev.is_none_or(|p| !p.is_alphanumeric() || (p.is_lowercase() && c.is_uppercase())) {
                score += 8;
            }
            if started {
                score -= gap.min(12);
            }
            started = true;
            gap = 0;
            last_match = true;
            want.next();
        } else {
            last_match = false;
            if started {
                gap += 1;
            }
        }
        prev = Some(c);
    }
    want.peek().is_none().then_some(score)
}

/// How result rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best fuzzy match first when searching, else document order.
    #[default]
    Relevance,
    /// Highest risk first.
    Risk,
    /// Permission name.
    Name,
    Api,
    Product,
}

impl Sort {
    pub const ALL: [Sort; 5] = [Sort::Relevance, Sort::Risk, Sort::Name, Sort::Api, Sort::Product];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Risk => "risk",
            Sort::Name => "name",
            Sort::Api => "api",
            Sort::Product => "product",
        }
    }
}

/// Every row passing `query`, ordered by `sort` (ties keep document order).
pub fn run(catalog: &Catalog, query: &Query, sort: Sort) -> Vec<Hit> {
    run_over(catalog, query, sort, None)
}

/// Rows above which matching is spread over threads.
const PARALLEL_ROWS: usize = 20_000;

/// Like [`run`], but only over `candidates` (ascending row indices) when given:
/// a query that extends an earlier one narrows the earlier results instead of
/// rescanning everything.
pub fn run_over(catalog: &Catalog, query: &Query, sort: Sort, candidates: Option<&[usize]>) -> Vec<Hit> {
    run_until(catalog, query, sort, candidates, &|| false).unwrap_or_default()
}

/// Like [`run_over`], giving up (`None`) as soon as `stop` says the result is
/// no longer wanted: a newer keystroke has made it stale.
pub fn run_until(
    catalog: &Catalog,
    query: &Query,
    sort: Sort,
    candidates: Option<&[usize]>,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Hit>> {
    let terms = query.terms();
    let all: Vec<usize>;
    let rows: &[usize] = match candidates {
        Some(c) => c,
        None => {
            all = (0..catalog.requirements.len()).collect();
            &all
        }
    };
    let scan = |part: &[usize]| -> Option<Vec<Hit>> {
        let matcher = Matcher;
        let mut scores: Vec<TermScores> = terms.iter().map(|t| TermScores::new(t, catalog)).collect();
        let mut out = Vec::new();
        for block in part.chunks(1024) {
            if stop() {
                return None;
            }
            'row: for &i in block {
                if !query.facets_pass(catalog, i) {
                    continue;
                }
                let mut total = 0;
                for term in &mut scores {
                    match term.row(&matcher, catalog, i) {
                        Some(s) => total += s,
                        None => continue 'row,
                    }
                }
                out.push(Hit { row: i, score: total });
            }
        }
        Some(out)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let mut hits: Vec<Hit> = if rows.len() >= PARALLEL_ROWS && threads > 1 && !terms.is_empty() {
        let chunk = rows.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = rows
                .chunks(chunk)
                .map(|part| (part, scope.spawn(move || scan(part))))
                .collect();
            // A failed thread's part is scanned again here, so no row is lost.
            let mut all = Vec::new();
            for (part, h) in handles {
                all.extend(h.join().unwrap_or_else(|_| scan(part))?);
            }
            Some(all)
        })?
    } else {
        scan(rows)?
    };
    sort_hits(catalog, &mut hits, sort);
    Some(hits)
}

/// True when every row matching `next` also matches `prev`: same facets, and
/// the search text only grew at the end (a longer last term or a new term).
pub fn narrows(prev: &Query, next: &Query) -> bool {
    let same_facets = Query {
        text: String::new(),
        ..prev.clone()
    } == Query {
        text: String::new(),
        ..next.clone()
    };
    same_facets && next.text.starts_with(&prev.text) && !prev.text.is_empty()
}

/// Orders hits in place (stable).
pub fn sort_hits(catalog: &Catalog, hits: &mut [Hit], sort: Sort) {
    let req = |h: &Hit| &catalog.requirements[h.row];
    match sort {
        Sort::Relevance => hits.sort_by_key(|h| std::cmp::Reverse(h.score)),
        Sort::Risk => hits.sort_by(|a, b| {
            let (ra, rb) = (catalog.rating(a.row), catalog.rating(b.row));
            rb.level.cmp(&ra.level).then(rb.score.cmp(&ra.score))
        }),
        Sort::Name => {
            // Rank the distinct claims once (a few thousand), then sort the
            // hits by rank: no string comparison per pair of hits.
            let mut claim: Vec<Option<&str>> = vec![None; catalog.slot_count()];
            for h in hits.iter() {
                claim[catalog.slot(h.row) as usize].get_or_insert(&req(h).permission);
            }
            let lower = |s: &str| s.bytes().map(|c| c.to_ascii_lowercase()).collect::<Vec<u8>>();
            let rank = ranks(claim.iter().map(|c| c.map(lower)).collect());
            hits.sort_by_key(|h| rank[catalog.slot(h.row) as usize]);
        }
        Sort::Api => {
            let rank = ranks(catalog.apis.iter().map(|a| Some(a.name.as_str())).collect());
            hits.sort_by_key(|h| rank[req(h).api]);
        }
        Sort::Product => {
            let rank = ranks(catalog.products.iter().map(|p| Some(p.slug.as_str())).collect());
            hits.sort_by_key(|h| rank[req(h).product]);
        }
    }
}

/// The rank of each key in sorted order (equal keys share a rank); `None` keys rank last.
fn ranks<K: Ord>(keys: Vec<Option<K>>) -> Vec<u32> {
    let mut order: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].is_some()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut rank = vec![u32::MAX; keys.len()];
    let mut current = 0u32;
    for (n, &i) in order.iter().enumerate() {
        if n > 0 && keys[order[n - 1]] != keys[i] {
            current += 1;
        }
        rank[i] = current;
    }
    rank
}

/// Rows asking for one distinct permission (resource, kind, claim).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionGroup {
    pub api: usize,
    pub kind: PermissionKind,
    pub permission: String,
    /// Requirement indices, in the order first met.
    pub rows: Vec<usize>,
    /// The distinct products of those rows, in the order first met.
    pub products: Vec<usize>,
}

/// Groups rows by distinct permission, keeping the order in which each is first met.
pub fn group_by_permission(catalog: &Catalog, rows: impl IntoIterator<Item = usize>) -> Vec<PermissionGroup> {
    let mut groups: Vec<PermissionGroup> = Vec::new();
    // Keyed on the permission's slot: no string hashing per row.
    let mut slot_group: Vec<u32> = vec![u32::MAX; catalog.slot_count()];
    // (group, product) pairs already listed.
    let mut listed: std::collections::HashSet<u64, std::hash::BuildHasherDefault<AddressHasher>> = Default::default();
    for i in rows {
        let r = &catalog.requirements[i];
        let slot = catalog.slot(i) as usize;
        let g = match slot_group[slot] {
            u32::MAX => {
                slot_group[slot] = groups.len() as u32;
                groups.push(PermissionGroup {
                    api: r.api,
                    kind: r.kind,
                    permission: r.permission.clone(),
                    rows: Vec::new(),
                    products: Vec::new(),
                });
                groups.len() - 1
            }
            g => g as usize,
        };
        groups[g].rows.push(i);
        if listed.insert(((g as u64) << 32) | r.product as u64) {
            groups[g].products.push(r.product);
        }
    }
    groups
}
