//! Remembered devices end to end against `tests/support/srp_server.py` with device tracking on
//! (`tests/support/devices.py`): it keeps the device's SRP verifier from ConfirmDevice and
//! accepts DEVICE_PASSWORD_VERIFIER only with a signature that verifier checks, asks MFA of
//! every sign-in but a remembered device's, and refreshes a device's tokens
//! (GetTokensFromRefreshToken, `tests/support/rotation.py`) only with its DEVICE_KEY. The device math itself is checked against pycognito and
//! amazon-cognito-identity-js vectors in `auth::device`.

use predicates::prelude::*;

use crate::support::*;

const POOL: &str = "us-east-1_DeviceTrack1";
const CLIENT: &str = "devclient123";
const SECRET: &str = "device-client-secret-0123456789";
const PASSWORD: &str = "Dev1ce-Pässword:42";
const CODE: &str = "135790";

/// A pool that tracks devices (`always` or `opt-in`) and asks for an SMS code after the
/// password; its app client has a secret, so every device call carries SECRET_HASH too.
fn pool(mode: &str, record: &tempfile::NamedTempFile) -> (Emulator, Sandbox) {
    srp_sandbox(
        (POOL, CLIENT, Some(SECRET)),
        (ALICE, PASSWORD),
        &[
            ("SRP_TEST_DEVICES", mode),
            ("SRP_TEST_CHALLENGES", "SMS_MFA"),
            ("SRP_TEST_RECORD", record.path().to_str().unwrap()),
        ],
        &["--auth-flow", "srp"],
    )
}

/// Every request the stand-in received, in order.
fn requests(record: &tempfile::NamedTempFile) -> Vec<serde_json::Value> {
    std::fs::read_to_string(record.path())
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// What each request was: the operation, and the challenge it answered.
fn steps(requests: &[serde_json::Value]) -> Vec<String> {
    requests
        .iter()
        .map(|r| match r["ChallengeName"].as_str() {
            Some(c) => format!("{}:{c}", r["Target"].as_str().unwrap()),
            None => r["Target"].as_str().unwrap().to_owned(),
        })
        .collect()
}

fn login_with_code(sb: &Sandbox, extra: &[&str]) -> assert_cmd::assert::Assert {
    sb.cmd()
        .args(["login", "--profile", "dev", "-u", ALICE])
        .args(extra)
        .env("COGNITO_PASSWORD", PASSWORD)
        .env("COGNITO_MFA_CODE", CODE)
        .assert()
}

/// The file a device's secrets are kept in (no keyring in the tests).
fn device_file(sb: &Sandbox) -> std::path::PathBuf {
    sb.cache_dir().join(format!(
        "devices/device.{POOL}.{}.json",
        hex::encode(ALICE.as_bytes())
    ))
}

#[test]
fn the_stand_in_accepts_both_reference_implementations_device_answers() {
    let python = std::env::var("MOTO_PYTHON")
        .unwrap_or_else(|_| format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR")));
    let out = std::process::Command::new(python)
        .arg(format!(
            "{}/tests/support/srp_server.py",
            env!("CARGO_MANIFEST_DIR")
        ))
        .arg("--check-device-vectors")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "12 device vectors verified\n"
    );
}

#[test]
fn a_remembered_device_signs_in_with_no_mfa_code_at_all() {
    let record = tempfile::NamedTempFile::new().unwrap();
    let (_server, sb) = pool("always", &record);
    login_with_code(&sb, &[])
        .success()
        .stderr(predicate::str::contains("Signed in as alice-premium"));
    let first = requests(&record);
    assert_eq!(
        steps(&first),
        [
            "InitiateAuth",
            "RespondToAuthChallenge:PASSWORD_VERIFIER",
            "RespondToAuthChallenge:SMS_MFA",
            "ConfirmDevice",
        ]
    );
    let confirm = &first[3];
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(
        confirm["DeviceName"],
        format!("cognito-auth@{}", host.trim())
    );
    let key = confirm["DeviceKey"].as_str().unwrap().to_owned();
    let session = sb.session("dev");
    assert_eq!(session["device_key"], key.as_str());
    assert_eq!(session["device_remembered"], true);
    // The device password is a secret: in a 0600 file, never in the session.
    assert_eq!(mode(&device_file(&sb)), 0o600);
    let secrets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(device_file(&sb)).unwrap()).unwrap();
    let password = secrets["device_password"].as_str().unwrap();
    assert_eq!(password.len(), 56, "base64 of 40 random bytes");
    assert!(
        !std::fs::read_to_string(sb.session_file("dev"))
            .unwrap()
            .contains(password)
    );

    // No MFA code anywhere: no flag, no variable, no terminal.
    std::fs::write(record.path(), "").unwrap();
    sb.login("dev", ALICE, PASSWORD)
        .success()
        .stderr(predicate::str::contains("Signed in as alice-premium"))
        .stderr(predicate::str::contains("note:").not());
    let second = requests(&record);
    assert_eq!(
        steps(&second),
        [
            "InitiateAuth",
            "RespondToAuthChallenge:PASSWORD_VERIFIER",
            "RespondToAuthChallenge:DEVICE_SRP_AUTH",
            "RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER",
        ]
    );
    assert_eq!(second[0]["AuthParameters"]["DEVICE_KEY"], key.as_str());
    for answer in &second[1..] {
        assert_eq!(answer["ChallengeResponses"]["DEVICE_KEY"], key.as_str());
        assert!(answer["ChallengeResponses"]["SECRET_HASH"].is_string());
    }
    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "device             {key}, remembered (MFA skipped)\n"
        )));
}

#[test]
fn a_wrong_device_password_is_refused_by_the_verifier() {
    let record = tempfile::NamedTempFile::new().unwrap();
    let (_server, sb) = pool("always", &record);
    login_with_code(&sb, &[]).success();
    let path = device_file(&sb);
    let mut secrets: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    secrets["device_password"] = "bm90IHRoZSBkZXZpY2UgcGFzc3dvcmQ=".into();
    std::fs::write(&path, secrets.to_string()).unwrap();
    sb.login("dev", ALICE, PASSWORD)
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: sign-in refused for `alice-premium`: Incorrect username or password.\n",
        ));
}

#[test]
fn an_opt_in_pool_asks_for_mfa_until_the_device_is_remembered() {
    let record = tempfile::NamedTempFile::new().unwrap();
    let (_server, sb) = pool("opt-in", &record);
    login_with_code(&sb, &[])
        .success()
        .stderr(predicate::str::contains(
            "is tracked but not remembered, so MFA is still asked; `cognito-auth login --remember-device` remembers it",
        ));
    assert_eq!(
        sb.session("dev")["device_remembered"],
        serde_json::Value::Null
    );
    let key = sb.session("dev")["device_key"].as_str().unwrap().to_owned();
    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .stdout(predicate::str::contains(format!(
            "device             {key}, not remembered\n"
        )));
    // Tracked, not remembered: the code is still asked for.
    sb.login("dev", ALICE, PASSWORD)
        .code(1)
        .stderr(predicate::str::contains("an MFA code is needed"));
    std::fs::write(record.path(), "").unwrap();
    login_with_code(&sb, &["--remember-device"])
        .success()
        .stderr(predicate::str::contains(format!(
            "this device ({key}) is remembered: its next sign-ins skip MFA"
        )));
    let remembered = requests(&record);
    let update = remembered
        .iter()
        .find(|r| r["Target"] == "UpdateDeviceStatus")
        .expect("UpdateDeviceStatus was called");
    assert_eq!(update["DeviceKey"], key.as_str());
    assert_eq!(update["DeviceRememberedStatus"], "remembered");
    assert_eq!(sb.session("dev")["device_remembered"], true);
    sb.login("dev", ALICE, PASSWORD).success();
}

#[test]
fn forget_device_makes_the_pool_and_this_machine_forget_it() {
    let record = tempfile::NamedTempFile::new().unwrap();
    let (_server, sb) = pool("always", &record);
    login_with_code(&sb, &[]).success();
    let key = sb.session("dev")["device_key"].as_str().unwrap().to_owned();
    sb.cmd()
        .args(["logout", "--profile", "dev", "--forget-device"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "the user pool forgot device {key}, deleted this device's secrets"
        )));
    assert!(!device_file(&sb).exists());
    let forget = requests(&record)
        .into_iter()
        .find(|r| r["Target"] == "ForgetDevice")
        .expect("ForgetDevice was called");
    assert_eq!(forget["DeviceKey"], key.as_str());
    // A new device now: MFA again, and no DEVICE_KEY sent.
    std::fs::write(record.path(), "").unwrap();
    sb.login("dev", ALICE, PASSWORD)
        .code(1)
        .stderr(predicate::str::contains("an MFA code is needed"));
    let again = requests(&record);
    assert!(again[0]["AuthParameters"].get("DEVICE_KEY").is_none());
}

#[test]
fn a_device_the_pool_does_not_know_is_dropped_and_the_sign_in_goes_on() {
    let record = tempfile::NamedTempFile::new().unwrap();
    let (_server, sb) = pool("always", &record);
    let gone = "us-east-1_00000000-dead-4bee-8000-000000000000";
    let path = device_file(&sb);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        serde_json::json!({
            "device_key": gone,
            "device_group_key": "-Gone1234",
            "device_password": "Z29uZQ==",
            "remembered": true,
        })
        .to_string(),
    )
    .unwrap();
    login_with_code(&sb, &[])
        .success()
        .stderr(predicate::str::contains(format!(
            "note: the user pool no longer knows device {gone} (Device does not exist.); signing in without it\n"
        )))
        .stderr(predicate::str::contains("Signed in as alice-premium"));
    let all = requests(&record);
    // Refused as late as the password verifier, then again from the start without it.
    assert_eq!(
        steps(&all),
        [
            "InitiateAuth",
            "RespondToAuthChallenge:PASSWORD_VERIFIER",
            "InitiateAuth",
            "RespondToAuthChallenge:PASSWORD_VERIFIER",
            "RespondToAuthChallenge:SMS_MFA",
            "ConfirmDevice",
        ]
    );
    assert_eq!(all[0]["AuthParameters"]["DEVICE_KEY"], gone);
    assert!(all[2]["AuthParameters"].get("DEVICE_KEY").is_none());
    let new_key = all[5]["DeviceKey"].as_str().unwrap();
    let kept: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(kept["device_key"], new_key);
    assert_eq!(sb.session("dev")["device_key"], new_key);
}

#[test]
fn a_device_s_tokens_refresh_with_its_device_key() {
    let record = tempfile::NamedTempFile::new().unwrap();
    let (_server, sb) = pool("always", &record);
    login_with_code(&sb, &[]).success();
    let key = sb.session("dev")["device_key"].as_str().unwrap().to_owned();
    sb.age_tokens("dev");
    std::fs::write(record.path(), "").unwrap();
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .assert()
        .success();
    let refresh = requests(&record);
    assert_eq!(refresh[0]["Target"], "GetTokensFromRefreshToken");
    assert_eq!(refresh[0]["DeviceKey"], key.as_str());
    // Without it the stand-in refuses the token, as Cognito does.
    assert_refused_without_the_device_key(&sb);
}

#[test]
fn the_device_secrets_live_in_the_secret_service_when_there_is_one() {
    let record = tempfile::NamedTempFile::new().unwrap();
    let (_server, mut sb) = pool("always", &record);
    let service = match SecretService::start(sb.home.path()) {
        Ok(service) => service,
        Err(why) if std::env::var_os(KEYRING_REQUIRED).is_some() => {
            panic!("no Secret Service although scripts/test.sh installed one: {why}")
        }
        Err(why) => {
            eprintln!("skipped: no Secret Service ({why}); scripts/test.sh installs one");
            return;
        }
    };
    sb.env("COGNITO_AUTH_KEYRING", "on")
        .env("DBUS_SESSION_BUS_ADDRESS", &service.address);
    login_with_code(&sb, &[]).success();
    let entry = format!("device.{POOL}.{}", hex::encode(ALICE.as_bytes()));
    let stored = service
        .lookup(&["service", "cognito-auth", "username", &entry])
        .expect("the device secrets in the keyring");
    let secrets: serde_json::Value = serde_json::from_str(stored.trim()).unwrap();
    assert_eq!(secrets["device_key"], sb.session("dev")["device_key"]);
    assert!(!device_file(&sb).exists());
    // From the keyring, the device proves itself: no MFA code.
    sb.login("dev", ALICE, PASSWORD).success();
    assert!(
        steps(&requests(&record))
            .contains(&"RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER".to_owned())
    );
    sb.cmd()
        .args(["logout", "--profile", "dev", "--forget-device"])
        .assert()
        .success();
    assert_eq!(
        service.lookup(&["service", "cognito-auth", "username", &entry]),
        None
    );
}

#[test]
fn forget_device_with_expired_tokens_refreshes_them_first() {
    let record = tempfile::NamedTempFile::new().unwrap();
    let (_server, sb) = pool("always", &record);
    login_with_code(&sb, &[]).success();
    let key = sb.session("dev")["device_key"].as_str().unwrap().to_owned();
    let old_access = sb.session("dev")["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    sb.age_tokens("dev");
    std::fs::write(record.path(), "").unwrap();
    sb.cmd()
        .args(["logout", "--profile", "dev", "--forget-device"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "the user pool forgot device {key}"
        )));
    let calls = requests(&record);
    assert_eq!(
        steps(&calls)[..2],
        ["GetTokensFromRefreshToken", "ForgetDevice"]
    );
    assert_eq!(calls[0]["DeviceKey"], key.as_str());
    assert_ne!(calls[1]["AccessToken"], old_access.as_str());
}

#[test]
fn a_remembered_device_skips_mfa_in_choice_based_sign_in_too() {
    let record = tempfile::NamedTempFile::new().unwrap();
    let (_server, sb) = pool("always", &record);
    let choice = ["--auth-flow", "choice", "--factor", "password"];
    login_with_code(&sb, &choice).success();
    assert_eq!(
        steps(&requests(&record)),
        [
            "InitiateAuth",
            "RespondToAuthChallenge:SMS_MFA",
            "ConfirmDevice"
        ]
    );
    let key = sb.session("dev")["device_key"].as_str().unwrap().to_owned();
    // USER_AUTH carries the DEVICE_KEY like the other flows, so no MFA code is needed: the
    // password factor is checked in InitiateAuth, SRP's in PASSWORD_VERIFIER.
    for (factor, first) in [
        ("password", vec![]),
        ("srp", vec!["RespondToAuthChallenge:PASSWORD_VERIFIER"]),
    ] {
        std::fs::write(record.path(), "").unwrap();
        sb.cmd()
            .args(["login", "--profile", "dev", "-u", ALICE])
            .args(["--auth-flow", "choice", "--factor", factor])
            .env("COGNITO_PASSWORD", PASSWORD)
            .assert()
            .success()
            .stderr(predicate::str::contains("Signed in as alice-premium"));
        let calls = requests(&record);
        let mut want = vec!["InitiateAuth"];
        want.extend(first);
        want.extend([
            "RespondToAuthChallenge:DEVICE_SRP_AUTH",
            "RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER",
        ]);
        assert_eq!(steps(&calls), want, "{factor}");
        assert_eq!(calls[0]["AuthFlow"], "USER_AUTH");
        assert_eq!(calls[0]["AuthParameters"]["DEVICE_KEY"], key.as_str());
        for answer in &calls[1..] {
            assert_eq!(answer["ChallengeResponses"]["DEVICE_KEY"], key.as_str());
        }
    }
}

#[test]
fn a_rotated_refresh_token_stays_bound_to_the_device() {
    let record = tempfile::NamedTempFile::new().unwrap();
    let (_server, sb) = srp_sandbox(
        (POOL, CLIENT, Some(SECRET)),
        (ALICE, PASSWORD),
        &[
            ("SRP_TEST_DEVICES", "always"),
            ("SRP_TEST_CHALLENGES", "SMS_MFA"),
            ("SRP_TEST_ROTATION", "0"),
            ("SRP_TEST_RECORD", record.path().to_str().unwrap()),
        ],
        &["--auth-flow", "srp"],
    );
    login_with_code(&sb, &[]).success();
    let key = sb.session("dev")["device_key"].as_str().unwrap().to_owned();
    let token = || std::fs::read_to_string(sb.cache_dir().join("profiles/dev.refresh")).unwrap();
    let first = token();
    // Two refreshes: the second sends the token the first got back, with no grace period, so
    // it must have been saved; each carries the device key the token is bound to.
    std::fs::write(record.path(), "").unwrap();
    for _ in 0..2 {
        sb.age_tokens("dev");
        sb.cmd()
            .args(["credential-process", "--profile", "dev"])
            .assert()
            .success();
    }
    let calls = requests(&record);
    assert_eq!(
        steps(&calls),
        ["GetTokensFromRefreshToken", "GetTokensFromRefreshToken"]
    );
    assert_eq!(calls[0]["RefreshToken"], first.as_str());
    assert_ne!(calls[1]["RefreshToken"], first.as_str());
    for call in &calls {
        assert_eq!(call["DeviceKey"], key.as_str());
    }
    // The rotated token is the device's too: without the key it is refused.
    assert_refused_without_the_device_key(&sb);
}

/// A refresh of profile `dev`'s tokens without its device key (taken out of the session) is
/// refused, as Cognito refuses a remembered device's refresh token without it.
fn assert_refused_without_the_device_key(sb: &Sandbox) {
    sb.age_tokens("dev");
    sb.edit_session("dev", |s| {
        s.as_object_mut().unwrap().remove("device_key");
    });
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Invalid Refresh Token"));
}
