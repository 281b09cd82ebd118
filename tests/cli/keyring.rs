//! The refresh token in the OS keyring: a real Secret Service (gnome-keyring on a D-Bus
//! session of the test's own), not a mock. scripts/test.sh installs it from Debian packages and
//! sets COGNITO_AUTH_TEST_KEYRING, after which a missing keyring fails the test.

use predicates::prelude::*;
use serde_json::Value;

use crate::support::*;

#[test]
fn the_refresh_token_lives_in_the_secret_service_and_refreshes_from_there() {
    let pool = Pool::new();
    let mut sb = Sandbox::new();
    let service = match SecretService::start(sb.home.path()) {
        Ok(service) => service,
        Err(why) if std::env::var_os(KEYRING_REQUIRED).is_some() => {
            panic!("no Secret Service although scripts/test.sh installed one: {why}")
        }
        Err(why) => {
            eprintln!("skipped: no Secret Service ({why}); scripts/test.sh installs one");
            return;
        }
    };
    sb.env("COGNITO_AUTH_KEYRING", "on")
        .env("DBUS_SESSION_BUS_ADDRESS", &service.address);
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();

    // The session says keyring, no token file exists, and the keyring holds the token.
    assert_eq!(sb.session("dev")["refresh_token"], "keyring");
    assert!(!sb.cache_dir().join("profiles/dev.refresh").exists());
    let token = service
        .lookup(&["service", "cognito-auth", "username", "dev"])
        .expect("the refresh token in the keyring");
    let session = std::fs::read_to_string(sb.session_file("dev")).unwrap();
    assert!(
        !session.contains(token.trim()),
        "the token is not in the session file"
    );
    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "refresh token      in the OS keyring",
        ));

    // A later refresh works, with the token from the keyring.
    sb.age_tokens("dev");
    sb.cmd()
        .args(["credential-process", "--profile", "dev"])
        .assert()
        .success();
    let refreshes: Vec<Value> = recorded("InitiateAuth", &pool.public_client_id)
        .into_iter()
        .filter(|b| b["AuthFlow"] == "REFRESH_TOKEN_AUTH")
        .collect();
    assert_eq!(refreshes.len(), 1);
    assert_eq!(
        refreshes[0]["AuthParameters"]["REFRESH_TOKEN"],
        token.as_str()
    );
    assert!(sb.session("dev")["tokens_expire"].as_i64().unwrap() > now() + 3000);

    // logout removes it from the keyring.
    sb.cmd()
        .args(["logout", "--profile", "dev"])
        .assert()
        .success();
    assert_eq!(
        service.lookup(&["service", "cognito-auth", "username", "dev"]),
        None
    );
}
