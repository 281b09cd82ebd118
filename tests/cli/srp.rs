//! USER_SRP_AUTH end to end against `tests/support/srp_server.py`, a small verifier that checks
//! PASSWORD_CLAIM_SIGNATURE for real (moto's SRP accepts anything). The SRP math itself is
//! checked against pycognito and amazon-cognito-identity-js vectors in `auth::srp`.

use predicates::prelude::*;

use crate::support::*;

const POOL: &str = "us-east-1_SrpVerifier1";
const CLIENT: &str = "srpclient123";
const SECRET: &str = "srp-client-secret-0123456789";
const PASSWORD: &str = "Srp-Pässword:42";

/// A verifier for alice, and a sandbox whose user-pool calls go to it (identity calls: moto).
fn verifier(secret: bool) -> (Emulator, Sandbox) {
    let secret = secret.then_some(SECRET);
    srp_sandbox((POOL, CLIENT, secret), (ALICE, PASSWORD), &[], &[])
}

#[test]
fn the_verifier_agrees_with_both_reference_implementations() {
    let python = std::env::var("MOTO_PYTHON")
        .unwrap_or_else(|_| format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR")));
    std::process::Command::new(python)
        .arg(format!(
            "{}/tests/support/srp_server.py",
            env!("CARGO_MANIFEST_DIR")
        ))
        .arg("--check-vectors")
        .output()
        .map(|out| {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                "12 vectors verified\n"
            );
        })
        .unwrap();
}

#[test]
fn srp_sign_in_with_a_client_secret_is_accepted_by_a_real_verifier() {
    let (_server, sb) = verifier(true);
    sb.cmd()
        .args([
            "login",
            "--profile",
            "dev",
            "-u",
            ALICE,
            "--auth-flow",
            "srp",
        ])
        .env("COGNITO_PASSWORD", PASSWORD)
        .assert()
        .success()
        .stderr(predicate::str::contains("Signed in as alice-premium"))
        .stderr(predicate::str::contains("note:").not());
    assert!(
        sb.read(".aws/credentials")
            .starts_with("[dev]\naws_access_key_id = ")
    );
}

#[test]
fn a_wrong_password_fails_the_srp_signature() {
    let (_server, sb) = verifier(false);
    sb.cmd()
        .args(["configure", "--profile", "dev", "--auth-flow", "srp"])
        .assert()
        .success();
    let before = sb.snapshot();
    sb.login("dev", ALICE, "not-the-password")
        .code(1)
        .stderr("error: sign-in refused for `alice-premium`: Incorrect username or password.\nhint: check the username and password; a user locked out by too many attempts must wait before retrying\n");
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn a_client_without_user_password_auth_falls_back_to_srp_once() {
    let record = tempfile::NamedTempFile::new().unwrap();
    let (_server, sb) = srp_sandbox(
        (POOL, CLIENT, None),
        (ALICE, PASSWORD),
        &[("SRP_TEST_RECORD", record.path().to_str().unwrap())],
        &[],
    );
    sb.login("dev", ALICE, PASSWORD)
        .success()
        .stderr(predicate::str::contains(
            "note: this app client does not allow USER_PASSWORD_AUTH (USER_PASSWORD_AUTH flow not enabled for this client); signing in with SRP instead",
        ))
        .stderr(predicate::str::contains(
            "note: to use SRP from the start: cognito-auth configure --profile dev --auth-flow srp",
        ));
    // One refused USER_PASSWORD_AUTH, then SRP: no retry of the refused flow, no second SRP.
    let flows: Vec<String> = std::fs::read_to_string(record.path())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|b| b["Target"] == "InitiateAuth")
        .map(|b| b["AuthFlow"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(flows, ["USER_PASSWORD_AUTH", "USER_SRP_AUTH"]);
}

/// A verifier that asks `challenges` (in order) after the password, as a pool with MFA does.
fn verifier_with(challenges: &str) -> (Emulator, Sandbox) {
    srp_sandbox(
        (POOL, CLIENT, None),
        (ALICE, PASSWORD),
        &[("SRP_TEST_CHALLENGES", challenges)],
        &["--auth-flow", "srp"],
    )
}

#[test]
fn challenges_in_any_order_and_number_are_answered() {
    let (_server, mut sb) = verifier_with("SELECT_MFA_TYPE,EMAIL_OTP,SMS_MFA");
    sb.env("COGNITO_MFA_CODE", "135790");
    sb.login("dev", ALICE, PASSWORD)
        .success()
        .stderr(predicate::str::contains("Signed in as alice-premium"));
}

#[test]
fn an_unknown_challenge_is_an_error_naming_it() {
    let (_server, sb) = verifier_with("CUSTOM_CHALLENGE");
    let before = sb.snapshot();
    sb.login("dev", ALICE, PASSWORD)
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: Cognito asked for the CUSTOM_CHALLENGE challenge, which this version cannot answer\n",
        ));
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn a_wrong_email_code_is_refused() {
    let (_server, mut sb) = verifier_with("EMAIL_OTP");
    sb.env("COGNITO_MFA_CODE", "000000");
    let before = sb.snapshot();
    sb.login("dev", ALICE, PASSWORD)
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: the MFA code was refused: Invalid code or answer received for user\n",
        ));
    assert_eq!(sb.snapshot(), before);
}
