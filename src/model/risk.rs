//! Risk ratings: how much power a permission hands to an app, and why.
//!
//! A [`RiskBook`] holds two kinds of knowledge, both loaded from JSON
//! (`data/risk.json`, optionally with a reviewer's own file layered on top;
//! the file format is read in `model/read/rules.rs`):
//!
//! - **entries**: a verdict a person wrote for one permission on one resource,
//!   per kind (application or delegated), with the reasoning spelled out;
//! - **rules**: name patterns that give a level for each access class (basic
//!   read, read, write, manage) of application and delegated use, so that a
//!   permission nobody reviewed still gets a sensible rating.
//!
//! [`RiskBook::rate`] turns any claim into a [`Rating`]. For a rule it reads the
//! claim's name through [`crate::model::claim`]: narrower reaches rate lower.
//! Levels only ever rise with access and from delegated to application, so the
//! ratings stay consistent across a family of permissions.

use crate::model::claim::{Access, Claim, NamePattern, Reach};
use crate::model::level::RiskLevel;
use crate::model::permission::PermissionKind;
use serde::Serialize;
use std::collections::HashMap;

/// Where a rating comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskBasis {
    /// A person wrote an entry for exactly this permission, resource and kind.
    Reviewed,
    /// Derived from general rules (name pattern, access, reach and kind).
    Rule,
}

impl RiskBasis {
    /// Lower-case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskBasis::Reviewed => "reviewed",
            RiskBasis::Rule => "rule",
        }
    }
}

/// The verdict on one permission.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rating {
    /// How much harm the permission allows.
    pub level: RiskLevel,
    /// 0 to 100 for sorting, always inside [`RiskLevel::score_range`] of `level`.
    pub score: u8,
    /// Full sentences for a review memo, most important first; never empty.
    pub reasons: Vec<String>,
    /// Whether a person reviewed this permission or a rule derived the rating.
    pub basis: RiskBasis,
    /// The id of the rule that rated it, for a rule basis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

// ---------------------------------------------------------------------------
// Fixed sentences. Entries and rules supply the first reasons; these follow.

const KIND_APPLICATION_TENANT: &str = "As an application permission it needs no signed-in user and works around the clock across the whole tenant until an administrator removes it, so whoever holds the vendor's app credentials holds this access.";
const KIND_APPLICATION_SCOPED: &str = "As an application permission it needs no signed-in user and works around the clock, within the scope it is granted, until an administrator removes it.";
const KIND_DELEGATED: &str = "As a delegated permission it acts only for a signed-in user and never beyond that user's own access, so it reaches furthest when an administrator signs in to the app.";
const WRITE_CONSEQUENCE: &str = "Because it can change or delete as well as read, a compromise of the vendor could tamper with or destroy this data, not only copy it.";
const GUESSED_ACCESS: &str =
    "The permission's name does not say whether it only reads, so the rating assumes it can also make changes.";
const EMPTY_CLAIM: &str = "No permission is named here (the claim is empty), so there is nothing to rate; ask the vendor which permission it needs.";
const NOT_COVERED: &str =
    "No reviewed entry or rule in the loaded risk rules covers this permission, so it cannot be rated.";

/// Longest resource or permission name an entry may have, in bytes (the
/// limit on names, counted in bytes for the lookup key's fixed buffer).
pub(crate) const MAX_NAME: usize = crate::model::read::limits::MAX_NAME_CHARS;
/// Longest lookup key (resource, separator, permission); lookups of longer input
/// simply find no entry, so `rate` never needs a heap buffer for the key.
const MAX_KEY: usize = 2 * MAX_NAME + 1;
const KEY_SEPARATOR: u8 = 0x1f;

// ---------------------------------------------------------------------------
// The loaded book.

/// Risk knowledge: reviewed entries and general rules, in layers.
///
/// The top layer wins: its entries, then its rules, are consulted before those of
/// the layers below. [`RiskBook::bundled`] has one layer; [`RiskBook::layer`] puts
/// a reviewer's file on top.
#[derive(Debug, Clone)]
pub struct RiskBook {
    /// Top layer first.
    pub(crate) layers: Vec<Layer>,
}

/// What the vendor's document says about the app a permission is granted
/// to, as far as it changes the rating or its words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RateContext {
    pub credential: Credential,
    /// Where the document says a Global Administrator signs in to the app
    /// ("line 23: “…”"), when it does: a delegated permission then reaches
    /// whatever a Global Administrator can.
    pub admin_sign_in: Option<String>,
    /// Microsoft publishes the same name as an application permission on the
    /// resource: with an administrator signed in, the delegated permission
    /// reaches at least as far as that one.
    pub application_published: bool,
}

/// Who holds the credential of the app a permission is granted to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Credential {
    /// No app in view (`assess`, the catalog): a vendor's app is assumed.
    #[default]
    AssumedVendor,
    /// The vendor runs the app and holds its credential (where the document says so).
    Vendor(String),
    /// The customer registers the app and keeps its credential (where the document says so).
    Customer(String),
    /// The document does not say who holds it.
    NotStated,
}

/// One file's entries and rules.
#[derive(Debug, Clone)]
pub(crate) struct Layer {
    /// Key: lower-case `api`, 0x1f, lower-case permission.
    pub entries: HashMap<Box<str>, Entry>,
    pub rules: Vec<Rule>,
}

/// A reviewed verdict for each kind of one permission.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub application: Option<Verdict>,
    pub delegated: Option<Verdict>,
    /// The delegated permission when the document says a Global Administrator
    /// signs in to the app.
    pub delegated_by_admin: Option<Verdict>,
}

#[derive(Debug, Clone)]
pub(crate) struct Verdict {
    pub level: RiskLevel,
    pub score: Option<u8>,
    pub reasons: Vec<String>,
}

/// A general rule: name patterns and a level per access class and kind.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: String,
    /// Lower-case canonical resource names; empty means any resource.
    pub apis: Vec<Box<str>>,
    pub names: Vec<NamePattern>,
    /// Empty means both kinds.
    pub kinds: Vec<PermissionKind>,
    pub subject: String,
    pub application: [RiskLevel; 4],
    pub delegated: [RiskLevel; 4],
    /// Said whatever the access.
    pub reasons: Vec<String>,
    /// Said first, for basic and read access only.
    pub read_reasons: Vec<String>,
    /// Said first, for write and manage access only.
    pub write_reasons: Vec<String>,
}

impl Rule {
    fn matches(&self, api: &str, kind: PermissionKind, name: &str) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&kind))
            && (self.apis.is_empty() || self.apis.iter().any(|a| a.eq_ignore_ascii_case(api)))
            && self.names.iter().any(|g| g.matches(name))
    }
}

impl RiskBook {
    /// Puts a reviewer's book on top: its entries and rules take precedence over
    /// everything already here.
    pub fn layer(&mut self, reviewer: RiskBook) {
        let mut layers = reviewer.layers;
        layers.append(&mut self.layers);
        self.layers = layers;
    }

    /// Rates `permission` of `kind` on the resource `api`.
    ///
    /// `api` is the canonical resource name: "Microsoft Graph", "Office 365
    /// Exchange Online", "Office 365 SharePoint Online", "Azure DevOps", or any
    /// other string for an unknown resource. Names are matched ignoring case and
    /// surrounding spaces. An empty claim rates `Unknown` with a reason.
    pub fn rate(&self, api: &str, kind: PermissionKind, permission: &str) -> Rating {
        self.rate_in(api, kind, permission, &RateContext::default())
    }

    /// Rates `permission` of `kind` on `api` for an app in `context`: the
    /// sentence on who holds an application permission's access names the
    /// credential's holder as the document gives it, and a delegated
    /// permission a Global Administrator signs in to is rated for what a
    /// Global Administrator can do with it, saying it rests on the document.
    pub fn rate_in(&self, api: &str, kind: PermissionKind, permission: &str, context: &RateContext) -> Rating {
        let mut rating = self.rate_plain(api, kind, permission);
        if rating.level == RiskLevel::Unknown {
            return rating;
        }
        if kind == PermissionKind::Application
            && let Some(last) = rating.reasons.last_mut()
            && last == KIND_APPLICATION_TENANT
        {
            *last = credential_sentence(&context.credential);
        }
        if kind == PermissionKind::Delegated
            && let Some(cite) = &context.admin_sign_in
        {
            let admin = self.verdict_for_admin(api, permission);
            let lead = format!(
                "The vendor's document says a Global Administrator signs in to this app ({cite}), so the rating is for what a Global Administrator can do with this delegated permission."
            );
            match admin {
                Some(verdict) => {
                    let claim = Claim::parse(permission.trim(), kind);
                    let mut admin_rating = reviewed_rating(verdict, &claim, kind, api.trim(), permission.trim());
                    admin_rating.reasons.insert(0, lead);
                    return admin_rating;
                }
                None if context.application_published => {
                    let app = self.rate_plain(api, PermissionKind::Application, permission);
                    if app.level > rating.level {
                        rating.level = app.level;
                        rating.score = app.score;
                        rating.reasons.insert(
                            0,
                            format!(
                                "{lead} With every object of the tenant in reach, it is rated as the same permission granted to the app itself ({}).",
                                app.level
                            ),
                        );
                    }
                }
                None => {}
            }
        }
        rating
    }

    /// The entry's verdict for a delegated permission a Global Administrator signs in to.
    fn verdict_for_admin(&self, api: &str, permission: &str) -> Option<&Verdict> {
        let mut key = [0u8; MAX_KEY];
        let key = entry_key(&mut key, api.trim(), permission.trim())?;
        self.layers
            .iter()
            .find_map(|layer| layer.entries.get(key).and_then(|e| e.delegated_by_admin.as_ref()))
    }

    /// The rating with no app in view.
    fn rate_plain(&self, api: &str, kind: PermissionKind, permission: &str) -> Rating {
        let api = api.trim();
        let name = permission.trim();
        if name.is_empty() {
            return Rating {
                level: RiskLevel::Unknown,
                score: 0,
                reasons: vec![EMPTY_CLAIM.to_string()],
                basis: RiskBasis::Rule,
                rule: None,
            };
        }
        let claim = Claim::parse(name, kind);
        let mut key = [0u8; MAX_KEY];
        let key = entry_key(&mut key, api, name);
        for layer in &self.layers {
            if let Some(verdict) = key.and_then(|k| layer.entries.get(k)).and_then(|entry| match kind {
                PermissionKind::Application => entry.application.as_ref(),
                PermissionKind::Delegated => entry.delegated.as_ref(),
            }) {
                return reviewed_rating(verdict, &claim, kind, api, name);
            }
            if let Some(rule) = layer.rules.iter().find(|r| r.matches(api, kind, name)) {
                return rule_rating(rule, &claim, kind, api, name);
            }
        }
        Rating {
            level: RiskLevel::Unknown,
            score: 0,
            reasons: vec![NOT_COVERED.to_string()],
            basis: RiskBasis::Rule,
            rule: None,
        }
    }
}

/// Writes the lower-case lookup key into `buf`; `None` when it does not fit.
fn entry_key<'b>(buf: &'b mut [u8; MAX_KEY], api: &str, name: &str) -> Option<&'b str> {
    let len = api.len() + 1 + name.len();
    if len > MAX_KEY {
        return None;
    }
    buf[..api.len()].copy_from_slice(api.as_bytes());
    buf[api.len()] = KEY_SEPARATOR;
    buf[api.len() + 1..len].copy_from_slice(name.as_bytes());
    let key = &mut buf[..len];
    key.make_ascii_lowercase();
    std::str::from_utf8(key).ok()
}

pub(crate) fn owned_key(api: &str, name: &str) -> String {
    let mut key = String::with_capacity(api.len() + 1 + name.len());
    key.push_str(api.trim());
    key.push(char::from(KEY_SEPARATOR));
    key.push_str(name.trim());
    key.make_ascii_lowercase();
    key
}

/// Score inside the lower part of the level's band: more access, wider reach and
/// application use sort higher. The top of each band is left to reviewed entries
/// with an explicit score, so the worst permissions a person ranked stay on top.
fn band_score(level: RiskLevel, claim: &Claim<'_>, kind: PermissionKind) -> u8 {
    let access = match claim.access {
        Access::Basic => 0u16,
        Access::Read => 2,
        Access::Write => 5,
        Access::Manage => 7,
    };
    let reach = match claim.reach {
        Reach::Tenant => 2,
        Reach::User | Reach::Shared => 1,
        _ => 0,
    };
    let kind = u16::from(kind == PermissionKind::Application);
    let weight = access + reach + kind; // 0..=10
    let range = level.score_range();
    let (low, high) = (u16::from(*range.start()), u16::from(*range.end()));
    let score = low + (high - low) * 6 * weight / 100;
    u8::try_from(score).unwrap_or(*range.end())
}

/// The application sentence for an app whose credential `credential` says who holds.
fn credential_sentence(credential: &Credential) -> String {
    const ROUND_THE_CLOCK: &str = "As an application permission it needs no signed-in user and works around the clock across the whole tenant until an administrator removes it";
    match credential {
        Credential::AssumedVendor => KIND_APPLICATION_TENANT.to_string(),
        Credential::Vendor(cite) => format!(
            "{ROUND_THE_CLOCK}; the vendor runs this app and holds its credential ({cite}), so whoever obtains that credential at the vendor holds this access."
        ),
        Credential::Customer(cite) => format!(
            "{ROUND_THE_CLOCK}; your organization registers this app and keeps its secret or certificate ({cite}), so the access is as safe as that credential on your own servers and the vendor's software that uses it."
        ),
        Credential::NotStated => format!(
            "{ROUND_THE_CLOCK}; the vendor's document does not say who holds the app's credential, so ask: whoever holds it holds this access."
        ),
    }
}

fn kind_sentence(kind: PermissionKind, reach: Reach) -> &'static str {
    match kind {
        PermissionKind::Application if reach.is_tenant_wide() => KIND_APPLICATION_TENANT,
        PermissionKind::Application => KIND_APPLICATION_SCOPED,
        PermissionKind::Delegated => KIND_DELEGATED,
    }
}

/// Copies `template` into `out`, replacing `{api}` and `{permission}`.
fn fill_into(out: &mut String, template: &str, api: &str, name: &str) {
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{api}") {
            out.push_str(if api.is_empty() { "this resource" } else { api });
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{permission}") {
            out.push_str(name);
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
}

fn filled(template: &str, api: &str, name: &str) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    fill_into(&mut out, template, api, name);
    out
}

fn reviewed_rating(verdict: &Verdict, claim: &Claim<'_>, kind: PermissionKind, api: &str, name: &str) -> Rating {
    let mut reasons = Vec::with_capacity(verdict.reasons.len() + 1);
    reasons.extend(verdict.reasons.iter().map(|r| filled(r, api, name)));
    if verdict.level != RiskLevel::Unknown {
        reasons.push(kind_sentence(kind, claim.reach).to_string());
    }
    Rating {
        level: verdict.level,
        score: verdict.score.unwrap_or_else(|| band_score(verdict.level, claim, kind)),
        reasons,
        basis: RiskBasis::Reviewed,
        rule: None,
    }
}

fn rule_rating(rule: &Rule, claim: &Claim<'_>, kind: PermissionKind, api: &str, name: &str) -> Rating {
    let table = match kind {
        PermissionKind::Application => &rule.application,
        PermissionKind::Delegated => &rule.delegated,
    };
    let level = table[claim.access.index()].lowered(claim.reach.steps_down());
    let writes = claim.access >= Access::Write;
    let specific = if writes {
        &rule.write_reasons
    } else {
        &rule.read_reasons
    };
    let mut reasons = Vec::with_capacity(1 + specific.len() + rule.reasons.len() + 3);
    let mut first = String::with_capacity(160);
    first.push_str("Lets the app ");
    first.push_str(claim.verb_phrase());
    first.push(' ');
    fill_into(&mut first, &rule.subject, api, name);
    first.push_str(claim.reach.phrase(kind));
    first.push('.');
    reasons.push(first);
    reasons.extend(specific.iter().map(|r| filled(r, api, name)));
    reasons.extend(rule.reasons.iter().map(|r| filled(r, api, name)));
    // The generic warning only when the rule does not say what writing means here.
    if writes && rule.write_reasons.is_empty() && level != RiskLevel::Unknown {
        reasons.push(WRITE_CONSEQUENCE.to_string());
    }
    if claim.guessed {
        reasons.push(GUESSED_ACCESS.to_string());
    }
    if level != RiskLevel::Unknown {
        reasons.push(kind_sentence(kind, claim.reach).to_string());
    }
    Rating {
        level,
        score: band_score(level, claim, kind),
        reasons,
        basis: RiskBasis::Rule,
        rule: Some(rule.id.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PermissionKind::{Application, Delegated};

    const GRAPH: &str = "Microsoft Graph";
    const EXCHANGE: &str = "Office 365 Exchange Online";
    const SHAREPOINT: &str = "Office 365 SharePoint Online";
    const DEVOPS: &str = "Azure DevOps";

    fn book() -> RiskBook {
        RiskBook::bundled()
    }

    fn level(api: &str, kind: PermissionKind, name: &str) -> RiskLevel {
        book().rate(api, kind, name).level
    }

    fn mentions(rating: &Rating, words: &[&str]) -> bool {
        let text = rating.reasons.join(" ").to_lowercase();
        words.iter().all(|w| text.contains(&w.to_lowercase()))
    }

    // --- special cases -------------------------------------------------------

    #[test]
    fn role_management_is_a_direct_takeover_path() {
        let r = book().rate(GRAPH, Application, "RoleManagement.ReadWrite.Directory");
        assert_eq!(r.level, RiskLevel::Critical);
        assert_eq!(r.basis, RiskBasis::Reviewed);
        assert_eq!(r.score, 100);
        assert!(r.reasons[0].contains("Global Administrator"), "{:?}", r.reasons);
        assert!(r.reasons[0].contains("takeover"));
        assert_eq!(
            level(GRAPH, Delegated, "RoleManagement.ReadWrite.Directory"),
            RiskLevel::High
        );
    }

    #[test]
    fn every_takeover_path_rates_critical_as_application() {
        for name in [
            "RoleManagement.ReadWrite.Directory",
            "AppRoleAssignment.ReadWrite.All",
            "Application.ReadWrite.All",
            "Application.ReadUpdate.All",
            "DelegatedPermissionGrant.ReadWrite.All",
            "Directory.ReadWrite.All",
            "UserAuthenticationMethod.ReadWrite.All",
            "UserAuthMethod-TAP.ReadWrite.All",
            "User-PasswordProfile.ReadWrite.All",
            "Policy.ReadWrite.ConditionalAccess",
            "Policy.ReadWrite.Authorization",
            "Policy.ReadWrite.PermissionGrant",
            "Policy.ReadWrite.AuthenticationMethod",
            "Domain.ReadWrite.All",
            "Organization.ReadWrite.All",
            "PublicKeyInfrastructure.ReadWrite.All",
            "RoleAssignmentSchedule.ReadWrite.Directory",
            "RoleEligibilitySchedule.ReadWrite.Directory",
            "PrivilegedAccess.ReadWrite.AzureADGroup",
            "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
            "AgentIdentityBlueprint.AddRemoveCreds.All",
        ] {
            let r = book().rate(GRAPH, Application, name);
            assert_eq!(r.level, RiskLevel::Critical, "{name}: {:?}", r.reasons);
            assert!(
                level(GRAPH, Delegated, name) <= r.level,
                "{name}: delegated above application"
            );
        }
    }

    #[test]
    fn takeover_paths_with_a_common_condition_are_critical_and_name_it() {
        let b = book();
        let owned = b.rate(GRAPH, Application, "Application.ReadWrite.OwnedBy");
        assert_eq!(owned.level, RiskLevel::High);
        assert!(mentions(&owned, &["owns"]));
        let groups = b.rate(GRAPH, Application, "Group.ReadWrite.All");
        assert_eq!(groups.level, RiskLevel::Critical);
        assert!(mentions(
            &groups,
            &[
                "Global Administrator",
                "condition",
                "role-assignable",
                "RoleManagement.ReadWrite.Directory"
            ]
        ));
        let users = b.rate(GRAPH, Application, "User.ReadWrite.All");
        assert_eq!(users.level, RiskLevel::Critical);
        // What it does (create and delete users), the published path, and where it stops.
        assert!(mentions(
            &users,
            &[
                "create users",
                "delete",
                "POST /users",
                "dynamic group",
                "cannot reset passwords"
            ]
        ));
        let members = b.rate(GRAPH, Application, "GroupMember.ReadWrite.All");
        assert_eq!(members.level, RiskLevel::Critical);
        let lockout = b.rate(GRAPH, Application, "User.EnableDisableAccount.All");
        assert_eq!(lockout.level, RiskLevel::Critical);
        assert!(mentions(&lockout, &["disable every account", "break-glass"]));
        assert!(!mentions(&lockout, &["manager chains"]), "{:?}", lockout.reasons);
    }

    #[test]
    fn sign_in_scopes_are_low() {
        for name in ["openid", "profile", "email", "offline_access", "User.Read"] {
            let r = book().rate(GRAPH, Delegated, name);
            assert_eq!(r.level, RiskLevel::Low, "{name}");
            assert_eq!(r.basis, RiskBasis::Reviewed, "{name}");
        }
        let offline = book().rate(GRAPH, Delegated, "offline_access");
        assert!(mentions(&offline, &["refresh token", "no access of its own"]));
    }

    #[test]
    fn exchange_special_cases() {
        let b = book();
        let full = b.rate(EXCHANGE, Application, "full_access_as_app");
        assert_eq!(full.level, RiskLevel::Critical);
        assert!(mentions(
            &full,
            &["every mailbox", "Exchange Web Services", "application access policy"]
        ));
        let manage = b.rate(EXCHANGE, Application, "Exchange.ManageAsApp");
        assert_eq!(manage.level, RiskLevel::High);
        assert!(mentions(&manage, &["role", "Exchange Administrator", "Global Reader"]));
        assert_eq!(
            b.rate(EXCHANGE, Application, "Mail.ReadWrite").level,
            RiskLevel::Critical
        );
        assert_eq!(b.rate(EXCHANGE, Application, "Mail.Read").level, RiskLevel::High);
        assert_eq!(b.rate(EXCHANGE, Application, "IMAP.AccessAsApp").level, RiskLevel::High);
    }

    #[test]
    fn sharepoint_full_control_and_selected() {
        let b = book();
        for api in [GRAPH, SHAREPOINT] {
            let full = b.rate(api, Application, "Sites.FullControl.All");
            assert_eq!(full.level, RiskLevel::Critical);
            assert!(mentions(&full, &["every SharePoint site", "permissions"]));
            let selected = b.rate(api, Application, "Sites.Selected");
            assert_eq!(selected.level, RiskLevel::Medium);
            assert!(mentions(&selected, &["explicitly grants"]));
        }
        assert!(b.rate(SHAREPOINT, Delegated, "AllSites.FullControl").level >= RiskLevel::High);
    }

    #[test]
    fn directory_access_as_user_carries_the_users_admin_rights() {
        let r = book().rate(GRAPH, Delegated, "Directory.AccessAsUser.All");
        assert_eq!(r.level, RiskLevel::High);
        assert!(mentions(&r, &["Global Administrator", "signed-in user"]));
    }

    #[test]
    fn devops_and_other_impersonation() {
        let b = book();
        let devops = b.rate(DEVOPS, Delegated, "user_impersonation");
        assert_eq!(devops.level, RiskLevel::High);
        assert_eq!(devops.basis, RiskBasis::Reviewed);
        assert!(mentions(&devops, &["every Azure DevOps REST API", "vso."]));
        let crm = b.rate("Dynamics CRM", Delegated, "user_impersonation");
        assert_eq!(crm.level, RiskLevel::High);
        assert_eq!(crm.basis, RiskBasis::Rule);
        assert!(crm.reasons[0].contains("Dynamics CRM"), "{:?}", crm.reasons);
        assert!(b.rate(DEVOPS, Delegated, "vso.work").level <= RiskLevel::Low);
        assert!(b.rate(DEVOPS, Delegated, "vso.code_write").level >= RiskLevel::High);
        assert!(b.rate(DEVOPS, Delegated, "vso.serviceendpoint_manage").level >= RiskLevel::High);
    }

    #[test]
    fn backup_restore_permissions_are_rated_individually() {
        let b = book();
        let restore = b.rate(GRAPH, Application, "BackupRestore-Restore.ReadWrite.All");
        assert_eq!(restore.level, RiskLevel::High);
        assert_eq!(restore.basis, RiskBasis::Reviewed);
        assert!(mentions(&restore, &["restore", "roll"]));
        assert_eq!(
            b.rate(GRAPH, Application, "BackupRestore-Control.ReadWrite.All").level,
            RiskLevel::High
        );
        assert!(b.rate(GRAPH, Application, "BackupRestore-Monitor.Read.All").level <= RiskLevel::Low);
        // A BackupRestore permission nobody reviewed yet still gets the backup rule.
        let future = b.rate(GRAPH, Application, "BackupRestore-Future.ReadWrite.All");
        assert_eq!(future.level, RiskLevel::High);
        assert!(future.reasons[0].contains("Microsoft 365 Backup"));
    }

    #[test]
    fn content_of_every_mailbox_or_file_is_high_and_writing_it_critical() {
        let b = book();
        for name in [
            "Mail.Read",
            "Files.Read.All",
            "Sites.Read.All",
            "Chat.Read.All",
            "ChannelMessage.Read.All",
        ] {
            let r = b.rate(GRAPH, Application, name);
            assert_eq!(r.level, RiskLevel::High, "{name}");
            assert!(
                r.reasons[0].contains("across the whole tenant"),
                "{name}: {:?}",
                r.reasons
            );
        }
        for name in [
            "Mail.ReadWrite",
            "Files.ReadWrite.All",
            "Sites.ReadWrite.All",
            "Chat.ReadWrite.All",
        ] {
            assert_eq!(b.rate(GRAPH, Application, name).level, RiskLevel::Critical, "{name}");
        }
        let secrets = b.rate(GRAPH, Application, "BitlockerKey.Read.All");
        assert_eq!(secrets.level, RiskLevel::High);
        assert!(mentions(&secrets, &["recovery key"]));
    }

    #[test]
    fn write_never_below_read_and_application_never_below_delegated() {
        let b = book();
        for (read, write) in [
            ("Mail.Read", "Mail.ReadWrite"),
            ("Files.Read.All", "Files.ReadWrite.All"),
            ("Calendars.Read", "Calendars.ReadWrite"),
            ("User.Read.All", "User.ReadWrite.All"),
            ("Policy.Read.ConditionalAccess", "Policy.ReadWrite.ConditionalAccess"),
            ("Sites.ReadWrite.All", "Sites.FullControl.All"),
            ("Sites.ReadWrite.All", "Sites.Manage.All"),
        ] {
            for kind in [Application, Delegated] {
                assert!(
                    b.rate(GRAPH, kind, read).level <= b.rate(GRAPH, kind, write).level,
                    "{read} vs {write}"
                );
            }
            for name in [read, write] {
                assert!(
                    b.rate(GRAPH, Delegated, name).level <= b.rate(GRAPH, Application, name).level,
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn application_and_delegated_reasons_say_which_they_are() {
        let b = book();
        let app = b.rate(GRAPH, Application, "Files.Read.All");
        let del = b.rate(GRAPH, Delegated, "Files.Read.All");
        assert!(app.reasons[0].contains("no user signed in"));
        assert!(del.reasons[0].contains("signed-in user"));
        assert!(
            app.reasons
                .last()
                .is_some_and(|r| r.starts_with("As an application permission"))
        );
        assert!(
            del.reasons
                .last()
                .is_some_and(|r| r.starts_with("As a delegated permission"))
        );
        assert!(del.level < app.level);
    }

    #[test]
    fn narrow_reach_rates_lower_than_tenant_wide() {
        let b = book();
        let all = b.rate(GRAPH, Application, "Files.ReadWrite.All").level;
        let folder = b.rate(GRAPH, Application, "Files.ReadWrite.AppFolder");
        assert!(folder.level < all);
        assert!(folder.reasons[0].contains("app's own folder"));
        assert!(
            b.rate(GRAPH, Application, "Chat.Read.WhereInstalled").level
                < b.rate(GRAPH, Application, "Chat.Read.All").level
        );
    }

    #[test]
    fn names_and_resources_match_ignoring_case_and_spaces() {
        let b = book();
        let exact = b.rate(SHAREPOINT, Application, "Sites.FullControl.All");
        let loose = b.rate(
            "  office 365 sharepoint online ",
            Application,
            " sites.fullcontrol.ALL ",
        );
        assert_eq!(exact, loose);
    }

    #[test]
    fn unknown_permissions_on_unknown_resources_still_get_a_rating() {
        let r = book().rate("Contoso Widgets API", Application, "Widgets.ReadWrite.All");
        assert_eq!(r.level, RiskLevel::High);
        assert_eq!(r.basis, RiskBasis::Rule);
        assert!(r.reasons[0].contains("Contoso Widgets API"));
        assert!(mentions(&r, &["no specific rule"]));
        let odd = book().rate("Contoso Widgets API", Delegated, "Frobnicate");
        assert!(odd.level >= RiskLevel::Low);
        assert!(mentions(&odd, &["does not say whether it only reads"]));
    }

    #[test]
    fn empty_claim_is_unknown_with_a_reason() {
        for kind in [Application, Delegated] {
            let r = book().rate(GRAPH, kind, "  ");
            assert_eq!(r.level, RiskLevel::Unknown);
            assert_eq!(r.score, 0);
            assert_eq!(r.reasons.len(), 1);
            assert!(r.reasons[0].contains("empty"));
        }
    }

    #[test]
    fn a_book_without_a_matching_rule_rates_unknown() {
        let b = RiskBook::from_json(r#"{ "version": 1 }"#, "empty.json").unwrap();
        let r = b.rate(GRAPH, Application, "Mail.Read");
        assert_eq!(r.level, RiskLevel::Unknown);
        assert!(!r.reasons.is_empty());
    }

    #[test]
    fn scores_stay_inside_their_bands() {
        let b = book();
        for (api, kind, name) in [
            (GRAPH, Application, "Sites.Manage.All"),
            (GRAPH, Delegated, "openid"),
            (GRAPH, Application, "Files.ReadWrite.AppFolder"),
            ("Anything", Application, "X.ReadWrite.All"),
            (DEVOPS, Delegated, "vso.code_full"),
        ] {
            let r = b.rate(api, kind, name);
            assert!(
                r.level.score_range().contains(&r.score),
                "{name}: {} {}",
                r.level,
                r.score
            );
        }
        // Reviewed takeover paths sort above rule-rated data destruction.
        assert!(
            b.rate(GRAPH, Application, "AppRoleAssignment.ReadWrite.All").score
                > b.rate(GRAPH, Application, "Sites.Manage.All").score
        );
    }

    // --- layering ------------------------------------------------------------

    const REVIEWER: &str = r#"{
  "version": 1,
  "entries": [
    {
      "apis": ["Microsoft Graph"],
      "permission": "Mail.Read",
      "application": { "level": "critical", "reasons": ["Our mail holds {permission} secrets on {api}."] }
    }
  ],
  "rules": [
    {
      "id": "our-files",
      "names": ["Files.*"],
      "kinds": ["application"],
      "subject": "our files",
      "application": { "read": "low", "write": "medium" }
    }
  ]
}"#;

    #[test]
    fn reviewer_entries_and_rules_take_precedence() {
        let mut b = book();
        b.layer(RiskBook::from_json(REVIEWER, "reviewer.json").unwrap());
        let mail = b.rate(GRAPH, Application, "Mail.Read");
        assert_eq!(mail.level, RiskLevel::Critical);
        assert_eq!(mail.basis, RiskBasis::Reviewed);
        assert_eq!(mail.reasons[0], "Our mail holds Mail.Read secrets on Microsoft Graph.");
        // The reviewer only rated the application kind: delegated keeps the bundled rating.
        assert_eq!(
            b.rate(GRAPH, Delegated, "Mail.Read"),
            book().rate(GRAPH, Delegated, "Mail.Read")
        );
        // A reviewer's rule beats even a bundled entry...
        let files = b.rate(GRAPH, Application, "Files.ReadWrite.All");
        assert_eq!(files.level, RiskLevel::Medium);
        assert!(files.reasons[0].contains("our files"));
        // ...but only for the kinds it names.
        assert_eq!(b.rate(GRAPH, Delegated, "Files.ReadWrite.All").level, RiskLevel::High);
        // Everything else falls through to the bundled book.
        assert_eq!(
            b.rate(GRAPH, Application, "RoleManagement.ReadWrite.Directory").level,
            RiskLevel::Critical
        );
    }

    #[test]
    fn later_layers_win_over_earlier_ones() {
        let mut b = book();
        b.layer(RiskBook::from_json(REVIEWER, "first.json").unwrap());
        let second = r#"{ "version": 1, "entries": [ { "apis": ["Microsoft Graph"], "permission": "Mail.Read",
            "application": { "level": "low", "reasons": ["Second opinion."] } } ] }"#;
        b.layer(RiskBook::from_json(second, "second.json").unwrap());
        assert_eq!(b.rate(GRAPH, Application, "Mail.Read").level, RiskLevel::Low);
    }

    #[test]
    fn entry_keys_fit_or_are_skipped() {
        let mut buf = [0u8; MAX_KEY];
        assert_eq!(
            entry_key(&mut buf, "Microsoft Graph", "Mail.Read"),
            Some("microsoft graph\u{1f}mail.read")
        );
        let long = "x".repeat(MAX_KEY);
        assert_eq!(entry_key(&mut buf, "Microsoft Graph", &long), None);
        // Over-long input simply finds no entry; a rule still rates it.
        let r = book().rate(GRAPH, Application, &format!("{long}.ReadWrite.All"));
        assert_eq!(r.level, RiskLevel::High);
    }
}
