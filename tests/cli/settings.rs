//! Settings precedence: flags > environment > our config file > the Python tool's file.

use serde_json::Value;

use crate::support::*;

fn status_json(sb: &Sandbox, args: &[&str]) -> Value {
    let out = sb
        .cmd()
        .args(["status", "--json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

fn setting<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap()
}

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
