//! The user's files in ~/.aws: every byte outside our section survives, long-term keys are
//! protected, malformed files are refused untouched, and the AWS file variables are honoured.

use predicates::prelude::*;

use crate::support::*;

const UGLY_CREDENTIALS: &str = concat!(
    "# Managed by hand. Do not lose this comment.\n",
    "\n",
    "[default]\n",
    "aws_access_key_id=AKIAHANDMADE\n",
    "aws_secret_access_key =   handmade secret  \n",
    "; semicolon comment\n",
    "\n",
    "[dev]   # ours, edited by hand\n",
    "aws_access_key_id = ASIAOLD\n",
    "aws_session_token = old-token\n",
    "custom_key = keep me\n",
    "\n",
    "\n",
    "# note about [other]\n",
    "[other]\n",
    "Region: eu-west-1\n",
    "tool = \"C:\\tools\\new\\x.exe\"",
);

const UGLY_CONFIG: &str = concat!(
    "[default]\r\n",
    "region = eu-west-1\r\n",
    "s3 =\r\n",
    "    max_concurrent_requests = 10\r\n",
    "\r\n",
    "[profile dev]\r\n",
    "output = json\r\n",
    "region = eu-west-1\r\n",
    "; trailing comment\r\n",
);

#[test]
fn every_byte_outside_our_keys_survives() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    std::fs::write(sb.credentials(), UGLY_CREDENTIALS).unwrap();
    std::fs::write(sb.aws_config(), UGLY_CONFIG).unwrap();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();

    let creds = sb.read(".aws/credentials");
    let (before_dev, after_dev) = UGLY_CREDENTIALS.split_once("[dev]").unwrap();
    let (_, rest) = after_dev.split_once("custom_key = keep me\n").unwrap();
    assert!(
        creds.starts_with(&format!(
            "{before_dev}[dev]   # ours, edited by hand\naws_access_key_id = "
        )),
        "{creds}"
    );
    let dev: Vec<&str> = creds
        .lines()
        .skip_while(|l| !l.starts_with("[dev]"))
        .take(6)
        .collect();
    assert!(dev[1].starts_with("aws_access_key_id = ") && !dev[1].ends_with("ASIAOLD"));
    assert!(dev[2].starts_with("aws_session_token = ") && !dev[2].ends_with("old-token"));
    assert_eq!(dev[3], "custom_key = keep me");
    assert!(dev[4].starts_with("aws_secret_access_key = "));
    assert!(dev[5].starts_with("x_security_token_expires = "));
    assert!(
        creds.contains(rest),
        "the tail after [dev] changed:\n{creds}"
    );

    // The config already said eu-west-1 for dev; the region setting defaults to the pool's
    // region, so only that one line changes, in place, with the file's CRLF endings.
    assert_eq!(
        sb.read(".aws/config"),
        UGLY_CONFIG.replace(
            "output = json\r\nregion = eu-west-1\r\n",
            "output = json\r\nregion = us-east-1\r\n"
        )
    );
}

#[test]
fn long_term_keys_are_never_overwritten_without_force() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    let original = "[prod]\naws_access_key_id = AKIALONGTERM\naws_secret_access_key = s\n";
    std::fs::write(sb.credentials(), original).unwrap();
    sb.configure("prod", &pool, false);
    let before = sb.snapshot();
    sb.login("prod", ALICE, ALICE_PASSWORD)
        .code(1)
        .stderr(predicate::str::contains("error: profile [prod] in"))
        .stderr(predicate::str::contains(
            "holds long-term keys that cognito-auth did not write",
        ))
        .stderr(predicate::str::contains(
            "hint: use another profile, or pass --force",
        ));
    assert_eq!(sb.snapshot(), before);
    assert!(
        recorded("InitiateAuth", &pool.public_client_id).is_empty(),
        "refused before any request"
    );

    sb.cmd()
        .args(["login", "--profile", "prod", "-u", ALICE, "--force"])
        .env("COGNITO_PASSWORD", ALICE_PASSWORD)
        .assert()
        .success();
    let creds = sb.read(".aws/credentials");
    assert!(
        !creds.contains("AKIALONGTERM") && creds.contains("aws_session_token = "),
        "{creds}"
    );
}

#[test]
fn a_malformed_credentials_file_is_refused_untouched_with_its_line() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    std::fs::write(
        sb.credentials(),
        "[default]\naws_access_key_id = AKIA\nthis line is broken\n",
    )
    .unwrap();
    sb.configure("dev", &pool, false);
    let before = sb.snapshot();
    sb.login("dev", ALICE, ALICE_PASSWORD)
        .code(1)
        .stderr(predicate::str::contains(format!(
            "error: {}:3: expected a [section] header or a `key = value` line",
            sb.credentials().display()
        )))
        .stderr(predicate::str::contains("hint: fix or remove that line"));
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn a_malformed_config_file_is_refused_too() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    std::fs::write(sb.aws_config(), "[profile dev\nregion = x\n").unwrap();
    sb.configure("dev", &pool, false);
    let before = sb.snapshot();
    sb.login("dev", ALICE, ALICE_PASSWORD)
        .code(1)
        .stderr(predicate::str::contains(
            ":1: section header without a closing `]`",
        ));
    assert_eq!(sb.snapshot(), before);
}

#[test]
fn aws_file_variables_are_honoured() {
    let pool = Pool::new();
    let mut sb = Sandbox::new();
    let creds = sb.path("elsewhere/creds");
    let config = sb.path("elsewhere/conf");
    sb.env("AWS_SHARED_CREDENTIALS_FILE", creds.to_str().unwrap())
        .env("AWS_CONFIG_FILE", config.to_str().unwrap());
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    assert!(
        std::fs::read_to_string(&creds)
            .unwrap()
            .starts_with("[dev]\naws_access_key_id = ")
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "[profile dev]\nregion = us-east-1\n"
    );
    assert!(!sb.path(".aws").exists());
    assert_eq!(mode(&sb.path("elsewhere")), 0o700);
    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .success();
}

#[test]
fn the_default_profile_uses_plain_default_sections() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("default", &pool, false);
    sb.cmd()
        .args(["login", "-u", ALICE])
        .env("COGNITO_PASSWORD", ALICE_PASSWORD)
        .assert()
        .success();
    assert!(sb.read(".aws/credentials").starts_with("[default]\n"));
    assert_eq!(sb.read(".aws/config"), "[default]\nregion = us-east-1\n");
}
