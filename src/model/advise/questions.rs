//! Questions for the vendor, generated from the data: each says why it is
//! asked and which lines of the vendor's document raise it.
//!
//! Only facts permscope has are used: the document's rows (permission, type,
//! purpose, workloads and phases, notes, table headings), the app's context
//! (what the document says about credentials, sign-in and roles), the ratings
//! and Microsoft's catalogs. A question is asked when the document leaves out
//! something a reviewer needs, or says something that does not add up.

use crate::model::advise::advice::{
    AdviceContext, Alternative, Basis, ChangeKind, CredentialHolder, Question, QuestionKind, Reduction,
    RequirementAdvice,
};
use crate::model::advise::alternatives::{quote, recovery_inferred};
use crate::model::advise::wording::{self, SignedInWording};
use crate::model::catalog::Catalog;
use crate::model::claim::Claim;
use crate::model::permission::PermissionKind;
use crate::model::product::{Phase, Requirement};

/// Everything the questions of one app are drawn from.
pub struct Facts<'a> {
    pub catalog: &'a Catalog,
    pub product: usize,
    pub app: usize,
    /// The app's rows (catalog requirement indices), in document order.
    pub rows: &'a [usize],
    pub advice: &'a [RequirementAdvice],
    pub context: &'a AdviceContext,
    pub reduction: &'a Reduction,
}

impl<'a> Facts<'a> {
    fn req(&self, row: usize) -> &'a Requirement {
        &self.catalog.requirements[row]
    }

    fn app_name(&self) -> &'a str {
        &self.catalog.products[self.product].apps[self.app].name
    }

    fn api_name(&self, r: &Requirement) -> &'a str {
        &self.catalog.apis[r.api].name
    }

    /// "Mail.ReadWrite (Microsoft Graph, application)".
    fn label(&self, r: &Requirement) -> String {
        format!("{} ({}, {})", r.permission, self.api_name(r), r.kind)
    }

    fn named(&self) -> impl Iterator<Item = &'a Requirement> + '_ {
        self.rows
            .iter()
            .map(|&i| self.req(i))
            .filter(|r| !r.permission.is_empty())
    }

    fn advice_of(&self, row: usize) -> Option<&'a RequirementAdvice> {
        self.advice.iter().find(|a| a.row == row)
    }

    /// What the rating says the permission lets the app do (its first reason).
    fn grants(&self, row: usize) -> String {
        self.catalog
            .rating(row)
            .reasons
            .first()
            .cloned()
            .unwrap_or_else(|| "The permission changes data.".to_string())
    }
}

fn lines_of<'r>(rows: impl IntoIterator<Item = &'r Requirement>) -> Vec<u32> {
    let mut l: Vec<u32> = rows.into_iter().map(|r| r.line).collect();
    l.sort_unstable();
    l.dedup();
    l
}

/// "line 12", "lines 12, 13 and 20", "lines 12 to 20 and 23" (runs of three
/// or more consecutive lines are written as a range).
pub fn lines_text(lines: &[u32]) -> String {
    let mut sorted = lines.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        if j >= i + 2 {
            parts.push(format!("{} to {}", sorted[i], sorted[j]));
        } else {
            parts.extend(sorted[i..=j].iter().map(u32::to_string));
        }
        i = j + 1;
    }
    match parts.as_slice() {
        [] => "no line".to_string(),
        [one] if sorted.len() == 1 => format!("line {one}"),
        [one] => format!("lines {one}"),
        [init @ .., last] => format!("lines {} and {last}", init.join(", ")),
    }
}

fn phases_text(phases: &[Phase]) -> String {
    phases.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" and ")
}

/// Every question for the app, grouped by kind in [`QuestionKind::ALL`] order,
/// by first line within a kind.
pub fn questions(f: &Facts<'_>) -> Vec<Question> {
    let mut out = Vec::new();
    credential(f, &mut out);
    roles(f, &mut out);
    onboarding(f, &mut out);
    ews(f, &mut out);
    purpose_narrower(f, &mut out);
    write_for_backup(f, &mut out);
    phase_gap(f, &mut out);
    derived(f, &mut out);
    quirks(f, &mut out);
    let rank = |k: QuestionKind| QuestionKind::ALL.iter().position(|x| *x == k).unwrap_or(usize::MAX);
    out.sort_by_key(|q| (rank(q.kind), q.lines.first().copied().unwrap_or(0)));
    out
}

fn credential(f: &Facts<'_>, out: &mut Vec<Question>) {
    let mut app_rows: Vec<(usize, &Requirement)> = f
        .rows
        .iter()
        .map(|&i| (i, f.req(i)))
        .filter(|(_, r)| r.kind == PermissionKind::Application && !r.permission.is_empty())
        .collect();
    if app_rows.is_empty() {
        return;
    }
    let app = f.app_name();
    // An inferred holder is asked about as an unknown one: the document does not say.
    let holder = f.context.credential_holder.filter(|_| !f.context.credential_inferred);
    let (question, unknown) = match (holder, f.context.credential) {
        (Some(_), Some(_)) => return,
        (None, _) => (
            format!(
                "Who holds the credential of {app} (its client secret or certificate), where is it kept, and is it a certificate?"
            ),
            "who holds it or what kind it is",
        ),
        (Some(CredentialHolder::Vendor), None) => (
            format!(
                "Is the credential the vendor keeps for {app} a certificate, and how is its private key protected?"
            ),
            "what kind of credential it is",
        ),
        (Some(CredentialHolder::Customer), None) => (
            format!("Can {app} sign in with a certificate rather than a client secret?"),
            "whether a certificate will do",
        ),
    };
    let lines = lines_of(app_rows.iter().map(|(_, r)| *r));
    app_rows.sort_by_key(|r| std::cmp::Reverse(f.catalog.rating(r.0).score));
    let mut names: Vec<&str> = Vec::new();
    for (_, r) in &app_rows {
        if !names.contains(&r.permission.as_str()) {
            names.push(&r.permission);
        }
    }
    let shown = if names.len() > 4 {
        format!("{} and {} more", names[..4].join(", "), names.len() - 4)
    } else {
        names.join(", ")
    };
    out.push(Question {
        kind: QuestionKind::Credential,
        question,
        because: format!(
            "{app} holds {} application permission{} ({shown}): whoever holds its credential can use {} with no user signed in. The document does not say {unknown}.",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            if names.len() == 1 { "it" } else { "them" }
        ),
        lines,
    });
}

/// True when a product or app name says it backs up Azure itself (`... for
/// Azure`), not Azure AD or Azure DevOps.
fn backs_up_azure(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower
        .match_indices("for azure")
        .any(|(at, m)| lower[at + m.len()..].trim().is_empty())
}

fn roles(f: &Facts<'_>, out: &mut Vec<Question>) {
    if f.context.roles.is_some() {
        return;
    }
    let app = f.app_name();
    let manage: Vec<&Requirement> = f
        .named()
        .filter(|r| r.permission == "Exchange.ManageAsApp" && f.api_name(r) == "Office 365 Exchange Online")
        .collect();
    if !manage.is_empty() {
        let purposes: Vec<String> = manage
            .iter()
            .filter_map(|r| r.purpose.as_deref())
            .map(|p| format!(" Its stated purpose: \"{}\"", quote(p)))
            .collect();
        out.push(Question {
            kind: QuestionKind::Roles,
            question: format!(
                "Which Exchange Online (or Entra) role will {app}'s service principal be assigned, and with what management scope?"
            ),
            because: format!(
                "Exchange.ManageAsApp ({}) only lets the app connect to Exchange Online PowerShell as itself; what it can do there depends on the role assigned to its service principal, which the document does not name.{}",
                lines_text(&lines_of(manage.iter().copied())),
                purposes.first().cloned().unwrap_or_default()
            ),
            lines: lines_of(manage.iter().copied()),
        });
    }
    let product = &f.catalog.products[f.product];
    let azure_name = [product.name.as_str(), app].into_iter().find(|n| backs_up_azure(n));
    let lines = lines_of(f.rows.iter().map(|&i| f.req(i)));
    if let Some(name) = azure_name
        && !lines.is_empty()
    {
        out.push(Question {
            kind: QuestionKind::Roles,
            question: format!(
                "Which Azure roles, on which subscriptions or resource groups, does {app} need to back up and restore Azure resources?"
            ),
            because: format!(
                "The name \"{}\" says the product backs up Azure, which takes Azure role-based access on the resources themselves; the document lists only API permissions ({}) and no Azure role.",
                quote(name),
                lines_text(&lines)
            ),
            lines,
        });
    }
}

fn onboarding(f: &Facts<'_>, out: &mut Vec<Question>) {
    let app = f.app_name();
    let delegated: Vec<&Requirement> = f.named().filter(|r| r.kind == PermissionKind::Delegated).collect();
    let offline: Vec<&Requirement> = delegated
        .iter()
        .copied()
        .filter(|r| r.permission == "offline_access")
        .collect();
    let who = match &f.context.signs_in {
        Some(roles) if !roles.is_empty() => format!(" (the document says {} signs in)", roles.join(" or ")),
        _ => String::new(),
    };
    if f.context.onboarding == Some(true) {
        let described = f.catalog.products[f.product].apps[f.app]
            .description
            .as_deref()
            .map(|d| format!(" (\"{}\")", quote(d)))
            .unwrap_or_default();
        let names: Vec<&str> = delegated.iter().map(|r| r.permission.as_str()).collect();
        let mut lines = lines_of(f.named());
        lines.extend(f.context.lines.iter().copied());
        lines.sort_unstable();
        lines.dedup();
        out.push(Question {
            kind: QuestionKind::Onboarding,
            question: format!(
                "Can {app} be removed, its consent revoked, once onboarding is done? And does the vendor keep the refresh token of the administrator who signed in to it?"
            ),
            because: format!(
                "The document describes {app} as used to set the product up{described}. It holds {}: while its consent and refresh token live, the vendor can act with the rights of whoever signed in{who}.",
                if names.is_empty() { "application permissions".to_string() } else { names.join(", ") }
            ),
            lines,
        });
        return;
    }
    if !offline.is_empty() {
        let others: Vec<&str> = delegated
            .iter()
            .filter(|r| r.permission != "offline_access")
            .map(|r| r.permission.as_str())
            .collect();
        out.push(Question {
            kind: QuestionKind::RefreshToken,
            question: format!(
                "Does the vendor keep the refresh tokens of the people who sign in to {app}? Where are they stored, for how long, and how are they revoked when the product is dropped?"
            ),
            because: format!(
                "offline_access ({}) gives the app refresh tokens that keep its delegated permissions{} usable without the user, for as long as they are renewed{who}.",
                lines_text(&lines_of(offline.iter().copied())),
                if others.is_empty() { String::new() } else { format!(" ({})", others.join(", ")) }
            ),
            lines: lines_of(offline.iter().copied()),
        });
    }
}

fn ews(f: &Facts<'_>, out: &mut Vec<Question>) {
    let rows: Vec<&Requirement> = f
        .named()
        .filter(|r| r.permission == "full_access_as_app" && f.api_name(r) == "Office 365 Exchange Online")
        .collect();
    if rows.is_empty() {
        return;
    }
    let app = f.app_name();
    let purpose = rows
        .iter()
        .find_map(|r| r.purpose.as_deref())
        .map(|p| format!(" The stated use: \"{}\"", quote(p)))
        .unwrap_or_default();
    out.push(Question {
        kind: QuestionKind::EwsRetirement,
        question: format!(
            "What will {app} use instead of Exchange Web Services, which full_access_as_app serves, and by when? Microsoft blocks EWS in Exchange Online from 1 October 2026 unless it is allow-listed, and switches it off on 1 April 2027."
        ),
        because: format!(
            "The document asks for full_access_as_app ({}), Exchange Web Services access to every mailbox.{purpose}",
            lines_text(&lines_of(rows.iter().copied()))
        ),
        lines: lines_of(rows.iter().copied()),
    });
}

/// The first narrower permission that only reads, among `alternatives`.
fn read_alternative(alternatives: &[Alternative], kind: PermissionKind) -> Option<&Alternative> {
    alternatives.iter().find(|a| {
        a.permission.as_deref().is_some_and(|p| !Claim::parse(p, kind).writes())
            && !matches!(a.basis, Basis::JustInTime { .. })
    })
}

fn purpose_narrower(f: &Facts<'_>, out: &mut Vec<Question>) {
    let app = f.app_name();
    for &row in f.rows {
        let r = f.req(row);
        let Some(advice) = f.advice_of(row) else { continue };
        if r.permission.is_empty() || !advice.read_only_purpose || !Claim::parse(&r.permission, r.kind).writes() {
            continue;
        }
        let purpose = quote(r.purpose.as_deref().unwrap_or(""));
        let held = advice
            .alternatives
            .iter()
            .find(|a| matches!(a.basis, Basis::CoversReads { .. }));
        let (offer, extra) = match (held, read_alternative(&advice.alternatives, r.kind)) {
            (Some(h), _) => (
                format!(
                    " {} already asks for {}, which grants every read operation of it: is {} needed at all?",
                    app,
                    h.permission.as_deref().unwrap_or(""),
                    r.permission
                ),
                format!(" Without it the app would give up {}.", h.gives_up),
            ),
            (None, Some(a)) => (
                format!(" Would {} do?", a.permission.as_deref().unwrap_or("")),
                String::new(),
            ),
            (None, None) => (String::new(), String::new()),
        };
        out.push(Question {
            kind: QuestionKind::PurposeNarrower,
            question: format!(
                "Why does {app} need {} when its stated purpose only reads (\"{purpose}\")?{offer}",
                f.label(r)
            ),
            because: format!("{}{extra}", f.grants(row)),
            lines: vec![r.line],
        });
    }
}

fn write_for_backup(f: &Facts<'_>, out: &mut Vec<Question>) {
    let app = f.app_name();
    for &row in f.rows {
        let r = f.req(row);
        if r.permission.is_empty() || !Claim::parse(&r.permission, r.kind).writes() {
            continue;
        }
        let mut phases: Vec<Phase> = r
            .workloads
            .iter()
            .filter(|w| w.documented)
            .flat_map(|w| w.phases.iter().copied())
            .filter(|p| *p != Phase::Recovery)
            .collect();
        phases.sort();
        phases.dedup();
        if phases.is_empty() {
            continue;
        }
        let workloads: Vec<String> = r
            .workloads
            .iter()
            .filter(|w| w.documented && w.phases.iter().any(|p| phases.contains(p)))
            .map(|w| format!("{}: {}", w.workload, phases_text(&w.phases)))
            .collect();
        let offer = f
            .advice_of(row)
            .and_then(|a| read_alternative(&a.alternatives, r.kind))
            .map(|a| {
                let held = if a.already_held {
                    ", which it already asks for,"
                } else {
                    ""
                };
                format!(
                    " Would {}{held} do for backing up?",
                    a.permission.as_deref().unwrap_or("")
                )
            })
            .unwrap_or_default();
        out.push(Question {
            kind: QuestionKind::WriteForBackup,
            question: format!(
                "Why does {app} need {}, a permission that changes data, for {}?{offer}",
                f.label(r),
                phases_text(&phases)
            ),
            because: format!(
                "Line {} lists it for {}. {} Backing up and discovering only read.",
                r.line,
                workloads.join("; "),
                f.grants(row)
            ),
            lines: vec![r.line],
        });
    }
}

fn phase_gap(f: &Facts<'_>, out: &mut Vec<Question>) {
    let app = f.app_name();
    let mut workloads: Vec<&str> = Vec::new();
    for r in f.named() {
        for w in r.workloads.iter().filter(|w| w.documented) {
            if !workloads.contains(&&*w.workload) {
                workloads.push(&w.workload);
            }
        }
    }
    for name in workloads {
        let rows: Vec<&Requirement> = f
            .named()
            .filter(|r| r.workloads.iter().any(|w| w.documented && &*w.workload == name))
            .collect();
        let mut phases: Vec<Phase> = rows
            .iter()
            .flat_map(|r| r.workloads.iter().filter(|w| w.documented && &*w.workload == name))
            .flat_map(|w| w.phases.iter().copied())
            .collect();
        phases.sort();
        phases.dedup();
        if phases.is_empty() || phases.contains(&Phase::Backup) {
            continue;
        }
        let lines = lines_of(rows.iter().copied());
        out.push(Question {
            kind: QuestionKind::PhaseGap,
            question: format!(
                "Which permission does {app} use to back up {name}? The document lists {name} only for {}.",
                phases_text(&phases)
            ),
            because: format!(
                "No row marks {name} with Backup; the rows that name it ({}) are for {} only, so either a permission is missing from the document or the backup uses one listed under another workload.",
                lines_text(&lines),
                phases_text(&phases)
            ),
            lines,
        });
    }
}

fn derived(f: &Facts<'_>, out: &mut Vec<Question>) {
    let app = f.app_name();
    let documents_workloads = f.named().any(|r| r.workloads.iter().any(|w| w.documented));
    if documents_workloads {
        // The file states workloads: a row marked inferred is its author's reading.
        for r in f.named() {
            let inferred: Vec<String> = r
                .workloads
                .iter()
                .filter(|w| !w.documented)
                .map(|w| {
                    if w.phases.is_empty() {
                        w.workload.to_string()
                    } else {
                        format!("{}: {}", w.workload, phases_text(&w.phases))
                    }
                })
                .collect();
            if inferred.is_empty() {
                continue;
            }
            let notes = if r.notes.is_empty() {
                "The product file marks the workload as inferred, not read in the document.".to_string()
            } else {
                r.notes.join(" ")
            };
            out.push(Question {
                kind: QuestionKind::Derived,
                question: format!(
                    "Does {app} use {} for {}, as the product file assumes? The document does not say.",
                    f.label(r),
                    inferred.join(" and ")
                ),
                because: notes,
                lines: vec![r.line],
            });
        }
    } else if f.context.onboarding != Some(true) && f.named().any(|r| Claim::parse(&r.permission, r.kind).writes()) {
        let lines = lines_of(f.rows.iter().map(|&i| f.req(i)));
        out.push(Question {
            kind: QuestionKind::Derived,
            question: format!(
                "Which of {app}'s permissions does it need to back up, and which only to restore?"
            ),
            because: format!(
                "The document states no workload or phase for {}; permscope derived them from the names and purposes. A read-only set for backup, with restore rights granted just in time, depends on the answer.",
                if f.rows.len() == 1 { "its one row".to_string() } else { format!("any of its {} rows", f.rows.len()) }
            ),
            lines,
        });
    }
    // The least-privilege set relies on a recovery-only phase the document
    // does not state (asked above already where the file marks it inferred).
    for c in &f.reduction.changes {
        if c.kind != ChangeKind::JustInTime || documents_workloads {
            continue;
        }
        let rows: Vec<&Requirement> = f
            .named()
            .filter(|r| r.api == c.removed.api && r.kind == c.removed.kind && r.permission == c.removed.name)
            .collect();
        if rows.iter().all(|r| r.workloads.iter().all(|w| w.documented)) {
            continue;
        }
        let purpose = rows
            .iter()
            .find_map(|r| r.purpose.as_deref())
            .map(|p| format!(" (its purpose: \"{}\")", quote(p)))
            .unwrap_or_default();
        out.push(Question {
            kind: QuestionKind::Derived,
            question: format!(
                "Is {} needed only for restores{purpose}? If so, it can be granted just in time.",
                rows.first().map(|r| f.label(r)).unwrap_or_default()
            ),
            because: format!(
                "The Recovery phase is inferred ({}), and permscope's least-privilege set leaves the permission out on that reading.",
                rows.first().map(|r| recovery_inferred(r)).unwrap_or_default()
            ),
            lines: c.lines.clone(),
        });
    }
}

fn quirks(f: &Facts<'_>, out: &mut Vec<Question>) {
    let app = f.app_name();
    let all: Vec<&Requirement> = f.rows.iter().map(|&i| f.req(i)).collect();
    let misplaced = |r: &Requirement| {
        r.table
            .as_deref()
            .is_some_and(|t| f.catalog.api_index(t).is_some_and(|i| i != r.api))
    };
    // A row that names no permission (under a misplaced heading it is asked below).
    for r in all.iter().filter(|r| r.permission.is_empty() && !misplaced(r)) {
        out.push(Question {
            kind: QuestionKind::Quirk,
            question: format!(
                "Which {} {} permission, if any, does line {} mean? The row names none.",
                f.api_name(r),
                r.kind,
                r.line
            ),
            because: r
                .notes
                .first()
                .cloned()
                .unwrap_or_else(|| "The row gives the API and the type but leaves the permission empty.".to_string()),
            lines: vec![r.line],
        });
    }
    // Rows under a heading that names another API: a table repeated under the wrong heading.
    let mut headings: Vec<&str> = Vec::new();
    for r in &all {
        if let Some(t) = r.table.as_deref()
            && f.catalog.api_index(t).is_some_and(|i| i != r.api)
            && !headings.contains(&t)
        {
            headings.push(t);
        }
    }
    for heading in headings {
        let rows: Vec<&Requirement> = all
            .iter()
            .copied()
            .filter(|r| r.table.as_deref() == Some(heading))
            .collect();
        let named: Vec<&str> = rows.iter().map(|r| f.api_name(r)).collect();
        let mut apis = named.clone();
        apis.dedup();
        out.push(Question {
            kind: QuestionKind::Quirk,
            question: format!(
                "Does {app} need any {heading} permission, and which? The table under that heading ({}) lists {} rows instead.",
                lines_text(&lines_of(rows.iter().copied())),
                apis.join(" and ")
            ),
            because: rows
                .iter()
                .find_map(|r| r.notes.first().cloned())
                .unwrap_or_else(|| format!("The rows under the heading {heading} name {}.", apis.join(" and "))),
            lines: lines_of(rows.iter().copied()),
        });
    }
    // The same permission under both types.
    let mut both: Vec<(usize, &str)> = Vec::new();
    for r in all.iter().filter(|r| !r.permission.is_empty()) {
        let other = all.iter().any(|o| {
            o.api == r.api
                && o.permission == r.permission
                && o.kind != r.kind
                && o.condition.is_none()
                && r.condition.is_none()
        });
        if other && !both.contains(&(r.api, r.permission.as_str())) {
            both.push((r.api, &r.permission));
        }
    }
    for (api, name) in &both {
        let rows: Vec<&Requirement> = all
            .iter()
            .copied()
            .filter(|r| r.api == *api && r.permission == *name)
            .collect();
        let line_of = |k: PermissionKind| lines_of(rows.iter().copied().filter(|r| r.kind == k));
        let same_purpose = rows.windows(2).all(|w| w[0].purpose == w[1].purpose);
        out.push(Question {
            kind: QuestionKind::Quirk,
            question: format!(
                "Does {app} need {name} both as an application permission ({}) and as a delegated one ({})? If only one, which?",
                lines_text(&line_of(PermissionKind::Application)),
                lines_text(&line_of(PermissionKind::Delegated))
            ),
            because: format!(
                "The document lists {name} ({}) under both types{}; the application permission alone reaches the whole tenant with no user signed in, the delegated one only what the signed-in user can reach.",
                f.catalog.apis[*api].name,
                if same_purpose { " with the same purpose" } else { "" }
            ),
            lines: lines_of(rows.iter().copied()),
        });
    }
    // A purpose written for the other type.
    for r in all.iter().filter(|r| !r.permission.is_empty()) {
        if both.contains(&(r.api, r.permission.as_str())) {
            continue;
        }
        let Some(purpose) = r.purpose.as_deref() else { continue };
        let speaks = match (r.kind, wording::signed_in_wording(purpose)) {
            (PermissionKind::Application, SignedInWording::ForSignedInUser) => "of acting for a signed-in user",
            (PermissionKind::Delegated, SignedInWording::WithoutUser) => "of acting without a signed-in user",
            _ => continue,
        };
        out.push(Question {
            kind: QuestionKind::Quirk,
            question: format!(
                "Which type of {} does {app} need? Line {} asks for the {} permission, but its purpose speaks {speaks}.",
                r.permission, r.line, r.kind
            ),
            because: format!(
                "An application permission works across the whole tenant with no user signed in; a delegated one only within the signed-in user's access. The purpose reads: \"{}\"",
                quote(purpose)
            ),
            lines: vec![r.line],
        });
    }
    // The same access asked on Microsoft Graph and on Exchange Online.
    let exchange = f.catalog.api_index("Office 365 Exchange Online");
    let graph = f.catalog.api_index("Microsoft Graph");
    if let (Some(exo), Some(g)) = (exchange, graph) {
        let base = |n: &str| n.strip_suffix(".All").unwrap_or(n).to_string();
        let mut seen: Vec<String> = Vec::new();
        for e in all
            .iter()
            .filter(|r| r.api == exo && r.kind == PermissionKind::Application && !r.permission.is_empty())
        {
            let Some(gr) = all
                .iter()
                .find(|r| r.api == g && r.kind == e.kind && base(&r.permission) == base(&e.permission))
            else {
                continue;
            };
            if seen.contains(&e.permission) {
                continue;
            }
            seen.push(e.permission.clone());
            out.push(Question {
                kind: QuestionKind::Quirk,
                question: format!(
                    "Does {app} reach {} through Microsoft Graph or through Exchange Online? It asks for {} on Microsoft Graph (line {}) and {} on Exchange Online (line {}).",
                    e.permission.split('.').next().unwrap_or("").to_lowercase(),
                    gr.permission,
                    gr.line,
                    e.permission,
                    e.line
                ),
                because: "Each grant reaches every mailbox on its own; the document gives no reason for both, and the one the app does not use only widens what its credential opens.".to_string(),
                lines: lines_of([*gr, *e]),
            });
        }
    }
}
