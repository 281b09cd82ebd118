//! `cognito-auth logout`: revoke the refresh token (and with `--global` sign out everywhere),
//! then remove the session, the refresh token and our credentials in the profile. Local state
//! goes even when the server cannot be reached; the user is told what was not revoked.
//!
//! `--forget-device` first has the user pool forget the remembered device (ForgetDevice, while
//! the access token still works: revoking the refresh token revokes it too), then deletes the
//! device's secrets, so the next sign-in is a new device and asks for MFA.
//!
//! A session from the browser sign-in is revoked at its Hosted UI's `/oauth2/revoke`, and the
//! user gets the Hosted UI's `/logout` URL, which ends the browser's own session there.

use crate::auth;
use crate::awsfiles::AwsFiles;
use crate::cache::{self, SessionLock};
use crate::cli::LogoutArgs;
use crate::error::Result;
use crate::hosted_ui::HostedUi;
use crate::keystore;
use crate::sdk;
use crate::secret::Secret;
use crate::settings::{self, Flags, Settings};
use crate::signin;

/// Signs the profile out; signing out when signed out is success.
pub fn run(args: LogoutArgs) -> Result<()> {
    let profile = settings::resolve_profile(args.profile.profile.as_deref())?.value;
    let lock = SessionLock::acquire(&profile)?;
    // A session file that cannot be read is removed like a readable one; only what it would
    // have told us (the token to revoke, which keys are ours) is missing.
    let (session, unreadable) = match lock.inspect() {
        Ok(session) => (session, None),
        Err(unreadable) => (None, Some(unreadable)),
    };
    let mut done = Vec::new();
    let mut warnings = Vec::new();
    let mut browser_logout = None;

    if let Some(session) = &session {
        // A broken config must not keep anyone signed in: without settings, no client secret.
        let settings = Settings::resolve(&Flags {
            profile: Some(profile.clone()),
            ..Flags::default()
        });
        let app = signin::app_for_session(settings.as_ref().ok(), session);
        let idp = sdk::user_pools(app.region());
        let token = match session
            .refresh_token
            .map(|store| keystore::load(&profile, store))
        {
            Some(Ok(token)) => token,
            Some(Err(e)) => {
                warnings.push(format!("the refresh token was not revoked: {e}"));
                None
            }
            None => None,
        };
        if args.forget_device {
            forget_device(
                &idp,
                &app,
                session,
                token.as_ref(),
                &mut done,
                &mut warnings,
            )?;
        }
        let hosted_ui = session
            .hosted_ui
            .as_deref()
            .map(|base| HostedUi::for_app(base, &app));
        if let Some(token) = token {
            let revoked = match &hosted_ui {
                Some(ui) => sdk::bounded(ui.revoke(&token)),
                None => sdk::bounded(auth::revoke(&idp, &app, &token)),
            };
            match revoked {
                Ok(()) => done.push("revoked the refresh token".to_owned()),
                Err(e) => warnings.push(format!("the refresh token was not revoked: {e}")),
            }
        }
        if let Some(ui) = &hosted_ui {
            let redirect_uri = settings
                .as_ref()
                .map_or(crate::settings::DEFAULT_REDIRECT_URI, |s| {
                    s.redirect_uri.value.uri.as_str()
                });
            browser_logout = Some(ui.logout_url(redirect_uri));
        }
        if args.global {
            match sdk::bounded(auth::global_sign_out(
                &idp,
                app.region(),
                &session.access_token,
            )) {
                Ok(()) => done.push(format!("signed {} out on every device", session.username)),
                Err(e) => warnings.push(format!(
                    "{} was not signed out globally: {e}",
                    session.username
                )),
            }
        }
    }
    if args.forget_device && session.is_none() {
        // No session to tell the pool with: only the secrets kept here can go.
        let settings = Settings::resolve(&Flags {
            profile: Some(profile.clone()),
            ..Flags::default()
        });
        let who = settings.as_ref().ok().and_then(|s| {
            Some((
                s.user_pool_id.as_ref()?.value.clone(),
                s.username.as_ref()?.value.clone(),
            ))
        });
        if let Some((pool, user)) = who
            && keystore::delete_device(&pool, &user)?
        {
            done.push("deleted this device's secrets".to_owned());
            warnings.push(
                "the user pool was not told to forget the device (no session to do it with)"
                    .to_owned(),
            );
        }
    }
    keystore::delete(&profile)?;
    let had_session = lock.delete()?;
    if cache::remove_state(&cache::client_credentials_file(&profile)?)? {
        done.push("deleted the cached client-credentials token".to_owned());
    }
    let files = AwsFiles::locate()?;
    if let Some(unreadable) = &unreadable
        && files.read_credentials(&profile).ok().flatten().is_some()
    {
        warnings.push(format!(
            "the session file could not be read ({}), so the keys in [{profile}] of {} cannot be told from another tool's and were left as they are",
            unreadable.reason,
            files.credentials.display()
        ));
    }
    let removed = match &session {
        Some(s) => files.remove_ours(&profile, |k| s.owns(k)),
        None => Ok(false),
    };
    match removed {
        Ok(true) => done.push(format!(
            "removed the credentials of [{profile}] from {}",
            files.credentials.display()
        )),
        Ok(false) => {}
        Err(e) => warnings.push(format!("the credentials file was left as it is: {e}")),
    }
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    match (&unreadable, had_session) {
        (Some(u), _) => done.push(format!(
            "deleted the cached session, which could not be read ({})",
            u.reason
        )),
        (None, true) => done.push("deleted the cached session".into()),
        (None, false) => {}
    }
    if done.is_empty() {
        eprintln!("Profile `{profile}` was not signed in; nothing to do.");
    } else {
        eprintln!("Signed out of profile `{profile}`: {}.", done.join(", "));
    }
    if let Some(url) = browser_logout {
        eprintln!("To sign out of the Hosted UI in the browser too, open:\n\n  {url}\n");
    }
    Ok(())
}

/// ForgetDevice for the session's device (if the pool has one for it), then deletes the
/// device's secrets here whatever the pool said: a device the pool already forgot is gone.
/// ForgetDevice needs a live access token: an expired one is refreshed first (before the
/// refresh token is revoked).
fn forget_device(
    idp: &aws_sdk_cognitoidentityprovider::Client,
    app: &auth::AppClient,
    session: &cache::Session,
    refresh_token: Option<&Secret<String>>,
    done: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let user = if session.login_name.is_empty() {
        &session.username
    } else {
        &session.login_name
    };
    let key = session.device_key.clone().or_else(|| {
        keystore::load_device(&app.user_pool_id, user)
            .ok()
            .flatten()
            .map(|d| d.device_key)
    });
    let mut access = session.access_token.clone();
    if let (Some(_), Some(token), false) = (
        &key,
        refresh_token,
        session.tokens_live(crate::clock::now()) || session.hosted_ui.is_some(),
    ) {
        let refreshed = sdk::bounded(auth::refresh(
            idp,
            app,
            &session.username,
            token,
            session.device_key.as_deref(),
        ));
        match refreshed {
            Ok(tokens) => access = tokens.access_token,
            Err(e) => warnings.push(format!("the expired access token was not refreshed: {e}")),
        }
    }
    if let Some(key) = &key {
        match sdk::bounded(auth::device::forget(idp, app, user, &access, key)) {
            Ok(()) => done.push(format!("the user pool forgot device {key}")),
            Err(e) if auth::device::is_unknown_device(&e) => {
                done.push(format!("device {key} was already unknown to the user pool"));
            }
            Err(e) => warnings.push(format!(
                "the user pool was not told to forget device {key}: {e}"
            )),
        }
    }
    if keystore::delete_device(&app.user_pool_id, user)? {
        done.push("deleted this device's secrets".to_owned());
    } else if key.is_none() {
        done.push("no remembered device to forget".to_owned());
    }
    Ok(())
}
