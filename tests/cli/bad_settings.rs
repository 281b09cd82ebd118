//! A stored value with the wrong shape: `status` shows it, `configure` replaces it, and only the
//! commands that need it fail.

use serde_json::Value;

use crate::support::*;

#[test]
fn a_bad_stored_value_is_shown_by_status_fixed_by_configure_and_fatal_only_to_login() {
    let sb = Sandbox::new();
    let config = sb.our_config();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "[default]\nuser_pool_id = us-east-1_Good\nauth_flow = sideways\n",
    )
    .unwrap();

    let out = sb.cmd().args(["status", "--json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = setting(&json, "auth_flow");
    assert_eq!(row["value"], "sideways");
    assert_eq!(row["source"], "config_file");
    assert!(row["problem"].as_str().unwrap().contains("`srp`"), "{row}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning: auth_flow `sideways`"), "{stderr}");

    // A command that signs in needs the value, and says where it came from.
    let out = sb
        .cmd()
        .args(["login", "-u", "alice"])
        .env("COGNITO_PASSWORD", "x")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sideways") && stderr.contains(&config.display().to_string()),
        "{stderr}"
    );
    assert!(!sb.credentials().exists());

    sb.cmd()
        .args(["configure", "--auth-flow", "srp"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "[default]\nuser_pool_id = us-east-1_Good\nauth_flow = srp\n"
    );
    let json = status_json(&sb, &[]);
    let row = setting(&json, "auth_flow");
    assert_eq!(row["value"], "srp");
    assert!(row.get("problem").is_none(), "{row}");
}

#[test]
fn configure_warns_about_a_bad_value_it_does_not_replace() {
    let sb = Sandbox::new();
    let config = sb.our_config();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "[default]\nduration = 13h\n").unwrap();
    let out = sb
        .cmd()
        .args(["configure", "--client-id", "abc"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: the saved duration `13h` is not valid")
            && stderr.contains("--duration"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "[default]\nduration = 13h\nclient_id = abc\n"
    );
}
