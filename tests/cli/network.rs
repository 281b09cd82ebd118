//! A network that misbehaves: a black hole, a 500 with HTML, a 200 that is not JSON, a truncated
//! body, a connection closed or reset. Each is a stand-in server (`tests/support/faulty_server.py`)
//! that one service's endpoint variable points at, the others staying on moto.
//!
//! Nothing here is timed: for the black hole, `COGNITO_AUTH_TIMEOUT=1` and the message must name
//! that bound; the command returning at all is what proves it bounded (the test runner's own
//! timeout is the backstop).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use crate::support::*;

/// The stand-in server for `mode`, started on first use and shared by the tests.
fn faulty(mode: &str) -> String {
    static SERVERS: OnceLock<Mutex<HashMap<String, &'static Emulator>>> = OnceLock::new();
    let mut servers = SERVERS.get_or_init(Default::default).lock().unwrap();
    servers
        .entry(mode.to_owned())
        .or_insert_with(|| {
            Box::leak(Box::new(start_emulator(
                "faulty_server.py",
                &[mode.as_ref()],
                &[],
                tempfile::tempdir().unwrap(),
            )))
        })
        .endpoint
        .clone()
}

/// The faults that produce an answer (or its absence) rather than silence, with the status the
/// message must name and words it must say.
const FAULTS: [(&str, &str, &str); 5] = [
    ("html500", "HTTP 500", "JSON"),
    ("garbage200", "HTTP 200", "JSON"),
    ("truncated", "HTTP 200", "cut off"),
    ("close", "no HTTP status", "closed without an answer"),
    ("reset", "no HTTP status", "closed without an answer"),
];

/// alice signed in to `dev` against moto.
fn signed_in() -> Sandbox {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    sb
}

/// Runs `args` with `env`, expecting exit 1, nothing on stdout, no file changed, and exactly
/// an `error:` line and a `hint:` line on stderr; returns the two lines.
fn fails(sb: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let before = sb.snapshot_but_failure_record();
    let out = sb
        .cmd()
        .args(args)
        .envs(env.iter().copied())
        .assert()
        .code(1)
        .stdout("")
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{args:?}: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[1].starts_with("hint: "), "{stderr}");
    assert!(
        !stderr.contains("Error {") && !stderr.contains("DispatchFailure"),
        "a Debug dump: {stderr}"
    );
    assert_eq!(
        sb.snapshot_but_failure_record(),
        before,
        "{args:?} changed a file"
    );
    (lines[0].to_owned(), lines[1].to_owned())
}

/// Asserts the error line names the service, the endpoint and the status, and says `why`.
fn names(error: &str, service: &str, endpoint: &str, (status, why): (&str, &str)) {
    assert!(
        error.starts_with(&format!(
            "error: {service} at {endpoint} failed: {status}: "
        )),
        "{error}"
    );
    assert!(error.contains(why), "{error}");
}

const PREMIUM: &str = "arn:aws:iam::123456789012:role/CognitoPremiumUserRole";

#[test]
fn credential_process_gives_up_on_a_black_holed_identity_pool_at_the_bound() {
    let sb = signed_in();
    sb.age_credentials("dev");
    let hole = faulty("hold");
    let (error, hint) = fails(
        &sb,
        &["credential-process", "--profile", "dev"],
        &[
            ("AWS_ENDPOINT_URL_COGNITO_IDENTITY", &hole),
            ("COGNITO_AUTH_TIMEOUT", "1"),
        ],
    );
    assert_eq!(
        error,
        format!("error: Cognito identity pools at {hole} did not answer within 1 s")
    );
    assert!(
        hint.contains("COGNITO_AUTH_TIMEOUT sets the bound in seconds (now 1)"),
        "{hint}"
    );
}

#[test]
fn export_gives_up_on_a_black_holed_user_pool_refresh_at_the_bound() {
    let sb = signed_in();
    sb.age_tokens("dev");
    let hole = faulty("hold");
    let (error, _) = fails(
        &sb,
        &["export", "--profile", "dev"],
        &[
            ("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", &hole),
            ("COGNITO_AUTH_TIMEOUT", "1"),
        ],
    );
    assert_eq!(
        error,
        format!("error: Cognito user pools at {hole} did not answer within 1 s")
    );
}

#[test]
fn token_gives_up_on_a_black_holed_user_pool_refresh_at_the_bound() {
    let sb = signed_in();
    sb.age_tokens("dev");
    let hole = faulty("hold");
    let (error, _) = fails(
        &sb,
        &["token", "--profile", "dev"],
        &[
            ("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", &hole),
            ("COGNITO_AUTH_TIMEOUT", "1"),
        ],
    );
    assert_eq!(
        error,
        format!("error: Cognito user pools at {hole} did not answer within 1 s")
    );
}

/// A profile signed in for two hours through the basic flow (GetOpenIdToken, then STS).
fn signed_in_basic_flow() -> Sandbox {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.cmd()
        .args(["login", "--profile", "dev", "-u", ALICE])
        .args(["--duration", "2h", "--role-arn", PREMIUM])
        .env("COGNITO_PASSWORD", ALICE_PASSWORD)
        .assert()
        .success();
    sb
}

#[test]
fn exec_gives_up_on_a_black_holed_sts_at_the_bound() {
    let sb = signed_in_basic_flow();
    sb.age_credentials("dev");
    let hole = faulty("hold");
    let (error, _) = fails(
        &sb,
        &["exec", "--profile", "dev", "--", "true"],
        &[
            ("AWS_ENDPOINT_URL_STS", &hole),
            ("COGNITO_AUTH_TIMEOUT", "1"),
        ],
    );
    assert_eq!(
        error,
        format!("error: AWS STS at {hole} did not answer within 1 s")
    );
}

/// A client-credentials profile whose Hosted UI domain is `base`.
fn m2m_at(base: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["configure", "--profile", "reporting"])
        .args(["--hosted-ui-domain", base])
        .args(["--client-id", M2M_CLIENT_ID, "--client-secret-stdin"])
        .write_stdin(format!("{M2M_CLIENT_SECRET}\n"))
        .assert()
        .success();
    sb
}

#[test]
fn token_client_credentials_gives_up_on_a_black_holed_hosted_ui_at_the_bound() {
    let hole = faulty("hold");
    let sb = m2m_at(&hole);
    let (error, _) = fails(
        &sb,
        &["token", "--client-credentials", "--profile", "reporting"],
        &[("COGNITO_AUTH_TIMEOUT", "1")],
    );
    assert_eq!(
        error,
        format!("error: the Hosted UI at {hole}/oauth2/token did not answer within 1 s")
    );
}

#[test]
fn login_gives_each_request_the_bound() {
    // Not a bounded command (a person may answer prompts between requests), but no request of
    // it waits longer than the bound: here the SDK's own operation timeout fires.
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    let hole = faulty("hold");
    let (error, _) = fails(
        &sb,
        &["login", "--profile", "dev", "-u", ALICE],
        &[
            ("COGNITO_PASSWORD", ALICE_PASSWORD),
            ("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", &hole),
            ("COGNITO_AUTH_TIMEOUT", "1"),
        ],
    );
    assert_eq!(
        error,
        format!("error: Cognito user pools at {hole} did not answer within 1 s")
    );
}

#[test]
fn identity_pool_failures_are_one_line_with_the_status() {
    let sb = signed_in();
    sb.age_credentials("dev");
    for (mode, status, why) in FAULTS {
        let server = faulty(mode);
        let (error, _) = fails(
            &sb,
            &["credential-process", "--profile", "dev"],
            &[("AWS_ENDPOINT_URL_COGNITO_IDENTITY", &server)],
        );
        names(&error, "Cognito identity pools", &server, (status, why));
    }
}

#[test]
fn user_pool_failures_are_one_line_with_the_status() {
    let sb = signed_in();
    sb.age_tokens("dev");
    for (mode, status, why) in FAULTS {
        let server = faulty(mode);
        let (error, _) = fails(
            &sb,
            &["token", "--profile", "dev"],
            &[("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", &server)],
        );
        names(&error, "Cognito user pools", &server, (status, why));
    }
}

#[test]
fn sts_failures_are_one_line_with_the_status() {
    let sb = signed_in_basic_flow();
    sb.age_credentials("dev");
    for (mode, status, why) in FAULTS {
        let server = faulty(mode);
        let (error, _) = fails(
            &sb,
            &["export", "--profile", "dev"],
            &[("AWS_ENDPOINT_URL_STS", &server)],
        );
        names(&error, "AWS STS", &server, (status, why));
    }
}

#[test]
fn hosted_ui_failures_are_one_line_with_the_status() {
    for (mode, status, why) in FAULTS {
        let server = faulty(mode);
        let sb = m2m_at(&server);
        let (error, _) = fails(
            &sb,
            &["token", "--client-credentials", "--profile", "reporting"],
            &[],
        );
        names(
            &error,
            "the Hosted UI",
            &format!("{server}/oauth2/token"),
            (status, why),
        );
    }
}

#[test]
fn a_bad_timeout_value_is_a_usage_error_before_any_request() {
    let sb = signed_in();
    sb.age_credentials("dev");
    let hole = faulty("hold");
    for bad in ["0", "ten", "-1", "3601"] {
        sb.cmd()
            .args(["credential-process", "--profile", "dev"])
            .env("AWS_ENDPOINT_URL_COGNITO_IDENTITY", &hole)
            .env("COGNITO_AUTH_TIMEOUT", bad)
            .assert()
            .code(2)
            .stdout("")
            .stderr(format!(
                "error: invalid COGNITO_AUTH_TIMEOUT value `{bad}`: expected a whole number of seconds from 1 to 3600\n"
            ));
    }
}
