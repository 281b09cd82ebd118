//! Files of ours that cannot be read (not UTF-8, a folder in their place, JSON of another shape,
//! cut short) are treated as corrupt: `logout` removes them, the other commands say to sign in
//! again (exit 1, `error:` and `hint:`), and nothing is written on the way.

use std::path::Path;

use predicates::prelude::*;

use crate::support::*;

/// A way to spoil a file: its name, what it does, and words the error must say about it.
type Spoiler = (&'static str, fn(&Path), &'static str);

/// Ways a session file can be spoiled.
fn corruptions() -> Vec<Spoiler> {
    fn not_utf8(path: &Path) {
        std::fs::write(path, b"\xff\xfe{\"username\": \"\xe9\"}").unwrap();
    }
    fn a_folder(path: &Path) {
        std::fs::remove_file(path).unwrap();
        std::fs::create_dir(path).unwrap();
        std::fs::write(path.join("inside"), "x").unwrap();
    }
    fn other_shape(path: &Path) {
        std::fs::write(path, "[\"a\", \"list\"]\n").unwrap();
    }
    fn cut_short(path: &Path) {
        let text = std::fs::read_to_string(path).unwrap();
        std::fs::write(path, &text[..text.len() / 2]).unwrap();
    }
    vec![
        ("not UTF-8", not_utf8, "not UTF-8 text"),
        ("a folder", a_folder, "Is a directory"),
        ("another shape", other_shape, "not a session"),
        ("cut short", cut_short, "not a session"),
    ]
}

fn signed_in() -> Sandbox {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    sb
}

/// Runs `args`, expecting exit 1, an `error:` line containing `error` and a `hint:` line
/// containing `hint`, nothing on stdout and no file changed.
fn says(sb: &Sandbox, args: &[&str], error: &str, hint: &str) {
    let before = sb.snapshot_but_failure_record();
    let out = sb
        .cmd()
        .args(args)
        .assert()
        .code(1)
        .stdout("")
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{args:?}: {stderr}");
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains(error),
        "{args:?}: {stderr}"
    );
    assert!(
        lines[1].starts_with("hint: ") && lines[1].contains(hint),
        "{args:?}: {stderr}"
    );
    assert_eq!(
        sb.snapshot_but_failure_record(),
        before,
        "{args:?} changed a file"
    );
}

#[test]
fn an_unreadable_session_says_to_sign_in_and_logout_removes_it() {
    for (name, spoil, why) in corruptions() {
        let sb = signed_in();
        let file = sb.session_file("dev");
        spoil(&file);
        let error = format!(
            "error: profile `dev` has no live session: its cached session cannot be read ({}: ",
            file.display()
        );
        for args in [
            &["credential-process", "--profile", "dev"][..],
            &["export", "--profile", "dev"],
            &["token", "--profile", "dev"],
            &["exec", "--profile", "dev", "--", "true"],
        ] {
            says(&sb, args, &error, "run `cognito-auth login --profile dev`");
            says(&sb, args, why, "login");
        }
        // status still shows the profile.
        sb.cmd()
            .args(["status", "--profile", "dev"])
            .assert()
            .stdout(predicate::str::contains("dev"));
        sb.cmd()
            .args(["logout", "--profile", "dev"])
            .assert()
            .success()
            .stderr(predicate::str::contains(
                "deleted the cached session, which could not be read",
            ))
            .stderr(predicate::str::contains("so the keys in [dev] of"));
        assert!(!file.exists(), "{name}: the session is still there");
        assert!(
            sb.read(".aws/credentials").contains("aws_session_token"),
            "{name}: keys that cannot be told ours are left"
        );
        sb.login("dev", ALICE, ALICE_PASSWORD).success();
        sb.cmd()
            .args(["credential-process", "--profile", "dev"])
            .assert()
            .success();
    }
}

#[test]
fn login_replaces_an_unreadable_session() {
    let sb = signed_in();
    std::fs::write(sb.session_file("dev"), b"\xff\xfe").unwrap();
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    assert_eq!(sb.session("dev")["username"], ALICE);
}

#[test]
fn an_unreadable_refresh_token_says_to_sign_in_and_logout_removes_it() {
    let spoilers: [Spoiler; 3] = [
        (
            "not UTF-8",
            |p| std::fs::write(p, b"\xff\xfe").unwrap(),
            "not UTF-8 text",
        ),
        (
            "a folder",
            |p| {
                std::fs::remove_file(p).unwrap();
                std::fs::create_dir(p).unwrap();
            },
            "Is a directory",
        ),
        (
            "not one token",
            |p| std::fs::write(p, "{\"refresh\": \"two words\"}\n").unwrap(),
            "not a refresh token",
        ),
    ];
    for (name, spoil, why) in spoilers {
        let sb = signed_in();
        let file = sb.cache_dir().join("profiles/dev.refresh");
        assert!(file.is_file(), "the tests keep refresh tokens in a file");
        spoil(&file);
        sb.age_tokens("dev");
        let error = format!(
            "error: profile `dev` has no live session: its refresh token file cannot be read ({}: {why}",
            file.display()
        );
        says(
            &sb,
            &["credential-process", "--profile", "dev"],
            &error,
            "run `cognito-auth login --profile dev`",
        );
        sb.cmd()
            .args(["logout", "--profile", "dev"])
            .assert()
            .success()
            .stderr(predicate::str::contains(
                "the refresh token was not revoked",
            ));
        assert!(!file.exists(), "{name}: the refresh token is still there");
        assert!(!sb.session_file("dev").exists());
    }
}

/// A client-credentials profile against the OAuth server.
fn m2m() -> Sandbox {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["configure", "--profile", "reporting"])
        .args(["--hosted-ui-domain", &oauth_server().endpoint])
        .args(["--client-id", M2M_CLIENT_ID, "--client-secret-stdin"])
        .write_stdin(format!("{M2M_CLIENT_SECRET}\n"))
        .assert()
        .success();
    sb
}

fn m2m_token(sb: &Sandbox) -> assert_cmd::assert::Assert {
    sb.cmd()
        .args(["token", "--client-credentials", "--profile", "reporting"])
        .args(["--scope", "orders/read"])
        .assert()
}

#[test]
fn an_unreadable_client_credentials_cache_is_replaced_or_removed_by_logout() {
    let sb = m2m();
    m2m_token(&sb).success();
    let file = sb.cache_dir().join("client-credentials/reporting.json");
    assert!(file.is_file());

    // Bytes that are not UTF-8 are as good as garbage: a new token replaces them.
    std::fs::write(&file, b"\xff\xfe").unwrap();
    m2m_token(&sb).success();
    let cached: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(cached["client_id"], M2M_CLIENT_ID);

    // A folder in its place cannot be replaced: logout removes it.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    says(
        &sb,
        &[
            "token",
            "--client-credentials",
            "--profile",
            "reporting",
            "--scope",
            "orders/read",
        ],
        &format!(
            "error: the client-credentials token cache of profile `reporting` cannot be read ({}: Is a directory",
            file.display()
        ),
        "`cognito-auth logout --profile reporting` removes it",
    );
    sb.cmd()
        .args(["logout", "--profile", "reporting"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "deleted the cached client-credentials token",
        ));
    assert!(!file.exists());
    m2m_token(&sb).success();
}

#[test]
fn a_bad_stored_value_does_not_block_the_configure_that_fixes_it_or_status() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.our_config().parent().unwrap()).unwrap();
    std::fs::write(
        sb.our_config(),
        "[dev]\nuser_pool_id = us-east-1_abc\nclient_id = c\nauth_flow = bogus\n",
    )
    .unwrap();
    let bad = "invalid auth flow (from config file";
    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .code(1) // no credentials: the usual answer, not a settings error
        .stdout(predicate::str::contains("us-east-1_abc"))
        .stderr(predicate::str::starts_with(
            "warning: auth_flow `bogus` (from config file",
        ));
    sb.cmd()
        .args(["login", "--profile", "dev", "-u", ALICE])
        .env("COGNITO_PASSWORD", ALICE_PASSWORD)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(bad));
    sb.cmd()
        .args(["configure", "--profile", "dev", "--auth-flow", "srp"])
        .assert()
        .success();
    assert!(
        sb.read(".config/cognito-auth/config")
            .contains("auth_flow = srp")
    );
    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .stderr("");
}

#[test]
fn config_files_that_are_not_utf8_are_malformed_at_their_line() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.our_config().parent().unwrap()).unwrap();
    std::fs::write(sb.our_config(), b"[dev]\nclient_id = caf\xe9\n").unwrap();
    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .code(1)
        .stderr(format!(
            "error: {}:2: not UTF-8 text\nhint: fix or remove that line; cognito-auth changes nothing until then\n",
            sb.our_config().display()
        ));
    std::fs::remove_file(sb.our_config()).unwrap();
    let python = sb.path(".cognito-cli-config.json");
    std::fs::write(&python, b"{\n\"client_id\": \"\xff\"}\n").unwrap();
    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(format!(
            "error: {}:2: not UTF-8 text\n",
            python.display()
        )));
}
