//! Sessions: the cache, silent refresh, credential-process, export, exec, token and logout.
//!
//! moto's credentials expire 90 s after issue and its tokens after 3600 s, so tests stand in
//! for time passing by rewriting the cached expiry times, never by sleeping.

use predicates::prelude::*;
use serde_json::Value;

use crate::support::*;

/// A sandbox with `dev` signed in as alice through the public (or confidential) client.
fn signed_in(pool: &Pool, secret: bool) -> Sandbox {
    let sb = Sandbox::new();
    sb.configure("dev", pool, secret);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    sb
}

fn credential_process(sb: &Sandbox) -> Value {
    let out = sb
        .cmd()
        .args(["credential-process", "--profile", "dev"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn requests(target: &str, pool: &Pool) -> usize {
    recorded(target, &pool.user_pool_id).len()
        + recorded(target, &pool.public_client_id).len()
        + recorded(target, &pool.secret_client_id).len()
}

#[test]
fn credential_process_answers_from_the_cache_without_a_request() {
    let pool = Pool::new();
    let mut sb = signed_in(&pool, false);
    // From here every request of this sandbox's commands passes through a recorder of its own.
    let recorder = Recorder::start(&sb.endpoint);
    sb.endpoint = recorder.endpoint.clone();
    let before = (
        requests("InitiateAuth", &pool),
        requests("GetCredentialsForIdentity", &pool),
    );
    let json = credential_process(&sb);
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "AccessKeyId",
            "Expiration",
            "SecretAccessKey",
            "SessionToken",
            "Version"
        ]
    );
    assert_eq!(json["Version"], 1);
    assert!(json["Expiration"].as_str().unwrap().ends_with('Z'));
    let creds = sb.read(".aws/credentials");
    assert!(creds.contains(&format!(
        "aws_access_key_id = {}\n",
        json["AccessKeyId"].as_str().unwrap()
    )));
    credential_process(&sb);
    let after = (
        requests("InitiateAuth", &pool),
        requests("GetCredentialsForIdentity", &pool),
    );
    assert_eq!(before, after, "the hot path made a request");
    assert_eq!(recorder.requests().len(), 0, "no request of any kind");
}

#[test]
fn twenty_stale_callers_make_exactly_one_refresh() {
    let pool = Pool::new();
    let sb = signed_in(&pool, false);
    sb.age_credentials("dev");
    let stale = sb
        .read(".aws/credentials")
        .lines()
        .map(|l| {
            if l.starts_with("x_security_token_expires = ") {
                "x_security_token_expires = 2000-01-01T00:00:00Z\n".to_owned()
            } else {
                format!("{l}\n")
            }
        })
        .collect::<String>();
    std::fs::write(sb.credentials(), stale).unwrap();
    let recorder = Recorder::start(&sb.endpoint);
    let mut sb = sb;
    sb.endpoint = recorder.endpoint.clone();
    let exchanges = requests("GetCredentialsForIdentity", &pool);
    let sign_ins = requests("InitiateAuth", &pool);
    let children: Vec<_> = (0..20)
        .map(|_| {
            sb.std_cmd()
                .args(["credential-process", "--profile", "dev"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
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
        assert_eq!(json["Version"], 1);
        assert!(json["SessionToken"].as_str().is_some_and(|t| !t.is_empty()));
    }
    assert_eq!(
        requests("GetCredentialsForIdentity", &pool),
        exchanges + 1,
        "exactly one refresh"
    );
    assert_eq!(
        requests("InitiateAuth", &pool),
        sign_ins,
        "the live ID token was reused"
    );
    let targets: Vec<_> = recorder
        .requests()
        .iter()
        .map(|r| r.header("x-amz-target").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        targets,
        ["AWSCognitoIdentityService.GetCredentialsForIdentity"],
        "one request in all"
    );
    // The refresh also rewrote our section of the credentials file: the expiry written there
    // is the refreshed credentials' (moto hands out the same keys every time, so the expiry,
    // set to a past date before the refresh, is what shows the section was rewritten).
    let expires = sb.session("dev")["credentials"]["expiration"]
        .as_i64()
        .unwrap();
    assert!(expires > now() + 60);
    let creds = sb.read(".aws/credentials");
    let key = |name: &str| {
        creds
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} = ")))
            .unwrap_or_else(|| panic!("no {name} in {creds}"))
            .to_owned()
    };
    let written = rfc3339_by_date(expires);
    assert_eq!(key("x_security_token_expires"), written, "{creds}");
    assert_eq!(
        key("aws_session_token"),
        sb.session("dev")["credentials"]["session_token"]
            .as_str()
            .unwrap()
    );
}

/// An epoch second as the RFC 3339 UTC text we write (`2026-12-03T09:30:00Z`), via `date`.
fn rfc3339_by_date(epoch: i64) -> String {
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{epoch}"), "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn expired_tokens_are_refreshed_with_refresh_token_auth_and_secret_hash() {
    for secret in [false, true] {
        let pool = Pool::new();
        let sb = signed_in(&pool, secret);
        sb.age_tokens("dev");
        credential_process(&sb);
        let client = if secret {
            &pool.secret_client_id
        } else {
            &pool.public_client_id
        };
        let refreshes: Vec<Value> = recorded("InitiateAuth", client)
            .into_iter()
            .filter(|b| b["AuthFlow"] == "REFRESH_TOKEN_AUTH")
            .collect();
        assert_eq!(refreshes.len(), 1);
        let hash = refreshes[0]["AuthParameters"].get("SECRET_HASH").cloned();
        if secret {
            // moto checks this one; it must be computed from the username, not the sub.
            let expected =
                cognito_auth::auth::secret_hash::secret_hash(&pool.client_secret, ALICE, client);
            assert_eq!(hash, Some(Value::from(expected)));
        } else {
            assert_eq!(hash, None);
        }
        let session = sb.session("dev");
        assert!(session["tokens_expire"].as_i64().unwrap() > now() + 3000);
        assert_eq!(session["refresh_token"], "file");
    }
}

#[test]
fn a_refused_refresh_token_asks_for_a_login_without_waiting() {
    let pool = Pool::new();
    let sb = signed_in(&pool, false);
    sb.age_tokens("dev");
    std::fs::write(sb.cache_dir().join("profiles/dev.refresh"), "garbage").unwrap();
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .write_stdin("would hang if read\n")
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "error: profile `dev` has no live session: the refresh token was refused (Refresh Token has been revoked)\n",
        ))
        .stderr(predicate::str::ends_with("hint: run `cognito-auth login --profile dev`\n"));
}

#[test]
fn credential_process_without_a_session_fails_at_once() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("error: profile `dev` has no live session: nobody is signed in\nhint: run `cognito-auth login --profile dev`\n");
    assert!(!sb.cache_dir().exists(), "nothing written");
}

#[test]
fn login_refreshes_a_live_session_instead_of_asking() {
    let pool = Pool::new();
    let sb = signed_in(&pool, false);
    let sign_ins = requests("InitiateAuth", &pool);
    sb.age_tokens("dev");
    sb.cmd()
        .args(["login", "--profile", "dev"])
        .assert()
        .success()
        .stderr(predicate::str::starts_with(
            "Refreshed the session of alice-premium (groups: premium-users)",
        ));
    let flows: Vec<Value> = recorded("InitiateAuth", &pool.public_client_id)
        .into_iter()
        .map(|b| b["AuthFlow"].clone())
        .collect();
    assert_eq!(flows.len(), sign_ins + 1);
    assert_eq!(flows.last().unwrap(), "REFRESH_TOKEN_AUTH");
    // --fresh insists on the password.
    sb.cmd()
        .args(["login", "--profile", "dev", "--fresh"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a password is needed"));
}

#[test]
fn min_ttl_forces_a_refresh_of_fresh_credentials() {
    let pool = Pool::new();
    let mut sb = signed_in(&pool, false);
    let exchanges = requests("GetCredentialsForIdentity", &pool);
    // moto's credentials live 90 s: asking for 80 s left is met after a refresh...
    sb.env("COGNITO_AUTH_MIN_TTL", "80");
    sb.edit_session("dev", |s| {
        s["credentials"]["expiration"] = (now() + 70).into()
    });
    credential_process(&sb);
    assert_eq!(requests("GetCredentialsForIdentity", &pool), exchanges + 1);
    // ...asking for more than they can ever have is an error, not a loop.
    sb.env("COGNITO_AUTH_MIN_TTL", "600");
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "less than the 600 s that COGNITO_AUTH_MIN_TTL asks for",
        ));
}

#[test]
fn export_sh_is_evaluated_by_bash() {
    let pool = Pool::new();
    let sb = signed_in(&pool, false);
    let out = sb
        .cmd()
        .args(["export", "--profile", "dev"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let script = String::from_utf8(out.stdout).unwrap();
    let json = credential_process(&sb);
    let shown = std::process::Command::new("bash")
        .args(["-c", "eval \"$1\"; printf '%s|%s|%s|%s|%s|%s' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" \"$AWS_REGION\" \"$AWS_DEFAULT_REGION\" \"$AWS_CREDENTIAL_EXPIRATION\"", "-", &script])
        .output()
        .unwrap();
    let expected = format!(
        "{}|{}|{}|us-east-1|us-east-1|{}",
        json["AccessKeyId"].as_str().unwrap(),
        json["SecretAccessKey"].as_str().unwrap(),
        json["SessionToken"].as_str().unwrap(),
        json["Expiration"].as_str().unwrap()
    );
    assert_eq!(String::from_utf8(shown.stdout).unwrap(), expected);
    // json is the credential_process shape.
    let out = sb
        .cmd()
        .args(["export", "--profile", "dev", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&out.stdout).unwrap(), json);
}

#[test]
fn exec_passes_credentials_without_the_profile_variables_and_its_exit_code_and_signals() {
    let pool = Pool::new();
    let mut sb = signed_in(&pool, false);
    sb.env("AWS_PROFILE", "dev")
        .env("AWS_DEFAULT_PROFILE", "dev");
    let json = credential_process(&sb);
    sb.cmd()
        .args([
            "exec",
            "--",
            "sh",
            "-c",
            "printf '%s %s %s' \"$AWS_ACCESS_KEY_ID\" \"${AWS_PROFILE-unset}\" \"${AWS_DEFAULT_PROFILE-unset}\"; exit 7",
        ])
        .assert()
        .code(7)
        .stdout(format!(
            "{} unset unset",
            json["AccessKeyId"].as_str().unwrap()
        ));
    let status = sb
        .std_cmd()
        .args(["exec", "--", "sh", "-c", "kill -TERM $$"])
        .status()
        .unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGTERM));
    sb.cmd()
        .args(["exec", "--", "/nonexistent/program"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: cannot run `/nonexistent/program`",
        ));
}

#[test]
fn token_prints_live_jwts() {
    let pool = Pool::new();
    let sb = signed_in(&pool, false);
    let claims = |token: &str| {
        use base64::Engine;
        let payload = token.trim().split('.').nth(1).unwrap();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .unwrap();
        serde_json::from_slice::<Value>(&bytes).unwrap()
    };
    let id = sb
        .cmd()
        .args(["token", "--profile", "dev"])
        .output()
        .unwrap();
    let id = claims(&String::from_utf8(id.stdout).unwrap());
    assert_eq!(id["token_use"], "id");
    assert!(id["exp"].as_i64().unwrap() > now(), "live: {id}");
    let access = sb
        .cmd()
        .args(["token", "--profile", "dev", "--access"])
        .output()
        .unwrap();
    assert_eq!(
        claims(&String::from_utf8(access.stdout).unwrap())["token_use"],
        "access"
    );
    let json: Value = serde_json::from_slice(
        &sb.cmd()
            .args(["token", "--json"])
            .env("AWS_PROFILE", "dev")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(
        claims(json["id_token"].as_str().unwrap())["cognito:username"],
        ALICE
    );
    assert!(json["expires_at"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn logout_twice_removes_everything_and_says_what_was_not_revoked() {
    let pool = Pool::new();
    let sb = signed_in(&pool, false);
    std::fs::write(
        sb.aws_config(),
        "# mine\n[profile dev]\nregion = us-east-1\n",
    )
    .unwrap();
    let mut creds = sb.read(".aws/credentials");
    creds.insert_str(0, "# keep\n[other]\nx = 1\n\n");
    std::fs::write(sb.credentials(), &creds).unwrap();
    // moto does not implement RevokeToken (HTTP 500): local state must go anyway.
    sb.cmd()
        .args(["logout", "--profile", "dev"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: the refresh token was not revoked",
        ))
        .stderr(predicate::str::contains(
            "Signed out of profile `dev`: removed the credentials of [dev]",
        ));
    assert_eq!(sb.read(".aws/credentials"), "# keep\n[other]\nx = 1\n");
    assert!(!sb.session_file("dev").exists());
    assert!(!sb.cache_dir().join("profiles/dev.refresh").exists());
    sb.cmd()
        .args(["logout", "--profile", "dev"])
        .assert()
        .success()
        .stderr("Profile `dev` was not signed in; nothing to do.\n");
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .assert()
        .code(1);
}

#[test]
fn global_logout_makes_the_refresh_token_useless() {
    let pool = Pool::new();
    let sb = signed_in(&pool, false);
    let session = std::fs::read(sb.session_file("dev")).unwrap();
    let refresh = std::fs::read(sb.cache_dir().join("profiles/dev.refresh")).unwrap();
    let access_token = sb.session("dev")["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    sb.cmd()
        .args(["logout", "--profile", "dev", "--global"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "signed alice-premium out on every device",
        ));
    // This session's access token: other tests sign out of their own pools at the same time.
    assert_eq!(recorded("GlobalSignOut", &access_token).len(), 1);
    // A copy of the old session (a stolen laptop backup) can no longer be refreshed.
    std::fs::write(sb.session_file("dev"), session).unwrap();
    std::fs::write(sb.cache_dir().join("profiles/dev.refresh"), refresh).unwrap();
    sb.age_tokens("dev");
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the refresh token was refused"));
}

#[test]
fn status_shows_the_session() {
    let pool = Pool::new();
    let sb = signed_in(&pool, false);
    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "refresh token      in a 0600 file in the cache folder\n",
        ))
        .stdout(predicate::str::is_match(r"tokens             live, expire \S+Z\n").unwrap());
    assert_eq!(mode(&sb.session_file("dev")), 0o600);
    assert_eq!(mode(&sb.cache_dir().join("profiles/dev.refresh")), 0o600);
    assert_eq!(mode(&sb.cache_dir().join("profiles")), 0o700);
    // No token or secret key in the status output or the session's JSON status view.
    let out = sb
        .cmd()
        .args(["status", "--profile", "dev", "--json"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let session = sb.session("dev");
    assert!(!text.contains(session["id_token"].as_str().unwrap()));
    assert!(
        !text.contains(
            session["credentials"]["secret_access_key"]
                .as_str()
                .unwrap()
        )
    );
}

#[test]
fn the_aws_sdk_resolves_the_profile_through_credential_process() {
    let pool = Pool::new();
    let sb = signed_in(&pool, false);
    assert!(sb.read(".aws/credentials").contains("[dev]"));
    sb.cmd()
        .args(["configure", "--profile", "dev", "--credential-process"])
        .assert()
        .success()
        .stderr(predicate::str::contains("credential-process --profile dev"));
    // Our static keys are gone so they cannot shadow credential_process.
    assert!(!sb.read(".aws/credentials").contains("[dev]"));
    let config = sb.read(".aws/config");
    let bin = assert_cmd::cargo::cargo_bin("cognito-auth");
    assert_eq!(
        config,
        format!(
            "[profile dev]\nregion = us-east-1\ncredential_process = {} credential-process --profile dev\n",
            bin.display()
        )
    );
    let json = credential_process(&sb);
    // boto3 (installed with moto) runs our binary as its credential_process.
    let python = std::env::var("MOTO_PYTHON")
        .unwrap_or_else(|_| format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR")));
    let out = sb
        .sandboxed(&python)
        .args(["-c", "import boto3; c = boto3.Session(profile_name='dev').get_credentials().get_frozen_credentials(); print(c.access_key, c.token)"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "{} {}\n",
            json["AccessKeyId"].as_str().unwrap(),
            json["SessionToken"].as_str().unwrap()
        )
    );
    // A later login keeps the profile on credential_process: no static keys come back.
    sb.login("dev", ALICE, ALICE_PASSWORD)
        .success()
        .stderr(predicate::str::contains(
            "gets its credentials through credential_process",
        ));
    assert!(!sb.read(".aws/credentials").contains("[dev]"));
}

/// With a terminal, credential_process asks for the password on /dev/tty (never stdin) when the
/// session cannot be refreshed. util-linux `script` gives the command a terminal of its own.
#[cfg(target_os = "linux")]
#[test]
fn credential_process_asks_on_the_terminal_when_it_has_one() {
    let pool = Pool::new();
    let sb = signed_in(&pool, false);
    sb.age_tokens("dev");
    std::fs::write(sb.cache_dir().join("profiles/dev.refresh"), "garbage").unwrap();
    let sign_ins = recorded("InitiateAuth", &pool.public_client_id).len();
    let (status, text) = sb.on_terminal(
        "credential-process --profile dev",
        &format!("{ALICE_PASSWORD}\n"),
    );
    assert!(status.success(), "{text}");
    assert!(text.contains("Password for alice-premium"), "{text}");
    assert!(text.contains("\"Version\":1"), "{text}");
    let flows: Vec<Value> = recorded("InitiateAuth", &pool.public_client_id)
        .into_iter()
        .map(|b| b["AuthFlow"].clone())
        .collect();
    assert_eq!(
        flows.len(),
        sign_ins + 2,
        "a refused refresh, then a password sign-in"
    );
    assert_eq!(flows.last().unwrap(), "USER_PASSWORD_AUTH");
}

/// RevokeToken against cognito-local, which implements it (moto answers HTTP 500); the identity
/// pool stays on moto through the per-service endpoint variable.
#[test]
fn logout_revokes_the_refresh_token_where_the_server_implements_it() {
    let pool = LocalPool::new();
    let sb = pool.sandbox();
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    // The refresh token works while signed in...
    sb.age_tokens("dev");
    credential_process(&sb);
    let session = std::fs::read(sb.session_file("dev")).unwrap();
    let refresh = std::fs::read(sb.cache_dir().join("profiles/dev.refresh")).unwrap();
    sb.cmd()
        .args(["logout", "--profile", "dev"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not())
        .stderr(predicate::str::contains(
            "Signed out of profile `dev`: revoked the refresh token",
        ));
    // ...and not after logout, even from a copy of the session.
    std::fs::write(sb.session_file("dev"), session).unwrap();
    std::fs::write(sb.cache_dir().join("profiles/dev.refresh"), refresh).unwrap();
    sb.age_tokens("dev");
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "the refresh token was refused (User not authorized)",
        ));
}

#[test]
fn login_after_reconfiguring_signs_in_to_the_new_pool() {
    let pool = Pool::new();
    let other = Pool::new();
    let sb = signed_in(&pool, false);
    sb.configure("dev", &other, false);
    // No password given: the old pool's session must not be refreshed into the new profile.
    sb.cmd()
        .args(["login", "--profile", "dev", "-u", ALICE])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("a password is needed"));
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    assert_eq!(
        sb.session("dev")["user_pool_id"],
        other.user_pool_id.as_str()
    );
}
