//! `status`: the last sign-in and live credentials (exit 0), none or expired (exit 1).

use predicates::prelude::*;

use crate::support::*;

#[test]
fn after_login_status_shows_user_groups_identity_and_time_left() {
    let pool = Pool::new();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", ALICE, ALICE_PASSWORD).success();
    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "user_pool_id       {}  (config file ",
            pool.user_pool_id
        )))
        .stdout(predicate::str::contains(
            "signed in as       alice-premium at ",
        ))
        .stdout(predicate::str::contains(
            "groups             premium-users\n",
        ))
        .stdout(predicate::str::contains(format!(
            "identity id        {}\n",
            sb.session("dev")["identity_id"].as_str().unwrap()
        )))
        .stdout(
            predicate::str::is_match(
                r"credentials        \*+[A-Z0-9]{4} in .*: live, expires \S+ \(\d+ minutes? left\)",
            )
            .unwrap(),
        );
    let out = sb
        .cmd()
        .args(["status", "--profile", "dev", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["session"]["username"], ALICE);
    assert_eq!(json["session"]["groups"][0], "premium-users");
    assert_eq!(json["credentials"]["live"], true);
    assert_eq!(json["credentials"]["temporary"], true);
}

#[test]
fn no_credentials_exit_1() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["status", "--profile", "nothing"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "credentials        none in the credentials file",
        ));
}

#[test]
fn expired_credentials_exit_1() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.path(".aws")).unwrap();
    std::fs::write(
        sb.credentials(),
        "[old]\naws_access_key_id = ASIAEXPIRED1234\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2020-01-01T00:00:00Z\n",
    )
    .unwrap();
    sb.cmd()
        .args(["status", "--profile", "old"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("***********1234 in ").and(predicate::str::contains(
                ": EXPIRED at 2020-01-01T00:00:00Z",
            )),
        );
}

/// Meets the default password policy (which asks for a symbol).
const DANA_PASSWORD: &str = "Dana-Pass123!";

/// A pool whose users sign in by email (their usernames are UUIDs), an app client that may read
/// the email, an identity pool, and dana@example.com with a permanent password.
fn email_sign_in_pool() -> Pool {
    use aws_sdk_cognitoidentity as identity;
    use aws_sdk_cognitoidentityprovider as idp;
    use idp::types::*;
    block_on(async {
        let config = admin_config().await;
        let c = idp::Client::new(&config);
        let pool_id = c
            .create_user_pool()
            .pool_name(format!("email-sign-in-{}", unique()))
            .username_attributes(UsernameAttributeType::Email)
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap()
            .id
            .unwrap();
        let client_id = c
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("cli")
            .read_attributes("email")
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await
            .unwrap()
            .user_pool_client
            .unwrap()
            .client_id
            .unwrap();
        c.admin_create_user()
            .user_pool_id(&pool_id)
            .username("dana@example.com")
            .temporary_password("TempPass123!")
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .unwrap();
        c.admin_set_user_password()
            .user_pool_id(&pool_id)
            .username("dana@example.com")
            .password(DANA_PASSWORD)
            .permanent(true)
            .send()
            .await
            .unwrap();
        let provider = identity::types::CognitoIdentityProvider::builder()
            .provider_name(format!("cognito-idp.us-east-1.amazonaws.com/{pool_id}"))
            .client_id(&client_id)
            .build();
        let identity_pool_id = identity::Client::new(&config)
            .create_identity_pool()
            .identity_pool_name(format!("email_sign_in_{}", unique()))
            .allow_unauthenticated_identities(false)
            .cognito_identity_providers(provider)
            .send()
            .await
            .unwrap()
            .identity_pool_id;
        Pool {
            user_pool_id: pool_id,
            public_client_id: client_id,
            secret_client_id: String::new(),
            client_secret: String::new(),
            identity_pool_id,
        }
    })
}

#[test]
fn a_user_of_an_email_sign_in_pool_is_named_by_email_beside_the_uuid_username() {
    let pool = email_sign_in_pool();
    let sb = Sandbox::new();
    sb.configure("dev", &pool, false);
    sb.login("dev", "dana@example.com", DANA_PASSWORD)
        .success()
        .stderr(
            predicate::str::is_match(
                r"Signed in as dana@example\.com \(username [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\), identity ",
            )
            .unwrap(),
        );
    let username = sb.session("dev")["username"].as_str().unwrap().to_owned();
    assert_ne!(
        username, "dana@example.com",
        "the pool should have made a UUID username"
    );
    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "signed in as       dana@example.com (username {username}) at "
        )));
    let out = sb
        .cmd()
        .args(["status", "--profile", "dev", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["session"]["name"], "dana@example.com");
    assert_eq!(json["session"]["username"], username.as_str());
}
