//! One module per subcommand: resolve settings, call the core, print.

pub mod admin;
pub mod completions;
pub mod configure;
pub mod console;
pub mod credential_process;
pub mod exec;
pub mod export;
pub mod login;
pub mod logout;
pub mod man;
pub mod prompt;
pub mod roles;
pub mod status;
pub mod token;

use crate::awsfiles::AwsFiles;
use crate::cache::Session;
use crate::error::{Error, Result};
use crate::session::{self, Ensured, Reauth, Want};
use crate::settings::{self, Flags, Settings};
use crate::signin::SignIn;
use crate::terminal;

/// A live session for the profile (`--profile`, else `AWS_PROFILE`, else `default`), refreshed
/// if needed. When only a password would do and the process has a terminal, it asks on
/// /dev/tty and signs in again; without one it fails at once and never reads stdin. A refresh
/// that failed while cached credentials are still good is a `warning:` on stderr.
pub fn live_session(profile_flag: Option<&str>, want: Want) -> Result<(String, Session)> {
    let profile = settings::resolve_profile(profile_flag)?.value;
    let settings_of = || {
        Settings::resolve(&Flags {
            profile: Some(profile.clone()),
            ..Flags::default()
        })
    };
    let min_ttl = session::min_ttl()?;
    let (needed, reason) = match session::ensure(&profile, want, min_ttl, settings_of)? {
        Ensured::Live { session, warning } => {
            if let Some(warning) = warning {
                eprintln!("warning: {warning}");
            }
            return Ok((profile, *session));
        }
        Ensured::SignIn { needed, reason } => (needed, reason),
    };
    sign_in_again(profile.clone(), needed, reason, settings_of)
}

/// The rest of [`live_session`] when only a sign-in would do: asks on the terminal, if there is
/// one. Kept out of line, so the path that answers from the cache stays small.
#[cold]
#[inline(never)]
fn sign_in_again(
    profile: String,
    needed: Reauth,
    reason: String,
    settings_of: impl Fn() -> Result<Settings>,
) -> Result<(String, Session)> {
    if !terminal::has_tty() {
        return Err(Error::LoginRequired { profile, reason });
    }
    let cached = match needed {
        // A browser sign-in is not something to start from inside another program.
        Reauth::Browser => {
            return Err(Error::LoginRequired {
                reason: format!(
                    "{reason} (it was a browser sign-in: `cognito-auth login --browser`)"
                ),
                profile,
            });
        }
        Reauth::Password { username } => username,
    };
    let settings = settings_of()?;
    let Some(username) = cached.or_else(|| settings.username.as_ref().map(|s| s.value.clone()))
    else {
        return Err(Error::LoginRequired { profile, reason });
    };
    let files = AwsFiles::locate()?;
    files.preflight(&profile, false, false)?; // before asking for anything
    eprintln!("cognito-auth: {reason}; signing {username} in to profile `{profile}` again.");
    // From here a person is in the loop: waits are bounded one at a time, as in `login`.
    crate::sdk::unbound_command();
    // A one-time code sign-in has no password: the core asks for what the factor needs.
    let password = match settings.auth_flow() {
        crate::auth::AuthFlow::Choice => None,
        _ => Some(terminal::ask_secret(&format!("Password for {username}"))?),
    };
    let mut prompt = prompt::TerminalPrompt::new(&settings, true, None);
    let session = SignIn {
        settings: &settings,
        files: &files,
        force: false,
    }
    .with_password(&username, password.as_ref(), &mut prompt)?;
    Ok((profile, session))
}
