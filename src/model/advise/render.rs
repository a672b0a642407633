//! Advice as text for a terminal, as Markdown to paste into a ticket or an
//! email to the vendor, and as the JSON contract of `permscope advise`:
//!
//! ```text
//! {"product": SLUG, "apps": [{"app": NAME,
//!   "requirements": [{"api", "permission", "type", "alternatives": [{"api",
//!     "permission" (or null), "mechanism" (or null), "gives_up", "fits_when",
//!     "already_held"}]}],
//!   "hardening": [{"step", "why"}],
//!   "questions": [{"question", "because", "lines": [N...]}]}]}
//! ```
//!
//! Vendor text (app names, purposes, notes) is untrusted: the text output is
//! written through the neutralising door by the caller, Markdown escapes it
//! here, JSON is escaped by the serialiser and `text::json_pretty`.

use crate::model::advise::advice::{AppAdvice, Basis, ChangeKind, ProductAdvice};
use crate::model::catalog::Catalog;
use crate::model::choice::Choice;
use crate::model::text::{self, md_code, one_line};
use serde_json::{Value, json};

/// The output formats of `permscope advise`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdviseFormat {
    /// Plain text for a terminal.
    Text,
    /// Markdown for a ticket or an email to the vendor.
    Markdown,
    /// The JSON contract.
    Json,
}

impl Choice for AdviseFormat {
    fn all() -> &'static [Self] {
        &[AdviseFormat::Text, AdviseFormat::Markdown, AdviseFormat::Json]
    }
    fn name(self) -> &'static str {
        match self {
            AdviseFormat::Text => "text",
            AdviseFormat::Markdown => "markdown",
            AdviseFormat::Json => "json",
        }
    }
    fn help(self) -> &'static str {
        match self {
            AdviseFormat::Text => "plain text for a terminal",
            AdviseFormat::Markdown => "Markdown to paste into a ticket or an email to the vendor",
            AdviseFormat::Json => "the JSON contract",
        }
    }
    fn aliases(self) -> &'static [&'static str] {
        match self {
            AdviseFormat::Markdown => &["md"],
            _ => &[],
        }
    }
}

/// The advice in `format`; `width` wraps the text format.
pub fn render(catalog: &Catalog, advice: &ProductAdvice, format: AdviseFormat, width: usize) -> String {
    match format {
        AdviseFormat::Text => to_text(catalog, advice, width),
        AdviseFormat::Markdown => to_markdown(catalog, advice),
        AdviseFormat::Json => {
            let mut s = text::json_pretty(&to_json(catalog, advice));
            s.push('\n');
            s
        }
    }
}

fn api_name(catalog: &Catalog, api: usize) -> &str {
    catalog.apis.get(api).map_or("", |a| a.name.as_str())
}

/// The JSON contract (see the module documentation).
pub fn to_json(catalog: &Catalog, advice: &ProductAdvice) -> Value {
    let apps: Vec<Value> = advice
        .apps
        .iter()
        .map(|a| {
            let requirements: Vec<Value> = a
                .requirements
                .iter()
                .map(|r| {
                    let alternatives: Vec<Value> = r
                        .alternatives
                        .iter()
                        .map(|x| {
                            json!({
                                "api": api_name(catalog, x.api),
                                "permission": x.permission,
                                "mechanism": x.mechanism,
                                "gives_up": x.gives_up,
                                "fits_when": x.fits_when,
                                "already_held": x.already_held,
                            })
                        })
                        .collect();
                    json!({
                        "api": api_name(catalog, r.api),
                        "permission": r.permission,
                        "type": r.kind.as_str(),
                        "alternatives": alternatives,
                    })
                })
                .collect();
            let hardening: Vec<Value> = a
                .hardening
                .iter()
                .map(|h| json!({"step": h.step, "why": h.why}))
                .collect();
            let questions: Vec<Value> = a
                .questions
                .iter()
                .map(|q| json!({"question": q.question, "because": q.because, "lines": q.lines}))
                .collect();
            json!({
                "app": a.app_name,
                "requirements": requirements,
                "hardening": hardening,
                "questions": questions,
            })
        })
        .collect();
    json!({"product": advice.slug, "apps": apps})
}

/// "(already held; derived from Microsoft's API map)".
fn tags(basis: &Basis, already_held: bool) -> String {
    let mut t = Vec::new();
    if already_held {
        t.push("already held".to_string());
    }
    match basis {
        Basis::Derived { least, total } => {
            t.push(format!("derived: least privileged for {least} of {total} operations"))
        }
        Basis::CoversReads { .. } => t.push("grants every read of it".to_string()),
        Basis::JustInTime { .. } => t.push("just in time".to_string()),
        Basis::Written { .. } => {}
    }
    if t.is_empty() {
        String::new()
    } else {
        format!(" [{}]", t.join("; "))
    }
}

/// Where an alternative's knowledge comes from, in words.
pub fn source_of(basis: &Basis) -> String {
    match basis {
        Basis::Written { source, .. } | Basis::JustInTime { source } => source.clone(),
        Basis::Derived { .. } | Basis::CoversReads { .. } => {
            "Microsoft's Graph permission map (microsoftgraph/microsoft-graph-devx-content permissions/new/permissions.json, as embedded in data/microsoft/graph-operations.json)".to_string()
        }
    }
}

fn lines_label(lines: &[u32]) -> String {
    crate::model::advise::questions::lines_text(lines)
}

/// `body` wrapped to `width`, its first line after `first`, the others after `rest`.
fn push_wrapped(out: &mut String, first: &str, rest: &str, body: &str, width: usize) {
    let margin = text::display_width(first).max(text::display_width(rest));
    for (i, line) in text::wrap(&one_line(body), width.saturating_sub(margin), "")
        .into_iter()
        .enumerate()
    {
        out.push_str(if i == 0 { first } else { rest });
        out.push_str(&line);
        out.push('\n');
    }
}

fn app_text(catalog: &Catalog, a: &AppAdvice, width: usize, out: &mut String) {
    out.push_str(&format!(
        "\n{}\n{}\n",
        one_line(&a.app_name),
        "=".repeat(text::display_width(&one_line(&a.app_name)).min(width))
    ));
    out.push_str(&format!("\nLeast-privilege set: {}\n", a.reduction.summary()));
    for c in &a.reduction.changes {
        push_wrapped(out, "  - ", "    ", &c.reason, width);
    }

    out.push_str("\nNarrower alternatives\n");
    let mut any = false;
    for r in a.requirements.iter().filter(|r| !r.alternatives.is_empty()) {
        any = true;
        push_wrapped(
            out,
            "  ",
            "    ",
            &format!(
                "line {}: {} ({}, {})",
                r.line,
                r.permission,
                api_name(catalog, r.api),
                r.kind
            ),
            width,
        );
        for x in &r.alternatives {
            let what = match (&x.permission, &x.mechanism) {
                (Some(p), _) if x.api != r.api || x.kind != r.kind => {
                    format!("{p} ({}, {})", api_name(catalog, x.api), x.kind)
                }
                (Some(p), _) => p.clone(),
                (None, Some(m)) => m.clone(),
                (None, None) => String::new(),
            };
            push_wrapped(
                out,
                "    * ",
                "      ",
                &format!("{what}{}", tags(&x.basis, x.already_held)),
                width,
            );
            push_wrapped(out, "      gives up: ", "        ", &x.gives_up, width);
            push_wrapped(out, "      fits when: ", "        ", &x.fits_when, width);
        }
    }
    if !any {
        out.push_str("  None known.\n");
    }

    out.push_str("\nHardening after consent\n");
    for (i, h) in a.hardening.iter().enumerate() {
        push_wrapped(out, &format!("  {}. ", i + 1), "     ", &h.step, width);
        push_wrapped(out, "     why: ", "       ", &h.why, width);
    }

    out.push_str("\nQuestions for the vendor\n");
    if a.questions.is_empty() {
        out.push_str("  None.\n");
    }
    for (i, q) in a.questions.iter().enumerate() {
        push_wrapped(out, &format!("  {}. ", i + 1), "     ", &q.question, width);
        push_wrapped(
            out,
            "     because: ",
            "       ",
            &format!("{} ({})", q.because, lines_label(&q.lines)),
            width,
        );
    }
}

/// The advice as text for a terminal `width` columns wide.
pub fn to_text(catalog: &Catalog, advice: &ProductAdvice, width: usize) -> String {
    let p = &catalog.products[advice.product];
    let mut out = format!(
        "Advice for {} ({}), from {}\n",
        one_line(&advice.name),
        one_line(&advice.slug),
        one_line(&p.source.file)
    );
    for a in &advice.apps {
        app_text(catalog, a, width, &mut out);
    }
    out
}

/// Untrusted text for Markdown prose: on one line, neutralised, with every
/// character Markdown or HTML could act on escaped (`@` and `#` too, so a
/// vendor's text pasted into a ticket mentions nobody and links no issue).
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in one_line(s).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '@' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
    // A line may not start a list by accident ("- x", "1. x", "2) x").
    if out.starts_with(['-', '+', '=']) {
        out.insert(0, '\\');
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

/// One app's advice as a Markdown section (a `##` heading and `###`
/// subsections), for a report that gathers several products.
pub fn app_to_markdown(catalog: &Catalog, a: &AppAdvice) -> String {
    let mut out = String::new();
    app_markdown(catalog, a, &mut out);
    out
}

fn app_markdown(catalog: &Catalog, a: &AppAdvice, out: &mut String) {
    out.push_str(&format!("\n## {}\n", md_text(&a.app_name)));

    out.push_str("\n### Questions for the vendor\n\n");
    if a.questions.is_empty() {
        out.push_str("None.\n");
    }
    for (i, q) in a.questions.iter().enumerate() {
        out.push_str(&format!(
            "{}. **{}**  \n   Because: {} ({}).\n",
            i + 1,
            md_text(&q.question),
            md_text(&q.because),
            lines_label(&q.lines)
        ));
    }

    out.push_str(&format!(
        "\n### Least-privilege set\n\n{}\n\n",
        md_text(&a.reduction.summary())
    ));
    if !a.reduction.keys.is_empty() {
        out.push_str("| Permission | API | Type |\n|---|---|---|\n");
        for k in &a.reduction.keys {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                md_code(&k.name),
                md_text(api_name(catalog, k.api)),
                k.kind
            ));
        }
    }
    if !a.reduction.changes.is_empty() {
        out.push_str("\nLeft out or swapped:\n\n");
        for c in &a.reduction.changes {
            let tag = match c.kind {
                ChangeKind::JustInTime => "just in time",
                ChangeKind::CoveredByHeld => "covered",
                ChangeKind::Replaced => "swapped",
                ChangeKind::NoClaim => "no permission named",
            };
            out.push_str(&format!("- *{tag}*: {}\n", md_text(&c.reason)));
        }
    }

    out.push_str("\n### Narrower alternatives\n");
    let mut any = false;
    for r in a.requirements.iter().filter(|r| !r.alternatives.is_empty()) {
        any = true;
        out.push_str(&format!(
            "\n- {} ({}, {}), line {}:\n",
            md_code(&r.permission),
            md_text(api_name(catalog, r.api)),
            r.kind,
            r.line
        ));
        for x in &r.alternatives {
            let what = match (&x.permission, &x.mechanism) {
                (Some(p), _) if x.api != r.api || x.kind != r.kind => {
                    format!("{} ({}, {})", md_code(p), md_text(api_name(catalog, x.api)), x.kind)
                }
                (Some(p), _) => md_code(p),
                (None, Some(m)) => md_text(m),
                (None, None) => String::new(),
            };
            out.push_str(&format!(
                "  - {what}{}: gives up {}; fits when {}. Source: {}.\n",
                md_text(&tags(&x.basis, x.already_held)),
                md_text(&x.gives_up),
                md_text(&x.fits_when),
                md_text(&source_of(&x.basis))
            ));
        }
    }
    if !any {
        out.push_str("\nNone known.\n");
    }

    out.push_str("\n### Hardening after consent\n\n");
    for (i, h) in a.hardening.iter().enumerate() {
        out.push_str(&format!(
            "{}. {}  \n   Why: {} Source: {}.\n",
            i + 1,
            md_text(&h.step),
            md_text(&h.why),
            md_text(&h.source)
        ));
    }
}

/// The advice as Markdown: per app its questions first (what goes to the
/// vendor), then its least-privilege set, alternatives and hardening steps.
pub fn to_markdown(catalog: &Catalog, advice: &ProductAdvice) -> String {
    let p = &catalog.products[advice.product];
    let mut out = format!(
        "# Permissions review: {} ({})\n\nFrom the vendor's document {}{}. Each question names the document lines that raise it.\n",
        md_text(&advice.name),
        md_code(&advice.slug),
        md_code(&p.source.file),
        p.source
            .version
            .as_deref()
            .map(|v| format!(", version {}", md_text(v)))
            .unwrap_or_default()
    );
    for a in &advice.apps {
        app_markdown(catalog, a, &mut out);
    }
    out
}
