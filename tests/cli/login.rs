//! `login` against moto: both clients, NEW_PASSWORD_REQUIRED, and every sign-in error.

use predicates::prelude::*;

use crate::support::*;

#[test]
fn public_client_login_writes_the_profile() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD)
        .success()
        .stdout("")
        .stderr(predicate::str::contains(
            "Signed in as alice-premium (groups: premium-users)",
        ))
        .stderr(predicate::str::contains(ALICE_PASSWORD).not());

    let creds = sb.read(".aws/credentials");
    let lines: Vec<&str> = creds.lines().collect();
    assert_eq!(lines[0], "[dev]");
    for (i, key) in [
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "x_security_token_expires",
    ]
    .iter()
    .enumerate()
    {
        assert!(lines[i + 1].starts_with(&format!("{key} = ")), "{creds}");
    }
    assert!(lines[4].ends_with('Z'), "RFC 3339 expiry: {creds}");
    assert_eq!(
        sb.read(".aws/config"),
        "[profile dev]\nregion = us-east-1\n"
    );
    assert_eq!(mode(&sb.credentials()), 0o600);
    assert_eq!(mode(&sb.aws_config()), 0o600);
    assert_eq!(mode(&sb.path(".aws")), 0o700);

    // The identity exchange used the user pool's provider name and the ID token.
    let provider = format!("cognito-idp.us-east-1.amazonaws.com/{}", pool.user_pool_id);
    let get_id = recorded("GetId", &pool.identity_pool_id);
    assert_eq!(get_id.len(), 1);
    assert!(
        get_id[0]["Logins"][&provider]
            .as_str()
            .is_some_and(|t| t.split('.').count() == 3)
    );
    let init = recorded("InitiateAuth", &pool.public_client_id);
    assert_eq!(init[0]["AuthFlow"], "USER_PASSWORD_AUTH");
    assert!(
        init[0]["AuthParameters"].get("SECRET_HASH").is_none(),
        "no secret, no hash"
    );
}

#[test]
fn confidential_client_sends_the_secret_hash() {
    // moto does not check SECRET_HASH on USER_PASSWORD_AUTH, so this test reads what moto
    // received and compares it with our function, which is checked against Python's hmac in
    // the unit tests of auth::secret_hash.
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("ci", &pool, true);
    sb.cmd()
        .args(["login", "--profile", "ci", "-u", ALICE, "--password-stdin"])
        .write_stdin(format!("{ALICE_PASSWORD}\n"))
        .assert()
        .success()
        .stderr(predicate::str::contains(&pool.client_secret).not());
    let expected = cognito_auth::auth::secret_hash::secret_hash(
        &pool.client_secret,
        ALICE,
        &pool.secret_client_id,
    );
    let init = recorded("InitiateAuth", &pool.secret_client_id);
    assert_eq!(init.len(), 1);
    assert_eq!(init[0]["AuthParameters"]["SECRET_HASH"], expected.as_str());
    assert!(
        sb.read(".aws/credentials")
            .contains("[ci]\naws_access_key_id = ")
    );
}

#[test]
fn new_password_required_is_answered_from_the_environment() {
    let pool = Pool::new();
    let mut sb = Sandbox::new();
    sb.env("COGNITO_NEW_PASSWORD", "BobsNewPass9");
    sb.configure("dev", &pool, true);
    sb.login("dev", BOB, BOB_TEMP_PASSWORD)
        .success()
        .stderr(predicate::str::contains(
            "Signed in as bob-basic (groups: basic-users)",
        ));
    let expected = cognito_auth::auth::secret_hash::secret_hash(
        &pool.client_secret,
        BOB,
        &pool.secret_client_id,
    );
    let replies = recorded("RespondToAuthChallenge", &pool.secret_client_id);
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0]["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    assert_eq!(
        replies[0]["ChallengeResponses"]["SECRET_HASH"],
        expected.as_str()
    );
    // The new password is now the password.
    sb.login("dev", BOB, "BobsNewPass9").success();
}

#[test]
fn new_password_required_without_a_terminal_or_variable_fails_cleanly() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    let before = sb.snapshot();
    sb.login("dev", BOB, BOB_TEMP_PASSWORD)
        .code(1)
        .stderr(predicate::str::contains(
            "error: a new password (the user has a temporary one) is needed",
        ))
        .stderr(predicate::str::contains("hint: set COGNITO_NEW_PASSWORD"));
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn a_new_password_against_the_policy_is_refused() {
    let pool = Pool::new();
    let mut sb = Sandbox::new();
    sb.env("COGNITO_NEW_PASSWORD", "short");
    sb.configure("dev", &pool, false);
    let before = sb.snapshot();
    sb.login("dev", BOB, BOB_TEMP_PASSWORD)
        .code(1)
        .stderr(predicate::str::contains(
            "error: the new password was refused",
        ))
        .stderr(predicate::str::contains(
            "hint: choose a password that meets",
        ));
    assert_eq!(sb.snapshot(), before);
}

/// Runs a failing login and checks its one-line error, hint, exit code and that nothing changed.
fn fails_cleanly(sb: &Sandbox, args: &[&str], password: &str, code: i32, error: &str, hint: &str) {
    let before = sb.snapshot();
    let out = sb
        .cmd()
        .arg("login")
        .args(args)
        .env("COGNITO_PASSWORD", password)
        .assert()
        .code(code)
        .stdout("")
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains(error),
        "{stderr}"
    );
    assert!(
        lines
            .get(1)
            .is_some_and(|l| l.starts_with("hint: ") && l.contains(hint)),
        "{stderr}"
    );
    assert!(
        !stderr.contains(password) || password.is_empty(),
        "password leaked: {stderr}"
    );
    assert_eq!(sb.snapshot(), before, "a failed login changed files");
}

#[test]
fn wrong_password() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    fails_cleanly(
        &sb,
        &["--profile", "dev", "-u", ALICE],
        "WrongPass999",
        1,
        "sign-in refused for `alice-premium`: Incorrect username or password.",
        "check the username and password",
    );
}

#[test]
fn unknown_user() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    fails_cleanly(
        &sb,
        &["--profile", "dev", "-u", "nobody"],
        "Whatever123",
        1,
        "user `nobody` does not exist",
        "check the username",
    );
}

#[test]
fn unconfirmed_user() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    fails_cleanly(
        &sb,
        &["--profile", "dev", "-u", CAROL],
        CAROL_PASSWORD,
        1,
        "user `carol-unconfirmed` is not confirmed",
        "admin-confirm-sign-up",
    );
}

#[test]
fn missing_setting_names_it_and_both_ways_to_set_it() {
    let sb = Sandbox::new();
    fails_cleanly(
        &sb,
        &["--profile", "dev", "-u", ALICE],
        "x",
        1,
        "no user_pool_id is configured for profile `dev`",
        "`cognito-auth configure --profile dev --user-pool-id ...` or set COGNITO_USER_POOL_ID",
    );
}

#[test]
fn malformed_id_is_refused_before_any_request() {
    let mut sb = Sandbox::new();
    // Nothing listens here: a request would fail differently.
    sb.endpoint = "http://127.0.0.1:9".into();
    sb.env("COGNITO_USER_POOL_ID", "us-east-1-nounderscore")
        .env("COGNITO_CLIENT_ID", "abc")
        .env(
            "COGNITO_IDENTITY_POOL_ID",
            "us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        );
    let before = sb.snapshot();
    sb.cmd()
        .args(["login", "-u", ALICE])
        .env("COGNITO_PASSWORD", "x")
        .assert()
        .code(2)
        .stderr("error: invalid user pool id (from env COGNITO_USER_POOL_ID) `us-east-1-nounderscore`: expected <region>_<id>, e.g. us-east-1_AbC123xyz\n");
    assert_eq!(sb.snapshot(), before);
}

/// A refused connection (nothing listens on the port) is reported as an unreachable endpoint.
/// A server that accepts and never answers is network.rs's business.
#[test]
fn an_endpoint_that_refuses_connections_is_reported_as_unreachable() {
    let pool = Pool::new();
    let mut sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    // A port that was just free: connection refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    sb.endpoint = format!("http://127.0.0.1:{port}");
    fails_cleanly(
        &sb,
        &["--profile", "dev", "-u", ALICE],
        ALICE_PASSWORD,
        1,
        &format!("cannot reach Cognito user pools at http://127.0.0.1:{port}"),
        "check the network",
    );
}

#[test]
fn missing_identity_pool() {
    // moto answers GetId for an unknown pool with HTTP 500 rather than AWS's
    // ResourceNotFoundException, so this checks the failure is clean; the mapping of the real
    // exception is unit-tested in identity::tests.
    let mut pool = Pool::new();
    pool.identity_pool_id = "us-east-1:00000000-0000-0000-0000-000000000000".into();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    let before = sb.snapshot();
    sb.login("dev", ALICE, ALICE_PASSWORD)
        .failure()
        .stdout("")
        .stderr(predicate::str::starts_with("error: "));
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn no_password_and_no_terminal() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    let before = sb.snapshot();
    sb.cmd()
        .args(["login", "--profile", "dev", "-u", ALICE])
        .assert()
        .code(1)
        .stderr("error: a password is needed but there is no terminal to ask on\nhint: pipe it with --password-stdin or set COGNITO_PASSWORD\n");
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn concurrent_logins_keep_every_profile() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    let profiles: Vec<String> = (0..8).map(|i| format!("p{i}")).collect();
    for p in &profiles {
        sb.configure(p, &pool, false);
    }
    let children: Vec<_> = profiles
        .iter()
        .map(|p| {
            let mut cmd = sb.std_cmd();
            cmd.args(["login", "--profile", p, "-u", ALICE])
                .env("COGNITO_PASSWORD", ALICE_PASSWORD)
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let creds = sb.read(".aws/credentials");
    let config = sb.read(".aws/config");
    for p in &profiles {
        assert!(
            creds.contains(&format!("[{p}]\naws_access_key_id = ")),
            "{p} lost:\n{creds}"
        );
        assert!(
            config.contains(&format!("[profile {p}]\nregion = us-east-1\n")),
            "{p} lost:\n{config}"
        );
    }
    assert_eq!(creds.matches("aws_session_token").count(), 8);
}

#[test]
fn throttling_is_retried_by_the_sdk_then_reported() {
    let pool = Pool::new();
    let throttle = ErrorServer::start(400, "TooManyRequestsException", "Rate exceeded");
    let mut sb = Sandbox::new();
    sb.env(
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
        &throttle.endpoint,
    );
    sb.configure("dev", &pool, false);
    fails_cleanly(
        &sb,
        &["--profile", "dev", "-u", ALICE],
        ALICE_PASSWORD,
        1,
        "Cognito user pools is throttling requests: Rate exceeded",
        "wait a moment and try again",
    );
    assert_eq!(throttle.hits(), 3, "three attempts, then the error");
}

#[test]
fn identity_pool_not_found() {
    let pool = Pool::new();
    let missing = ErrorServer::start(
        400,
        "ResourceNotFoundException",
        "IdentityPool 'x' not found.",
    );
    let mut sb = Sandbox::new();
    sb.env("AWS_ENDPOINT_URL_COGNITO_IDENTITY", &missing.endpoint);
    sb.configure("dev", &pool, false);
    fails_cleanly(
        &sb,
        &["--profile", "dev", "-u", ALICE],
        ALICE_PASSWORD,
        1,
        &format!(
            "identity pool `{}` not found: IdentityPool 'x' not found.",
            pool.identity_pool_id
        ),
        "check identity_pool_id",
    );
    assert_eq!(missing.hits(), 1, "not retried");
}

#[test]
fn identity_pool_that_does_not_trust_this_client() {
    let pool = Pool::new();
    let untrusting = ErrorServer::start(
        400,
        "NotAuthorizedException",
        "Token is not from a supported provider of this identity pool.",
    );
    let mut sb = Sandbox::new();
    sb.env("AWS_ENDPOINT_URL_COGNITO_IDENTITY", &untrusting.endpoint);
    sb.configure("dev", &pool, false);
    fails_cleanly(
        &sb,
        &["--profile", "dev", "-u", ALICE],
        ALICE_PASSWORD,
        1,
        "refused the sign-in: Token is not from a supported provider of this identity pool.",
        &format!(
            "must list the provider cognito-idp.us-east-1.amazonaws.com/{} with app client {}",
            pool.user_pool_id, pool.public_client_id
        ),
    );
}

/// At a terminal, NEW_PASSWORD_REQUIRED asks for the new password twice and then for each
/// attribute the pool requires, by name; the SRP stand-in requires two attributes and records
/// the answer it received (moto and cognito-local never require any).
#[cfg(target_os = "linux")]
#[test]
fn new_password_required_asks_on_the_terminal_for_each_required_attribute() {
    let record = tempfile::NamedTempFile::new().unwrap();
    let (_server, mut sb) = srp_sandbox(
        ("us-east-1_Attrs1", "attrsclient", None),
        (ALICE, ALICE_PASSWORD),
        &[
            ("SRP_TEST_CHALLENGES", "NEW_PASSWORD_REQUIRED"),
            ("SRP_TEST_REQUIRED_ATTRIBUTES", "name,family_name"),
            ("SRP_TEST_RECORD", record.path().to_str().unwrap()),
        ],
        &["--auth-flow", "srp"],
    );
    sb.env("COGNITO_PASSWORD", ALICE_PASSWORD);
    let (status, screen) = sb.on_terminal(
        &format!("login --profile dev -u {ALICE}"),
        "NewPass123\nNewPass123\nAlice\nLiddell\n",
    );
    assert!(status.success(), "{screen}");
    for prompt in [
        "alice-premium must choose a new password.",
        "New password again",
        "Value for the required attribute `name`",
        "Value for the required attribute `family_name`",
        "Signed in as alice-premium",
    ] {
        assert!(screen.contains(prompt), "no `{prompt}` in {screen}");
    }
    let answers: Vec<serde_json::Value> = std::fs::read_to_string(record.path())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|b: &serde_json::Value| b["ChallengeName"] == "NEW_PASSWORD_REQUIRED")
        .collect();
    assert_eq!(answers.len(), 1, "{answers:?}");
    let responses = &answers[0]["ChallengeResponses"];
    assert_eq!(responses["NEW_PASSWORD"], "NewPass123");
    assert_eq!(responses["userAttributes.name"], "Alice");
    assert_eq!(responses["userAttributes.family_name"], "Liddell");
}

/// Without a terminal, required attributes cannot be asked for: a clear error, nothing written.
#[test]
fn new_password_required_with_required_attributes_and_no_terminal_fails_cleanly() {
    let (_server, mut sb) = srp_sandbox(
        ("us-east-1_Attrs2", "attrsclient", None),
        (ALICE, ALICE_PASSWORD),
        &[
            ("SRP_TEST_CHALLENGES", "NEW_PASSWORD_REQUIRED"),
            ("SRP_TEST_REQUIRED_ATTRIBUTES", "name"),
        ],
        &["--auth-flow", "srp"],
    );
    sb.env("COGNITO_NEW_PASSWORD", "NewPass123");
    let before = sb.snapshot();
    sb.login("dev", ALICE, ALICE_PASSWORD)
        .code(1)
        .stderr(predicate::str::contains(
            "error: a new password (the user has a temporary one) is needed",
        ))
        .stderr(predicate::str::contains("attributes the pool requires"));
    assert_eq!(sb.snapshot(), before);
}
