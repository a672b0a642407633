//! The executive summary: one framed block per product that leads with the
//! decision, then says what the whole set can reach and how, how many
//! permissions of each level it asks for, how far its least-privilege set
//! narrows it, and the first questions for the vendor; with lines to sign.

use crate::model::catalog::Catalog;
use crate::model::decision::facts::{AppFacts, ProductFacts, counts_line, first_path, reached_word};
use crate::model::decision::inputs::ReportOptions;
use crate::model::document::Block;
use crate::model::paths::{Analysis, Reached, power};

/// How many questions the summary repeats per product.
const TOP_QUESTIONS: usize = 3;

/// A product's title: its name with the slug beside it, and the app when the
/// report covers one.
pub fn product_title(catalog: &Catalog, f: &ProductFacts) -> String {
    let p = &catalog.products[f.product];
    match f.only {
        Some(a) => format!("{} ({}), app {}", p.name, p.slug, p.apps[a].name),
        None => format!("{} ({})", p.name, p.slug),
    }
}

/// Per reached outcome, grouped where the cheapest way is the same, how it
/// is reached: "Every mailbox changed (direct): Mail.ReadWrite (Graph,
/// application)", conditions after "if"; then the outcomes not reached.
pub fn power_lines(catalog: &Catalog, power: &Analysis) -> Vec<String> {
    // (reached, steps, conditions) → outcome titles, in vocabulary order.
    let mut groups: Vec<(Reached, String, Vec<String>, Vec<String>)> = Vec::new();
    for r in [Reached::Direct, Reached::Conditional] {
        for o in power.outcomes.iter().filter(|o| o.reached == r) {
            let Some(path) = first_path(o) else { continue };
            let steps = power::steps_label(catalog, path);
            let title = power::title(catalog, &o.outcome);
            match groups
                .iter_mut()
                .find(|g| g.0 == r && g.1 == steps && g.2 == path.conditions)
            {
                Some(g) => g.3.push(title),
                None => groups.push((r, steps, path.conditions.clone(), vec![title])),
            }
        }
    }
    let mut lines: Vec<String> = groups
        .into_iter()
        .map(|(r, steps, conditions, titles)| {
            let mut s = format!("• {} ({}): {steps}", titles.join(", "), reached_word(r));
            if !conditions.is_empty() {
                s.push_str(&format!(", if {}", conditions.join(", and if ")));
            }
            s
        })
        .collect();
    let not: Vec<String> = power
        .outcomes
        .iter()
        .filter(|o| o.reached == Reached::No)
        .map(|o| power::title(catalog, &o.outcome))
        .collect();
    if !not.is_empty() {
        lines.push(format!("• Not reached: {}.", not.join(", ")));
    }
    lines
}

/// What the least-privilege set changes in the effective power, grouped by
/// change: "it lowers Every file changed (direct → not reached)".
pub fn reduction_effect(catalog: &Catalog, a: &AppFacts) -> String {
    let mut groups: Vec<((Reached, Reached), Vec<String>)> = Vec::new();
    for o in &a.advice.analysis.outcomes {
        let after = a.reduced.reached(&o.outcome);
        if after < o.reached {
            let title = power::title(catalog, &o.outcome);
            match groups.iter_mut().find(|g| g.0 == (o.reached, after)) {
                Some(g) => g.1.push(title),
                None => groups.push(((o.reached, after), vec![title])),
            }
        }
    }
    if groups.is_empty() {
        return "its effective power stays the same".to_string();
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|((from, to), titles)| format!("{} ({} → {})", titles.join(", "), reached_word(from), reached_word(to)))
        .collect();
    format!("it lowers {}", parts.join("; "))
}

/// One line per app: the least-privilege set and what it lowers.
pub fn reduction_lines(catalog: &Catalog, f: &ProductFacts) -> String {
    let several = f.apps.len() > 1;
    f.apps
        .iter()
        .map(|a| {
            let lead = if several {
                format!("{}: ", a.advice.app_name)
            } else {
                String::new()
            };
            format!(
                "{lead}{}; {}.",
                a.advice.reduction.summary(),
                reduction_effect(catalog, a)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The product's block of the summary.
pub fn product_block(catalog: &Catalog, f: &ProductFacts, options: &ReportOptions, generated: &str) -> Block {
    let decision = options.decision(f.product);
    let mut blocks = vec![Block::Heading(3, product_title(catalog, f))];
    let mut fields = Vec::new();
    match decision {
        Some(d) => {
            let mut text = d.verdict.title().to_string();
            if let Some(note) = &d.note {
                text.push_str(&format!(": {note}"));
            }
            fields.push(("Decision".to_string(), text));
            fields.push((
                "Reviewer".into(),
                options.reviewer.clone().unwrap_or_else(|| "not named".into()),
            ));
            fields.push(("Recorded".into(), format!("{generated}, when this report was made")));
        }
        None => {
            fields.push((
                "Decision".to_string(),
                "Not yet decided: approve, conditional or reject, on the lines below".into(),
            ));
            if let Some(r) = &options.reviewer {
                fields.push(("Reviewer".into(), r.clone()));
            }
        }
    }
    fields.push(("Effective power".to_string(), power_lines(catalog, &f.power).join("\n")));
    fields.push(("Counts by level".into(), counts_line(&f.profile)));
    fields.push(("Least-privilege set".into(), reduction_lines(catalog, f)));
    let questions: Vec<String> = top_questions(f);
    let total: usize = f.apps.iter().map(|a| a.advice.questions.len()).sum();
    let asked = if questions.is_empty() {
        "none".to_string()
    } else {
        let numbered: Vec<String> = questions
            .iter()
            .enumerate()
            .map(|(i, q)| format!("{}. {q}", i + 1))
            .collect();
        let more = if total > questions.len() {
            format!("\n(and {} more in the product's section)", total - questions.len())
        } else {
            String::new()
        };
        format!("{}{more}", numbered.join("\n"))
    };
    fields.push(("Ask the vendor".into(), asked));
    blocks.push(Block::Fields(fields));
    let mut sign: Vec<String> = Vec::new();
    if decision.is_none() {
        sign.push("Decision".into());
        sign.push("Conditions or reasons".into());
        if options.reviewer.is_none() {
            sign.push("Reviewer".into());
        }
    }
    sign.push("Date".into());
    sign.push("Signature".into());
    blocks.push(Block::Sign(sign));
    Block::Boxed(blocks)
}

/// The first questions of the product's apps, taken in turn from each app.
fn top_questions(f: &ProductFacts) -> Vec<String> {
    let several = f.apps.len() > 1;
    let mut out = Vec::new();
    let longest = f.apps.iter().map(|a| a.advice.questions.len()).max().unwrap_or(0);
    for i in 0..longest {
        for a in &f.apps {
            if out.len() == TOP_QUESTIONS {
                return out;
            }
            if let Some(q) = a.advice.questions.get(i) {
                out.push(if several {
                    format!("{} ({})", q.question, a.advice.app_name)
                } else {
                    q.question.clone()
                });
            }
        }
    }
    out
}
