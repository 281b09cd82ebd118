//! What cognito-auth keeps between runs: for now, the record of each profile's last sign-in
//! (user, groups, identity id, expiry), which `status` shows. It holds no secret; the file is
//! still 0600 in a 0700 folder, written atomically under a lock.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::awsfiles::store::{self, Locked};
use crate::env_vars;
use crate::error::{Error, Result};

/// The last successful sign-in of a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastLogin {
    pub username: String,
    pub groups: Vec<String>,
    pub identity_id: String,
    pub user_pool_id: String,
    pub signed_in_at: String,
    pub credentials_expire: String,
}

/// `COGNITO_AUTH_CACHE_DIR`, else `<cache dir>/cognito-auth`.
pub fn cache_dir() -> Result<PathBuf> {
    if let Some(dir) = env_vars::get(env_vars::COGNITO_AUTH_CACHE_DIR) {
        return Ok(PathBuf::from(dir));
    }
    dirs::cache_dir()
        .map(|d| d.join("cognito-auth"))
        .ok_or_else(|| {
            Error::Usage(
                "cannot find the user's cache folder; set HOME or COGNITO_AUTH_CACHE_DIR".into(),
            )
        })
}

fn login_path(profile: &str) -> Result<PathBuf> {
    Ok(cache_dir()?
        .join("profiles")
        .join(format!("{profile}.json")))
}

/// Records a profile's sign-in.
pub fn save_login(profile: &str, login: &LastLogin) -> Result<()> {
    let path = login_path(profile)?;
    let lock = Locked::acquire(&path)?;
    let text = serde_json::to_string_pretty(login).expect("plain strings serialize");
    lock.write(&(text + "\n"))
}

/// The profile's last sign-in; a missing or unreadable record is simply absent.
pub fn load_login(profile: &str) -> Result<Option<LastLogin>> {
    let text = store::read_or_empty(&login_path(profile)?)?;
    Ok(serde_json::from_str(&text).ok())
}
