//! Settings precedence: flags > environment > our config file > the Python tool's file.

use serde_json::Value;

use crate::support::*;

const PY: &str = r#"{"user_pool_id": "us-west-2_Python", "client_id": "pyclient", "identity_pool_id": "us-west-2:11111111-2222-3333-4444-555555555555", "region": "us-west-2", "lambda_function_name": "ignored"}"#;

#[test]
fn each_layer_overrides_the_one_below() {
    let mut sb = Sandbox::new();
    std::fs::write(sb.path(".cognito-cli-config.json"), PY).unwrap();

    let json = status_json(&sb, &[]);
    for (name, value) in [
        ("user_pool_id", "us-west-2_Python"),
        ("client_id", "pyclient"),
        ("region", "us-west-2"),
    ] {
        assert_eq!(setting(&json, name)["value"], value);
        assert_eq!(setting(&json, name)["source"], "python_tool_file");
    }
    assert_eq!(setting(&json, "profile")["value"], "default");

    sb.cmd()
        .args([
            "configure",
            "--client-id",
            "ourclient",
            "--user-pool-id",
            "eu-west-1_Ours",
        ])
        .assert()
        .success();
    let json = status_json(&sb, &[]);
    assert_eq!(setting(&json, "client_id")["value"], "ourclient");
    assert_eq!(setting(&json, "client_id")["source"], "config_file");
    assert_eq!(
        setting(&json, "identity_pool_id")["source"],
        "python_tool_file"
    );
    // An explicit region in the Python file beats the pool-derived default.
    assert_eq!(setting(&json, "region")["value"], "us-west-2");

    sb.env("COGNITO_CLIENT_ID", "envclient")
        .env("AWS_DEFAULT_REGION", "ap-south-1");
    let json = status_json(&sb, &[]);
    assert_eq!(setting(&json, "client_id")["value"], "envclient");
    assert_eq!(setting(&json, "client_id")["from"], "env COGNITO_CLIENT_ID");
    assert_eq!(setting(&json, "region")["value"], "ap-south-1");

    sb.env("AWS_REGION", "ca-central-1");
    let json = status_json(&sb, &[]);
    assert_eq!(setting(&json, "region")["from"], "env AWS_REGION");
}

#[test]
fn region_defaults_to_the_user_pool_prefix() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["configure", "--user-pool-id", "eu-north-1_Abc"])
        .assert()
        .success();
    let json = status_json(&sb, &[]);
    assert_eq!(setting(&json, "region")["value"], "eu-north-1");
    assert_eq!(setting(&json, "region")["source"], "default");
}

#[test]
fn profile_comes_from_flag_then_aws_profile() {
    let mut sb = Sandbox::new();
    sb.env("AWS_PROFILE", "fromenv");
    assert_eq!(status_json(&sb, &[])["profile"], "fromenv");
    assert_eq!(
        status_json(&sb, &["--profile", "fromflag"])["profile"],
        "fromflag"
    );
}

#[test]
fn the_python_tools_file_alone_is_enough_to_log_in() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    let py = format!(
        r#"{{"user_pool_id": "{}", "client_id": "{}", "identity_pool_id": "{}", "region": "us-east-1"}}"#,
        pool.user_pool_id, pool.public_client_id, pool.identity_pool_id
    );
    std::fs::write(sb.path(".cognito-cli-config.json"), py).unwrap();
    sb.cmd()
        .args(["login", "-u", ALICE])
        .env("COGNITO_PASSWORD", ALICE_PASSWORD)
        .assert()
        .success();
    assert!(sb.read(".aws/credentials").starts_with("[default]\n"));
}

#[test]
fn a_malformed_python_file_is_named() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.path(".cognito-cli-config.json"),
        "{\n  \"user_pool_id\": \n",
    )
    .unwrap();
    sb.cmd()
        .arg("status")
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            ".cognito-cli-config.json:3: not the aws-cognito-auth JSON config",
        ));
}

/// A role ARN no other test asks for (moto's STS assumes any role and its log is shared).
fn own_role(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("arn:aws:iam::123456789012:role/{name}-{nanos}")
}

/// `login --fresh --profile P` with `args` and `env` on top of the sandbox's own.
fn login_with(sb: &Sandbox, profile: &str, args: &[&str], env: &[(&str, &str)]) {
    let mut cmd = sb.cmd();
    cmd.args(["login", "--fresh", "--profile", profile])
        .args(args)
        .env("COGNITO_PASSWORD", ALICE_PASSWORD);
    for (k, v) in env {
        cmd.env(k, v);
    }
    // Some layers name a user that does not exist or a flow moto fakes: what counts here is
    // what reached the server, not whether the sign-in succeeded.
    let _ = cmd.output().unwrap();
}

/// The settings that only a sign-in uses (status does not show them), each through every layer
/// it has: the value that reached moto says which layer won.
#[test]
fn login_settings_take_the_flag_then_the_environment_then_the_file_then_the_default() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    let init = || recorded("InitiateAuth", &pool.secret_client_id);
    let last = |v: Vec<Value>| v.last().cloned().unwrap();

    // username: -u > COGNITO_USERNAME > username.
    sb.configure("user", &pool, true);
    sb.cmd()
        .args([
            "configure",
            "--profile",
            "user",
            "--username",
            "nobody-file",
        ])
        .assert()
        .success();
    let username = || last(init())["AuthParameters"]["USERNAME"].clone();
    login_with(&sb, "user", &[], &[]);
    assert_eq!(username(), "nobody-file");
    login_with(&sb, "user", &[], &[("COGNITO_USERNAME", "nobody-env")]);
    assert_eq!(username(), "nobody-env");
    login_with(
        &sb,
        "user",
        &["-u", ALICE],
        &[("COGNITO_USERNAME", "nobody-env")],
    );
    assert_eq!(username(), ALICE);

    // client secret: COGNITO_CLIENT_SECRET > client_secret (no flag on login; configure's
    // --client-secret-stdin saves into the file). The SECRET_HASH sent says which was used.
    let hash = |secret: &str| {
        cognito_auth::auth::secret_hash::secret_hash(secret, ALICE, &pool.secret_client_id)
    };
    login_with(&sb, "user", &["-u", ALICE], &[]);
    assert_eq!(
        last(init())["AuthParameters"]["SECRET_HASH"],
        hash(&pool.client_secret).as_str()
    );
    login_with(
        &sb,
        "user",
        &["-u", ALICE],
        &[("COGNITO_CLIENT_SECRET", "env-secret")],
    );
    assert_eq!(
        last(init())["AuthParameters"]["SECRET_HASH"],
        hash("env-secret").as_str()
    );

    // auth_flow: --auth-flow > COGNITO_AUTH_FLOW > auth_flow > password.
    sb.configure("flow", &pool, true);
    let flow = || last(init())["AuthFlow"].clone();
    let as_alice = ["-u", ALICE];
    login_with(&sb, "flow", &as_alice, &[]);
    assert_eq!(flow(), "USER_PASSWORD_AUTH", "the default");
    sb.cmd()
        .args(["configure", "--profile", "flow", "--auth-flow", "srp"])
        .assert()
        .success();
    login_with(&sb, "flow", &as_alice, &[]);
    assert_eq!(flow(), "USER_SRP_AUTH");
    login_with(&sb, "flow", &as_alice, &[("COGNITO_AUTH_FLOW", "password")]);
    assert_eq!(flow(), "USER_PASSWORD_AUTH");
    login_with(
        &sb,
        "flow",
        &["-u", ALICE, "--auth-flow", "srp"],
        &[("COGNITO_AUTH_FLOW", "password")],
    );
    assert_eq!(flow(), "USER_SRP_AUTH");

    // role_arn: --role-arn > COGNITO_ROLE_ARN > role_arn > none (the enhanced flow's
    // CustomRoleArn says which).
    let (file_role, env_role, flag_role) = (own_role("File"), own_role("Env"), own_role("Flag"));
    sb.configure("role", &pool, true);
    let custom_role = || {
        last(recorded("GetCredentialsForIdentity", &pool.user_pool_id))
            .get("CustomRoleArn")
            .cloned()
    };
    login_with(&sb, "role", &as_alice, &[]);
    assert_eq!(custom_role(), None, "no role by default");
    sb.cmd()
        .args(["configure", "--profile", "role", "--role-arn", &file_role])
        .assert()
        .success();
    login_with(&sb, "role", &as_alice, &[]);
    assert_eq!(custom_role(), Some(Value::from(file_role.as_str())));
    login_with(&sb, "role", &as_alice, &[("COGNITO_ROLE_ARN", &env_role)]);
    assert_eq!(custom_role(), Some(Value::from(env_role.as_str())));
    login_with(
        &sb,
        "role",
        &["-u", ALICE, "--role-arn", &flag_role],
        &[("COGNITO_ROLE_ARN", &env_role)],
    );
    assert_eq!(custom_role(), Some(Value::from(flag_role.as_str())));

    // duration: --duration > COGNITO_DURATION > duration > none (the enhanced flow: no STS).
    let role = own_role("Duration");
    sb.configure("dur", &pool, true);
    sb.cmd()
        .args(["configure", "--profile", "dur", "--role-arn", &role])
        .assert()
        .success();
    let sts = || {
        recorded_form("AssumeRoleWithWebIdentity")
            .into_iter()
            .filter(|c| c["RoleArn"] == role)
            .map(|c| c["DurationSeconds"].clone())
            .collect::<Vec<_>>()
    };
    login_with(&sb, "dur", &as_alice, &[]);
    assert!(sts().is_empty(), "no duration: the enhanced flow");
    sb.cmd()
        .args(["configure", "--profile", "dur", "--duration", "3h"])
        .assert()
        .success();
    login_with(&sb, "dur", &as_alice, &[]);
    login_with(&sb, "dur", &as_alice, &[("COGNITO_DURATION", "2h")]);
    login_with(
        &sb,
        "dur",
        &["-u", ALICE, "--duration", "1h"],
        &[("COGNITO_DURATION", "2h")],
    );
    assert_eq!(sts(), ["10800", "7200", "3600"]);

    // MFA code: --mfa-code > COGNITO_MFA_CODE > COGNITO_MFA_PROCESS > mfa_process (moto
    // accepts any SMS code, so the code it received says which source answered).
    let mfa_pool = Pool::new();
    mfa_pool.enable_sms_mfa(ALICE);
    sb.configure("mfa", &mfa_pool, false);
    sb.cmd()
        .args([
            "configure",
            "--profile",
            "mfa",
            "--mfa-process",
            "echo 111111",
        ])
        .assert()
        .success();
    let code = || {
        last(recorded(
            "RespondToAuthChallenge",
            &mfa_pool.public_client_id,
        ))["ChallengeResponses"]["SMS_MFA_CODE"]
            .clone()
    };
    login_with(&sb, "mfa", &as_alice, &[]);
    assert_eq!(code(), "111111");
    let process = [("COGNITO_MFA_PROCESS", "echo 222222")];
    login_with(&sb, "mfa", &as_alice, &process);
    assert_eq!(code(), "222222");
    let both = [
        ("COGNITO_MFA_PROCESS", "echo 222222"),
        ("COGNITO_MFA_CODE", "333333"),
    ];
    login_with(&sb, "mfa", &as_alice, &both);
    assert_eq!(code(), "333333");
    login_with(&sb, "mfa", &["-u", ALICE, "--mfa-code", "444444"], &both);
    assert_eq!(code(), "444444");
}

/// The settings `status` shows, each through every layer it has: environment > our config
/// file > the Python tool's file > default. (These have no flag on the commands that resolve
/// them: `configure`'s flags save into the config file, the layer checked here.)
#[test]
fn status_settings_take_the_environment_then_the_file_then_the_python_file_then_the_default() {
    // (setting, variable, configure flag, file value, env value, Python file value, default)
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
    );
    let rows: [Row; 8] = [
        (
            "user_pool_id",
            "COGNITO_USER_POOL_ID",
            "--user-pool-id",
            "eu-west-1_File",
            "ap-south-1_Env",
            Some("us-west-2_Python"),
            None,
        ),
        (
            "client_id",
            "COGNITO_CLIENT_ID",
            "--client-id",
            "fileclient",
            "envclient",
            Some("pyclient"),
            None,
        ),
        (
            "identity_pool_id",
            "COGNITO_IDENTITY_POOL_ID",
            "--identity-pool-id",
            "eu-west-1:22222222-2222-3333-4444-555555555555",
            "ap-south-1:33333333-2222-3333-4444-555555555555",
            Some("us-west-2:11111111-2222-3333-4444-555555555555"),
            None,
        ),
        (
            "region",
            "AWS_REGION",
            "--region",
            "eu-central-1",
            "ca-central-1",
            Some("us-west-2"),
            Some("us-west-2"),
        ),
        (
            "username",
            "COGNITO_USERNAME",
            "--username",
            "file-user",
            "env-user",
            None,
            None,
        ),
        (
            "hosted_ui_domain",
            "COGNITO_HOSTED_UI_DOMAIN",
            "--hosted-ui-domain",
            "https://file.auth.example.com",
            "https://env.auth.example.com",
            None,
            None,
        ),
        (
            "redirect_uri",
            "COGNITO_REDIRECT_URI",
            "--redirect-uri",
            "http://localhost:9001/file",
            "http://127.0.0.1:9002/env",
            None,
            Some("http://localhost:8976/callback"),
        ),
        (
            "client_secret",
            "COGNITO_CLIENT_SECRET",
            "--client-secret-stdin",
            "file-secret",
            "env-secret",
            None,
            None,
        ),
    ];
    for (name, var, flag, file, env, python, default) in rows {
        let mut sb = Sandbox::new();
        let check = |sb: &Sandbox, value: Option<&str>, source: Option<&str>| {
            let json = status_json(sb, &[]);
            // A Hosted UI setting not set at all is left out of the list.
            let none = Value::Null;
            let shown = json["settings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == name)
                .unwrap_or(&none);
            // The secret is never shown: only that it is set.
            let value = if name == "client_secret" {
                value.map(|_| "set")
            } else {
                value
            };
            assert_eq!(shown["value"].as_str(), value, "{name}: {json}");
            assert_eq!(shown["source"].as_str(), source, "{name}: {json}");
        };
        if name == "redirect_uri" {
            // It has a default only once a Hosted UI is configured.
            sb.env("COGNITO_HOSTED_UI_DOMAIN", "https://auth.example.com");
        }
        let lowest = match (python, default) {
            (Some(_), _) => {
                std::fs::write(sb.path(".cognito-cli-config.json"), PY).unwrap();
                (python, "python_tool_file")
            }
            (None, Some(d)) => (Some(d), "default"),
            (None, None) => (None, ""),
        };
        check(&sb, lowest.0, (!lowest.1.is_empty()).then_some(lowest.1));
        let mut configure = sb.cmd();
        configure.args(["configure", flag]);
        if flag == "--client-secret-stdin" {
            configure.write_stdin(format!("{file}\n"));
        } else {
            configure.arg(file);
        }
        configure.assert().success();
        check(&sb, Some(file), Some("config_file"));
        sb.env(var, env);
        check(&sb, Some(env), Some("env"));
    }
}
