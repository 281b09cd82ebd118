//! Resolving a profile's settings: flags > environment > our config file > the Python tool's
//! `~/.cognito-cli-config.json` > defaults, each value remembering where it came from.
//!
//! Our config file is INI (`[profile]` sections of `key = value`), 0600, edited with the same
//! byte-preserving editor as the AWS files, at `<config dir>/cognito-auth/config` or
//! `COGNITO_AUTH_CONFIG`.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::auth::{AuthFlow, Factor};
use crate::awsfiles::index::{self, Pick};
use crate::awsfiles::{self, ini::Ini, store};
use crate::env_vars;
use crate::error::{Error, Result};
use crate::hosted_ui::Loopback;
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

/// Where environment variables come from: the process, or a fixed list in tests.
pub trait Environment {
    /// The variable's value; unset and empty are both `None`, as the AWS CLI reads them.
    fn var(&self, name: &str) -> Option<String>;
}

/// The process's own environment.
pub struct ProcessEnv;

impl Environment for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        env_vars::get(name)
    }
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
    pub factor: Option<String>,
    pub duration: Option<String>,
    pub role_arn: Option<String>,
}

/// A value that was given but does not have the shape its setting needs; it is left out of
/// [`Settings`], so a command that needs it fails and `status` / `configure` can still run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub name: &'static str,
    pub value: String,
    pub source: Source,
    pub expected: &'static str,
}

impl Invalid {
    /// The error a command that needs the setting reports.
    pub fn error(&self) -> Error {
        let what = shape_of(self.name).map_or(self.name, |s| s.what);
        Error::InvalidValue {
            what: format!("{what} (from {})", self.source),
            value: self.value.clone(),
            expected: self.expected,
        }
    }
}

/// One profile's settings, resolved and parsed into their types.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: Setting,
    pub user_pool_id: Option<Setting>,
    pub client_id: Option<Setting>,
    pub client_secret: Option<Setting<Secret<String>>>,
    pub identity_pool_id: Option<Setting>,
    pub region: Option<Setting>,
    pub username: Option<Setting>,
    /// How the password is proven (USER_PASSWORD_AUTH or USER_SRP_AUTH).
    pub auth_flow: Option<Setting<AuthFlow>>,
    /// The first factor of choice-based sign-in (`auth_flow = choice`).
    pub factor: Option<Setting<Factor>>,
    /// A command that prints an MFA code, for unattended sign-in.
    pub mfa_process: Option<Setting>,
    /// Credential lifetime for the basic flow, in seconds (1 to 12 hours).
    pub duration: Option<Setting<i32>>,
    /// The IAM role to ask for.
    pub role_arn: Option<Setting>,
    /// The pool's Hosted UI (managed login) base URL, `https://<domain>`, for `login --browser`
    /// and the client-credentials grant.
    pub hosted_ui_domain: Option<Setting>,
    /// Where the Hosted UI sends the browser back to: a loopback URL registered on the client.
    pub redirect_uri: Setting<Loopback>,
    /// Our config file, whether or not it exists.
    pub config_path: PathBuf,
    /// Values given with the wrong shape (left out of the fields above).
    pub invalid: Vec<Invalid>,
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
const FACTOR: Key = Key {
    name: "factor",
    flag: "--factor",
    env: &[env_vars::COGNITO_FACTOR],
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

/// The stored layers below flags and environment: our config file and the Python tool's.
pub struct Stored {
    ours: Ini,
    ours_path: PathBuf,
    python: Option<(PythonConfig, PathBuf)>,
}

impl Stored {
    /// Reads `profile`'s section of our config file at `path` (through the index: a file of
    /// 10,000 profiles is not parsed for one) and the Python tool's `~/.cognito-cli-config.json`.
    pub fn load(path: &Path, profile: &str) -> Result<Self> {
        Ok(Self {
            ours: index::read(path, Pick::Named(profile), || read_text(path))?,
            ours_path: path.to_owned(),
            python: PythonConfig::load()?,
        })
    }

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
    /// Resolves the settings of the profile named by the flags (or `AWS_PROFILE`, or
    /// `default`); a value with the wrong shape is an error.
    pub fn resolve(flags: &Flags) -> Result<Self> {
        let settings = Self::resolve_lenient(flags)?;
        settings.check()?;
        Ok(settings)
    }

    /// Like [`Settings::resolve`], but a value with the wrong shape is only listed in
    /// `invalid`: `status` shows it and `configure` replaces it.
    pub fn resolve_lenient(flags: &Flags) -> Result<Self> {
        let profile = resolve_profile_in(flags.profile.as_deref(), &ProcessEnv)?;
        let stored = Stored::load(&config_path()?, &profile.value)?;
        Ok(Self::from_layers(profile, flags, &ProcessEnv, &stored))
    }

    /// The first invalid value as an error, if there is one.
    pub fn check(&self) -> Result<()> {
        match self.invalid.first() {
            Some(bad) => Err(bad.error()),
            None => Ok(()),
        }
    }

    /// Resolves every setting from its layers: flag > environment > our config file > the
    /// Python tool's file > default. Pure: reads nothing but its arguments.
    pub fn from_layers(
        profile: Setting,
        flags: &Flags,
        env: &dyn Environment,
        stored: &Stored,
    ) -> Self {
        let p = profile.value.as_str();
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
                    env.var(name).map(|v| Setting {
                        value: v,
                        source: Source::Env(name),
                    })
                })
                .or_else(|| stored.lookup(p, key.name))
        };
        let mut invalid = Vec::new();
        let mut checked = |key: &Key, flag: &Option<String>| {
            typed(&mut invalid, key.name, pick(key, flag), |v| {
                shape_of(key.name)
                    .is_none_or(|s| (s.ok)(v))
                    .then(|| v.to_owned())
            })
        };
        let user_pool_id = checked(&USER_POOL_ID, &flags.user_pool_id);
        let client_id = checked(&CLIENT_ID, &flags.client_id);
        let identity_pool_id = checked(&IDENTITY_POOL_ID, &flags.identity_pool_id);
        let role_arn = checked(&ROLE_ARN, &flags.role_arn);
        let region = checked(&REGION, &flags.region).or_else(|| {
            user_pool_id.as_ref().map(|pool| Setting {
                value: crate::auth::pool_region(&pool.value).to_owned(),
                source: Source::Default("the user pool id's region"),
            })
        });
        let hosted_ui_domain = pick(&HOSTED_UI_DOMAIN, &None).map(|s| Setting {
            value: crate::hosted_ui::base_url(&s.value),
            source: s.source,
        });
        let hosted_ui_domain = typed(&mut invalid, HOSTED_UI_DOMAIN.name, hosted_ui_domain, |v| {
            crate::hosted_ui::check_base_url(v)
                .is_ok()
                .then(|| v.to_owned())
        });
        let auth_flow = typed(
            &mut invalid,
            AUTH_FLOW.name,
            pick(&AUTH_FLOW, &flags.auth_flow),
            parse_auth_flow,
        );
        let factor = typed(
            &mut invalid,
            FACTOR.name,
            pick(&FACTOR, &flags.factor),
            Factor::parse,
        );
        let duration = typed(
            &mut invalid,
            DURATION.name,
            pick(&DURATION, &flags.duration),
            parse_duration,
        );
        let redirect_uri = typed(
            &mut invalid,
            REDIRECT_URI.name,
            pick(&REDIRECT_URI, &None),
            |v| Loopback::parse(v).ok(),
        )
        .unwrap_or_else(|| Setting {
            value: Loopback::parse(DEFAULT_REDIRECT_URI).expect("the default is a loopback URL"),
            source: Source::Default("no redirect_uri configured"),
        });
        Settings {
            client_secret: pick(&CLIENT_SECRET, &None).map(|s| Setting {
                value: Secret::new(s.value),
                source: s.source,
            }),
            username: pick(&USERNAME, &flags.username),
            mfa_process: pick(&MFA_PROCESS, &None),
            user_pool_id,
            client_id,
            identity_pool_id,
            role_arn,
            region,
            hosted_ui_domain,
            auth_flow,
            factor,
            duration,
            redirect_uri,
            profile,
            config_path: stored.ours_path.clone(),
            invalid,
        }
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

    /// The flow to prove the password with (USER_PASSWORD_AUTH unless configured).
    pub fn auth_flow(&self) -> AuthFlow {
        self.auth_flow.as_ref().map(|s| s.value).unwrap_or_default()
    }

    /// The first factor of choice-based sign-in, if one is configured.
    pub fn factor(&self) -> Option<Factor> {
        self.factor.as_ref().map(|s| s.value)
    }

    /// The basic flow's credential lifetime in seconds, if one is configured.
    pub fn duration_secs(&self) -> Option<i32> {
        self.duration.as_ref().map(|s| s.value)
    }

    fn require<'a>(&self, setting: &'a Option<Setting>, key: &Key) -> Result<&'a str> {
        if let Some(bad) = self.invalid.iter().find(|i| i.name == key.name) {
            return Err(bad.error());
        }
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

/// Parses a resolved value into its type; a value that does not parse goes to `invalid`.
fn typed<T>(
    invalid: &mut Vec<Invalid>,
    name: &'static str,
    raw: Option<Setting>,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<Setting<T>> {
    let raw = raw?;
    match parse(&raw.value) {
        Some(value) => Some(Setting {
            value,
            source: raw.source,
        }),
        None => {
            invalid.push(Invalid {
                name,
                expected: shape_of(name).map_or("another value", |s| s.expected),
                value: raw.value,
                source: raw.source,
            });
            None
        }
    }
}

/// `password`, `srp` or `choice`.
pub fn parse_auth_flow(value: &str) -> Option<AuthFlow> {
    match value {
        "password" => Some(AuthFlow::Password),
        "srp" => Some(AuthFlow::Srp),
        "choice" => Some(AuthFlow::Choice),
        _ => None,
    }
}

/// The profile: `--profile`, else `AWS_PROFILE`, else `default`; checked to be a safe name.
pub fn resolve_profile(flag: Option<&str>) -> Result<Setting> {
    resolve_profile_in(flag, &ProcessEnv)
}

fn resolve_profile_in(flag: Option<&str>, env: &dyn Environment) -> Result<Setting> {
    let profile = match (flag, env.var(env_vars::AWS_PROFILE)) {
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

/// What a setting's value must look like, for the settings that have a shape.
struct Shape {
    ok: fn(&str) -> bool,
    what: &'static str,
    expected: &'static str,
}

fn shape_of(name: &str) -> Option<Shape> {
    let (ok, what, expected): (fn(&str) -> bool, _, _) = match name {
        "user_pool_id" => (is_user_pool_id, "user pool id", USER_POOL_ID_SHAPE),
        "identity_pool_id" => (
            is_identity_pool_id,
            "identity pool id",
            IDENTITY_POOL_ID_SHAPE,
        ),
        "client_id" => (is_client_id, "app client id", CLIENT_ID_SHAPE),
        "region" => (is_region, "region", REGION_SHAPE),
        "auth_flow" => (
            |v| parse_auth_flow(v).is_some(),
            "auth flow",
            "`password`, `srp` or `choice`",
        ),
        "factor" => (
            |v| Factor::parse(v).is_some(),
            "sign-in factor",
            "`password`, `srp`, `email-otp`, `sms-otp` or `passkey`",
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
            |v| Loopback::parse(v).is_ok(),
            "redirect URI",
            "a loopback http URL registered on the app client, e.g. http://localhost:8976/callback",
        ),
        _ => return None,
    };
    Some(Shape { ok, what, expected })
}

/// Checks a value of the named setting against the shape AWS gives it; other settings pass.
pub fn check_value(name: &str, value: &str, source: Option<&Source>) -> Result<()> {
    let Some(shape) = shape_of(name) else {
        return Ok(());
    };
    if (shape.ok)(value) {
        return Ok(());
    }
    Err(Error::InvalidValue {
        what: match source {
            Some(source) => format!("{} (from {source})", shape.what),
            None => shape.what.to_owned(),
        },
        value: value.to_owned(),
        expected: shape.expected,
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
pub struct PythonConfig {
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

    /// A fixed environment.
    struct Vars<'a>(&'a [(&'a str, &'a str)]);

    impl Environment for Vars<'_> {
        fn var(&self, name: &str) -> Option<String> {
            self.0
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
                .filter(|v| !v.is_empty())
        }
    }

    fn stored(ours: &str, python: Option<&str>) -> Stored {
        Stored {
            ours: Ini::parse(ours).unwrap(),
            ours_path: PathBuf::from("/ours"),
            python: python.map(|p| (serde_json::from_str(p).unwrap(), PathBuf::from("/py"))),
        }
    }

    fn profile(name: &str) -> Setting {
        Setting {
            value: name.into(),
            source: Source::Flag("--profile"),
        }
    }

    /// A setting's value as text and its source kind, whatever its type.
    fn shown(s: &Settings, name: &str) -> Option<(String, &'static str)> {
        fn pair<T: ToString>(s: &Option<Setting<T>>) -> Option<(String, &'static str)> {
            s.as_ref().map(|s| (s.value.to_string(), s.source.kind()))
        }
        match name {
            "user_pool_id" => pair(&s.user_pool_id),
            "client_id" => pair(&s.client_id),
            "identity_pool_id" => pair(&s.identity_pool_id),
            "region" => pair(&s.region),
            "username" => pair(&s.username),
            "role_arn" => pair(&s.role_arn),
            "mfa_process" => pair(&s.mfa_process),
            "hosted_ui_domain" => pair(&s.hosted_ui_domain),
            "auth_flow" => s
                .auth_flow
                .as_ref()
                .map(|a| (format!("{:?}", a.value).to_lowercase(), a.source.kind())),
            "factor" => s
                .factor
                .as_ref()
                .map(|f| (f.value.name().to_owned(), f.source.kind())),
            "duration" => pair(&s.duration),
            "redirect_uri" => Some((
                s.redirect_uri.value.uri.clone(),
                s.redirect_uri.source.kind(),
            )),
            "client_secret" => s
                .client_secret
                .as_ref()
                .map(|c| (c.value.expose().clone(), c.source.kind())),
            _ => unreachable!("{name}"),
        }
    }

    /// (setting, flag field setter, variable, [flag, env, ours, python] values, typed text of each)
    type Case = (
        &'static str,
        Option<fn(&mut Flags, String)>,
        &'static str,
        [&'static str; 4],
        [&'static str; 4],
    );

    #[test]
    fn each_layer_wins_over_the_ones_below_it() {
        let cases: [Case; 13] = [
            (
                "user_pool_id",
                Some(|f, v| f.user_pool_id = Some(v)),
                env_vars::COGNITO_USER_POOL_ID,
                ["us-east-1_F", "us-east-1_E", "us-east-1_O", "us-east-1_P"],
                ["us-east-1_F", "us-east-1_E", "us-east-1_O", "us-east-1_P"],
            ),
            (
                "client_id",
                Some(|f, v| f.client_id = Some(v)),
                env_vars::COGNITO_CLIENT_ID,
                ["f1", "e1", "o1", "p1"],
                ["f1", "e1", "o1", "p1"],
            ),
            (
                "identity_pool_id",
                Some(|f, v| f.identity_pool_id = Some(v)),
                env_vars::COGNITO_IDENTITY_POOL_ID,
                [
                    "us-east-1:00000000-0000-0000-0000-00000000000f",
                    "us-east-1:00000000-0000-0000-0000-00000000000e",
                    "us-east-1:00000000-0000-0000-0000-00000000000a",
                    "us-east-1:00000000-0000-0000-0000-00000000000b",
                ],
                [
                    "us-east-1:00000000-0000-0000-0000-00000000000f",
                    "us-east-1:00000000-0000-0000-0000-00000000000e",
                    "us-east-1:00000000-0000-0000-0000-00000000000a",
                    "us-east-1:00000000-0000-0000-0000-00000000000b",
                ],
            ),
            (
                "region",
                Some(|f, v| f.region = Some(v)),
                env_vars::AWS_REGION,
                ["eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1"],
                ["eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1"],
            ),
            (
                "username",
                Some(|f, v| f.username = Some(v)),
                env_vars::COGNITO_USERNAME,
                ["fay", "eve", "oz", ""],
                ["fay", "eve", "oz", ""],
            ),
            (
                "auth_flow",
                Some(|f, v| f.auth_flow = Some(v)),
                env_vars::COGNITO_AUTH_FLOW,
                ["srp", "password", "choice", ""],
                ["srp", "password", "choice", ""],
            ),
            (
                "factor",
                Some(|f, v| f.factor = Some(v)),
                env_vars::COGNITO_FACTOR,
                ["email-otp", "sms-otp", "srp", ""],
                ["email-otp", "sms-otp", "srp", ""],
            ),
            (
                "duration",
                Some(|f, v| f.duration = Some(v)),
                env_vars::COGNITO_DURATION,
                ["2h", "90m", "3600", ""],
                ["7200", "5400", "3600", ""],
            ),
            (
                "role_arn",
                Some(|f, v| f.role_arn = Some(v)),
                env_vars::COGNITO_ROLE_ARN,
                [
                    "arn:aws:iam::111111111111:role/F",
                    "arn:aws:iam::111111111111:role/E",
                    "arn:aws:iam::111111111111:role/O",
                    "",
                ],
                [
                    "arn:aws:iam::111111111111:role/F",
                    "arn:aws:iam::111111111111:role/E",
                    "arn:aws:iam::111111111111:role/O",
                    "",
                ],
            ),
            (
                "client_secret",
                None,
                env_vars::COGNITO_CLIENT_SECRET,
                ["", "es", "os", "ps"],
                ["", "es", "os", "ps"],
            ),
            (
                "mfa_process",
                None,
                env_vars::COGNITO_MFA_PROCESS,
                ["", "echo e", "echo o", ""],
                ["", "echo e", "echo o", ""],
            ),
            (
                "hosted_ui_domain",
                None,
                env_vars::COGNITO_HOSTED_UI_DOMAIN,
                ["", "e.example.com", "https://o.example.com/", ""],
                ["", "https://e.example.com", "https://o.example.com", ""],
            ),
            (
                "redirect_uri",
                None,
                env_vars::COGNITO_REDIRECT_URI,
                ["", "http://localhost:1/e", "http://127.0.0.1:2/o", ""],
                ["", "http://localhost:1/e", "http://127.0.0.1:2/o", ""],
            ),
        ];
        for (name, set_flag, var, values, typed) in cases {
            let python_key = matches!(
                name,
                "user_pool_id" | "client_id" | "client_secret" | "identity_pool_id" | "region"
            );
            // Peel the layers off one at a time, top first: each time the next one shows.
            let layers = ["flag", "env", "config_file", "python_tool_file"];
            for top in 0..4 {
                if values[top].is_empty()
                    || (top == 3 && !python_key)
                    || (top == 0 && set_flag.is_none())
                {
                    continue;
                }
                let mut flags = Flags::default();
                if top == 0 {
                    set_flag.unwrap()(&mut flags, values[0].to_owned());
                }
                let env: Vec<(&str, &str)> = if top <= 1 && !values[1].is_empty() {
                    vec![(var, values[1])]
                } else {
                    vec![]
                };
                let ours = if top <= 2 && !values[2].is_empty() {
                    format!("[dev]\n{name} = {}\n", values[2])
                } else {
                    String::new()
                };
                let python = (python_key && !values[3].is_empty())
                    .then(|| format!("{{\"{name}\": \"{}\"}}", values[3]));
                let s = Settings::from_layers(
                    profile("dev"),
                    &flags,
                    &Vars(&env),
                    &stored(&ours, python.as_deref()),
                );
                assert!(s.invalid.is_empty(), "{name}: {:?}", s.invalid);
                assert_eq!(
                    shown(&s, name),
                    Some((typed[top].to_owned(), layers[top])),
                    "{name} from layer {top}"
                );
            }
        }
    }

    #[test]
    fn defaults_fill_what_no_layer_sets() {
        let s = Settings::from_layers(
            profile("dev"),
            &Flags::default(),
            &Vars(&[]),
            &stored(
                "[dev]\nuser_pool_id = eu-central-1_X\n[other]\nregion = us-west-2\n",
                None,
            ),
        );
        assert_eq!(
            shown(&s, "region"),
            Some(("eu-central-1".into(), "default"))
        );
        assert_eq!(
            shown(&s, "redirect_uri"),
            Some((DEFAULT_REDIRECT_URI.into(), "default"))
        );
        assert_eq!(s.auth_flow(), AuthFlow::Password);
        assert_eq!(s.duration_secs(), None);
        assert!(s.client_id.is_none());
        // The second region variable is read when the first is unset.
        let s = Settings::from_layers(
            profile("dev"),
            &Flags::default(),
            &Vars(&[(env_vars::AWS_DEFAULT_REGION, "ap-south-1")]),
            &stored("", None),
        );
        assert_eq!(shown(&s, "region"), Some(("ap-south-1".into(), "env")));
        assert_eq!(
            resolve_profile_in(None, &Vars(&[])).unwrap().value,
            "default"
        );
        assert_eq!(
            resolve_profile_in(None, &Vars(&[(env_vars::AWS_PROFILE, "p")]))
                .unwrap()
                .value,
            "p"
        );
        assert_eq!(
            resolve_profile_in(Some("f"), &Vars(&[(env_vars::AWS_PROFILE, "p")]))
                .unwrap()
                .value,
            "f"
        );
    }

    #[test]
    fn a_bad_value_is_listed_not_used_and_fails_only_who_needs_it() {
        let s = Settings::from_layers(
            profile("dev"),
            &Flags::default(),
            &Vars(&[]),
            &stored(
                "[dev]\nauth_flow = sideways\nuser_pool_id = not-a-pool\nclient_id = c1\nduration = 13h\n",
                None,
            ),
        );
        let names: Vec<&str> = s.invalid.iter().map(|i| i.name).collect();
        assert_eq!(names, ["user_pool_id", "auth_flow", "duration"]);
        assert!(s.auth_flow.is_none() && s.duration.is_none() && s.user_pool_id.is_none());
        assert_eq!(s.client_id().unwrap(), "c1");
        let err = s.user_pool_id().unwrap_err().to_string();
        assert!(err.contains("not-a-pool") && err.contains("/ours"), "{err}");
        assert!(matches!(s.check(), Err(Error::InvalidValue { .. })));
        // A bad flag is not replaced by a good stored value: the user asked for it.
        let flags = Flags {
            auth_flow: Some("fast".into()),
            ..Flags::default()
        };
        let s = Settings::from_layers(
            profile("dev"),
            &flags,
            &Vars(&[]),
            &stored("[dev]\nauth_flow = srp\n", None),
        );
        assert!(s.auth_flow.is_none());
        assert_eq!(s.invalid[0].source, Source::Flag("--auth-flow"));
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
