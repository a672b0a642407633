//! Equivalence files (`data/equivalents.json`): the format of
//! `data/equivalents.schema.json`, checked into [`Equivalences`].

use crate::model::equivalence::{Basis, Equivalences, NamedClaim, NotSameData, SameData};
use crate::model::permission::PermissionKind;
use crate::model::read::ReadError;
use crate::model::read::json::{self, Fault, Step};
use crate::model::text;
use serde::Deserialize;
use std::collections::BTreeMap;

impl Equivalences {
    /// The equivalences shipped with permscope (`data/equivalents.json`).
    pub fn bundled() -> Equivalences {
        // A test proves the bundled file loads, so this cannot fail at run time.
        Equivalences::from_json(include_str!("../../../data/equivalents.json"), "data/equivalents.json")
            .expect("bundled data/equivalents.json is valid (tested)")
    }

    /// Reads an equivalence file; `origin` names it in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<Equivalences, ReadError> {
        let doc: File = json::parse(text, origin)?;
        let mut out = Equivalences::default();
        for (i, s) in doc.same_data.into_iter().enumerate() {
            let path = vec![Step::key("same_data"), Step::Index(i), Step::key("permissions")];
            let permissions = pair(s.permissions, &path).map_err(|f| f.locate(text, origin))?;
            out.same_data.push(SameData {
                data: s.data,
                permissions,
                basis: s.basis,
            });
        }
        for (i, n) in doc.not_same_data.into_iter().enumerate() {
            let path = vec![Step::key("not_same_data"), Step::Index(i), Step::key("permissions")];
            let permissions = pair(n.permissions, &path).map_err(|f| f.locate(text, origin))?;
            out.not_same_data.push(NotSameData {
                permissions,
                why: n.why,
            });
        }
        Ok(out)
    }
}

/// Two permissions of one type on two resources, each a single claim.
fn pair(list: Vec<ClaimFile>, path: &[Step<'static>]) -> Result<[NamedClaim; 2], Fault<'static>> {
    let n = list.len();
    let Ok([a, b]) = <[ClaimFile; 2]>::try_from(list) else {
        return Err(Fault::new(
            path.to_vec(),
            format!("expected two permissions, found {n}"),
        ));
    };
    for (i, c) in [&a, &b].into_iter().enumerate() {
        if c.permission.is_empty() || c.permission.chars().any(char::is_whitespace) {
            let mut at = path.to_vec();
            at.extend([Step::Index(i), Step::key("permission")]);
            return Err(Fault::new(at, format!("`{}` is not a single claim", c.permission)));
        }
    }
    if a.kind != b.kind {
        return Err(Fault::new(
            path.to_vec(),
            "an application permission and a delegated scope never reach the same data the same way: give two of one type",
        ));
    }
    if a.api.trim().eq_ignore_ascii_case(b.api.trim()) {
        return Err(Fault::new(
            path.to_vec(),
            "both permissions are on the same resource: equivalence here is between two resources (a broader permission on one resource is found by its name)",
        ));
    }
    let named = |c: ClaimFile| NamedClaim {
        api: c.api,
        kind: c.kind,
        permission: c.permission,
    };
    Ok([named(a), named(b)])
}

// ---- the file format (see data/equivalents.schema.json) ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "$schema")]
    _schema: Option<String>,
    #[serde(default, rename = "about", deserialize_with = "text::checked_opt")]
    _about: Option<String>,
    #[serde(default, rename = "bases", deserialize_with = "text::checked_map")]
    _bases: BTreeMap<String, String>,
    #[serde(default, rename = "sources")]
    _sources: Vec<SourceFile>,
    same_data: Vec<SameFile>,
    #[serde(default)]
    not_same_data: Vec<NotSameFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceFile {
    #[serde(rename = "file", deserialize_with = "text::checked")]
    _file: String,
    #[serde(rename = "what", deserialize_with = "text::checked")]
    _what: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SameFile {
    #[serde(deserialize_with = "text::checked")]
    data: String,
    permissions: Vec<ClaimFile>,
    basis: Basis,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotSameFile {
    permissions: Vec<ClaimFile>,
    #[serde(deserialize_with = "text::checked")]
    why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimFile {
    #[serde(deserialize_with = "text::checked")]
    api: String,
    #[serde(rename = "type")]
    kind: PermissionKind,
    #[serde(deserialize_with = "text::checked")]
    permission: String,
}

impl<'de> Deserialize<'de> for Basis {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Basis, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "same_id" => Ok(Basis::SameId),
            "same_display_name" => Ok(Basis::SameDisplayName),
            other => Err(serde::de::Error::custom(format!(
                "`{}` is not a basis: use same_id or same_display_name",
                text::neutralise(other)
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_file_loads() {
        let e = Equivalences::bundled();
        assert!(e.same_data.len() >= 10);
        assert!(!e.not_same_data.is_empty());
    }

    #[test]
    fn a_pair_of_two_kinds_is_refused_where_it_is() {
        let text = r#"{"same_data": [{"data": "x", "basis": "same_id", "permissions": [
  {"api": "Microsoft Graph", "type": "application", "permission": "Mail.Read"},
  {"api": "Office 365 Exchange Online", "type": "delegated", "permission": "Mail.Read"}]}]}"#;
        let e = Equivalences::from_json(text, "eq.json").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("same_data[0].permissions"));
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("two of one type"), "{e}");
    }

    #[test]
    fn a_pair_on_one_resource_or_of_three_is_refused() {
        let one = r#"{"same_data": [{"data": "x", "basis": "same_id", "permissions": [
  {"api": "Microsoft Graph", "type": "application", "permission": "Mail.Read"},
  {"api": "microsoft graph", "type": "application", "permission": "Mail.ReadWrite"}]}]}"#;
        assert!(
            Equivalences::from_json(one, "eq.json")
                .unwrap_err()
                .message
                .contains("same resource")
        );
        let three = r#"{"same_data": [{"data": "x", "basis": "same_id", "permissions": [
  {"api": "A", "type": "application", "permission": "a"},
  {"api": "B", "type": "application", "permission": "b"},
  {"api": "C", "type": "application", "permission": "c"}]}]}"#;
        assert!(
            Equivalences::from_json(three, "eq.json")
                .unwrap_err()
                .message
                .contains("found 3")
        );
        let basis = r#"{"same_data": [{"data": "x", "basis": "same_guid", "permissions": []}]}"#;
        let e = Equivalences::from_json(basis, "eq.json").unwrap_err();
        assert!(e.message.contains("not a basis"), "{e}");
    }
}
