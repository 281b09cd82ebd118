//! `--version`, and `--help` with an example on every command.

use predicates::prelude::*;

use crate::support::Sandbox;

#[test]
fn version() {
    Sandbox::new()
        .cmd()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("cognito-auth {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn every_command_has_help_with_an_example() {
    let commands: &[&[&str]] = &[
        &[],
        &["configure"],
        &["login"],
        &["status"],
        &["credential-process"],
        &["export"],
        &["exec"],
        &["token"],
        &["roles"],
        &["logout"],
        &["admin", "bootstrap"],
        &["admin", "policy", "s3"],
        &["admin", "policy", "dynamodb"],
        &["admin", "role", "info"],
        &["admin", "role", "apply-policy"],
    ];
    for args in commands {
        Sandbox::new()
            .cmd()
            .args(*args)
            .arg("--help")
            .assert()
            .success()
            .stdout(
                predicate::str::is_match(r"Examples:\n  (eval |curl |printf |cognito-auth )")
                    .unwrap(),
            );
    }
}
