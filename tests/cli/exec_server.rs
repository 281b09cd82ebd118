//! `exec --server`: real SDK clients in the child (boto3, the AWS CLI, the JavaScript SDK's
//! container provider) get their credentials from the local endpoint, against moto; refreshes
//! without a password; refusals; loopback only; exit status and signals; nothing listening
//! afterwards.
//!
//! The child is `tests/support/endpoint_child.py`, which prints what it saw as JSON.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;

use crate::support::*;

fn python() -> String {
    std::env::var("MOTO_PYTHON")
        .unwrap_or_else(|_| format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR")))
}

/// The AWS CLI v1 that scripts/install-awscli.sh installs.
fn aws_cli() -> String {
    let cli = std::env::var("AWS_CLI")
        .unwrap_or_else(|_| format!("{}/.venv-awscli/bin/aws", env!("CARGO_MANIFEST_DIR")));
    assert!(
        Path::new(&cli).exists(),
        "no AWS CLI at {cli}: run scripts/install-awscli.sh (scripts/test.sh does)"
    );
    cli
}

/// The JavaScript SDK's container provider that scripts/install-js-sdk.sh installs.
fn js_sdk() -> String {
    let sdk = std::env::var("JS_SDK").unwrap_or_else(|_| {
        format!(
            "{}/.js-sdk/node_modules/@aws-sdk/credential-provider-http",
            env!("CARGO_MANIFEST_DIR")
        )
    });
    assert!(
        Path::new(&sdk).join("package.json").exists(),
        "no JavaScript SDK provider at {sdk}: run scripts/install-js-sdk.sh (scripts/test.sh does)"
    );
    sdk
}

fn child_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/endpoint_child.py")
}

/// A sandbox with `dev` signed in as alice.
fn signed_in() -> (Pool, Sandbox) {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    (pool, sb)
}

/// Runs `exec --server --profile dev -- python endpoint_child.py <scenario> <aws>`; the exit
/// status, the child's JSON and our stderr.
fn run_child(sb: &Sandbox, scenario: &str) -> (std::process::ExitStatus, Value, String) {
    let out = sb
        .std_cmd()
        .env("JS_SDK", js_sdk())
        .args(["exec", "--server", "--profile", "dev", "--"])
        .arg(python())
        .arg(child_script())
        .args([scenario, &aws_cli()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: stdout {:?}, stderr {stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status, json, stderr)
}

fn cached_key(sb: &Sandbox) -> String {
    sb.session("dev")["credentials"]["access_key_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The access key id a SigV4 request was signed with.
fn signed_with(request: &Request) -> String {
    let auth = request.header("authorization").unwrap_or_default();
    auth.split("Credential=")
        .nth(1)
        .and_then(|c| c.split('/').next())
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn boto3_the_aws_cli_and_the_js_sdk_get_the_endpoints_credentials_over_a_default_full_of_keys() {
    let (_pool, mut sb) = signed_in();
    let ours = cached_key(&sb);
    // [default] full of keys, as `login --profile default` leaves it: it comes before the
    // endpoint in every SDK's chain.
    let mut creds = sb.read(".aws/credentials");
    creds.push_str(
        "\n[default]\naws_access_key_id = AKIADEFAULTKEYS00000\naws_secret_access_key = defaultsecret\n",
    );
    std::fs::write(sb.credentials(), &creds).unwrap();
    // And a [default] in the config file whose credential_process fails: used, it would stop
    // every SDK in the child.
    let mut config = sb.read(".aws/config");
    config.push_str("\n[default]\ncredential_process = /bin/false\n");
    std::fs::write(sb.aws_config(), &config).unwrap();
    // Variables that would win over the endpoint, set by the caller: all removed.
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ] {
        sb.env(name, "from-outside");
    }
    let recorder = Recorder::start(&sb.endpoint);
    sb.endpoint = recorder.endpoint.clone();
    let (status, json, stderr) = run_child(&sb, "sdks");
    assert!(status.success(), "{stderr}");
    let env = json["env"].as_object().unwrap();
    let uri = env["AWS_CONTAINER_CREDENTIALS_FULL_URI"].as_str().unwrap();
    assert!(uri.starts_with("http://127.0.0.1:"), "{uri}");
    let token = env["AWS_CONTAINER_AUTHORIZATION_TOKEN"].as_str().unwrap();
    assert_eq!(token.len(), 64, "256 bits, hex");
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(env["AWS_REGION"], "us-east-1");
    assert_eq!(env["AWS_DEFAULT_REGION"], "us-east-1");
    let mut names: Vec<&str> = env.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "AWS_CONFIG_FILE",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_DEFAULT_REGION",
            "AWS_ENDPOINT_URL",
            "AWS_REGION",
            "AWS_SHARED_CREDENTIALS_FILE",
        ],
        "nothing that wins over the endpoint"
    );
    // The child's two files are empty and private, ours untouched; stderr says so.
    for variable in ["AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"] {
        let hidden = env[variable].as_str().unwrap();
        assert!(stderr.contains(hidden), "{stderr}");
        assert!(!Path::new(hidden).exists(), "removed when the command ends");
    }
    assert_eq!(stderr.matches("[default] in ").count(), 2, "{stderr}");
    assert_eq!(sb.read(".aws/credentials"), creds);
    assert_eq!(sb.read(".aws/config"), config);
    // boto3 resolved the container provider, with our keys.
    assert_eq!(json["method"], "container-role");
    assert_eq!(json["access_key"], ours.as_str());
    assert_eq!(json["region"], "us-east-1");
    assert_eq!(json["cli"]["code"], 0, "{}", json["cli"]);
    assert!(
        json["cli_configure_list"]["stdout"]
            .as_str()
            .unwrap()
            .contains("container-role"),
        "{}",
        json["cli_configure_list"]
    );
    // The JavaScript SDK's provider took the same keys (and the Expiration it insists on).
    assert_eq!(json["js"]["accessKeyId"], ours.as_str(), "{}", json["js"]);
    assert!(json["js"]["expiration"].as_str().unwrap().ends_with('Z'));
    // moto saw both STS calls (boto3's and the AWS CLI's) signed with our key, none with the
    // [default] keys or the variables from outside.
    let calls: Vec<_> = recorder
        .requests()
        .into_iter()
        .filter(|r| String::from_utf8_lossy(&r.body).contains("Action=GetCallerIdentity"))
        .collect();
    let agents: Vec<&str> = calls
        .iter()
        .map(|r| r.header("user-agent").unwrap_or_default())
        .collect();
    assert_eq!(calls.len(), 2, "{agents:?}");
    assert!(agents[0].starts_with("Boto3/"), "{agents:?}");
    assert!(agents[1].starts_with("aws-cli/1."), "{agents:?}");
    for call in &calls {
        assert_eq!(signed_with(call), ours);
    }
    // The token never reaches our stderr.
    assert!(!stderr.contains(token));
}

#[test]
fn a_job_that_outlives_its_credentials_gets_fresh_ones_without_a_password() {
    let (pool, mut sb) = signed_in();
    let recorder = Recorder::start(&sb.endpoint);
    sb.endpoint = recorder.endpoint.clone();
    let (status, json, stderr) = run_child(&sb, "outlive");
    assert!(status.success(), "{stderr}");
    let (aged, second) = (
        json["aged"].as_f64().unwrap(),
        json["second"].as_f64().unwrap(),
    );
    // The aged cache said 60 s were left; a refresh made new credentials (moto: 90 s).
    assert_ne!(second, aged, "{json}");
    assert!(second > json["now"].as_f64().unwrap() + 60.0, "{json}");
    assert_eq!(
        second,
        json["cached_expiration"].as_f64().unwrap(),
        "{json}"
    );
    assert!(json["tokens_expire"].as_i64().unwrap() > json["now"].as_i64().unwrap());
    // One refresh (the tokens had expired): GetTokensFromRefreshToken, which moto lacks, so
    // REFRESH_TOKEN_AUTH, then one exchange.
    let targets: Vec<String> = recorder
        .requests()
        .iter()
        .filter_map(|r| r.header("x-amz-target").map(str::to_owned))
        .collect();
    assert_eq!(
        targets,
        [
            "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken",
            "AWSCognitoIdentityProviderService.InitiateAuth",
            "AWSCognitoIdentityService.GetCredentialsForIdentity"
        ]
    );
    let refreshes = recorded("InitiateAuth", &pool.public_client_id)
        .into_iter()
        .filter(|b| b["AuthFlow"] == "REFRESH_TOKEN_AUTH")
        .count();
    assert_eq!(refreshes, 1);
}

#[test]
fn wrong_or_missing_tokens_and_other_paths_are_refused_and_only_loopback_listens() {
    let (_pool, sb) = signed_in();
    let ours = cached_key(&sb);
    let secret = sb.session("dev")["credentials"]["secret_access_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, json, stderr) = run_child(&sb, "refusals");
    assert!(status.success(), "{stderr}");
    let (code, body) = (&json["good"][0], json["good"][1].as_str().unwrap());
    assert_eq!(code, 200);
    let good: Value = serde_json::from_str(body).unwrap();
    let mut keys: Vec<&String> = good.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["AccessKeyId", "Expiration", "SecretAccessKey", "Token"]
    );
    assert_eq!(good["AccessKeyId"], ours.as_str());
    let expiration = good["Expiration"].as_str().unwrap();
    assert!(
        expiration.ends_with('Z') && expiration.len() == 20,
        "{expiration}"
    );
    for (case, status) in [
        ("wrong", 403),
        ("missing", 403),
        ("bearer", 403),
        ("no_token_other_path", 403),
        ("other_path", 404),
    ] {
        assert_eq!(json[case][0], status, "{case}: {}", json[case]);
        let body = json[case][1].as_str().unwrap();
        assert!(
            !body.contains(&ours) && !body.contains(&secret),
            "{case}: {body}"
        );
    }
    assert_eq!(json["keep_alive"], serde_json::json!([200, 200]));
    assert_eq!(json["huge_body"], 413, "a huge body is refused unread");
    assert_eq!(json["after_huge"], 200);
    assert_eq!(
        json["other_addresses"],
        serde_json::json!({"127.0.0.2": "ConnectionRefusedError", "::1": "ConnectionRefusedError"})
    );
    // Nothing listens once the child has exited.
    let port = json["port"].as_u64().unwrap() as u16;
    let err = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
}

#[test]
fn a_refresh_that_needs_a_password_is_a_message_botocore_the_aws_cli_and_the_js_sdk_show() {
    let (_pool, mut sb) = signed_in();
    let bin = assert_cmd::cargo::cargo_bin("cognito-auth");
    sb.env("TEST_COGNITO_AUTH", bin.to_str().unwrap())
        .env("TEST_PASSWORD", ALICE_PASSWORD);
    let (status, json, stderr) = run_child(&sb, "login-needed");
    assert!(status.success(), "{stderr}");
    assert_eq!(json["before"], 200);
    let wanted = "run `cognito-auth login --profile dev`";
    let boto3 = json["boto3"].as_str().unwrap();
    assert!(boto3.contains(wanted), "{boto3}");
    let cli = &json["cli"];
    assert_ne!(cli["code"], 0);
    assert!(cli["stderr"].as_str().unwrap().contains(wanted), "{cli}");
    // The JavaScript SDK reads Code and Message from a 4xx answer (not from a 5xx).
    assert_eq!(json["js"]["Code"], "LoginRequired", "{}", json["js"]);
    assert!(json["js"]["Message"].as_str().unwrap().contains(wanted));
    // And it keeps serving: the same answer, with its Code and Message.
    assert_eq!(
        json["raw"][0],
        cognito_auth::endpoint::LOGIN_REQUIRED_STATUS
    );
    let raw: Value = serde_json::from_str(json["raw"][1].as_str().unwrap()).unwrap();
    assert_eq!(raw["Code"], "LoginRequired");
    assert!(raw["Message"].as_str().unwrap().contains(wanted), "{raw}");
    assert!(stderr.contains(wanted), "our stderr says it too: {stderr}");
    assert_eq!(
        stderr.matches(wanted).count(),
        1,
        "once, however many requests: {stderr}"
    );
    // After a sign-in elsewhere, the same endpoint serves credentials again.
    assert_eq!(json["login"], 0);
    assert_eq!(json["after_login"], 200);
}

#[test]
fn the_childs_exit_status_is_ours() {
    let (_pool, sb) = signed_in();
    let status = |script: &str| {
        sb.std_cmd()
            .args([
                "exec",
                "--server",
                "--profile",
                "dev",
                "--",
                "sh",
                "-c",
                script,
            ])
            .status()
            .unwrap()
    };
    assert_eq!(status("exit 7").code(), Some(7));
    assert_eq!(status("exit 0").code(), Some(0));
    // Killed by a signal: 128 + its number, as a shell reports it.
    assert_eq!(status("kill -TERM $$").code(), Some(128 + libc::SIGTERM));
    sb.cmd()
        .args([
            "exec",
            "--server",
            "--profile",
            "dev",
            "--",
            "/nonexistent/program",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(
            "error: cannot run `/nonexistent/program`",
        ));
}

#[test]
fn sigint_sigterm_and_sighup_are_forwarded_to_the_child() {
    let (_pool, sb) = signed_in();
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let program = format!(
            // os.write, unbuffered: a handler that ran inside print() would find its buffer busy.
            "import os, signal\n\
             signal.signal({signal}, lambda s, f: (os.write(1, b'got %d\\n' % s), os._exit(5)))\n\
             os.write(1, b'ready\\n')\n\
             signal.pause()"
        );
        let mut child = sb
            .std_cmd()
            .args(["exec", "--server", "--profile", "dev", "--"])
            .args([python().as_str(), "-c", &program])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(line, "ready\n");
        // SAFETY: a signal to the process we started and have not reaped.
        unsafe {
            libc::kill(child.id() as i32, signal);
        }
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        let status = child.wait().unwrap();
        assert_eq!(
            (rest.as_str(), status.code()),
            (format!("got {signal}\n").as_str(), Some(5)),
            "signal {signal}: {status:?}"
        );
    }
}
