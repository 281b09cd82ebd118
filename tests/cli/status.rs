//! `status`: the last sign-in and live credentials (exit 0), none or expired (exit 1).

use predicates::prelude::*;

use crate::support::*;

#[test]
fn after_login_status_shows_user_groups_identity_and_time_left() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "user_pool_id       {}  (config file ",
            pool.user_pool_id
        )))
        .stdout(predicate::str::contains(
            "signed in as       alice-premium at ",
        ))
        .stdout(predicate::str::contains(
            "groups             premium-users\n",
        ))
        .stdout(predicate::str::contains(format!(
            "identity id        {}\n",
            sb.session("dev")["identity_id"].as_str().unwrap()
        )))
        .stdout(
            predicate::str::is_match(
                r"credentials        \*+[A-Z0-9]{4} in .*: live, expires \S+ \(\d+ minutes? left\)",
            )
            .unwrap(),
        );
    let out = sb
        .cmd()
        .args(["status", "--profile", "dev", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["session"]["username"], ALICE);
    assert_eq!(json["session"]["groups"][0], "premium-users");
    assert_eq!(json["credentials"]["live"], true);
    assert_eq!(json["credentials"]["temporary"], true);
}

#[test]
fn no_credentials_exit_1() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["status", "--profile", "nothing"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "credentials        none in the credentials file",
        ));
}

#[test]
fn expired_credentials_exit_1() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    std::fs::write(
        sb.credentials(),
        "[old]\naws_access_key_id = ASIAEXPIRED1234\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2020-01-01T00:00:00Z\n",
    )
    .unwrap();
    sb.cmd()
        .args(["status", "--profile", "old"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("***********1234 in ").and(predicate::str::contains(
                ": EXPIRED at 2020-01-01T00:00:00Z",
            )),
        );
}
