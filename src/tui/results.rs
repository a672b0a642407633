//! The explorer's search results: what the table shows answers which query,
//! the recent answers kept for Backspace, and the worker that searches on its
//! own thread at scale (the latest request wins), and the worker that works
//! out an app's advice there. The runtime and the benchmark drive the same
//! [`SearchWorker`].

use crate::model::advise::{AdviceContext, Advisor, AppAdvice};
use crate::model::catalog::Catalog;
use crate::model::query::{self, AppRef, Hit, PermissionGroup, Query, Sort};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

/// Work for the search worker: search (or take known hits) and, for the
/// grouped table, group them, so that neither runs on the UI thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterRequest {
    /// The request counter: a result for an older one is dropped.
    pub generation: u64,
    pub query: Query,
    pub sort: Sort,
    /// The shown result, when the query narrows it: only its rows are searched.
    pub within: Option<Arc<Vec<Hit>>>,
    /// The hits, when already known (a recent result): only group them.
    pub known: Option<Arc<Vec<Hit>>>,
    /// Group the hits by distinct permission.
    pub group: bool,
}

/// What the worker sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterResult {
    pub generation: u64,
    pub query: Query,
    pub hits: Arc<Vec<Hit>>,
    /// The hits grouped, when the request asked for it.
    pub groups: Option<Vec<PermissionGroup>>,
}

impl FilterRequest {
    /// Does the work; `None` as soon as `stop` says the result is stale.
    pub fn run(self, catalog: &Catalog, stop: &(dyn Fn() -> bool + Sync)) -> Option<FilterResult> {
        let hits = match self.known {
            Some(hits) => hits,
            None => {
                // In ascending order, as the search wants them (sorted here, off the UI thread).
                let rows = self.within.map(|within| {
                    let mut rows: Vec<usize> = within.iter().map(|h| h.row).collect();
                    rows.sort_unstable();
                    rows
                });
                Arc::new(query::run_until(
                    catalog,
                    &self.query,
                    self.sort,
                    rows.as_deref(),
                    stop,
                )?)
            }
        };
        let groups = self
            .group
            .then(|| query::group_by_permission(catalog, hits.iter().map(|h| h.row)));
        Some(FilterResult {
            generation: self.generation,
            query: self.query,
            hits,
            groups,
        })
    }
}

/// Searches on its own thread so typing never waits: it always takes the
/// newest request waiting, drops the ones overtaken by it, and stops a scan
/// as soon as a newer request is submitted.
pub struct SearchWorker {
    jobs: mpsc::Sender<FilterRequest>,
    latest: Arc<AtomicU64>,
}

impl SearchWorker {
    /// Starts the worker; each result goes to `deliver`, which returns false
    /// when nobody listens any more (the worker then ends).
    pub fn spawn(
        catalog: Arc<Catalog>,
        mut deliver: impl FnMut(FilterResult) -> bool + Send + 'static,
    ) -> SearchWorker {
        let (jobs, rx) = mpsc::channel::<FilterRequest>();
        let latest = Arc::new(AtomicU64::new(0));
        let newest = Arc::clone(&latest);
        std::thread::spawn(move || {
            while let Ok(mut job) = rx.recv() {
                while let Ok(newer) = rx.try_recv() {
                    job = newer;
                }
                // A scan overtaken by a newer keystroke stops early instead of finishing.
                let generation = job.generation;
                let stale = || newest.load(Ordering::Relaxed) != generation;
                let Some(result) = job.run(&catalog, &stale) else {
                    continue;
                };
                if !deliver(result) {
                    break;
                }
            }
        });
        SearchWorker { jobs, latest }
    }

    /// Hands a request to the worker; any older one still running is now stale.
    pub fn submit(&self, request: FilterRequest) {
        self.latest.store(request.generation, Ordering::Relaxed);
        let _ = self.jobs.send(request);
    }
}

/// How many recent results are kept for Backspace.
const RECENT_RESULTS: usize = 6;

/// Above this many rows the explorer searches on the worker thread.
pub const BACKGROUND_ROWS: usize = 5_000;

/// The shown result and what is known about getting the next one.
#[derive(Debug, Clone)]
pub struct Results {
    /// Rows passing the query, in display order.
    hits: Arc<Vec<Hit>>,
    /// The query `hits` answer, so a longer query can narrow them.
    hits_query: Option<Query>,
    /// The last few results, so Backspace shows a shorter query at once.
    recent: Vec<(Query, Sort, Arc<Vec<Hit>>)>,
    /// Search on the worker (large data).
    background: bool,
    /// Generation of the latest request; results of older ones are dropped.
    generation: u64,
    /// True while the latest request has no result yet.
    filtering: bool,
}

/// What to do for a new query.
pub enum Next {
    /// The answer is known now: show it.
    Show(FilterResult),
    /// Ask the worker.
    Ask(FilterRequest),
}

impl Results {
    /// No result yet; searching in the background when the catalog is large.
    pub fn new(catalog: &Catalog) -> Results {
        Results {
            hits: Arc::new(Vec::new()),
            hits_query: None,
            recent: Vec::new(),
            background: catalog.requirements.len() > BACKGROUND_ROWS,
            generation: 0,
            filtering: false,
        }
    }

    /// The shown rows, in display order.
    pub fn hits(&self) -> &Arc<Vec<Hit>> {
        &self.hits
    }

    /// True while the latest request has no result yet.
    pub fn filtering(&self) -> bool {
        self.filtering
    }

    /// The query the shown rows answer (none before the first result).
    pub fn shown_query(&self) -> Option<&Query> {
        self.hits_query.as_ref()
    }

    /// The position of the best match among `hits`: the first with the
    /// highest score (the top row when sorted by relevance).
    pub fn best(hits: &[Hit]) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, h) in hits.iter().enumerate() {
            if best.is_none_or(|b| h.score > hits[b].score) {
                best = Some(i);
            }
        }
        best
    }

    /// True when searching happens on the worker.
    pub fn in_background(&self) -> bool {
        self.background
    }

    /// Searches on the worker (or not) from now on.
    pub fn set_background(&mut self, on: bool) {
        self.background = on;
    }

    /// How to answer `query` sorted by `sort` (grouped when `group`): from a
    /// recent result, by narrowing the shown one, or by a full search; here
    /// for small data, on the worker for large.
    pub fn next(&mut self, catalog: &Catalog, query: &Query, sort: Sort, group: bool) -> Next {
        // Backspace returns to a query answered a moment ago: reuse its result.
        if let Some((q, _, hits)) = self.recent.iter().find(|(q, s, _)| q == query && *s == sort).cloned() {
            if self.background {
                // Any request still running is now stale.
                self.generation += 1;
                if group {
                    // Grouping is what costs at scale: the worker does it.
                    self.filtering = true;
                    return Next::Ask(FilterRequest {
                        generation: self.generation,
                        query: q,
                        sort,
                        within: None,
                        known: Some(hits),
                        group: true,
                    });
                }
                self.filtering = false;
            }
            return Next::Show(FilterResult {
                generation: self.generation,
                query: q,
                hits,
                groups: None,
            });
        }
        // A query that extends the shown one searches only its rows.
        let within = match &self.hits_query {
            Some(prev) if query::narrows(prev, query) => Some(Arc::clone(&self.hits)),
            _ => None,
        };
        let request = FilterRequest {
            generation: self.generation + 1,
            query: query.clone(),
            sort,
            within,
            known: None,
            group,
        };
        if self.background {
            self.generation += 1;
            self.filtering = true;
            return Next::Ask(request);
        }
        match request.run(catalog, &|| false) {
            Some(result) => Next::Show(result),
            // Only a stale request stops early, and this one cannot go stale.
            None => Next::Show(FilterResult {
                generation: self.generation,
                query: query.clone(),
                hits: Arc::clone(&self.hits),
                groups: None,
            }),
        }
    }

    /// Takes a worker's result, unless a newer request has been made since.
    pub fn accept(&mut self, result: FilterResult) -> Option<FilterResult> {
        if result.generation != self.generation {
            return None;
        }
        self.filtering = false;
        Some(result)
    }

    /// Makes `hits` (the answer to `query` sorted by `sort`) the shown result,
    /// keeping it with the recent ones.
    pub fn show(&mut self, query: Query, sort: Sort, hits: Arc<Vec<Hit>>) {
        if !self.recent.iter().any(|(q, s, _)| *q == query && *s == sort) {
            if self.recent.len() == RECENT_RESULTS {
                self.recent.remove(0);
            }
            self.recent.push((query.clone(), sort, Arc::clone(&hits)));
        }
        self.hits = hits;
        self.hits_query = Some(query);
    }
}

/// Works out an app's advice (narrower alternatives, hardening, questions) on
/// its own thread: at 100,000 rows one app can take tens of milliseconds,
/// more than a frame. Each app is asked for once.
pub struct AdviceWorker {
    jobs: mpsc::Sender<AppRef>,
}

impl AdviceWorker {
    /// Starts the worker with its own `advisor`; each advice goes to
    /// `deliver`, which returns false when nobody listens any more.
    pub fn spawn(
        catalog: Arc<Catalog>,
        mut advisor: Advisor,
        mut deliver: impl FnMut(AppRef, Arc<AppAdvice>) -> bool + Send + 'static,
    ) -> AdviceWorker {
        let (jobs, rx) = mpsc::channel::<AppRef>();
        std::thread::spawn(move || {
            while let Ok(app) = rx.recv() {
                let advice = advise_app(&mut advisor, &catalog, app);
                if !deliver(app, Arc::new(advice)) {
                    break;
                }
            }
        });
        AdviceWorker { jobs }
    }

    /// Asks for the advice of `app`.
    pub fn submit(&self, app: AppRef) {
        let _ = self.jobs.send(app);
    }
}

/// The advice for `app`, in the context its product file records.
pub fn advise_app(advisor: &mut Advisor, catalog: &Catalog, app: AppRef) -> AppAdvice {
    let context = AdviceContext::from_app(&catalog.products[app.product].apps[app.app]);
    advisor.app(catalog, app.product, app.app, &context)
}
