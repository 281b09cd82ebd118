//! A test per defect found in review, named for what it guards.

use predicates::prelude::*;

use crate::support::*;

#[test]
fn logout_leaves_another_tools_temporary_credentials_alone() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    let saml2aws = "[default]\naws_access_key_id = ASIASAML\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2030-01-01T00:00:00Z\n";
    std::fs::write(sb.credentials(), saml2aws).unwrap();
    sb.cmd().arg("logout").assert().success();
    assert_eq!(sb.read(".aws/credentials"), saml2aws);
}

#[test]
fn a_refresh_does_not_overwrite_keys_another_tool_put_in_the_profile() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    let other = "[dev]\naws_access_key_id = ASIAOTHER\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2030-01-01T00:00:00Z\n";
    std::fs::write(sb.credentials(), other).unwrap();
    sb.age_credentials("dev");
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .assert()
        .success();
    assert_eq!(sb.read(".aws/credentials"), other);
}

#[test]
fn one_file_for_both_aws_variables_is_refused_not_deadlocked() {
    let mut sb = Sandbox::new();
    let both = sb.path("aws-both");
    sb.env("AWS_SHARED_CREDENTIALS_FILE", both.to_str().unwrap())
        .env("AWS_CONFIG_FILE", both.to_str().unwrap());
    sb.cmd()
        .args(["status"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE both point at",
        ));
}

#[test]
fn a_line_break_in_a_setting_cannot_inject_lines() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["configure", "--username", "alice\n[evil]\nclient_id = x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid username"));
    assert!(!sb.our_config().exists());
}

#[test]
fn login_with_another_duration_signs_in_again_instead_of_refreshing() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    sb.cmd()
        .args([
            "login",
            "--profile",
            "dev",
            "--duration",
            "2h",
            "--role-arn",
            "arn:aws:iam::123456789012:role/R",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a password is needed"));
}

#[test]
fn mfa_setup_without_a_terminal_or_code_source_shows_no_seed() {
    let pool = Pool::new();
    pool.require_totp();
    let mut sb = Sandbox::new();
    sb.env("COGNITO_NEW_PASSWORD", "BobsNewPass9");
    sb.configure("dev", &pool, false);
    sb.login("dev", BOB, BOB_TEMP_PASSWORD)
        .code(1)
        .stderr(predicate::str::contains("asdfasdfasdf").not())
        .stderr(predicate::str::contains(
            "an authenticator app set-up (MFA_SETUP) is needed",
        ));
}

#[test]
fn a_refused_configure_credential_process_saves_nothing() {
    // It used to save the other flags, then find the long-term keys and fail.
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    std::fs::write(
        sb.credentials(),
        "[prod]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = s\n",
    )
    .unwrap();
    let before = sb.snapshot();
    sb.cmd()
        .args(["configure", "--profile", "prod", "--credential-process"])
        .args([
            "--user-pool-id",
            "us-east-1_AbC123",
            "--client-id",
            "1example23",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "holds long-term keys that cognito-auth did not write",
        ));
    assert_eq!(sb.snapshot(), before);
    // Without a user pool id it is refused before anything is saved, too.
    sb.cmd()
        .args(["configure", "--profile", "dev", "--credential-process"])
        .args(["--client-id", "1example23"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no user_pool_id is configured"));
    assert_eq!(sb.snapshot(), before);
}
