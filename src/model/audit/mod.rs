//! Auditing a tenant against a vendor's documentation: does the vendor's app hold
//! exactly what the vendor documents, and nothing more?
//!
//! Every grant lands in one of five lists: granted and documented; granted and
//! documented only for another app of the product (flagged); granted,
//! undocumented, but narrower than a permission the app's documentation asks
//! for (a least-privilege substitute such as `Sites.Selected` for
//! `Sites.FullControl.All`, or a lower form such as `Mail.Read` for
//! `Mail.ReadWrite`: listed, not flagged); granted but undocumented (flagged,
//! with its risk); or documented but not granted. A grant matches a
//! requirement only on the same resource, kind and claim: a Graph
//! `Mail.ReadWrite` does not stand in for an Exchange `Mail.ReadWrite`.
//! Grants whose GUID or resource permscope cannot name are kept as
//! undocumented, marked unknown, never dropped.
//!
//! A tenant consents to apps, not products: Xopero ONE's registrator holds
//! `Directory.AccessAsUser.All`, and the same grant on its backup app is
//! drift. So grants are checked against one app's documented set: the app
//! named by the caller, or the app the grants' holder is (its display name,
//! its object id named in another export, or an app id the product file
//! records). Grants whose holder is none of the product's apps are checked
//! against every app together, and the audit says so.

mod check;
mod render;

pub use check::{Audit, AuditApp, AuditEntry, DocumentedAt, Narrower, audit, audit_apps};
pub use render::{app_lines, summary, to_json, to_markdown, to_table};
