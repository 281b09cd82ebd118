//! `--version`, `--help` with an example on every command, and NO_COLOR.

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
        &["console"],
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

/// Errors are coloured on a terminal, and not at all with NO_COLOR (of any value) or when
/// stderr is not a terminal.
#[cfg(target_os = "linux")]
#[test]
fn no_color_turns_the_colour_of_errors_off() {
    let bad = "configure --profile dev --user-pool-id not-a-pool-id";
    let mut sb = Sandbox::new();
    let (status, screen) = sb.on_terminal(bad, "");
    assert_eq!(status.code(), Some(2), "{screen}");
    assert!(
        screen.contains("\x1b[31merror\x1b[0m: invalid user pool id"),
        "{screen:?}"
    );
    sb.env("NO_COLOR", "1");
    let (status, screen) = sb.on_terminal(bad, "");
    assert_eq!(status.code(), Some(2), "{screen}");
    assert!(screen.contains("error: invalid user pool id"), "{screen:?}");
    assert!(!screen.contains('\x1b'), "{screen:?}");
    // Not a terminal: no colour even without NO_COLOR.
    Sandbox::new()
        .cmd()
        .args(bad.split(' '))
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with("error: invalid user pool id"));
}
