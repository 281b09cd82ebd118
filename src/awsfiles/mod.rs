//! `~/.aws/credentials` and `~/.aws/config`: find them, read a profile, and write our own keys
//! into one section under a lock, leaving every other byte as it was.

pub mod index;
pub mod ini;
pub mod store;

use std::path::{Path, PathBuf};

use crate::cache::CachedCredentials;
use crate::clock;
use crate::env_vars;
use crate::error::{Error, Result};
use index::Pick;
use ini::Ini;
use store::Locked;

/// The expiry key saml2aws writes beside temporary credentials; botocore ignores it.
pub const EXPIRES_KEY: &str = "x_security_token_expires";

/// The keys cognito-auth writes into a credentials section.
const OUR_KEYS: [&str; 4] = [
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    EXPIRES_KEY,
];

/// Where the two AWS files are, after `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE`.
#[derive(Debug, Clone)]
pub struct AwsFiles {
    pub credentials: PathBuf,
    pub config: PathBuf,
}

/// What a credentials section holds, as far as `status` cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileCredentials {
    pub access_key_id: String,
    pub has_session_token: bool,
    /// Seconds since the epoch.
    pub expires: Option<i64>,
}

impl AwsFiles {
    /// The standard locations, overridden by the AWS CLI's own variables.
    pub fn locate() -> Result<Self> {
        let aws_dir = || -> Result<PathBuf> {
            dirs::home_dir()
                .map(|home| home.join(".aws"))
                .ok_or(Error::NoHome {
                    what: "home",
                    variable: "AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE",
                })
        };
        let credentials = match env_vars::get(env_vars::AWS_SHARED_CREDENTIALS_FILE) {
            Some(path) => expand_tilde(&path),
            None => aws_dir()?.join("credentials"),
        };
        let config = match env_vars::get(env_vars::AWS_CONFIG_FILE) {
            Some(path) => expand_tilde(&path),
            None => aws_dir()?.join("config"),
        };
        let same = |a: &Path, b: &Path| {
            a == b
                || std::fs::canonicalize(a)
                    .ok()
                    .is_some_and(|a| std::fs::canonicalize(b).ok() == Some(a))
        };
        if same(&credentials, &config) {
            return Err(Error::SameAwsFile { path: config });
        }
        Ok(Self {
            credentials,
            config,
        })
    }

    /// Refuses, before any network call, what [`AwsFiles::write_login`] would refuse later.
    ///
    /// `force` lets long-term keys be replaced; `replace_process` lets another tool's
    /// `credential_process` be replaced (only `configure --credential-process --force` does:
    /// a login never writes over it).
    pub fn preflight(&self, profile: &str, force: bool, replace_process: bool) -> Result<()> {
        let creds = self.read_credentials_section(profile)?;
        check_not_long_term(&creds, &self.credentials, profile, force)?;
        let config = self.read_config_section(profile)?;
        if !replace_process {
            self.check_not_foreign_process(&config, profile)?;
        }
        Ok(())
    }

    /// Writes temporary credentials into `[profile]` of the credentials file and `region` into
    /// the profile's section of the config file, each under its lock.
    pub fn write_login(
        &self,
        profile: &str,
        creds: &CachedCredentials,
        region: &str,
        force: bool,
    ) -> Result<()> {
        self.prepare_login(profile, creds, region, force)?.commit()
    }

    /// Gets a sign-in's writes ready without changing anything: both locks taken, both files
    /// parsed and checked, the new texts written and fsynced in temp files beside them (and
    /// the config's old text too, to put back should the credentials fail to land). A profile
    /// that runs a `credential_process` gets no static keys (they would shadow it).
    pub fn prepare_login(
        &self,
        profile: &str,
        creds: &CachedCredentials,
        region: &str,
        force: bool,
    ) -> Result<PreparedLogin> {
        let creds_lock = Locked::acquire(&self.credentials)?;
        // When the index knows where the profile's section is, only it (and the lines beside
        // it) is read and parsed; the rest is copied from the file as it is.
        let mut edit = index::read_for_edit(&self.credentials, Pick::Named(profile), || {
            creds_lock.read()
        })?;
        check_not_long_term(&edit.ini, &self.credentials, profile, force)?;
        let config_lock = Locked::acquire(&self.config)?;
        // The profile's sections first (through the index): when they already hold the region,
        // the config file is neither parsed whole nor written.
        let view = index::read(&self.config, Pick::Profile(profile), || config_lock.read())?;
        self.check_not_foreign_process(&view, profile)?;
        let by_process = view
            .get(&config_section(&view, profile), "credential_process")
            .is_some();
        let config_write = if sets_nothing(&view, profile, region) {
            None
        } else {
            let old_config = config_lock.read()?;
            let mut config = parse(&self.config, &old_config)?;
            config.set(&config_section(&config, profile), &[("region", region)]);
            // Checked before anything is prepared: a text botocore would refuse is never
            // written.
            let new_config = text_of(&self.config, &config)?;
            if new_config == old_config {
                None
            } else {
                let undo = if config_lock.path().exists() {
                    Undo::Restore(config_lock.prepare(&old_config)?)
                } else {
                    Undo::Remove(config_lock.path().to_owned())
                };
                Some((config_lock.prepare(&new_config)?, undo, config))
            }
        };
        let creds_write = if by_process {
            None
        } else {
            set_credentials(&mut edit.ini, profile, creds);
            checked(&self.credentials, &edit.ini)?;
            let write = creds_lock.prepare_pieces(edit.ini.pieces(), edit.source())?;
            if !edit.unchanged() {
                return Err(Error::io(
                    &self.credentials,
                    std::io::Error::other(
                        "another program wrote it while it was being rewritten; run the command again",
                    ),
                ));
            }
            Some((write, edit.ini))
        };
        Ok(PreparedLogin {
            _locks: [creds_lock, config_lock],
            profile: profile.to_owned(),
            config: config_write,
            credentials: creds_write,
        })
    }

    /// After a silent refresh: rewrites `[profile]` of the credentials file if it holds
    /// credentials we wrote there (an access key id `ours` recognises), so `--profile` users see
    /// the new ones. Keys another tool wrote, or a file we cannot parse, are left alone.
    pub fn update_if_ours(
        &self,
        profile: &str,
        ours: impl Fn(&str) -> bool,
        creds: &CachedCredentials,
    ) -> Result<()> {
        let holds_ours = |ini: &Ini| {
            ini.get(profile, "aws_access_key_id")
                .is_some_and(|k| ours(&k))
        };
        // Checked before locking (from the profile's section alone), so nothing is created for
        // nothing.
        match self.read_credentials_section(profile) {
            Ok(section) if holds_ours(&section) => {}
            Ok(_) | Err(Error::Malformed { .. }) => return Ok(()),
            Err(e) => return Err(e),
        }
        let lock = Locked::acquire(&self.credentials)?;
        let text = lock.read()?;
        let Ok(mut ini) = Ini::parse(&text) else {
            return Ok(());
        };
        if !holds_ours(&ini) {
            return Ok(());
        }
        set_credentials(&mut ini, profile, creds);
        let new = text_of(&self.credentials, &ini)?;
        if new == text {
            return Ok(());
        }
        lock.write(&new)?;
        index::record_written(&self.credentials, Pick::Named(profile), &ini);
        Ok(())
    }

    /// Removes the credentials we wrote into `[profile]` (and the section, if nothing else is
    /// left in it), recognised by their access key id: another tool's keys are left alone.
    /// Returns whether anything went.
    pub fn remove_ours(&self, profile: &str, ours: impl Fn(&str) -> bool) -> Result<bool> {
        let lock = Locked::acquire(&self.credentials)?;
        let mut ini = parse(&self.credentials, &lock.read()?)?;
        if !ini
            .get(profile, "aws_access_key_id")
            .is_some_and(|k| ours(&k))
        {
            return Ok(false);
        }
        ini.remove(profile, &OUR_KEYS);
        ini.remove_section_if_empty(profile);
        lock.write(&text_of(&self.credentials, &ini)?)?;
        Ok(true)
    }

    /// Whether the profile's section of the config file runs our `credential_process`; another
    /// command there makes the profile the user's, refused with [`Error::ForeignCredentialProcess`].
    pub fn uses_credential_process(&self, profile: &str) -> Result<bool> {
        let config = self.read_config_section(profile)?;
        self.check_not_foreign_process(&config, profile)?;
        Ok(config
            .get(&config_section(&config, profile), "credential_process")
            .is_some())
    }

    fn check_not_foreign_process(&self, config: &Ini, profile: &str) -> Result<()> {
        match config.get(&config_section(config, profile), "credential_process") {
            Some(command) if !is_our_credential_process(&command) => {
                Err(Error::ForeignCredentialProcess {
                    profile: profile.to_owned(),
                    path: self.config.clone(),
                    command,
                })
            }
            _ => Ok(()),
        }
    }

    /// Points the profile at `command` with `credential_process` (plus its region), and takes
    /// our static keys for it out of the credentials file, where they would shadow it.
    pub fn set_credential_process(
        &self,
        profile: &str,
        command: &str,
        region: &str,
        force: bool,
    ) -> Result<()> {
        let lock = Locked::acquire(&self.credentials)?;
        let mut creds = parse(&self.credentials, &lock.read()?)?;
        check_not_long_term(&creds, &self.credentials, profile, force)?;
        let config_lock = Locked::acquire(&self.config)?;
        let mut config = parse(&self.config, &config_lock.read()?)?;
        if !force {
            self.check_not_foreign_process(&config, profile)?;
        }
        let section = config_section(&config, profile);
        config.set(
            &section,
            &[("credential_process", command), ("region", region)],
        );
        let config_write = config_lock.prepare(&text_of(&self.config, &config)?)?;
        let creds_write = if creds.remove(profile, &OUR_KEYS) > 0 {
            creds.remove_section_if_empty(profile);
            Some(lock.prepare(&text_of(&self.credentials, &creds)?)?)
        } else {
            None
        };
        // Both are ready; the config lands first, so a failure in between leaves our old keys
        // working (they shadow credential_process until they expire) rather than neither.
        config_write.commit()?;
        creds_write.map_or(Ok(()), store::Prepared::commit)
    }

    /// `[profile]` of the credentials file (and `[DEFAULT]`), through the index.
    fn read_credentials_section(&self, profile: &str) -> Result<Ini> {
        index::read(&self.credentials, Pick::Named(profile), || {
            store::read_or_empty(&self.credentials)
        })
    }

    /// The sections of the config file botocore reads as `profile` (and `[DEFAULT]`), through
    /// the index.
    fn read_config_section(&self, profile: &str) -> Result<Ini> {
        index::read(&self.config, Pick::Profile(profile), || {
            store::read_or_empty(&self.config)
        })
    }

    /// The credentials in `[profile]`, if the section holds an access key.
    pub fn read_credentials(&self, profile: &str) -> Result<Option<ProfileCredentials>> {
        let ini = self.read_credentials_section(profile)?;
        let Some(access_key_id) = ini.get(profile, "aws_access_key_id") else {
            return Ok(None);
        };
        Ok(Some(ProfileCredentials {
            access_key_id,
            has_session_token: ini.get(profile, "aws_session_token").is_some(),
            expires: ini
                .get(profile, EXPIRES_KEY)
                .and_then(|v| clock::parse_rfc3339(&v)),
        }))
    }
}

/// A sign-in's writes into the AWS files, ready to land (see [`AwsFiles::prepare_login`]).
/// Dropped without [`PreparedLogin::commit`], it changes nothing and leaves no temp file.
#[derive(Debug)]
pub struct PreparedLogin {
    _locks: [Locked; 2],
    profile: String,
    /// The write, how to undo it, and the text it holds (to index once it has landed).
    config: Option<(store::Prepared, Undo, Ini)>,
    /// The write, and the text it holds (to index once it has landed).
    credentials: Option<(store::Prepared, Ini)>,
}

/// How to put the config file back.
#[derive(Debug)]
enum Undo {
    Restore(store::Prepared),
    Remove(PathBuf),
}

impl PreparedLogin {
    /// Lands the config, then the credentials. Should the credentials fail, the config is put
    /// back as it was, so a failure leaves both files as they were.
    pub fn commit(self) -> Result<()> {
        let undo = match self.config {
            Some((write, undo, ini)) => {
                let path = write.path().to_owned();
                write.commit()?;
                // Should the credentials fail, the config put back is another file, which
                // this entry does not describe.
                index::record_written(&path, Pick::Profile(&self.profile), &ini);
                Some(undo)
            }
            None => None,
        };
        let Some((creds, ini)) = self.credentials else {
            return Ok(());
        };
        let path = creds.path().to_owned();
        creds.commit().inspect_err(|_| match undo {
            Some(Undo::Restore(old)) => {
                let _ = old.commit();
            }
            Some(Undo::Remove(path)) => {
                let _ = std::fs::remove_file(path);
            }
            None => {}
        })?;
        index::record_written(&path, Pick::Named(&self.profile), &ini);
        Ok(())
    }
}

fn set_credentials(ini: &mut Ini, profile: &str, creds: &CachedCredentials) {
    ini.set(
        profile,
        &[
            ("aws_access_key_id", &creds.access_key_id),
            ("aws_secret_access_key", creds.secret_access_key.expose()),
            ("aws_session_token", creds.session_token.expose()),
            (EXPIRES_KEY, &clock::rfc3339(creds.expiration)),
        ],
    );
}

/// Whether setting the profile's `region` would leave `config` as it is (the section exists and
/// holds that region as its own key), read from the profile's sections alone.
fn sets_nothing(config: &Ini, profile: &str, region: &str) -> bool {
    let Some(section) = config.profile_section(profile) else {
        return false;
    };
    let mut probe = config.clone();
    probe.set(&section, &[("region", region)]);
    probe.to_text() == config.to_text()
}

/// The config file's section for a profile: the one botocore reads as that profile (`[default]`,
/// `[profile NAME]`, `[profile "NAME"]`..., the last if several), or a new `[profile NAME]`.
pub fn config_section(config: &Ini, profile: &str) -> String {
    config
        .profile_section(profile)
        .unwrap_or_else(|| ini::new_profile_header(profile))
}

/// Whether a `credential_process` command runs `cognito-auth credential-process` (as
/// `configure --credential-process` writes it), split the way botocore splits it.
fn is_our_credential_process(command: &str) -> bool {
    let Some(args) = ini::shlex_split(command) else {
        return false;
    };
    let program = args.first().map(|a| {
        let name = a.rsplit(['/', '\\']).next().unwrap_or(a);
        name.strip_suffix(".exe").unwrap_or(name).to_owned()
    });
    program.as_deref() == Some("cognito-auth")
        && args.get(1).map(String::as_str) == Some("credential-process")
}

fn check_not_long_term(ini: &Ini, path: &Path, profile: &str, force: bool) -> Result<()> {
    let long_term = ini.get(profile, "aws_access_key_id").is_some()
        && ini.get(profile, "aws_session_token").is_none();
    if long_term && !force {
        return Err(Error::LongTermKeys {
            profile: profile.to_owned(),
            path: path.to_owned(),
        });
    }
    Ok(())
}

/// Parses an INI file, turning a bad line into [`Error::Malformed`].
pub fn parse(path: &Path, text: impl Into<String>) -> Result<Ini> {
    Ini::parse(text).map_err(|e| Error::Malformed {
        path: path.to_owned(),
        line: e.line,
        reason: e.reason,
    })
}

/// The text to write, checked to be a file botocore reads.
fn text_of(path: &Path, ini: &Ini) -> Result<String> {
    checked(path, ini)?;
    Ok(ini.to_text())
}

/// Refuses a text botocore would not read.
fn checked(path: &Path, ini: &Ini) -> Result<()> {
    ini.check().map_err(|e| Error::Malformed {
        path: path.to_owned(),
        line: e.line,
        reason: format!(
            "with our keys added, botocore would refuse this file: {}",
            e.reason
        ),
    })
}

/// `~/x` as the AWS CLI reads it.
fn expand_tilde(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_profile_section_names() {
        let empty = Ini::parse("").unwrap();
        assert_eq!(config_section(&empty, "default"), "default");
        assert_eq!(config_section(&empty, "dev"), "profile dev");
        let odd = Ini::parse("[profile default]\nregion = x\n").unwrap();
        assert_eq!(config_section(&odd, "default"), "profile default");
    }

    #[test]
    fn long_term_keys_are_protected_unless_forced() {
        let path = Path::new("credentials");
        let ini = Ini::parse("[prod]\naws_access_key_id = AKIA\naws_secret_access_key = s\n[tmp]\naws_access_key_id = ASIA\naws_session_token = t\n").unwrap();
        assert!(matches!(
            check_not_long_term(&ini, path, "prod", false),
            Err(Error::LongTermKeys { .. })
        ));
        assert!(check_not_long_term(&ini, path, "prod", true).is_ok());
        assert!(check_not_long_term(&ini, path, "tmp", false).is_ok());
        assert!(check_not_long_term(&ini, path, "new", false).is_ok());
    }
}
