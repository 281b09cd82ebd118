//! `login --browser` through cognito-local's Hosted UI (its /oauth2/authorize login form and
//! /oauth2/token check PKCE, the registered callback URL and code reuse), with a scripted
//! browser (`tests/support/browser.py`) doing what a person's browser does; the identity pool
//! is moto's (cognito-local has none, and moto accepts any token). The client-credentials
//! grant runs against oidc-provider, since cognito-local does not serve it.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use predicates::prelude::*;

use crate::support::*;

/// `login --browser` for profile `dev`, the scripted browser taking `steps`.
fn browser_login(sb: &Sandbox, steps: &str) -> assert_cmd::assert::Assert {
    sb.cmd()
        .args(["login", "--browser", "--profile", "dev"])
        .env("TEST_BROWSER_STEPS", steps)
        .assert()
}

fn step<'a>(log: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    log.iter()
        .find(|s| s["step"] == name)
        .unwrap_or_else(|| panic!("the browser took no `{name}` step: {log:?}"))
}

#[test]
fn a_browser_sign_in_reaches_live_credentials() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    browser_login(&sb, "probe login callback")
        .success()
        .stderr(predicate::str::contains(format!("Signed in as {ALICE}")))
        .stderr(predicate::str::contains(
            "/oauth2/authorize?response_type=code",
        ));

    let log = sb.browser_log();
    assert_eq!(
        step(&log, "probe")["status"],
        404,
        "other paths are refused"
    );
    assert_eq!(step(&log, "login")["redirected"], true);
    let callback = step(&log, "callback");
    assert_eq!(callback["status"], 200);
    assert!(
        callback["page"]
            .as_str()
            .unwrap()
            .contains("You can close this tab")
    );

    let credentials = sb.read(".aws/credentials");
    assert!(
        credentials.contains("[dev]\naws_access_key_id = "),
        "{credentials}"
    );
    let session = sb.session("dev");
    assert_eq!(session["username"], ALICE);
    assert_eq!(session["hosted_ui"], cognito_local().endpoint.as_str());
    assert_eq!(mode(&sb.session_file("dev")), 0o600);

    sb.cmd()
        .args(["status", "--profile", "dev"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "signed in through  the Hosted UI at {}",
            cognito_local().endpoint
        )))
        .stdout(predicate::str::contains(format!(
            "redirect_uri       {}  (config file",
            pool.redirect_uri.as_deref().unwrap()
        )));

    // Every command of a password session works unchanged: here credential-process.
    let out = sb
        .cmd()
        .args(["credential-process", "--profile", "dev"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["Version"], 1);
}

#[test]
fn a_browser_session_refreshes_at_the_hosted_ui_token_endpoint() {
    let pool = LocalPool::hosted();
    let mut sb = pool.browser_sandbox();
    // The Hosted UI through a recorder of this test's own, to see what the refresh sent.
    let recorder = Recorder::start(&cognito_local().endpoint);
    sb.cmd()
        .args(["configure", "--profile", "dev"])
        .args(["--hosted-ui-domain", &recorder.endpoint])
        .assert()
        .success();
    browser_login(&sb, "login callback").success();
    let old_token = sb.session("dev")["id_token"].clone();
    sb.age_tokens("dev");
    // No user-pool API to fall back on: InitiateAuth would fail, /oauth2/token must serve it.
    sb.env(
        "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
        "http://127.0.0.1:9",
    );
    sb.cmd()
        .args(["export", "--profile", "dev"])
        .assert()
        .success()
        .stdout(predicate::str::contains("export AWS_ACCESS_KEY_ID="));
    let session = sb.session("dev");
    assert_ne!(session["id_token"], old_token, "new tokens");
    assert!(session["tokens_expire"].as_i64().unwrap() > now());
    let grants: Vec<String> = recorder
        .to("/oauth2/token")
        .iter()
        .map(|r| form_decode(&String::from_utf8_lossy(&r.body))["grant_type"].clone())
        .collect();
    assert_eq!(grants, ["authorization_code", "refresh_token"]);
}

#[test]
fn logout_of_a_browser_session_points_at_the_hosted_ui_logout() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    browser_login(&sb, "login callback").success();
    let logout_url = format!(
        "{}/logout?client_id={}&redirect_uri=http%3A%2F%2F127.0.0.1%3A",
        cognito_local().endpoint,
        pool.client_id
    );
    sb.cmd()
        .args(["logout", "--profile", "dev"])
        .assert()
        .success()
        // cognito-local does not serve /oauth2/revoke: the user is told, local state still goes.
        .stderr(predicate::str::contains(
            "warning: the refresh token was not revoked",
        ))
        .stderr(predicate::str::contains("/oauth2/revoke"))
        .stderr(predicate::str::contains(logout_url))
        .stderr(predicate::str::contains("deleted the cached session"));
    assert!(!sb.session_file("dev").exists());
    assert!(!sb.read(".aws/credentials").contains("aws_access_key_id"));
}

#[test]
fn a_wrong_password_in_the_browser_can_be_corrected() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    browser_login(&sb, "login-wrong login callback").success();
    let wrong = step(&sb.browser_log(), "login-wrong").clone();
    assert_eq!(wrong["status"], 200);
    assert_eq!(
        wrong["form_again"], true,
        "the Hosted UI shows its form again"
    );
    assert_eq!(wrong["redirected"], false);
}

#[test]
fn a_callback_with_another_state_is_refused_and_the_sign_in_goes_on() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    browser_login(&sb, "login forged-state callback")
        .success()
        .stderr(predicate::str::contains(
            "ignored a callback whose state does not match",
        ));
    let log = sb.browser_log();
    assert_eq!(step(&log, "forged-state")["status"], 400);
    assert_eq!(step(&log, "callback")["status"], 200);
}

#[test]
fn the_listener_takes_one_callback_and_closes() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    browser_login(&sb, "login callback callback").success();
    let log = sb.browser_log();
    let callbacks: Vec<_> = log.iter().filter(|s| s["step"] == "callback").collect();
    assert_eq!(callbacks[0]["status"], 200);
    assert_eq!(callbacks[1]["error"], "ConnectionRefusedError");
}

#[test]
fn a_replayed_code_is_refused_and_nothing_is_written() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    let code = sb.path("code.txt");
    browser_login(&sb, &format!("login save-code={} callback", code.display())).success();
    let before = sb.snapshot();
    sb.cmd()
        .args(["login", "--browser", "--fresh", "--profile", "dev"])
        .env(
            "TEST_BROWSER_STEPS",
            format!("login use-code={} callback", code.display()),
        )
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: the Hosted UI would not exchange the authorization code: invalid_grant",
        ))
        .stderr(predicate::str::contains("hint: codes are single-use"));
    let replayed = sb.browser_log().last().unwrap().clone();
    assert_eq!(replayed["step"], "callback");
    assert_eq!(replayed["status"], 400, "the browser hears that it failed");
    assert!(
        replayed["page"]
            .as_str()
            .unwrap()
            .contains("did not complete")
    );
    let after: Vec<_> = sb
        .snapshot()
        .into_iter()
        .filter(|(p, _)| !p.ends_with("browser.log"))
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(p, _)| !p.ends_with("browser.log"))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn a_redirect_uri_the_client_does_not_list_is_reported_before_the_browser_opens() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    let other = format!("http://127.0.0.1:{}/callback", free_port());
    sb.cmd()
        .args(["configure", "--profile", "dev", "--redirect-uri", &other])
        .assert()
        .success();
    sb.cmd()
        .args(["login", "--browser", "--profile", "dev"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "error: the Hosted UI refused the redirect URI {other} for app client {}",
            pool.client_id
        )))
        .stderr(predicate::str::contains(
            "hint: Cognito matches callback URLs exactly",
        ))
        // Printed as the browser is started: its absence says no browser was.
        .stderr(predicate::str::contains("Opened the sign-in page").not());
    assert!(sb.browser_log().is_empty(), "no browser was opened");
    assert!(!sb.credentials().exists());
}

#[test]
fn an_error_callback_is_reported_as_it_came() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    browser_login(&sb, "deny")
        .code(1)
        .stderr(predicate::str::contains(
            "error: the Hosted UI ended the sign-in with access_denied: User cancelled the sign-in",
        ))
        .stderr(predicate::str::contains("hint: the sign-in was cancelled"));
    assert_eq!(step(&sb.browser_log(), "deny")["status"], 400);
    assert!(!sb.credentials().exists());
    assert!(!sb.session_file("dev").exists());
}

/// Reads `login --no-browser`'s stderr up to the URL it prints; the URL and what came so far.
fn printed_url(stderr: &mut impl BufRead) -> (String, String) {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert_ne!(stderr.read_line(&mut line).unwrap(), 0, "no URL in: {seen}");
        seen.push_str(&line);
        if let Some(url) = line.trim().strip_prefix("http") {
            return (format!("http{url}"), seen);
        }
    }
}

/// The scripted browser, run by the test itself on `url` (a browser on "another machine").
fn scripted_browser(sb: &Sandbox, url: &str) -> std::process::Command {
    let mut browser = sb.sandboxed("python3");
    browser
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/browser.py"
        ))
        .arg(url);
    browser
}

#[test]
fn no_browser_prints_the_url_for_a_browser_elsewhere() {
    let pool = LocalPool::hosted();
    let mut sb = pool.browser_sandbox();
    // Were a browser started, this one would fail the test.
    sb.env("BROWSER", "false");
    let mut child = sb
        .std_cmd()
        .args(["login", "--no-browser", "--profile", "dev"])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let (url, seen) = printed_url(&mut stderr);
    assert!(seen.contains("Open this URL in a browser"), "{seen}");
    let browser = scripted_browser(&sb, &url)
        .env("TEST_BROWSER_STEPS", "login callback")
        .status()
        .unwrap();
    assert!(browser.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "{seen}{rest}");
    assert!(rest.contains(&format!("Signed in as {ALICE}")), "{rest}");
}

#[test]
fn no_browser_takes_the_address_pasted_from_a_browser_elsewhere() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    let mut child = sb
        .std_cmd()
        .args([
            "login",
            "--no-browser",
            "--browser-timeout",
            "60",
            "--profile",
            "dev",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let (url, seen) = printed_url(&mut stderr);
    // The browser is elsewhere: its redirect never reaches our listener; the person copies the
    // address it ended up on (first an old tab's, then the right one) into the terminal.
    let browser = scripted_browser(&sb, &url)
        .env("TEST_BROWSER_STEPS", "login print-forged print-callback")
        .output()
        .unwrap();
    assert!(browser.status.success());
    let pasted = String::from_utf8(browser.stdout).unwrap();
    assert_eq!(pasted.lines().count(), 2);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(pasted.as_bytes())
        .unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "{seen}{rest}");
    assert!(
        rest.contains("warning: ignored a pasted address whose state does not match"),
        "{rest}"
    );
    assert!(rest.contains(&format!("Signed in as {ALICE}")), "{rest}");
    let steps: Vec<_> = sb.browser_log().iter().map(|s| s["step"].clone()).collect();
    assert_eq!(steps, ["login"], "nothing reached the listener");
    assert!(sb.read(".aws/credentials").contains("[dev]"));
}

#[test]
fn a_sign_in_that_never_comes_back_times_out() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    sb.cmd()
        .args([
            "login",
            "--browser",
            "--browser-timeout",
            "1",
            "--profile",
            "dev",
        ])
        .env("TEST_BROWSER_STEPS", "")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "error: no sign-in came back to {} within 1 s",
            pool.redirect_uri.as_deref().unwrap()
        )));
    assert!(!sb.credentials().exists());
}

#[test]
fn a_taken_callback_port_is_reported() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    let port = pool.redirect_uri.as_deref().unwrap()[17..]
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let _squatter = std::net::TcpListener::bind(format!("127.0.0.1:{port}")).unwrap();
    browser_login(&sb, "login callback")
        .code(1)
        .stderr(predicate::str::contains(format!(
            "error: cannot listen for the sign-in callback on 127.0.0.1:{port}"
        )))
        .stderr(predicate::str::contains("Opened the sign-in page").not());
    assert!(sb.browser_log().is_empty());
}

#[test]
fn redirect_uris_off_loopback_are_refused_by_configure() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["configure", "--profile", "dev"])
        .args(["--redirect-uri", "https://app.example.com/callback"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid redirect URI `https://app.example.com/callback`",
        ));
    sb.cmd()
        .args(["configure", "--profile", "dev"])
        .args(["--hosted-ui-domain", "http://auth.example.com"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid Hosted UI domain"));
    assert!(!sb.our_config().exists());
}

/// A profile for the client-credentials server's client.
fn m2m_sandbox(secret: &str) -> Sandbox {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["configure", "--profile", "reporting"])
        .args(["--hosted-ui-domain", &oauth_server().endpoint])
        .args(["--client-id", M2M_CLIENT_ID, "--client-secret-stdin"])
        .write_stdin(format!("{secret}\n"))
        .assert()
        .success();
    sb
}

fn m2m_token(sb: &Sandbox, extra: &[&str]) -> String {
    let out = sb
        .cmd()
        .args(["token", "--client-credentials", "--profile", "reporting"])
        .args(extra)
        .assert()
        .success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

#[test]
fn client_credentials_tokens_come_from_the_token_endpoint_and_are_cached() {
    let sb = m2m_sandbox(M2M_CLIENT_SECRET);
    // The token endpoint through a recorder of this test's own, to count the requests.
    let recorder = Recorder::start(&oauth_server().endpoint);
    sb.cmd()
        .args(["configure", "--profile", "reporting"])
        .args(["--hosted-ui-domain", &recorder.endpoint])
        .assert()
        .success();
    let token = m2m_token(&sb, &["--scope", "orders/read"]);
    assert!(token.trim().len() >= 40, "{token}");
    assert_eq!(token.lines().count(), 1);
    // oidc-provider issues a new random token per request: the same one means the cache.
    assert_eq!(m2m_token(&sb, &["--scope", "orders/read"]), token);
    assert_eq!(
        recorder.to("/oauth2/token").len(),
        1,
        "served from the cache"
    );
    let json: serde_json::Value =
        serde_json::from_str(&m2m_token(&sb, &["--scope", "orders/read", "--json"])).unwrap();
    assert_eq!(json["access_token"], token.trim());
    assert_eq!(json["token_type"], "Bearer");
    assert_eq!(json["scope"], "orders/read");
    assert_eq!(json["expires_in"], 600);
    assert!(json["expires_at"].as_str().unwrap().ends_with('Z'));
    // Other scopes are another token.
    let write_token = m2m_token(&sb, &["--scope", "orders/write"]);
    assert_ne!(write_token, token);
    assert_eq!(m2m_token(&sb, &["--scope", "orders/write"]), write_token);
    let cache = sb.cache_dir().join("client-credentials/reporting.json");
    assert_eq!(mode(&cache), 0o600);
    // A token that is about to expire is replaced.
    let mut cached: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    cached["expires_at"] = (now() + 30).into();
    std::fs::write(&cache, cached.to_string()).unwrap();
    assert_ne!(m2m_token(&sb, &["--scope", "orders/write"]), write_token);
}

#[test]
fn a_wrong_client_secret_is_refused_by_the_token_endpoint() {
    let sb = m2m_sandbox("not-the-secret");
    sb.cmd()
        .args(["token", "--client-credentials", "--profile", "reporting"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: the token endpoint refused the client-credentials grant: invalid_client",
        ))
        .stderr(predicate::str::contains(
            "hint: check client_id and the client secret",
        ))
        .stderr(predicate::str::contains("not-the-secret").not());
    assert!(
        !sb.cache_dir().join("client-credentials").exists(),
        "a refused grant creates nothing"
    );
}

#[test]
fn client_credentials_give_no_aws_credentials_and_need_a_secret() {
    let sb = m2m_sandbox(M2M_CLIENT_SECRET);
    sb.cmd()
        .args(["login", "--client-credentials", "--profile", "reporting"])
        .assert()
        .code(2) // a flag login cannot use: a usage error
        .stderr(predicate::str::contains(
            "error: client-credentials tokens carry no user identity",
        ));
    sb.cmd()
        .args(["configure", "--profile", "reporting", "--no-client-secret"])
        .assert()
        .success();
    sb.cmd()
        .args(["token", "--client-credentials", "--profile", "reporting"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "needs the app client's secret, and profile `reporting` has none",
        ));
}

#[test]
fn login_browser_always_opens_the_browser_and_plain_login_refreshes() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    browser_login(&sb, "login callback").success();
    // A live session: plain `login` refreshes it without the browser, as for a password user.
    sb.cmd()
        .args(["login", "--profile", "dev"])
        .env("TEST_BROWSER_STEPS", "login callback")
        .assert()
        .success()
        .stderr(predicate::str::contains("Refreshed the session of"));
    assert_eq!(sb.browser_log().len(), 2, "the browser ran once");
    // `--browser` is a sign-in through the browser, live session or not.
    browser_login(&sb, "login callback")
        .success()
        .stderr(predicate::str::contains(format!("Signed in as {ALICE}")));
    assert_eq!(sb.browser_log().len(), 4, "the browser ran again");
}

/// A browser session whose refresh token is gone: only a new sign-in will do.
fn dead_browser_session(sb: &Sandbox) {
    std::fs::remove_file(sb.cache_dir().join("profiles/dev.refresh")).unwrap();
    sb.age_tokens("dev");
}

#[test]
fn without_a_terminal_plain_login_of_a_browser_user_fails_at_once() {
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    browser_login(&sb, "login callback").success();
    dead_browser_session(&sb);
    sb.cmd()
        .args(["login", "--profile", "dev"])
        .env("TEST_BROWSER_STEPS", "login callback")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: profile `dev` last signed in through the Hosted UI, and there is no terminal",
        ))
        .stderr(predicate::str::contains(
            "hint: run `cognito-auth login --browser --profile dev` at a terminal",
        ));
    assert_eq!(sb.browser_log().len(), 2, "no browser was started");
}

#[cfg(target_os = "linux")]
#[test]
fn at_a_terminal_plain_login_takes_a_browser_user_back_to_the_browser() {
    let pool = LocalPool::hosted();
    let mut sb = pool.browser_sandbox();
    browser_login(&sb, "login callback").success();
    dead_browser_session(&sb);
    sb.env("TEST_BROWSER_STEPS", "login callback");
    let (status, screen) = sb.on_terminal("login --profile dev", "");
    assert!(status.success(), "{screen}");
    assert!(
        screen.contains(&format!("Signed in as {ALICE}")),
        "{screen}"
    );
    assert!(!screen.contains("Password"), "no password prompt: {screen}");
    assert_eq!(sb.browser_log().len(), 4, "the browser ran again");
}

#[test]
fn logout_authenticates_the_client_at_the_hosted_ui_revocation_endpoint() {
    // cognito-local has no /oauth2/revoke; oidc-provider's is RFC 7009 and authenticates the
    // client. The session is pointed at it and at its client, and given an opaque refresh
    // token, standing in for a session that server issued (it refuses to revoke JWTs, such as
    // cognito-local's, and answers 200 for a token it does not know, as RFC 7009 says).
    let pool = LocalPool::hosted();
    let sb = pool.browser_sandbox();
    for (secret, revoked) in [(M2M_CLIENT_SECRET, true), ("not-the-secret", false)] {
        browser_login(&sb, "login callback").success();
        sb.edit_session("dev", |s| {
            s["hosted_ui"] = oauth_server().endpoint.as_str().into();
            s["client_id"] = M2M_CLIENT_ID.into();
        });
        std::fs::write(
            sb.cache_dir().join("profiles/dev.refresh"),
            "opaque-refresh-token",
        )
        .unwrap();
        sb.cmd()
            .args([
                "configure",
                "--profile",
                "dev",
                "--client-id",
                M2M_CLIENT_ID,
            ])
            .arg("--client-secret-stdin")
            .write_stdin(format!("{secret}\n"))
            .assert()
            .success();
        let out = sb
            .cmd()
            .args(["logout", "--profile", "dev"])
            .assert()
            .success();
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        if revoked {
            assert!(stderr.contains("revoked the refresh token"), "{stderr}");
            assert!(!stderr.contains("warning"), "{stderr}");
        } else {
            assert!(
                stderr.contains("warning: the refresh token was not revoked")
                    && stderr.contains("invalid_client"),
                "{stderr}"
            );
            assert!(!stderr.contains(secret), "{stderr}");
        }
        assert!(!sb.session_file("dev").exists());
        sb.cmd()
            .args([
                "configure",
                "--profile",
                "dev",
                "--client-id",
                &pool.client_id,
            ])
            .arg("--no-client-secret")
            .assert()
            .success();
    }
}

#[test]
fn the_browser_timeout_is_bounded() {
    let sb = Sandbox::new();
    for bad in ["0", "3601", "soon"] {
        sb.cmd()
            .args(["login", "--browser", "--browser-timeout", bad])
            .assert()
            .code(2);
    }
}

#[test]
fn concurrent_client_credentials_callers_queue_for_one_token_request() {
    // A recorder of this test's own in front of the shared oidc-provider: the token requests
    // counted are this test's, whatever other tests ask of the server at the same time.
    let recorder = Recorder::start(&oauth_server().endpoint);
    let sb = Sandbox::new();
    sb.cmd()
        .args(["configure", "--profile", "reporting"])
        .args(["--hosted-ui-domain", &recorder.endpoint])
        .args(["--client-id", M2M_CLIENT_ID, "--client-secret-stdin"])
        .write_stdin(format!("{M2M_CLIENT_SECRET}\n"))
        .assert()
        .success();
    let callers = |n: usize| -> Vec<String> {
        let children: Vec<_> = (0..n)
            .map(|_| {
                sb.std_cmd()
                    .args(["token", "--client-credentials", "--profile", "reporting"])
                    .args(["--scope", "orders/read"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        children
            .into_iter()
            .map(|child| {
                let out = child.wait_with_output().unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                String::from_utf8(out.stdout).unwrap()
            })
            .collect()
    };
    // The first token (with no cache yet, concurrent first callers may each fetch one: a
    // refused request must leave no file, so there is nothing to lock; see commands/token.rs).
    let first = callers(1);
    let request = &recorder.to("/oauth2/token")[0];
    assert!(
        request
            .header("authorization")
            .unwrap()
            .starts_with("Basic ")
    );
    let form = form_decode(&String::from_utf8_lossy(&request.body));
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["scope"], "orders/read");
    // A stale token: eight callers at once queue on its lock, one fetches for all.
    let cache = sb.cache_dir().join("client-credentials/reporting.json");
    let mut cached: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    cached["expires_at"] = (now() + 30).into();
    std::fs::write(&cache, cached.to_string()).unwrap();
    let fresh = callers(8);
    assert_eq!(recorder.to("/oauth2/token").len(), 2, "one more request");
    assert!(fresh.iter().all(|t| t == &fresh[0] && t != &first[0]));
}

#[test]
fn identity_provider_reaches_the_hosted_ui_authorize_request() {
    // A recorder of this test's own in front of cognito-local's Hosted UI shows what the
    // server received: the probe cognito-auth makes and the browser's visit both name the
    // identity provider (cognito-local ignores it and shows its own form, which the scripted
    // browser fills in as the provider's page would be).
    let pool = LocalPool::hosted();
    let recorder = Recorder::start(&cognito_local().endpoint);
    let sb = pool.browser_sandbox();
    sb.cmd()
        .args(["configure", "--profile", "dev"])
        .args(["--hosted-ui-domain", &recorder.endpoint])
        .assert()
        .success();
    sb.cmd()
        .args(["login", "--browser", "--profile", "dev"])
        .args(["--identity-provider", "Google"])
        .env("TEST_BROWSER_STEPS", "login callback")
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("Signed in as {ALICE}")));
    let authorize = recorder.to("/oauth2/authorize");
    let gets: Vec<_> = authorize.iter().filter(|r| r.method == "GET").collect();
    assert!(!gets.is_empty(), "{authorize:?}");
    for get in &gets {
        let query = get.query();
        assert_eq!(query["identity_provider"], "Google", "{}", get.target);
        assert_eq!(query["client_id"], pool.client_id);
        assert_eq!(query["code_challenge_method"], "S256");
    }
    // The sign-in went through the code exchange at the same server.
    assert_eq!(recorder.to("/oauth2/token").len(), 1);
    assert!(sb.read(".aws/credentials").contains("[dev]"));
}

#[test]
fn a_real_browser_signs_in_through_the_hosted_ui() {
    let pool = LocalPool::hosted();
    let sb = match pool.chromium_sandbox() {
        Ok(sb) => sb,
        Err(why) if std::env::var_os(CHROMIUM_REQUIRED).is_some() => {
            panic!("no real browser although scripts/test.sh installed one: {why}")
        }
        Err(why) => {
            eprintln!("skipped: {why}; scripts/test.sh installs chromium and playwright-core");
            return;
        }
    };
    sb.cmd()
        .args(["login", "--browser", "--profile", "dev"])
        .args(["--browser-timeout", "120"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("Signed in as {ALICE}")));
    let log = sb.browser_log();
    assert_eq!(log.len(), 1, "{log:?}");
    let visit = step(&log, "chromium");
    let redirect = pool.redirect_uri.as_deref().unwrap();
    assert!(
        visit["url"]
            .as_str()
            .is_some_and(|u| u.starts_with(&format!("{redirect}?code="))),
        "{visit}"
    );
    assert_eq!(visit["status"], 200, "{visit}");
    assert!(
        visit["text"]
            .as_str()
            .unwrap()
            .contains("You can close this tab"),
        "{visit}"
    );
    assert!(
        sb.read(".aws/credentials")
            .contains("[dev]\naws_access_key_id = ")
    );
    assert_eq!(sb.session("dev")["username"], ALICE);
}
