//! "Your files are yours", end to end through the binary: keys land in the section botocore reads
//! as the profile, with its indentation; login + logout gives back the original bytes; a profile
//! that runs someone else's credential_process is left alone. (The line-by-line agreement with
//! botocore is `ini_differential`.)

use predicates::prelude::*;

use crate::support::*;

/// The profile as botocore reads it from both files (the credentials file's keys merged in).
fn botocore_profile(sb: &Sandbox, profile: &str) -> serde_json::Value {
    let python = std::env::var("MOTO_PYTHON")
        .unwrap_or_else(|_| format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR")));
    let out = sb
        .sandboxed(&python)
        .args([
            "-c",
            "import json, sys, botocore.session as s; \
             print(json.dumps(s.Session().full_config['profiles'].get(sys.argv[1])))",
            profile,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn keys_go_into_the_section_botocore_reads_with_its_indentation() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    std::fs::write(
        sb.credentials(),
        "[dev] # mine\n  aws_session_token = old\n  note = keep\n\n  [prod]\n    region = x\n",
    )
    .unwrap();
    std::fs::write(
        sb.aws_config(),
        "[profile dev]\noutput = text\n[profile  \"dev\"]\n\u{3000}output = json\n",
    )
    .unwrap();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();

    let creds = sb.read(".aws/credentials");
    assert!(
        creds.starts_with("[dev] # mine\n  aws_session_token = ")
            && creds.contains("\n  note = keep\n  aws_access_key_id = ")
            && creds.ends_with("\n\n  [prod]\n    region = x\n"),
        "{creds}"
    );
    // The last section botocore maps to `dev` is the one it reads: the region goes there.
    assert_eq!(
        sb.read(".aws/config"),
        "[profile dev]\noutput = text\n[profile  \"dev\"]\n\u{3000}output = json\n\u{3000}region = us-east-1\n"
    );
    let dev = botocore_profile(&sb, "dev");
    assert_eq!(dev["note"], "keep");
    assert_eq!(dev["output"], "json");
    assert_eq!(dev["region"], "us-east-1");
    let token = creds
        .lines()
        .find_map(|l| l.strip_prefix("  aws_session_token = "))
        .unwrap();
    assert_eq!(dev["aws_session_token"], token);
    assert_eq!(botocore_profile(&sb, "prod")["region"], "x");
}

#[test]
fn login_then_logout_gives_back_the_original_bytes() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    for original in [
        "[other]\nk = v\n\n",
        "[other]\r\nk = v\r\n",
        "[other]\rk = v\r",
        "[other]\nk = v",
        "# only a comment, no final newline",
        "[other]\n  k = v\n  [next]\n",
    ] {
        std::fs::write(sb.credentials(), original).unwrap();
        sb.login("dev", ALICE, ALICE_PASSWORD).success();
        assert_ne!(sb.read(".aws/credentials"), original);
        sb.cmd()
            .args(["logout", "--profile", "dev"])
            .assert()
            .success();
        assert_eq!(sb.read(".aws/credentials"), original);
    }
}

#[test]
fn a_profile_running_another_credential_process_is_left_alone() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    std::fs::write(
        sb.aws_config(),
        "[profile dev]\ncredential_process = aws-vault export --format=json dev\n",
    )
    .unwrap();
    sb.configure("dev", &pool, false);
    let before = sb.snapshot();
    sb.login("dev", ALICE, ALICE_PASSWORD)
        .code(1)
        .stderr(predicate::str::contains(format!(
            "error: profile [dev] in {} gets its credentials from another command: aws-vault export --format=json dev",
            sb.aws_config().display()
        )))
        .stderr(predicate::str::contains(
            "hint: the profile is yours, so nothing was written",
        ));
    assert_eq!(sb.snapshot(), before);
    assert!(
        recorded("InitiateAuth", &pool.public_client_id).is_empty(),
        "refused before any request"
    );
    // configure --credential-process refuses to replace it too, unless forced.
    sb.cmd()
        .args(["configure", "--profile", "dev", "--credential-process"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("aws-vault export"));
    assert_eq!(sb.snapshot(), before);
    sb.cmd()
        .args([
            "configure",
            "--profile",
            "dev",
            "--credential-process",
            "--force",
        ])
        .assert()
        .success();
    assert!(
        sb.read(".aws/config")
            .contains("cognito-auth credential-process --profile dev")
    );
}
