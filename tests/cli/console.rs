//! `console`: the sign-in URL built from a federation stand-in's getSigninToken
//! (`tests/support/federation_server.py`, which checks the Session JSON), checked part by part;
//! each partition's console host; refusals; the browser.

use std::collections::HashMap;
use std::path::PathBuf;

use predicates::prelude::*;
use serde_json::Value;

use crate::support::*;

/// A federation stand-in (refusing SessionDuration above `max_duration` seconds) and the log
/// of what it received.
struct Federation {
    server: Emulator,
    log: PathBuf,
}

impl Federation {
    fn start(max_duration: u32) -> Federation {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let max = max_duration.to_string();
        let server = start_emulator(
            "federation_server.py",
            &[log.as_os_str(), max.as_ref()],
            &[],
            dir,
        );
        Federation { server, log }
    }

    fn url(&self) -> String {
        format!("{}/federation", self.server.endpoint)
    }

    fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// `dev` signed in as alice, its console sign-ins going to `federation`.
fn signed_in(federation: &Federation) -> Sandbox {
    let pool = Pool::new();
    let mut sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    sb.env("COGNITO_AUTH_FEDERATION_URL", &federation.url());
    sb
}

/// The URL's address (before `?`) and its query.
fn split(url: &str) -> (String, HashMap<String, String>) {
    let (base, query) = url.split_once('?').unwrap();
    (base.to_owned(), form_decode(query))
}

fn console_url(sb: &Sandbox, args: &[&str]) -> (String, String) {
    let out = sb
        .cmd()
        .args(["console", "--profile", "dev", "--url"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

#[test]
fn url_prints_only_the_sign_in_url_with_each_part_exact() {
    let federation = Federation::start(43_200);
    let sb = signed_in(&federation);
    let (stdout, stderr) = console_url(&sb, &[]);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.ends_with('\n'));
    let (base, query) = split(stdout.trim_end());
    assert_eq!(base, federation.url());
    let requests = federation.requests();
    assert_eq!(requests.len(), 1, "one getSigninToken");
    let request = &requests[0];
    let token = request["signin_token"].as_str().unwrap();
    let expected: HashMap<String, String> = [
        ("Action", "login"),
        ("Issuer", "cognito-auth"),
        (
            "Destination",
            "https://console.aws.amazon.com/console/home?region=us-east-1",
        ),
        ("SigninToken", token),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(query, expected);
    // The Session JSON carried exactly the cached credentials; no SessionDuration unasked.
    let creds = &sb.session("dev")["credentials"];
    assert_eq!(
        request["session"],
        serde_json::json!({
            "sessionId": creds["access_key_id"],
            "sessionKey": creds["secret_access_key"],
            "sessionToken": creds["session_token"],
        })
    );
    assert_eq!(request["action"], "getSigninToken");
    assert_eq!(
        request["query_keys"],
        serde_json::json!(["Action", "Session"])
    );
    assert!(!stderr.contains(token), "{stderr}");
}

#[test]
fn destination_region_and_session_duration_are_passed_on() {
    let federation = Federation::start(43_200);
    let sb = signed_in(&federation);
    let (stdout, _) = console_url(
        &sb,
        &[
            "--destination",
            "/s3/home",
            "--region",
            "us-west-2",
            "--session-duration",
            "1h",
        ],
    );
    let (_, query) = split(stdout.trim_end());
    assert_eq!(
        query["Destination"],
        "https://console.aws.amazon.com/s3/home?region=us-west-2"
    );
    assert_eq!(federation.requests()[0]["session_duration"], "3600");
    let (stdout, _) = console_url(
        &sb,
        &["--destination", "https://console.aws.amazon.com/iam/home"],
    );
    assert_eq!(
        split(stdout.trim_end()).1["Destination"],
        "https://console.aws.amazon.com/iam/home"
    );
}

#[test]
fn each_partitions_console_comes_from_the_identity_pools_region() {
    let federation = Federation::start(43_200);
    let sb = signed_in(&federation);
    for (region, console) in [
        ("cn-north-1", "console.amazonaws.cn"),
        ("us-gov-west-1", "console.amazonaws-us-gov.com"),
        ("eu-central-1", "console.aws.amazon.com"),
    ] {
        // The cached credentials stay fresh: nothing is refreshed, only the partition changes.
        sb.edit_session("dev", |s| {
            let id = s["identity_pool_id"].as_str().unwrap().to_owned();
            let (_, uuid) = id.split_once(':').unwrap();
            s["identity_pool_id"] = format!("{region}:{uuid}").into();
            s["region"] = region.into();
        });
        let (stdout, _) = console_url(&sb, &[]);
        assert_eq!(
            split(stdout.trim_end()).1["Destination"],
            format!("https://{console}/console/home?region={region}")
        );
    }
    // The session is in eu-central-1 (aws) now: a GovCloud region is refused.
    sb.cmd()
        .args(["console", "--profile", "dev", "--url", "--region", "us-gov-east-1"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "error: region `us-gov-east-1` is in partition aws-us-gov, but the credentials are from aws (identity pool region eu-central-1)\nhint: ",
        ));
}

#[test]
fn bad_input_is_refused_before_any_request() {
    let federation = Federation::start(43_200);
    let sb = signed_in(&federation);
    let before = sb.snapshot();
    for (args, message) in [
        (
            vec!["--region", "cn-north-1"],
            "error: region `cn-north-1` is in partition aws-cn, but the credentials are from aws (identity pool region us-east-1)\n",
        ),
        (
            vec!["--destination", "s3/home"],
            "error: invalid --destination `s3/home`: expected a console path such as /s3/home, or an https:// URL\n",
        ),
    ] {
        sb.cmd()
            .args(["console", "--profile", "dev", "--url"])
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with(message));
    }
    sb.cmd()
        .args(["console", "--profile", "dev", "--session-duration", "13h"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected 15m to 12h"));
    assert!(federation.requests().is_empty());
    assert_eq!(sb.snapshot(), before, "no file touched");
}

#[test]
fn a_refused_get_signin_token_is_one_line_naming_the_likely_cause() {
    let federation = Federation::start(3600);
    let sb = signed_in(&federation);
    sb.cmd()
        .args(["console", "--profile", "dev", "--url", "--session-duration", "12h"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            "error: the AWS federation endpoint refused the console sign-in (HTTP 400): most likely the SessionDuration of 12h is longer than the role allows (its maximum session duration; 1 hour for role-chained credentials)\n\
             hint: try a shorter --session-duration, or none (the endpoint's default)\n",
        );
    assert_eq!(federation.requests()[0]["refused"], "duration");
}

#[test]
fn without_url_the_browser_gets_the_url_and_stdout_stays_empty() {
    let federation = Federation::start(43_200);
    let mut sb = signed_in(&federation);
    // The "browser" writes the URL it was given into a FIFO that the test reads: the read
    // waits for it, however late the detached browser runs.
    let fifo = sb.path("opened");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a plain system call on a path we own.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let script = sb.path("browser.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" > '{}'\n", fifo.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
    sb.env("BROWSER", script.to_str().unwrap());
    let out = sb
        .cmd()
        .args(["console", "--profile", "dev"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    assert_eq!(out.stdout, b"");
    let opened = std::fs::read_to_string(&fifo).unwrap();
    let token = federation.requests()[0]["signin_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (base, query) = split(opened.trim_end());
    assert_eq!(base, federation.url());
    assert_eq!(query["SigninToken"], token);
    assert!(!stderr.contains(&token), "{stderr}");
    assert!(
        stderr.contains("opening the AWS console (us-east-1)"),
        "{stderr}"
    );
}
