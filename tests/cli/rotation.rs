//! Refresh-token rotation end to end: GetTokensFromRefreshToken against the stand-in
//! (`tests/support/rotation.py` behind `srp_server.py`), which rotates refresh tokens, retires
//! the old one after the app client's grace period and refuses REFRESH_TOKEN_AUTH on a rotating
//! client; and the fallback to REFRESH_TOKEN_AUTH against moto, which lacks the operation.
//!
//! Grace periods are 0 ("after the grace period": a retired token is refused at once) or 60
//! ("within it"); no test waits on a clock.

use std::process::Stdio;

use serde_json::Value;

use crate::support::*;

const POOL: &str = "us-east-1_Rotation01";
const CLIENT: &str = "rotationclient1";
const SECRET: &str = "rotation-client-secret-42";
const PASSWORD: &str = "Rotate-Me-42";

/// A stand-in whose client rotates refresh tokens with `grace` seconds of grace (`""`: a client
/// without rotation), recording every request; alice signed in to `dev` (SRP, with the client
/// secret when `secret`).
fn signed_in(grace: &str, secret: bool) -> (Emulator, Sandbox, tempfile::NamedTempFile) {
    let record = tempfile::NamedTempFile::new().unwrap();
    let mut env = vec![("SRP_TEST_RECORD", record.path().to_str().unwrap())];
    if !grace.is_empty() {
        env.push(("SRP_TEST_ROTATION", grace));
    }
    let (server, sb) = srp_sandbox(
        (POOL, CLIENT, secret.then_some(SECRET)),
        (ALICE, PASSWORD),
        &env,
        &["--auth-flow", "srp"],
    );
    sb.login("dev", ALICE, PASSWORD).success();
    (server, sb, record)
}

/// The requests the stand-in received for `target` (`GetTokensFromRefreshToken`, or an
/// InitiateAuth flow such as `REFRESH_TOKEN_AUTH`).
fn received(record: &tempfile::NamedTempFile, target: &str) -> Vec<Value> {
    std::fs::read_to_string(record.path())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|b| b["Target"] == target || b["AuthFlow"] == target)
        .collect()
}

/// The refresh token in the sandbox's 0600 token file (the tests keep the keyring off).
fn stored_token(sb: &Sandbox) -> String {
    std::fs::read_to_string(sb.cache_dir().join("profiles/dev.refresh")).unwrap()
}

fn credential_process(sb: &Sandbox) -> std::process::Output {
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .output()
        .unwrap()
}

#[test]
fn a_rotating_client_is_refreshed_with_get_tokens_and_the_new_token_replaces_the_old() {
    let (_server, sb, record) = signed_in("0", true);
    let first = stored_token(&sb);
    for round in 1..=2 {
        sb.age_tokens("dev");
        let out = credential_process(&sb);
        assert!(
            out.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["Version"], 1);
    }
    let calls = received(&record, "GetTokensFromRefreshToken");
    assert_eq!(calls.len(), 2, "one GetTokensFromRefreshToken per refresh");
    // The first refresh sent the sign-in's token, the second the one the first got back: with
    // no grace period, the stand-in would have refused a retired one.
    assert_eq!(calls[0]["RefreshToken"], first.as_str());
    assert_ne!(calls[1]["RefreshToken"], first.as_str());
    let now = stored_token(&sb);
    assert!(
        now != first && now != calls[1]["RefreshToken"],
        "the second refresh's token is the one kept"
    );
    for call in &calls {
        assert_eq!(call["ClientId"], CLIENT);
        assert_eq!(
            call["ClientSecret"], SECRET,
            "the client secret is sent as it is"
        );
        assert!(call.get("DeviceKey").is_none(), "no device, no DeviceKey");
    }
    assert!(received(&record, "REFRESH_TOKEN_AUTH").is_empty());
    assert_eq!(mode(&sb.cache_dir().join("profiles/dev.refresh")), 0o600);
}

#[test]
fn a_client_without_rotation_keeps_its_refresh_token() {
    let (_server, sb, record) = signed_in("", false);
    let first = stored_token(&sb);
    for round in 1..=2 {
        sb.age_tokens("dev");
        let out = credential_process(&sb);
        assert!(out.status.success(), "round {round}");
    }
    let calls = received(&record, "GetTokensFromRefreshToken");
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|c| c["RefreshToken"] == first.as_str()));
    assert_eq!(
        stored_token(&sb),
        first,
        "no new refresh token came, the old one stays"
    );
}

#[test]
fn twenty_stale_callers_on_a_rotating_client_make_exactly_one_refresh() {
    // No grace period: a caller that used the retired token would be refused.
    let (_server, sb, record) = signed_in("0", false);
    sb.age_tokens("dev");
    let children: Vec<_> = (0..20)
        .map(|_| {
            sb.std_cmd()
                .args(["credential-process", "--profile", "dev"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(json["SessionToken"].as_str().is_some_and(|t| !t.is_empty()));
    }
    assert_eq!(
        received(&record, "GetTokensFromRefreshToken").len(),
        1,
        "exactly one refresh"
    );
    assert!(received(&record, "REFRESH_TOKEN_AUTH").is_empty());
}

/// Kills a credential-process with strace at the rename of the new refresh token into place:
/// the refresh has answered, nothing of it is saved.
fn killed_before_the_token_is_saved(sb: &Sandbox) {
    let bin = assert_cmd::cargo::cargo_bin("cognito-auth");
    let status = sb
        .sandboxed("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "-e"])
        .arg("inject=renameat:signal=KILL:when=1")
        .arg(&bin)
        .args(["credential-process", "--profile", "dev"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(9), "not killed: {status:?}");
}

#[test]
fn a_crash_between_the_refresh_and_the_save_is_recovered_by_the_grace_period() {
    let (_server, sb, record) = signed_in("60", false);
    let first = stored_token(&sb);
    sb.age_tokens("dev");
    killed_before_the_token_is_saved(&sb);
    assert_eq!(
        stored_token(&sb),
        first,
        "the old token is still the stored one"
    );
    assert_eq!(received(&record, "GetTokensFromRefreshToken").len(), 1);

    let out = credential_process(&sb);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = received(&record, "GetTokensFromRefreshToken");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0]["RefreshToken"], first.as_str());
    assert_eq!(
        calls[1]["RefreshToken"],
        first.as_str(),
        "the retired token, within its grace period"
    );
    assert_ne!(stored_token(&sb), first, "and its replacement is saved");
}

#[test]
fn a_token_reused_after_the_grace_period_ends_the_session_with_run_login() {
    let (_server, sb, record) = signed_in("0", false);
    sb.age_tokens("dev");
    killed_before_the_token_is_saved(&sb);
    // The killed process's temp file is swept by the next one that takes its lock.
    let kept = |snapshot: Vec<(std::path::PathBuf, Vec<u8>)>| -> Vec<_> {
        snapshot
            .into_iter()
            .filter(|(p, _)| {
                !p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(".cognito-auth-")
            })
            .collect()
    };
    let before = kept(sb.snapshot_but_failure_record());
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicates::str::contains("RefreshTokenReuseException"))
        .stderr(predicates::str::contains(
            "hint: run `cognito-auth login --profile dev`",
        ));
    assert_eq!(kept(sb.snapshot_but_failure_record()), before);
    assert_eq!(received(&record, "GetTokensFromRefreshToken").len(), 2);
    // And a password sign-in starts over.
    sb.login("dev", ALICE, PASSWORD).success();
}

#[test]
fn a_rotating_client_refuses_refresh_token_auth() {
    // The stand-in's own behaviour, which the fallback must never be taken for.
    let (server, _sb, _record) = signed_in("60", false);
    let body = serde_json::json!({
        "AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": CLIENT,
        "AuthParameters": {"REFRESH_TOKEN": "anything"}
    });
    let answer = post(&server.endpoint, "InitiateAuth", &body);
    assert_eq!(answer["__type"], "InvalidParameterException", "{answer}");
}

/// Posts one AWS JSON request to `endpoint`; returns the JSON answer.
fn post(endpoint: &str, target: &str, body: &Value) -> Value {
    let out = std::process::Command::new("curl")
        .args(["-s", "-X", "POST", endpoint])
        .args([
            "-H",
            &format!("X-Amz-Target: AWSCognitoIdentityProviderService.{target}"),
        ])
        .args(["-H", "Content-Type: application/x-amz-json-1.1"])
        .args(["-d", &body.to_string()])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn an_endpoint_without_get_tokens_falls_back_to_refresh_token_auth_once() {
    let pool = Pool::new();
    let mut sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    sb.age_tokens("dev");
    let recorder = Recorder::start(&sb.endpoint);
    sb.endpoint = recorder.endpoint.clone();
    let out = credential_process(&sb);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let targets: Vec<String> = recorder
        .requests()
        .iter()
        .map(|r| {
            let target = r.header("x-amz-target").unwrap_or_default();
            target.rsplit('.').next().unwrap().to_owned()
        })
        .collect();
    // moto answers GetTokensFromRefreshToken with HTTP 500 and an HTML page.
    assert_eq!(
        targets,
        [
            "GetTokensFromRefreshToken",
            "InitiateAuth",
            "GetCredentialsForIdentity"
        ]
    );
}

#[test]
fn cognito_local_refreshes_through_the_fallback_too() {
    // cognito-local answers GetTokensFromRefreshToken with HTTP 500 `CognitoLocal#Unsupported`.
    let pool = LocalPool::new();
    let sb = pool.sandbox();
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    let before = sb.session("dev")["id_token"].clone();
    sb.age_tokens("dev");
    sb.cmd()
        .args(["token", "--profile", "dev"])
        .assert()
        .success();
    assert_ne!(sb.session("dev")["id_token"], before, "new tokens came");
}
