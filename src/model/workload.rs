//! Deriving workloads and phases where a vendor's document does not state them.
//!
//! The rules live in `data/workloads.json` so a reviewer can read and change them.

use crate::model::product::Phase;
use serde::Deserialize;

/// Name given when no rule matches, so that every requirement has a workload.
pub const OTHER: &str = "Other";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default, rename = "$comment")]
    _comment: Option<String>,
    workloads: Vec<Rule>,
    phases: Vec<PhaseRule>,
}

/// One derivation rule: a permission matching it belongs to `name`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    name: String,
    /// Canonical API names whose every permission belongs to this workload.
    #[serde(default)]
    apis: Vec<String>,
    /// Exact claim names (case-insensitive).
    #[serde(default)]
    names: Vec<String>,
    /// Claim prefixes (case-insensitive).
    #[serde(default)]
    prefixes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PhaseRule {
    phase: Phase,
    /// Lower-case phrases in a purpose that state this phase.
    phrases: Vec<String>,
    /// Phrases that look like the phase but are not ("recovery points").
    #[serde(default)]
    except: Vec<String>,
}

/// Workload and phase derivation rules.
#[derive(Debug, Clone)]
pub struct WorkloadRules {
    rules: Vec<Rule>,
    phases: Vec<PhaseRule>,
    /// Different for every parsed set of rules (copies share it), so what was
    /// derived under one set is never taken for another's.
    id: u64,
}

impl WorkloadRules {
    /// The rules shipped in `data/workloads.json`.
    pub fn bundled() -> WorkloadRules {
        WorkloadRules::from_json(include_str!("../../data/workloads.json"))
            .expect("bundled data/workloads.json is valid (tested)")
    }

    /// Parses a rules file.
    pub fn from_json(text: &str) -> Result<WorkloadRules, serde_json::Error> {
        let file: RulesFile = serde_json::from_str(text)?;
        let lower = |v: Vec<String>| v.into_iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
        Ok(WorkloadRules {
            rules: file
                .workloads
                .into_iter()
                .map(|r| Rule {
                    name: r.name,
                    apis: r.apis,
                    names: lower(r.names),
                    prefixes: lower(r.prefixes),
                })
                .collect(),
            phases: file
                .phases
                .into_iter()
                .map(|p| PhaseRule {
                    phase: p.phase,
                    phrases: lower(p.phrases),
                    except: lower(p.except),
                })
                .collect(),
            id: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        })
    }

    /// Identifies these rules: equal for copies, different for every other set.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Every workload name the rules can produce, in rule order, without repeats.
    pub fn names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.rules {
            if !out.contains(&r.name.as_str()) {
                out.push(&r.name);
            }
        }
        out
    }

    /// The workload a permission serves, by the first matching rule.
    pub fn workload_for(&self, api: &str, permission: &str) -> &str {
        let p = permission.to_lowercase();
        self.rules
            .iter()
            .find(|r| {
                r.apis.iter().any(|a| a == api)
                    || r.names.contains(&p)
                    || (!p.is_empty() && r.prefixes.iter().any(|x| p.starts_with(x.as_str())))
            })
            .map(|r| r.name.as_str())
            .unwrap_or(OTHER)
    }

    /// Phases a vendor's purpose sentence states ("Perform data recovery").
    pub fn phases_in(&self, purpose: &str) -> Vec<Phase> {
        let text = purpose.to_lowercase();
        let mut out: Vec<Phase> = self
            .phases
            .iter()
            .filter(|rule| {
                // Copy and blank out the exceptions only when one is there.
                let mut cleaned = std::borrow::Cow::Borrowed(text.as_str());
                for e in &rule.except {
                    if cleaned.contains(e.as_str()) {
                        cleaned = cleaned.replace(e.as_str(), " ").into();
                    }
                }
                rule.phrases.iter().any(|ph| cleaned.contains(ph.as_str()))
            })
            .map(|rule| rule.phase)
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rules_cover_the_issue_examples() {
        let r = WorkloadRules::bundled();
        let g = "Microsoft Graph";
        assert_eq!(r.workload_for(g, "Mail.ReadWrite"), "Exchange Online");
        assert_eq!(r.workload_for(g, "MailboxSettings.Read"), "Exchange Online");
        assert_eq!(r.workload_for(g, "Calendars.ReadWrite"), "Exchange Online");
        assert_eq!(r.workload_for(g, "Files.ReadWrite.All"), "OneDrive for Business");
        assert_eq!(r.workload_for(g, "Sites.Read.All"), "SharePoint");
        assert_eq!(r.workload_for(g, "ChannelMessage.Read.All"), "Teams");
        assert_eq!(r.workload_for(g, "RoleManagement.ReadWrite.Directory"), "Entra ID");
        assert_eq!(r.workload_for(g, "BitlockerKey.Read.All"), "Intune and devices");
        assert_eq!(r.workload_for(g, "IdentityUserFlow.ReadWrite.All"), "Azure AD B2C");
        assert_eq!(r.workload_for("Azure DevOps", "user_impersonation"), "Azure DevOps");
        assert_eq!(r.workload_for("Office 365 Exchange Online", ""), "Exchange Online");
        assert_eq!(r.workload_for(g, "openid"), "Sign-in");
        assert_eq!(r.workload_for(g, "Zzz.Unknown"), OTHER);
    }

    #[test]
    fn purposes_give_phases() {
        let r = WorkloadRules::bundled();
        assert_eq!(r.phases_in("Perform data recovery."), vec![Phase::Recovery]);
        assert_eq!(r.phases_in("Retrieve recovery points."), Vec::<Phase>::new());
        assert_eq!(
            r.phases_in("Allows the backup and restore of the distribution lists"),
            vec![Phase::Backup, Phase::Recovery]
        );
        assert_eq!(r.phases_in("Scan mailboxes."), vec![Phase::Discovery]);
    }
}
