//! Capability model files (`data/capabilities.json`, a reviewer's
//! `--model` file): the format of `data/capabilities.schema.json`, checked
//! and merged into a [`CapabilityModel`].

use crate::model::paths::{
    APIS, CapabilityDef, CapabilityModel, Confers, Definitions, Edge, Grant, NodeDef, OUTCOMES, Sessions,
};
use crate::model::permission::PermissionKind;
use crate::model::read::ReadError;
use crate::model::read::json::{self, Fault, Step, join};
use serde::Deserialize;

use crate::model::read::limits::MAX_TEXT_CHARS as MAX_TEXT;

impl CapabilityModel {
    /// The model shipped with permscope (`data/capabilities.json`).
    pub fn bundled() -> CapabilityModel {
        // A test proves the bundled file loads, so this cannot fail at run time.
        CapabilityModel::from_json(
            include_str!("../../../data/capabilities.json"),
            "data/capabilities.json",
        )
        .expect("bundled data/capabilities.json is valid (tested)")
    }

    /// Loads a complete model file; every id it references must be defined in
    /// it. `origin` names the file in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<CapabilityModel, ReadError> {
        let doc: ModelDoc = json::parse(text, origin)?;
        let mut defs = Definitions::default();
        check(&doc, &defs, false).map_err(|f| f.locate(text, origin))?;
        merge(&mut defs, doc);
        Ok(CapabilityModel::new(defs))
    }

    /// Layers a reviewer's file on top: it may reference ids of this model,
    /// add outcomes' and capabilities' definitions (replacing those with the
    /// same id), grants and edges (an edge with an existing id replaces it),
    /// remove edges by id (`remove_edges`) and replace `delegated_sessions`.
    pub fn layer_json(&mut self, text: &str, origin: &str) -> Result<(), ReadError> {
        let doc: ModelDoc = json::parse(text, origin)?;
        check(&doc, self.definitions(), true).map_err(|f| f.locate(text, origin))?;
        let mut defs = self.definitions().clone();
        merge(&mut defs, doc);
        *self = CapabilityModel::new(defs);
        Ok(())
    }
}

/// Adds a checked file's definitions to `defs`.
fn merge(defs: &mut Definitions, doc: ModelDoc) {
    use crate::model::paths::{canonical_api, upsert_edge, upsert_node};
    for o in doc.outcomes {
        upsert_node(
            &mut defs.outcomes,
            NodeDef {
                id: o.id,
                title: o.title,
                description: o.description,
            },
        );
    }
    for c in doc.capabilities {
        let def = CapabilityDef {
            node: NodeDef {
                id: c.id,
                title: c.title,
                description: c.description,
            },
            confers: c.confers.map(|f| Confers {
                kind: f.kind,
                apis: f.apis,
                explanation: f.explanation,
                condition: f.condition,
                source: f.source,
            }),
        };
        match defs.capabilities.iter_mut().find(|x| x.node.id == def.node.id) {
            Some(existing) => *existing = def,
            None => defs.capabilities.push(def),
        }
    }
    defs.grants.extend(doc.grants.into_iter().map(|g| Grant {
        apis: g.apis.into_iter().map(|a| canonical_api(&a).to_string()).collect(),
        permissions: g.permissions.into_iter().map(|p| p.trim().to_string()).collect(),
        kind: g.kind,
        signed_in: g.signed_in,
        capabilities: g.capabilities,
        source: g.source,
        note: g.note,
    }));
    defs.edges.retain(|e| !doc.remove_edges.contains(&e.id));
    for e in doc.edges {
        upsert_edge(
            &mut defs.edges,
            Edge {
                id: e.id,
                from: e.from,
                to: e.to,
                conditions: e.conditions,
                explanation: e.explanation,
                source: e.source,
            },
        );
    }
    if let Some(s) = doc.delegated_sessions {
        defs.sessions = Some(Sessions {
            kept_by: s.kept_by,
            condition: s.condition,
            source: s.source,
        });
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelDoc {
    #[serde(rename = "$schema", default)]
    schema: Option<String>,
    version: u32,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    delegated_sessions: Option<SessionsDoc>,
    #[serde(default)]
    outcomes: Vec<NodeDoc>,
    #[serde(default)]
    capabilities: Vec<CapabilityDoc>,
    #[serde(default)]
    grants: Vec<GrantDoc>,
    #[serde(default)]
    edges: Vec<EdgeDoc>,
    #[serde(default)]
    remove_edges: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionsDoc {
    kept_by: String,
    condition: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeDoc {
    id: String,
    title: String,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CapabilityDoc {
    id: String,
    title: String,
    description: String,
    #[serde(default)]
    confers: Option<ConfersDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfersDoc {
    #[serde(rename = "type")]
    kind: PermissionKind,
    #[serde(default)]
    apis: Vec<String>,
    explanation: String,
    #[serde(default)]
    condition: Option<String>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantDoc {
    apis: Vec<String>,
    permissions: Vec<String>,
    #[serde(rename = "type")]
    kind: PermissionKind,
    #[serde(default)]
    signed_in: Vec<String>,
    capabilities: Vec<String>,
    source: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EdgeDoc {
    id: String,
    from: Vec<String>,
    to: String,
    #[serde(default)]
    conditions: Vec<String>,
    explanation: String,
    source: String,
}

/// A free text of the model: see [`Fault::check_text`].
fn check_text(value: &str, path: &[Step<'static>]) -> Result<(), Fault<'static>> {
    Fault::check_text(value, path, MAX_TEXT)
}

fn check_prose(value: &str, path: &[Step<'static>]) -> Result<(), Fault<'static>> {
    check_text(value, path)?;
    if value.trim().is_empty() {
        return Err(Fault::new(path.to_vec(), "must not be empty"));
    }
    Ok(())
}

/// Text with placeholders: only those in `allowed` may appear.
fn check_template(value: &str, path: &[Step<'static>], allowed: &[&str]) -> Result<(), Fault<'static>> {
    check_prose(value, path)?;
    Fault::check_placeholders(value, path, allowed)
}

fn check_id(value: &str, path: &[Step<'static>]) -> Result<(), Fault<'static>> {
    check_text(value, path)?;
    if !crate::model::read::product::is_slug(value) {
        return Err(Fault::new(
            path.to_vec(),
            format!("`{value}` is not a valid id: use lower-case letters, digits and single hyphens"),
        ));
    }
    Ok(())
}

/// Checks what serde cannot: safe text, ids, references, vocabulary. `base` is
/// the model a reviewer's file is layered on (`layered`); a complete file is
/// checked against an empty one.
fn check(doc: &ModelDoc, base: &Definitions, layered: bool) -> Result<(), Fault<'static>> {
    Fault::check_version(doc.version)?;
    if let Some(s) = &doc.schema {
        check_text(s, &[Step::key("$schema")])?;
    }
    if let Some(d) = &doc.description {
        check_text(d, &[Step::key("description")])?;
    }
    let outcome_list = OUTCOMES.join(", ");
    for (i, o) in doc.outcomes.iter().enumerate() {
        let here = [Step::key("outcomes"), Step::Index(i)];
        check_text(&o.id, &join(&here, &[Step::key("id")]))?;
        if !OUTCOMES.contains(&o.id.as_str()) {
            return Err(Fault::new(
                join(&here, &[Step::key("id")]),
                format!("unknown outcome `{}`: the outcomes are {outcome_list}", o.id),
            ));
        }
        if doc.outcomes[..i].iter().any(|p| p.id == o.id) {
            return Err(Fault::new(
                join(&here, &[Step::key("id")]),
                format!("outcome `{}` is defined twice", o.id),
            ));
        }
        check_prose(&o.title, &join(&here, &[Step::key("title")]))?;
        check_prose(&o.description, &join(&here, &[Step::key("description")]))?;
    }
    for (i, c) in doc.capabilities.iter().enumerate() {
        let here = [Step::key("capabilities"), Step::Index(i)];
        check_id(&c.id, &join(&here, &[Step::key("id")]))?;
        if OUTCOMES.contains(&c.id.as_str()) {
            return Err(Fault::new(
                join(&here, &[Step::key("id")]),
                format!("`{}` is an outcome: a capability needs an id of its own", c.id),
            ));
        }
        if doc.capabilities[..i].iter().any(|p| p.id == c.id) {
            return Err(Fault::new(
                join(&here, &[Step::key("id")]),
                format!("capability `{}` is defined twice", c.id),
            ));
        }
        check_prose(&c.title, &join(&here, &[Step::key("title")]))?;
        check_prose(&c.description, &join(&here, &[Step::key("description")]))?;
        if let Some(f) = &c.confers {
            let there = join(&here, &[Step::key("confers")]);
            for (j, a) in f.apis.iter().enumerate() {
                check_api(a, &join(&there, &[Step::key("apis"), Step::Index(j)]))?;
            }
            check_template(
                &f.explanation,
                &join(&there, &[Step::key("explanation")]),
                &["{permission}", "{api}"],
            )?;
            if let Some(cond) = &f.condition {
                check_template(
                    cond,
                    &join(&there, &[Step::key("condition")]),
                    &["{permission}", "{api}"],
                )?;
            }
            check_prose(&f.source, &join(&there, &[Step::key("source")]))?;
        }
    }
    // Every id a reference may name: this file's, and the base's when layering.
    let capability_known = |id: &str| {
        doc.capabilities.iter().any(|c| c.id == id) || (layered && base.capabilities.iter().any(|c| c.node.id == id))
    };
    let node_known = |id: &str| OUTCOMES.contains(&id) || capability_known(id);
    let unknown_node = |id: &str| {
        format!(
            "unknown capability or outcome `{id}`: define it under `capabilities`, or use one of the outcomes {outcome_list}"
        )
    };
    let unknown = |id: &str| format!("unknown capability `{id}`: define it under `capabilities`");
    for (i, g) in doc.grants.iter().enumerate() {
        let here = [Step::key("grants"), Step::Index(i)];
        if g.apis.is_empty() {
            return Err(Fault::new(
                join(&here, &[Step::key("apis")]),
                "must list at least one resource",
            ));
        }
        for (j, a) in g.apis.iter().enumerate() {
            check_api(a, &join(&here, &[Step::key("apis"), Step::Index(j)]))?;
        }
        if g.permissions.is_empty() {
            return Err(Fault::new(
                join(&here, &[Step::key("permissions")]),
                "must list at least one permission",
            ));
        }
        for (j, p) in g.permissions.iter().enumerate() {
            let path = join(&here, &[Step::key("permissions"), Step::Index(j)]);
            check_text(p, &path)?;
            let name = p.trim();
            if name.is_empty() || name.chars().any(char::is_whitespace) {
                return Err(Fault::new(path, format!("`{p}` is not a permission name")));
            }
            if name.contains(['*', '?']) {
                return Err(Fault::new(
                    path,
                    format!("`{p}` is a pattern: list each permission by its exact name so a reviewer can find it"),
                ));
            }
        }
        if !g.signed_in.is_empty() && g.kind == PermissionKind::Application {
            return Err(Fault::new(
                join(&here, &[Step::key("signed_in")]),
                "only delegated grants depend on who is signed in",
            ));
        }
        for (j, r) in g.signed_in.iter().enumerate() {
            check_prose(r, &join(&here, &[Step::key("signed_in"), Step::Index(j)]))?;
        }
        if g.capabilities.is_empty() {
            return Err(Fault::new(
                join(&here, &[Step::key("capabilities")]),
                "must give at least one capability",
            ));
        }
        for (j, c) in g.capabilities.iter().enumerate() {
            let path = join(&here, &[Step::key("capabilities"), Step::Index(j)]);
            check_text(c, &path)?;
            if OUTCOMES.contains(&c.as_str()) {
                return Err(Fault::new(
                    path,
                    format!("`{c}` is an outcome: a grant gives capabilities, and edges lead from them to outcomes"),
                ));
            }
            if !capability_known(c) {
                return Err(Fault::new(path, unknown(c)));
            }
        }
        check_prose(&g.source, &join(&here, &[Step::key("source")]))?;
        if let Some(n) = &g.note {
            check_prose(n, &join(&here, &[Step::key("note")]))?;
        }
    }
    for (i, e) in doc.edges.iter().enumerate() {
        let here = [Step::key("edges"), Step::Index(i)];
        check_id(&e.id, &join(&here, &[Step::key("id")]))?;
        if doc.edges[..i].iter().any(|p| p.id == e.id) {
            return Err(Fault::new(
                join(&here, &[Step::key("id")]),
                format!("edge `{}` is defined twice", e.id),
            ));
        }
        for (j, f) in e.from.iter().enumerate() {
            let path = join(&here, &[Step::key("from"), Step::Index(j)]);
            check_text(f, &path)?;
            if !node_known(f) {
                return Err(Fault::new(path, unknown_node(f)));
            }
            if e.from[..j].contains(f) {
                return Err(Fault::new(path, format!("`{f}` is listed twice")));
            }
        }
        check_text(&e.to, &join(&here, &[Step::key("to")]))?;
        if !node_known(&e.to) {
            return Err(Fault::new(join(&here, &[Step::key("to")]), unknown_node(&e.to)));
        }
        if e.from.contains(&e.to) {
            return Err(Fault::new(
                join(&here, &[Step::key("to")]),
                format!("an edge cannot lead from `{}` to itself", e.to),
            ));
        }
        for (j, c) in e.conditions.iter().enumerate() {
            check_prose(c, &join(&here, &[Step::key("conditions"), Step::Index(j)]))?;
        }
        if e.from.is_empty() && e.conditions.is_empty() {
            return Err(Fault::new(
                join(&here, &[Step::key("from")]),
                "an edge from nothing must state the condition it assumes",
            ));
        }
        check_prose(&e.explanation, &join(&here, &[Step::key("explanation")]))?;
        check_prose(&e.source, &join(&here, &[Step::key("source")]))?;
    }
    for (i, r) in doc.remove_edges.iter().enumerate() {
        let path = vec![Step::key("remove_edges"), Step::Index(i)];
        check_text(r, &path)?;
        if !base.edges.iter().any(|e| e.id == *r) {
            return Err(Fault::new(
                path,
                format!("no edge `{r}` to remove: only edges of the model below can be removed"),
            ));
        }
    }
    if let Some(s) = &doc.delegated_sessions {
        let here = [Step::key("delegated_sessions")];
        check_text(&s.kept_by, &join(&here, &[Step::key("kept_by")]))?;
        if !capability_known(&s.kept_by) {
            return Err(Fault::new(join(&here, &[Step::key("kept_by")]), unknown(&s.kept_by)));
        }
        check_template(&s.condition, &join(&here, &[Step::key("condition")]), &["{who}"])?;
        check_prose(&s.source, &join(&here, &[Step::key("source")]))?;
    }
    Ok(())
}

fn check_api(api: &str, path: &[Step<'static>]) -> Result<(), Fault<'static>> {
    check_text(api, path)?;
    if APIS.iter().any(|a| a.eq_ignore_ascii_case(api.trim())) {
        Ok(())
    } else {
        Err(Fault::new(
            path.to_vec(),
            format!("unknown resource `{api}`: use one of {}", APIS.join(", ")),
        ))
    }
}
