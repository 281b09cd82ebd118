//! `admin` against moto: bootstrap from nothing and again, what IAM holds afterwards, a login
//! with the profile bootstrap wrote, exact policy rendering, and refusals. moto implements no
//! role mappings (SetIdentityPoolRoles answers HTTP 500): bootstrap must report exactly that
//! step as not applied and exit 1 with the rest in place.

use predicates::prelude::*;
use serde_json::Value;

use crate::support::*;

/// A sandbox with admin credentials (moto checks no signature).
fn admin_sandbox() -> Sandbox {
    let mut sb = Sandbox::new();
    sb.env("AWS_ACCESS_KEY_ID", "admin")
        .env("AWS_SECRET_ACCESS_KEY", "admin")
        .env("AWS_REGION", "us-east-1");
    sb
}

fn bootstrap(sb: &Sandbox, name: &str, profile: &str) -> (i32, Value) {
    let out = sb
        .cmd()
        .args([
            "admin",
            "bootstrap",
            "--name",
            name,
            "--test-users",
            "--json",
            "--profile",
            profile,
        ])
        .args(["--bucket", "customer-files-test"])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

fn statuses(json: &Value) -> Vec<(String, String)> {
    json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["resource"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn bootstrap_builds_the_stack_once_and_login_works_with_its_profile() {
    let name = format!("cfa-{}", std::process::id());
    let sb = admin_sandbox();
    let (code, first) = bootstrap(&sb, &name, "alice");
    assert_eq!(
        code, 1,
        "moto has no role mappings, so the run is incomplete"
    );
    assert_eq!(first["complete"], false);
    let expected = [
        ("user pool", "created"),
        ("group", "created"),
        ("group", "created"),
        ("app client", "created"),
        ("identity pool", "created"),
        ("role", "created"),
        ("inline policy", "created"),
        ("role", "created"),
        ("inline policy", "created"),
        ("role mappings", "unsupported"),
        ("test user", "created"),
        ("test user", "created"),
        ("profile", "updated"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(statuses(&first), expected);
    let mappings = first["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["resource"] == "role mappings")
        .unwrap();
    assert_eq!(
        mappings["detail"],
        "SetIdentityPoolRoles not applied: HTTP 500 without an AWS error"
    );

    // Again: everything is found, nothing is duplicated, and it says so.
    let out = sb
        .cmd()
        .args([
            "admin",
            "bootstrap",
            "--name",
            &name,
            "--test-users",
            "--profile",
            "bob",
            "--bucket",
            "customer-files-test",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!(
        "Stack `{name}` was already in place: nothing changed."
    )));
    assert!(!text.contains("created"), "{text}");
    assert_eq!(text.matches("found       ").count(), 11, "{text}");
    let (_, second) = bootstrap(&sb, &name, "bob");
    assert_eq!(second["user_pool_id"], first["user_pool_id"]);
    assert_eq!(second["identity_pool_id"], first["identity_pool_id"]);
    assert_eq!(second["client_id"], first["client_id"]);

    // What IAM holds, read back.
    let pool = first["identity_pool_id"].as_str().unwrap().to_owned();
    let (premium_trust, premium_max, premium_policy) =
        read_role(&format!("{name}-premium"), "premium-s3");
    let trust: Value = serde_json::from_str(&premium_trust).unwrap();
    let st = &trust["Statement"][0];
    assert_eq!(st["Action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(
        st["Principal"]["Federated"],
        "cognito-identity.amazonaws.com"
    );
    assert_eq!(
        st["Condition"]["StringEquals"]["cognito-identity.amazonaws.com:aud"],
        pool.as_str()
    );
    assert_eq!(
        st["Condition"]["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"],
        "authenticated"
    );
    assert_eq!(premium_max, 43_200);
    let policy: Value = serde_json::from_str(&premium_policy).unwrap();
    assert_eq!(
        policy["Statement"][0]["Action"],
        serde_json::json!(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
    );
    assert_eq!(
        policy["Statement"][0]["Resource"],
        "arn:aws:s3:::customer-files-test/${cognito-identity.amazonaws.com:sub}/*"
    );
    let (_, _, basic_policy) = read_role(&format!("{name}-basic"), "basic-s3");
    let policy: Value = serde_json::from_str(&basic_policy).unwrap();
    assert_eq!(policy["Statement"][0]["Action"], "s3:GetObject");
    assert_eq!(policy["Statement"][1]["Action"], "s3:ListBucket");

    // The profiles it wrote log in: each user gets an identity and a profile of their own.
    let alice = &first["test_users"][0];
    let bob = &first["test_users"][1];
    assert_eq!(alice["username"], "alice-premium");
    assert_eq!(bob["group"], "basic-users");
    sb.login(
        "alice",
        "alice-premium",
        alice["password"].as_str().unwrap(),
    )
    .success()
    .stderr(predicate::str::contains(
        "Signed in as alice-premium (groups: premium-users)",
    ));
    sb.login("bob", "bob-basic", bob["password"].as_str().unwrap())
        .success()
        .stderr(predicate::str::contains(
            "Signed in as bob-basic (groups: basic-users)",
        ));
    assert_ne!(
        sb.session("alice")["identity_id"],
        sb.session("bob")["identity_id"]
    );
    let creds = sb.read(".aws/credentials");
    assert!(creds.contains("[alice]\n") && creds.contains("[bob]\n"));

    // role info finds both roles through their trust policies and sees no problem.
    sb.cmd()
        .args(["admin", "role", "info", "--profile", "alice"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "role               arn:aws:iam::123456789012:role/{name}-premium"
        )))
        .stdout(predicate::str::contains("PROBLEM").not());
}

/// A role's trust policy, MaxSessionDuration and one inline policy, straight from IAM.
fn read_role(role: &str, policy: &str) -> (String, i32, String) {
    block_on(async {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .http_client(cognito_auth::sdk::http_client(Some(&moto().endpoint)))
            .endpoint_url(&moto().endpoint)
            .credentials_provider(aws_sdk_iam::config::Credentials::new(
                "a", "a", None, None, "t",
            ))
            .load()
            .await;
        let iam = aws_sdk_iam::Client::new(&config);
        let r = iam
            .get_role()
            .role_name(role)
            .send()
            .await
            .unwrap()
            .role
            .unwrap();
        let p = iam
            .get_role_policy()
            .role_name(role)
            .policy_name(policy)
            .send()
            .await
            .unwrap();
        (
            cognito_auth::percent::decode(r.assume_role_policy_document().unwrap()),
            r.max_session_duration().unwrap(),
            cognito_auth::percent::decode(p.policy_document()),
        )
    })
}

#[test]
fn policies_render_exactly() {
    Sandbox::new()
        .cmd()
        .args(["admin", "policy", "s3", "--bucket", "customer-files", "--prefix", "home/", "--read-only"])
        .assert()
        .success()
        .stdout(concat!(
            "{\n",
            "  \"Version\": \"2012-10-17\",\n",
            "  \"Statement\": [\n",
            "    {\n",
            "      \"Sid\": \"ReadOwnObjects\",\n",
            "      \"Effect\": \"Allow\",\n",
            "      \"Action\": \"s3:GetObject\",\n",
            "      \"Resource\": \"arn:aws:s3:::customer-files/home/${cognito-identity.amazonaws.com:sub}/*\"\n",
            "    },\n",
            "    {\n",
            "      \"Sid\": \"ListOwnPrefix\",\n",
            "      \"Effect\": \"Allow\",\n",
            "      \"Action\": \"s3:ListBucket\",\n",
            "      \"Resource\": \"arn:aws:s3:::customer-files\",\n",
            "      \"Condition\": {\n",
            "        \"StringLike\": {\n",
            "          \"s3:prefix\": \"home/${cognito-identity.amazonaws.com:sub}/*\"\n",
            "        }\n",
            "      }\n",
            "    }\n",
            "  ]\n",
            "}\n",
        ));
    let out = Sandbox::new()
        .cmd()
        .args([
            "admin",
            "policy",
            "dynamodb",
            "--table",
            "Orders",
            "--region",
            "eu-west-1",
            "--account",
            "123456789012",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["Statement"][0]["Resource"],
        "arn:aws:dynamodb:eu-west-1:123456789012:table/Orders"
    );
    assert_eq!(
        doc["Statement"][0]["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"][0],
        "${cognito-identity.amazonaws.com:sub}"
    );
}

#[test]
fn apply_policy_refuses_invalid_json_before_any_call() {
    let mut sb = Sandbox::new();
    let server = ErrorServer::start(400, "AccessDeniedException", "any call would land here");
    sb.endpoint = server.endpoint.clone();
    let file = sb.path("bad.json");
    std::fs::write(&file, "{\"Version\": \"2012-10-17\", \"Statement\": [").unwrap();
    sb.cmd()
        .args(["admin", "role", "apply-policy", "--role", "r", "--name", "n", "--file", file.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(format!(
            "error: {}: not valid JSON (line 1, column 40): EOF while parsing a list at line 1 column 40; nothing was sent\n",
            file.display()
        ));
    assert_eq!(server.hits(), 0, "nothing was sent");
}

#[test]
fn missing_admin_credentials_are_reported() {
    let mut sb = Sandbox::new();
    sb.env("AWS_EC2_METADATA_DISABLED", "true");
    sb.cmd()
        .args(["admin", "bootstrap", "--name", "x"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: no AWS credentials for the admin calls",
        ))
        .stderr(predicate::str::contains(
            "hint: set AWS_PROFILE to a profile allowed to administer Cognito and IAM",
        ));
    assert!(!sb.our_config().exists());
}

#[test]
fn a_denied_call_names_the_action() {
    let denied = ErrorServer::start(
        400,
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/dev is not authorized",
    );
    let mut sb = admin_sandbox();
    sb.env(
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
        &denied.endpoint,
    );
    sb.cmd()
        .args(["admin", "bootstrap", "--name", "x"])
        .assert()
        .code(1)
        .stderr("error: cognito-idp:ListUserPools failed: AccessDeniedException: User: arn:aws:iam::123456789012:user/dev is not authorized\nhint: the admin credentials need permission for cognito-idp:ListUserPools\n");
    assert!(!sb.our_config().exists());
}

/// The SDK configuration of the test's own admin calls, straight to moto.
async fn moto_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .http_client(cognito_auth::sdk::http_client(Some(&moto().endpoint)))
        .endpoint_url(&moto().endpoint)
        .credentials_provider(aws_sdk_iam::config::Credentials::new(
            "a", "a", None, None, "t",
        ))
        .load()
        .await
}

/// `tests/support/paging_proxy.py` in front of moto: every listing bootstrap and role info read
/// comes in pages of one, and each listing request is logged.
struct PagingProxy {
    server: Emulator,
    log: std::path::PathBuf,
}

/// One listing request the proxy answered.
#[derive(Debug, serde::Deserialize)]
struct Listed {
    op: String,
    token: Option<String>,
    next: Option<String>,
    items: Vec<Option<String>>,
}

impl PagingProxy {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("listings.jsonl");
        let server = start_emulator(
            "paging_proxy.py",
            &[moto().endpoint.as_ref(), log.as_os_str()],
            &[],
            dir,
        );
        Self { server, log }
    }

    /// The listing requests logged so far, then an empty log.
    fn take(&self) -> Vec<Listed> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        std::fs::write(&self.log, "").unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// The requests of `op`, split into walks through the pages (each starts with no token), each
/// checked: every later request sends the token the one before returned.
fn walks<'a>(listed: &'a [Listed], op: &str) -> Vec<Vec<&'a Listed>> {
    let mut walks: Vec<Vec<&Listed>> = Vec::new();
    for l in listed.iter().filter(|l| l.op == op) {
        match walks.last_mut() {
            Some(walk) if l.token.is_some() => walk.push(l),
            _ => walks.push(vec![l]),
        }
    }
    for walk in &walks {
        assert_eq!(walk[0].token, None, "{op}: {walk:?}");
        for pair in walk.windows(2) {
            assert!(
                pair[0].next.is_some(),
                "{op} asked past the last page: {walk:?}"
            );
            assert_eq!(pair[1].token, pair[0].next, "{op} lost its place: {walk:?}");
        }
    }
    walks
}

/// The one walk through the pages of `op`.
fn pages<'a>(listed: &'a [Listed], op: &str) -> Vec<&'a Listed> {
    let mut walks = walks(listed, op);
    assert_eq!(walks.len(), 1, "{op}: {walks:?}");
    walks.pop().unwrap()
}

/// [`pages`], and the walk went past the first page.
fn walk<'a>(listed: &'a [Listed], op: &str) -> Vec<&'a Listed> {
    let walk = pages(listed, op);
    assert!(walk.len() >= 2, "{op} read one page only: {walk:?}");
    walk
}

/// Whether `name` came back on the last page of the walk (where a search for it must stop).
fn found_last(walk: &[&Listed], name: &str) -> bool {
    walk.last()
        .is_some_and(|l| l.items.iter().any(|i| i.as_deref() == Some(name)))
}

#[test]
fn bootstrap_finds_resources_past_the_first_page_and_makes_no_duplicates() {
    use aws_sdk_cognitoidentity as identity;
    use aws_sdk_cognitoidentityprovider as idp;
    let name = format!("pg-{}", std::process::id());
    let identity_name = name.replace('-', "_");
    // Decoys listed before each resource, so none of ours is on the first page: a user pool
    // before ours (which exists already, with Cognito's default password policy: the test
    // users' passwords must meet it), a client before the one bootstrap will make in it, an
    // identity pool before the one bootstrap will make.
    let pool_id = block_on(async {
        let config = moto_config().await;
        let idp = idp::Client::new(&config);
        let cognito = identity::Client::new(&config);
        idp.create_user_pool()
            .pool_name(format!("{name}-decoy"))
            .send()
            .await
            .unwrap();
        let pool = idp
            .create_user_pool()
            .pool_name(&name)
            .send()
            .await
            .unwrap()
            .user_pool
            .unwrap()
            .id
            .unwrap();
        idp.create_user_pool_client()
            .user_pool_id(&pool)
            .client_name(format!("{name}-decoy"))
            .send()
            .await
            .unwrap();
        cognito
            .create_identity_pool()
            .identity_pool_name(format!("{identity_name}_decoy"))
            .allow_unauthenticated_identities(false)
            .send()
            .await
            .unwrap();
        pool
    });

    let proxy = PagingProxy::start();
    let mut sb = admin_sandbox();
    sb.endpoint = proxy.server.endpoint.clone();
    let (code, first) = bootstrap(&sb, &name, "alice");
    assert_eq!(code, 1, "moto has no role mappings: {first}");
    assert_eq!(first["user_pool_id"], pool_id.as_str());
    let steps = statuses(&first);
    assert_eq!(steps[0], ("user pool".into(), "found".into()));
    assert_eq!(steps[3], ("app client".into(), "created".into()));
    assert_eq!(steps[4], ("identity pool".into(), "created".into()));
    let listed = proxy.take();
    assert!(found_last(&walk(&listed, "ListUserPools"), &name));
    // Creating needs every page read first: the walks end where the listings end.
    for op in ["ListUserPoolClients", "ListIdentityPools"] {
        assert_eq!(pages(&listed, op).last().unwrap().next, None, "{op}");
    }

    // Again: each of ours is now past the first page, and found there.
    let (_, second) = bootstrap(&sb, &name, "alice");
    let listed = proxy.take();
    let found: Vec<_> = statuses(&second)
        .into_iter()
        .filter(|(_, status)| status == "found")
        .map(|(resource, _)| resource)
        .collect();
    assert_eq!(
        found,
        [
            "user pool",
            "group",
            "group",
            "app client",
            "identity pool",
            "role",
            "inline policy",
            "role",
            "inline policy",
            "test user",
            "test user"
        ]
    );
    assert_eq!(second["client_id"], first["client_id"]);
    assert_eq!(second["identity_pool_id"], first["identity_pool_id"]);
    let clients = walk(&listed, "ListUserPoolClients");
    assert!(found_last(&clients, &format!("{name}-cli")));
    assert!(found_last(
        &walk(&listed, "ListIdentityPools"),
        &identity_name
    ));

    // Exactly one of each, counted straight from moto over every page.
    let (pools, clients, identity_pools) = block_on(async {
        let config = moto_config().await;
        let idp = idp::Client::new(&config);
        let pools: Vec<_> = idp
            .list_user_pools()
            .max_results(60)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .unwrap();
        let clients: Vec<_> = idp
            .list_user_pool_clients()
            .user_pool_id(&pool_id)
            .max_results(60)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .unwrap();
        let identity_pools = identity::Client::new(&config)
            .list_identity_pools()
            .max_results(60)
            .send()
            .await
            .unwrap()
            .identity_pools
            .unwrap_or_default();
        (
            pools
                .iter()
                .filter(|p| p.name() == Some(name.as_str()))
                .count(),
            clients
                .iter()
                .filter(|c| c.client_name() == Some(format!("{name}-cli").as_str()))
                .count(),
            identity_pools
                .iter()
                .filter(|p| p.identity_pool_name() == Some(identity_name.as_str()))
                .count(),
        )
    });
    assert_eq!((pools, clients, identity_pools), (1, 1, 1));

    // apply-policy adds a second inline policy to the premium role.
    let extra = sb.path("extra.json");
    std::fs::write(
        &extra,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}"#,
    )
    .unwrap();
    let premium = format!("{name}-premium");
    sb.cmd()
        .args([
            "admin",
            "role",
            "apply-policy",
            "--role",
            &premium,
            "--name",
            "extra",
        ])
        .arg("--file")
        .arg(&extra)
        .assert()
        .success()
        .stderr(format!(
            "Attached {} to role {premium} as inline policy `extra`.\n",
            extra.display()
        ));
    proxy.take();

    // role info reads every page of IAM's roles and of the premium role's inline policies.
    sb.cmd()
        .args(["admin", "role", "info", "--profile", "alice"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(":role/{premium}\n")))
        .stdout(predicate::str::contains(format!(":role/{name}-basic\n")))
        .stdout(predicate::str::contains(
            r#"inline policy      extra: {"Statement":[{"Action":"s3:ListAllMyBuckets","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}"#,
        ))
        .stdout(predicate::str::contains("inline policy      premium-s3: "));
    let listed = proxy.take();
    let roles = walk(&listed, "ListRoles");
    assert_eq!(roles.last().unwrap().next, None, "every page is read");
    let seen: Vec<_> = roles
        .iter()
        .flat_map(|l| l.items.iter().flatten())
        .collect();
    assert!(seen.contains(&&premium) && seen.contains(&&format!("{name}-basic")));
    // The premium role's two policies came one a page; the basic role's one in one page.
    let mut policies: Vec<Vec<Vec<String>>> = walks(&listed, "ListRolePolicies")
        .iter()
        .map(|walk| {
            walk.iter()
                .map(|l| l.items.iter().flatten().cloned().collect())
                .collect()
        })
        .collect();
    policies.sort();
    assert_eq!(
        policies,
        [
            vec![vec!["basic-s3"]],
            vec![vec!["premium-s3"], vec!["extra"]]
        ]
    );
}
