//! The test harness: one moto server per test binary (started on first use, stopped when the
//! tests end), a fresh user pool and identity pool per test, and a sandboxed environment per
//! command so no test can touch the real `~/.aws`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use aws_sdk_cognitoidentity as identity;
use aws_sdk_cognitoidentityprovider as idp;

/// The seeds' sample users.
pub const ALICE: &str = "alice-premium";
pub const ALICE_PASSWORD: &str = "AlicePass123";
pub const BOB: &str = "bob-basic";
pub const BOB_TEMP_PASSWORD: &str = "TempPass123!";
pub const CAROL: &str = "carol-unconfirmed";
pub const CAROL_PASSWORD: &str = "CarolPass123";

/// An emulator the tests started: its endpoint, alive as long as the test process.
pub struct Emulator {
    pub endpoint: String,
    // Held open for the life of the test process; its closing stops the server.
    _stdin: Mutex<ChildStdin>,
    _child: Mutex<Child>,
    _dir: tempfile::TempDir,
}

/// Starts `tests/support/<script>` with the venv's python; the script prints the port.
pub fn start_emulator(
    script: &str,
    args: &[&std::ffi::OsStr],
    env: &[(&str, &std::ffi::OsStr)],
    dir: tempfile::TempDir,
) -> Emulator {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var("MOTO_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            let venv = root.join(".venv/bin/python");
            if venv.exists() {
                venv
            } else {
                PathBuf::from("python3")
            }
        });
    start_with(&python, script, args, env, dir)
}

/// Starts `tests/support/<script>` with `program`; the script prints the port.
fn start_with(
    program: &Path,
    script: &str,
    args: &[&std::ffi::OsStr],
    env: &[(&str, &std::ffi::OsStr)],
    dir: tempfile::TempDir,
) -> Emulator {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(program)
        .arg(root.join("tests/support").join(script))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {script} with {}: {e}; run scripts/test.sh",
                program.display()
            )
        });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().parse().unwrap_or_else(|_| {
        panic!("{script} did not start; run scripts/test.sh to install the emulators")
    });
    Emulator {
        endpoint: format!("http://127.0.0.1:{port}"),
        _stdin: Mutex::new(child.stdin.take().unwrap()),
        _child: Mutex::new(child),
        _dir: dir,
    }
}

/// The shared moto server, started on first use, recording every request it receives.
pub fn moto() -> &'static Emulator {
    static MOTO: OnceLock<Emulator> = OnceLock::new();
    MOTO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let recording = dir.path().join("requests.jsonl");
        let _ = RECORDING.set(recording.clone());
        start_emulator(
            "moto_server.py",
            &[],
            &[
                ("MOTO_ENABLE_RECORDING", "True".as_ref()),
                ("MOTO_RECORDER_FILEPATH", recording.as_os_str()),
                // moto checks TOTP codes only with this (its secret is always asdfasdfasdf).
                ("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true".as_ref()),
            ],
            dir,
        )
    })
}

static RECORDING: OnceLock<PathBuf> = OnceLock::new();

/// The shared cognito-local server (user pools only; it implements RevokeToken), started on
/// first use from `COGNITO_LOCAL_JS` or `./.emulators`.
pub fn cognito_local() -> &'static Emulator {
    static LOCAL: OnceLock<Emulator> = OnceLock::new();
    LOCAL.get_or_init(|| {
        let js = npm_emulator("COGNITO_LOCAL_JS", "cognito-local/lib/bin/start.js");
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().to_owned();
        start_emulator(
            "cognito_local.py",
            &[js.as_os_str(), data.as_os_str()],
            &[],
            dir,
        )
    })
}

/// An npm emulator's entry file: `$var` (set by scripts/test.sh), else under `./.emulators`.
fn npm_emulator(var: &str, file: &str) -> PathBuf {
    std::env::var(var).map(PathBuf::from).unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(".emulators/node_modules")
            .join(file)
    })
}

/// The client-credentials server's one client.
pub const M2M_CLIENT_ID: &str = "m2m_reporting";
pub const M2M_CLIENT_SECRET: &str = "m2m-reporting-secret-4f1c";

/// The shared OAuth 2.0 server for the client-credentials grant (oidc-provider from npm, as
/// cognito-local does not serve that grant), started on first use from `OIDC_PROVIDER_JS` or
/// `./.emulators`.
pub fn oauth_server() -> &'static Emulator {
    static OAUTH: OnceLock<Emulator> = OnceLock::new();
    OAUTH.get_or_init(|| {
        let js = npm_emulator("OIDC_PROVIDER_JS", "oidc-provider/lib/index.js");
        start_with(
            Path::new("node"),
            "oauth_server.mjs",
            &[
                js.as_os_str(),
                M2M_CLIENT_ID.as_ref(),
                M2M_CLIENT_SECRET.as_ref(),
            ],
            &[],
            tempfile::tempdir().unwrap(),
        )
    })
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs a future to completion on a fresh runtime.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

pub async fn admin_config() -> aws_config::SdkConfig {
    admin_config_at(&moto().endpoint).await
}

async fn admin_config_at(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .http_client(cognito_auth::sdk::http_client(Some(endpoint)))
        .endpoint_url(endpoint)
        .credentials_provider(idp::config::Credentials::new(
            "test", "test", None, None, "tests",
        ))
        .load()
        .await
}

/// A user pool and identity pool provisioned like the seeds' customer-file-access stack.
#[derive(Debug, Clone)]
pub struct Pool {
    pub user_pool_id: String,
    pub public_client_id: String,
    pub secret_client_id: String,
    pub client_secret: String,
    pub identity_pool_id: String,
}

impl Pool {
    /// A fresh pool: the seeds' password policy, groups premium-users and basic-users, a public
    /// and a confidential app client, alice (confirmed), bob (temporary password) and carol
    /// (unconfirmed), and an identity pool trusting both clients.
    pub fn new() -> Pool {
        block_on(async {
            let config = admin_config().await;
            let c = idp::Client::new(&config);
            use idp::types::*;
            let pool = c
                .create_user_pool()
                .pool_name(format!("customer-file-access-{}", unique()))
                .policies(
                    UserPoolPolicyType::builder()
                        .password_policy(
                            PasswordPolicyType::builder()
                                .minimum_length(8)
                                .require_uppercase(true)
                                .require_lowercase(true)
                                .require_numbers(true)
                                .require_symbols(false)
                                .build(),
                        )
                        .build(),
                )
                .send()
                .await
                .unwrap()
                .user_pool
                .unwrap();
            let pool_id = pool.id.unwrap();
            for (group, precedence) in [("premium-users", 1), ("basic-users", 2)] {
                c.create_group()
                    .user_pool_id(&pool_id)
                    .group_name(group)
                    .precedence(precedence)
                    .send()
                    .await
                    .unwrap();
            }
            let flows = [
                ExplicitAuthFlowsType::AllowUserPasswordAuth,
                ExplicitAuthFlowsType::AllowRefreshTokenAuth,
            ];
            let public = c
                .create_user_pool_client()
                .user_pool_id(&pool_id)
                .client_name("cli-public")
                .set_explicit_auth_flows(Some(flows.to_vec()))
                .send()
                .await
                .unwrap()
                .user_pool_client
                .unwrap();
            let confidential = c
                .create_user_pool_client()
                .user_pool_id(&pool_id)
                .client_name("cli-confidential")
                .generate_secret(true)
                .set_explicit_auth_flows(Some(flows.to_vec()))
                .send()
                .await
                .unwrap()
                .user_pool_client
                .unwrap();
            let new_user = |name: &str, temp: &str| {
                c.admin_create_user()
                    .user_pool_id(&pool_id)
                    .username(name)
                    .temporary_password(temp)
                    .message_action(MessageActionType::Suppress)
                    .send()
            };
            new_user(ALICE, "TempPass123!").await.unwrap();
            confirm_alice(&c, &pool_id).await;
            new_user(BOB, BOB_TEMP_PASSWORD).await.unwrap();
            for (user, group) in [(ALICE, "premium-users"), (BOB, "basic-users")] {
                c.admin_add_user_to_group()
                    .user_pool_id(&pool_id)
                    .username(user)
                    .group_name(group)
                    .send()
                    .await
                    .unwrap();
            }
            let public_id = public.client_id.unwrap();
            c.sign_up()
                .client_id(&public_id)
                .username(CAROL)
                .password(CAROL_PASSWORD)
                .send()
                .await
                .unwrap();

            let ci = identity::Client::new(&config);
            let provider = format!("cognito-idp.us-east-1.amazonaws.com/{pool_id}");
            let mut providers = Vec::new();
            for client in [&public_id, confidential.client_id.as_ref().unwrap()] {
                providers.push(
                    identity::types::CognitoIdentityProvider::builder()
                        .provider_name(&provider)
                        .client_id(client.as_str())
                        .build(),
                );
            }
            let identity_pool = ci
                .create_identity_pool()
                .identity_pool_name(format!("customer_file_access_{}", unique()))
                .allow_unauthenticated_identities(false)
                .set_cognito_identity_providers(Some(providers))
                .send()
                .await
                .unwrap();
            Pool {
                user_pool_id: pool_id,
                public_client_id: public_id,
                secret_client_id: confidential.client_id.unwrap(),
                client_secret: confidential.client_secret.unwrap(),
                identity_pool_id: identity_pool.identity_pool_id,
            }
        })
    }
}

/// A user pool in cognito-local with a public app client and alice (confirmed), and a moto
/// identity pool that trusts it (cognito-local has no identity pools; moto checks no token).
pub struct LocalPool {
    pub user_pool_id: String,
    pub client_id: String,
    pub identity_pool_id: String,
    /// The callback URL registered on the app client (Hosted UI pools only).
    pub redirect_uri: Option<String>,
}

impl LocalPool {
    pub fn new() -> LocalPool {
        Self::create(None)
    }

    /// A pool whose app client has the Hosted UI set up, with a callback URL on a free
    /// loopback port.
    pub fn hosted() -> LocalPool {
        Self::create(Some(format!("http://127.0.0.1:{}/callback", free_port())))
    }

    fn create(redirect_uri: Option<String>) -> LocalPool {
        block_on(async {
            let c = idp::Client::new(&admin_config_at(&cognito_local().endpoint).await);
            let pool_id = c
                .create_user_pool()
                .pool_name(format!("local-{}", unique()))
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
                .set_callback_urls(redirect_uri.clone().map(|r| vec![r]))
                .send()
                .await
                .unwrap()
                .user_pool_client
                .unwrap()
                .client_id
                .unwrap();
            c.admin_create_user()
                .user_pool_id(&pool_id)
                .username(ALICE)
                .temporary_password("TempPass123!")
                .message_action(idp::types::MessageActionType::Suppress)
                .send()
                .await
                .unwrap();
            confirm_alice(&c, &pool_id).await;
            let ci = identity::Client::new(&admin_config().await);
            let identity_pool_id = ci
                .create_identity_pool()
                .identity_pool_name(format!("local_{}", unique()))
                .allow_unauthenticated_identities(false)
                .cognito_identity_providers(
                    identity::types::CognitoIdentityProvider::builder()
                        .provider_name(format!("cognito-idp.local.amazonaws.com/{pool_id}"))
                        .client_id(&client_id)
                        .build(),
                )
                .send()
                .await
                .unwrap()
                .identity_pool_id;
            LocalPool {
                user_pool_id: pool_id,
                client_id,
                identity_pool_id,
                redirect_uri,
            }
        })
    }
}

/// Gives alice her permanent password (she was created with a temporary one).
async fn confirm_alice(c: &idp::Client, user_pool_id: &str) {
    c.admin_set_user_password()
        .user_pool_id(user_pool_id)
        .username(ALICE)
        .password(ALICE_PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
}

/// Turns MFA on for a pool, with an authenticator app as the factor.
async fn require_totp_on(c: &idp::Client, user_pool_id: &str) {
    c.set_user_pool_mfa_config()
        .user_pool_id(user_pool_id)
        .software_token_mfa_configuration(
            idp::types::SoftwareTokenMfaConfigType::builder()
                .enabled(true)
                .build(),
        )
        .mfa_configuration(idp::types::UserPoolMfaType::On)
        .send()
        .await
        .unwrap();
}

impl Pool {
    /// Requires MFA (authenticator app) for everyone in the pool; users without one are asked
    /// to set it up (MFA_SETUP) after NEW_PASSWORD_REQUIRED.
    pub fn require_totp(&self) {
        block_on(async {
            let c = idp::Client::new(&admin_config().await);
            require_totp_on(&c, &self.user_pool_id).await;
        })
    }

    /// Turns on SMS MFA for `user` (moto accepts any SMS code).
    pub fn enable_sms_mfa(&self, user: &str) {
        block_on(async {
            let c = idp::Client::new(&admin_config().await);
            c.admin_set_user_mfa_preference()
                .user_pool_id(&self.user_pool_id)
                .username(user)
                .sms_mfa_settings(
                    idp::types::SmsMfaSettingsType::builder()
                        .enabled(true)
                        .preferred_mfa(true)
                        .build(),
                )
                .send()
                .await
                .unwrap();
        })
    }
}

/// An SRP verifier (`tests/support/srp_server.py`) for one user, and a sandbox whose profile
/// `dev` signs in through it, with `configure` as further configure flags; identity-pool calls
/// go to moto.
pub fn srp_sandbox(
    (pool_id, client_id, secret): (&str, &str, Option<&str>),
    (user, password): (&str, &str),
    server_env: &[(&str, &str)],
    configure: &[&str],
) -> (Emulator, Sandbox) {
    let args = [pool_id, client_id, secret.unwrap_or("-"), user, password];
    let env: Vec<(&str, &std::ffi::OsStr)> =
        server_env.iter().map(|(k, v)| (*k, v.as_ref())).collect();
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    let server = start_emulator("srp_server.py", &args, &env, tempfile::tempdir().unwrap());
    let identity = Pool::new().identity_pool_id;
    let mut sb = Sandbox::new();
    sb.env(
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
        &server.endpoint,
    );
    let mut cmd = sb.cmd();
    cmd.args([
        "configure",
        "--profile",
        "dev",
        "--user-pool-id",
        pool_id,
        "--client-id",
        client_id,
    ])
    .args(["--identity-pool-id", &identity])
    .args(configure);
    if let Some(secret) = secret {
        cmd.arg("--client-secret-stdin")
            .write_stdin(format!("{secret}\n"));
    }
    cmd.assert().success();
    (server, sb)
}

impl LocalPool {
    /// A sandbox whose profile `dev` signs in to this pool (identity-pool calls: moto).
    pub fn sandbox(&self) -> Sandbox {
        let mut sb = Sandbox::new();
        sb.env(
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
            &cognito_local().endpoint,
        );
        sb.cmd()
            .args([
                "configure",
                "--profile",
                "dev",
                "--user-pool-id",
                &self.user_pool_id,
            ])
            .args([
                "--client-id",
                &self.client_id,
                "--identity-pool-id",
                &self.identity_pool_id,
            ])
            .args(["--region", "us-east-1"])
            .assert()
            .success();
        sb
    }
}

impl LocalPool {
    /// A sandbox whose profile `dev` signs in through this pool's Hosted UI (served by
    /// cognito-local at its root) with the scripted browser as `BROWSER`, which signs alice in
    /// and writes what it saw to [`Sandbox::browser_log`].
    pub fn browser_sandbox(&self) -> Sandbox {
        let mut sb = self.sandbox();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/browser.py");
        let log = sb.path("browser.log");
        sb.env("BROWSER", &format!("python3 {}", script.display()))
            .env("TEST_BROWSER_USER", ALICE)
            .env("TEST_BROWSER_PASSWORD", ALICE_PASSWORD)
            .env("TEST_BROWSER_LOG", log.to_str().unwrap());
        sb.cmd()
            .args(["configure", "--profile", "dev"])
            .args(["--hosted-ui-domain", &cognito_local().endpoint])
            .args(["--redirect-uri", self.redirect_uri.as_deref().unwrap()])
            .assert()
            .success();
        sb
    }
}

/// An `mfa_process` that prints the current code for moto's fixed TOTP secret.
pub fn totp_process() -> String {
    totp_process_for("asdfasdfasdf")
}

/// An `mfa_process` that prints the current code for a base32 TOTP secret.
pub fn totp_process_for(secret: &str) -> String {
    let python = std::env::var("MOTO_PYTHON")
        .unwrap_or_else(|_| format!("{}/.venv/bin/python", env!("CARGO_MANIFEST_DIR")));
    format!(
        "{python} {}/tests/support/totp.py {secret}",
        env!("CARGO_MANIFEST_DIR")
    )
}

impl LocalPool {
    /// Gives alice an authenticator app and makes it her second factor; returns its secret.
    pub fn enable_totp(&self) -> String {
        block_on(async {
            let c = idp::Client::new(&admin_config_at(&cognito_local().endpoint).await);
            let auth = c
                .initiate_auth()
                .auth_flow(idp::types::AuthFlowType::UserPasswordAuth)
                .client_id(&self.client_id)
                .auth_parameters("USERNAME", ALICE)
                .auth_parameters("PASSWORD", ALICE_PASSWORD)
                .send()
                .await
                .unwrap();
            let access = auth.authentication_result.unwrap().access_token.unwrap();
            let secret = c
                .associate_software_token()
                .access_token(&access)
                .send()
                .await
                .unwrap()
                .secret_code
                .unwrap();
            let code = Command::new("sh")
                .args(["-c", &totp_process_for(&secret)])
                .output()
                .unwrap()
                .stdout;
            c.verify_software_token()
                .access_token(&access)
                .user_code(String::from_utf8(code).unwrap().trim())
                .send()
                .await
                .unwrap();
            c.set_user_mfa_preference()
                .access_token(&access)
                .software_token_mfa_settings(
                    idp::types::SoftwareTokenMfaSettingsType::builder()
                        .enabled(true)
                        .preferred_mfa(true)
                        .build(),
                )
                .send()
                .await
                .unwrap();
            // cognito-local asks for the code only when the pool's MFA is on.
            require_totp_on(&c, &self.user_pool_id).await;
            secret
        })
    }
}

pub fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    std::process::id() as u64 * 1000 + N.fetch_add(1, Ordering::Relaxed)
}

/// A sandbox: its own HOME (so `~/.aws`, the config dir and the cache are all inside it).
pub struct Sandbox {
    pub home: tempfile::TempDir,
    pub endpoint: String,
    extra_env: Vec<(String, String)>,
}

impl Sandbox {
    /// A sandbox whose commands reach the shared moto server.
    pub fn new() -> Sandbox {
        Sandbox {
            home: tempfile::tempdir().unwrap(),
            endpoint: moto().endpoint.clone(),
            extra_env: Vec::new(),
        }
    }

    /// Sets a variable for every command this sandbox runs.
    pub fn env(&mut self, key: &str, value: &str) -> &mut Self {
        self.extra_env.push((key.into(), value.into()));
        self
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.home.path().join(rel)
    }

    pub fn credentials(&self) -> PathBuf {
        self.path(".aws/credentials")
    }

    pub fn aws_config(&self) -> PathBuf {
        self.path(".aws/config")
    }

    /// Our config file under the sandbox's HOME, where `dirs::config_dir` puts it.
    pub fn our_config(&self) -> PathBuf {
        if cfg!(target_os = "macos") {
            self.path("Library/Application Support/cognito-auth/config")
        } else {
            self.path(".config/cognito-auth/config")
        }
    }

    /// Our cache folder under the sandbox's HOME, where `dirs::cache_dir` puts it.
    pub fn cache_dir(&self) -> PathBuf {
        if cfg!(target_os = "macos") {
            self.path("Library/Caches/cognito-auth")
        } else {
            self.path(".cache/cognito-auth")
        }
    }

    /// The profile's session file.
    pub fn session_file(&self, profile: &str) -> PathBuf {
        self.cache_dir().join(format!("profiles/{profile}.json"))
    }

    /// The profile's session as JSON.
    pub fn session(&self, profile: &str) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.session_file(profile)).unwrap()).unwrap()
    }

    /// Rewrites the profile's session, to stand in for time passing.
    pub fn edit_session(&self, profile: &str, edit: impl FnOnce(&mut serde_json::Value)) {
        let mut session = self.session(profile);
        edit(&mut session);
        std::fs::write(self.session_file(profile), session.to_string()).unwrap();
    }

    /// What the scripted browser did, one JSON object per step (empty if it never ran). The
    /// browser holds a lock on its log while it runs: taking it waits for the browser to end.
    pub fn browser_log(&self) -> Vec<serde_json::Value> {
        let Ok(file) = std::fs::File::open(self.path("browser.log")) else {
            return Vec::new();
        };
        file.lock().unwrap();
        std::io::read_to_string(&file)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Makes the profile's cached credentials stale (past 80% of their life), tokens untouched.
    pub fn age_credentials(&self, profile: &str) {
        self.edit_session(profile, |s| {
            s["credentials"]["issued_at"] = (now() - 3000).into();
            s["credentials"]["expiration"] = (now() + 60).into();
        });
    }

    /// Makes the profile's ID and access tokens expired too.
    pub fn age_tokens(&self, profile: &str) {
        self.age_credentials(profile);
        self.edit_session(profile, |s| s["tokens_expire"] = (now() - 10).into());
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// The binary, with nothing inherited but PATH: no `AWS_*` or `COGNITO_*` from outside, no
    /// OS keyring, and no controlling terminal (its own session), so nothing can prompt.
    pub fn std_cmd(&self) -> Command {
        self.sandboxed(assert_cmd::cargo::cargo_bin("cognito-auth"))
    }

    /// Any program with the sandbox's environment, in a session of its own.
    pub fn sandboxed(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        use std::os::unix::process::CommandExt;
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("COGNITO_AUTH_KEYRING", "off")
            .env("AWS_ENDPOINT_URL", &self.endpoint);
        // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                Ok(())
            });
        }
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    /// [`Sandbox::std_cmd`] with assert_cmd's assertions.
    pub fn cmd(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.std_cmd())
    }

    /// Saves a profile for `pool` with the public (or, with `secret`, the confidential) client.
    pub fn configure(&self, profile: &str, pool: &Pool, secret: bool) {
        let client = if secret {
            &pool.secret_client_id
        } else {
            &pool.public_client_id
        };
        let mut cmd = self.cmd();
        cmd.args([
            "configure",
            "--profile",
            profile,
            "--user-pool-id",
            &pool.user_pool_id,
            "--client-id",
            client,
        ])
        .args(["--identity-pool-id", &pool.identity_pool_id]);
        if secret {
            cmd.arg("--client-secret-stdin")
                .write_stdin(format!("{}\n", pool.client_secret));
        }
        cmd.assert().success();
    }

    /// Signs `user` in to `profile` with the password from the environment.
    pub fn login(&self, profile: &str, user: &str, password: &str) -> assert_cmd::assert::Assert {
        self.cmd()
            .args(["login", "--profile", profile, "-u", user])
            .env("COGNITO_PASSWORD", password)
            .assert()
    }

    /// Runs `cognito-auth ARGS` on a terminal of its own (util-linux `script`), typing `input`
    /// into it; returns the exit status and everything the terminal showed. (BSD `script`, on
    /// macOS, takes other arguments; the tests that need a terminal run on Linux.)
    #[cfg(target_os = "linux")]
    pub fn on_terminal(&self, args: &str, input: &str) -> (std::process::ExitStatus, String) {
        use std::io::Write;
        let bin = assert_cmd::cargo::cargo_bin("cognito-auth");
        let mut child = self
            .sandboxed("script")
            .args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status,
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }

    /// Every file under HOME with its contents, to prove a failed command wrote nothing.
    /// [`Sandbox::snapshot`] without the failure a refresh records in the session file for the
    /// callers queued behind it (`refresh_failure`): every other byte is compared.
    pub fn snapshot_but_failure_record(&self) -> Vec<(PathBuf, Vec<u8>)> {
        self.snapshot()
            .into_iter()
            .map(|(path, bytes)| {
                let session = path.extension().is_some_and(|e| e == "json")
                    && path.parent().is_some_and(|d| d.ends_with("profiles"));
                match serde_json::from_slice::<serde_json::Value>(&bytes) {
                    Ok(mut json) if session => {
                        if let Some(fields) = json.as_object_mut() {
                            fields.remove("refresh_failure");
                        }
                        (path, serde_json::to_vec(&json).unwrap())
                    }
                    _ => (path, bytes),
                }
            })
            .collect()
    }

    pub fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    out.push((p.clone(), Vec::new()));
                    walk(&p, out);
                } else {
                    out.push((p.clone(), std::fs::read(&p).unwrap()));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.home.path(), &mut out);
        out.sort();
        out
    }
}

/// The requests moto recorded for operation `target` (e.g. `InitiateAuth`) whose JSON body
/// mentions `needle`.
pub fn recorded(target: &str, needle: &str) -> Vec<serde_json::Value> {
    moto();
    let text = std::fs::read_to_string(RECORDING.get().unwrap()).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|entry| {
            entry["headers"]["X-Amz-Target"]
                .as_str()
                .is_some_and(|t| t.ends_with(&format!(".{target}")))
        })
        .filter_map(|entry| {
            let body = entry["body"].as_str()?;
            let bytes = if entry["body_encoded"].as_bool() == Some(true) {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .ok()?
            } else {
                body.as_bytes().to_vec()
            };
            serde_json::from_slice::<serde_json::Value>(&bytes).ok()
        })
        .filter(|body| body.to_string().contains(needle))
        .collect()
}

/// The form fields of the STS-style (query protocol) requests moto recorded for `action`.
pub fn recorded_form(action: &str) -> Vec<std::collections::HashMap<String, String>> {
    moto();
    let text = std::fs::read_to_string(RECORDING.get().unwrap()).unwrap_or_default();
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|entry| {
            let body = entry["body"].as_str()?.to_owned();
            let body = if entry["body_encoded"].as_bool() == Some(true) {
                use base64::Engine;
                String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(body)
                        .ok()?,
                )
                .ok()?
            } else {
                body
            };
            let form = form_decode(&body);
            (form.get("Action").map(String::as_str) == Some(action)).then_some(form)
        })
        .collect()
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Mode bits of a path.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A loopback HTTP server that answers every request with one AWS JSON error, counting them.
///
/// moto cannot produce some of Cognito's answers (throttling, an identity pool that does not
/// trust the client, a missing identity pool: moto answers those with HTTP 500 or accepts
/// anything), so the tests that need them point one service's endpoint variable here.
pub struct ErrorServer {
    pub endpoint: String,
    hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl ErrorServer {
    pub fn start(status: u16, code: &str, message: &str) -> ErrorServer {
        use std::io::Write;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let hits = std::sync::Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let body = serde_json::json!({ "__type": code, "message": message }).to_string();
        let code = code.to_owned();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(_) = read_request(&mut stream) else {
                    continue;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                let response = format!(
                    "HTTP/1.1 {status} Error\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-ErrorType: {code}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes());
            }
        });
        ErrorServer { endpoint, hits }
    }

    /// How many requests arrived.
    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Reads one HTTP/1.1 request: its head (up to the blank line) and the body its Content-Length
/// announces. None if the connection closed first.
fn read_request(stream: &mut impl std::io::Read) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).unwrap_or(0);
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).unwrap_or(0);
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some((head, buf[head_end..].to_vec()))
}

/// One request a [`Recorder`] passed on.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The target's path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The query parameters of the target, percent-decoded.
    pub fn query(&self) -> std::collections::HashMap<String, String> {
        self.target
            .split_once('?')
            .map(|(_, q)| form_decode(q))
            .unwrap_or_default()
    }
}

/// Decodes `application/x-www-form-urlencoded` text (also a URL's query).
pub fn form_decode(text: &str) -> std::collections::HashMap<String, String> {
    let decode = |s: &str| {
        cognito_auth::percent::decode_form(s).unwrap_or_else(|| panic!("a broken escape: {s}"))
    };
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// A per-test recording proxy in front of a shared emulator: every request that reaches the
/// emulator through it is recorded here and nowhere else, so what a test counts is its own
/// traffic, never another test's. One request per connection: the request goes on with
/// `Connection: close` and the answer comes back byte for byte until the emulator closes.
pub struct Recorder {
    pub endpoint: String,
    requests: std::sync::Arc<Mutex<Vec<Request>>>,
}

impl Recorder {
    /// Starts a recorder in front of `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Recorder {
        use std::io::Write;
        let upstream = upstream
            .strip_prefix("http://")
            .expect("an http:// upstream")
            .trim_end_matches('/')
            .to_owned();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let requests = std::sync::Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { continue };
                let (upstream, log) = (upstream.clone(), log.clone());
                std::thread::spawn(move || {
                    let Some((head, body)) = read_request(&mut client) else {
                        return;
                    };
                    let mut lines = head.split("\r\n");
                    let start = lines.next().unwrap_or_default().to_owned();
                    let mut parts = start.split(' ');
                    let method = parts.next().unwrap_or_default().to_owned();
                    let target = parts.next().unwrap_or_default().to_owned();
                    let headers: Vec<(String, String)> = lines
                        .filter_map(|l| l.split_once(':'))
                        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
                        .collect();
                    let mut forward = format!("{start}\r\n");
                    for (name, value) in &headers {
                        if !name.eq_ignore_ascii_case("connection") {
                            forward.push_str(&format!("{name}: {value}\r\n"));
                        }
                    }
                    forward.push_str("Connection: close\r\n\r\n");
                    log.lock().unwrap().push(Request {
                        method,
                        target,
                        headers,
                        body: body.clone(),
                    });
                    let Ok(mut server) = std::net::TcpStream::connect(&upstream) else {
                        return;
                    };
                    if server.write_all(forward.as_bytes()).is_err()
                        || server.write_all(&body).is_err()
                    {
                        return;
                    }
                    let _ = std::io::copy(&mut server, &mut client);
                });
            }
        });
        Recorder { endpoint, requests }
    }

    /// Every request so far, in the order they arrived.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// The requests whose path is `path`.
    pub fn to(&self, path: &str) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.path() == path)
            .collect()
    }
}

/// Set by scripts/test.sh once it has installed gnome-keyring, dbus and secret-tool: from then
/// on a test that cannot get a Secret Service fails instead of skipping.
pub const KEYRING_REQUIRED: &str = "COGNITO_AUTH_TEST_KEYRING";

/// A real Secret Service for one test: gnome-keyring on a D-Bus session bus of its own
/// (`dbus-run-session`), keeping its keyrings under `home`. Stops when dropped (its shell's
/// stdin closes, the session ends, and gnome-keyring with it).
pub struct SecretService {
    /// The bus address, for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
    stdin: Option<ChildStdin>,
    child: Child,
}

impl SecretService {
    /// Starts one, or says why it cannot (missing programs, a daemon that would not start).
    ///
    /// gnome-keyring keeps a keyring whose password is empty as plain text, always unlocked.
    /// `gnome-keyring-daemon --unlock` with an empty password wants a graphical prompter to
    /// create the login keyring, and there is no display here, so the empty-password login
    /// keyring is written beforehand in gnome-keyring's own plain format, made the default,
    /// and the daemon started on it with only its secrets component.
    pub fn start(home: &Path) -> Result<SecretService, String> {
        for program in ["dbus-run-session", "gnome-keyring-daemon", "secret-tool"] {
            let found = Command::new("sh")
                .args(["-c", &format!("command -v {program}")])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !found {
                return Err(format!("{program} is not installed"));
            }
        }
        let keyrings = home.join(".local/share/keyrings");
        std::fs::create_dir_all(&keyrings).map_err(|e| e.to_string())?;
        std::fs::write(keyrings.join("default"), "login").map_err(|e| e.to_string())?;
        std::fs::write(
            keyrings.join("login.keyring"),
            "[keyring]\ndisplay-name=login\nctime=0\nmtime=0\nlock-on-idle=false\nlock-after=false\n",
        )
        .map_err(|e| e.to_string())?;
        let mut child = Command::new("dbus-run-session")
            .args([
                "--",
                "sh",
                "-c",
                "gnome-keyring-daemon --start --components=secrets >/dev/null || exit 1; \
                 echo \"$DBUS_SESSION_BUS_ADDRESS\"; exec cat >/dev/null",
            ])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("dbus-run-session: {e}"))?;
        let mut address = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut address)
            .map_err(|e| e.to_string())?;
        let address = address.trim().to_owned();
        if address.is_empty() {
            let _ = child.kill();
            return Err("gnome-keyring-daemon did not start".into());
        }
        Ok(SecretService {
            address,
            stdin: child.stdin.take(),
            child,
        })
    }

    /// The secret stored under `attributes` (pairs), as `secret-tool lookup` finds it.
    pub fn lookup(&self, attributes: &[&str]) -> Option<String> {
        let out = Command::new("secret-tool")
            .arg("lookup")
            .args(attributes)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        (out.status.success() && !text.is_empty()).then_some(text)
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        // Closing stdin ends `cat`, the shell, and so the bus session.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// Set by scripts/test.sh to chromium's path once it is installed: from then on the
/// real-browser test fails instead of skipping when it cannot run.
pub const CHROMIUM_REQUIRED: &str = "COGNITO_AUTH_TEST_CHROMIUM";

impl LocalPool {
    /// A sandbox whose profile `dev` signs in through this pool's Hosted UI with a real
    /// browser as `BROWSER`: Debian's chromium, headless, driven by playwright-core
    /// (`tests/support/chromium_browser.mjs`), which signs alice in and logs where it ended up.
    /// Err says why there is none (chromium or playwright-core missing).
    pub fn chromium_sandbox(&self) -> Result<Sandbox, String> {
        let chromium =
            std::env::var(CHROMIUM_REQUIRED).unwrap_or_else(|_| "/usr/bin/chromium".into());
        if !Path::new(&chromium).exists() {
            return Err(format!("no chromium at {chromium}"));
        }
        let playwright = std::env::var("PLAYWRIGHT_CORE")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join(".emulators/node_modules/playwright-core")
            });
        if !playwright.join("index.mjs").exists() {
            return Err(format!("no playwright-core in {}", playwright.display()));
        }
        let mut sb = self.browser_sandbox();
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/chromium_browser.mjs");
        let log = sb.path("browser.log");
        // flock holds the log's lock while the browser runs, so browser_log() reads it whole.
        sb.env(
            "BROWSER",
            &format!("flock {} node {}", log.display(), script.display()),
        )
        .env("PLAYWRIGHT_CORE", playwright.to_str().unwrap())
        .env("CHROMIUM", &chromium);
        Ok(sb)
    }
}

/// `status --json ARGS` as JSON.
pub fn status_json(sb: &Sandbox, args: &[&str]) -> serde_json::Value {
    let out = sb
        .cmd()
        .args(["status", "--json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The row of `status --json` for the setting `name`.
pub fn setting<'a>(json: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    json["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap()
}
