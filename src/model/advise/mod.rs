//! Narrowing what a vendor's app asks for: per requirement the narrower
//! permissions or mechanisms that would serve its stated purpose (and whether
//! a permission the app already holds covers it), hardening steps chosen by
//! what the app holds, its context and its effective power, questions for the
//! vendor with the document lines that raise them, and the app's
//! least-privilege set.
//!
//! The knowledge lives in `data/alternatives.json` (an [`AlternativeBook`],
//! read by `model/read/alternatives.rs`, with a reviewer's file layered on
//! top); narrower permissions Microsoft's Graph API map shows are derived at
//! run time ([`operations`]). An [`Advisor`] keeps what it looked up, so
//! advising every app of every product looks each permission up once.
//!
//! The pieces, each in its own file: [`alternatives`] (per requirement),
//! [`reduce`] (the least-privilege set), [`hardening`], [`questions`],
//! [`render`] (text, Markdown and the JSON contract of `permscope advise`).

pub mod advice;
pub mod alternatives;
pub mod book;
pub mod hardening;
pub mod operations;
pub mod questions;
pub mod reduce;
pub mod render;
pub mod wording;

pub use advice::{
    AdviceContext, Alternative, AppAdvice, Basis, Change, ChangeKind, CredentialHolder, CredentialKind, HardeningStep,
    ProductAdvice, Question, QuestionKind, Reduction, RequirementAdvice,
};
pub use book::AlternativeBook;

use crate::model::catalog::Catalog;
use crate::model::microsoft::MicrosoftCatalog;
use crate::model::paths::{Analysis, CapabilityModel, Context, Held};
use crate::model::permission::PermissionKey;

/// Computes advice; keeps the Graph operations it looked up between calls.
#[derive(Debug, Clone)]
pub struct Advisor {
    book: AlternativeBook,
    model: CapabilityModel,
    operations: operations::Operations,
}

impl Advisor {
    /// An advisor with the bundled alternatives and capability model.
    pub fn bundled() -> Advisor {
        Advisor::new(AlternativeBook::bundled(), CapabilityModel::bundled())
    }

    /// An advisor with the catalog's alternatives and capability model (a
    /// reviewer's `--alternatives` and `--model` files layered in).
    pub fn of(catalog: &Catalog) -> Advisor {
        Advisor::new(catalog.alternatives(), catalog.capabilities().clone())
    }

    /// What may stand in for each documented permission of `product`'s apps
    /// without granting more (their narrower alternatives that are
    /// permissions): an audit lists such grants as narrower than documented.
    pub fn narrower(&mut self, catalog: &Catalog, product: usize) -> crate::model::audit::Narrower {
        let mut narrower = crate::model::audit::Narrower::default();
        for app in 0..catalog.products[product].apps.len() {
            let rows = app_rows(catalog, product, app);
            let held = held_keys(catalog, &rows);
            let inputs = alternatives::Inputs {
                catalog,
                book: &self.book,
                held: &held,
            };
            for &row in &rows {
                let advice = alternatives::for_requirement(&inputs, &mut self.operations, row);
                for key in advice.alternatives.iter().filter_map(|a| a.key()) {
                    narrower.add(app, &key, row);
                }
            }
        }
        narrower
    }

    /// An advisor with these alternatives (a reviewer's layer applied) and model.
    pub fn new(book: AlternativeBook, model: CapabilityModel) -> Advisor {
        Advisor {
            book,
            model,
            operations: operations::Operations::new(MicrosoftCatalog::bundled()),
        }
    }

    /// The alternatives in use.
    pub fn book(&self) -> &AlternativeBook {
        &self.book
    }

    /// What the app `app` of product `product` can reach, given who signs in.
    pub fn analyse(&self, catalog: &Catalog, product: usize, app: usize, context: &AdviceContext) -> Analysis {
        let held: Vec<Held> = app_rows(catalog, product, app)
            .into_iter()
            .map(|i| &catalog.requirements[i])
            .filter(|r| !r.permission.is_empty())
            .map(|r| Held::new(catalog.apis[r.api].name.clone(), r.kind, r.permission.clone()))
            .collect();
        self.model.analyse(
            &held,
            &Context {
                signed_in: context.signs_in.clone(),
            },
        )
    }

    /// The advice for one app, its effective power computed here.
    pub fn app(&mut self, catalog: &Catalog, product: usize, app: usize, context: &AdviceContext) -> AppAdvice {
        let analysis = self.analyse(catalog, product, app, context);
        self.app_with(catalog, product, app, context, analysis)
    }

    /// The advice for one app, with an effective-power analysis computed
    /// elsewhere (the explorer's, kept for the cursor).
    pub fn app_with(
        &mut self,
        catalog: &Catalog,
        product: usize,
        app: usize,
        context: &AdviceContext,
        analysis: Analysis,
    ) -> AppAdvice {
        let rows = app_rows(catalog, product, app);
        let held = held_keys(catalog, &rows);
        let inputs = alternatives::Inputs {
            catalog,
            book: &self.book,
            held: &held,
        };
        let requirements: Vec<RequirementAdvice> = rows
            .iter()
            .map(|&row| alternatives::for_requirement(&inputs, &mut self.operations, row))
            .collect();
        let reduction = reduce::reduce(catalog, &requirements, self.book.just_in_time.is_some());
        let app_name = catalog.products[product].apps[app].name.clone();
        let hardening = hardening::steps(catalog, &self.book, &app_name, &held, context, &analysis);
        let questions = questions::questions(&questions::Facts {
            catalog,
            product,
            app,
            rows: &rows,
            advice: &requirements,
            context,
            reduction: &reduction,
        });
        AppAdvice {
            product,
            app,
            app_name,
            context: context.clone(),
            requirements,
            hardening,
            questions,
            reduction,
            analysis,
        }
    }

    /// The advice for every app of a product (or only `app`), each with the
    /// context `context_of(app)` gives.
    pub fn product(
        &mut self,
        catalog: &Catalog,
        product: usize,
        app: Option<usize>,
        context_of: &dyn Fn(usize) -> AdviceContext,
    ) -> ProductAdvice {
        let p = &catalog.products[product];
        let apps: Vec<usize> = match app {
            Some(a) => vec![a],
            None => (0..p.apps.len()).collect(),
        };
        ProductAdvice {
            product,
            slug: p.slug.clone(),
            name: p.name.clone(),
            apps: apps
                .into_iter()
                .map(|a| self.app(catalog, product, a, &context_of(a)))
                .collect(),
        }
    }
}

/// The requirement rows of one app of a product, in document order.
pub fn app_rows(catalog: &Catalog, product: usize, app: usize) -> Vec<usize> {
    catalog
        .rows_of(product)
        .filter(|&i| catalog.requirements[i].app == app)
        .collect()
}

/// The distinct permissions of `rows` (blank claims left out), in document order.
pub fn held_keys(catalog: &Catalog, rows: &[usize]) -> Vec<PermissionKey> {
    let mut keys: Vec<PermissionKey> = Vec::new();
    for &i in rows {
        let r = &catalog.requirements[i];
        if r.permission.is_empty() {
            continue;
        }
        let key = PermissionKey {
            api: r.api,
            kind: r.kind,
            name: r.permission.clone(),
        };
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// The app's context as its product file records it.
pub fn app_context(catalog: &Catalog, product: usize, app: usize) -> AdviceContext {
    AdviceContext::from_app(&catalog.products[product].apps[app])
}
