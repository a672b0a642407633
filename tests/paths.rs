//! What a whole permission set can reach, through the bundled capability model
//! (`data/capabilities.json`): the known combinations a reviewer named, the
//! bundled products' apps, reviewers' layers, malformed files, the JSON
//! contract, and monotonicity (adding a permission never weakens a result).
//!
//! Run with `--nocapture` to see every bundled app's outcomes as a table.

mod common;

use permscope::model::catalog::Catalog;
use permscope::model::paths::{Analysis, CapabilityModel, Context, Held, OUTCOMES, Path, Reached, power};
use permscope::model::permission::PermissionKind;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::OnceLock;

const GRAPH: &str = "Microsoft Graph";
const EXCHANGE: &str = "Office 365 Exchange Online";
const SHAREPOINT: &str = "Office 365 SharePoint Online";
const DEVOPS: &str = "Azure DevOps";

fn model() -> &'static CapabilityModel {
    static MODEL: OnceLock<CapabilityModel> = OnceLock::new();
    MODEL.get_or_init(CapabilityModel::bundled)
}

fn app(name: &str) -> Held {
    Held::new(GRAPH, PermissionKind::Application, name)
}

fn exo(name: &str) -> Held {
    Held::new(EXCHANGE, PermissionKind::Application, name)
}

fn delegated(name: &str) -> Held {
    Held::new(GRAPH, PermissionKind::Delegated, name)
}

fn nobody_said() -> Context {
    Context::default()
}

fn signed_in(role: &str) -> Context {
    Context {
        signed_in: Some(vec![role.to_string()]),
    }
}

fn analyse(held: &[Held]) -> Analysis {
    model().analyse(held, &nobody_said())
}

fn paths<'a>(analysis: &'a Analysis, outcome: &str) -> &'a [Path] {
    &analysis
        .get(outcome)
        .unwrap_or_else(|| panic!("{outcome} missing"))
        .paths
}

fn steps(path: &Path) -> Vec<&str> {
    path.steps.iter().map(|s| s.name.as_str()).collect()
}

/// The shown path whose steps are exactly `names` (in any order).
fn path_with<'a>(analysis: &'a Analysis, outcome: &str, names: &[&str]) -> &'a Path {
    let want: BTreeSet<&str> = names.iter().copied().collect();
    paths(analysis, outcome)
        .iter()
        .find(|p| steps(p).into_iter().collect::<BTreeSet<_>>() == want)
        .unwrap_or_else(|| {
            panic!(
                "{outcome}: no path through exactly {names:?}; shown: {:#?}",
                paths(analysis, outcome)
            )
        })
}

fn mentions(path: &Path, words: &str) -> bool {
    path.conditions.iter().any(|c| c.contains(words))
}

// ---------------------------------------------------------------------------
// The combinations a reviewer named.

#[test]
fn app_role_assignment_grants_itself_role_management_without_consent() {
    let a = analyse(&[app("AppRoleAssignment.ReadWrite.All")]);
    assert_eq!(a.reached("global-admin"), Reached::Direct);
    let path = &paths(&a, "global-admin")[0];
    assert_eq!(steps(path), ["AppRoleAssignment.ReadWrite.All"]);
    assert!(path.conditions.is_empty());
    assert!(
        path.explanation
            .contains("grants itself RoleManagement.ReadWrite.Directory"),
        "{}",
        path.explanation
    );
    // Every application permission is one grant away, so every outcome is reached.
    for outcome in OUTCOMES {
        assert_eq!(a.reached(outcome), Reached::Direct, "{outcome}");
    }
}

#[test]
fn application_readwrite_needs_a_more_privileged_app_in_the_tenant() {
    let a = analyse(&[app("Application.ReadWrite.All")]);
    assert_eq!(a.reached("global-admin"), Reached::Conditional);
    let shown = paths(&a, "global-admin");
    assert!(shown.iter().all(|p| steps(p) == ["Application.ReadWrite.All"]));
    assert!(
        shown
            .iter()
            .any(|p| mentions(p, "already holds RoleManagement.ReadWrite.Directory on Microsoft Graph")),
        "{shown:#?}"
    );
    // The Office 365 Exchange Online service principal route (Datadog's research).
    let federated = analyse(&[app("Application.ReadWrite.All")]);
    assert!(
        paths(&federated, "impersonate-any-user").iter().any(|p| p
            .explanation
            .contains("Office 365 Exchange Online service principal")
            && mentions(p, "synchronised from on-premises")),
        "{:#?}",
        paths(&federated, "impersonate-any-user")
    );
    // Owned apps only: the same, narrower.
    let owned = analyse(&[app("Application.ReadWrite.OwnedBy")]);
    assert_eq!(owned.reached("global-admin"), Reached::Conditional);
    assert!(
        paths(&owned, "global-admin")
            .iter()
            .any(|p| mentions(p, "owned by this app"))
    );
}

#[test]
fn role_management_assigns_global_administrator_directly() {
    let a = analyse(&[app("RoleManagement.ReadWrite.Directory")]);
    assert_eq!(a.reached("global-admin"), Reached::Direct);
    let path = &paths(&a, "global-admin")[0];
    assert_eq!(steps(path), ["RoleManagement.ReadWrite.Directory"]);
    assert!(path.conditions.is_empty());
    assert!(path.explanation.contains("Global Administrator role"));
}

#[test]
fn created_user_in_an_excluded_or_azure_group() {
    for group in ["GroupMember.ReadWrite.All", "Group.ReadWrite.All"] {
        let a = analyse(&[app("User.ReadWrite.All"), app(group)]);
        assert_eq!(a.reached("security-controls-off"), Reached::Conditional, "{group}");
        let both = path_with(&a, "security-controls-off", &["User.ReadWrite.All", group]);
        assert_eq!(
            both.conditions,
            ["a group that is not role-assignable is excluded from Conditional Access policies"]
        );
        assert!(
            both.explanation.contains("creates a member account"),
            "{}",
            both.explanation
        );
        // Azure: the group route needs two things of the tenant, never none.
        assert_eq!(a.reached("global-admin"), Reached::Conditional);
        assert!(
            paths(&a, "global-admin")
                .iter()
                .any(|p| mentions(p, "holds a privileged Azure role"))
        );
    }
}

#[test]
fn user_readwrite_alone_cannot_reset_passwords_delete_or_disable_administrators() {
    let a = analyse(&[app("User.ReadWrite.All")]);
    // Passwords: Microsoft requires an Entra role on top of the permission.
    assert_eq!(a.reached("impersonate-any-user"), Reached::Conditional);
    let reset = paths(&a, "impersonate-any-user")
        .iter()
        .find(|p| p.explanation.contains("sets a user's password"))
        .expect("the password path is shown");
    assert!(mentions(reset, "User Administrator"), "{reset:#?}");
    assert!(mentions(reset, "Privileged Authentication Administrator"));
    // Deleting or disabling non-administrators is no lockout.
    assert_ne!(a.reached("tenant-lockout"), Reached::Direct);
    assert!(
        paths(&a, "tenant-lockout")
            .iter()
            .all(|p| !p.explanation.contains("disables every account")
                && !p.explanation.contains("deletes every account"))
    );
    // It can create users: that alone reaches nothing without a tenant condition.
    for outcome in OUTCOMES {
        assert_ne!(a.reached(outcome), Reached::Direct, "{outcome}");
    }
}

#[test]
fn temporary_access_pass_needs_the_policy_or_a_tenant_that_enabled_it() {
    let alone = analyse(&[app("UserAuthenticationMethod.ReadWrite.All")]);
    assert_eq!(alone.reached("impersonate-any-user"), Reached::Conditional);
    let tap = paths(&alone, "impersonate-any-user")
        .iter()
        .find(|p| mentions(p, "Temporary Access Pass is enabled"))
        .expect("the TAP path is shown");
    assert_eq!(steps(tap), ["UserAuthenticationMethod.ReadWrite.All"]);
    assert_eq!(alone.reached("global-admin"), Reached::Conditional);

    let both = analyse(&[
        app("UserAuthenticationMethod.ReadWrite.All"),
        app("Policy.ReadWrite.AuthenticationMethod"),
    ]);
    for outcome in ["impersonate-any-user", "global-admin"] {
        assert_eq!(both.reached(outcome), Reached::Direct, "{outcome}");
        let path = path_with(
            &both,
            outcome,
            &[
                "UserAuthenticationMethod.ReadWrite.All",
                "Policy.ReadWrite.AuthenticationMethod",
            ],
        );
        assert!(path.conditions.is_empty());
        assert!(path.explanation.contains("turns Temporary Access Pass on"));
    }
    // The narrower TAP permission is the same path.
    let narrow = analyse(&[
        app("UserAuthMethod-TAP.ReadWrite.All"),
        app("Policy.ReadWrite.AuthenticationMethod"),
    ]);
    assert_eq!(narrow.reached("global-admin"), Reached::Direct);
}

#[test]
fn directory_access_as_user_with_a_global_administrator_and_refresh_tokens() {
    let held = [delegated("Directory.AccessAsUser.All"), delegated("offline_access")];
    let ga = model().analyse(&held, &signed_in("Global Administrator"));
    assert_eq!(ga.reached("global-admin"), Reached::Direct);
    let lasting = path_with(&ga, "global-admin", &["Directory.AccessAsUser.All", "offline_access"]);
    assert!(lasting.conditions.is_empty());
    assert!(lasting.explanation.contains("refresh tokens"));

    // Without offline_access: only around each sign-in.
    let brief = model().analyse(&held[..1], &signed_in("Global Administrator"));
    assert_eq!(brief.reached("global-admin"), Reached::Conditional);
    assert!(mentions(&paths(&brief, "global-admin")[0], "about an hour"));

    // The document does not say who signs in: a condition says so.
    let unknown = model().analyse(&held, &nobody_said());
    assert_eq!(unknown.reached("global-admin"), Reached::Conditional);
    assert!(
        paths(&unknown, "global-admin")
            .iter()
            .all(|p| mentions(p, "the document does not say who signs in"))
    );

    // Someone else signs in: the grant does not apply.
    let reader = model().analyse(&held, &signed_in("Global Reader"));
    assert_eq!(reader.reached("global-admin"), Reached::No);
    // Role names match ignoring case and spacing.
    let loose = model().analyse(&held, &signed_in("global  administrator"));
    assert_eq!(loose.reached("global-admin"), Reached::Direct);
}

#[test]
fn graph_and_exchange_reach_every_mailbox_through_different_apis() {
    let graph = analyse(&[app("Mail.ReadWrite")]);
    let ews = analyse(&[exo("full_access_as_app")]);
    let exchange_rest = analyse(&[exo("Mail.ReadWrite")]);
    for (a, api) in [(&graph, GRAPH), (&ews, EXCHANGE), (&exchange_rest, EXCHANGE)] {
        for outcome in ["all-mail-write", "all-mail-read"] {
            assert_eq!(a.reached(outcome), Reached::Direct, "{api} {outcome}");
            let path = &paths(a, outcome)[0];
            assert_eq!(path.steps.len(), 1);
            assert_eq!(path.steps[0].api, api);
        }
        assert_eq!(a.reached("global-admin"), Reached::No);
    }
    // Reading only reads.
    let read = analyse(&[app("Mail.Read")]);
    assert_eq!(read.reached("all-mail-read"), Reached::Direct);
    assert_eq!(read.reached("all-mail-write"), Reached::No);
}

#[test]
fn disabling_every_account_and_blocking_everyone() {
    let disable = analyse(&[app("User.EnableDisableAccount.All")]);
    assert_eq!(disable.reached("tenant-lockout"), Reached::Conditional);
    assert!(mentions(
        &paths(&disable, "tenant-lockout")[0],
        "Privileged Identity Management"
    ));

    let ca = analyse(&[app("Policy.ReadWrite.ConditionalAccess")]);
    assert_eq!(ca.reached("tenant-lockout"), Reached::Direct);
    assert_eq!(ca.reached("security-controls-off"), Reached::Direct);
    assert_eq!(
        steps(&paths(&ca, "tenant-lockout")[0]),
        ["Policy.ReadWrite.ConditionalAccess"]
    );
    assert_eq!(ca.reached("global-admin"), Reached::No);
}

#[test]
fn exchange_manage_as_app_is_only_as_strong_as_the_role_assigned_to_the_app() {
    let a = analyse(&[exo("Exchange.ManageAsApp")]);
    for outcome in ["all-mail-read", "all-mail-write"] {
        assert_eq!(a.reached(outcome), Reached::Conditional, "{outcome}");
        assert!(mentions(&paths(&a, outcome)[0], "Exchange Administrator"));
    }
    assert_eq!(a.reached("global-admin"), Reached::No);
}

#[test]
fn every_file_through_graph_or_sharepoint() {
    for held in [
        app("Files.ReadWrite.All"),
        app("Sites.FullControl.All"),
        Held::new(SHAREPOINT, PermissionKind::Application, "Sites.FullControl.All"),
    ] {
        let a = analyse(std::slice::from_ref(&held));
        assert_eq!(a.reached("all-files-write"), Reached::Direct, "{held:?}");
        assert_eq!(a.reached("all-files-read"), Reached::Direct, "{held:?}");
    }
    let selected = analyse(&[app("Sites.Selected")]);
    assert_eq!(selected.reached("all-files-read"), Reached::No);
}

#[test]
fn a_product_like_set_without_escalation_reaches_only_what_it_reads() {
    let a = analyse(&[
        app("User.Read.All"),
        app("Directory.Read.All"),
        app("Files.Read.All"),
        app("Sites.Read.All"),
        app("Reports.Read.All"),
        delegated("User.Read"),
        delegated("offline_access"),
    ]);
    assert_eq!(a.reached("global-admin"), Reached::No);
    assert!(paths(&a, "global-admin").is_empty());
    assert_eq!(a.reached("all-files-read"), Reached::Direct);
    for outcome in OUTCOMES.iter().filter(|o| **o != "all-files-read") {
        assert_eq!(a.reached(outcome), Reached::No, "{outcome}");
    }
}

#[test]
fn names_and_resources_match_ignoring_case_and_spaces_and_duplicates_count_once() {
    let a = model().analyse(
        &[
            Held::new(
                "microsoft graph",
                PermissionKind::Application,
                " rolemanagement.readwrite.directory ",
            ),
            app("RoleManagement.ReadWrite.Directory"),
        ],
        &nobody_said(),
    );
    assert_eq!(a.reached("global-admin"), Reached::Direct);
    assert_eq!(paths(&a, "global-admin")[0].steps.len(), 1);
    // The same name on another resource or of another kind is another permission.
    assert_eq!(
        model()
            .analyse(
                &[delegated("RoleManagement.ReadWrite.Directory")],
                &signed_in("Global Reader")
            )
            .reached("global-admin"),
        Reached::No
    );
    assert_eq!(
        model()
            .analyse(
                &[Held::new(
                    EXCHANGE,
                    PermissionKind::Application,
                    "RoleManagement.ReadWrite.Directory"
                )],
                &nobody_said()
            )
            .reached("global-admin"),
        Reached::No
    );
}

#[test]
fn shown_paths_are_few_cheapest_first_and_include_a_direct_one() {
    let a = analyse(&[
        app("Application.ReadWrite.All"),
        app("AppRoleAssignment.ReadWrite.All"),
        app("User.ReadWrite.All"),
        app("GroupMember.ReadWrite.All"),
        app("UserAuthenticationMethod.ReadWrite.All"),
        app("Policy.ReadWrite.AuthenticationMethod"),
    ]);
    for result in &a.outcomes {
        assert!(result.paths.len() <= 3, "{}", result.outcome);
        let ranks: Vec<(usize, usize)> = result
            .paths
            .iter()
            .map(|p| (p.steps.len(), p.conditions.len()))
            .collect();
        // Cheapest first, except that a direct outcome leads with the way
        // that needs nothing of the tenant: the one every view explains.
        let rest = if result.reached == Reached::Direct {
            assert!(
                result.paths[0].conditions.is_empty(),
                "{}: a direct outcome leads with an unconditional way",
                result.outcome
            );
            &ranks[1..]
        } else {
            &ranks[..]
        };
        let mut sorted = rest.to_vec();
        sorted.sort();
        assert_eq!(rest, &sorted[..], "{}", result.outcome);
        for p in &result.paths {
            assert!(!p.explanation.is_empty());
            assert!(!p.steps.is_empty(), "every path uses at least one held permission");
        }
    }
}

#[test]
fn strongest_over_a_products_apps() {
    let registrator = model().analyse(
        &[delegated("Directory.AccessAsUser.All"), delegated("offline_access")],
        &signed_in("Global Administrator"),
    );
    let backup = analyse(&[app("Mail.ReadWrite"), app("Files.ReadWrite.All")]);
    let product = Analysis::strongest(&[backup.clone(), registrator.clone()]);
    assert_eq!(product.outcomes.len(), OUTCOMES.len());
    assert_eq!(product.reached("global-admin"), Reached::Direct);
    assert_eq!(product.reached("all-mail-write"), Reached::Direct);
    assert_eq!(steps(&paths(&product, "all-mail-write")[0]), ["Mail.ReadWrite"]);
    for outcome in OUTCOMES {
        assert_eq!(
            product.reached(outcome),
            backup.reached(outcome).max(registrator.reached(outcome)),
            "{outcome}"
        );
    }
}

// ---------------------------------------------------------------------------
// Reviewers' layers.

#[test]
fn a_reviewers_file_adds_an_edge_and_the_result_changes() {
    let held = [app("Mail.Send")];
    assert_eq!(
        model().analyse(&held, &nobody_said()).reached("impersonate-any-user"),
        Reached::No
    );
    let mut mine = model().clone();
    mine.layer_json(
        r#"{
          "version": 1,
          "capabilities": [{"id": "send-as-anyone", "title": "Send mail as any user", "description": "Mail.Send as an application."}],
          "grants": [{"apis": ["Microsoft Graph"], "permissions": ["Mail.Send"], "type": "application",
                      "capabilities": ["send-as-anyone"], "source": "our review, 2025"}],
          "edges": [{"id": "send-as-is-impersonation", "from": ["send-as-anyone"], "to": "impersonate-any-user",
                     "explanation": "We count mail sent in anyone's name as impersonation.", "source": "our review, 2025"}]
        }"#,
        "review.json",
    )
    .expect("the reviewer's file loads");
    let a = mine.analyse(&held, &nobody_said());
    assert_eq!(a.reached("impersonate-any-user"), Reached::Direct);
    assert!(
        paths(&a, "impersonate-any-user")[0]
            .explanation
            .contains("We count mail sent")
    );
    // The bundled model is untouched.
    assert_eq!(
        model().analyse(&held, &nobody_said()).reached("impersonate-any-user"),
        Reached::No
    );
}

#[test]
fn a_reviewers_file_can_remove_or_replace_an_edge() {
    let held = [app("Policy.ReadWrite.ConditionalAccess")];
    let mut mine = model().clone();
    mine.layer_json(
        r#"{"version": 1,
            "remove_edges": ["conditional-access-blocks-everyone"],
            "edges": [{"id": "conditional-access-off", "from": ["manage-conditional-access"], "to": "security-controls-off",
                       "conditions": ["our tenant has no baseline policy outside Conditional Access"],
                       "explanation": "Our own wording.", "source": "our review"}]}"#,
        "review.json",
    )
    .expect("loads");
    let a = mine.analyse(&held, &nobody_said());
    assert_eq!(a.reached("tenant-lockout"), Reached::No);
    assert_eq!(a.reached("security-controls-off"), Reached::Conditional);
    assert_eq!(
        paths(&a, "security-controls-off")[0].conditions,
        ["our tenant has no baseline policy outside Conditional Access"]
    );
}

#[test]
fn a_complete_model_can_be_layered_too() {
    let mut mine = model().clone();
    let extra = CapabilityModel::from_json(
        r#"{"version": 1,
            "capabilities": [{"id": "wipe", "title": "Wipe every device", "description": "d"}],
            "grants": [{"apis": ["Microsoft Graph"], "permissions": ["DeviceManagementManagedDevices.PrivilegedOperations.All"],
                        "type": "application", "capabilities": ["wipe"], "source": "s"}],
            "edges": [{"id": "wipe-locks-out", "from": ["wipe"], "to": "tenant-lockout",
                       "conditions": ["everyone works on managed devices"], "explanation": "x", "source": "s"}]}"#,
        "extra.json",
    )
    .expect("loads");
    mine.layer(extra);
    let a = mine.analyse(
        &[app("DeviceManagementManagedDevices.PrivilegedOperations.All")],
        &nobody_said(),
    );
    assert_eq!(a.reached("tenant-lockout"), Reached::Conditional);
}

// ---------------------------------------------------------------------------
// Malformed files.

fn load_error(text: &str) -> String {
    CapabilityModel::from_json(text, "bad.json")
        .map(|_| ())
        .expect_err("must be refused")
        .to_string()
}

#[test]
fn syntax_errors_are_located() {
    let err = load_error("{\n  \"version\": 1,\n  \"edges\": [\n    {\"id\": \"x\",,}\n  ]\n}");
    assert!(err.starts_with("bad.json:4:16: "), "{err}");
    let err = load_error("{\"version\": 1, ");
    assert!(err.starts_with("bad.json:1:"), "{err}");
}

#[test]
fn unknown_fields_name_their_path() {
    let err = load_error(
        r#"{"version": 1,
  "edges": [
    {"id": "e", "from": [], "to": "global-admin", "conditions": ["c"], "explanation": "x", "source": "s", "sorce": "t"}
  ]
}"#,
    );
    assert!(err.starts_with("bad.json:3:"), "{err}");
    assert!(err.contains("edges[0]"), "{err}");
    assert!(err.contains("unknown field `sorce`"), "{err}");
}

#[test]
fn unknown_ids_are_refused_with_their_position() {
    let err = load_error(
        r#"{"version": 1,
  "capabilities": [{"id": "a", "title": "A", "description": "d"}],
  "edges": [
    {"id": "e", "from": ["a", "nope"], "to": "global-admin", "explanation": "x", "source": "s"}
  ]
}"#,
    );
    assert_eq!(
        err,
        "bad.json:4:31: field `edges[0].from[1]`: unknown capability or outcome `nope`: define it under `capabilities`, or use one of the outcomes global-admin, tenant-lockout, security-controls-off, impersonate-any-user, all-mail-read, all-mail-write, all-files-read, all-files-write, all-chats-read, device-code-execution"
    );
    let err = load_error(
        r#"{"version": 1,
  "grants": [{"apis": ["Microsoft Graph"], "permissions": ["X.Y"], "type": "application", "capabilities": ["ghost"], "source": "s"}]
}"#,
    );
    assert!(
        err.starts_with("bad.json:2:108: field `grants[0].capabilities[0]`: unknown capability `ghost`"),
        "{err}"
    );
}

#[test]
fn unknown_outcomes_are_refused() {
    let err = load_error(
        r#"{"version": 1,
  "outcomes": [{"id": "domain-admin", "title": "T", "description": "D"}]
}"#,
    );
    assert!(
        err.starts_with(
            "bad.json:2:23: field `outcomes[0].id`: unknown outcome `domain-admin`: the outcomes are global-admin,"
        ),
        "{err}"
    );
}

#[test]
fn other_content_errors_are_located() {
    let cases: [(&str, &str, &str); 8] = [
        (r#"{"version": 2}"#, "version", "unsupported version 2"),
        (
            r#"{"version": 1, "grants": [{"apis": ["Microsoft Graph"], "permissions": ["Mail.*"], "type": "application", "capabilities": ["c"], "source": "s"}], "capabilities": [{"id": "c", "title": "t", "description": "d"}]}"#,
            "grants[0].permissions[0]",
            "is a pattern",
        ),
        (
            r#"{"version": 1, "grants": [{"apis": ["Graph API"], "permissions": ["A.B"], "type": "application", "capabilities": ["c"], "source": "s"}], "capabilities": [{"id": "c", "title": "t", "description": "d"}]}"#,
            "grants[0].apis[0]",
            "unknown resource `Graph API`",
        ),
        (
            r#"{"version": 1, "grants": [{"apis": ["Microsoft Graph"], "permissions": ["A.B"], "type": "application", "signed_in": ["Global Administrator"], "capabilities": ["c"], "source": "s"}], "capabilities": [{"id": "c", "title": "t", "description": "d"}]}"#,
            "grants[0].signed_in",
            "only delegated grants",
        ),
        (
            r#"{"version": 1, "capabilities": [{"id": "Bad Id", "title": "t", "description": "d"}]}"#,
            "capabilities[0].id",
            "not a valid id",
        ),
        (
            r#"{"version": 1, "capabilities": [{"id": "global-admin", "title": "t", "description": "d"}]}"#,
            "capabilities[0].id",
            "is an outcome",
        ),
        (
            r#"{"version": 1, "edges": [{"id": "e", "from": [], "to": "global-admin", "explanation": "x", "source": "s"}]}"#,
            "edges[0].from",
            "must state the condition it assumes",
        ),
        (
            "{\"version\": 1, \"capabilities\": [{\"id\": \"c\", \"title\": \"t\u{202e}x\", \"description\": \"d\"}]}",
            "capabilities[0].title",
            "bidirectional override",
        ),
    ];
    for (text, field, message) in cases {
        let err = CapabilityModel::from_json(text, "bad.json")
            .map(|_| ())
            .expect_err(text);
        assert_eq!(err.field.as_deref(), Some(field), "{err}");
        assert!(err.message.contains(message), "{err}");
        assert_eq!(err.line, Some(1), "{err}");
        assert!(err.column.is_some_and(|c| c > 1), "{err}");
    }
}

#[test]
fn a_reviewers_file_may_name_bundled_ids_but_not_unknown_ones() {
    let mut mine = model().clone();
    let err = mine
        .layer_json(
            r#"{"version": 1, "edges": [{"id": "x", "from": ["create-users", "nope"], "to": "global-admin", "explanation": "x", "source": "s"}]}"#,
            "mine.json",
        )
        .expect_err("nope is unknown");
    assert_eq!(err.field.as_deref(), Some("edges[0].from[1]"));
    // A complete file may not name ids it does not define.
    let err = CapabilityModel::from_json(
        r#"{"version": 1, "edges": [{"id": "x", "from": ["create-users"], "to": "global-admin", "explanation": "x", "source": "s"}]}"#,
        "alone.json",
    )
    .map(|_| ())
    .expect_err("create-users is not defined in this file");
    assert!(
        err.message.contains("unknown capability or outcome `create-users`"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// The JSON contract.

#[test]
fn json_shape() {
    let a = model().analyse(
        &[exo("full_access_as_app"), delegated("Directory.AccessAsUser.All")],
        &nobody_said(),
    );
    let value = serde_json::to_value(&a).expect("serialises");
    let outcomes = value.as_array().expect("an array of outcomes");
    let ids: Vec<&str> = outcomes
        .iter()
        .map(|o| o["outcome"].as_str().expect("outcome id"))
        .collect();
    assert_eq!(ids, OUTCOMES);
    let keys = |v: &Value| -> Vec<String> { v.as_object().expect("object").keys().cloned().collect() };
    for o in outcomes {
        assert_eq!(keys(o), ["outcome", "paths", "reached"]);
        assert!(["direct", "conditional", "no"].contains(&o["reached"].as_str().expect("reached")));
        for p in o["paths"].as_array().expect("paths") {
            assert_eq!(keys(p), ["conditions", "explanation", "steps"]);
            assert!(p["explanation"].is_string());
            assert!(
                p["conditions"]
                    .as_array()
                    .expect("conditions")
                    .iter()
                    .all(Value::is_string)
            );
            for s in p["steps"].as_array().expect("steps") {
                assert_eq!(keys(s), ["api", "permission", "type"]);
            }
        }
    }
    let mail = &outcomes[OUTCOMES.iter().position(|o| *o == "all-mail-write").expect("known")];
    assert_eq!(mail["reached"], "direct");
    assert_eq!(
        mail["paths"][0]["steps"][0],
        serde_json::json!({"api": EXCHANGE, "permission": "full_access_as_app", "type": "application"})
    );
    let ga = &outcomes[0];
    assert_eq!(ga["reached"], "conditional");
    assert_eq!(ga["paths"][0]["steps"][0]["type"], "delegated");
    assert!(
        ga["paths"][0]["conditions"][0]
            .as_str()
            .expect("text")
            .contains("does not say who signs in")
    );
}

// ---------------------------------------------------------------------------
// Monotonicity.

/// Permissions that matter to the model, and some that do not.
fn pool() -> Vec<Held> {
    let mut held: Vec<Held> = Vec::new();
    for g in model().grants() {
        for api in &g.apis {
            for p in &g.permissions {
                let h = Held::new(api.clone(), g.kind, p.clone());
                if !held.contains(&h) {
                    held.push(h);
                }
            }
        }
    }
    held.push(app("User.Read.All"));
    held.push(delegated("User.Read"));
    held.push(Held::new(DEVOPS, PermissionKind::Delegated, "vso.code"));
    held
}

fn contexts() -> [Context; 3] {
    [
        nobody_said(),
        signed_in("Global Administrator"),
        signed_in("Global Reader"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn adding_a_permission_never_weakens_an_outcome(
        picks in proptest::collection::vec(any::<proptest::sample::Index>(), 0..12),
        extra in proptest::collection::vec(any::<proptest::sample::Index>(), 1..4),
        context in 0usize..3,
    ) {
        let pool = pool();
        let small: Vec<Held> = picks.iter().map(|i| pool[i.index(pool.len())].clone()).collect();
        let mut large = small.clone();
        large.extend(extra.iter().map(|i| pool[i.index(pool.len())].clone()));
        let context = &contexts()[context];
        let before = model().analyse(&small, context);
        let after = model().analyse(&large, context);
        for outcome in OUTCOMES {
            prop_assert!(
                after.reached(outcome) >= before.reached(outcome),
                "{outcome}: {:?} with {small:?}, {:?} after adding more",
                before.reached(outcome),
                after.reached(outcome)
            );
            // Paths only ever use held permissions, and reach means paths.
            let result = after.get(outcome).expect("every outcome is reported");
            prop_assert_eq!(result.paths.is_empty(), result.reached == Reached::No);
            for p in &result.paths {
                prop_assert!(p.steps.iter().all(|s| large.contains(s)));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The bundled model and the bundled products.

#[test]
fn the_bundled_model_defines_every_outcome_and_sources_every_claim() {
    let m = model();
    let outcomes = m.outcomes();
    assert_eq!(outcomes.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(), OUTCOMES);
    assert!(outcomes.iter().all(|o| o.title != o.id && !o.description.is_empty()));
    assert!(m.grants().iter().all(|g| !g.source.trim().is_empty()));
    assert!(
        m.edges()
            .iter()
            .all(|e| !e.source.trim().is_empty() && !e.explanation.trim().is_empty())
    );
    // Every capability is given by a grant or an edge, so none is dead weight.
    for c in m.capabilities() {
        let id = &c.node.id;
        assert!(
            m.grants().iter().any(|g| g.capabilities.contains(id)) || m.edges().iter().any(|e| &e.to == id),
            "{id} is never reached"
        );
    }
    // Writing implies reading.
    for (write, read) in [
        ("all-mail-write", "all-mail-read"),
        ("all-files-write", "all-files-read"),
    ] {
        assert!(
            m.edges()
                .iter()
                .any(|e| e.from == [write] && e.to == read && e.conditions.is_empty())
        );
    }
}

#[test]
fn the_schema_describes_every_field_the_loader_reads() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/capabilities.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("schema exists")).expect("valid JSON");
    let data: Value = serde_json::from_str(include_str!("../data/capabilities.json")).expect("valid JSON");
    let props = |v: &Value| -> BTreeSet<String> {
        v["properties"]
            .as_object()
            .expect("properties")
            .keys()
            .cloned()
            .collect()
    };
    let defs = &schema["$defs"];
    let levels = [
        (props(&schema), vec![&data]),
        (
            props(&schema["properties"]["delegated_sessions"]),
            vec![&data["delegated_sessions"]],
        ),
        (
            props(&schema["properties"]["outcomes"]["items"]),
            data["outcomes"].as_array().expect("outcomes").iter().collect(),
        ),
        (
            props(&defs["capability"]),
            data["capabilities"].as_array().expect("capabilities").iter().collect(),
        ),
        (
            props(&defs["capability"]["properties"]["confers"]),
            data["capabilities"]
                .as_array()
                .expect("capabilities")
                .iter()
                .filter_map(|c| c.get("confers"))
                .collect(),
        ),
        (
            props(&defs["grant"]),
            data["grants"].as_array().expect("grants").iter().collect(),
        ),
        (
            props(&defs["edge"]),
            data["edges"].as_array().expect("edges").iter().collect(),
        ),
    ];
    for (allowed, objects) in levels {
        assert!(!objects.is_empty());
        for object in objects {
            for key in object.as_object().expect("object").keys() {
                assert!(allowed.contains(key), "`{key}` is not in the schema ({allowed:?})");
            }
        }
    }
    // The outcome vocabulary is the same in code and schema.
    let vocabulary: Vec<&str> = schema["properties"]["outcomes"]["items"]["properties"]["id"]["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(vocabulary, OUTCOMES);
}

#[test]
fn every_permission_the_model_names_exists_in_microsofts_catalogs() {
    let reference = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference");
    if !reference.is_dir() {
        common::skip(format_args!(
            "../shared/reference not found (looked in {}); the reference catalogs are only present in the development workspace",
            reference.display()
        ));
        return;
    }
    let mut known: BTreeSet<(String, PermissionKind, String)> = BTreeSet::new();
    for (file, kind) in [
        (
            "graph/merill-microsoft-info_GraphAppRoles.json",
            PermissionKind::Application,
        ),
        (
            "graph/merill-microsoft-info_GraphDelegateRoles.json",
            PermissionKind::Delegated,
        ),
    ] {
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(reference.join(file)).expect("readable")).expect("JSON");
        for item in doc.as_array().expect("array") {
            if let Some(v) = item.get("Value").or_else(|| item.get("value")).and_then(Value::as_str) {
                known.insert((GRAPH.to_string(), kind, v.to_ascii_lowercase()));
            }
        }
    }
    for (file, api) in [
        (
            "exchange-sharepoint-devops/first-party_Office365ExchangeOnline.md",
            EXCHANGE,
        ),
        (
            "exchange-sharepoint-devops/first-party_Office365SharePointOnline.md",
            SHAREPOINT,
        ),
        ("exchange-sharepoint-devops/first-party_AzureDevOps.md", DEVOPS),
    ] {
        let text = std::fs::read_to_string(reference.join(file)).expect("readable");
        let mut kind = None;
        for line in text.lines().map(str::trim) {
            if line.starts_with('#') {
                let heading = line.to_ascii_lowercase();
                kind = if heading.contains("application permissions") {
                    Some(PermissionKind::Application)
                } else if heading.contains("delegated permissions") {
                    Some(PermissionKind::Delegated)
                } else {
                    None
                };
                continue;
            }
            if let (Some(kind), Some(row)) = (kind, line.strip_prefix('|')) {
                let name = row.split('|').next().unwrap_or("").trim();
                if !name.is_empty() && name != "Role" && !name.starts_with("---") {
                    known.insert((api.to_string(), kind, name.to_ascii_lowercase()));
                }
            }
        }
    }
    assert!(
        known.len() > 1500,
        "the reference catalogs look truncated: {}",
        known.len()
    );
    let mut missing = Vec::new();
    for g in model().grants() {
        for api in &g.apis {
            for p in &g.permissions {
                if !known.contains(&(api.clone(), g.kind, p.to_ascii_lowercase())) {
                    missing.push(format!("{api} {} {p}", g.kind));
                }
            }
        }
    }
    assert!(missing.is_empty(), "not in Microsoft's catalogs: {missing:#?}");
}

#[test]
fn bundled_products_per_app() {
    let (catalog, report) = Catalog::load(&[]);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut table = String::from("| product | app |");
    for o in OUTCOMES {
        table.push_str(&format!(" {o} |"));
    }
    table.push('\n');
    let mut found: Vec<(String, String, Analysis)> = Vec::new();
    for (pi, product) in catalog.products.iter().enumerate() {
        let mut per_app = Vec::new();
        for (ai, app_def) in product.apps.iter().enumerate() {
            assert!(
                !power::held_of(&catalog, pi, ai).is_empty(),
                "{} {} holds nothing",
                product.slug,
                app_def.name
            );
            // As every front end computes it: who signs in from the product
            // file, with the document's line cited.
            let a = power::app_analysis(&catalog, pi, ai);
            table.push_str(&format!("| {} | {} |", product.slug, app_def.name));
            for o in OUTCOMES {
                table.push_str(&format!(" {} |", a.reached(o).as_str()));
            }
            table.push('\n');
            per_app.push(a.clone());
            found.push((product.slug.clone(), app_def.name.clone(), a));
        }
        let strongest = Analysis::strongest(&per_app);
        assert_eq!(
            power::product_analysis(&catalog, pi, None).outcomes,
            if per_app.len() == 1 {
                per_app[0].clone()
            } else {
                strongest.clone()
            }
        );
        table.push_str(&format!("| {} | (product) |", product.slug));
        for o in OUTCOMES {
            table.push_str(&format!(" {} |", strongest.reached(o).as_str()));
        }
        table.push('\n');
    }
    println!("{table}");

    let get = |slug: &str, app_name: &str| -> &Analysis {
        &found
            .iter()
            .find(|(s, a, _)| s == slug && a == app_name)
            .unwrap_or_else(|| panic!("{slug} / {app_name} not bundled"))
            .2
    };
    // AvePoint Cloud Backup for Azure holds RoleManagement.ReadWrite.Directory.
    let azure = get("avepoint-cloud-backup-azure", "AvePoint Cloud Backup for Azure");
    assert_eq!(
        steps(&paths(azure, "global-admin")[0]),
        ["RoleManagement.ReadWrite.Directory"]
    );
    for outcome in OUTCOMES {
        assert_eq!(azure.reached(outcome), Reached::Direct, "{outcome}");
    }
    // The B2C app too, and it can take over customer accounts through identity providers.
    let b2c = get(
        "avepoint-cloud-backup-azure-ad-b2c",
        "AvePoint Cloud Backup for Azure AD B2C",
    );
    assert_eq!(b2c.reached("global-admin"), Reached::Direct);
    // NAKIVO: every mailbox (Graph Mail.ReadWrite and Exchange full_access_as_app)
    // and every file, but no unconditional way to Global Administrator.
    let nakivo = get("nakivo", "NAKIVO Backup & Replication");
    for outcome in ["all-mail-read", "all-mail-write", "all-files-read", "all-files-write"] {
        assert_eq!(nakivo.reached(outcome), Reached::Direct, "{outcome}");
    }
    let mail_apis: BTreeSet<&str> = paths(nakivo, "all-mail-write")
        .iter()
        .filter(|p| p.conditions.is_empty())
        .map(|p| p.steps[0].api.as_str())
        .collect();
    assert_eq!(mail_apis, BTreeSet::from([GRAPH, EXCHANGE]));
    assert_eq!(nakivo.reached("global-admin"), Reached::Conditional);
    // AvePoint Cloud Backup Express: SharePoint Sites.FullControl.All writes every
    // file; its mail goes through Exchange.ManageAsApp and the role behind it.
    let express = get("avepoint-cloud-backup-express", "AvePoint Cloud Backup Express");
    assert_eq!(express.reached("all-files-write"), Reached::Direct);
    assert_eq!(express.reached("all-mail-read"), Reached::Conditional);
    assert_eq!(express.reached("global-admin"), Reached::No);
    assert_eq!(express.reached("tenant-lockout"), Reached::No);
    // Xopero ONE Registrator: a Global Administrator signs in (the product
    // file records the document's line), refresh tokens keep it.
    for (slug, line) in [("gitprotect", 23), ("xopero-one", 25)] {
        let registrator = get(slug, "Xopero ONE Registrator");
        assert_eq!(registrator.reached("global-admin"), Reached::Direct, "{slug}");
        let lasting = path_with(
            registrator,
            "global-admin",
            &["Directory.AccessAsUser.All", "offline_access"],
        );
        assert!(lasting.conditions.is_empty());
        let cited = format!("with a Global Administrator signed in (the document's line {line})");
        assert!(lasting.explanation.contains(&cited), "{slug}: {}", lasting.explanation);
        // Without refresh tokens, the condition names who and cites the line too.
        let brief = path_with(registrator, "global-admin", &["Directory.AccessAsUser.All"]);
        assert!(
            brief.conditions.iter().any(|c| c.contains(&format!(
                "a Global Administrator (the document's line {line}) is signed in"
            ))),
            "{slug}: {:?}",
            brief.conditions
        );
        let pro = get(slug, "Xopero ONE MS365 PRO");
        assert_eq!(pro.reached("all-mail-write"), Reached::Direct);
        assert_eq!(pro.reached("global-admin"), Reached::Conditional);
    }
    // AvePoint Cloud Backup for Azure DevOps: only through the signed-in user's
    // Azure DevOps rights and Azure, under conditions.
    let devops = get(
        "avepoint-cloud-backup-azure-devops",
        "AvePoint Cloud Backup for Azure DevOps",
    );
    assert_eq!(devops.reached("global-admin"), Reached::Conditional);
    assert!(
        paths(devops, "global-admin")
            .iter()
            .all(|p| mentions(p, "service connection"))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A damaged model file is refused with a position, never a panic.
    #[test]
    fn damaged_model_files_never_panic(cut in 0usize..100_000, at in 0usize..100_000, byte in 0u8..128) {
        let text = include_str!("../data/capabilities.json");
        let mut bytes = text.as_bytes()[..cut % text.len()].to_vec();
        if !bytes.is_empty() {
            let i = at % bytes.len();
            bytes[i] = byte;
        }
        let damaged = String::from_utf8_lossy(&bytes);
        if let Err(e) = CapabilityModel::from_json(&damaged, "damaged.json") {
            prop_assert!(e.to_string().starts_with("damaged.json"));
        }
        let mut layered = model().clone();
        let _ = layered.layer_json(&damaged, "damaged.json");
    }
}
