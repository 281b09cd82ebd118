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
    for args in [
        &["--help"][..],
        &["configure", "--help"],
        &["login", "--help"],
        &["status", "--help"],
    ] {
        Sandbox::new()
            .cmd()
            .args(args)
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:\n  cognito-auth "));
    }
}
