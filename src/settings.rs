//! Resolving a profile's settings: flags > environment > our config file > the Python tool's
//! `~/.cognito-cli-config.json` > defaults, each value remembering where it came from.
//!
//! Our config file is INI (`[profile]` sections of `key = value`), 0600, edited with the same
//! byte-preserving editor as the AWS files, at `<config dir>/cognito-auth/config` or
//! `COGNITO_AUTH_CONFIG`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::awsfiles::{self, ini::Ini, store};
use crate::env_vars;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag(&'static str),
    Env(&'static str),
    ConfigFile(PathBuf),
    PythonTool(PathBuf),
    Default(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(name) => write!(f, "env {name}"),
            Source::ConfigFile(path) => write!(f, "config file {}", path.display()),
            Source::PythonTool(path) => write!(f, "aws-cognito-auth file {}", path.display()),
            Source::Default(why) => write!(f, "default: {why}"),
        }
    }
}

impl Source {
    /// A short machine-readable kind, for `status --json`.
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Flag(_) => "flag",
            Source::Env(_) => "env",
            Source::ConfigFile(_) => "config_file",
            Source::PythonTool(_) => "python_tool_file",
            Source::Default(_) => "default",
        }
    }
}

/// A resolved value and its source.
#[derive(Debug, Clone)]
pub struct Setting<T = String> {
    pub value: T,
    pub source: Source,
}

/// The settings a command was given on its command line.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    pub profile: Option<String>,
    pub user_pool_id: Option<String>,
    pub client_id: Option<String>,
    pub identity_pool_id: Option<String>,
    pub region: Option<String>,
    pub username: Option<String>,
    pub auth_flow: Option<String>,
    pub duration: Option<String>,
    pub role_arn: Option<String>,
}

/// One profile's settings, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: Setting,
    pub user_pool_id: Option<Setting>,
    pub client_id: Option<Setting>,
    pub client_secret: Option<Setting<Secret<String>>>,
    pub identity_pool_id: Option<Setting>,
    pub region: Option<Setting>,
    pub username: Option<Setting>,
    /// `password` (USER_PASSWORD_AUTH) or `srp` (USER_SRP_AUTH).
    pub auth_flow: Option<Setting>,
    /// A command that prints an MFA code, for unattended sign-in.
    pub mfa_process: Option<Setting>,
    /// Credential lifetime for the basic flow (`1h`..`12h`).
    pub duration: Option<Setting>,
    /// The IAM role to ask for.
    pub role_arn: Option<Setting>,
    /// The pool's Hosted UI (managed login) base URL, `https://<domain>`, for `login --browser`
    /// and the client-credentials grant.
    pub hosted_ui_domain: Option<Setting>,
    /// Where the Hosted UI sends the browser back to: a loopback URL registered on the client.
    pub redirect_uri: Setting,
    /// Our config file, whether or not it exists.
    pub config_path: PathBuf,
}

/// A setting's name, flag and variable, for lookups and for messages.
struct Key {
    name: &'static str,
    flag: &'static str,
    env: &'static [&'static str],
}

const USER_POOL_ID: Key = Key {
    name: "user_pool_id",
    flag: "--user-pool-id",
    env: &[env_vars::COGNITO_USER_POOL_ID],
};
const CLIENT_ID: Key = Key {
    name: "client_id",
    flag: "--client-id",
    env: &[env_vars::COGNITO_CLIENT_ID],
};
const CLIENT_SECRET: Key = Key {
    name: "client_secret",
    flag: "--client-secret-stdin",
    env: &[env_vars::COGNITO_CLIENT_SECRET],
};
const IDENTITY_POOL_ID: Key = Key {
    name: "identity_pool_id",
    flag: "--identity-pool-id",
    env: &[env_vars::COGNITO_IDENTITY_POOL_ID],
};
const REGION: Key = Key {
    name: "region",
    flag: "--region",
    env: &[env_vars::AWS_REGION, env_vars::AWS_DEFAULT_REGION],
};
const USERNAME: Key = Key {
    name: "username",
    flag: "--username",
    env: &[env_vars::COGNITO_USERNAME],
};

const AUTH_FLOW: Key = Key {
    name: "auth_flow",
    flag: "--auth-flow",
    env: &[env_vars::COGNITO_AUTH_FLOW],
};
const MFA_PROCESS: Key = Key {
    name: "mfa_process",
    flag: "--mfa-process",
    env: &[env_vars::COGNITO_MFA_PROCESS],
};
const DURATION: Key = Key {
    name: "duration",
    flag: "--duration",
    env: &[env_vars::COGNITO_DURATION],
};
const ROLE_ARN: Key = Key {
    name: "role_arn",
    flag: "--role-arn",
    env: &[env_vars::COGNITO_ROLE_ARN],
};
const HOSTED_UI_DOMAIN: Key = Key {
    name: "hosted_ui_domain",
    flag: "--hosted-ui-domain",
    env: &[env_vars::COGNITO_HOSTED_UI_DOMAIN],
};
const REDIRECT_URI: Key = Key {
    name: "redirect_uri",
    flag: "--redirect-uri",
    env: &[env_vars::COGNITO_REDIRECT_URI],
};

/// The redirect URI when none is configured (as the issue and the AWS docs' examples use).
pub const DEFAULT_REDIRECT_URI: &str = "http://localhost:8976/callback";

/// The layers below flags and environment, read once.
struct Files {
    ours: Ini,
    ours_path: PathBuf,
    python: Option<(PythonConfig, PathBuf)>,
}

impl Files {
    fn lookup(&self, profile: &str, key: &str) -> Option<Setting> {
        if let Some(value) = self.ours.get(profile, key).filter(|v| !v.is_empty()) {
            return Some(Setting {
                value,
                source: Source::ConfigFile(self.ours_path.clone()),
            });
        }
        let (python, path) = self.python.as_ref()?;
        python.get(key).map(|value| Setting {
            value: value.to_owned(),
            source: Source::PythonTool(path.clone()),
        })
    }
}

impl Settings {
    /// Resolves every setting of the profile named by the flags (or `AWS_PROFILE`, or `default`).
    pub fn resolve(flags: &Flags) -> Result<Self> {
        let settings = Self::resolve_unchecked(flags)?;
        settings.validate()?;
        Ok(settings)
    }

    /// [`Settings::resolve`] without checking the values, for the commands that must work with
    /// a bad stored value: `configure`, which fixes it, and `status`, which shows it.
    pub fn resolve_unchecked(flags: &Flags) -> Result<Self> {
        let profile = resolve_profile(flags.profile.as_deref())?;
        let config_path = config_path()?;
        let files = Files {
            ours: awsfiles::parse(&config_path, &read_text(&config_path)?)?,
            ours_path: config_path.clone(),
            python: PythonConfig::load()?,
        };
        let p = &profile.value;
        let pick = |key: &Key, flag: &Option<String>| -> Option<Setting> {
            if let Some(value) = flag {
                return Some(Setting {
                    value: value.clone(),
                    source: Source::Flag(key.flag),
                });
            }
            key.env
                .iter()
                .find_map(|name| {
                    env_vars::get(name).map(|v| Setting {
                        value: v,
                        source: Source::Env(name),
                    })
                })
                .or_else(|| files.lookup(p, key.name))
        };
        let user_pool_id = pick(&USER_POOL_ID, &flags.user_pool_id);
        let region = pick(&REGION, &flags.region).or_else(|| {
            user_pool_id.as_ref().map(|pool| Setting {
                value: crate::auth::pool_region(&pool.value).to_owned(),
                source: Source::Default("the user pool id's region"),
            })
        });
        let settings = Settings {
            client_id: pick(&CLIENT_ID, &flags.client_id),
            client_secret: pick(&CLIENT_SECRET, &None).map(|s| Setting {
                value: Secret::new(s.value),
                source: s.source,
            }),
            identity_pool_id: pick(&IDENTITY_POOL_ID, &flags.identity_pool_id),
            username: pick(&USERNAME, &flags.username),
            auth_flow: pick(&AUTH_FLOW, &flags.auth_flow),
            mfa_process: pick(&MFA_PROCESS, &None),
            duration: pick(&DURATION, &flags.duration),
            role_arn: pick(&ROLE_ARN, &flags.role_arn),
            hosted_ui_domain: pick(&HOSTED_UI_DOMAIN, &None).map(|s| Setting {
                value: crate::hosted_ui::base_url(&s.value),
                source: s.source,
            }),
            redirect_uri: pick(&REDIRECT_URI, &None).unwrap_or(Setting {
                value: DEFAULT_REDIRECT_URI.into(),
                source: Source::Default("no redirect_uri configured"),
            }),
            user_pool_id,
            region,
            profile,
            config_path,
        };
        Ok(settings)
    }

    /// Checks every value; the first bad one is the error.
    pub fn validate(&self) -> Result<()> {
        let all = [
            ("user_pool_id", &self.user_pool_id),
            ("identity_pool_id", &self.identity_pool_id),
            ("client_id", &self.client_id),
            ("region", &self.region),
            ("auth_flow", &self.auth_flow),
            ("duration", &self.duration),
            ("role_arn", &self.role_arn),
            ("hosted_ui_domain", &self.hosted_ui_domain),
        ];
        for (name, setting) in all {
            if let Some(s) = setting {
                check_value(name, &s.value, Some(&s.source))?;
            }
        }
        let r = &self.redirect_uri;
        check_value("redirect_uri", &r.value, Some(&r.source))
    }

    /// The user pool id, or an error naming both ways to set it.
    pub fn user_pool_id(&self) -> Result<&str> {
        self.require(&self.user_pool_id, &USER_POOL_ID)
    }

    /// The app client id, or an error naming both ways to set it.
    pub fn client_id(&self) -> Result<&str> {
        self.require(&self.client_id, &CLIENT_ID)
    }

    /// The identity pool id, or an error naming both ways to set it.
    pub fn identity_pool_id(&self) -> Result<&str> {
        self.require(&self.identity_pool_id, &IDENTITY_POOL_ID)
    }

    /// The Hosted UI's base URL, or an error naming both ways to set it.
    pub fn hosted_ui_domain(&self) -> Result<&str> {
        self.require(&self.hosted_ui_domain, &HOSTED_UI_DOMAIN)
    }

    fn require<'a>(&self, setting: &'a Option<Setting>, key: &Key) -> Result<&'a str> {
        setting
            .as_ref()
            .map(|s| s.value.as_str())
            .ok_or_else(|| Error::MissingSetting {
                name: key.name,
                profile: self.profile.value.clone(),
                flag: key.flag,
                env: key.env[0],
            })
    }
}

/// The profile: `--profile`, else `AWS_PROFILE`, else `default`; checked to be a safe name.
pub fn resolve_profile(flag: Option<&str>) -> Result<Setting> {
    let profile = match (flag, env_vars::get(env_vars::AWS_PROFILE)) {
        (Some(p), _) => Setting {
            value: p.to_owned(),
            source: Source::Flag("--profile"),
        },
        (None, Some(p)) => Setting {
            value: p,
            source: Source::Env(env_vars::AWS_PROFILE),
        },
        (None, None) => Setting {
            value: "default".into(),
            source: Source::Default("no --profile or AWS_PROFILE"),
        },
    };
    validate_profile(&profile.value)?;
    Ok(profile)
}

/// Checks a value of the named setting against the shape AWS gives it; other settings pass.
pub fn check_value(name: &str, value: &str, source: Option<&Source>) -> Result<()> {
    let (ok, what, expected): (fn(&str) -> bool, &str, &'static str) = match name {
        "user_pool_id" => (is_user_pool_id, "user pool id", USER_POOL_ID_SHAPE),
        "identity_pool_id" => (
            is_identity_pool_id,
            "identity pool id",
            IDENTITY_POOL_ID_SHAPE,
        ),
        "client_id" => (is_client_id, "app client id", CLIENT_ID_SHAPE),
        "region" => (is_region, "region", REGION_SHAPE),
        "auth_flow" => (
            |v| matches!(v, "password" | "srp"),
            "auth flow",
            "`password` or `srp`",
        ),
        "duration" => (|v| parse_duration(v).is_some(), "duration", DURATION_SHAPE),
        "role_arn" => (
            is_role_arn,
            "role ARN",
            "arn:aws:iam::<account>:role/<name>",
        ),
        "hosted_ui_domain" => (
            |v| crate::hosted_ui::check_base_url(&crate::hosted_ui::base_url(v)).is_ok(),
            "Hosted UI domain",
            "https://<domain> (http:// only for a loopback test server), e.g. https://auth-tester.auth.us-west-1.amazoncognito.com",
        ),
        "redirect_uri" => (
            |v| crate::hosted_ui::Loopback::parse(v).is_ok(),
            "redirect URI",
            "a loopback http URL registered on the app client, e.g. http://localhost:8976/callback",
        ),
        _ => return Ok(()),
    };
    if ok(value) {
        return Ok(());
    }
    Err(Error::InvalidValue {
        what: match source {
            Some(source) => format!("{what} (from {source})"),
            None => what.to_owned(),
        },
        value: value.to_owned(),
        expected,
    })
}

/// Our config file: `COGNITO_AUTH_CONFIG`, else `<config dir>/cognito-auth/config`.
pub fn config_path() -> Result<PathBuf> {
    if let Some(path) = env_vars::get(env_vars::COGNITO_AUTH_CONFIG) {
        return Ok(PathBuf::from(path));
    }
    dirs::config_dir()
        .map(|dir| dir.join("cognito-auth").join("config"))
        .ok_or(Error::NoHome {
            what: "config",
            variable: env_vars::COGNITO_AUTH_CONFIG,
        })
}

/// Sets (`Some`) or removes (`None`) keys of `profile` in our config file, under its lock.
pub fn save_profile(path: &Path, profile: &str, changes: &[(&str, Option<&str>)]) -> Result<()> {
    // A line break in a value would inject lines (even sections) into the file.
    if let Some((key, _)) = changes
        .iter()
        .find(|(_, v)| v.is_some_and(|v| v.chars().any(char::is_control)))
    {
        return Err(Error::InvalidValue {
            what: (*key).to_owned(),
            value: "(a value with a line break or control character)".into(),
            expected: "a value on one line",
        });
    }
    let lock = store::Locked::acquire(path)?;
    let mut ini = awsfiles::parse(path, &lock.read()?)?;
    let set: Vec<(&str, &str)> = changes
        .iter()
        .filter_map(|(k, v)| v.map(|v| (*k, v)))
        .collect();
    let removed: Vec<&str> = changes
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| *k)
        .collect();
    ini.set(profile, &set);
    ini.remove(profile, &removed);
    lock.write(&ini.to_text())
}

/// A config file's text ("" if it does not exist); bytes that are not UTF-8 are
/// [`Error::Malformed`] at their line, like any other line the file cannot hold.
fn read_text(path: &std::path::Path) -> Result<String> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            Error::Malformed {
                path: path.to_owned(),
                line: good.iter().filter(|b| **b == b'\n').count() + 1,
                reason: "not UTF-8 text".into(),
            }
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// The Python tool's `~/.cognito-cli-config.json`.
#[derive(Debug, Default, Deserialize)]
struct PythonConfig {
    user_pool_id: Option<String>,
    client_id: Option<String>,
    client_secret: Option<Secret<String>>,
    identity_pool_id: Option<String>,
    region: Option<String>,
}

impl PythonConfig {
    fn load() -> Result<Option<(Self, PathBuf)>> {
        let Some(path) = dirs::home_dir().map(|h| h.join(".cognito-cli-config.json")) else {
            return Ok(None);
        };
        let text = read_text(&path)?;
        if text.is_empty() {
            return Ok(None);
        }
        let config = serde_json::from_str(&text).map_err(|e| Error::Malformed {
            path: path.clone(),
            line: e.line(),
            reason: format!("not the aws-cognito-auth JSON config: {e}"),
        })?;
        Ok(Some((config, path)))
    }

    fn get(&self, key: &str) -> Option<&str> {
        let value = match key {
            "user_pool_id" => &self.user_pool_id,
            "client_id" => &self.client_id,
            "client_secret" => {
                return self
                    .client_secret
                    .as_ref()
                    .map(|s| s.expose().as_str())
                    .filter(|v| !v.is_empty());
            }
            "identity_pool_id" => &self.identity_pool_id,
            "region" => &self.region,
            _ => &None,
        };
        value.as_deref().filter(|v| !v.is_empty())
    }
}

const USER_POOL_ID_SHAPE: &str = "<region>_<id>, e.g. us-east-1_AbC123xyz";
const IDENTITY_POOL_ID_SHAPE: &str =
    "<region>:<uuid>, e.g. us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const CLIENT_ID_SHAPE: &str = "1-128 letters, digits, `_` or `+`";
const REGION_SHAPE: &str = "a region name such as us-east-1";
const DURATION_SHAPE: &str = "between 1h and 12h, e.g. 8h, 90m or 3600 (seconds)";
const PROFILE_SHAPE: &str = "a name without spaces, brackets, slashes or control characters";

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// AWS's pattern for user pool ids, `[\w-]+_[0-9a-zA-Z]+` (cognito-local's `local_x` fits too).
fn is_user_pool_id(s: &str) -> bool {
    let Some((region, id)) = s.rsplit_once('_') else {
        return false;
    };
    s.len() <= 55
        && !region.is_empty()
        && region.chars().all(|c| is_word(c) || c == '-')
        && !id.is_empty()
        && id.chars().all(|c| c.is_ascii_alphanumeric())
}

/// `<region>:<uuid>`, with a canonical 8-4-4-4-12 hex uuid.
fn is_identity_pool_id(s: &str) -> bool {
    let Some((region, uuid)) = s.split_once(':') else {
        return false;
    };
    let groups: Vec<&str> = uuid.split('-').collect();
    !region.is_empty()
        && region.chars().all(|c| is_word(c) || c == '-')
        && groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// AWS's pattern for app client ids, `[\w+]+`, at most 128 characters.
fn is_client_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.chars().all(|c| is_word(c) || c == '+')
}

/// A region name: lowercase letters, digits and dashes, starting with a letter.
fn is_region(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Seconds in a duration of 1 to 12 hours: `8h`, `90m`, `3600s` or `3600`.
pub fn parse_duration(text: &str) -> Option<i32> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, "s"),
    };
    let n: i32 = number.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        _ => return None,
    };
    (3600..=43_200).contains(&secs).then_some(secs)
}

/// `arn:<partition>:iam::<12 digits>:role/<path and name>`.
fn is_role_arn(s: &str) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "iam"
        && parts[4].len() == 12
        && parts[4].chars().all(|c| c.is_ascii_digit())
        && parts[5]
            .strip_prefix("role/")
            .is_some_and(|name| !name.is_empty())
}

/// A profile name that is safe as an INI section and as a file name.
pub fn validate_profile(name: &str) -> Result<()> {
    let bad = |c: char| c.is_whitespace() || c.is_control() || "[]/\\".contains(c);
    if name.is_empty() || name.starts_with('.') || name.chars().any(bad) {
        return Err(Error::InvalidValue {
            what: "profile name".into(),
            value: name.to_owned(),
            expected: PROFILE_SHAPE,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_pool_ids() {
        for ok in ["us-east-1_AbC123xyz", "local_6G8vtw0b", "eu-west-2_a"] {
            assert!(is_user_pool_id(ok), "{ok}");
        }
        for bad in [
            "",
            "us-east-1",
            "us-east-1_",
            "_abc",
            "us-east-1_ab-c",
            "us east_1x",
            "us-east-1:abc",
        ] {
            assert!(!is_user_pool_id(bad), "{bad}");
        }
    }

    #[test]
    fn identity_pool_ids() {
        assert!(is_identity_pool_id(
            "us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        ));
        for bad in [
            "",
            "us-east-1",
            "us-east-1:not-a-uuid",
            ":0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f",
            "us-east-1:0f1e2d3c4b5a-6978-8796-a5b4c3d2e1f0",
            "us-east-1_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        ] {
            assert!(!is_identity_pool_id(bad), "{bad}");
        }
    }

    #[test]
    fn client_ids_regions_profiles() {
        assert!(is_client_id("11us8ekienpdlrd1um01fkgg7n"));
        assert!(!is_client_id("has space"));
        assert!(!is_client_id(""));
        assert!(is_region("us-east-1"));
        assert!(!is_region("US-EAST-1"));
        assert!(!is_region("1us"));
        assert!(validate_profile("dev.team-1@corp").is_ok());
        for bad in ["", "a b", "a]b", "../x", ".hidden", "a/b"] {
            assert!(validate_profile(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations() {
        for (text, secs) in [
            ("1h", 3600),
            ("12h", 43_200),
            ("90m", 5400),
            ("3600", 3600),
            ("7200s", 7200),
        ] {
            assert_eq!(parse_duration(text), Some(secs), "{text}");
        }
        for bad in [
            "0",
            "13h",
            "abc",
            "",
            "59m",
            "1d",
            "-1h",
            "99999999999h",
            "1.5h",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn role_arns() {
        assert!(is_role_arn(
            "arn:aws:iam::123456789012:role/CognitoPremiumUserRole"
        ));
        assert!(is_role_arn("arn:aws-cn:iam::123456789012:role/path/Name"));
        for bad in [
            "",
            "arn:aws:iam::123:role/x",
            "arn:aws:iam::123456789012:user/x",
            "arn:aws:s3:::b",
            "arn:aws:iam::123456789012:role/",
        ] {
            assert!(!is_role_arn(bad), "{bad}");
        }
    }

    #[test]
    fn source_descriptions() {
        assert_eq!(Source::Flag("--region").to_string(), "flag --region");
        assert_eq!(Source::Env("AWS_REGION").to_string(), "env AWS_REGION");
        assert_eq!(Source::ConfigFile("/c".into()).kind(), "config_file");
    }

    #[test]
    fn python_config_keys() {
        let config: PythonConfig = serde_json::from_str(
            r#"{"user_pool_id":"us-east-1_x","region":"","lambda_function_name":"f"}"#,
        )
        .unwrap();
        assert_eq!(config.get("user_pool_id"), Some("us-east-1_x"));
        assert_eq!(config.get("region"), None);
        assert_eq!(config.get("client_id"), None);
    }
}
