//! Comparing products: a matrix of distinct permissions by product, with
//! equivalences made visible so that "B asks for less" is a fact, not a
//! naming artefact.
//!
//! Two kinds of equivalence are netted: the same data through another API
//! (`data/equivalents.json`: Exchange Online `Calendars.ReadWrite.All` for
//! Graph `Calendars.ReadWrite`), and a broader permission that covers it
//! (`ReadWrite` covers `Read`). Two permissions that only share a GUID on two
//! resources (Graph and SharePoint `User.Read.All`) are separate grants that
//! read different data: not netted.

use crate::model::catalog::Catalog;
use crate::model::choice::Choice;
use crate::model::claim::covers;
use crate::model::columns::{Column, TableSource, claim_label, kind_short};
use crate::model::equivalence::Equivalences;
use crate::model::level::RiskLevel;
use crate::model::paths::{Analysis, OUTCOMES, Reached};
use crate::model::permission::PermissionKind;
use crate::model::product::Phase;
use crate::model::profile::{Profile, profile_of_rows};
use crate::model::query::{PermissionGroup, Query, group_by_permission};
use std::borrow::Cow;

/// Which rows of the matrix to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CompareMode {
    /// Every permission any compared product asks for.
    #[default]
    All,
    /// Asked for by exactly one of the products.
    OnlyOne,
    /// Asked for by every product.
    Every,
    /// Not asked for by every product (the differences).
    Differences,
}

impl CompareMode {
    pub const ALL: [CompareMode; 4] = [
        CompareMode::All,
        CompareMode::Differences,
        CompareMode::OnlyOne,
        CompareMode::Every,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CompareMode::All => "all",
            CompareMode::OnlyOne => "only in one",
            CompareMode::Every => "in every product",
            CompareMode::Differences => "differences",
        }
    }
}

impl Choice for CompareMode {
    fn all() -> &'static [Self] {
        &CompareMode::ALL
    }
    fn name(self) -> &'static str {
        match self {
            CompareMode::All => "all",
            CompareMode::OnlyOne => "only-one",
            CompareMode::Every => "every",
            CompareMode::Differences => "differences",
        }
    }
    fn help(self) -> &'static str {
        match self {
            CompareMode::All => "every permission any compared product asks for",
            CompareMode::OnlyOne => "asked for by exactly one of the products",
            CompareMode::Every => "asked for by every product",
            CompareMode::Differences => "not asked for by every product",
        }
    }
}

/// How a product relates to one permission of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// The product asks for it: its requirement rows.
    Asks(Vec<usize>),
    /// It does not, but asks for another API's permission that reaches the
    /// same data (`data/equivalents.json`: Exchange `Calendars.ReadWrite.All`
    /// for Graph `Calendars.ReadWrite`). A shared GUID alone never makes one.
    SameData { permission: String, api: usize },
    /// It does not, but asks for a broader permission that includes it
    /// (`ReadWrite` covers `Read`, `Sites.FullControl.All` covers
    /// `Sites.ReadWrite.All`), on the same API or on another API reaching the
    /// same data (Exchange `Calendars.ReadWrite.All` covers Graph `Calendars.Read`).
    Covered { permission: String, api: usize },
    /// Neither this nor anything covering it.
    Absent,
}

impl Cell {
    /// True when the product holds this access one way or another.
    pub fn holds(&self) -> bool {
        !matches!(self, Cell::Absent)
    }
}

/// One distinct permission across the compared products.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRow {
    pub api: usize,
    pub kind: PermissionKind,
    pub permission: String,
    /// A representative requirement row (for rating and facts).
    pub first_row: usize,
    /// One cell per compared product, in the order given.
    pub cells: Vec<Cell>,
}

impl MatrixRow {
    /// How many products ask for exactly this permission.
    pub fn askers(&self) -> usize {
        self.cells.iter().filter(|c| matches!(c, Cell::Asks(_))).count()
    }
}

/// A comparison of two or more products.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Product indices, in the order the reviewer chose.
    pub products: Vec<usize>,
    /// Every distinct permission, highest risk first.
    pub rows: Vec<MatrixRow>,
    pub profiles: Vec<Profile>,
    /// Per product, what its whole permission set can reach (the app the
    /// query names for it, else the strongest over its apps). Outcomes do not
    /// care which API reaches them, so this is fair across APIs.
    pub power: Vec<Analysis>,
}

impl Comparison {
    /// Compares `products` over the rows that pass `query`'s filters and search
    /// (and its apps, when it names any), netting by the bundled equivalences.
    pub fn new(catalog: &Catalog, products: &[usize], query: &Query) -> Comparison {
        Comparison::with_equivalences(catalog, products, query, crate::model::equivalence::bundled())
    }

    /// Like [`Comparison::new`], netting by `equivalences`.
    pub fn with_equivalences(
        catalog: &Catalog,
        products: &[usize],
        query: &Query,
        equivalences: &Equivalences,
    ) -> Comparison {
        let mut q = query.clone();
        q.products = products.to_vec();
        let hits = crate::model::query::run(catalog, &q, crate::model::query::Sort::Relevance);
        let mut rows_in_order: Vec<usize> = hits.iter().map(|h| h.row).collect();
        rows_in_order.sort_unstable();
        let groups = group_by_permission(catalog, rows_in_order);
        // What each product (or its apps asked for) holds at all, whatever the
        // other filters, for equivalence.
        let in_scope = |p: usize| {
            catalog
                .rows_of(p)
                .filter(|&r| query.app_passes(&catalog.requirements[r]))
                .collect::<Vec<usize>>()
        };
        let scoped: Vec<Vec<usize>> = products.iter().map(|&p| in_scope(p)).collect();
        let held: Vec<Vec<PermissionGroup>> = scoped
            .iter()
            .map(|rows| group_by_permission(catalog, rows.iter().copied()))
            .collect();
        let partners = equivalences.partners(catalog);
        let same_data = |api: usize, kind: PermissionKind, name: &str| -> &[(usize, String)] {
            partners
                .get(&(api, kind, name.to_string()))
                .map_or(&[], |v| v.as_slice())
        };
        let mut rows: Vec<MatrixRow> = groups
            .into_iter()
            .map(|g| {
                let cells = products
                    .iter()
                    .zip(&held)
                    .map(|(&p, held)| {
                        let mine: Vec<usize> = g
                            .rows
                            .iter()
                            .copied()
                            .filter(|&r| catalog.requirements[r].product == p)
                            .collect();
                        if !mine.is_empty() {
                            return Cell::Asks(mine);
                        }
                        if g.permission.is_empty() {
                            return Cell::Absent;
                        }
                        let holds = |api: usize, name: &str| {
                            held.iter()
                                .any(|o| o.api == api && o.kind == g.kind && o.permission == name)
                        };
                        if let Some((api, permission)) = same_data(g.api, g.kind, &g.permission)
                            .iter()
                            .find(|(api, name)| holds(*api, name))
                        {
                            return Cell::SameData {
                                permission: permission.clone(),
                                api: *api,
                            };
                        }
                        // Broader on the same API, or broader through another
                        // API's permission reaching the same data.
                        if let Some(o) = held.iter().find(|o| {
                            o.kind == g.kind
                                && o.permission != g.permission
                                && (o.api == g.api && covers(&o.permission, &g.permission)
                                    || same_data(o.api, o.kind, &o.permission)
                                        .iter()
                                        .any(|(api, name)| *api == g.api && covers(name, &g.permission)))
                        }) {
                            return Cell::Covered {
                                permission: o.permission.clone(),
                                api: o.api,
                            };
                        }
                        Cell::Absent
                    })
                    .collect();
                MatrixRow {
                    api: g.api,
                    kind: g.kind,
                    permission: g.permission,
                    first_row: g.rows[0],
                    cells,
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            let (ra, rb) = (catalog.rating(a.first_row), catalog.rating(b.first_row));
            rb.level
                .cmp(&ra.level)
                .then(rb.score.cmp(&ra.score))
                .then(a.permission.cmp(&b.permission))
        });
        Comparison {
            power: products
                .iter()
                .map(|&p| crate::model::paths::power::scoped_analysis(catalog, p, &query.apps))
                .collect(),
            products: products.to_vec(),
            profiles: products
                .iter()
                .zip(&scoped)
                .map(|(&p, rows)| profile_of_rows(catalog, p, rows))
                .collect(),
            rows,
        }
    }

    /// Row indices (into `rows`) shown in a mode.
    pub fn visible(&self, mode: CompareMode) -> Vec<usize> {
        let n = self.products.len();
        (0..self.rows.len())
            .filter(|&i| {
                let askers = self.rows[i].askers();
                match mode {
                    CompareMode::All => true,
                    CompareMode::OnlyOne => askers == 1,
                    CompareMode::Every => askers == n,
                    CompareMode::Differences => askers < n,
                }
            })
            .collect()
    }

    /// Rows product `a` (a position in `products`) asks for that product `b`
    /// neither asks for nor holds through an equivalent or broader permission.
    pub fn beyond(&self, a: usize, b: usize) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|&i| {
                let r = &self.rows[i];
                matches!(r.cells[a], Cell::Asks(_)) && !r.cells[b].holds() && !r.permission.is_empty()
            })
            .collect()
    }

    /// Sentences in outcomes, for every ordered pair of products that differ
    /// ("nakivo can read and rewrite every mailbox, which
    /// avepoint-cloud-backup-express can only under conditions"), and one for
    /// each pair that reaches the same outcomes the same way.
    pub fn outcome_sentences(&self, catalog: &Catalog) -> Vec<String> {
        let mut out = Vec::new();
        let slug = |pos: usize| catalog.products[self.products[pos]].slug.as_str();
        for a in 0..self.products.len() {
            for b in 0..self.products.len() {
                if a == b {
                    continue;
                }
                let (pa, pb) = (&self.power[a], &self.power[b]);
                let same = OUTCOMES.iter().all(|o| pa.reached(o) == pb.reached(o));
                if same {
                    if a < b {
                        out.push(format!(
                            "{} and {} reach the same outcomes, the same way.",
                            slug(a),
                            slug(b)
                        ));
                    }
                    continue;
                }
                let group = |mine: Reached, theirs: Reached| -> Vec<&str> {
                    OUTCOMES
                        .iter()
                        .copied()
                        .filter(|o| pa.reached(o) == mine && pb.reached(o) == theirs)
                        .collect()
                };
                let sb = slug(b);
                let mut clauses = Vec::new();
                for (mine, theirs, qualifier, they) in [
                    (Reached::Direct, Reached::No, "", "cannot"),
                    (Reached::Conditional, Reached::No, " under conditions", "cannot"),
                    (
                        Reached::Direct,
                        Reached::Conditional,
                        " without conditions",
                        "can only under conditions",
                    ),
                ] {
                    let ids = group(mine, theirs);
                    if !ids.is_empty() {
                        clauses.push(format!("{}{qualifier}, which {sb} {they}", phrases(&ids)));
                    }
                }
                if clauses.is_empty() {
                    out.push(format!(
                        "{} reaches nothing that {sb} does not reach as directly.",
                        slug(a)
                    ));
                } else {
                    out.push(format!("{} can {}.", slug(a), clauses.join("; it can ")));
                }
            }
        }
        out
    }

    /// Sentences like "nakivo asks for 9 permissions that avepoint-cloud-backup-express
    /// does not, 3 of them Critical", for every ordered pair.
    pub fn sentences(&self, catalog: &Catalog) -> Vec<String> {
        let mut out = Vec::new();
        for a in 0..self.products.len() {
            for b in 0..self.products.len() {
                if a == b {
                    continue;
                }
                let extra = self.beyond(a, b);
                let (sa, sb) = (
                    &catalog.products[self.products[a]].slug,
                    &catalog.products[self.products[b]].slug,
                );
                if extra.is_empty() {
                    out.push(format!("{sa} asks for nothing that {sb} does not already hold."));
                    continue;
                }
                let mut by_level: Vec<(RiskLevel, usize)> = Vec::new();
                for &i in &extra {
                    let level = catalog.rating(self.rows[i].first_row).level;
                    match by_level.iter_mut().find(|(l, _)| *l == level) {
                        Some(slot) => slot.1 += 1,
                        None => by_level.push((level, 1)),
                    }
                }
                by_level.sort_by_key(|(l, _)| std::cmp::Reverse(*l));
                let worst = by_level
                    .iter()
                    .filter(|(l, _)| *l >= RiskLevel::High)
                    .map(|(l, n)| (*n, title(l.as_str())))
                    .collect::<Vec<_>>();
                let mut s = format!(
                    "{sa} asks for {} permission{} that {sb} does not",
                    extra.len(),
                    if extra.len() == 1 { "" } else { "s" }
                );
                // "…, 3 of them Critical and 2 High."
                for (k, (n, level)) in worst.iter().enumerate() {
                    if k == 0 {
                        s.push_str(&format!(", {n} of them {level}"));
                    } else {
                        s.push_str(&format!(" and {n} {level}"));
                    }
                }
                s.push('.');
                out.push(s);
            }
        }
        out
    }

    /// How the product at `pos` holds matrix row `row`, in the words every
    /// table of a comparison uses: `yes (B R)`, `= Exchange Mail.ReadWrite`
    /// (the same data through another API), `⊂ Sites.FullControl.All` (covered
    /// by a broader permission; the API is named when it is another), `—`.
    pub fn holder_text(&self, catalog: &Catalog, row: usize, pos: usize) -> String {
        match &self.rows[row].cells[pos] {
            Cell::Asks(_) => {
                let phases = self.phases(catalog, row, pos);
                if phases.is_empty() {
                    "yes".into()
                } else {
                    let short: Vec<&str> = phases.iter().map(|p| &p.as_str()[..1]).collect();
                    format!("yes ({})", short.join(" "))
                }
            }
            Cell::SameData { permission, api } => format!("= {} {}", catalog.apis[*api].short, permission),
            Cell::Covered { permission, api } if *api != self.rows[row].api => {
                format!("⊂ {} {}", catalog.apis[*api].short, permission)
            }
            Cell::Covered { permission, .. } => format!("⊂ {permission}"),
            Cell::Absent => "—".into(),
        }
    }

    /// Phases a product's rows give for a matrix row (empty when none stated).
    pub fn phases(&self, catalog: &Catalog, row: usize, product_pos: usize) -> Vec<Phase> {
        match &self.rows[row].cells[product_pos] {
            Cell::Asks(rows) => {
                let mut all: Vec<Phase> = rows.iter().flat_map(|&r| catalog.requirements[r].phases()).collect();
                all.sort();
                all.dedup();
                all
            }
            _ => Vec::new(),
        }
    }
}

/// Outcome phrases joined ("read and rewrite every mailbox, lock everyone
/// out and run code on managed devices"), a read and a write of the same
/// data said once.
fn phrases(ids: &[&str]) -> String {
    use crate::model::paths::power::phrase;
    let both = [
        ("all-mail-read", "all-mail-write", "read and rewrite every mailbox"),
        (
            "all-files-read",
            "all-files-write",
            "read and rewrite every file (OneDrive and SharePoint)",
        ),
    ];
    let mut parts: Vec<&str> = Vec::new();
    for id in ids {
        match both.iter().find(|(r, w, _)| id == r || id == w) {
            Some((r, w, joined)) if ids.contains(r) && ids.contains(w) => {
                if id == r {
                    parts.push(joined);
                }
            }
            _ => parts.push(phrase(id)),
        }
    }
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A comparison's outcomes as a table: one row per outcome of the vocabulary
/// (row `i` is `OUTCOMES[i]`), one column per product saying how it reaches
/// it: `direct`, `conditional` or `no`.
pub struct OutcomeTable<'a> {
    pub catalog: &'a Catalog,
    pub cmp: &'a Comparison,
}

impl OutcomeTable<'_> {
    /// The columns: the outcome ([`Column::Permission`]), then the products.
    pub fn columns(&self) -> Vec<Column> {
        let mut columns = vec![Column::Permission];
        columns.extend((0..self.cmp.products.len()).map(Column::Holder));
        columns
    }

    /// Every row: one per outcome.
    pub fn rows(&self) -> Vec<usize> {
        (0..OUTCOMES.len()).collect()
    }
}

impl TableSource for OutcomeTable<'_> {
    fn cell(&self, row: usize, column: Column) -> Cow<'_, str> {
        let outcome = OUTCOMES.get(row).copied().unwrap_or("");
        match column {
            Column::Holder(pos) => Cow::Borrowed(
                self.cmp
                    .power
                    .get(pos)
                    .map_or(Reached::No, |a| a.reached(outcome))
                    .as_str(),
            ),
            _ => Cow::Borrowed(outcome),
        }
    }

    fn header(&self, column: Column) -> Cow<'_, str> {
        match column {
            Column::Holder(pos) => Cow::Borrowed(&self.catalog.products[self.cmp.products[pos]].slug),
            _ => Cow::Borrowed("OUTCOME"),
        }
    }
}

/// What the marks of a comparison's product cells mean.
pub const LEGEND: &str = "yes (D B R) = asked for, in the phases the document states (Discovery, Backup, Recovery) · = the same data through another API's permission the product asks for · ⊂ covered by a broader permission the product asks for · — not asked for (sharing a GUID with a permission on another resource does not count)";

/// A comparison's matrix as a table: risk, permission, API, type, then one
/// column per product ([`Column::Holder`]).
pub struct MatrixTable<'a> {
    pub catalog: &'a Catalog,
    pub cmp: &'a Comparison,
}

impl MatrixTable<'_> {
    /// The columns, in order.
    pub fn columns(&self) -> Vec<Column> {
        let mut columns = vec![Column::Risk, Column::Permission, Column::Api, Column::Type];
        columns.extend((0..self.cmp.products.len()).map(Column::Holder));
        columns
    }
}

impl TableSource for MatrixTable<'_> {
    fn cell(&self, row: usize, column: Column) -> Cow<'_, str> {
        let r = &self.cmp.rows[row];
        match column {
            Column::Permission => Cow::Borrowed(claim_label(&r.permission)),
            Column::Api => Cow::Borrowed(&self.catalog.apis[r.api].short),
            Column::Type => Cow::Borrowed(kind_short(r.kind)),
            Column::Holder(pos) => Cow::Owned(self.cmp.holder_text(self.catalog, row, pos)),
            other => self.catalog.cell(r.first_row, other),
        }
    }

    fn header(&self, column: Column) -> Cow<'_, str> {
        match column {
            Column::Holder(pos) => Cow::Borrowed(&self.catalog.products[self.cmp.products[pos]].slug),
            other => Cow::Borrowed(other.header()),
        }
    }
}

fn title(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
