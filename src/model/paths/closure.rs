//! The closure: a model compiled to rules over numbered nodes, and a held
//! set of permissions closed over them, keeping for every node a few
//! cheapest derivations (fewest permissions, then fewest conditions).

use crate::model::paths::defs::*;
use crate::model::permission::PermissionKind;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Nodes 0..OUTCOMES.len() are the outcomes in vocabulary order; capabilities follow.
#[derive(Debug, Clone, Default)]
pub(crate) struct Compiled {
    ids: Vec<String>,
    /// Verb phrase of each node, for explanations.
    phrases: Vec<String>,
    index: HashMap<String, usize>,
    /// Rules that hold whatever the held set: edges, and application permissions conferred.
    rules: Vec<Rule>,
    /// Static rules by the node they read.
    by_input: Vec<Vec<u32>>,
    /// (lower-case api, kind, lower-case name) to the grants naming it.
    grant_index: HashMap<(String, PermissionKind, String), Vec<usize>>,
    /// Delegated grants handed out by a confers capability: (capability node, grant, permission, api).
    delegated_confers: Vec<(usize, usize, usize, usize)>,
    /// The node that keeps delegated access alive, if the model names one.
    keeper: Option<usize>,
    /// Conditions of static rules.
    conditions: Vec<String>,
}

#[derive(Debug, Clone)]
struct Rule {
    from: Vec<usize>,
    to: usize,
    /// A held permission the rule itself uses (grants), as an index into the held list.
    held: Option<u32>,
    conditions: Vec<u32>,
    sentence: Sentence,
}

#[derive(Debug, Clone)]
enum Sentence {
    Edge(usize),
    /// A held permission's grant: (held, grant, capability node, who is signed in).
    Grant(u32, usize, usize, Option<String>),
    /// A conferred permission: (confers node, grant, permission, api, capability node, who).
    Confer(usize, usize, usize, usize, usize, Option<String>),
}

impl Compiled {
    pub(crate) fn build(model: &Definitions) -> Compiled {
        let mut c = Compiled::default();
        let outcomes = model.outcomes();
        for o in &outcomes {
            c.add_node(&o.id, &o.title);
        }
        for cap in &model.capabilities {
            c.add_node(&cap.node.id, &cap.node.title);
        }
        c.by_input = vec![Vec::new(); c.ids.len()];
        for (gi, g) in model.grants.iter().enumerate() {
            for api in &g.apis {
                for p in &g.permissions {
                    c.grant_index
                        .entry((api.to_ascii_lowercase(), g.kind, p.to_ascii_lowercase()))
                        .or_default()
                        .push(gi);
                }
            }
        }
        c.keeper = model.sessions.as_ref().and_then(|s| c.index.get(&s.kept_by).copied());
        for (ei, e) in model.edges.iter().enumerate() {
            let (Some(to), Some(from)) = (
                c.index.get(&e.to).copied(),
                e.from
                    .iter()
                    .map(|f| c.index.get(f).copied())
                    .collect::<Option<Vec<_>>>(),
            ) else {
                continue; // checked when loaded; unreachable
            };
            let conditions = e.conditions.iter().map(|t| c.condition(t)).collect();
            c.push_rule(Rule {
                from,
                to,
                held: None,
                conditions,
                sentence: Sentence::Edge(ei),
            });
        }
        for cap in &model.capabilities {
            let Some(confers) = &cap.confers else { continue };
            let k = c.index[&cap.node.id];
            // Per target capability, the first few permissions that give it:
            // unconditional options are all alike, so one is enough.
            let limit = if confers.condition.is_some() { CONFER_OPTIONS } else { 1 };
            let mut options: HashMap<usize, usize> = HashMap::new();
            for (gi, g) in model.grants.iter().enumerate() {
                if g.kind != confers.kind {
                    continue;
                }
                for (ai, api) in g.apis.iter().enumerate() {
                    if !confers.apis.is_empty() && !confers.apis.iter().any(|a| a.eq_ignore_ascii_case(api)) {
                        continue;
                    }
                    for pi in 0..g.permissions.len() {
                        if confers.kind == PermissionKind::Delegated {
                            // Who signs in is known only when analysing.
                            c.delegated_confers.push((k, gi, pi, ai));
                            continue;
                        }
                        for cap_id in &g.capabilities {
                            let Some(&target) = c.index.get(cap_id) else { continue };
                            let taken = options.entry(target).or_default();
                            if *taken >= limit || target == k {
                                continue;
                            }
                            *taken += 1;
                            let conditions = confers
                                .condition
                                .iter()
                                .map(|t| c.condition(&fill(t, &g.permissions[pi], api)))
                                .collect();
                            c.push_rule(Rule {
                                from: vec![k],
                                to: target,
                                held: None,
                                conditions,
                                sentence: Sentence::Confer(k, gi, pi, ai, target, None),
                            });
                        }
                    }
                }
            }
        }
        c
    }

    fn add_node(&mut self, id: &str, title: &str) {
        self.index.insert(id.to_string(), self.ids.len());
        self.ids.push(id.to_string());
        self.phrases.push(verb_phrase(title));
    }

    fn condition(&mut self, text: &str) -> u32 {
        if let Some(at) = self.conditions.iter().position(|c| c == text) {
            return at as u32;
        }
        self.conditions.push(text.to_string());
        (self.conditions.len() - 1) as u32
    }

    fn push_rule(&mut self, mut rule: Rule) {
        rule.conditions.sort_unstable();
        rule.conditions.dedup();
        let id = self.rules.len() as u32;
        for &f in &rule.from {
            if !self.by_input[f].contains(&id) {
                self.by_input[f].push(id);
            }
        }
        self.rules.push(rule);
    }
}

/// A title as it reads after "lets the app": first letter lower-cased unless
/// the word is an acronym ("OAuth", "PIM").
fn verb_phrase(title: &str) -> String {
    let mut chars = title.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            let mut s: String = first.to_lowercase().collect();
            s.push_str(&title[first.len_utf8()..]);
            s
        }
        _ => title.to_string(),
    }
}

fn fill(template: &str, permission: &str, api: &str) -> String {
    template.replace("{permission}", permission).replace("{api}", api)
}

// ---------------------------------------------------------------------------
// The analysis: a closure over rules, keeping a few cheapest derivations per node.

/// A run of ids in the closure's slab.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u32,
    len: u32,
}

/// One way a node is reached: the held permissions and conditions it needs
/// (sorted), the rule that made it and the derivations it combined (for the
/// explanation). Its lists live in the closure's slab, so that a derivation
/// costs no allocation of its own.
#[derive(Debug, Clone, Copy)]
struct Deriv {
    perms: Span,
    conds: Span,
    parents: Span,
    rule: u32,
    /// Rules followed, counting shared ones once per use (ranks ties only).
    links: u32,
    /// When it entered its pool (ranks nothing; tells rules what is new).
    stamp: u32,
}

/// The closure's working state.
struct Closure {
    derivs: Vec<Deriv>,
    /// Every derivation's permissions, conditions and parents.
    slab: Vec<u32>,
    /// Per node, its derivations (indices into `derivs`), cheapest first.
    pools: Vec<Vec<u32>>,
    queue: std::collections::VecDeque<usize>,
    queued: Vec<bool>,
    /// Per rule, the stamp it last ran at.
    last: Vec<u32>,
    /// Scratch sets for a candidate, reused so that refused ones cost nothing.
    perms: Vec<u32>,
    conds: Vec<u32>,
}

impl Closure {
    fn ids(&self, span: Span) -> &[u32] {
        &self.slab[span.start as usize..(span.start + span.len) as usize]
    }

    fn push_span(&mut self, ids: &[u32]) -> Span {
        let start = self.slab.len() as u32;
        self.slab.extend_from_slice(ids);
        Span {
            start,
            len: ids.len() as u32,
        }
    }

    fn clean(&self, d: u32) -> bool {
        self.derivs[d as usize].conds.len == 0
    }

    /// The order derivations rank in: fewest permissions, then fewest
    /// conditions, then fewest rules; then by content, so that the order is
    /// total and the closure cannot go round in circles.
    fn key(&self, d: u32) -> (u32, u32, u32, &[u32], &[u32], u32) {
        let d = &self.derivs[d as usize];
        (
            d.perms.len,
            d.conds.len,
            d.links,
            self.ids(d.perms),
            self.ids(d.conds),
            d.rule,
        )
    }

    /// True when `a` is at least as good as `b` in every respect.
    fn covers(&self, a: u32, b: u32) -> bool {
        let (x, y) = (&self.derivs[a as usize], &self.derivs[b as usize]);
        subset(self.ids(x.perms), self.ids(y.perms))
            && subset(self.ids(x.conds), self.ids(y.conds))
            && self.key(a) <= self.key(b)
    }

    /// Adds derivation `d` to `node`'s pool; true when the pool changed. The
    /// pool keeps at most [`keep`] derivations none of which covers another,
    /// and never loses its last unconditional one, so that "direct" is exact.
    fn insert(&mut self, node: usize, d: u32) -> bool {
        let mut pool = std::mem::take(&mut self.pools[node]);
        let changed = self.insert_into(&mut pool, d, keep(node));
        self.pools[node] = pool;
        changed
    }

    fn insert_into(&self, pool: &mut Vec<u32>, d: u32, keep: usize) -> bool {
        if pool.iter().any(|&e| self.covers(e, d)) {
            return false;
        }
        let before = pool.len();
        pool.retain(|&e| !self.covers(d, e));
        let removed = pool.len() < before;
        let at = pool.partition_point(|&e| self.key(e) < self.key(d));
        pool.insert(at, d);
        if pool.len() > keep {
            let cleans = pool.iter().filter(|&&e| self.clean(e)).count();
            let victim = (0..pool.len())
                .rev()
                .find(|&i| !(self.clean(pool[i]) && cleans == 1))
                .unwrap_or(pool.len() - 1);
            pool.remove(victim);
            if victim == at && !removed {
                return false;
            }
        }
        true
    }
}

fn subset<T: Ord>(small: &[T], big: &[T]) -> bool {
    let mut it = big.iter();
    small.iter().all(|x| it.by_ref().any(|y| y == x))
}

fn union_into<T: Ord + Copy>(into: &mut Vec<T>, more: &[T]) {
    for &x in more {
        if let Err(at) = into.binary_search(&x) {
            into.insert(at, x);
        }
    }
}

/// Per-analysis rules (grants of the held permissions, delegated confers) and
/// their conditions, on top of the model's static ones.
struct Run<'m> {
    model: &'m Definitions,
    c: &'m Compiled,
    held: Vec<Held>,
    rules: Vec<Rule>,
    by_input: HashMap<usize, Vec<u32>>,
    conditions: Vec<String>,
    /// Where the document says who signs in, when it does.
    cited: Option<String>,
}

impl<'m> Run<'m> {
    fn rule(&self, id: u32) -> &Rule {
        let s = self.c.rules.len();
        match (id as usize).checked_sub(s) {
            Some(d) => &self.rules[d],
            None => &self.c.rules[id as usize],
        }
    }

    fn condition_text(&self, id: u32) -> &str {
        let s = self.c.conditions.len();
        match (id as usize).checked_sub(s) {
            Some(d) => &self.conditions[d],
            None => &self.c.conditions[id as usize],
        }
    }

    fn condition(&mut self, text: String) -> u32 {
        let base = self.c.conditions.len();
        if let Some(at) = self.c.conditions.iter().position(|c| *c == text) {
            return at as u32;
        }
        if let Some(at) = self.conditions.iter().position(|c| *c == text) {
            return (base + at) as u32;
        }
        self.conditions.push(text);
        (base + self.conditions.len() - 1) as u32
    }

    fn push_rule(&mut self, mut rule: Rule) {
        rule.conditions.sort_unstable();
        rule.conditions.dedup();
        let id = (self.c.rules.len() + self.rules.len()) as u32;
        for &f in &rule.from {
            self.by_input.entry(f).or_default().push(id);
        }
        self.rules.push(rule);
    }

    /// Who a delegated grant needs signed in, as the document's context
    /// allows: `Err(())` when the document names people who do not qualify;
    /// `Ok((who, condition))` otherwise.
    fn signed_in(&mut self, grant: &Grant, context: &Context) -> Result<(Option<String>, Option<u32>), ()> {
        if grant.signed_in.is_empty() {
            return Ok((None, None));
        }
        match &context.signed_in {
            Some(roles) => grant
                .signed_in
                .iter()
                .find(|need| roles.iter().any(|r| same_role(r, need)))
                .map(|role| (Some(role.clone()), None))
                .ok_or(()),
            None => {
                let roles = or_list(&grant.signed_in);
                let cond = self.condition(format!(
                    "the person who signs in to the app is {} (the document does not say who signs in)",
                    with_article(&roles)
                ));
                Ok((Some(roles), Some(cond)))
            }
        }
    }

    /// The rules a delegated or application grant yields for one of its capabilities.
    fn grant_rules(
        &mut self,
        grant_index: usize,
        from: Vec<usize>,
        held: Option<u32>,
        context: &Context,
        sentence: impl Fn(Option<String>) -> Sentence,
        target: usize,
    ) {
        let model = self.model;
        let grant = &model.grants[grant_index];
        let mut conditions = Vec::new();
        let mut who = None;
        if grant.kind == PermissionKind::Delegated {
            let Ok((w, cond)) = self.signed_in(grant, context) else {
                return;
            };
            conditions.extend(cond);
            who = w;
        }
        let keeper = self.c.keeper;
        let kept = grant.kind == PermissionKind::Delegated
            && keeper
                .is_some_and(|k| k != target && !grant.capabilities.iter().any(|c| self.c.index.get(c) == Some(&k)));
        if let (true, Some(k), Some(s)) = (kept, keeper, self.model.sessions.as_ref()) {
            // For good with refresh tokens; otherwise only around each sign-in.
            let mut someone = who.as_deref().map_or("a user".to_string(), with_article);
            if let (Some(_), Some(cited)) = (&who, &self.cited) {
                someone.push_str(&format!(" ({cited})"));
            }
            let session = self.condition(s.condition.replace("{who}", &someone));
            let mut both = from.clone();
            both.push(k);
            self.push_rule(Rule {
                from: both,
                to: target,
                held,
                conditions: conditions.clone(),
                sentence: sentence(who.clone()),
            });
            let mut brief = conditions;
            brief.push(session);
            self.push_rule(Rule {
                from,
                to: target,
                held,
                conditions: brief,
                sentence: sentence(who),
            });
        } else {
            self.push_rule(Rule {
                from,
                to: target,
                held,
                conditions,
                sentence: sentence(who),
            });
        }
    }
}

fn same_role(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    norm(a) == norm(b)
}

fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

fn with_article(role: &str) -> String {
    let article = match role.chars().next() {
        Some(c) if "AEIOUaeiou".contains(c) => "an",
        _ => "a",
    };
    format!("{article} {role}")
}

/// What `held` (one app's permissions) can reach under `model`, given who signs in.
pub(crate) fn analyse(
    model: &Definitions,
    c: &Compiled,
    held: &[Held],
    context: &Context,
    cited: Option<&str>,
) -> Analysis {
    {
        // The same permission twice is one step.
        let mut unique: Vec<Held> = Vec::new();
        for h in held {
            let h = Held::new(canonical_api(&h.api), h.kind, h.name.trim());
            if !unique
                .iter()
                .any(|u| u.kind == h.kind && u.api.eq_ignore_ascii_case(&h.api) && u.name.eq_ignore_ascii_case(&h.name))
            {
                unique.push(h);
            }
        }
        let mut run = Run {
            model,
            c,
            held: unique,
            rules: Vec::new(),
            by_input: HashMap::new(),
            conditions: Vec::new(),
            cited: context.signed_in.as_ref().and(cited.map(str::to_string)),
        };
        for hi in 0..run.held.len() {
            let h = &run.held[hi];
            let key = (h.api.to_ascii_lowercase(), h.kind, h.name.to_ascii_lowercase());
            let Some(grants) = c.grant_index.get(&key) else {
                continue;
            };
            for &gi in grants {
                for cap in &model.grants[gi].capabilities {
                    let Some(&target) = c.index.get(cap) else { continue };
                    let held_ix = hi as u32;
                    run.grant_rules(
                        gi,
                        Vec::new(),
                        Some(held_ix),
                        context,
                        |who| Sentence::Grant(held_ix, gi, target, who),
                        target,
                    );
                }
            }
        }
        for &(k, gi, pi, ai) in &c.delegated_confers {
            for cap in &model.grants[gi].capabilities {
                let Some(&target) = c.index.get(cap) else { continue };
                if target == k {
                    continue;
                }
                run.grant_rules(
                    gi,
                    vec![k],
                    None,
                    context,
                    |who| Sentence::Confer(k, gi, pi, ai, target, who),
                    target,
                );
            }
        }
        let st = run.close();
        let outcomes = OUTCOMES
            .iter()
            .enumerate()
            .map(|(node, id)| {
                let pool = &st.pools[node];
                let reached = if pool.iter().any(|&d| st.clean(d)) {
                    Reached::Direct
                } else if pool.is_empty() {
                    Reached::No
                } else {
                    Reached::Conditional
                };
                let picked = pick(
                    pool,
                    |&d| st.clean(d),
                    |&a, &b| st.ids(st.derivs[a as usize].perms) == st.ids(st.derivs[b as usize].perms),
                    reached == Reached::Direct,
                );
                OutcomeResult {
                    outcome: id.to_string(),
                    reached,
                    paths: picked.into_iter().map(|i| run.path(&st, pool[i])).collect(),
                }
            })
            .collect();
        Analysis { outcomes }
    }
}

impl Run<'_> {
    /// Runs the rules to a fixpoint.
    fn close(&self) -> Closure {
        let total = self.c.rules.len() + self.rules.len();
        let mut st = Closure {
            derivs: Vec::new(),
            slab: Vec::new(),
            pools: vec![Vec::new(); self.c.ids.len()],
            queue: std::collections::VecDeque::new(),
            queued: vec![false; self.c.ids.len()],
            last: vec![0; total],
            perms: Vec::new(),
            conds: Vec::new(),
        };
        // Rules that read nothing (grants, assumptions) fire once, first.
        let mut start: Vec<u32> = (0..total as u32).filter(|&r| self.rule(r).from.is_empty()).collect();
        start.sort_by_key(|&r| self.rule(r).held.is_none());
        for r in start {
            self.evaluate(r, &mut st);
        }
        let mut evaluations = 0usize;
        while let Some(node) = st.queue.pop_front() {
            st.queued[node] = false;
            let statics = self.c.by_input[node].iter();
            let dynamics = self.by_input.get(&node).into_iter().flatten();
            for &r in statics.chain(dynamics) {
                evaluations += 1;
                if evaluations > MAX_EVALUATIONS {
                    return st;
                }
                self.evaluate(r, &mut st);
            }
        }
        st
    }

    /// Tries the combinations of its inputs' derivations through one rule,
    /// skipping those it has already tried (every derivation is stamped when
    /// it is made, and a rule remembers the stamp it last ran at).
    fn evaluate(&self, id: u32, st: &mut Closure) {
        let rule = self.rule(id);
        let inputs = &rule.from;
        if inputs.iter().any(|&f| st.pools[f].is_empty()) {
            return;
        }
        let since = std::mem::replace(&mut st.last[id as usize], st.derivs.len() as u32);
        let mut at = vec![0usize; inputs.len()];
        let mut changed = false;
        loop {
            let newest = inputs
                .iter()
                .zip(&at)
                .map(|(&f, &i)| st.derivs[st.pools[f][i] as usize].stamp)
                .max()
                .unwrap_or(0);
            if (inputs.is_empty() || newest > since)
                && let Some(d) = self.candidate(rule, id, inputs, &at, st)
            {
                changed |= st.insert(rule.to, d);
            }
            // Next combination, like an odometer.
            let mut k = 0;
            loop {
                if k == at.len() {
                    if changed && !st.queued[rule.to] {
                        st.queued[rule.to] = true;
                        st.queue.push_back(rule.to);
                    }
                    return;
                }
                at[k] += 1;
                if at[k] < st.pools[inputs[k]].len() {
                    break;
                }
                at[k] = 0;
                k += 1;
            }
        }
    }

    /// The derivation one combination gives, or `None` when the target's pool
    /// would refuse it anyway (checked before anything is stored).
    fn candidate(&self, rule: &Rule, id: u32, inputs: &[usize], at: &[usize], st: &mut Closure) -> Option<u32> {
        let mut perms = std::mem::take(&mut st.perms);
        let mut conds = std::mem::take(&mut st.conds);
        perms.clear();
        perms.extend(rule.held);
        conds.clear();
        conds.extend_from_slice(&rule.conditions);
        let mut links = 1u32;
        for (&f, &i) in inputs.iter().zip(at) {
            let d = st.derivs[st.pools[f][i] as usize];
            union_into(&mut perms, st.ids(d.perms));
            union_into(&mut conds, st.ids(d.conds));
            links = links.saturating_add(d.links);
        }
        let target = &st.pools[rule.to];
        let size = (perms.len() as u32, conds.len() as u32);
        // Covered by a derivation with fewer permissions or conditions...
        let covered = target.iter().any(|&e| {
            let e = &st.derivs[e as usize];
            (e.perms.len, e.conds.len) < size && subset(st.ids(e.perms), &perms) && subset(st.ids(e.conds), &conds)
        });
        // ...or ranked below a full pool, unless it would be its first unconditional one.
        let outranked = target.len() >= keep(rule.to)
            && target.last().is_some_and(|&w| {
                let w = &st.derivs[w as usize];
                size > (w.perms.len, w.conds.len)
            });
        let first_clean = conds.is_empty() && !target.iter().any(|&e| st.clean(e));
        let refused = covered || (outranked && !first_clean);
        let made = if refused {
            None
        } else {
            let parents = Span {
                start: st.slab.len() as u32,
                len: inputs.len() as u32,
            };
            for (&f, &i) in inputs.iter().zip(at) {
                let p = st.pools[f][i];
                st.slab.push(p);
            }
            let d = Deriv {
                perms: st.push_span(&perms),
                conds: st.push_span(&conds),
                parents,
                rule: id,
                links,
                stamp: st.derivs.len() as u32 + 1,
            };
            st.derivs.push(d);
            Some((st.derivs.len() - 1) as u32)
        };
        st.perms = perms;
        st.conds = conds;
        made
    }

    /// The rules a derivation follows, each once, inputs before the rule they feed.
    fn rules_of(&self, st: &Closure, d: u32, out: &mut Vec<u32>) {
        let deriv = st.derivs[d as usize];
        for &p in st.ids(deriv.parents) {
            self.rules_of(st, p, out);
        }
        if !out.contains(&deriv.rule) {
            out.push(deriv.rule);
        }
    }

    fn path(&self, st: &Closure, d: u32) -> Path {
        let deriv = st.derivs[d as usize];
        let steps = st
            .ids(deriv.perms)
            .iter()
            .map(|&i| self.held[i as usize].clone())
            .collect();
        let mut rules = Vec::new();
        self.rules_of(st, d, &mut rules);
        let mut conditions: Vec<String> = Vec::new();
        let mut explanation = String::new();
        for &w in &rules {
            let rule = self.rule(w);
            for &cond in &rule.conditions {
                let text = self.condition_text(cond);
                if !conditions.iter().any(|c| c == text) {
                    conditions.push(text.to_string());
                }
            }
            if !explanation.is_empty() {
                explanation.push(' ');
            }
            self.sentence(&rule.sentence, &mut explanation);
        }
        Path {
            steps,
            conditions,
            explanation,
            links: rules.len(),
        }
    }

    fn sentence(&self, sentence: &Sentence, out: &mut String) {
        let m = self.model;
        let grant_part =
            |out: &mut String, name: &str, api: &str, kind: PermissionKind, who: &Option<String>, cap: usize| {
                let _ = write!(out, "{name} ({api}, {kind})");
                if let Some(who) = who {
                    let _ = write!(out, ", with {} signed in", with_article(who));
                    if let Some(cited) = &self.cited {
                        let _ = write!(out, " ({cited})");
                    }
                    out.push(',');
                }
                let _ = write!(out, " lets the app {}.", self.c.phrases[cap]);
            };
        match sentence {
            Sentence::Edge(e) => out.push_str(&m.edges[*e].explanation),
            Sentence::Grant(h, g, cap, who) => {
                let h = &self.held[*h as usize];
                grant_part(out, &h.name, &h.api, m.grants[*g].kind, who, *cap);
            }
            Sentence::Confer(k, g, p, a, cap, who) => {
                let grant = &m.grants[*g];
                let (name, api) = (&grant.permissions[*p], &grant.apis[*a]);
                if let Some(confers) = self.c.ids.get(*k).and_then(|id| {
                    m.capabilities
                        .iter()
                        .find(|c| c.node.id == *id)
                        .and_then(|c| c.confers.as_ref())
                }) {
                    out.push_str(&fill(&confers.explanation, name, api));
                    out.push(' ');
                }
                grant_part(out, name, api, grant.kind, who, *cap);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::paths::CapabilityModel;

    const TINY: &str = r#"{
  "version": 1,
  "delegated_sessions": {"kept_by": "keep", "condition": "the attack happens while {who} is signed in", "source": "s"},
  "capabilities": [
    {"id": "roles", "title": "Assign roles", "description": "d"},
    {"id": "users", "title": "Create users", "description": "d"},
    {"id": "groups", "title": "Manage groups", "description": "d"},
    {"id": "keep", "title": "Keep access", "description": "d"},
    {"id": "grant", "title": "Grant itself anything", "description": "d",
     "confers": {"type": "application", "explanation": "It grants itself {permission} on {api}.", "source": "s"}},
    {"id": "steal", "title": "Act as other apps", "description": "d",
     "confers": {"type": "application", "explanation": "It signs in as an app holding {permission}.",
                 "condition": "an app holds {permission}", "source": "s"}}
  ],
  "grants": [
    {"apis": ["Microsoft Graph"], "permissions": ["Roles.Write"], "type": "application", "capabilities": ["roles"], "source": "s"},
    {"apis": ["Microsoft Graph"], "permissions": ["Users.Write"], "type": "application", "capabilities": ["users"], "source": "s"},
    {"apis": ["Microsoft Graph"], "permissions": ["Groups.Write"], "type": "application", "capabilities": ["groups"], "source": "s"},
    {"apis": ["Microsoft Graph"], "permissions": ["Grant.Write"], "type": "application", "capabilities": ["grant"], "source": "s"},
    {"apis": ["Microsoft Graph"], "permissions": ["Apps.Write"], "type": "application", "capabilities": ["steal"], "source": "s"},
    {"apis": ["Microsoft Graph"], "permissions": ["keep_alive"], "type": "delegated", "capabilities": ["keep"], "source": "s"},
    {"apis": ["Microsoft Graph"], "permissions": ["Act.AsUser"], "type": "delegated", "signed_in": ["Global Administrator"],
     "capabilities": ["roles"], "source": "s"}
  ],
  "edges": [
    {"id": "roles-ga", "from": ["roles"], "to": "global-admin", "explanation": "Roles make an admin.", "source": "s"},
    {"id": "users-groups-off", "from": ["users", "groups"], "to": "security-controls-off",
     "conditions": ["a group is excluded"], "explanation": "A user joins an excluded group.", "source": "s"},
    {"id": "ga-grant", "from": ["global-admin"], "to": "grant", "explanation": "An admin grants anything.", "source": "s"}
  ]
}"#;

    fn tiny() -> CapabilityModel {
        CapabilityModel::from_json(TINY, "tiny.json").expect("tiny model loads")
    }

    fn app(name: &str) -> Held {
        Held::new("Microsoft Graph", PermissionKind::Application, name)
    }

    #[test]
    fn direct_conditional_and_no() {
        let m = tiny();
        let a = m.analyse(&[app("Roles.Write")], &Context::default());
        assert_eq!(a.reached("global-admin"), Reached::Direct);
        assert_eq!(a.reached("tenant-lockout"), Reached::No);
        let a = m.analyse(&[app("Users.Write"), app("Groups.Write")], &Context::default());
        assert_eq!(a.reached("security-controls-off"), Reached::Conditional);
        assert_eq!(a.get("security-controls-off").unwrap().paths[0].steps.len(), 2);
        assert_eq!(a.reached("global-admin"), Reached::No);
        assert_eq!(a.outcomes.len(), OUTCOMES.len());
    }

    #[test]
    fn confers_reach_the_capabilities_of_every_permission_granted() {
        let m = tiny();
        let a = m.analyse(&[app("Grant.Write")], &Context::default());
        let ga = a.get("global-admin").unwrap();
        assert_eq!(ga.reached, Reached::Direct);
        assert!(
            ga.paths[0].explanation.contains("grants itself Roles.Write"),
            "{}",
            ga.paths[0].explanation
        );
        let a = m.analyse(&[app("Apps.Write")], &Context::default());
        let ga = a.get("global-admin").unwrap();
        assert_eq!(ga.reached, Reached::Conditional);
        assert_eq!(ga.paths[0].conditions, vec!["an app holds Roles.Write".to_string()]);
    }

    #[test]
    fn delegated_grants_follow_who_signs_in_and_how_long() {
        let m = tiny();
        let held = [
            Held::new("Microsoft Graph", PermissionKind::Delegated, "Act.AsUser"),
            Held::new("Microsoft Graph", PermissionKind::Delegated, "keep_alive"),
        ];
        let ga = Context {
            signed_in: Some(vec!["global administrator".into()]),
        };
        let kept = m.analyse(&held, &ga);
        assert_eq!(kept.reached("global-admin"), Reached::Direct);
        // The lasting way makes it direct and comes first, though the
        // one-hour way uses fewer permissions.
        let paths = &kept.get("global-admin").unwrap().paths;
        assert!(paths[0].conditions.is_empty());
        assert_eq!(paths[0].steps.len(), 2);
        assert_eq!(paths[1].steps.len(), 1);
        assert!(!paths[1].conditions.is_empty());
        let unknown = m.analyse(&held, &Context::default());
        assert_eq!(unknown.reached("global-admin"), Reached::Conditional);
        assert!(unknown.get("global-admin").unwrap().paths[0].conditions[0].contains("does not say who signs in"));
        let reader = Context {
            signed_in: Some(vec!["Global Reader".into()]),
        };
        assert_eq!(m.analyse(&held, &reader).reached("global-admin"), Reached::No);
        // Without the keeper, only around a sign-in.
        let brief = m.analyse(&held[..1], &ga);
        let path = &brief.get("global-admin").unwrap().paths[0];
        assert_eq!(brief.reached("global-admin"), Reached::Conditional);
        assert_eq!(
            path.conditions,
            vec!["the attack happens while a Global Administrator is signed in"]
        );
    }

    #[test]
    fn cycles_end() {
        // global-admin -> grant -> roles -> global-admin is a cycle.
        let m = tiny();
        let a = m.analyse(
            &[app("Roles.Write"), app("Grant.Write"), app("Apps.Write")],
            &Context::default(),
        );
        assert_eq!(a.reached("global-admin"), Reached::Direct);
        assert!(a.get("global-admin").unwrap().paths.len() <= SHOWN);
    }

    #[test]
    fn pools_keep_an_unconditional_derivation() {
        let mut st = Closure {
            derivs: Vec::new(),
            slab: Vec::new(),
            pools: vec![Vec::new()],
            queue: Default::default(),
            queued: vec![false],
            last: Vec::new(),
            perms: Vec::new(),
            conds: Vec::new(),
        };
        let add = |st: &mut Closure, perms: &[u32], conds: &[u32]| {
            let d = Deriv {
                perms: st.push_span(perms),
                conds: st.push_span(conds),
                parents: Span::default(),
                rule: 0,
                links: 1,
                stamp: 0,
            };
            st.derivs.push(d);
            let id = (st.derivs.len() - 1) as u32;
            st.insert(0, id)
        };
        assert!(add(&mut st, &[0, 1, 2], &[]));
        for i in 3..(keep(0) as u32 + 8) {
            add(&mut st, &[i], &[i]);
        }
        assert_eq!(st.pools[0].len(), keep(0));
        assert!(st.pools[0].iter().any(|&d| st.clean(d)));
        // Covered derivations are refused; covering ones replace.
        assert!(!add(&mut st, &[0, 1, 2, 3], &[]));
        assert!(add(&mut st, &[0], &[]));
        assert!(
            !st.pools[0]
                .iter()
                .any(|&d| st.ids(st.derivs[d as usize].perms) == [0, 1, 2])
        );
    }

    #[test]
    fn layering_adds_replaces_and_removes() {
        let mut m = tiny();
        m.layer_json(
            r#"{"version": 1,
                "grants": [{"apis": ["Microsoft Graph"], "permissions": ["Mail.Read"], "type": "application",
                            "capabilities": ["users"], "source": "reviewer"}],
                "edges": [{"id": "users-lockout", "from": ["users"], "to": "tenant-lockout",
                           "explanation": "x", "source": "reviewer"}],
                "remove_edges": ["roles-ga"]}"#,
            "mine.json",
        )
        .expect("layer loads");
        let a = m.analyse(&[app("Mail.Read"), app("Roles.Write")], &Context::default());
        assert_eq!(a.reached("tenant-lockout"), Reached::Direct);
        assert_eq!(a.reached("global-admin"), Reached::No);
        let err = m
            .layer_json(r#"{"version": 1, "remove_edges": ["nope"]}"#, "mine.json")
            .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("remove_edges[0]"));
    }

    #[test]
    fn verb_phrases() {
        assert_eq!(verb_phrase("Assign roles"), "assign roles");
        assert_eq!(verb_phrase("PIM roles"), "PIM roles");
        assert_eq!(verb_phrase("OAuth"), "OAuth");
    }

    #[test]
    fn strongest_takes_the_highest_reach() {
        let m = tiny();
        let none = m.analyse(&[app("Users.Write")], &Context::default());
        let ga = m.analyse(&[app("Roles.Write")], &Context::default());
        let s = Analysis::strongest(&[none, ga]);
        assert_eq!(s.reached("global-admin"), Reached::Direct);
        assert_eq!(s.get("global-admin").unwrap().paths[0].steps[0].name, "Roles.Write");
        assert_eq!(Analysis::strongest(&[]).outcomes.len(), 0);
    }
}
