//! Renderers for what commands print, and the one way to write to stdout (a closed pipe is not
//! an error, as in ripgrep).

use std::io::{self, Write};

use serde::Serialize;

use crate::cache::{CachedCredentials, Session, TokenStore};
use crate::clock;
use crate::error::{Error, Result};

/// Writes `text` to stdout; a reader that went away (`| head`) is fine.
pub fn stdout(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::io("stdout", e)),
        _ => Ok(()),
    }
}

/// One setting as `status` shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SettingView {
    pub name: &'static str,
    /// The value, or `None` when unset; the client secret shows as `set`.
    pub value: Option<String>,
    pub source: Option<&'static str>,
    pub from: Option<String>,
    /// Why the value is not used: it does not have the shape the setting needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// The credentials of the profile as `status` shows them.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CredentialsView {
    pub file: String,
    /// The access key id with all but its last four characters masked.
    pub access_key_id: String,
    pub temporary: bool,
    pub expires: Option<String>,
    pub minutes_left: Option<i64>,
    pub live: bool,
}

/// The cached session as `status` shows it (no token, only where the refresh token is).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SessionView {
    pub username: String,
    /// The person's email, phone number or preferred username, when the username is a UUID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub groups: Vec<String>,
    pub identity_id: String,
    pub signed_in_at: String,
    pub tokens_expire: String,
    pub tokens_live: bool,
    /// `keyring`, `file`, or `None` when Cognito gave no refresh token.
    pub refresh_token: Option<TokenStore>,
    pub cached_credentials_expire: String,
    /// The Hosted UI the session signed in through (`login --browser`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosted_ui: Option<String>,
    /// The device the session signed in from, when the pool tracks devices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
    /// Whether the pool remembers that device (it then skips MFA).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_remembered: Option<bool>,
}

impl SessionView {
    /// What `status` shows of a session at `now`.
    pub fn new(session: &Session, now: i64) -> Self {
        Self {
            username: session.username.clone(),
            name: person(session),
            groups: session.groups.clone(),
            identity_id: session.identity_id.clone(),
            signed_in_at: clock::rfc3339(session.signed_in_at),
            tokens_expire: clock::rfc3339(session.tokens_expire),
            tokens_live: session.tokens_live(now),
            refresh_token: session.refresh_token,
            cached_credentials_expire: clock::rfc3339(session.credentials.expiration),
            hosted_ui: session.hosted_ui.clone(),
            device_remembered: session
                .device_key
                .as_ref()
                .map(|_| session.device_remembered),
            device_key: session.device_key.clone(),
        }
    }
}

/// The person's name from the session's ID token, when its username is a UUID.
fn person(session: &Session) -> Option<String> {
    crate::auth::jwt::id_claims(session.id_token.expose())?
        .person()
        .map(str::to_owned)
}

/// Who signed in, as `login` and `status` say it: the username, or on pools whose usernames are
/// UUIDs the person's email, phone number or preferred username with the username beside it.
pub fn signed_in_as(session: &Session) -> String {
    who(&session.username, person(session).as_deref())
}

fn who(username: &str, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("{name} (username {username})"),
        None => username.to_owned(),
    }
}

/// Everything `status` reports.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub profile: String,
    pub settings: Vec<SettingView>,
    pub session: Option<SessionView>,
    pub credentials: Option<CredentialsView>,
}

/// `AKIAABCDEFGH1234` -> `************1234`, as `aws configure list` shows keys.
pub fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let split = chars.len().saturating_sub(4);
    "*".repeat(split) + &chars[split..].iter().collect::<String>()
}

impl StatusView {
    /// The human-readable report.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for s in &self.settings {
            let value = s.value.as_deref().unwrap_or("(not set)");
            let problem = s
                .problem
                .as_ref()
                .map(|p| format!("; INVALID, {p}"))
                .unwrap_or_default();
            match &s.from {
                Some(from) => out += &format!("{:<18} {value}  ({from}{problem})\n", s.name),
                None => out += &format!("{:<18} {value}\n", s.name),
            }
        }
        out += "\n";
        match &self.session {
            Some(l) => {
                out += &format!(
                    "signed in as       {} at {}\n",
                    who(&l.username, l.name.as_deref()),
                    l.signed_in_at
                );
                if let Some(ui) = &l.hosted_ui {
                    out += &format!("signed in through  the Hosted UI at {ui}\n");
                }
                let groups = if l.groups.is_empty() {
                    "(none)".to_owned()
                } else {
                    l.groups.join(", ")
                };
                out += &format!("groups             {groups}\n");
                out += &format!("identity id        {}\n", l.identity_id);
                let live = if l.tokens_live { "live" } else { "expired" };
                out += &format!("tokens             {live}, expire {}\n", l.tokens_expire);
                let refresh = match l.refresh_token {
                    Some(TokenStore::Keyring) => "in the OS keyring",
                    Some(TokenStore::File) => "in a 0600 file in the cache folder",
                    None => "none",
                };
                out += &format!("refresh token      {refresh}\n");
                if let Some(key) = &l.device_key {
                    let state = if l.device_remembered == Some(true) {
                        "remembered (MFA skipped)"
                    } else {
                        "not remembered"
                    };
                    out += &format!("device             {key}, {state}\n");
                }
                out += &format!(
                    "cached credentials expire {}\n",
                    l.cached_credentials_expire
                );
            }
            None => out += "signed in as       (no session for this profile)\n",
        }
        match &self.credentials {
            Some(c) => {
                let state = match (c.live, c.minutes_left, &c.expires) {
                    (true, Some(m), Some(e)) => {
                        format!("live, expires {e} ({} left)", crate::clock::minutes(m * 60))
                    }
                    (false, _, Some(e)) => format!("EXPIRED at {e}"),
                    (_, _, None) if c.temporary => "temporary, expiry unknown".to_owned(),
                    _ => "long-term key (never expires)".to_owned(),
                };
                out += &format!(
                    "credentials        {} in {}: {state}\n",
                    c.access_key_id, c.file
                );
            }
            None => out += "credentials        none in the credentials file\n",
        }
        out
    }

    /// The JSON report.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("status serializes") + "\n"
    }
}

/// The credential_process JSON: exactly the five keys the AWS CLI and SDKs read.
pub fn credential_process_json(creds: &CachedCredentials) -> String {
    // A struct, not `json!`: no map is built on the hot path. Fields in the order `json!` gave.
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Body<'a> {
        access_key_id: &'a str,
        expiration: String,
        secret_access_key: &'a str,
        session_token: &'a str,
        version: u8,
    }
    let body = Body {
        access_key_id: &creds.access_key_id,
        expiration: clock::rfc3339(creds.expiration),
        secret_access_key: creds.secret_access_key.expose(),
        session_token: creds.session_token.expose(),
        version: 1,
    };
    serde_json::to_string(&body).expect("strings serialize") + "\n"
}

/// The shells and file formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Sh,
    Fish,
    Powershell,
    Cmd,
    Dotenv,
    Json,
}

/// The variables `export` and `exec` set.
pub fn env_vars(creds: &CachedCredentials, region: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", creds.access_key_id.clone()),
        (
            "AWS_SECRET_ACCESS_KEY",
            creds.secret_access_key.expose().clone(),
        ),
        ("AWS_SESSION_TOKEN", creds.session_token.expose().clone()),
        ("AWS_REGION", region.to_owned()),
        ("AWS_DEFAULT_REGION", region.to_owned()),
        (
            "AWS_CREDENTIAL_EXPIRATION",
            clock::rfc3339(creds.expiration),
        ),
    ]
}

/// The credentials as `format` source code, each value quoted for that shell.
pub fn export(format: ExportFormat, creds: &CachedCredentials, region: &str) -> Result<String> {
    if format == ExportFormat::Json {
        return Ok(credential_process_json(creds));
    }
    let mut out = String::new();
    for (name, value) in env_vars(creds, region) {
        let line = match format {
            ExportFormat::Sh => format!("export {name}={}\n", sh_quote(&value)),
            ExportFormat::Fish => format!("set -gx {name} {}\n", fish_quote(&value)),
            ExportFormat::Powershell => format!("$env:{name} = {}\n", powershell_quote(&value)),
            ExportFormat::Cmd => format!("set \"{name}={}\"\r\n", cmd_value(name, &value)?),
            ExportFormat::Dotenv => format!("{name}={}\n", dotenv_quote(&value)),
            ExportFormat::Json => unreachable!("handled above"),
        };
        out += &line;
    }
    Ok(out)
}

/// POSIX sh: single quotes, with `'` as `'\''`.
fn sh_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', "'\\''"))
}

/// fish: single quotes, where only `\\` and `\'` are escapes.
fn fish_quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// PowerShell: single quotes, each quote doubled (PowerShell also takes typographic quotes as
/// quotes, so those are doubled too).
fn powershell_quote(v: &str) -> String {
    let mut out = String::from("'");
    for c in v.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out + "'"
}

/// cmd.exe has no quoting that survives every character: `set "K=V"` is safe for anything but
/// `"`, `%`, `!` and line breaks, so a value with one of those is refused rather than mangled.
fn cmd_value(name: &str, v: &str) -> Result<String> {
    if v.contains(['"', '%', '!', '\r', '\n']) {
        return Err(Error::Unquotable {
            name: name.to_owned(),
        });
    }
    Ok(v.to_owned())
}

/// dotenv: single quotes, read literally by python-dotenv and docker compose (`\'` escapes a
/// quote).
fn dotenv_quote(v: &str) -> String {
    format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> StatusView {
        StatusView {
            profile: "dev".into(),
            settings: vec![
                SettingView {
                    name: "user_pool_id",
                    value: Some("us-east-1_P".into()),
                    source: Some("flag"),
                    from: Some("flag --user-pool-id".into()),
                    problem: None,
                },
                SettingView {
                    name: "client_secret",
                    value: None,
                    source: None,
                    from: None,
                    problem: None,
                },
                SettingView {
                    name: "profile",
                    value: Some("dev".into()),
                    source: Some("env"),
                    from: Some("env AWS_PROFILE".into()),
                    problem: None,
                },
            ],
            session: Some(SessionView {
                username: "alice".into(),
                name: None,
                groups: vec!["premium-users".into(), "beta".into()],
                identity_id: "us-east-1:id".into(),
                signed_in_at: "2026-01-01T00:00:00Z".into(),
                tokens_expire: "2026-01-01T01:00:00Z".into(),
                tokens_live: true,
                refresh_token: Some(TokenStore::File),
                cached_credentials_expire: "2026-01-01T01:00:00Z".into(),
                hosted_ui: None,
                device_key: None,
                device_remembered: None,
            }),
            credentials: Some(CredentialsView {
                file: "/h/.aws/credentials".into(),
                access_key_id: mask("ASIAEXAMPLE12345"),
                temporary: true,
                expires: Some("2026-01-01T01:00:00Z".into()),
                minutes_left: Some(42),
                live: true,
            }),
        }
    }

    fn creds() -> CachedCredentials {
        CachedCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: crate::secret::Secret::new("se/cr+et=".into()),
            session_token: crate::secret::Secret::new("to'k\\en".into()),
            expiration: 1_767_323_045,
            issued_at: 1_767_319_445,
        }
    }

    #[test]
    fn credential_process_json_exactly() {
        assert_eq!(
            credential_process_json(&creds()),
            "{\"AccessKeyId\":\"ASIAEXAMPLE\",\"Expiration\":\"2026-01-02T03:04:05Z\",\"SecretAccessKey\":\"se/cr+et=\",\"SessionToken\":\"to'k\\\\en\",\"Version\":1}\n"
        );
    }

    #[test]
    fn export_sh_exactly() {
        assert_eq!(
            export(ExportFormat::Sh, &creds(), "eu-west-1").unwrap(),
            "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\n\
             export AWS_SECRET_ACCESS_KEY='se/cr+et='\n\
             export AWS_SESSION_TOKEN='to'\\''k\\en'\n\
             export AWS_REGION='eu-west-1'\n\
             export AWS_DEFAULT_REGION='eu-west-1'\n\
             export AWS_CREDENTIAL_EXPIRATION='2026-01-02T03:04:05Z'\n"
        );
    }

    #[test]
    fn export_other_shells_quote_their_way() {
        let fish = export(ExportFormat::Fish, &creds(), "r").unwrap();
        assert!(
            fish.contains("set -gx AWS_SESSION_TOKEN 'to\\'k\\\\en'\n"),
            "{fish}"
        );
        let ps = export(ExportFormat::Powershell, &creds(), "r").unwrap();
        assert!(
            ps.contains("$env:AWS_SESSION_TOKEN = 'to''k\\en'\n"),
            "{ps}"
        );
        assert_eq!(powershell_quote("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
        let dotenv = export(ExportFormat::Dotenv, &creds(), "r").unwrap();
        assert!(
            dotenv.starts_with("AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\n"),
            "{dotenv}"
        );
        assert!(
            dotenv.contains("AWS_SESSION_TOKEN='to\\'k\\\\en'\n"),
            "{dotenv}"
        );
        assert!(export(ExportFormat::Cmd, &creds(), "r").is_ok());
        let mut c = creds();
        c.session_token = crate::secret::Secret::new("plain".into());
        let cmd = export(ExportFormat::Cmd, &c, "r").unwrap();
        assert!(
            cmd.starts_with("set \"AWS_ACCESS_KEY_ID=ASIAEXAMPLE\"\r\n"),
            "{cmd}"
        );
        c.session_token = crate::secret::Secret::new("50%".into());
        assert!(export(ExportFormat::Cmd, &c, "r").is_err());
        assert_eq!(
            export(ExportFormat::Json, &creds(), "r").unwrap(),
            credential_process_json(&creds())
        );
    }

    #[test]
    fn masks_all_but_four() {
        assert_eq!(mask("ASIAEXAMPLE12345"), "************2345");
        assert_eq!(mask("abc"), "abc");
        assert_eq!(mask("ÄÖÜßéè"), "**Üßéè");
    }

    #[test]
    fn status_text_exactly() {
        assert_eq!(
            view().text(),
            "user_pool_id       us-east-1_P  (flag --user-pool-id)\n\
             client_secret      (not set)\n\
             profile            dev  (env AWS_PROFILE)\n\
             \n\
             signed in as       alice at 2026-01-01T00:00:00Z\n\
             groups             premium-users, beta\n\
             identity id        us-east-1:id\n\
             tokens             live, expire 2026-01-01T01:00:00Z\n\
             refresh token      in a 0600 file in the cache folder\n\
             cached credentials expire 2026-01-01T01:00:00Z\n\
             credentials        ************2345 in /h/.aws/credentials: live, expires 2026-01-01T01:00:00Z (42 minutes left)\n"
        );
    }

    #[test]
    fn status_names_a_uuid_user_by_the_name_beside_the_username() {
        let mut v = view();
        let session = v.session.as_mut().unwrap();
        session.username = "104ddd55-1b64-4a7e-9f0c-3d2e1f0a9b8c".into();
        session.name = Some("dana@example.com".into());
        assert!(v.text().contains(
            "\nsigned in as       dana@example.com (username 104ddd55-1b64-4a7e-9f0c-3d2e1f0a9b8c) at 2026-01-01T00:00:00Z\n"
        ));
        let json: serde_json::Value = serde_json::from_str(&v.json()).unwrap();
        assert_eq!(json["session"]["name"], "dana@example.com");
        assert_eq!(
            json["session"]["username"],
            "104ddd55-1b64-4a7e-9f0c-3d2e1f0a9b8c"
        );
    }

    #[test]
    fn status_text_without_login_or_credentials() {
        let mut v = view();
        v.session = None;
        v.credentials = None;
        let text = v.text();
        assert!(text.ends_with(
            "signed in as       (no session for this profile)\ncredentials        none in the credentials file\n"
        ));
    }

    #[test]
    fn status_json_shape() {
        let json: serde_json::Value = serde_json::from_str(&view().json()).unwrap();
        assert_eq!(json["profile"], "dev");
        assert_eq!(json["settings"][0]["source"], "flag");
        assert_eq!(json["settings"][1]["value"], serde_json::Value::Null);
        assert_eq!(json["session"]["groups"][0], "premium-users");
        assert_eq!(json["session"]["refresh_token"], "file");
        assert_eq!(json["credentials"]["minutes_left"], 42);
        assert_eq!(json["credentials"]["live"], true);
    }
}
