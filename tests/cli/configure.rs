//! `configure`: validation, the 0600 file, secrets from stdin or the environment only.

use predicates::prelude::*;

use crate::support::*;

const IDENTITY_POOL: &str = "us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

#[test]
fn flags_are_saved_without_prompts_in_a_private_file() {
    let sb = Sandbox::new();
    sb.cmd()
        .args([
            "configure",
            "--profile",
            "dev",
            "--user-pool-id",
            "us-east-1_AbC123",
            "--client-id",
            "client1",
        ])
        .args(["--identity-pool-id", IDENTITY_POOL, "--username", "alice"])
        .assert()
        .success()
        .stdout("");
    assert_eq!(
        std::fs::read_to_string(sb.our_config()).unwrap(),
        format!(
            "[dev]\nuser_pool_id = us-east-1_AbC123\nclient_id = client1\nidentity_pool_id = {IDENTITY_POOL}\nusername = alice\n"
        )
    );
    assert_eq!(mode(&sb.our_config()), 0o600);
    // A second run changes one value in place and keeps the rest.
    sb.cmd()
        .args(["configure", "--profile", "dev", "--region", "eu-west-1"])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(sb.our_config())
            .unwrap()
            .ends_with("username = alice\nregion = eu-west-1\n")
    );
}

#[test]
fn malformed_ids_are_refused_with_the_expected_shape() {
    let sb = Sandbox::new();
    let cases = [
        (
            "--user-pool-id",
            "us-east-1",
            "expected <region>_<id>, e.g. us-east-1_AbC123xyz",
        ),
        (
            "--identity-pool-id",
            "us-east-1_abc",
            "expected <region>:<uuid>, e.g. us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        ),
        (
            "--client-id",
            "bad id",
            "expected 1-128 letters, digits, `_` or `+`",
        ),
        (
            "--region",
            "Mars",
            "expected a region name such as us-east-1",
        ),
    ];
    for (flag, value, expected) in cases {
        sb.cmd()
            .args(["configure", flag, value])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("`{value}`: {expected}")));
    }
    assert!(!sb.our_config().exists());
}

#[test]
fn client_secret_from_stdin_or_environment_never_printed() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["configure", "--profile", "a", "--client-secret-stdin"])
        .write_stdin("s3cr3t-from-stdin\n")
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("s3cr3t").not());
    sb.cmd()
        .args(["configure", "--profile", "b", "--client-id", "c"])
        .env("COGNITO_CLIENT_SECRET", "s3cr3t-from-env")
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(
            "Saving the client secret from COGNITO_CLIENT_SECRET",
        ))
        .stderr(predicate::str::contains("s3cr3t").not());
    let text = std::fs::read_to_string(sb.our_config()).unwrap();
    assert!(
        text.contains("[a]\nclient_secret = s3cr3t-from-stdin\n"),
        "{text}"
    );
    assert!(
        text.contains("[b]\nclient_id = c\nclient_secret = s3cr3t-from-env\n"),
        "{text}"
    );
    // status shows that a secret is set, not the secret.
    sb.cmd()
        .args(["status", "--profile", "a"])
        .assert()
        .stdout(predicate::str::contains(
            "client_secret      set  (config file",
        ))
        .stdout(predicate::str::contains("s3cr3t").not());
    sb.cmd()
        .args(["configure", "--profile", "a", "--no-client-secret"])
        .assert()
        .success();
    assert!(
        !std::fs::read_to_string(sb.our_config())
            .unwrap()
            .contains("s3cr3t-from-stdin")
    );
}

#[test]
fn there_is_no_client_secret_flag() {
    Sandbox::new()
        .cmd()
        .args(["configure", "--client-secret", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unexpected argument '--client-secret'",
        ));
}

#[test]
fn no_flags_and_no_terminal_is_a_usage_error() {
    let sb = Sandbox::new();
    sb.cmd()
        .arg("configure")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: nothing to configure: pass settings as flags",
        ));
    assert!(!sb.our_config().exists());
}

#[test]
fn cognito_auth_config_points_at_another_file() {
    let mut sb = Sandbox::new();
    let path = sb.path("custom/cognito.ini");
    sb.env("COGNITO_AUTH_CONFIG", path.to_str().unwrap());
    sb.cmd()
        .args(["configure", "--client-id", "abc"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "[default]\nclient_id = abc\n"
    );
    assert!(!sb.our_config().exists());
}

/// With no flags and a terminal, configure asks for each value, showing the saved one as the
/// default (Enter keeps it). util-linux `script` gives it a terminal.
#[cfg(target_os = "linux")]
#[test]
fn no_flags_on_a_terminal_prompts_with_current_values() {
    let sb = Sandbox::new();
    sb.cmd()
        .args([
            "configure",
            "--profile",
            "dev",
            "--user-pool-id",
            "us-east-1_Old1",
            "--client-id",
            "oldclient",
        ])
        .assert()
        .success();
    // Answers: keep the pool (Enter), a new client, the identity pool, no region, a username,
    // and a client secret at the hidden prompt.
    let answers =
        "\nnewclient\nus-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n\nalice\nhidden-secret\n";
    let (status, text) = sb.on_terminal("configure --profile dev", answers);
    assert!(status.success(), "{text}");
    assert!(
        text.contains("User pool id (<region>_<id>) [us-east-1_Old1]: "),
        "{text}"
    );
    assert!(text.contains("App client id [oldclient]: "), "{text}");
    assert_eq!(
        std::fs::read_to_string(sb.our_config()).unwrap(),
        "[dev]\nuser_pool_id = us-east-1_Old1\nclient_id = newclient\nidentity_pool_id = us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\nusername = alice\nclient_secret = hidden-secret\n"
    );
}
