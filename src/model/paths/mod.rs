//! What a whole permission set can reach: tenant takeover, lockout, every
//! mailbox or file, and the shortest ways there.
//!
//! A reviewer decides on the set of permissions an app holds, not on rows one
//! by one: `AppRoleAssignment.ReadWrite.All` looks like bookkeeping until one
//! sees that it hands the app every other application permission. The
//! knowledge lives in `data/capabilities.json` (a [`CapabilityModel`]):
//!
//! - **outcomes**: what a reviewer fears ([`OUTCOMES`], a fixed vocabulary);
//! - **capabilities**: what an app can do, one step short of an outcome or of
//!   another capability (`assign-directory-roles`, `create-users`);
//! - **grants**: which permissions give which capabilities, for delegated
//!   permissions only while a user holding certain roles is signed in;
//! - **edges**: `from` (all of these capabilities) leads `to` a capability or
//!   an outcome, possibly only under tenant **conditions**, each with a
//!   sentence and a source.
//!
//! A capability may also *confer* permissions: whoever can grant itself any
//! application permission (`grant-app-roles`) gets the capabilities of every
//! application grant in the model, without the model listing them again.
//!
//! [`CapabilityModel::analyse`] closes a held set over the model and keeps, for
//! every node, a few cheapest derivations (fewest permissions, then fewest
//! conditions). An outcome is [`Reached::Direct`] when one derivation needs no
//! condition, [`Reached::Conditional`] when every derivation needs one. Both
//! only grow with the held set: adding a permission never weakens a result.

mod closure;
mod defs;
/// A product's outcomes per app and overall, for every front end.
pub mod power;

pub use defs::{
    APIS, Analysis, CapabilityDef, Confers, Context, Definitions, Edge, Grant, Held, NodeDef, OUTCOMES, OutcomeResult,
    Path, Reached, Sessions,
};
pub(crate) use defs::{canonical_api, upsert_edge, upsert_node};

/// The capability knowledge: bundled, optionally with reviewers' files on top,
/// compiled for analysis. Read from files by `model/read/capabilities.rs`.
#[derive(Debug, Clone)]
pub struct CapabilityModel {
    defs: Definitions,
    compiled: closure::Compiled,
}

impl CapabilityModel {
    /// A model of these definitions.
    pub fn new(defs: Definitions) -> CapabilityModel {
        let compiled = closure::Compiled::build(&defs);
        CapabilityModel { defs, compiled }
    }

    /// What the model files define.
    pub fn definitions(&self) -> &Definitions {
        &self.defs
    }

    /// Layers a model loaded on its own on top: definitions with an existing
    /// id replace it, grants add up, edges with an existing id replace it.
    pub fn layer(&mut self, reviewer: CapabilityModel) {
        self.defs.layer(reviewer.defs);
        self.compiled = closure::Compiled::build(&self.defs);
    }

    /// The outcomes' definitions, in vocabulary order.
    pub fn outcomes(&self) -> Vec<NodeDef> {
        self.defs.outcomes()
    }

    /// The capabilities, in file order.
    pub fn capabilities(&self) -> &[CapabilityDef] {
        &self.defs.capabilities
    }

    /// The grants, in file order.
    pub fn grants(&self) -> &[Grant] {
        &self.defs.grants
    }

    /// The edges, in file order.
    pub fn edges(&self) -> &[Edge] {
        &self.defs.edges
    }

    /// What `held` (one app's permissions) can reach, given who signs in.
    pub fn analyse(&self, held: &[Held], context: &Context) -> Analysis {
        closure::analyse(&self.defs, &self.compiled, held, context, None)
    }

    /// Like [`CapabilityModel::analyse`], and the explanations and conditions
    /// that rest on who signs in cite where the document says so (`cited`:
    /// "the document's line 23"; used only when `context` names someone).
    pub fn analyse_cited(&self, held: &[Held], context: &Context, cited: Option<&str>) -> Analysis {
        closure::analyse(&self.defs, &self.compiled, held, context, cited)
    }
}
