//! The one reading of a permission's name: what it lets the app do (access),
//! how far it reaches (reach) and, with its kind, what that means. The risk
//! rules, the product profile and every summary read names through here, so
//! they cannot disagree.

use crate::model::permission::PermissionKind;

/// What a permission lets the app do with its subject, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// `ReadBasic`: a few properties, not the content.
    Basic,
    /// `Read`, `Export`, `Search`...
    Read,
    /// `ReadWrite`, `Create`, `Send`, `Delete`... (and any verb that does not say).
    Write,
    /// `Manage`, `FullControl`, `AccessAsUser`, Azure DevOps `_manage`/`_full`.
    Manage,
}

impl Access {
    /// Position in a rule's level table.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// How far a permission reaches, as its name tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reach {
    /// Every object of its kind in the tenant (`.All`, or an app role with no qualifier).
    Tenant,
    /// A delegated permission with no qualifier: the signed-in user's own access.
    User,
    /// Delegated `.Shared`: the user's own items and what others shared with them.
    Shared,
    /// `.Selected`: only what an administrator grants one resource at a time.
    Selected,
    /// `.OwnedBy`, `.ManagedBy`: only objects the app owns or manages.
    Owned,
    /// `.Group`, `.Chat`, `.Team`, `.WhereInstalled`: where the app is installed.
    Installed,
    /// `.AppFolder`, `.CreatedByApp`: only the app's own folder or items.
    AppOwn,
}

impl Reach {
    /// How many levels narrower reach lowers a rule's rating.
    pub fn steps_down(self) -> u8 {
        match self {
            Reach::Tenant | Reach::User | Reach::Shared => 0,
            Reach::Selected | Reach::Owned | Reach::Installed => 1,
            Reach::AppOwn => 2,
        }
    }

    /// Narrowness: when a name carries several qualifiers the narrowest wins.
    pub fn narrowness(self) -> u8 {
        match self {
            Reach::Tenant => 0,
            Reach::User | Reach::Shared => 1,
            Reach::Selected | Reach::Owned | Reach::Installed => 2,
            Reach::AppOwn => 3,
        }
    }

    /// True when nothing in the name narrows what the permission reaches.
    pub fn is_tenant_wide(self) -> bool {
        matches!(self, Reach::Tenant | Reach::User | Reach::Shared)
    }

    /// How far a permission of `kind` reaches, as a phrase ending a sentence.
    pub fn phrase(self, kind: PermissionKind) -> &'static str {
        match (kind, self) {
            (PermissionKind::Application, Reach::Tenant | Reach::User | Reach::Shared) => {
                " across the whole tenant, with no user signed in"
            }
            (PermissionKind::Application, Reach::Selected) => {
                " with no user signed in, but only where an administrator grants it access, one resource at a time"
            }
            (PermissionKind::Application, Reach::Owned) => {
                " with no user signed in, but only for the objects the app owns or manages"
            }
            (PermissionKind::Application, Reach::Installed) => {
                " with no user signed in, but only in the teams, chats or groups where the app is installed"
            }
            (PermissionKind::Application, Reach::AppOwn) => {
                " with no user signed in, but only in the app's own folder or the items it created"
            }
            (PermissionKind::Delegated, Reach::Tenant) => {
                " with the signed-in user's rights, across everything that user can reach in the tenant"
            }
            (PermissionKind::Delegated, Reach::User) => {
                " on behalf of the signed-in user, within that user's own access"
            }
            (PermissionKind::Delegated, Reach::Shared) => {
                " on behalf of the signed-in user, including what other users have shared with them"
            }
            (PermissionKind::Delegated, Reach::Selected) => {
                " on behalf of the signed-in user, but only for the items the user picks or an administrator grants"
            }
            (PermissionKind::Delegated, Reach::Owned) => {
                " on behalf of the signed-in user, but only for the objects the app owns or manages"
            }
            (PermissionKind::Delegated, Reach::Installed) => {
                " on behalf of the signed-in user, but only in the teams, chats or groups where the app is installed"
            }
            (PermissionKind::Delegated, Reach::AppOwn) => {
                " on behalf of the signed-in user, but only in the app's own folder or the items it created"
            }
        }
    }
}

/// A claim read from its name, borrowing from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim<'a> {
    /// The verb part as written (`ReadWrite`, `FullControl`, `write` of `vso.code_write`).
    pub verb: &'a str,
    /// What the verb allows.
    pub access: Access,
    /// The name did not say: the access class is a conservative guess.
    pub guessed: bool,
    /// How far the qualifiers (or the kind, when there are none) let it reach.
    pub reach: Reach,
}

impl<'a> Claim<'a> {
    /// Reads a claim's name (`Mail.ReadWrite.All`, `Sites.Selected`, `vso.code_write`) for its kind.
    pub fn parse(name: &'a str, kind: PermissionKind) -> Claim<'a> {
        let default_reach = match kind {
            PermissionKind::Application => Reach::Tenant,
            PermissionKind::Delegated => Reach::User,
        };
        let mut segments = name.split('.');
        let first = segments.next().unwrap_or("");
        // Azure DevOps scopes: `vso.area[.more][_verb]`; no verb means read.
        if first.eq_ignore_ascii_case("vso") {
            let last = name.rsplit('.').next().unwrap_or("");
            let verb = match last.rfind('_') {
                Some(at) => &last[at + 1..],
                None => "",
            };
            let (access, guessed) = if verb.is_empty() {
                (Access::Read, false)
            } else {
                classify_verb(verb)
            };
            return Claim {
                verb,
                access,
                guessed,
                reach: default_reach,
            };
        }
        let Some(second) = segments.next() else {
            // One word: `openid`, `full_access_as_app`, `user_impersonation`.
            let (access, guessed) = classify_verb(name);
            return Claim {
                verb: name,
                access,
                guessed,
                reach: default_reach,
            };
        };
        let mut reach = None::<Reach>;
        let mut narrow = |found: Reach| {
            if reach.is_none_or(|r| found.narrowness() > r.narrowness()) {
                reach = Some(found);
            }
        };
        // `Sites.Selected`: the second segment is a qualifier, not a verb.
        let verb = match qualifier_reach(second) {
            Some(found) if !second.eq_ignore_ascii_case("all") => {
                narrow(found);
                ""
            }
            _ => second,
        };
        if contains_ignore_case(verb, "selected") {
            narrow(Reach::Selected);
        }
        for qualifier in segments {
            narrow(qualifier_reach(qualifier).unwrap_or(Reach::Tenant));
        }
        let (access, guessed) = if verb.is_empty() {
            (Access::Write, true)
        } else {
            classify_verb(verb)
        };
        Claim {
            verb,
            access,
            guessed,
            reach: reach.unwrap_or(default_reach),
        }
    }

    /// True when the permission can change things, not only read them (a
    /// name that does not say counts as changing, as its rating assumes).
    pub fn writes(&self) -> bool {
        self.access >= Access::Write
    }

    /// True for an application permission that writes or controls data across
    /// the whole tenant: nothing in its name narrows it to selected, owned or
    /// installed-in objects or to the app's own folder.
    pub fn tenant_wide_write(&self, kind: PermissionKind) -> bool {
        kind == PermissionKind::Application && self.writes() && self.reach.is_tenant_wide()
    }

    /// What the app may do, as a verb phrase for "Lets the app ___ <subject>".
    pub fn verb_phrase(&self) -> &'static str {
        let v = self.verb;
        let starts = |p: &str| starts_with_ignore_case(v, p);
        let has = |p: &str| contains_ignore_case(v, p);
        match self.access {
            Access::Basic => "read basic properties of",
            Access::Read if starts("export") => "export",
            Access::Read if starts("search") => "search",
            Access::Read => "read",
            Access::Manage if has("fullcontrol") || starts("full") => "fully control",
            Access::Manage if has("accessas") || has("impersonation") => "fully access",
            Access::Manage if has("privilegedoperations") => "run privileged operations on",
            Access::Manage => "manage",
            Access::Write if self.guessed => "act on",
            Access::Write if starts("readwrite") => "read and change",
            Access::Write if has("importexport") => "import and export",
            Access::Write if has("readupdate") || starts("update") => "read and update",
            Access::Write if has("deleterestore") => "delete and restore",
            Access::Write if starts("delete") || starts("remove") => "delete",
            Access::Write if has("enabledisable") => "enable and disable",
            Access::Write if starts("create") => "create",
            Access::Write if starts("send") => "send",
            Access::Write if starts("invite") => "invite people into",
            Access::Write if starts("migrat") => "migrate",
            Access::Write => "change",
        }
    }
}

/// The reach a name qualifier stands for; `None` when it is a sub-area such as
/// `ConditionalAccess` (which the caller treats as tenant-wide).
fn qualifier_reach(q: &str) -> Option<Reach> {
    const TABLE: [(&str, Reach); 13] = [
        ("all", Reach::Tenant),
        ("shared", Reach::Shared),
        ("selected", Reach::Selected),
        ("ownedby", Reach::Owned),
        ("managedby", Reach::Owned),
        ("identityparentedby", Reach::Owned),
        ("group", Reach::Installed),
        ("chat", Reach::Installed),
        ("team", Reach::Installed),
        ("channel", Reach::Installed),
        ("whereinstalled", Reach::Installed),
        ("appfolder", Reach::AppOwn),
        ("createdbyapp", Reach::AppOwn),
    ];
    TABLE
        .iter()
        .find(|(word, _)| q.eq_ignore_ascii_case(word))
        .map(|(_, reach)| *reach)
}

/// Access class of a verb; the flag is set when the verb says nothing clear and
/// the class is a conservative guess.
fn classify_verb(verb: &str) -> (Access, bool) {
    const MANAGE: [&str; 6] = [
        "fullcontrol",
        "full_access",
        "accessas",
        "impersonation",
        "privilegedoperations",
        "full",
    ];
    const WRITE: [&str; 31] = [
        "write",
        "create",
        "send",
        "update",
        "delete",
        "remove",
        "enable",
        "disable",
        "invite",
        "import",
        "restore",
        "upload",
        "migrat",
        "provision",
        "submit",
        "execute",
        "initiate",
        "join",
        "archive",
        "assign",
        "approve",
        "activate",
        "start",
        "edit",
        "command",
        "ingest",
        "revoke",
        "sign",
        "publish",
        "acquire",
        "status",
    ];
    const READ: [&str; 8] = [
        "read",
        "export",
        "search",
        "query",
        "list",
        "evaluate",
        "compute",
        "diagnostics",
    ];
    if starts_with_ignore_case(verb, "readbasic") {
        return (Access::Basic, false);
    }
    if starts_with_ignore_case(verb, "manage")
        || MANAGE.iter().any(|w| {
            if *w == "full" {
                verb.eq_ignore_ascii_case(w)
            } else {
                contains_ignore_case(verb, w)
            }
        })
    {
        return (Access::Manage, false);
    }
    if WRITE.iter().any(|w| contains_ignore_case(verb, w)) || verb.eq_ignore_ascii_case("use") {
        return (Access::Write, false);
    }
    if READ.iter().any(|w| starts_with_ignore_case(verb, w)) {
        return (Access::Read, false);
    }
    (Access::Write, true)
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len() && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn contains_ignore_case(text: &str, needle: &str) -> bool {
    find_ignore_case(text.as_bytes(), needle.as_bytes(), 0).is_some()
}

/// First index at or after `from` where `needle` occurs in `haystack`, ignoring ASCII case.
fn find_ignore_case(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from.min(haystack.len()));
    }
    let rest = haystack.get(from..)?;
    rest.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|at| at + from)
}

/// A name pattern: `*` matches any run of characters (dots included); case is ignored.
#[derive(Debug, Clone)]
pub struct NamePattern {
    /// Literal pieces between stars.
    pieces: Vec<Box<[u8]>>,
    leading_star: bool,
    trailing_star: bool,
}

impl NamePattern {
    /// A pattern as written in a rules file (`Mail.*`, `*.Selected`, `*`).
    pub fn new(pattern: &str) -> NamePattern {
        let pattern = pattern.trim();
        NamePattern {
            pieces: pattern
                .split('*')
                .filter(|p| !p.is_empty())
                .map(|p| p.as_bytes().into())
                .collect(),
            leading_star: pattern.starts_with('*'),
            trailing_star: pattern.ends_with('*'),
        }
    }

    /// True when `name` matches, ignoring ASCII case.
    pub fn matches(&self, name: &str) -> bool {
        let text = name.as_bytes();
        let count = self.pieces.len();
        if count == 0 {
            // "*" matches anything; an empty pattern is refused at load.
            return self.leading_star;
        }
        let mut at = 0;
        for (i, piece) in self.pieces.iter().enumerate() {
            let first = i == 0;
            let last = i + 1 == count;
            if first && !self.leading_star {
                if text.len() < piece.len() || !text[..piece.len()].eq_ignore_ascii_case(piece) {
                    return false;
                }
                at = piece.len();
            } else if last && !self.trailing_star {
                let Some(start) = text.len().checked_sub(piece.len()) else {
                    return false;
                };
                return start >= at && text[start..].eq_ignore_ascii_case(piece);
            } else {
                match find_ignore_case(text, piece, at) {
                    Some(found) => at = found + piece.len(),
                    None => return false,
                }
            }
        }
        self.trailing_star || at == text.len()
    }
}

/// The verb ladder of a claim: `X.ReadWrite.All` is ("X", 2, "All"); `None`
/// for a name whose second part is not a verb of the ladder.
fn ladder(name: &str) -> Option<(&str, u8, &str)> {
    const VERBS: [(&str, u8); 6] = [
        ("ReadBasic", 0),
        ("Read", 1),
        ("ReadWrite", 2),
        ("Manage", 3),
        ("FullControl", 4),
        ("ReadWriteAndConsentForTeam", 2),
    ];
    let mut parts = name.splitn(3, '.');
    let resource = parts.next()?;
    let verb = parts.next()?;
    let rest = parts.next().unwrap_or("");
    let rank = VERBS.iter().find(|(v, _)| *v == verb)?.1;
    Some((resource, rank, rest))
}

/// True when `broad` includes everything `narrow` grants, on the same resource
/// and kind: a higher verb on the same object and scope (`Mail.ReadWrite`
/// covers `Mail.Read`, `Sites.FullControl.All` covers `Sites.ReadWrite.All`).
pub fn covers(broad: &str, narrow: &str) -> bool {
    match (ladder(broad), ladder(narrow)) {
        (Some((rb, vb, sb)), Some((rn, vn, sn))) => rb == rn && sb == sn && vb > vn,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PermissionKind::{Application, Delegated};

    #[test]
    fn glob_patterns() {
        let cases = [
            ("Mail.*", "Mail.Read", true),
            ("Mail.*", "mail.readwrite.shared", true),
            ("Mail.*", "MailboxSettings.Read", false),
            ("Mail-*", "Mail-Advanced.ReadWrite", true),
            ("*.Selected", "Sites.Selected", true),
            ("*.Selected", "Sites.Selected.All", false),
            (
                "*.SelectedOperations.Selected",
                "Files.SelectedOperations.Selected",
                true,
            ),
            ("User.Read", "User.Read", true),
            ("User.Read", "User.Read.All", false),
            ("vso.code*", "vso.code_write", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXcYb", false),
            ("ab*ba", "aba", false),
            ("*", "", true),
            ("*", "anything", true),
        ];
        for (pattern, name, expected) in cases {
            assert_eq!(NamePattern::new(pattern).matches(name), expected, "{pattern} ~ {name}");
        }
    }

    #[test]
    fn claims_are_read_from_their_names() {
        let cases = [
            ("Mail.Read", Application, Access::Read, Reach::Tenant),
            ("Mail.Read", Delegated, Access::Read, Reach::User),
            ("Mail.ReadBasic.All", Application, Access::Basic, Reach::Tenant),
            ("Mail.ReadWrite.Shared", Delegated, Access::Write, Reach::Shared),
            ("Sites.FullControl.All", Application, Access::Manage, Reach::Tenant),
            ("Sites.Selected", Application, Access::Write, Reach::Selected),
            (
                "Application.ReadWrite.OwnedBy",
                Application,
                Access::Write,
                Reach::Owned,
            ),
            ("Chat.Read.WhereInstalled", Application, Access::Read, Reach::Installed),
            ("ChannelMessage.Read.Group", Application, Access::Read, Reach::Installed),
            ("Files.ReadWrite.AppFolder", Delegated, Access::Write, Reach::AppOwn),
            (
                "Policy.ReadWrite.ConditionalAccess",
                Delegated,
                Access::Write,
                Reach::Tenant,
            ),
            (
                "TeamsAppInstallation.ReadSelectedForChat.All",
                Application,
                Access::Read,
                Reach::Selected,
            ),
            ("Directory.AccessAsUser.All", Delegated, Access::Manage, Reach::Tenant),
            ("Exchange.ManageAsApp", Application, Access::Manage, Reach::Tenant),
            ("full_access_as_app", Application, Access::Manage, Reach::Tenant),
            ("user_impersonation", Delegated, Access::Manage, Reach::User),
            ("vso.code", Delegated, Access::Read, Reach::User),
            ("vso.code_write", Delegated, Access::Write, Reach::User),
            ("vso.code_full", Delegated, Access::Manage, Reach::User),
            ("vso.extension.data_write", Delegated, Access::Write, Reach::User),
            ("User.Export.All", Application, Access::Read, Reach::Tenant),
            (
                "User.EnableDisableAccount.All",
                Application,
                Access::Write,
                Reach::Tenant,
            ),
            (
                "ConsentRequest.ReadApprove.All",
                Delegated,
                Access::Write,
                Reach::Tenant,
            ),
        ];
        for (name, kind, access, reach) in cases {
            let claim = Claim::parse(name, kind);
            assert_eq!((claim.access, claim.reach), (access, reach), "{name} {kind}");
            // `Sites.Selected` has no verb at all: per-site grants decide the access.
            assert_eq!(claim.guessed, name == "Sites.Selected", "{name}");
        }
        assert!(Claim::parse("OPX.MyDay", Delegated).guessed);
        assert_eq!(Claim::parse("Mail.Send", Application).verb_phrase(), "send");
        assert_eq!(
            Claim::parse("Mail.ReadWrite", Application).verb_phrase(),
            "read and change"
        );
        assert_eq!(
            Claim::parse("Sites.FullControl.All", Application).verb_phrase(),
            "fully control"
        );
    }

    #[test]
    fn ladders_cover_narrower_verbs_only_on_the_same_object() {
        assert!(covers("Mail.ReadWrite", "Mail.Read"));
        assert!(covers("Sites.FullControl.All", "Sites.ReadWrite.All"));
        assert!(covers("Sites.FullControl.All", "Sites.Manage.All"));
        assert!(covers("Files.ReadWrite.All", "Files.Read.All"));
        assert!(!covers("Files.ReadWrite.All", "Files.Read"));
        assert!(!covers("Mail.Read", "Mail.ReadWrite"));
        assert!(!covers("Mail.ReadWrite", "Contacts.Read"));
        assert!(!covers("full_access_as_app", "Mail.Read"));
    }

    #[test]
    fn tenant_wide_write_follows_the_reading_of_the_name() {
        use PermissionKind::{Application, Delegated};
        // A restore is a write; an installed-only permission is not tenant-wide.
        assert!(Claim::parse("Sites.Restore.All", Application).tenant_wide_write(Application));
        assert!(!Claim::parse("Chat.ReadWrite.WhereInstalled", Application).tenant_wide_write(Application));
        assert!(!Claim::parse("DeviceManagementRBAC.Read.All", Application).tenant_wide_write(Application));
        assert!(!Claim::parse("Sites.Selected", Application).tenant_wide_write(Application));
        assert!(!Claim::parse("Files.ReadWrite.AppFolder", Application).tenant_wide_write(Application));
        assert!(Claim::parse("full_access_as_app", Application).tenant_wide_write(Application));
        assert!(!Claim::parse("Mail.ReadWrite", Delegated).tenant_wide_write(Delegated));
    }
}
