//! The per-profile session kept between runs: who signed in, their tokens, the identity id (so a
//! later exchange skips GetId) and the last credentials. One JSON file per profile, 0600 in a
//! 0700 folder, replaced atomically under the profile's lock. The refresh token is not here: it
//! lives in the OS keyring or a file of its own (see `keystore`).
//!
//! Reading needs no lock (files are replaced by rename, so a reader sees the old or the new
//! one), which keeps `credential-process` on a live cache to one small file read.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::awsfiles::store::{self, Locked, Prepared};
use crate::env_vars;
use crate::error::{Error, Result};
use crate::identity::AwsCredentials;
use crate::secret::Secret;

/// Where the refresh token of a session is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenStore {
    Keyring,
    File,
}

/// Credentials as cached: the expiry and when they were issued, for the 80% rule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedCredentials {
    pub access_key_id: String,
    pub secret_access_key: Secret<String>,
    pub session_token: Secret<String>,
    pub expiration: i64,
    pub issued_at: i64,
}

impl CachedCredentials {
    /// Caches credentials received at `now`.
    pub fn new(creds: &AwsCredentials, now: i64) -> Self {
        Self {
            access_key_id: creds.access_key_id.clone(),
            secret_access_key: creds.secret_access_key.clone(),
            session_token: creds.session_token.clone(),
            expiration: creds.expiration.secs(),
            issued_at: now,
        }
    }

    /// Fresh until 80% of their lifetime has passed, and while more than `min_ttl` seconds
    /// remain (`COGNITO_AUTH_MIN_TTL`).
    pub fn fresh(&self, now: i64, min_ttl: i64) -> bool {
        let lifetime = (self.expiration - self.issued_at).max(0);
        let refresh_at = self.issued_at + lifetime * 8 / 10;
        now < refresh_at && self.expiration - now > min_ttl
    }
}

/// A profile's session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    /// `cognito:username`: what SECRET_HASH is computed from on refresh.
    pub username: String,
    pub groups: Vec<String>,
    pub user_pool_id: String,
    pub client_id: String,
    pub identity_pool_id: String,
    pub region: String,
    pub identity_id: String,
    pub signed_in_at: i64,
    pub id_token: Secret<String>,
    pub access_token: Secret<String>,
    /// Expiry of the ID and access tokens (seconds since the epoch).
    pub tokens_expire: i64,
    pub refresh_token: Option<TokenStore>,
    /// The name the user signed in with (an email or alias in some pools).
    #[serde(default)]
    pub login_name: String,
    /// The role and flow the credentials come from; refreshes use the same.
    #[serde(default)]
    pub role: crate::identity::RoleChoice,
    pub credentials: CachedCredentials,
    /// The Hosted UI base URL, for a session signed in through the browser: its tokens are
    /// refreshed and revoked at that domain's OAuth endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_ui: Option<String>,
    /// Access key ids this session put, or was about to put, into the credentials file's
    /// section of the profile. Recorded before the file is written, so keys a killed process
    /// left there are still recognised as ours (and replaced) by the next refresh.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profile_keys: Vec<String>,
    /// The remembered device this session signed in from (DEVICE_KEY), sent on refreshes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
    /// Whether the user pool remembers that device (so it skips MFA).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub device_remembered: bool,
    /// The last refresh that failed, so callers queued behind it reuse its error instead of
    /// each trying (and waiting) again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_failure: Option<RefreshFailure>,
}

/// A refresh that failed: when, and what the caller was told.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshFailure {
    /// Milliseconds since the epoch.
    pub at_ms: i64,
    pub message: String,
    /// Whether only a new sign-in will do (the refresh token was refused or is gone).
    pub login_required: bool,
}

/// How many access key ids a session remembers as its own.
const PROFILE_KEYS_KEPT: usize = 4;

/// Tokens are treated as expired this many seconds early, so one handed out stays usable.
pub const TOKEN_MARGIN: i64 = 120;

impl Session {
    /// Whether the ID token can still be exchanged or handed out.
    pub fn tokens_live(&self, now: i64) -> bool {
        self.tokens_expire - now > TOKEN_MARGIN
    }

    /// Records `key_id` as one we write (or are about to write) into the profile.
    pub fn claim(&mut self, key_id: &str) {
        self.profile_keys.retain(|k| k != key_id);
        self.profile_keys.push(key_id.to_owned());
        let extra = self.profile_keys.len().saturating_sub(PROFILE_KEYS_KEPT);
        self.profile_keys.drain(..extra);
    }

    /// Whether keys with this id in the profile were written by us for this session.
    pub fn owns(&self, key_id: &str) -> bool {
        key_id == self.credentials.access_key_id || self.profile_keys.iter().any(|k| k == key_id)
    }
}

/// Milliseconds since the epoch, for ordering a failure against a caller's wait.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// `COGNITO_AUTH_CACHE_DIR`, else `<cache dir>/cognito-auth`.
pub fn cache_dir() -> Result<PathBuf> {
    if let Some(dir) = env_vars::get(env_vars::COGNITO_AUTH_CACHE_DIR) {
        return Ok(PathBuf::from(dir));
    }
    dirs::cache_dir()
        .map(|d| d.join("cognito-auth"))
        .ok_or(Error::NoHome {
            what: "cache",
            variable: env_vars::COGNITO_AUTH_CACHE_DIR,
        })
}

/// The file of a profile's cache entry with this extension (`json`, `refresh`).
pub fn profile_file(profile: &str, ext: &str) -> Result<PathBuf> {
    Ok(cache_dir()?
        .join("profiles")
        .join(format!("{profile}.{ext}")))
}

/// The profile's cached client-credentials token (`token --client-credentials`).
pub fn client_credentials_file(profile: &str) -> Result<PathBuf> {
    Ok(cache_dir()?
        .join("client-credentials")
        .join(format!("{profile}.json")))
}

/// A file of ours that cannot be read as we wrote it: not UTF-8, a folder, not JSON, JSON of
/// another shape, cut short. It is treated as corrupt: `logout` removes it, and the commands
/// that need it say to sign in again.
#[derive(Debug)]
pub struct Unreadable {
    pub path: PathBuf,
    pub reason: String,
}

impl Unreadable {
    /// The error for a command that needed this file of `profile`'s: sign in again.
    pub fn login_required(self, profile: &str, what: &str) -> Error {
        Error::LoginRequired {
            profile: profile.to_owned(),
            reason: format!(
                "its {what} cannot be read ({}: {}); `cognito-auth logout --profile {profile}` removes it",
                self.path.display(),
                self.reason
            ),
        }
    }
}

/// Reads one of our files: `None` if it does not exist, [`Unreadable`] if it cannot be read as
/// text (a folder, bytes that are not UTF-8, no permission).
pub fn read_state(path: &std::path::Path) -> Result<Option<String>, Unreadable> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| Unreadable {
            path: path.to_owned(),
            reason: "not UTF-8 text".into(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Unreadable {
            path: path.to_owned(),
            reason: e.to_string(),
        }),
    }
}

/// Parses a session file's text; `path` is for the error.
fn parse_session(path: &std::path::Path, text: &str) -> Result<Option<Session>, Unreadable> {
    if text.is_empty() {
        return Ok(None);
    }
    serde_json::from_str(text)
        .map(Some)
        .map_err(|e| Unreadable {
            path: path.to_owned(),
            reason: format!("not a session: {e}"),
        })
}

/// The session file at `path`, if any, or why it cannot be read.
pub fn read_session(path: &std::path::Path) -> Result<Option<Session>, Unreadable> {
    match read_state(path)? {
        Some(text) => parse_session(path, &text),
        None => Ok(None),
    }
}

/// What the session is called in messages.
const SESSION: &str = "cached session";

/// The profile's session, without locking. A file that cannot be read as a session is
/// [`Error::LoginRequired`], saying so.
pub fn load(profile: &str) -> Result<Option<Session>> {
    read_session(&profile_file(profile, "json")?).map_err(|u| u.login_required(profile, SESSION))
}

/// The profile's session lock: whoever holds it may refresh and write the session.
#[derive(Debug)]
pub struct SessionLock {
    lock: Locked,
    path: PathBuf,
    profile: String,
}

impl SessionLock {
    /// Waits for and takes the profile's lock.
    pub fn acquire(profile: &str) -> Result<Self> {
        let path = profile_file(profile, "json")?;
        let lock = Locked::acquire(&path)?;
        // The refresh token file is written only under this lock: its leftovers go too.
        store::sweep_temps(&profile_file(profile, "refresh")?);
        Ok(Self {
            lock,
            path,
            profile: profile.to_owned(),
        })
    }

    /// The session as it is now (another process may have refreshed it while we waited); one
    /// that cannot be read is [`Error::LoginRequired`], saying so.
    pub fn load(&self) -> Result<Option<Session>> {
        self.inspect()
            .map_err(|u| u.login_required(&self.profile, SESSION))
    }

    /// The session as it is now, or why it cannot be read (for `logout`, which removes it).
    pub fn inspect(&self) -> Result<Option<Session>, Unreadable> {
        read_session(&self.path)
    }

    /// Replaces the session.
    pub fn save(&self, session: &Session) -> Result<()> {
        self.prepare(session)?.commit()
    }

    /// Writes the session to a temp file, ready to replace the current one.
    pub fn prepare(&self, session: &Session) -> Result<Prepared> {
        let text = serde_json::to_string_pretty(session).expect("a session serializes");
        self.lock.prepare(&(text + "\n"))
    }

    /// Removes the session file (a folder in its place too); whether there was one.
    pub fn delete(&self) -> Result<bool> {
        remove_state(&self.path)
    }
}

/// Removes one of our files, or a folder found in its place; whether there was one.
pub fn remove_state(path: &std::path::Path) -> Result<bool> {
    let removed = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) => Err(e),
    };
    match removed {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(issued_at: i64, expiration: i64) -> CachedCredentials {
        CachedCredentials {
            access_key_id: "ASIA".into(),
            secret_access_key: Secret::new("s".into()),
            session_token: Secret::new("t".into()),
            expiration,
            issued_at,
        }
    }

    #[test]
    fn credentials_refresh_after_80_percent_of_their_life() {
        let c = creds(1000, 4600); // one hour
        assert!(c.fresh(1000, 0));
        assert!(c.fresh(3879, 0));
        assert!(!c.fresh(3880, 0), "80% of 3600 s is 2880 s");
        assert!(!c.fresh(5000, 0), "expired");
    }

    #[test]
    fn a_session_owns_the_keys_it_claimed_up_to_four() {
        let mut session: Session = serde_json::from_value(serde_json::json!({
            "username": "u", "groups": [], "user_pool_id": "p", "client_id": "c",
            "identity_pool_id": "i", "region": "r", "identity_id": "id", "signed_in_at": 0,
            "id_token": "t", "access_token": "a", "tokens_expire": 0, "refresh_token": null,
            "credentials": {"access_key_id": "ASIA0", "secret_access_key": "s",
                            "session_token": "t", "expiration": 0, "issued_at": 0}
        }))
        .unwrap();
        assert!(session.owns("ASIA0"), "the current keys are ours");
        assert!(!session.owns("ASIA1"));
        for key in ["ASIA1", "ASIA2", "ASIA1", "ASIA3", "ASIA4", "ASIA5"] {
            session.claim(key);
        }
        // Claiming ASIA1 again made it recent: ASIA2 is the oldest, and goes.
        assert_eq!(session.profile_keys, ["ASIA1", "ASIA3", "ASIA4", "ASIA5"]);
        assert!(session.owns("ASIA1") && !session.owns("ASIA2"));
    }

    #[test]
    fn min_ttl_asks_for_more_life() {
        let c = creds(1000, 4600);
        assert!(c.fresh(2000, 2599));
        assert!(!c.fresh(2000, 2600), "2600 s left is not more than 2600");
        assert!(
            !creds(1000, 1000).fresh(1000, 0),
            "zero lifetime is never fresh"
        );
    }
}
