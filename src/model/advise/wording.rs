//! Reading a vendor's stated purpose: does it only read? And does it speak of
//! a signed-in user where the permission has none (or the other way round)?
//!
//! Words are matched whole, so "recovery points" is not "recover" and
//! "backup administrator" is not a backup. A purpose is read-only when it uses
//! a reading verb and no changing one; anything else (no verb at all, or a
//! changing verb anywhere) is not read-only, so the advice never calls a
//! purpose read-only on a guess.

/// Verbs (in the forms vendors write them) that only read.
const READS: &[&str] = &[
    "read",
    "reads",
    "reading",
    "retrieve",
    "retrieves",
    "retrieving",
    "list",
    "lists",
    "listing",
    "get",
    "gets",
    "getting",
    "scan",
    "scans",
    "scanning",
    "discover",
    "discovers",
    "discovering",
    "query",
    "queries",
    "querying",
    "view",
    "views",
    "fetch",
    "fetches",
    "enumerate",
    "enumerates",
    "export",
    "exports",
    "search",
    "searches",
    "sync",
    "syncs",
    "collect",
    "collects",
    "monitor",
    "monitors",
    "check",
    "checks",
    "backup",
    "backups",
];

/// Verbs (and phrases) that change something.
const WRITES: &[&str] = &[
    "write",
    "writes",
    "writing",
    "update",
    "updates",
    "updating",
    "create",
    "creates",
    "creating",
    "delete",
    "deletes",
    "deleting",
    "remove",
    "removes",
    "restore",
    "restores",
    "restoring",
    "recover",
    "recovers",
    "recovering",
    "manage",
    "manages",
    "managing",
    "modify",
    "modifies",
    "change",
    "changes",
    "set",
    "sets",
    "enable",
    "enables",
    "disable",
    "disables",
    "trigger",
    "triggers",
    "reset",
    "resets",
    "grant",
    "grants",
    "assign",
    "assigns",
    "install",
    "installs",
    "send",
    "sends",
    "upload",
    "uploads",
    "import",
    "imports",
    "move",
    "moves",
    "add",
    "adds",
    "edit",
    "edits",
    "configure",
    "configures",
    "provision",
    "provisions",
    "perform",
    "performs",
    "control",
    "controls",
];

/// Lower-cased words of `text` (letters, digits and apostrophes).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// True when `purpose` reads and does not change anything.
pub fn read_only(purpose: &str) -> bool {
    let w = words(purpose);
    let backs_up = w.windows(2).any(|p| p[0] == "back" && p[1] == "up");
    let reads = backs_up || w.iter().any(|x| READS.contains(&x.as_str()));
    let writes = w.iter().any(|x| WRITES.contains(&x.as_str()))
        || w.windows(2)
            .any(|p| p[0] == "full" && (p[1] == "access" || p[1] == "control"));
    reads && !writes
}

/// What a purpose says about a signed-in user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedInWording {
    /// "on behalf of the signed-in user", "the signed-in user's devices".
    ForSignedInUser,
    /// "without a signed-in user", "without a signed in user".
    WithoutUser,
    /// Neither.
    Silent,
}

/// How `purpose` speaks of a signed-in user.
pub fn signed_in_wording(purpose: &str) -> SignedInWording {
    let t = purpose
        .to_lowercase()
        .replace(['-', '\u{2019}'], " ")
        .replace('\'', " ");
    if t.contains("without a signed in user") || t.contains("without signed in user") {
        SignedInWording::WithoutUser
    } else if t.contains("the signed in user") || t.contains("on behalf of the user") {
        SignedInWording::ForSignedInUser
    } else {
        SignedInWording::Silent
    }
}

/// True when `purpose` speaks of recovering or restoring (the recovery phase).
pub fn speaks_of_recovery(purpose: &str) -> bool {
    words(purpose).iter().any(|w| {
        matches!(
            w.as_str(),
            "recover" | "recovers" | "recovering" | "recovery" | "restore" | "restores" | "restoring"
        )
    })
}
