//! Where refresh tokens live: the OS keyring (macOS Keychain, Windows Credential Manager, the
//! Secret Service on Linux) when one answers, else a 0600 file in the cache folder.
//! `COGNITO_AUTH_KEYRING=off` skips the keyring (the tests use it so they never touch yours).
//!
//! A remembered device's secrets (its key, group key and password) live in the same places,
//! per user pool and user rather than per profile: any profile that signs that user in to
//! that pool is the same device.

use crate::auth::device::DeviceSecrets;
use crate::awsfiles::store::{self, Locked};
use crate::cache::{self, TokenStore};
use crate::env_vars;
use crate::error::{Error, Result};
use crate::secret::Secret;

const SERVICE: &str = "cognito-auth";

fn keyring_enabled() -> bool {
    !env_vars::get(env_vars::COGNITO_AUTH_KEYRING).is_some_and(|v| {
        matches!(
            v.to_ascii_lowercase().as_str(),
            "off" | "0" | "false" | "no" | "file"
        )
    })
}

fn entry(profile: &str) -> Option<keyring::Entry> {
    keyring_enabled()
        .then(|| keyring::Entry::new(SERVICE, profile).ok())
        .flatten()
}

/// Saves a profile's refresh token; says where it went. The other place is cleared, so only
/// one copy exists.
pub fn save(profile: &str, token: &Secret<String>) -> Result<TokenStore> {
    let path = cache::profile_file(profile, "refresh")?;
    if let Some(entry) = entry(profile)
        && entry.set_password(token.expose()).is_ok()
    {
        remove_file(&path)?;
        return Ok(TokenStore::Keyring);
    }
    Locked::acquire(&path)?.write(token.expose())?;
    Ok(TokenStore::File)
}

/// Replaces a rotated refresh token in the store the session already names, so that a process
/// killed before the session is saved leaves the session pointing at a token that still works
/// (the new one, or the old one within the app client's grace period). A keyring that no longer
/// answers falls back to the file; says where the token went.
pub fn replace(profile: &str, store: TokenStore, token: &Secret<String>) -> Result<TokenStore> {
    if store == TokenStore::Keyring
        && let Some(entry) = entry(profile)
        && entry.set_password(token.expose()).is_ok()
    {
        return Ok(TokenStore::Keyring);
    }
    let path = cache::profile_file(profile, "refresh")?;
    Locked::acquire(&path)?.write(token.expose())?;
    Ok(TokenStore::File)
}

/// A refresh token ready to be saved: the file's lock taken and its temp file written, so the
/// file store cannot fail for want of space once the sign-in starts landing its writes.
pub struct PreparedToken {
    lock: Locked,
    file: store::Prepared,
    keyring: Option<(keyring::Entry, Secret<String>)>,
}

/// Gets `token` ready to replace the profile's refresh token (see [`PreparedToken::commit`]).
pub fn prepare(profile: &str, token: &Secret<String>) -> Result<PreparedToken> {
    let lock = Locked::acquire(&cache::profile_file(profile, "refresh")?)?;
    let file = lock.prepare(token.expose())?;
    Ok(PreparedToken {
        lock,
        file,
        keyring: entry(profile).map(|e| (e, token.clone())),
    })
}

impl PreparedToken {
    /// The stores the token may end up in.
    pub fn candidates(&self) -> Vec<TokenStore> {
        match self.keyring {
            Some(_) => vec![TokenStore::Keyring, TokenStore::File],
            None => vec![TokenStore::File],
        }
    }

    /// Saves the token in the keyring if it answers, else in the file; says where it went.
    pub fn commit(self) -> Result<TokenStore> {
        if let Some((entry, token)) = &self.keyring
            && entry.set_password(token.expose()).is_ok()
        {
            self.lock.remove()?;
            return Ok(TokenStore::Keyring);
        }
        self.file.commit()?;
        Ok(TokenStore::File)
    }
}

/// The profile's refresh token from where the session says it is. A token file that cannot
/// be read (a folder, not UTF-8, not one token) is [`Error::LoginRequired`], saying so.
pub fn load(profile: &str, from: TokenStore) -> Result<Option<Secret<String>>> {
    match from {
        TokenStore::Keyring => Ok(entry(profile)
            .and_then(|e| e.get_password().ok())
            .map(Secret::new)),
        TokenStore::File => {
            let path = cache::profile_file(profile, "refresh")?;
            let unreadable = |u: cache::Unreadable| u.login_required(profile, "refresh token file");
            let text = cache::read_state(&path).map_err(unreadable)?;
            match text {
                None => Ok(None),
                Some(text) if text.is_empty() => Ok(None),
                // A token is one printable word; anything else is not what we wrote.
                Some(text) if text.chars().all(|c| c.is_ascii_graphic()) => {
                    Ok(Some(Secret::new(text)))
                }
                Some(_) => Err(unreadable(cache::Unreadable {
                    path,
                    reason: "not a refresh token".into(),
                })),
            }
        }
    }
}

/// Deletes the profile's refresh token wherever it is.
pub fn delete(profile: &str) -> Result<()> {
    if let Some(entry) = entry(profile) {
        let _ = entry.delete_credential();
    }
    cache::remove_state(&cache::profile_file(profile, "refresh")?).map(drop)
}

fn remove_file(path: &std::path::Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// The keyring entry and file name of a user's device in a pool: the user name hex-encoded,
/// so any name (an email, a name with `/`) makes one safe file name.
fn device_id(user_pool_id: &str, user: &str) -> String {
    format!("device.{user_pool_id}.{}", hex::encode(user.as_bytes()))
}

fn device_file(user_pool_id: &str, user: &str) -> Result<std::path::PathBuf> {
    Ok(cache::cache_dir()?
        .join("devices")
        .join(format!("{}.json", device_id(user_pool_id, user))))
}

/// The device `user` signed in to `user_pool_id` from, if one was confirmed. Secrets that
/// cannot be read are no device: the next sign-in makes a new one.
pub fn load_device(user_pool_id: &str, user: &str) -> Result<Option<DeviceSecrets>> {
    let id = device_id(user_pool_id, user);
    if let Some(text) = entry(&id).and_then(|e| e.get_password().ok()) {
        return Ok(serde_json::from_str(&text).ok());
    }
    let text = cache::read_state(&device_file(user_pool_id, user)?).unwrap_or_default();
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

/// Saves a device's secrets (keyring, else a 0600 file); says where they went.
pub fn save_device(user_pool_id: &str, user: &str, device: &DeviceSecrets) -> Result<TokenStore> {
    let text = serde_json::to_string(device).expect("device secrets serialize");
    let path = device_file(user_pool_id, user)?;
    if let Some(entry) = entry(&device_id(user_pool_id, user))
        && entry.set_password(&text).is_ok()
    {
        remove_file(&path)?;
        return Ok(TokenStore::Keyring);
    }
    let lock = Locked::acquire(&path)?;
    lock.write(&text)?;
    Ok(TokenStore::File)
}

/// Deletes a device's secrets wherever they are; whether there were any.
pub fn delete_device(user_pool_id: &str, user: &str) -> Result<bool> {
    let in_keyring =
        entry(&device_id(user_pool_id, user)).is_some_and(|e| e.delete_credential().is_ok());
    let in_file = cache::remove_state(&device_file(user_pool_id, user)?)?;
    Ok(in_keyring || in_file)
}
