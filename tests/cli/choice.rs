//! Choice-based sign-in (USER_AUTH) end to end against the stand-in (`tests/support/choice.py`
//! behind `srp_server.py`): each first factor, SELECT_CHALLENGE, MFA after a password factor,
//! passkeys sent to the browser, and the fallback of a client that allows only USER_AUTH.
//!
//! The one-time codes the stand-in "sends" go to a file the test owns; the tool gets them the
//! way a person would pass them on: here through `mfa_process`, a command that reads the newest
//! code once it has been sent (so nothing waits on a clock).

use predicates::prelude::*;
use serde_json::Value;

use crate::support::*;

const POOL: &str = "us-east-1_Choice001";
const CLIENT: &str = "choiceclient1";
const SECRET: &str = "choice-client-secret-7";
const PASSWORD: &str = "Choose-Wisely-7";

/// A stand-in with `server_env`, recording requests and "sending" codes to files of the test's
/// own; profile `dev` configured with `configure` (and the client secret).
struct Choice {
    _server: Emulator,
    sb: Sandbox,
    record: tempfile::NamedTempFile,
    otp: tempfile::NamedTempFile,
}

fn stand_in(server_env: &[(&str, &str)], configure: &[&str]) -> Choice {
    let record = tempfile::NamedTempFile::new().unwrap();
    let otp = tempfile::NamedTempFile::new().unwrap();
    let mut env = vec![
        ("SRP_TEST_RECORD", record.path().to_str().unwrap()),
        ("SRP_TEST_OTP_FILE", otp.path().to_str().unwrap()),
    ];
    env.extend_from_slice(server_env);
    let (server, sb) = srp_sandbox(
        (POOL, CLIENT, Some(SECRET)),
        (ALICE, PASSWORD),
        &env,
        configure,
    );
    Choice {
        _server: server,
        sb,
        record,
        otp,
    }
}

impl Choice {
    /// Every request the stand-in received, in order.
    fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(self.record.path())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The codes the stand-in sent: (medium, destination, code).
    fn sent(&self) -> Vec<(String, String, String)> {
        std::fs::read_to_string(self.otp.path())
            .unwrap()
            .lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                let s = |k: &str| v[k].as_str().unwrap().to_owned();
                (s("medium"), s("destination"), s("code"))
            })
            .collect()
    }

    /// An `mfa_process` that prints the newest code sent: the user reading their mail.
    fn mail_reader(&self) -> String {
        format!(
            "python3 -c \"import json; print(json.loads(open('{}').read().splitlines()[-1])['code'])\"",
            self.otp.path().display()
        )
    }

    fn login(&self, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = self.sb.cmd();
        cmd.args(["login", "--profile", "dev", "-u", ALICE])
            .args(args);
        cmd
    }
}

#[test]
fn a_one_time_code_by_email_or_sms_signs_in_without_a_password() {
    for (factor, challenge, medium, field) in [
        ("email-otp", "EMAIL_OTP", "EMAIL", "EMAIL_OTP_CODE"),
        ("sms-otp", "SMS_OTP", "SMS", "SMS_OTP_CODE"),
    ] {
        let c = stand_in(&[], &["--auth-flow", "choice", "--factor", factor]);
        c.sb.cmd()
            .args([
                "configure",
                "--profile",
                "dev",
                "--mfa-process",
                &c.mail_reader(),
            ])
            .assert()
            .success();
        // No COGNITO_PASSWORD, no stdin: a password prompt would fail the login.
        c.login(&[])
            .assert()
            .success()
            .stderr(predicate::str::contains("Signed in as alice-premium"));
        let sent = c.sent();
        assert_eq!(sent.len(), 1, "{factor}: one code sent");
        assert_eq!(sent[0].0, medium);
        let requests = c.requests();
        assert_eq!(requests.len(), 2, "{factor}: {requests:?}");
        let first = &requests[0]["AuthParameters"];
        assert_eq!(requests[0]["AuthFlow"], "USER_AUTH");
        assert_eq!(first["PREFERRED_CHALLENGE"], challenge);
        assert!(first.get("PASSWORD").is_none() && first.get("SRP_A").is_none());
        assert!(
            first["SECRET_HASH"].is_string(),
            "SECRET_HASH on every call"
        );
        assert_eq!(requests[1]["ChallengeName"], challenge);
        assert_eq!(requests[1]["ChallengeResponses"][field], sent[0].2.as_str());
        assert!(
            c.sb.read(".aws/credentials")
                .contains("aws_session_token = ")
        );
    }
}

#[test]
fn a_one_time_code_comes_from_mfa_code_or_the_environment() {
    let c = stand_in(
        &[("SRP_TEST_OTP_CODE", "24681357")],
        &["--auth-flow", "choice", "--factor", "email-otp"],
    );
    c.login(&["--mfa-code", "24681357"]).assert().success();
    c.login(&["--fresh"])
        .env("COGNITO_MFA_CODE", "24681357")
        .assert()
        .success();
    let before = c.sb.snapshot();
    c.login(&["--fresh", "--mfa-code", "11111111"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: the MFA code was refused: Invalid code or answer received for user\n",
        ));
    assert_eq!(c.sb.snapshot(), before);
    assert_eq!(c.sent().len(), 3, "one code sent per sign-in");
}

#[test]
fn the_password_factor_goes_with_preferred_challenge_and_is_checked() {
    let c = stand_in(&[], &["--auth-flow", "choice", "--factor", "password"]);
    let before = c.sb.snapshot();
    c.login(&[])
        .env("COGNITO_PASSWORD", "not-it")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "error: sign-in refused for `alice-premium`: Incorrect username or password.\n",
        ));
    assert_eq!(c.sb.snapshot(), before);
    c.login(&[])
        .env("COGNITO_PASSWORD", PASSWORD)
        .assert()
        .success();
    let requests = c.requests();
    let last = &requests[requests.len() - 1];
    assert_eq!(last["AuthFlow"], "USER_AUTH");
    assert_eq!(last["AuthParameters"]["PREFERRED_CHALLENGE"], "PASSWORD");
    assert_eq!(last["AuthParameters"]["PASSWORD"], PASSWORD);
}

#[test]
fn the_srp_factor_sends_srp_a_at_once_and_mfa_follows_through_the_challenge_loop() {
    let c = stand_in(
        &[("SRP_TEST_CHALLENGES", "SMS_MFA")],
        &["--auth-flow", "choice", "--factor", "srp"],
    );
    c.login(&["--mfa-code", "135790"])
        .env("COGNITO_PASSWORD", PASSWORD)
        .assert()
        .success();
    let steps: Vec<String> = c
        .requests()
        .iter()
        .map(|r| {
            r["AuthFlow"]
                .as_str()
                .or(r["ChallengeName"].as_str())
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(steps, ["USER_AUTH", "PASSWORD_VERIFIER", "SMS_MFA"]);
    let first = &c.requests()[0]["AuthParameters"];
    assert_eq!(first["PREFERRED_CHALLENGE"], "PASSWORD_SRP");
    assert!(first["SRP_A"].is_string());
    assert!(first.get("PASSWORD").is_none(), "the password never left");
}

#[test]
fn without_a_factor_a_terminal_picks_from_the_available_challenges() {
    let c = stand_in(&[], &["--auth-flow", "choice"]);
    let (status, screen) = c.sb.on_terminal(
        "login --profile dev -u alice-premium",
        &format!("srp\n{PASSWORD}\n"),
    );
    assert!(status.success(), "{screen}");
    assert!(
        screen.contains("Sign in with: 1) password  2) srp  3) email-otp  4) sms-otp"),
        "{screen}"
    );
    let requests = c.requests();
    assert!(
        requests[0]["AuthParameters"]
            .get("PREFERRED_CHALLENGE")
            .is_none()
    );
    assert_eq!(requests[1]["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(requests[1]["ChallengeResponses"]["ANSWER"], "PASSWORD_SRP");
    assert!(requests[1]["ChallengeResponses"]["SRP_A"].is_string());
    assert_eq!(requests[2]["ChallengeName"], "PASSWORD_VERIFIER");
}

#[test]
fn the_prompt_for_a_code_says_where_it_was_sent() {
    let c = stand_in(&[], &["--auth-flow", "choice", "--factor", "email-otp"]);
    let (status, screen) =
        c.sb.on_terminal("login --profile dev -u alice-premium", "00000000\n");
    assert!(!status.success());
    assert!(
        screen.contains("Email code sent to a***@e***.com"),
        "{screen}"
    );
    assert!(screen.contains("the MFA code was refused"), "{screen}");
    assert_eq!(c.sent().len(), 1);
}

#[test]
fn without_a_factor_or_a_terminal_the_error_names_the_flag() {
    let c = stand_in(&[], &["--auth-flow", "choice"]);
    let before = c.sb.snapshot();
    c.login(&[])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: Cognito offers several ways to sign in (password, srp, email-otp, sms-otp) and there is no terminal to choose on\nhint: pass --factor",
        ));
    assert_eq!(c.sb.snapshot(), before);
}

#[test]
fn a_passkey_is_sent_to_the_browser_before_any_request() {
    let c = stand_in(&[], &["--auth-flow", "choice", "--factor", "passkey"]);
    c.login(&[])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "hint: run `cognito-auth login --browser`",
        ));
    assert!(c.requests().is_empty());
}

#[test]
fn a_client_that_allows_only_user_auth_falls_back_to_choice_with_srp() {
    let c = stand_in(&[("SRP_TEST_FLOWS", "USER_AUTH")], &[]);
    c.login(&[])
        .env("COGNITO_PASSWORD", PASSWORD)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "note: this app client does not allow USER_SRP_AUTH (USER_SRP_AUTH flow not enabled for this client); signing in with choice-based sign-in (USER_AUTH) and the SRP factor instead",
        ))
        .stderr(predicate::str::contains(
            "note: to use it from the start: cognito-auth configure --profile dev --auth-flow choice --factor srp",
        ));
    let flows: Vec<String> = c
        .requests()
        .iter()
        .filter_map(|r| r["AuthFlow"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(flows, ["USER_PASSWORD_AUTH", "USER_SRP_AUTH", "USER_AUTH"]);
    // And the advice works: no refused flow first.
    c.sb.cmd()
        .args([
            "configure",
            "--profile",
            "dev",
            "--auth-flow",
            "choice",
            "--factor",
            "srp",
        ])
        .assert()
        .success();
    c.login(&["--fresh"])
        .env("COGNITO_PASSWORD", PASSWORD)
        .assert()
        .success()
        .stderr(predicate::str::contains("note:").not());
}
