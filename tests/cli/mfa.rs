//! Second factors against moto: MFA_SETUP after NEW_PASSWORD_REQUIRED (with the otpauth URI and
//! a QR code), SOFTWARE_TOKEN_MFA with codes it checks, SMS_MFA, and every way to give a code.
//! Codes come from `mfa_process` running `tests/support/totp.py` at the moment they are asked
//! for, so a test never races the 30-second TOTP window by more than a process start.

use predicates::prelude::*;

use crate::support::*;

#[test]
fn totp_setup_then_codes_from_every_source() {
    let pool = Pool::new();
    pool.require_totp();
    let mut sb = Sandbox::new();
    sb.configure("dev", &pool, true);
    sb.cmd()
        .args([
            "configure",
            "--profile",
            "dev",
            "--mfa-process",
            &totp_process(),
        ])
        .assert()
        .success();
    sb.env("COGNITO_NEW_PASSWORD", "BobsNewPass9");
    // First sign-in: new password, then MFA_SETUP: the secret, its URI and a QR code.
    sb.login("dev", BOB, BOB_TEMP_PASSWORD)
        .success()
        .stderr(predicate::str::contains("enter the secret asdfasdfasdf"))
        .stderr(predicate::str::contains(
            "otpauth://totp/Cognito%20us-east-1_",
        ))
        .stderr(predicate::str::contains(
            "secret=asdfasdfasdf&issuer=Cognito%20us-east-1_",
        ))
        .stderr(predicate::str::contains("\u{2588}"))
        .stderr(predicate::str::contains("note: authenticator app verified"))
        .stderr(predicate::str::contains("Signed in as bob-basic"));
    let challenges: Vec<String> = recorded("RespondToAuthChallenge", &pool.secret_client_id)
        .iter()
        .map(|b| b["ChallengeName"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(challenges, ["NEW_PASSWORD_REQUIRED", "MFA_SETUP"]);

    // Later sign-ins ask for a code. A wrong one is refused and nothing is written.
    let before = sb.snapshot();
    sb.cmd()
        .args(["login", "--profile", "dev", "-u", BOB, "--fresh", "--mfa-code", "000000"])
        .env("COGNITO_PASSWORD", "BobsNewPass9")
        .assert()
        .code(1)
        .stderr("error: the MFA code was refused: MFA Code Mismatch\nhint: use the current code (authenticator codes change every 30 seconds) and sign in again\n");
    assert_eq!(sb.snapshot(), before);

    // No code and no terminal: a clear error, not a hang.
    sb.cmd()
        .args(["configure", "--profile", "dev", "--mfa-process", ""])
        .assert()
        .success();
    let before = sb.snapshot();
    sb.cmd()
        .args(["login", "--profile", "dev", "-u", BOB, "--fresh"])
        .env("COGNITO_PASSWORD", "BobsNewPass9")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("error: an MFA code is needed but there is no terminal to ask on\nhint: pass --mfa-code, set COGNITO_MFA_CODE, or set mfa_process"));
    assert_eq!(sb.snapshot(), before);

    // mfa_process from the environment this time.
    sb.cmd()
        .args(["login", "--profile", "dev", "-u", BOB, "--fresh"])
        .env("COGNITO_PASSWORD", "BobsNewPass9")
        .env("COGNITO_MFA_PROCESS", totp_process())
        .assert()
        .success();
    let last = recorded("RespondToAuthChallenge", &pool.secret_client_id)
        .pop()
        .unwrap();
    assert_eq!(last["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(last["ChallengeResponses"]["USERNAME"], BOB);
    assert!(last["ChallengeResponses"]["SECRET_HASH"].is_string());
}

#[test]
fn sms_code_from_the_environment() {
    // moto accepts any SMS code: this checks what we sent, not that it was right.
    let pool = Pool::new();
    pool.enable_sms_mfa(ALICE);
    let mut sb = Sandbox::new();
    sb.env("COGNITO_MFA_CODE", "424242");
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    let reply = recorded("RespondToAuthChallenge", &pool.public_client_id)
        .pop()
        .unwrap();
    assert_eq!(reply["ChallengeName"], "SMS_MFA");
    assert_eq!(reply["ChallengeResponses"]["SMS_MFA_CODE"], "424242");
}

/// cognito-local keeps a real secret per user and checks every code.
#[test]
fn totp_codes_checked_by_cognito_local() {
    let pool = LocalPool::new();
    let secret = pool.enable_totp();
    let sb = pool.sandbox();
    let before = sb.snapshot();
    sb.cmd()
        .args([
            "login",
            "--profile",
            "dev",
            "-u",
            ALICE,
            "--mfa-code",
            "000000",
        ])
        .env("COGNITO_PASSWORD", ALICE_PASSWORD)
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: the MFA code was refused: Incorrect confirmation code\n",
        ));
    assert_eq!(sb.snapshot(), before);
    sb.login("dev", ALICE, ALICE_PASSWORD)
        .code(1)
        .stderr(predicate::str::contains("an MFA code is needed"));
    sb.cmd()
        .args(["login", "--profile", "dev", "-u", ALICE])
        .env("COGNITO_PASSWORD", ALICE_PASSWORD)
        .env("COGNITO_MFA_PROCESS", totp_process_for(&secret))
        .assert()
        .success()
        .stderr(predicate::str::contains("Signed in as alice-premium"));
}
