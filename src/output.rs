//! Renderers for what commands print, and the one way to write to stdout (a closed pipe is not
//! an error, as in ripgrep).

use std::io::{self, Write};

use serde::Serialize;

use crate::cache::LastLogin;
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

/// Everything `status` reports.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub profile: String,
    pub settings: Vec<SettingView>,
    pub last_login: Option<LastLogin>,
    pub credentials: Option<CredentialsView>,
}

/// `AKIAABCDEFGH1234` -> `************1234`, as `aws configure list` shows keys.
pub fn mask(key: &str) -> String {
    let keep = key.len().min(4);
    let split = key.len() - keep;
    format!("{}{}", "*".repeat(split), &key[split..])
}

impl StatusView {
    /// The human-readable report.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for s in &self.settings {
            let value = s.value.as_deref().unwrap_or("(not set)");
            match &s.from {
                Some(from) => out += &format!("{:<18} {value}  ({from})\n", s.name),
                None => out += &format!("{:<18} {value}\n", s.name),
            }
        }
        out += "\n";
        match &self.last_login {
            Some(l) => {
                out += &format!("signed in as       {} at {}\n", l.username, l.signed_in_at);
                let groups = if l.groups.is_empty() {
                    "(none)".to_owned()
                } else {
                    l.groups.join(", ")
                };
                out += &format!("groups             {groups}\n");
                out += &format!("identity id        {}\n", l.identity_id);
            }
            None => out += "signed in as       (no sign-in recorded for this profile)\n",
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
                },
                SettingView {
                    name: "client_secret",
                    value: None,
                    source: None,
                    from: None,
                },
                SettingView {
                    name: "profile",
                    value: Some("dev".into()),
                    source: Some("env"),
                    from: Some("env AWS_PROFILE".into()),
                },
            ],
            last_login: Some(LastLogin {
                username: "alice".into(),
                groups: vec!["premium-users".into(), "beta".into()],
                identity_id: "us-east-1:id".into(),
                user_pool_id: "us-east-1_P".into(),
                signed_in_at: "2026-01-01T00:00:00Z".into(),
                credentials_expire: "2026-01-01T01:00:00Z".into(),
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

    #[test]
    fn masks_all_but_four() {
        assert_eq!(mask("ASIAEXAMPLE12345"), "************2345");
        assert_eq!(mask("abc"), "abc");
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
             credentials        ************2345 in /h/.aws/credentials: live, expires 2026-01-01T01:00:00Z (42 minutes left)\n"
        );
    }

    #[test]
    fn status_text_without_login_or_credentials() {
        let mut v = view();
        v.last_login = None;
        v.credentials = None;
        let text = v.text();
        assert!(text.ends_with(
            "signed in as       (no sign-in recorded for this profile)\ncredentials        none in the credentials file\n"
        ));
    }

    #[test]
    fn status_json_shape() {
        let json: serde_json::Value = serde_json::from_str(&view().json()).unwrap();
        assert_eq!(json["profile"], "dev");
        assert_eq!(json["settings"][0]["source"], "flag");
        assert_eq!(json["settings"][1]["value"], serde_json::Value::Null);
        assert_eq!(json["last_login"]["groups"][0], "premium-users");
        assert_eq!(json["credentials"]["minutes_left"], 42);
        assert_eq!(json["credentials"]["live"], true);
    }
}
