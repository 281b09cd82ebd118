//! Longer sessions and role choice: the basic flow (GetOpenIdToken, then STS with
//! DurationSeconds) against moto's STS, CustomRoleArn in the enhanced flow, and `roles`.
//! moto's GetOpenIdToken is a stub and its STS checks neither the token nor the role's
//! MaxSessionDuration, so these tests check what was asked for and what came back; the
//! explanation of STS's refusals is unit-tested in `identity`.

use predicates::prelude::*;

use crate::support::*;

const PREMIUM: &str = "arn:aws:iam::123456789012:role/CognitoPremiumUserRole";
const BASIC: &str = "arn:aws:iam::123456789012:role/CognitoBasicUserRole";

/// A role ARN no other test asks for (moto's STS assumes any role), so the STS calls a test
/// counts in moto's shared log are its own.
fn own_role(name: &str) -> String {
    format!(
        "arn:aws:iam::123456789012:role/{name}-{}-{}",
        std::process::id(),
        now_nanos()
    )
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// The AssumeRoleWithWebIdentity calls moto received for `role`.
fn sts_calls(role: &str) -> Vec<std::collections::HashMap<String, String>> {
    recorded_form("AssumeRoleWithWebIdentity")
        .into_iter()
        .filter(|c| c["RoleArn"] == role)
        .collect()
}

#[test]
fn twelve_hours_through_the_basic_flow_and_its_refresh() {
    let premium = own_role("Premium");
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.cmd()
        .args([
            "login",
            "--profile",
            "dev",
            "-u",
            ALICE,
            "--duration",
            "12h",
            "--role-arn",
            &premium,
        ])
        .env("COGNITO_PASSWORD", ALICE_PASSWORD)
        .assert()
        .success()
        .stderr(
            predicate::str::contains("(720 minutes)").or(predicate::str::contains("(719 minutes)")),
        );
    let calls = sts_calls(&premium);
    assert_eq!(calls.len(), 1);
    let call = calls.last().unwrap();
    assert_eq!(call["DurationSeconds"], "43200");
    assert_eq!(call["RoleSessionName"], "cognito-auth-alice-premium");
    let expires = sb.session("dev")["credentials"]["expiration"]
        .as_i64()
        .unwrap();
    assert!(
        (now() + 43_100..=now() + 43_200).contains(&expires),
        "{expires}"
    );
    assert!(recorded("GetOpenIdToken", &pool.user_pool_id).len() == 1);

    // A refresh keeps the flow, the role and the duration.
    sb.edit_session("dev", |s| {
        s["credentials"]["issued_at"] = (now() - 43_000).into();
        s["credentials"]["expiration"] = (now() + 100).into();
    });
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .assert()
        .success();
    let calls = sts_calls(&premium);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1]["DurationSeconds"], "43200");
}

#[test]
fn bad_durations_are_refused_before_any_request() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    for bad in ["0", "13h", "abc"] {
        sb.cmd()
            .args(["login", "--profile", "dev", "-u", ALICE, "--duration", bad, "--role-arn", PREMIUM])
            .env("COGNITO_PASSWORD", ALICE_PASSWORD)
            .assert()
            .code(2)
            .stderr(format!(
                "error: invalid duration (from flag --duration) `{bad}`: expected between 1h and 12h, e.g. 8h, 90m or 3600 (seconds)\n"
            ));
    }
    assert!(recorded("InitiateAuth", &pool.public_client_id).is_empty());
    sb.cmd()
        .args(["configure", "--profile", "dev", "--duration", "13h"])
        .assert()
        .code(2);
}

#[test]
fn a_role_without_duration_asks_the_enhanced_flow_for_it() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.cmd()
        .args(["configure", "--profile", "dev", "--role-arn", BASIC])
        .assert()
        .success();
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    let calls = recorded("GetCredentialsForIdentity", &pool.user_pool_id);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["CustomRoleArn"], BASIC);
}

#[test]
fn roles_lists_the_token_roles_and_the_basic_flow_takes_the_preferred_one() {
    // moto has no role mappings, so cognito:roles comes from the SRP verifier's tokens.
    let (premium, basic) = (own_role("Premium"), own_role("Basic"));
    let roles = format!("{premium},{basic}");
    let (_server, sb) = srp_sandbox(
        ("us-east-1_Roles1", "rolesclient", None),
        (ALICE, ALICE_PASSWORD),
        &[
            ("SRP_TEST_ROLES", &roles),
            ("SRP_TEST_PREFERRED_ROLE", &premium),
        ],
        &["--auth-flow", "srp"],
    );
    sb.cmd()
        .args(["login", "--profile", "dev", "-u", ALICE, "--duration", "2h"])
        .env("COGNITO_PASSWORD", ALICE_PASSWORD)
        .assert()
        .success();
    let calls = sts_calls(&premium);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls.last().unwrap()["DurationSeconds"], "7200");
    sb.cmd()
        .args(["roles", "--profile", "dev"])
        .assert()
        .success()
        .stdout(format!("{premium}\tpreferred\n{basic}\n"));
}

/// With several roles on offer, none chosen and a terminal, login asks which; the pick goes to
/// the enhanced flow as CustomRoleArn. Without a terminal nothing is asked and no role is sent.
#[cfg(target_os = "linux")]
#[test]
fn with_several_roles_and_none_chosen_login_asks_which_at_a_terminal() {
    let (premium, basic) = (own_role("Premium"), own_role("Basic"));
    let roles = format!("{premium},{basic}");
    let (_server, mut sb) = srp_sandbox(
        ("us-east-1_Prompt1", "promptclient", None),
        (ALICE, ALICE_PASSWORD),
        &[
            ("SRP_TEST_ROLES", &roles),
            ("SRP_TEST_PREFERRED_ROLE", &premium),
        ],
        &["--auth-flow", "srp"],
    );
    sb.env("COGNITO_PASSWORD", ALICE_PASSWORD);
    let (status, screen) = sb.on_terminal(&format!("login --profile dev -u {ALICE}"), "2\n");
    assert!(status.success(), "{screen}");
    assert!(
        screen.contains("Your groups offer several roles"),
        "{screen}"
    );
    assert!(screen.contains(&format!("1) {premium}")), "{screen}");
    assert!(screen.contains(&format!("2) {basic}")), "{screen}");
    let calls = recorded("GetCredentialsForIdentity", &basic);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["CustomRoleArn"], basic.as_str());
    assert_eq!(sb.session("dev")["role"]["role_arn"], basic.as_str());

    // No terminal: no question, no role asked for.
    sb.cmd()
        .args(["login", "--profile", "dev", "--fresh", "-u", ALICE])
        .assert()
        .success()
        .stderr(predicate::str::contains("several roles").not());
    assert_eq!(recorded("GetCredentialsForIdentity", &basic).len(), 1);
    assert!(recorded("GetCredentialsForIdentity", &premium).is_empty());
}
